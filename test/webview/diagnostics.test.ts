// The diagnostics panel in a real browser (Debian chromium): the vanishing-gradient chart on a log
// axis, gate histograms, parameter bars, clip events, and Save PNG / Save CSV through the host.
// Needs the bundles: node scripts/build.mjs.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HISTOGRAM_BINS, type DiagnosticsReport } from '../../src/protocol';
import { defaultTrainConfig } from '../../src/engine/config';
import { diagnose } from '../../src/engine/diagnostics';
import { makeTagData } from '../../src/engine/tasks/makeData';
import { diagnoseTask } from '../../src/engine/tasks/taskDiagnostics';
import { parseTaskText } from '../../src/engine/tasks/taskData';
import { TaskTrainer } from '../../src/engine/tasks/taskTrainer';
import { jsBackend } from '../../src/engine/reference';
import { HAND_SET_GATES, HAND_SET_TEXT, handSetModel } from '../helpers/handSet';
import { SCREENSHOTS, eachTestOpens, screenshot, settled, type View } from './harness';
import { diagnosticsMessage, gradNormCurve, reports } from './fixtures';
import { canvasPixels, dataTable, parseCsv, pngSize, sameAsCsv, sameNumber, save } from './probes';
import { THEMES, type ThemeName } from './themes';

interface VanishingProbe {
  distr: number;
  labels: string[];
  strokes: string[];
  dashes: number[][];
  x: number[];
  ys: (number | null)[][];
  yMin: number;
  yMax: number;
  yLabel: string;
}

async function vanishing(view: View, series: number): Promise<VanishingProbe> {
  await view.page.waitForFunction((n) => window.seqlabCharts?.get('vanishing')?.uplot?.series.length === n + 1, series);
  return view.page.evaluate(() => {
    const u = window.seqlabCharts!.get('vanishing')!.uplot;
    return {
      distr: u.scales.y.distr,
      labels: u.series.slice(1).map((s) => s.label),
      strokes: u.series.slice(1).map((s, i) => s.stroke(u, i + 1)),
      dashes: u.series.slice(1).map((s) => s.dash ?? []),
      x: Array.from(u.data[0] as ArrayLike<number>),
      ys: u.data.slice(1).map((s) => Array.from(s)),
      yMin: u.scales.y.min!,
      yMax: u.scales.y.max!,
      yLabel: String(u.axes[1].label),
    };
  });
}

/** A call a canvas chart made: text with where it starts and ends, or a filled rectangle and its colour. */
type DrawOp =
  | { op: 'text'; text: string; x: number; y: number; align: string; left: number; right: number }
  | { op: 'rect'; x: number; y: number; w: number; h: number; color: string };

/** Records the fillText and fillRect calls of the canvas in section #id, afresh at each redraw (its clearRect). */
async function recordDrawing(view: View, id: string): Promise<void> {
  await view.page.evaluate((section) => {
    const w = window as unknown as { __drawn: unknown[] };
    w.__drawn = [];
    const P = CanvasRenderingContext2D.prototype;
    const mine = (ctx: CanvasRenderingContext2D) => ctx.canvas.closest(`#${section}`) !== null;
    const { fillText, fillRect, clearRect } = P;
    P.fillText = function (text: string, x: number, y: number, maxWidth?: number) {
      if (mine(this)) {
        const width = this.measureText(text).width;
        const left = this.textAlign === 'right' ? x - width : this.textAlign === 'center' ? x - width / 2 : x;
        w.__drawn.push({ op: 'text', text, x, y, align: this.textAlign, left, right: left + width });
      }
      return fillText.call(this, text, x, y, maxWidth);
    };
    P.fillRect = function (x: number, y: number, width: number, height: number) {
      if (mine(this)) w.__drawn.push({ op: 'rect', x, y, w: width, h: height, color: String(this.fillStyle) });
      return fillRect.call(this, x, y, width, height);
    };
    P.clearRect = function (x: number, y: number, width: number, height: number) {
      if (mine(this)) w.__drawn = [];
      return clearRect.call(this, x, y, width, height);
    };
  }, id);
}

/** The drawing recorded once it includes the text `last`. */
async function drawing(view: View, last: string): Promise<DrawOp[]> {
  await view.page.waitForFunction(
    (t) => (window as unknown as { __drawn: { text?: string }[] }).__drawn.some((o) => o.text === t),
    last,
  );
  return view.page.evaluate(() => (window as unknown as { __drawn: DrawOp[] }).__drawn);
}

/** One drawn histogram: its label, the bars by bin with their colours, the bands under the two end bins, the axis labels. */
interface DrawnHistogram {
  group: string;
  label: string;
  bars: { bin: number; height: number; color: string }[];
  bands: string[];
  axis: string[];
}

/**
 * Reads the recorded drawing back as histograms. Per group: its title; per gate, in drawing order: the
 * label, the bars, the base line (the widest rectangle: the cell's width, 1 high), the two end bands,
 * three axis labels.
 */
function drawnHistograms(ops: DrawOp[], titles: string[]): DrawnHistogram[] {
  const out: DrawnHistogram[] = [];
  let group = '';
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (op.op !== 'text') continue;
    if (titles.includes(op.text)) {
      group = op.text;
      continue;
    }
    const rects: Extract<DrawOp, { op: 'rect' }>[] = [];
    let j = i + 1;
    for (; j < ops.length && ops[j].op === 'rect'; j++) rects.push(ops[j] as Extract<DrawOp, { op: 'rect' }>);
    const base = rects.reduce((m, r) => (r.w > m.w ? r : m));
    const at = rects.indexOf(base);
    const bw = base.w / HISTOGRAM_BINS;
    const bars = rects
      .slice(0, at)
      .map((r) => ({ bin: Math.round((r.x - 0.5 - base.x) / bw), height: r.h, color: r.color }));
    const bands = rects.slice(at + 1).map((r) => r.color);
    const axis = ops.slice(j, j + 3).map((t) => (t.op === 'text' ? t.text : '?'));
    out.push({ group, label: op.text, bars, bands, axis });
    i = j + 2;
  }
  return out;
}

