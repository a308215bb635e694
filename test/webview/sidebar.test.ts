// The sidebar webview in a real browser (Debian chromium): messages in and out, the loss chart's
// data and colours, saved state, and what the user reads. Needs the bundles: node scripts/build.mjs.

import * as assert from 'node:assert/strict';
import { parseViewToHost } from '../../src/protocol';
import { NONCE, eachTestOpens, screenshot, settled, type View } from './harness';
import { SAMPLE, lossCurve, point, run } from './fixtures';
import type { TaskScores } from '../../src/protocol';
import { THEMES, type ThemeName } from './themes';

/** What the tests read of the loss chart: uPlot's data and resolved series colours. */
interface ChartProbe {
  x: number[];
  series: (number | null)[][];
  labels: string[];
  strokes: string[];
  markerColors: string[];
  width: number;
}

async function lossChart(view: View): Promise<ChartProbe | null> {
  return view.page.evaluate(() => {
    const u = window.seqlabCharts?.get('loss')?.uplot;
    if (!u) return null;
    const markers = Array.from(document.querySelectorAll('.loss-box .u-legend .u-series .u-marker')).slice(1);
    return {
      x: Array.from(u.data[0] as ArrayLike<number>),
      series: u.data.slice(1).map((s) => Array.from(s)),
      labels: u.series.slice(1).map((s) => s.label),
      strokes: u.series.slice(1).map((s, i) => s.stroke(u, i + 1)),
      markerColors: markers.map((m) => getComputedStyle(m).borderColor),
      width: u.width,
    };
  });
}

/** Waits until the chart shows n points (drawing happens at the next animation frame). */
async function chartWithPoints(view: View, n: number): Promise<ChartProbe> {
  await view.page.waitForFunction((k) => window.seqlabCharts?.get('loss')?.uplot?.data[0].length === k, n);
  const probe = await lossChart(view);
  assert.ok(probe);
  return probe;
}

/** What the tests read of the gradient-norm chart: its scale, series, data and y range. */
interface GradProbe {
  distr: number;
  labels: string[];
  strokes: string[];
  x: number[];
  ys: (number | null)[][];
  yMin: number;
  yMax: number;
}