/** The gate-saturation table's rows: model · layer, gate, range, and the two ends' texts (or the one note of a model without gates). */
function saturationRows(view: View): Promise<string[][]> {
  return view.page
    .locator('#gates table.saturation tbody tr')
    .evaluateAll((rows) => rows.map((r) => Array.from(r.children, (c) => (c as HTMLElement).innerText)));
}

interface GradNormProbe {
  distr: number;
  labels: string[];
  strokes: string[];
  x: number[];
  ys: (number | null)[][];
  yMin: number;
  yMax: number;
}

/** The gradient-norm chart once it has `series` series besides x. */
async function gradNorm(view: View, series: number): Promise<GradNormProbe> {
  await view.page.waitForFunction((n) => window.seqlabCharts?.get('gradnorm')?.uplot?.series.length === n + 1, series);
  return view.page.evaluate(() => {
    const u = window.seqlabCharts!.get('gradnorm')!.uplot;
    return {
      distr: u.scales.y.distr,
      labels: u.series.slice(1).map((s) => s.label),
      // markers only (no line): the colour of their rings
      strokes: u.series.slice(1).map((s, i) => (s.width ? s.stroke(u, i + 1) : s.points.stroke(u, i + 1))),
      x: Array.from(u.data[0] as ArrayLike<number>),
      ys: u.data.slice(1).map((s) => Array.from(s)),
      yMin: u.scales.y.min,
      yMax: u.scales.y.max,
    };
  });
}

/** The RGBA of pixel (1, 1) of a PNG data URL, decoded by the browser. */
function cornerPixel(view: View, dataUrl: string): Promise<number[]> {
  return view.page.evaluate(async (url) => {
    const img = new Image();
    img.src = url;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    return Array.from(ctx.getImageData(1, 1, 1, 1).data);
  }, dataUrl);
}

/** The gates of a cell in the order the panel shows them. */
function order(cell: string): string[] {
  return cell === 'lstm' ? ['Γu', 'Γf', 'Γo', 'c̃'] : ['Γu', 'Γr', 'c̃'];
}

/** The vanishing chart's series, as the panel orders them: per report its a<t> lines, then its c<t> lines. */
function normSeries(rs: DiagnosticsReport[]): { label: string; norms: number[] }[] {
  return rs.flatMap((r) => {
    const name = (l: number) => (r.layers > 1 ? `${r.label} layer ${l + 1}` : r.label);
    return [
      ...r.gradNorms.map((norms, l) => ({ label: name(l), norms })),
      ...(r.cellGradNorms ?? []).map((norms, l) => ({ label: `${name(l)} c<t>`, norms })),
    ];
  });
}

describe('diagnostics webview (chromium)', function () {
  this.timeout(60_000);
  let view: View;
  const data = reports();
  const SERIES = normSeries(data).length; // 5 a<t> lines and the LSTM's 2 c<t> lines
  eachTestOpens('diagnostics', { width: 1100, height: 900 }, (v) => (view = v));

  it('posts ready and shows an empty state until reports arrive', async () => {
    await settled(view.page);
    assert.deepEqual(await view.posted(), [{ type: 'ready' }]);
    assert.ok(await view.page.locator('.empty').isVisible());
    assert.equal(await view.page.locator('#root > .content').isVisible(), false);
  });

  it('names the file and models it shows, a Compare in progress, and an outdated model with Refresh', async () => {
    await view.send(
      diagnosticsMessage([], { subject: 'Compare cells on story.txt', status: 'Training GRU: model 2 of 3' }),
    );
    await settled(view.page);
    assert.equal(await view.page.locator('[data-role="subject"]').innerText(), 'Compare cells on story.txt');
    assert.equal(await view.page.locator('[data-role="status"]').innerText(), 'Training GRU: model 2 of 3');
    assert.equal(await view.page.locator('.empty').isVisible(), false, 'no "No diagnostics yet" while models train');
    assert.equal(await view.page.locator('[data-role="outdated"]').isVisible(), false);

    await view.send(diagnosticsMessage(data.slice(2), { subject: 'story.txt — LSTM-128' }));
    await settled(view.page);
    assert.equal(await view.page.locator('[data-role="outdated"]').isVisible(), false);
    // The header alone changes: the charts stay as they are.
    const outdated = "The file's model changed since (now story.txt — GRU-128).";
    await view.send({ type: 'diagnosticsStatus', status: '', outdated });
    await settled(view.page);
    assert.ok(await view.page.locator('#vanishing').isVisible(), 'the charts stay');
    assert.equal(await view.page.locator('[data-role="subject"]').innerText(), 'story.txt — LSTM-128');
    assert.equal(await view.page.locator('[data-role="status"]').isVisible(), false);
    assert.match(await view.page.locator('[data-role="outdated"]').innerText(), /model changed since/);
    await view.page.locator('[data-role="outdated"] [data-command="refresh"]').click();
    const posted = await view.posted();
    assert.deepEqual(posted[posted.length - 1], { type: 'command', command: 'diagnostics' });
  });

  it('draws ‖∂L<T>/∂a<t>‖ and the LSTM’s ‖∂L<T>/∂c<t>‖ on one log axis, one series per report, layer and path', async () => {
    await view.send(diagnosticsMessage(data));
    const chart = await vanishing(view, SERIES);
    assert.equal(chart.distr, 3, 'logarithmic y scale');
    assert.deepEqual(chart.labels, [
      'RNN-128',
      'GRU-128 layer 1',
      'GRU-128 layer 2',
      'LSTM-128 layer 1',
      'LSTM-128 layer 2',
      'LSTM-128 layer 1 c<t>',
      'LSTM-128 layer 2 c<t>',
    ]);
    assert.deepEqual(
      chart.x,
      Array.from({ length: 64 }, (_, i) => i + 1),
    );
    assert.deepEqual(
      chart.ys,
      normSeries(data).map((s) => s.norms),
    );
    const v = THEMES.dark.vars;
    assert.deepEqual(chart.strokes, [
      v['--vscode-charts-blue'],
      v['--vscode-charts-orange'],
      v['--vscode-charts-orange'],
      v['--vscode-charts-green'],
      v['--vscode-charts-green'],
      v['--vscode-charts-green'],
      v['--vscode-charts-green'],
    ]);
    assert.deepEqual(
      chart.dashes.map((d) => JSON.stringify(d)),
      ['[]', '[]', '[7,4]', '[]', '[7,4]', '[2,4]', '[2,4,8,4]'],
      'layer 2 is dashed; the memory cell’s lines dotted, each its own pattern',
    );
    // the y axis spans every line, the c<t> ones included
    const all = chart.ys.flat().filter((y): y is number => y !== null);
    assert.ok(chart.yMin <= Math.min(...all) && chart.yMax >= Math.max(...all), `${chart.yMin}…${chart.yMax}`);
    assert.equal(chart.yLabel, '‖∂L<T>/∂a<t>‖, ‖∂L<T>/∂c<t>‖');
    // the lesson, as numbers: the RNN's signal at t = 1 is orders of magnitude below the LSTM's
    assert.ok(chart.ys[0][0]! * 1000 < chart.ys[3][0]!);
    const caption = await view.page.locator('#vanishing .caption').innerText();
    assert.match(caption, /vanishing gradient/);
    assert.match(caption, /c<t> = Γu\*c̃<t> \+ Γf\*c<t−1> is additive/);
    assert.match(caption, /multiplied only by Γf, and it survives while Γf ≈ 1/);
    assert.match(caption, /through the gates and W_aa at every step/);
  });

  it('draws no c<t> line, and labels the axis ‖∂L<T>/∂a<t>‖ alone, without an LSTM', async () => {
    await view.send(diagnosticsMessage(data.slice(0, 2)));
    const chart = await vanishing(view, 3);
    assert.deepEqual(chart.labels, ['RNN-128', 'GRU-128 layer 1', 'GRU-128 layer 2']);
    assert.equal(chart.yLabel, '‖∂L<T>/∂a<t>‖');
  });

  it('draws each direction of a bidirectional tagger\'s layers: "layer 1 →" and "layer 1 ←", a<t> and c<t>', async () => {
    const trainer = TaskTrainer.create(
      parseTaskText(makeTagData({ seed: 2, sentences: 30 }), 'tag', 'names.conll', true),
      null,
      { cell: 'lstm', hidden: 8, bidirectional: true, input: 'embedding', embedSize: 4 },
      { ...defaultTrainConfig, level: 'word' },
      jsBackend('f32'),
      'names.conll',
    );
    const r = diagnoseTask(trainer.model, jsBackend('f32'), makeTagData({ seed: 2, sentences: 30 }), 'names.conll');
    await view.send(diagnosticsMessage([r]));
    const chart = await vanishing(view, 4);
    const name = r.label;
    assert.deepEqual(chart.labels, [
      `${name} layer 1 →`,
      `${name} layer 1 ←`,
      `${name} layer 1 → c<t>`,
      `${name} layer 1 ← c<t>`,
    ]);
    assert.deepEqual(chart.ys, [
      r.gradNorms[0],
      r.backwardGradNorms![0],
      r.cellGradNorms![0],
      r.backwardCellGradNorms![0],
    ]);
    assert.deepEqual(
      chart.dashes.map((d) => JSON.stringify(d)),
      ['[]', '[7,4]', '[2,4]', '[2,4,8,4]'],
      'each direction its own pattern',
    );
    assert.deepEqual(
      chart.x,
      Array.from({ length: r.steps }, (_, i) => i + 1),
    );
    assert.match(
      await view.page.locator('.window-note').innerText(),
      /← the backward direction a←<t>.*reached from t = 1/,
    );
  });

  it('aligns reports with different window lengths at the loss step (x = t − T)', async () => {
    const short: DiagnosticsReport = { ...data[0], label: 'RNN-T8', steps: 8, gradNorms: [[1, 2, 3, 4, 5, 6, 7, 8]] };
    const long: DiagnosticsReport = {
      ...data[0],
      label: 'RNN-T10',
      steps: 10,
      gradNorms: [[1, 1, 1, 1, 1, 1, 1, 1, 1, 1]],
    };
    await view.send(diagnosticsMessage([short, long]));
    const chart = await vanishing(view, 2);
    assert.deepEqual(chart.x, [-9, -8, -7, -6, -5, -4, -3, -2, -1, 0]);
    assert.deepEqual(chart.ys[0], [null, null, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('hides the training-curves panel without curves and overlays one train + val pair per model with them', async () => {
    await view.send(diagnosticsMessage(data));
    await vanishing(view, SERIES);
    assert.equal(await view.page.locator('#losses').isVisible(), false, 'no lossCurve: no panel');

    const curve = (scale: number) =>
      [10, 20, 30].map((step) => ({ step, loss: scale * (4 - step / 10), valLoss: step === 30 ? scale * 1.5 : null }));
    const compared = data.map((r, i) => ({ ...r, lossCurve: curve(1 + i / 10) }));
    await view.send(diagnosticsMessage(compared));
    await view.page.waitForFunction(() => window.seqlabCharts?.get('losses')?.uplot?.series.length === 7);
    assert.ok(await view.page.locator('#losses').isVisible());
    const chart = await view.page.evaluate(() => {
      const u = window.seqlabCharts!.get('losses')!.uplot;
      return {
        labels: u.series.slice(1).map((s) => s.label),
        x: Array.from(u.data[0] as ArrayLike<number>),
        ys: u.data.slice(1).map((s) => Array.from(s)),
      };
    });
    assert.deepEqual(chart.labels, [
      'RNN-128 train',
      'RNN-128 val',
      'GRU-128 train',
      'GRU-128 val',
      'LSTM-128 train',
      'LSTM-128 val',
    ]);
    assert.deepEqual(chart.x, [10, 20, 30]);
    assert.deepEqual(chart.ys[1], [null, null, 1.5], 'validation loss only where measured');
    assert.ok(
      Math.abs((chart.ys[0][0] as number) - 3) < 1e-12,
      'the smoothed curve starts at the first loss (debiased EMA)',
    );
    assert.ok(
      (chart.ys[0][2] as number) < (chart.ys[0][0] as number) && (chart.ys[0][2] as number) > 1,
      'smoothed, decreasing, above the last raw loss',
    );

    const rows = parseCsv((await save(view, 'losses-csv')).data);
    assert.deepEqual(rows[0], [
      'step',
      'RNN-128 train (smoothed)',
      'RNN-128 val',
      'GRU-128 train (smoothed)',
      'GRU-128 val',
      'LSTM-128 train (smoothed)',
      'LSTM-128 val',
    ]);
    assert.deepEqual(
      rows.map((r) => r[0]),
      ['step', '10', '20', '30'],
    );
    assert.equal(Number(rows[3][6]), 1.2 * 1.5);
  });

  it('draws each model’s gradient norm over training on a log axis, the clip threshold and the clipped steps', async () => {
    const compared = data.map((r, i) => ({ ...r, gradNormCurve: gradNormCurve(5, 1 + i / 2) }));
    await view.send(diagnosticsMessage(compared));
    const chart = await gradNorm(view, 7);
    assert.ok(await view.page.locator('#gradnorm').isVisible());
    assert.equal(chart.distr, 3, 'logarithmic y scale');
    assert.deepEqual(chart.labels, [
      'RNN-128',
      'RNN-128 clipped',
      'GRU-128',
      'GRU-128 clipped',
      'LSTM-128',
      'LSTM-128 clipped',
      'clip threshold 5',
    ]);
    const curves = compared.map((r) => r.gradNormCurve);
    assert.deepEqual(
      chart.x,
      curves[0].points.map((p) => p.step),
    );
    curves.forEach((c, i) => {
      assert.deepEqual(
        chart.ys[2 * i],
        c.points.map((p) => p.norm),
      );
      const clipped = c.points.filter((p) => p.clipped);
      assert.ok(clipped.length > 0, 'the fixture clips');
      assert.equal(chart.ys[2 * i + 1].filter((v) => v !== null).length, clipped.length, 'one marker per clip');
      assert.deepEqual(
        chart.ys[2 * i + 1].flatMap((v, k) => (v === null ? [] : [[chart.x[k], v]])),
        clipped.map((p) => [p.step, p.norm]),
      );
    });
    assert.deepEqual(chart.ys[6], Array(chart.x.length).fill(5), 'the threshold line at clip = 5');
    const norms = curves.flatMap((c) => c.points.map((p) => p.norm));
    assert.ok(chart.yMin <= Math.min(...norms) && chart.yMax >= Math.max(...norms), `${chart.yMin}…${chart.yMax}`);
    const v = THEMES.dark.vars;
    const red = v['--vscode-charts-red'];
    assert.deepEqual(chart.strokes, [
      v['--vscode-charts-blue'],
      red,
      v['--vscode-charts-orange'],
      red,
      v['--vscode-charts-green'],
      red,
      red,
    ]);
    const lines = await view.page.locator('#gradnorm .clip-list li').allInnerTexts();
    assert.equal(lines.length, 3);
    curves.forEach((c, i) => {
      const n = c.points.filter((p) => p.clipped).length;
      const spanned = c.points[c.points.length - 1].step - c.points[0].step + 1; // the steps the curve spans
      assert.match(lines[i], new RegExp(`^${data[i].label}: clip threshold 5: ${n} of ${spanned} steps clipped`));
    });
    assert.match(await view.page.locator('#gradnorm .caption').innerText(), /before clipping|exploding gradient/);

    const rows = parseCsv((await save(view, 'gradnorm-csv')).data);
    assert.deepEqual(rows[0], ['model', 'step', 'gradient norm', 'clipped', 'clip threshold']);
    assert.equal(rows.length, 1 + curves.reduce((n, c) => n + c.points.length, 0));
    const first = curves[1].points.find((p) => p.clipped)!;
    assert.ok(
      rows.some((r) => r.join() === ['GRU-128', first.step, first.norm, 1, 5].join()),
      'a clipped GRU step, as drawn',
    );
    const png = await save(view, 'gradnorm-png');
    assert.equal(png.name, 'seqlab-gradient-norm.png');
    assert.ok(pngSize(png.data).height > 260);
    assert.deepEqual(await cornerPixel(view, png.data), [0x1f, 0x1f, 0x1f, 255], 'on the dark background');
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    fs.writeFileSync(path.join(SCREENSHOTS, `export-${png.name}`), Buffer.from(png.data.split(',')[1], 'base64'));
  });

  it('with clipping off: no threshold line, no markers, and each model says "clipping off"', async () => {
    const off = data.map((r, i) => ({ ...r, gradNormCurve: gradNormCurve(0, 1 + i) }));
    const loaded: DiagnosticsReport = { ...data[0], label: 'RNN-loaded' }; // no run kept for it
    await view.send(diagnosticsMessage([...off, loaded]));
    const chart = await gradNorm(view, 6);
    assert.deepEqual(chart.labels, [
      'RNN-128',
      'RNN-128 clipped',
      'GRU-128',
      'GRU-128 clipped',
      'LSTM-128',
      'LSTM-128 clipped',
    ]);
    for (const i of [1, 3, 5])
      assert.ok(
        chart.ys[i].every((v) => v === null),
        'no clipped step',
      );
    const peak = Math.max(...off[2].gradNormCurve.points.map((p) => p.norm));
    assert.ok(peak > 5 && chart.yMax >= peak, 'the unclipped spikes stay on the chart');
    const lines = await view.page.locator('#gradnorm .clip-list li').allInnerTexts();
    assert.deepEqual(
      lines.map((l) => l.replace(/;.*/, '')),
      [
        'RNN-128: clipping off: every update applied in full',
        'GRU-128: clipping off: every update applied in full',
        'LSTM-128: clipping off: every update applied in full',
        'RNN-loaded: no training run kept for this model',
      ],
    );
  });

  it('hides the gradient-norm section when no report carries its run', async () => {
    await view.send(diagnosticsMessage(data));
    await vanishing(view, SERIES);
    await settled(view.page);
    assert.equal(await view.page.locator('#gradnorm').isVisible(), false);
  });

  it('draws each hand-set gate at the known end of its own axis, coloured and named by what that end means', async () => {
    const handSet = HAND_SET_GATES.map((h, i) => {
      const model = handSetModel(h);
      const tokens = model.tokenizer.encode(HAND_SET_TEXT);
      return diagnose(model, jsBackend('f32'), tokens, { steps: 20, label: `hand-set ${i + 1}` });
    });
    await recordDrawing(view, 'gates');
    await view.send(diagnosticsMessage(handSet));
    const titles = handSet.map((r) => `${r.label} · layer 1`);
    const drawn = drawnHistograms(await drawing(view, titles[titles.length - 1]), titles);
    assert.deepEqual(
      drawn.map((d) => `${d.group}: ${d.label}`),
      HAND_SET_GATES.flatMap((h, i) => {
        const order = h.model.cell === 'lstm' ? ['Γu', 'Γf', 'Γo', 'c̃'] : ['Γu', 'Γr', 'c̃'];
        return order.map((g) => `${titles[i]}: ${g}`);
      }),
    );
    // The course's equations: GRU c<t> = Γu*c̃<t> + (1 − Γu)*c<t−1>; LSTM c<t> = Γu*c̃<t> + Γf*c<t−1>; c̃ = tanh(…).
    const v = THEMES.dark.vars;
    const meaning: Record<string, [string, string]> = {
      'gru Γu low': ['carries memory', v['--vscode-charts-green']],
      'gru Γu high': ['cuts a path', v['--vscode-charts-orange']],
      'lstm Γf high': ['carries memory', v['--vscode-charts-green']],
      'lstm c̃ low': ['blocks learning', v['--vscode-charts-red']],
    };
    const table = await saturationRows(view);
    HAND_SET_GATES.forEach((h, i) => {
      const d = drawn.find((x) => x.group === titles[i] && x.label === h.gate)!;
      const tallest = d.bars.reduce((m, b) => (b.height > m.height ? b : m));
      assert.equal(tallest.bin, h.end === 'low' ? 0 : HISTOGRAM_BINS - 1, `${h.title}: ${JSON.stringify(d)}`);
      assert.ok(tallest.height > 50, `${h.title}: the whole mass in one bar (${tallest.height} px)`);
      assert.ok(
        d.bars.every((b) => b === tallest || b.height <= 1),
        `${h.title}: nothing else above a hairline`,
      );
      const [lo, hi] = h.range.map((x) => (x < 0 ? `−${-x}` : String(x)));
      assert.deepEqual(d.axis, [lo, h.range[0] < 0 ? '0' : '0.5', hi], `${h.title}: the axis of its own range`);
      const [kind, color] = meaning[`${h.model.cell} ${h.gate} ${h.end}`];
      assert.equal(tallest.color, color, `${h.title}: the end bin in the colour of "${kind}"`);
      assert.equal(d.bands[h.end === 'low' ? 0 : 1], color, `${h.title}: and the band under it`);
      // the same, as text: the share at each end and what it means
      const row = table.find((r) => r[0] === titles[i] && r[1] === h.gate)!;
      assert.equal(row[2], `${lo} … ${hi}`);
      const [near, far] = h.end === 'low' ? [row[3], row[4]] : [row[4], row[3]];
      assert.ok(near.startsWith(`≈${h.end === 'low' ? lo : hi}: 100% `), `${h.title}: ${near}`);
      assert.ok(near.includes(`${kind}: `), `${h.title}: ${near}`);
      assert.match(far, /^≈(−?1|0): 0% /);
    });
    const caption = await view.page.locator('#gates .caption').innerText();
    assert.match(caption, /Γu = 1 − z/);
    assert.match(caption, /\[−1, 1\] for the candidate c̃/);
  });

  it('draws c̃ on −1…1 and the gates on 0…1, and says the shares near each end as text with their meanings', async () => {
    await recordDrawing(view, 'gates');
    await view.send(diagnosticsMessage(data));
    const titles = data.flatMap((r) =>
      [...new Set(r.gates.map((g) => g.layer))].map((l) => `${r.label} · layer ${l + 1}`),
    );
    const drawn = drawnHistograms(await drawing(view, 'LSTM-128 · layer 2'), titles);
    assert.equal(drawn.length, 14);
    for (const d of drawn)
      assert.deepEqual(d.axis, d.label === 'c̃' ? ['−1', '0', '1'] : ['0', '0.5', '1'], `${d.group} ${d.label}`);
    // nothing but titles, gate names and axis numbers is drawn as text: the shares are HTML
    const texts = (await drawing(view, 'LSTM-128 · layer 2')).flatMap((o) => (o.op === 'text' ? [o.text] : []));
    assert.ok(
      texts.every((t) => !t.includes('%')),
      texts.join(' | '),
    );

    const rows = await saturationRows(view);
    assert.equal(rows.length, 1 + 14, 'the RNN, then a row per layer and gate');
    assert.equal(rows[0][0], 'RNN-128');
    assert.match(
      rows[0][1],
      /^a plain RNN has no gates: a<t> = tanh\(Waa·a<t−1> \+ Wax·x<t> \+ ba\).*gradient vanishes/,
    );
    const expected = data.flatMap((r) =>
      [...r.gates]
        .sort((a, b) => a.layer - b.layer || order(r.cell).indexOf(a.gate) - order(r.cell).indexOf(b.gate))
        .map((g) => ({ r, g })),
    );
    expected.forEach(({ r, g }, i) => {
      const row = rows[i + 1];
      const [lo, hi] = g.range.map((x) => (x < 0 ? `−${-x}` : String(x)));
      assert.deepEqual(row.slice(0, 3), [`${r.label} · layer ${g.layer + 1}`, g.gate, `${lo} … ${hi}`]);
      const pct = (f: number) => (f > 0 && f < 0.01 ? '<1%' : `${Math.round(f * 100)}%`);
      assert.ok(row[3].startsWith(`≈${lo}: ${pct(g.low)} `), row[3]);
      assert.ok(row[4].startsWith(`≈${hi}: ${pct(g.high)} `), row[4]);
    });
    const text = (label: string, gate: string, end: 3 | 4) => rows.find((r) => r[0] === label && r[1] === gate)![end];
    assert.match(text('GRU-128 · layer 1', 'Γu', 3), /carries memory: keeps the memory: c<t> ≈ c<t−1>/);
    assert.match(text('GRU-128 · layer 1', 'Γu', 4), /cuts a path: overwrites: c<t> ≈ c̃<t>/);
    assert.match(text('GRU-128 · layer 1', 'Γr', 3), /cuts a path: ignores the past in c̃/);
    assert.match(text('LSTM-128 · layer 1', 'Γf', 4), /carries memory: keeps the memory/);
    assert.match(text('LSTM-128 · layer 1', 'Γf', 3), /cuts a path: forgets/);
    assert.match(text('LSTM-128 · layer 1', 'Γo', 3), /cuts a path: hides the cell/);
    assert.match(text('LSTM-128 · layer 2', 'c̃', 3), /blocks learning: tanh saturated/);
    assert.match(text('LSTM-128 · layer 2', 'c̃', 4), /blocks learning: tanh saturated/);
    assert.deepEqual(await view.page.locator('#gates .saturation-legend li').allInnerTexts(), [
      'carries memory',
      'lets through',
      'cuts a path',
      'blocks learning',
    ]);
    // selectable text, not a picture
    const selected = await view.page.evaluate(() => {
      const cell = document.querySelector('#gates table.saturation td.end')!;
      getSelection()!.selectAllChildren(cell);
      return getSelection()!.toString();
    });
    assert.match(selected, /^≈0: \d+%/);
    assert.match(
      await view.page.locator('#gates .caption').innerText(),
      /Γu ≈ 0 \(GRU\), Γf ≈ 1 \(LSTM\) carry memory.*c̃ ≈ ±1 \(GRU, LSTM\) block learning.*σ′ ≈ 0/,
    );
  });

  it('explains the window: T from the reports, the diagnostics’ own, not seqlab.seqLength', async () => {
    await view.send(diagnosticsMessage(data));
    await vanishing(view, SERIES);
    const note = await view.page.locator('#vanishing .window-note').innerText();
    assert.match(note, /^Window: T = 64 characters, the diagnostics' fixed window/);
    assert.match(note, /It is not the training window seqlab\.seqLength/);
    await view.send(diagnosticsMessage(data.map((r) => ({ ...r, level: 'word' as const }))));
    await view.page.waitForFunction(() =>
      document.querySelector('#vanishing .window-note')!.textContent!.startsWith('Window: T = 64 words,'),
    );
  });

  it('names the loss unit by the models’ level: nats per character, nats per word', async () => {
    const curve = [10, 20].map((step) => ({ step, loss: 3 - step / 10, valLoss: step === 20 ? 1.1 : null }));
    for (const [level, unit] of [
      ['char', 'nats per character'],
      ['word', 'nats per word'],
    ] as const) {
      await view.send(diagnosticsMessage(data.map((r) => ({ ...r, level, lossCurve: curve }))));
      await view.page.waitForFunction(
        (u) => window.seqlabCharts?.get('losses')?.uplot?.axes[1].label === `loss (${u})`,
        unit,
      );
      const caption = await view.page.locator('#losses .caption').innerText();
      assert.ok(caption.endsWith(`validation loss (dots) in ${unit}.`), caption);
      assert.ok(!/nats\/token/.test(await view.page.locator('body').innerText()), 'no "nats/token" anywhere');
    }
  });

  it('draws every parameter name in full, inside the chart, even in a narrow panel', async () => {
    const long = data.map((r) => ({
      ...r,
      paramGradNorms: [...r.paramGradNorms, { name: 'rnn.weight_hh_l1_reverse', norm: 0.02 }],
    }));
    await recordDrawing(view, 'params');
    for (const width of [1100, 360]) {
      await view.page.setViewportSize({ width, height: 900 });
      await view.send(diagnosticsMessage(long));
      await view.page.waitForFunction(
        (w) => Math.abs(parseFloat(document.querySelector<HTMLCanvasElement>('#params canvas')!.style.width) - w) < 80,
        width,
      );
      const ops = await drawing(view, 'rnn.weight_hh_l1_reverse');
      const canvasWidth = await view.page
        .locator('#params canvas')
        .evaluate((c: HTMLCanvasElement) => parseFloat(c.style.width));
      const names = [...new Set(long.flatMap((r) => r.paramGradNorms.map((p) => p.name)))];
      const drawnNames = ops.flatMap((o) => (o.op === 'text' && names.includes(o.text) ? [o] : []));
      assert.deepEqual(
        drawnNames.map((o) => o.text),
        names,
        `${width}: every name drawn whole, none cut to "…"`,
      );
      for (const o of ops.filter((x): x is Extract<DrawOp, { op: 'text' }> => x.op === 'text'))
        assert.ok(
          o.left >= 0 && o.right <= canvasWidth + 0.5,
          `${width}: "${o.text}" at ${o.left}…${o.right} of ${canvasWidth}`,
        );
    }
  });

  it('shows each chart’s data as a table on demand, with the numbers of the reports and of Save CSV', async () => {
    const full = data.map((r, i) => ({
      ...r,
      gradNormCurve: gradNormCurve(5, 1 + i / 2, 60),
      lossCurve: [10, 20].map((step) => ({ step, loss: 3 - step / 10 + i, valLoss: step === 20 ? 1.1 + i : null })),
    }));
    await view.send(diagnosticsMessage(full));
    await vanishing(view, SERIES);
    await settled(view.page);
    for (const id of ['losses', 'gradnorm', 'vanishing', 'gates', 'params', 'clips']) {
      const table = await dataTable(view, id);
      sameAsCsv(table, parseCsv((await save(view, `${id}-csv`)).data));
      assert.match(table.caption, /: the data of the chart$/);
    }
    // against the reports themselves
    const vanishingTable = await view.page
      .locator('details[data-table="vanishing"] table tbody tr')
      .evaluateAll((rows) => rows.map((r) => Array.from(r.children, (c) => (c as HTMLElement).innerText)));
    assert.equal(vanishingTable.length, 64);
    normSeries(data).forEach((s, j) =>
      s.norms.forEach((n, t) => sameNumber(vanishingTable[t][j + 1], n, `${s.label}, t = ${t + 1}`)),
    );
    const params = await view.page
      .locator('details[data-table="params"] table tbody tr')
      .evaluateAll((rows) => rows.map((r) => Array.from(r.children, (c) => (c as HTMLElement).innerText)));
    const expected = data.flatMap((r) => r.paramGradNorms.map((p) => ({ label: r.label, ...p })));
    assert.equal(params.length, expected.length);
    expected.forEach((p, i) => {
      assert.deepEqual(params[i].slice(0, 2), [p.label, p.name]);
      sameNumber(params[i][2], p.norm, p.name);
    });
    // new data refills an open table
    await view.send(diagnosticsMessage(full.slice(2)));
    await view.page.waitForFunction(
      () => document.querySelectorAll('details[data-table="params"] table tbody tr').length === 10,
    );
  });

  it('Save PNG posts a PNG of the chart, with its title, on the theme background', async () => {
    await view.send(diagnosticsMessage(data));
    await vanishing(view, SERIES);
    await settled(view.page);
    const m = await save(view, 'vanishing-png');
    assert.equal(m.format, 'png');
    assert.equal(m.name, 'seqlab-vanishing-gradients.png');
    const size = pngSize(m.data);
    const chartWidth = await view.page.locator('#vanishing .chart').evaluate((e) => e.getBoundingClientRect().width);
    assert.ok(size.width > chartWidth && size.height > 320, JSON.stringify(size));
    // the corner pixel is the editor background of the theme, not transparent
    assert.deepEqual(await cornerPixel(view, m.data), [0x1f, 0x1f, 0x1f, 255]);
  });

  it('Save CSV posts the vanishing-gradient data: one row per t, one column per series', async () => {
    await view.send(diagnosticsMessage(data));
    await vanishing(view, SERIES);
    const m = await save(view, 'vanishing-csv');
    assert.equal(m.format, 'csv');
    assert.equal(m.name, 'seqlab-vanishing-gradients.csv');
    const rows = parseCsv(m.data);
    assert.deepEqual(rows[0], [
      't',
      'RNN-128',
      'GRU-128 layer 1',
      'GRU-128 layer 2',
      'LSTM-128 layer 1',
      'LSTM-128 layer 2',
      'LSTM-128 layer 1 c<t>',
      'LSTM-128 layer 2 c<t>',
    ]);
    assert.equal(rows.length, 1 + 64);
    const series = normSeries(data).map((s) => s.norms);
    rows.slice(1).forEach((row, i) => {
      assert.equal(Number(row[0]), i + 1);
      assert.deepEqual(
        row.slice(1).map(Number),
        series.map((s) => s[i]),
      );
    });
  });

  it('Save CSV of the gates, parameters and clip events matches the reports', async () => {
    await view.send(diagnosticsMessage(data));
    await vanishing(view, SERIES);

    const gates = parseCsv((await save(view, 'gates-csv')).data);
    assert.deepEqual(gates[0].slice(0, 9), [
      'report',
      'cell',
      'layer',
      'gate',
      'range_lo',
      'range_hi',
      'low',
      'high',
      'bin_1',
    ]);
    assert.equal(gates[0].length, 8 + HISTOGRAM_BINS);
    const allGates = data.flatMap((r) => r.gates.map((g) => ({ r, g })));
    assert.equal(gates.length, 1 + allGates.length);
    allGates.forEach(({ r, g }, i) => {
      const row = gates[i + 1];
      assert.deepEqual(row.slice(0, 4), [r.label, r.cell, String(g.layer + 1), g.gate]);
      assert.deepEqual(row.slice(4).map(Number), [...g.range, g.low, g.high, ...g.histogram]);
    });

    const params = parseCsv((await save(view, 'params-csv')).data);
    assert.deepEqual(params, [
      ['report', 'parameter', 'norm'],
      ...data.flatMap((r) => r.paramGradNorms.map((p) => [r.label, p.name, String(p.norm)])),
    ]);

    const clips = parseCsv((await save(view, 'clips-csv')).data);
    assert.deepEqual(clips, [
      ['report', 'step', 'norm'],
      ...data.flatMap((r) => r.clipEvents.map((c) => [r.label, String(c.step), String(c.norm)])),
    ]);
  });

  it('draws the gate histograms and parameter bars, and saves each as PNG', async () => {
    await view.send(diagnosticsMessage(data));
    await vanishing(view, SERIES);
    await settled(view.page);
    for (const id of ['gates', 'params']) {
      const painted = await view.page.locator(`#${id} canvas`).evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return { n, height: c.height };
      });
      assert.ok(painted.height > 100 && painted.n > 2000, `${id}: ${JSON.stringify(painted)}`);
      const m = await save(view, `${id}-png`);
      assert.ok(pngSize(m.data).height > 100);
    }
    // 2 GRU layers × 3 gates + 2 LSTM layers × 4 gates; the RNN has none
    assert.equal(
      data.reduce((n, r) => n + r.gates.length, 0),
      14,
    );
  });

  it('says so, and disables saving, when no model has gates or clip events', async () => {
    const rnn: DiagnosticsReport = { ...data[0], clipEvents: [] };
    await view.send(diagnosticsMessage([rnn]));
    await vanishing(view, 1);
    await settled(view.page);
    assert.match(await view.page.locator('#gates .panel-note').innerText(), /no.*gates/i);
    assert.match(await view.page.locator('#clips .panel-note').innerText(), /No clipping events/);
    for (const b of ['gates-png', 'gates-csv', 'clips-png', 'clips-csv']) {
      assert.equal(await view.page.locator(`[data-save="${b}"]`).evaluate((e) => e.hasAttribute('disabled')), true, b);
    }
  });

  it('comes back after a reload from the state it saved', async () => {
    await view.send(diagnosticsMessage(data));
    await vanishing(view, SERIES);
    await view.page.waitForFunction(() => sessionStorage.getItem('seqlab-test-state') !== null);
    assert.deepEqual((await view.savedState()).reports, data);
    await view.page.reload();
    const chart = await vanishing(view, SERIES);
    assert.deepEqual(
      chart.ys,
      normSeries(data).map((s) => s.norms),
    );
  });

  it('ignores a malformed report with a warning', async () => {
    const broken = { ...data[0], gradNorms: [[1, 2, 3]] }; // 3 steps where T = 64
    await view.send(diagnosticsMessage([broken]));
    await view.send(diagnosticsMessage(data));
    await vanishing(view, SERIES);
    assert.equal(
      view.warnings.filter((w) => /ignored a malformed message.*gradNorms\[0\]/.test(w)).length,
      1,
      view.warnings.join('\n'),
    );
  });

  it('renders the panel in dark and light themes: what the screenshots and the PNG exports show', async () => {
    await view.send(diagnosticsMessage(data));
    await vanishing(view, SERIES);
    const themes: ThemeName[] = ['dark', 'light'];
    for (const theme of themes) {
      const vars = THEMES[theme].vars,
        blue = vars['--vscode-charts-blue'];
      await view.setTheme(theme);
      await view.page.waitForFunction(
        (c) => window.seqlabCharts!.get('vanishing')!.uplot.series[1].stroke() === c,
        blue,
      );
      await settled(view.page);
      // the picture: five panels (no training curves without them; no snapshots: a note), each chart drawn, in the theme's colours
      assert.deepEqual(await view.page.locator('section.panel:visible h2').allInnerTexts(), [
        'How far back the gradient reaches',
        'How far back the gradient reaches, as training proceeds',
        'Gate saturation',
        'Gradient norm per parameter',
        'Gradient clipping events',
      ]);
      const chart = await vanishing(view, SERIES);
      assert.deepEqual(
        chart.labels,
        normSeries(data).map((s) => s.label),
      );
      const legend = await view.page.locator('#vanishing .u-legend .u-series .u-label').allInnerTexts();
      assert.deepEqual(legend.slice(1), chart.labels);
      assert.ok((await canvasPixels(view, '#vanishing', blue)) > 200, `${theme}: the RNN's line in the theme blue`);
      const otherBlue = THEMES[theme === 'dark' ? 'light' : 'dark'].vars['--vscode-charts-blue'];
      assert.equal(await canvasPixels(view, '#vanishing', otherBlue), 0, `${theme}: nothing in the other theme's blue`);
      for (const id of ['#gates', '#params', '#clips']) {
        assert.ok((await canvasPixels(view, id)) > 2000, `${theme}: ${id} is drawn`);
      }
      await screenshot(view.page, `diagnostics-${theme}.png`);
      if (theme !== 'dark') continue;
      for (const id of ['vanishing', 'gates', 'params', 'clips']) {
        const m = await save(view, `${id}-png`);
        assert.ok(pngSize(m.data).height > 100, `${id}: ${JSON.stringify(pngSize(m.data))}`);
        assert.deepEqual(await cornerPixel(view, m.data), [0x1f, 0x1f, 0x1f, 255], `${id}: on the dark background`);
        fs.mkdirSync(SCREENSHOTS, { recursive: true });
        fs.writeFileSync(
          path.join(SCREENSHOTS, `export-${m.name}`),
          Buffer.from(m.data.slice(m.data.indexOf(',') + 1), 'base64'),
        );
      }
    }
  });
});