/** Waits until the gradient-norm chart has n series besides x, and shows k points. */
async function gradChart(view: View, n: number, k: number): Promise<GradProbe> {
  await view.page.waitForFunction(
    ([series, points]) => {
      const u = window.seqlabCharts?.get('gradnorm')?.uplot;
      return u?.series.length === series + 1 && u.data[0].length === points;
    },
    [n, k],
  );
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

function statText(view: View, key: string): Promise<string> {
  return view.page.locator(`[data-stat="${key}"]`).innerText();
}

function isDisabled(view: View, command: string): Promise<boolean> {
  return view.page.locator(`.actions [data-command="${command}"]`).evaluate((e) => e.hasAttribute('disabled'));
}

/** The messages posted after 'ready', each checked by the host's own validator. */
async function commands(view: View): Promise<unknown[]> {
  const posted = await view.posted();
  for (const m of posted) parseViewToHost(m);
  return posted.filter((m) => m.type !== 'ready');
}

function closeTo(actual: (number | null)[], expected: number[], tolerance = 1e-9): void {
  assert.equal(actual.length, expected.length, `length: ${JSON.stringify(actual)}`);
  actual.forEach((a, i) =>
    assert.ok(a !== null && Math.abs(a - expected[i]) <= tolerance, `[${i}] ${a} ≠ ${expected[i]}`),
  );
}

/** The theme variable as the browser normalises colours: rgb(r, g, b) or rgba(r, g, b, a). */
function rgb(hex: string, alpha = 1): string {
  const n = hex.replace('#', '');
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(n.slice(i, i + 2), 16));
  const a = alpha * (n.length === 8 ? parseInt(n.slice(6, 8), 16) / 255 : 1);
  return a === 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${+a.toFixed(3)})`;
}

/** Pixels of a chart's canvas (the loss chart's unless named) within ±2 of the colour in every channel, fully opaque. */
async function pixelsOfColor(view: View, hex: string, chart = 'loss'): Promise<number> {
  const target = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return view.page.evaluate(
    ([t, name]) => {
      const u = window.seqlabCharts!.get(name)!.uplot;
      const c: HTMLCanvasElement = u.ctx.canvas;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (
          d[i + 3] === 255 &&
          Math.abs(d[i] - t[0]) <= 2 &&
          Math.abs(d[i + 1] - t[1]) <= 2 &&
          Math.abs(d[i + 2] - t[2]) <= 2
        )
          n++;
      }
      return n;
    },
    [target, chart] as const,
  );
}

/** What the tests read of the validation-scores chart: its series, data, colours and y range. */
interface ScoresProbe {
  labels: string[];
  strokes: string[];
  x: number[];
  ys: (number | null)[][];
  yMin: number;
  yMax: number;
}

/** Waits until the scores chart has n series besides x and shows k validations. */
async function scoresChart(view: View, n: number, k: number): Promise<ScoresProbe> {
  await view.page.waitForFunction(
    ([series, points]) => {
      const u = window.seqlabCharts?.get('scores')?.uplot;
      return u?.series.length === series + 1 && u.data[0].length === points;
    },
    [n, k],
  );
  return view.page.evaluate(() => {
    const u = window.seqlabCharts!.get('scores')!.uplot;
    return {
      labels: u.series.slice(1).map((s) => s.label),
      strokes: u.series.slice(1).map((s, i) => s.stroke(u, i + 1)),
      x: Array.from(u.data[0] as ArrayLike<number>),
      ys: u.data.slice(1).map((s) => Array.from(s)),
      yMin: u.scales.y.min,
      yMax: u.scales.y.max,
    };
  });
}

/** The confusion matrix as the user reads it: the header row, then each row's cells. */
function confusionCells(view: View): Promise<string[][]> {
  return view.page
    .locator('.confusion tr')
    .evaluateAll((rows) => rows.map((r) => Array.from(r.children, (c) => (c as HTMLElement).innerText)));
}

const scores = (step: number, accuracy: number, macroF1: number, extra: Partial<TaskScores> = {}): TaskScores => ({
  step,
  accuracy,
  macroF1,
  entityF1: null,
  confusion: null,
  exactMatch: null,
  cer: null,
  bleu: null,
  ...extra,
});

describe('sidebar webview (chromium)', function () {
  this.timeout(60_000);
  let view: View;
  eachTestOpens('sidebar', {}, (v) => (view = v));

  it('posts ready once on load and nothing else', async () => {
    await settled(view.page);
    assert.deepEqual(await view.posted(), [{ type: 'ready' }]);
  });

  it('shows the empty state with a Train button when there is no run', async () => {
    await view.send({ type: 'run', run: null });
    await settled(view.page);
    const empty = view.page.locator('.empty');
    assert.ok(await empty.isVisible());
    assert.match(await empty.innerText(), /Open a text file and run SeqLab: Train model on this file/);
    assert.equal(await view.page.locator('.run').isVisible(), false);
    await empty.locator('[data-command="train"]').click();
    assert.deepEqual(await commands(view), [{ type: 'command', command: 'train' }]);
  });

  it('plots progress points, and the smoothed line is the debiased EMA TensorBoard draws', async () => {
    await view.send({ type: 'run', run: run() });
    await view.send({
      type: 'progress',
      runId: 'run-1',
      points: [point(1, 4), point(2, 2), point(3, 3, { valLoss: 3.5, clipped: true })],
    });
    let chart = await chartWithPoints(view, 3);
    assert.deepEqual(chart.labels, ['train', 'smoothed', 'val', 'clipped']);
    assert.deepEqual(chart.x, [1, 2, 3]);
    assert.deepEqual(chart.series[0], [4, 2, 3]);
    // smoothing 0.6 (the default): last = 0.4·4 = 1.6 → 1.6/0.4 = 4; last = 0.96 + 0.8 = 1.76 → 1.76/0.64 = 2.75;
    // last = 1.056 + 1.2 = 2.256 → 2.256/0.784
    closeTo(chart.series[1], [4, 2.75, 2.256 / 0.784]);
    assert.deepEqual(chart.series[2], [null, null, 3.5]);
    assert.deepEqual(chart.series[3], [null, null, 3]);

    // smoothing 0.9: 0.4/0.1 = 4; (0.36 + 0.2)/0.19; (0.504 + 0.3)/0.271
    await view.page.locator('#smoothing').fill('0.9');
    await view.page.waitForFunction(
      () => Math.abs(window.seqlabCharts!.get('loss')!.uplot.data[2][1]! - 0.56 / 0.19) < 1e-9,
    );
    chart = (await lossChart(view))!;
    closeTo(chart.series[1], [4, 0.56 / 0.19, 0.804 / 0.271]);
    assert.equal(await view.page.locator('.smoothing-value').innerText(), '0.90');

    await view.page.locator('#smoothing').fill('0');
    await view.page.waitForFunction(() => window.seqlabCharts!.get('loss')!.uplot.data[2][1] === 2);
    closeTo((await lossChart(view))!.series[1], [4, 2, 3]);
  });

  it('appends points across messages and lets a resumed run replace the steps after its checkpoint', async () => {
    await view.send({ type: 'run', run: run({ points: [point(10, 3), point(20, 2.5)] }) });
    await view.send({ type: 'progress', runId: 'run-1', points: [point(30, 2.2), point(40, 2.1)] });
    assert.deepEqual((await chartWithPoints(view, 4)).x, [10, 20, 30, 40]);
    await view.send({ type: 'progress', runId: 'run-1', points: [point(30, 2.3)] });
    const chart = await chartWithPoints(view, 3);
    assert.deepEqual(chart.x, [10, 20, 30]);
    assert.deepEqual(chart.series[0], [3, 2.5, 2.3]);
  });

  it('shows step, chars/s, ETA, learning rate, gradient norm and the clip count', async () => {
    await view.send({ type: 'run', run: run() });
    await view.send({
      type: 'progress',
      runId: 'run-1',
      points: [
        point(100, 2.0, { clipped: true }),
        point(120, 1.9, {
          totalSteps: 1000,
          charsPerSec: 12_345,
          etaSeconds: 125,
          lr: 0.002,
          gradNorm: 7.25,
          clipped: true,
          valLoss: 2.1,
          elapsedSeconds: 61,
        }),
      ],
    });
    await chartWithPoints(view, 2);
    assert.equal(await statText(view, 'step'), '120 / 1,000');
    assert.equal(await statText(view, 'rate'), '12.3k');
    assert.equal(await statText(view, 'eta'), '2m 05s');
    assert.equal(await statText(view, 'elapsed'), '1m 01s');
    assert.equal(await statText(view, 'lr'), '2.0e-3');
    assert.equal(await statText(view, 'grad'), '7.250');
    assert.equal(await statText(view, 'clips'), '2');
    assert.equal(await statText(view, 'val'), '2.100');
    // 0.6-smoothed [2.0, 1.9]: (0.48 + 0.76)/0.64
    assert.equal(await statText(view, 'loss'), (1.24 / 0.64).toFixed(3));
    assert.equal(await view.page.locator('.run-title').innerText(), 'tiny-shakespeare.txt — LSTM-128');
    assert.equal(await view.page.locator('.run-status .badge').innerText(), 'Training');
  });

  it('draws the gradient norm before clipping on a log axis, the clip threshold as a line and the clipped steps', async () => {
    const norms = [2, 8, 0.5, 12, 4.5];
    const points = norms.map((gradNorm, i) => point(i + 1, 3, { gradNorm, clipped: gradNorm > 5 }));
    await view.send({ type: 'run', run: run({ points, clip: 5 }) });
    const chart = await gradChart(view, 3, 5);
    assert.equal(chart.distr, 3, 'logarithmic y scale');
    assert.deepEqual(chart.labels, ['norm', 'clipped', 'clip threshold 5']);
    assert.deepEqual(chart.x, [1, 2, 3, 4, 5]);
    assert.deepEqual(chart.ys[0], norms);
    assert.deepEqual(chart.ys[1], [null, 8, null, 12, null], 'a marker on each clipped step');
    assert.equal(chart.ys[1].filter((v) => v !== null).length, 2);
    assert.deepEqual(chart.ys[2], [5, 5, 5, 5, 5], 'the threshold line at the run’s clip');
    assert.ok(chart.yMin <= 0.5 && chart.yMax >= 12, `y range ${chart.yMin}…${chart.yMax} covers 0.5…12`);
    const v = THEMES.dark.vars;
    assert.deepEqual(chart.strokes, [v['--vscode-charts-purple'], v['--vscode-charts-red'], v['--vscode-charts-red']]);
    assert.equal(
      await view.page.locator('.grad-note').innerText(),
      'Clip threshold 5: 2 of 5 steps clipped; largest ‖g‖ 12.0 at step 4.',
    );
    // The live run goes on: a new point joins the curve, and a spike above the threshold is marked.
    await view.send({ type: 'progress', runId: 'run-1', points: [point(6, 3, { gradNorm: 40, clipped: true })] });
    const more = await gradChart(view, 3, 6);
    assert.deepEqual(more.ys[1], [null, 8, null, 12, null, 40]);
    assert.ok(more.yMax >= 40);
  });

  it('with clipping off draws no threshold line and says "clipping off"; an unrecorded threshold is said so', async () => {
    const points = [point(1, 3, { gradNorm: 30 }), point(2, 3, { gradNorm: 0.02 })];
    await view.send({ type: 'run', run: run({ points, clip: 0 }) });
    const chart = await gradChart(view, 2, 2);
    assert.deepEqual(chart.labels, ['norm', 'clipped']);
    assert.deepEqual(chart.ys, [
      [30, 0.02],
      [null, null],
    ]);
    assert.ok(chart.yMin <= 0.02 && chart.yMax >= 30);
    assert.equal(
      await view.page.locator('.grad-note').innerText(),
      'Clipping off: every update applied in full; largest ‖g‖ 30.0 at step 1.',
    );
    await view.send({ type: 'run', run: run({ points, clip: null }) });
    await view.page.waitForFunction(() =>
      document.querySelector('.grad-note')?.textContent?.startsWith('Clip threshold not'),
    );
    assert.deepEqual((await gradChart(view, 2, 2)).labels, ['norm', 'clipped']);
    await view.send({ type: 'run', run: run({ points, clip: 1 }) });
    const clipped = await gradChart(view, 3, 2);
    assert.deepEqual(clipped.labels, ['norm', 'clipped', 'clip threshold 1']);
    assert.deepEqual(clipped.ys[2], [1, 1]);
  });

  it('enables the buttons that fit the state, and Stop posts the stop command', async () => {
    await view.send({ type: 'run', run: run({ points: [point(5, 3)] }) });
    await settled(view.page);
    assert.equal(await isDisabled(view, 'stop'), false);
    assert.equal(await isDisabled(view, 'train'), true);
    assert.equal(await isDisabled(view, 'resume'), true);
    await view.page.locator('.actions [data-command="stop"]').click();
    assert.deepEqual(await commands(view), [{ type: 'command', command: 'stop' }]);

    await view.send({
      type: 'state',
      runId: 'run-1',
      state: 'stopped',
      message: 'Stopped at step 5; checkpoint saved.',
      canResume: true,
      resumeLabel: 'Resume to step 400',
    });
    await settled(view.page);
    assert.equal(await view.page.locator('.actions [data-command="resume"]').innerText(), 'Resume to step 400');
    assert.equal(await isDisabled(view, 'stop'), true);
    assert.equal(await isDisabled(view, 'resume'), false);
    assert.equal(await isDisabled(view, 'train'), false);
    assert.equal(await view.page.locator('.run-status .badge').innerText(), 'Stopped');
    assert.equal(await view.page.locator('.run-message').innerText(), 'Stopped at step 5; checkpoint saved.');
    await view.page.locator('.actions [data-command="stop"]').click({ force: true });
    for (const c of ['resume', 'sample', 'diagnostics'] as const)
      await view.page.locator(`.actions [data-command="${c}"]`).click();
    assert.deepEqual(
      await commands(view),
      ['stop', 'resume', 'sample', 'diagnostics'].map((command) => ({ type: 'command', command })),
    );
  });

  it('names the run (file, model, start time) and the loss in the unit of its level', async () => {
    await view.send({ type: 'run', run: run({ points: [point(5, 3)] }) });
    await settled(view.page);
    assert.equal(await view.page.locator('.run-title').innerText(), 'tiny-shakespeare.txt — LSTM-128');
    assert.equal(await view.page.locator('.run-started').innerText(), 'Run started 2 Dec 2026, 09:41');
    assert.ok(await view.page.getByText('Loss (nats per character)').isVisible());
    assert.ok(await view.page.getByText('Train loss (smoothed)').isVisible());
    await view.send({
      type: 'run',
      run: run({ title: 'words.txt — GRU-64', level: 'word', startedAt: 0, points: [point(5, 3)] }),
    });
    await settled(view.page);
    assert.ok(await view.page.getByText('Loss (nats per word)').isVisible());
    assert.equal(await view.page.locator('.run-started').isVisible(), false, 'a loaded model has no start time');
  });

  it("a classifier's run: accuracy and macro-F1 over the steps on a 0–100 % axis, and the latest confusion matrix", async () => {
    const first = scores(20, 0.5, 0.4, {
      confusion: [
        [3, 1, 0],
        [2, 2, 0],
        [1, 1, 0],
      ],
    });
    const second = scores(40, 0.8, 0.75, {
      confusion: [
        [4, 0, 0],
        [1, 3, 0],
        [0, 1, 1],
      ],
    });
    await view.send({
      type: 'run',
      run: run({
        title: 'reviews.tsv — classifier LSTM-32',
        task: 'classify',
        labels: ['neg', 'pos', 'mixed'],
        scores: [first, second],
        points: [point(20, 1.1, { valLoss: 1.0 }), point(40, 0.6, { valLoss: 0.5 })],
      }),
    });
    let chart = await scoresChart(view, 2, 2);
    assert.deepEqual(chart.labels, ['accuracy', 'macro-F1']);
    assert.deepEqual(chart.x, [20, 40]);
    assert.deepEqual(chart.ys, [
      [0.5, 0.8],
      [0.4, 0.75],
    ]);
    assert.deepEqual([chart.yMin, chart.yMax], [0, 1], 'scores on their whole range, whatever the data');
    const v = THEMES.dark.vars;
    assert.deepEqual(chart.strokes, [v['--vscode-charts-blue'], v['--vscode-charts-orange']]);
    assert.equal(await view.page.locator('.scores-note').innerText(), 'Step 40: accuracy 80.0%, macro-F1 75.0%.');
    assert.deepEqual(await confusionCells(view), [
      ['gold \\ predicted', 'neg', 'pos', 'mixed'],
      ['neg', '4', '0', '0'],
      ['pos', '1', '3', '0'],
      ['mixed', '0', '1', '1'],
    ]);
    const diagonal = await view.page.locator('.confusion td.hit').allInnerTexts();
    assert.deepEqual(diagonal, ['4', '3', '1']);
    assert.ok(await view.page.getByText('Loss (nats per line)').isVisible());
    assert.equal(await view.page.locator('.sample').isVisible(), false, 'a classifier has no sample');
    assert.equal(await isDisabled(view, 'sample'), true);

    // The next validation joins the curves and replaces the matrix.
    const third = scores(60, 1, 1, {
      confusion: [
        [4, 0, 0],
        [0, 4, 0],
        [0, 0, 2],
      ],
    });
    await view.send({ type: 'scores', runId: 'run-1', scores: third });
    chart = await scoresChart(view, 2, 3);
    assert.deepEqual(chart.ys, [
      [0.5, 0.8, 1],
      [0.4, 0.75, 1],
    ]);
    await view.page.waitForFunction(() => document.querySelector('.scores-note')?.textContent?.startsWith('Step 60'));
    assert.deepEqual((await confusionCells(view)).slice(1), [
      ['neg', '4', '0', '0'],
      ['pos', '0', '4', '0'],
      ['mixed', '0', '0', '2'],
    ]);
    assert.equal(await view.page.locator('.confusion td.miss').count(), 0, 'no error left off the diagonal');
  });

  it("a tagger's run: entity F1 joins the curves when its tags are B-/I-; no confusion matrix; loss per tag", async () => {
    const tagger = run({
      title: 'names.conll — tagger LSTM-32 (bidirectional)',
      level: 'word',
      task: 'tag',
      labels: ['B-PER', 'I-PER', 'O'],
      scores: [scores(10, 0.7, 0.3, { entityF1: 0.1 }), scores(20, 0.95, 0.9, { entityF1: 0.85 })],
      points: [point(10, 0.9), point(20, 0.2)],
    });
    await view.send({ type: 'run', run: tagger });
    const chart = await scoresChart(view, 3, 2);
    assert.deepEqual(chart.labels, ['accuracy', 'macro-F1', 'entity F1']);
    assert.deepEqual(chart.ys, [
      [0.7, 0.95],
      [0.3, 0.9],
      [0.1, 0.85],
    ]);
    assert.equal(chart.strokes[2], THEMES.dark.vars['--vscode-charts-green']);
    assert.equal(
      await view.page.locator('.scores-note').innerText(),
      'Step 20: accuracy 95.0%, macro-F1 90.0%, entity F1 85.0%.',
    );
    assert.equal(await view.page.locator('.confusion').count(), 0);
    assert.ok(await view.page.getByText('Loss (nats per tag)').isVisible());
    assert.equal(await view.page.locator('.run-title').innerText(), 'names.conll — tagger LSTM-32 (bidirectional)');
    // Tags without B-/I- have no entities: two curves.
    await view.send({ type: 'run', run: { ...tagger, scores: [scores(10, 0.6, 0.5)] } });
    assert.deepEqual((await scoresChart(view, 2, 1)).labels, ['accuracy', 'macro-F1']);
    assert.equal(await view.page.locator('.scores-note').innerText(), 'Step 10: accuracy 60.0%, macro-F1 50.0%.');
    // A language model shows its sample, not scores.
    await view.send({ type: 'run', run: run({ sample: SAMPLE }) });
    await settled(view.page);
    assert.equal(await view.page.locator('.task-scores').isVisible(), false);
    assert.equal(await view.page.locator('.sample-text').innerText(), SAMPLE);
  });

  it("an encoder–decoder's run: exact match and CER (BLEU at word level), the axis past 100 % for a CER above it, its outputs", async () => {
    const seq2seq = (e: number, c: number, b: number | null = null) =>
      scores(0, 0, 0, { accuracy: null, macroF1: null, exactMatch: e, cer: c, bleu: b });
    const outputs = '3rd of May 1979 → 1979-05-03\nMay 3, 1979 → 1979-05-30';
    const encoderDecoder = run({
      title: 'dates.tsv — encoder–decoder LSTM-32',
      task: 'seq2seq',
      scores: [
        { ...seq2seq(0, 1.4), step: 100 },
        { ...seq2seq(0.25, 0.5), step: 200 },
      ],
      points: [point(100, 1.2), point(200, 0.6)],
      sample: outputs,
    });
    await view.send({ type: 'run', run: encoderDecoder });
    let chart = await scoresChart(view, 2, 2);
    assert.deepEqual(chart.labels, ['exact match', 'CER']);
    assert.deepEqual(chart.ys, [
      [0, 0.25],
      [1.4, 0.5],
    ]);
    assert.ok(chart.yMin === 0 && chart.yMax! >= 1.4, `y ${chart.yMin}…${chart.yMax}: the CER of 140 % is on the axis`);
    assert.equal(await view.page.locator('.scores-note').innerText(), 'Step 200: exact match 25.0%, CER 50.0%.');
    assert.equal(await view.page.locator('.sample-text').innerText(), outputs);
    assert.ok(await view.page.getByText('Latest outputs for held-out sources (greedy)').isVisible());
    assert.ok(await view.page.getByText('Loss (nats per output character)').isVisible());
    assert.equal(await view.page.locator('.stat:has([data-stat="val"]) dt').innerText(), 'Exact match (val)');
    assert.equal(await view.page.locator('[data-stat="val"]').innerText(), '25.0%');
    // At word level, BLEU joins them; on a 0–100 % axis while every value is within it.
    await view.send({
      type: 'run',
      run: { ...encoderDecoder, level: 'word', scores: [{ ...seq2seq(0.5, 0.2, 0.6), step: 100 }] },
    });
    chart = await scoresChart(view, 3, 1);
    assert.deepEqual(chart.labels, ['exact match', 'CER', 'BLEU']);
    assert.equal(chart.yMax, 1);
    assert.equal(
      await view.page.locator('.scores-note').innerText(),
      'Step 100: exact match 50.0%, CER 20.0%, BLEU 60.0%.',
    );
    assert.ok(await view.page.getByText('Loss (nats per output word)').isVisible());
    // A conditional model has no scores: a line per label as its sample.
    await view.send({ type: 'run', run: run({ task: 'conditional', labels: ['a', 'b'], sample: 'a: aaa\nb: bbb' }) });
    await settled(view.page);
    assert.equal(await view.page.locator('.task-scores').isVisible(), false);
    assert.ok(await view.page.getByText('Latest sample, a line per label').isVisible());
  });

  it('draws the activity strip: a row per unit, a cell per character, red above 0 and blue below; null hides it', async () => {
    await view.send({ type: 'run', run: run() });
    const activity = {
      where: 'quotes.txt, line 3',
      chars: ['"', 'G', 'O', ' ', 'i'],
      units: [
        { label: 'layer 0 · unit 7 · h', values: [1, 0.5, 0, -0.5, -1] },
        { label: 'layer 0 · unit 2 · h', values: [null, 0.1, 0.2, 0.3, 0.4] },
      ],
    };
    await view.send({ type: 'activity', activity });
    await settled(view.page);
    const strip = view.page.locator('.activity-strip');
    assert.ok(await strip.isVisible());
    assert.match(
      await strip.locator('.activity-where').innerText(),
      /^quotes\.txt, line 3: a<t> of the file's most selective units/,
    );
    assert.deepEqual(await strip.locator('th.char').allInnerTexts(), ['"', 'G', 'O', '·', 'i']);
    assert.deepEqual(await strip.locator('th.unit').allInnerTexts(), ['layer 0 · unit 7 · h', 'layer 0 · unit 2 · h']);
    const cells = await strip
      .locator('tbody tr')
      .first()
      .locator('td')
      .evaluateAll((tds) =>
        tds.map((td) => ({ bg: getComputedStyle(td).backgroundColor, title: (td as HTMLElement).title })),
      );
    assert.equal(cells.length, 5);
    assert.equal(cells[0].title, 'layer 0 · unit 7 · h after """: 1.000');
    const rgb = (s: string) => s.match(/[\d.]+/g)!.map(Number);
    const [r1, , b1] = rgb(cells[0].bg),
      [r5, , b5] = rgb(cells[4].bg);
    assert.ok(r1 > b1, `+1 is red: ${cells[0].bg}`);
    assert.ok(b5 > r5, `−1 is blue: ${cells[4].bg}`);
    assert.equal(rgb(cells[2].bg).at(-1), 0, `0 is transparent: ${cells[2].bg}`);
    const unread = await strip.locator('tbody tr').nth(1).locator('td').first().getAttribute('title');
    assert.equal(unread, 'layer 0 · unit 2 · h after """: not read');
    await view.send({ type: 'activity', activity: null });
    await settled(view.page);
    assert.equal(await strip.isVisible(), false);
  });

  it('shows the latest sample in a monospace block', async () => {
    await view.send({ type: 'run', run: run() });
    await view.send({ type: 'sample', runId: 'run-1', text: SAMPLE });
    await settled(view.page);
    const pre = view.page.locator('.sample-text');
    assert.equal(await pre.innerText(), SAMPLE);
    const style = await pre.evaluate((e) => ({
      font: getComputedStyle(e).fontFamily,
      ws: getComputedStyle(e).whiteSpace,
    }));
    assert.match(style.font, /mono/i);
    assert.equal(style.ws, 'pre-wrap');
  });

  it('comes back after a reload from the state it saved, before the host says anything', async () => {
    await view.send({ type: 'run', run: run({ points: lossCurve(0, 300) }) });
    await view.send({ type: 'sample', runId: 'run-1', text: 'To be, or not' });
    await view.page.locator('#smoothing').fill('0.8');
    await chartWithPoints(view, 60);
    await view.page.waitForFunction(() => sessionStorage.getItem('seqlab-test-state')?.includes('To be, or not'));
    await view.page.reload();
    await view.page.waitForFunction(() => window.__posted.length > 0);
    const chart = await chartWithPoints(view, 60);
    assert.deepEqual(chart.x.slice(0, 3), [5, 10, 15]);
    assert.equal(await view.page.locator('#smoothing').inputValue(), '0.8');
    assert.equal(await view.page.locator('.sample-text').innerText(), 'To be, or not');
    assert.deepEqual(await view.posted(), [{ type: 'ready' }]);
    assert.equal((await view.savedState()).smoothing, 0.8);
  });

  it('ignores malformed messages with a warning and keeps working', async () => {
    await view.send({ type: 'run', run: run() });
    await view.sendMalformed({ type: 'progress', runId: 'run-1', points: [{ step: 'ten', loss: 2 }] });
    await view.sendMalformed({ type: 'progress', runId: 'run-1', points: [{ ...point(1, 2), loss: '2' }] });
    await view.sendMalformed({ type: 'state', runId: 'run-1', state: 'exploded', message: '', canResume: false });
    await view.sendMalformed({ type: 'launch-missiles' });
    await view.send({ type: 'progress', runId: 'someone-else', points: [point(1, 9)] });
    await view.page.evaluate(() => window.postMessage(null, '*'));
    await view.send({ type: 'progress', runId: 'run-1', points: [point(1, 2.5)] });
    const chart = await chartWithPoints(view, 1);
    assert.deepEqual(chart.series[0], [2.5]);
    assert.equal(await view.page.locator('.run-status .badge').innerText(), 'Training');
    assert.equal(view.warnings.filter((w) => w.startsWith('SeqLab: ignored')).length, 6, view.warnings.join('\n'));
  });

  it('is served with a CSP that allows only nonce scripts: no eval, no inline script or style', async () => {
    const csp = await view.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.ok(csp);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, new RegExp(`script-src 'nonce-${NONCE}'`));
    assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline/);
    assert.equal(await view.page.locator('script').getAttribute('nonce'), NONCE);
    // the policy is in force: an inline script and an inline style element are refused
    const refused = await view.page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineScriptRan = true';
      document.body.append(script);
      const style = document.createElement('style');
      style.textContent = 'body { outline: 7px solid red; }';
      document.head.append(style);
      return { script: !window.inlineScriptRan, style: getComputedStyle(document.body).outlineWidth !== '7px' };
    });
    assert.deepEqual(refused, { script: true, style: true });
    // and both refusals are reported as violations (then cleared: they were on purpose)
    const violations = () => view.errors.flatMap((e) => /^CSP violation: (\S+)/.exec(e)?.[1] ?? []);
    for (let i = 0; i < 100 && violations().length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(violations(), ['script-src-elem', 'style-src-elem']);
    view.errors.length = 0;
  });

  for (const theme of ['dark', 'light', 'high-contrast'] as ThemeName[]) {
    it(`draws the series in the ${theme} theme's --vscode-charts-* colours, switching live`, async () => {
      await view.send({ type: 'run', run: run({ points: lossCurve(0, 600) }) });
      await chartWithPoints(view, 120);
      const other: ThemeName = theme === 'light' ? 'dark' : 'light';
      const before = THEMES[other].vars['--vscode-charts-blue'];
      await view.setTheme(other);
      await view.page.waitForFunction((c) => window.seqlabCharts!.get('loss')!.uplot.series[2].stroke() === c, before);
      await view.setTheme(theme);
      const vars = THEMES[theme].vars;
      await view.page.waitForFunction(
        (c) => window.seqlabCharts!.get('loss')!.uplot.series[2].stroke() === c,
        vars['--vscode-charts-blue'],
      );
      await settled(view.page);
      const chart = (await lossChart(view))!;
      const blue = vars['--vscode-charts-blue'];
      assert.deepEqual(
        chart.strokes.map((s) => rgb(s.startsWith('#') ? s : '#000000')).slice(1),
        [blue, vars['--vscode-charts-orange'], vars['--vscode-charts-red']].map((c) => rgb(c)),
      );
      assert.equal(chart.strokes[0], rgb(blue, 0.4));
      assert.deepEqual(chart.markerColors, [
        rgb(blue, 0.4),
        rgb(blue),
        rgb(vars['--vscode-charts-orange']),
        rgb(vars['--vscode-charts-red']),
      ]);
      assert.ok((await pixelsOfColor(view, blue)) > 100, 'the smoothed line is drawn in the theme blue');
      assert.equal(await pixelsOfColor(view, before), 0, `no pixel is left in the ${other} theme's blue`);
      assert.ok(
        (await pixelsOfColor(view, vars['--vscode-charts-red'])) > 20,
        'clip events are marked in the theme red',
      );
    });
  }

  it('resizes the chart with the view', async () => {
    await view.send({ type: 'run', run: run({ points: lossCurve(0, 200) }) });
    const wide = (await chartWithPoints(view, 40)).width;
    await view.page.setViewportSize({ width: 260, height: 800 });
    await view.page.waitForFunction((w) => window.seqlabCharts!.get('loss')!.uplot.width < w, wide);
    const narrow = (await lossChart(view))!.width;
    assert.equal(
      narrow,
      await view.page.locator('.loss-box').evaluate((e) => Math.floor(e.getBoundingClientRect().width)),
    );
  });

  it('renders a training run in dark, light and high-contrast themes: what the screenshots show', async () => {
    const points = lossCurve(0, 1240);
    await view.send({ type: 'run', run: run({ points, sample: SAMPLE }) });
    await chartWithPoints(view, points.length);
    const themes: ThemeName[] = ['dark', 'light', 'high-contrast'];
    for (const theme of themes) {
      const vars = THEMES[theme].vars,
        blue = vars['--vscode-charts-blue'];
      await view.setTheme(theme);
      await view.page.waitForFunction((c) => window.seqlabCharts!.get('loss')!.uplot.series[2].stroke() === c, blue);
      await settled(view.page);
      // the picture: the whole curve with its legend, the run's numbers and its sample, in the theme's colours
      const chart = (await lossChart(view))!;
      assert.deepEqual(
        chart.x,
        points.map((p) => p.step),
      );
      const legend = await view.page.locator('.loss-box .u-legend .u-series .u-label').allInnerTexts();
      assert.deepEqual(legend.slice(1), ['train', 'smoothed', 'val', 'clipped']);
      const gradLegend = await view.page.locator('.grad-box .u-legend .u-series .u-label').allInnerTexts();
      assert.deepEqual(gradLegend.slice(1), ['norm', 'clipped', 'clip threshold 5']);
      const purple = await pixelsOfColor(view, vars['--vscode-charts-purple'], 'gradnorm');
      const red = await pixelsOfColor(view, vars['--vscode-charts-red'], 'gradnorm');
      assert.ok(purple > 100 && red > 100, `${theme}: gradient norm (${purple} px) and threshold, rings (${red} px)`);
      assert.equal(await view.page.locator('.run-title').innerText(), 'tiny-shakespeare.txt — LSTM-128');
      assert.equal(await statText(view, 'step'), '1,240 / 2,000');
      assert.equal(await view.page.locator('.sample-text').innerText(), SAMPLE);
      assert.ok((await pixelsOfColor(view, blue)) > 100, `${theme}: the smoothed line is drawn in the theme blue`);
      assert.ok(
        (await pixelsOfColor(view, vars['--vscode-charts-red'])) > 20,
        `${theme}: clip events in the theme red`,
      );
      for (const other of themes.map((t) => THEMES[t].vars['--vscode-charts-blue']).filter((c) => c !== blue)) {
        assert.equal(await pixelsOfColor(view, other), 0, `${theme}: no pixel in another theme's blue ${other}`);
      }
      await screenshot(view.page, `sidebar-${theme}.png`);
    }
    await view.setTheme('dark');
    await view.send({ type: 'run', run: null });
    await settled(view.page);
    assert.ok(await view.page.locator('.empty [data-command="train"]').isVisible(), 'the empty state offers Train');
    const empty = await view.page.locator('.empty').innerText();
    assert.match(empty, /Open a text file and run SeqLab: Train model on this file/);
    assert.equal(await view.page.locator('.run').isVisible(), false, 'no run, no chart');
    await screenshot(view.page, 'sidebar-empty-dark.png', false);
  });
});
