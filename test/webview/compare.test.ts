// The comparison panel ("Compare selected") in a real browser (Debian chromium): the runs' smoothed
// training loss and validation loss overlaid, one theme colour per run, against steps, characters
// seen or wall time; the settings that differ and the results, the best highlighted; Save PNG / Save
// CSV through the host. Needs the bundles: node scripts/build.mjs.

import * as assert from 'node:assert/strict';
import type { ComparedRun, CompareView } from '../../src/protocol';
import { DEFAULT_SMOOTHING, debiasedEma } from '../../webview/smoothing';
import { eachTestOpens, screenshot, settled, type View } from './harness';
import { parseCsv, pngSize, save } from './probes';
import { THEMES } from './themes';

type Point = ComparedRun['points'][number];

/** A run's curve: a point every 50 steps to `steps`, validation every 100 (its best at 300); `rate` steps a second. */
function curve(steps: number, floor: number, rate: number, withVal: boolean): Point[] {
  const points: Point[] = [];
  for (let step = 50; step <= steps; step += 50) {
    const loss = floor + 2.8 * Math.exp(-step / 150) + (step % 100 === 0 ? 0.03 : -0.03);
    points.push({
      step,
      chars: step * 32 * 64, // B = 32 streams of T = 64 characters a step
      seconds: step / rate,
      loss,
      valLoss: withVal && step % 100 === 0 ? loss + 0.08 + 0.002 * Math.max(0, step - 300) : null, // overfits after 300
    });
  }
  return points;
}

function compared(
  id: string,
  name: string,
  settings: ComparedRun['settings'],
  points: Point[],
  ended = 'finished',
): ComparedRun {
  const vals = points.map((p) => p.valLoss).filter((v) => v !== null);
  const last = points[points.length - 1];
  return {
    id,
    name,
    settings,
    points,
    results: {
      bestVal: vals.length ? Math.min(...vals) : null,
      finalVal: vals.length ? vals[vals.length - 1] : null,
      steps: last.step,
      seconds: last.seconds,
      charsPerSec: last.chars / last.seconds,
      ended,
    },
  };
}

const common = { seqLength: 64, batch: 32, peephole: false };
const lstm = compared(
  'run-a',
  'story.txt — LSTM-128, 2 Dec 13:40',
  { cell: 'lstm', hidden: 128, lr: 0.002, ...common },
  curve(400, 1.6, 7, true),
);
const gru = compared(
  'run-b',
  'story.txt — GRU-128, 2 Dec 13:52',
  { cell: 'gru', hidden: 128, lr: 0.002, ...common, gruForm: 'torch' },
  curve(400, 1.45, 9, true),
);
const wide = compared(
  'run-c',
  'story.txt — LSTM-256, 2 Dec 14:05',
  { cell: 'lstm', hidden: 256, lr: 0.003, ...common },
  curve(300, 1.5, 5, false),
  'stopped',
);
const three: CompareView = { title: 'story.txt: 3 runs', runs: [lstm, gru, wide] };

/** What the tests read of a chart: uPlot's data, series, colours, axis label and scales. */
interface Probe {
  labels: string[];
  strokes: string[];
  dashes: number[][];
  pointsShown: boolean[];
  x: number[];
  ys: (number | null)[][];
  xLabel: string;
  xScale: { min: number; max: number };
  yScale: { min: number; max: number };
}

/** The chart once its x data are `x`. */
async function probe(view: View, chart: 'compare-train' | 'compare-val', x: number[]): Promise<Probe> {
  await view.page.waitForFunction(
    ([name, want]) => {
      const u = window.seqlabCharts?.get(name)?.uplot;
      return !!u && JSON.stringify(Array.from(u.data[0])) === want;
    },
    [chart, JSON.stringify(x)] as const,
  );
  return view.page.evaluate((name) => {
    const u = window.seqlabCharts!.get(name)!.uplot;
    type Shown = boolean | ((plot: unknown, i: number) => boolean);
    const series = u.series.slice(1) as unknown as { points: { show: Shown } }[];
    return {
      labels: u.series.slice(1).map((s) => s.label),
      strokes: u.series.slice(1).map((s, i) => s.stroke(u, i + 1)),
      dashes: u.series.slice(1).map((s) => s.dash ?? []),
      pointsShown: series.map((s, i) =>
        typeof s.points.show === 'function' ? s.points.show(u, i + 1) : s.points.show,
      ),
      x: Array.from(u.data[0] as ArrayLike<number>),
      ys: u.data.slice(1).map((s) => Array.from(s)),
      xLabel: u.axes[0].label ?? '',
      xScale: { min: u.scales.x.min, max: u.scales.x.max },
      yScale: { min: u.scales.y.min, max: u.scales.y.max },
    };
  }, chart);
}

/** The sorted distinct values of `axis` over the runs' points (those with a validation loss when `val`). */
function union(runs: ComparedRun[], axis: 'step' | 'chars' | 'seconds', val = false): number[] {
  const xs = runs.flatMap((r) => r.points.filter((p) => !val || p.valLoss !== null).map((p) => p[axis]));
  return [...new Set(xs)].sort((a, b) => a - b);
}

/** A run's values on the shared x: its own where it has a point, null elsewhere. */
function onUnion(x: number[], run: ComparedRun, axis: 'step' | 'chars' | 'seconds', ys: (number | null)[]) {
  const at = new Map(run.points.map((p, i) => [p[axis], ys[i]]));
  return x.map((v) => at.get(v) ?? null);
}

const smoothed = (run: ComparedRun) =>
  debiasedEma(
    run.points.map((p) => p.loss),
    DEFAULT_SMOOTHING,
  );

/** The runs' table: its header and rows as the user reads them, and which rows are highlighted. */
async function runsTable(view: View): Promise<{ header: string[]; rows: string[][]; best: string[] }> {
  await view.page.locator('.compare-table tbody tr').first().waitFor();
  return view.page.locator('.compare-table').evaluate((t: HTMLTableElement) => ({
    header: Array.from(t.tHead!.rows[0].cells, (c) => c.innerText),
    rows: Array.from(t.tBodies[0].rows, (r) => Array.from(r.cells, (c) => c.innerText)),
    best: Array.from(t.querySelectorAll('tr.best td.best-value'), (c) => (c.closest('tr') as HTMLElement).dataset.run!),
  }));
}

describe('comparison panel webview (chromium)', function () {
  this.timeout(60_000);
  let view: View;
  eachTestOpens('compare', { width: 1100, height: 1000 }, (v) => (view = v));

  it('posts ready and shows an empty state until the host sends runs', async () => {
    await settled(view.page);
    assert.deepEqual(await view.posted(), [{ type: 'ready' }]);
    assert.ok(await view.page.locator('.empty').isVisible());
    assert.equal(await view.page.locator('#root > .content').isVisible(), false);
  });

  it("overlays each run's smoothed training loss and validation loss against steps, one theme colour per run", async () => {
    await view.send({ type: 'compare', view: three });
    assert.equal(await view.page.locator('h1').innerText(), 'story.txt: 3 runs');
    const steps = union(three.runs, 'step');
    assert.deepEqual(steps, [50, 100, 150, 200, 250, 300, 350, 400]);
    const train = await probe(view, 'compare-train', steps);
    const names = three.runs.map((r) => r.name);
    assert.deepEqual(train.labels, names);
    const v = THEMES.dark.vars;
    const colours = [v['--vscode-charts-blue'], v['--vscode-charts-orange'], v['--vscode-charts-green']];
    assert.deepEqual(train.strokes, colours);
    assert.deepEqual(train.dashes, [[], [], []]);
    assert.deepEqual(train.pointsShown, [false, false, false], 'training loss as lines');
    assert.deepEqual(
      train.ys,
      three.runs.map((r) => onUnion(steps, r, 'step', smoothed(r))),
    );
    assert.equal(train.ys[2][7], null, 'the shorter run ends at step 300');
    assert.equal(train.xLabel, 'step');
    assert.deepEqual(train.xScale, { min: 50, max: 400 }, 'x spans the data');
    const all = train.ys.flat().filter((y) => y !== null);
    assert.ok(train.yScale.min <= Math.min(...all) && train.yScale.min > Math.min(...all) - 1, 'y from the data');
    assert.ok(train.yScale.max >= Math.max(...all) && train.yScale.max < Math.max(...all) + 1, 'y from the data');

    const valSteps = union(three.runs, 'step', true);
    assert.deepEqual(valSteps, [100, 200, 300, 400]);
    const val = await probe(view, 'compare-val', valSteps);
    assert.deepEqual(val.labels, names);
    assert.deepEqual(val.strokes, colours);
    assert.deepEqual(val.pointsShown, [true, true, true], 'validation passes as dots');
    assert.deepEqual(val.ys, [
      onUnion(
        valSteps,
        lstm,
        'step',
        lstm.points.map((p) => p.valLoss),
      ),
      onUnion(
        valSteps,
        gru,
        'step',
        gru.points.map((p) => p.valLoss),
      ),
      [null, null, null, null],
    ]);
    assert.deepEqual(val.xScale, { min: 50, max: 400 }, 'the same x range as the training loss: the charts line up');
    assert.match(
      await view.page.locator('#val .panel-note').innerText(),
      /No validation points: story\.txt — LSTM-256/,
    );
  });

  it("switches the x axis: characters seen are the points' chars, wall time their seconds", async () => {
    await view.send({ type: 'compare', view: three });
    await probe(view, 'compare-train', union(three.runs, 'step'));
    assert.equal(await view.page.locator('[data-axis="step"]').getAttribute('aria-pressed'), 'true');

    await view.page.locator('[data-axis="chars"]').click();
    const chars = union(three.runs, 'chars');
    assert.deepEqual(
      chars,
      [50, 100, 150, 200, 250, 300, 350, 400].map((s) => s * 2048),
    );
    let train = await probe(view, 'compare-train', chars);
    assert.equal(train.xLabel, 'characters seen');
    assert.deepEqual(train.xScale, { min: 50 * 2048, max: 400 * 2048 });
    assert.deepEqual(train.ys[0], onUnion(chars, lstm, 'chars', smoothed(lstm)));
    assert.equal(await view.page.locator('[data-axis="chars"]').getAttribute('appearance'), 'primary');
    assert.equal(await view.page.locator('[data-axis="step"]').getAttribute('appearance'), 'secondary');

    await view.page.locator('[data-axis="seconds"]').click();
    const seconds = union(three.runs, 'seconds');
    assert.equal(
      seconds.length,
      8 + 8 + 6 - 1,
      'each run at its own times (the LSTM-128 at step 350 and the LSTM-256 at 250 both at 50 s)',
    );
    train = await probe(view, 'compare-train', seconds);
    assert.equal(train.xLabel, 'wall time');
    assert.deepEqual(train.xScale, { min: 50 / 9, max: 60 }, "from the GRU's first point to the LSTM-256's last");
    three.runs.forEach((r, i) => assert.deepEqual(train.ys[i], onUnion(seconds, r, 'seconds', smoothed(r)), r.name));
    const val = await probe(view, 'compare-val', union(three.runs, 'seconds', true));
    assert.deepEqual(val.xScale, { min: 50 / 9, max: 60 });
    await view.page.waitForFunction(() => sessionStorage.getItem('seqlab-test-state')?.includes('"axis":"seconds"'));

    await view.page.reload();
    await probe(view, 'compare-train', seconds); // the axis comes back with the runs
    assert.equal(await view.page.locator('[data-axis="seconds"]').getAttribute('aria-pressed'), 'true');
  });

  it('tabulates only the settings that differ, then the results, and highlights the best validation loss', async () => {
    await view.send({ type: 'compare', view: three });
    const table = await runsTable(view);
    assert.deepEqual(table.header, [
      'run',
      'cell',
      'hidden',
      'lr',
      'gruForm',
      'best val',
      'final val',
      'steps',
      'time',
      'chars/s',
      'ended',
    ]);
    assert.deepEqual(table.rows, [
      [lstm.name, 'lstm', '128', '0.002', '—', '2.089', '2.105', '400', '57s', '14.3k', 'finished'],
      [gru.name, 'gru', '128', '0.002', 'torch', '1.939', '1.955', '400', '44s', '18.4k', 'finished'],
      [wide.name, 'lstm', '256', '0.003', '—', '—', '—', '300', '1m 00s', '10.2k', 'stopped'],
    ]);
    assert.equal(gru.results.bestVal, Math.min(lstm.results.bestVal!, gru.results.bestVal!));
    assert.deepEqual(table.best, ['run-b'], 'the GRU has the best validation loss');
    assert.equal(await view.page.locator('#runs .panel-note').isVisible(), false);
    assert.equal(
      await view.page.locator('.shared-settings').innerText(),
      'The same in every run: seqLength 64, batch 32, peephole false.',
    );
  });

  it('says so when no setting differs, and shows a single run without a best or validation points', async () => {
    const twin = { ...lstm, id: 'run-d', name: 'story.txt — LSTM-128, 2 Dec 15:00' };
    await view.send({ type: 'compare', view: { title: 'story.txt: 2 runs', runs: [lstm, twin] } });
    let table = await runsTable(view);
    assert.deepEqual(table.header, ['run', 'best val', 'final val', 'steps', 'time', 'chars/s', 'ended']);
    assert.equal(await view.page.locator('#runs .panel-note').innerText(), 'No setting differs between these 2 runs.');
    assert.deepEqual(table.best, ['run-a', 'run-d'], 'a tie: both are the best');

    await view.send({ type: 'compare', view: { title: 'story.txt: 1 run', runs: [wide] } });
    await view.page.waitForFunction(() => document.querySelectorAll('.compare-table tbody tr').length === 1);
    table = await runsTable(view);
    assert.deepEqual(table.rows, [[wide.name, '—', '—', '300', '1m 00s', '10.2k', 'stopped']]);
    assert.deepEqual(table.best, [], 'nothing to be best among');
    assert.equal(
      await view.page.locator('#runs .panel-note').innerText(),
      'A single run: no other run for its settings to differ from.',
    );
    assert.match(
      await view.page.locator('.shared-settings').innerText(),
      /^Its settings: cell lstm, hidden 256, lr 0\.003/,
    );
    const train = await probe(view, 'compare-train', union([wide], 'step'));
    assert.deepEqual(train.labels, [wide.name]);
    assert.equal(await view.page.locator('#val .panel-note').innerText(), 'This run has no validation points.');
    assert.equal(await view.page.locator('[data-save="val-png"]').getAttribute('disabled'), '');
    assert.equal(await view.page.locator('[data-save="train-png"]').getAttribute('disabled'), null);
  });

  it("dashes the runs beyond the palette's six colours", async () => {
    const runs = Array.from({ length: 8 }, (_, i) => ({ ...lstm, id: `r${i}`, name: `run ${i}` }));
    await view.send({ type: 'compare', view: { title: '8 runs', runs } });
    const train = await probe(view, 'compare-train', union(runs, 'step'));
    assert.deepEqual(train.strokes.slice(6), train.strokes.slice(0, 2), 'the colours again');
    assert.deepEqual(
      train.dashes.map((d) => d.length > 0),
      [false, false, false, false, false, false, true, true],
    );
  });

  it('saves each chart as PNG and its data as CSV on the chosen x, and the runs as CSV with every setting', async () => {
    await view.send({ type: 'compare', view: three });
    await probe(view, 'compare-train', union(three.runs, 'step'));
    const png = await save(view, 'train-png');
    assert.equal(png.name, 'seqlab-compare-training-loss.png');
    assert.ok(pngSize(png.data).height > 280);
    assert.equal((await save(view, 'val-png')).name, 'seqlab-compare-validation-loss.png');

    let csv = await save(view, 'train-csv');
    assert.equal(csv.name, 'seqlab-compare-training-loss.csv');
    let rows = parseCsv(csv.data);
    assert.deepEqual(rows[0], ['step', ...three.runs.map((r) => `${r.name} train (smoothed)`)]);
    assert.equal(rows.length, 1 + 8);
    assert.deepEqual(rows[8], ['400', String(smoothed(lstm)[7]), String(smoothed(gru)[7]), '']);

    await view.page.locator('[data-axis="chars"]').click();
    await probe(view, 'compare-val', union(three.runs, 'chars', true));
    csv = await save(view, 'val-csv');
    rows = parseCsv(csv.data);
    assert.deepEqual(rows[0], ['chars', ...three.runs.map((r) => `${r.name} val`)]);
    assert.deepEqual(rows[1], [String(100 * 2048), String(lstm.points[1].valLoss), String(gru.points[1].valLoss), '']);

    csv = await save(view, 'runs-csv');
    assert.equal(csv.name, 'seqlab-compare-runs.csv');
    rows = parseCsv(csv.data);
    assert.deepEqual(rows[0], [
      'run',
      'id',
      'cell',
      'hidden',
      'lr',
      'seqLength',
      'batch',
      'peephole',
      'gruForm',
      'best val',
      'final val',
      'steps',
      'seconds',
      'chars/s',
      'ended',
    ]);
    assert.deepEqual(rows[2], [
      gru.name,
      'run-b',
      'gru',
      '128',
      '0.002',
      '64',
      '32',
      'false',
      'torch',
      String(gru.results.bestVal),
      String(gru.results.finalVal),
      '400',
      String(400 / 9),
      String(gru.results.charsPerSec),
      'finished',
    ]);
    assert.deepEqual(rows[3].slice(8, 11), ['', '', ''], 'no gruForm, no validation loss');
    await screenshot(view.page, 'compare-dark.png');
  });

  it('sorts the runs by a setting or a result on a header click, reverses on a second, runs without a value last', async () => {
    await view.send({ type: 'compare', view: three });
    await runsTable(view);
    const order = () =>
      view.page.$$eval('.compare-table tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.run));
    const sortState = () =>
      view.page.$$eval('.compare-table thead th', (ths) =>
        ths.flatMap((th) => {
          const sort = th.getAttribute('aria-sort');
          const arrow = getComputedStyle(th.querySelector('button')!, '::after').content;
          return sort ? [[(th as HTMLElement).innerText, sort, arrow]] : [];
        }),
      );
    assert.deepEqual(await order(), ['run-a', 'run-b', 'run-c'], 'in the order the host sent them');
    assert.deepEqual(await sortState(), []);

    await view.page.locator('.compare-table [data-sort="setting:cell"]').click();
    assert.deepEqual(await order(), ['run-b', 'run-a', 'run-c'], 'gru before lstm; the two LSTMs in their order');
    assert.deepEqual(await sortState(), [['cell', 'ascending', '" ▲"']]);
    await view.page.locator('.compare-table [data-sort="setting:cell"]').click();
    assert.deepEqual(await order(), ['run-a', 'run-c', 'run-b']);
    assert.deepEqual(await sortState(), [['cell', 'descending', '" ▼"']]);

    await view.page.locator('.compare-table [data-sort="bestVal"]').click();
    assert.deepEqual(await order(), ['run-b', 'run-a', 'run-c'], 'lowest first, the run without validation last');
    assert.deepEqual(await sortState(), [['best val', 'ascending', '" ▲"']]);
    await view.page.keyboard.press('Enter'); // the header keeps the focus: Enter sorts again
    assert.deepEqual(await order(), ['run-a', 'run-b', 'run-c'], 'reversed, the run without a value still last');
    assert.deepEqual(await sortState(), [['best val', 'descending', '" ▼"']]);
    assert.deepEqual((await runsTable(view)).best, ['run-b'], 'the best stays highlighted in any order');

    await view.page.locator('.compare-table [data-sort="setting:hidden"]').focus();
    await view.page.keyboard.press('Space');
    assert.deepEqual(await sortState(), [['hidden', 'ascending', '" ▲"']]);
    await view.page.keyboard.press('Space');
    assert.deepEqual(await order(), ['run-c', 'run-a', 'run-b'], 'numbers by size: 256 before the two 128s');

    await view.send({ type: 'compare', view: { title: 'more', runs: [wide, gru, lstm] } });
    // the title is the one thing that tells the new view is drawn (run-c led before it too)
    await view.page.waitForFunction(() => document.querySelector('h1')?.textContent === 'more');
    assert.deepEqual(await order(), ['run-c', 'run-b', 'run-a'], 'new runs keep the chosen order');
  });

  it("charts each run's best validation loss against each numeric setting that differs, in its colour", async () => {
    const sweepRun = (i: number, lr: number, hidden: number, floor: number, withVal = true) =>
      compared(`s${i}`, `sweep ${i}`, { cell: 'gru', lr, hidden, ...common }, curve(200, floor, 8, withVal));
    const runs = [
      sweepRun(0, 0.001, 64, 1.9),
      sweepRun(1, 0.003, 128, 1.6),
      sweepRun(2, 0.03, 64, 1.7),
      sweepRun(3, 0.01, 128, 1.5, false),
    ];
    await view.send({ type: 'compare', view: { title: 'sweep', runs } });
    const titles = () =>
      view.page.$$eval('.setting-charts > section:not([hidden]) h2', (hs) => hs.map((h) => h.textContent));
    await view.page.waitForFunction(() => document.querySelectorAll('.setting-charts > section').length === 2);
    assert.deepEqual(await titles(), ['Best validation loss against lr', 'Best validation loss against hidden']);

    const scatter = async (setting: string, x: number[]) => {
      const name = `compare-val-against-${setting}`;
      await view.page.waitForFunction(
        ([n, want]) => JSON.stringify(Array.from(window.seqlabCharts?.get(n)?.uplot?.data[0] ?? [])) === want,
        [name, JSON.stringify(x)] as const,
      );
      return view.page.evaluate((n) => {
        const u = window.seqlabCharts!.get(n)!.uplot!;
        const series = u.series.slice(1) as unknown as {
          label: string;
          width: number;
          points: { show: boolean; fill: (u: unknown, i: number) => string };
        }[];
        return {
          labels: series.map((s) => s.label),
          fills: series.map((s, i) => s.points.fill(u, i + 1)),
          pointsOnly: series.map((s) => s.points.show && s.width === 0),
          ys: u.data.slice(1).map((s) => Array.from(s)),
          logX: u.scales.x.distr === 3,
          xScale: [u.scales.x.min, u.scales.x.max],
          xLabel: u.axes[0].label,
          yScale: [u.scales.y.min, u.scales.y.max],
        };
      }, name);
    };
    const v = THEMES.dark.vars;
    const colours = [v['--vscode-charts-blue'], v['--vscode-charts-orange'], v['--vscode-charts-green']];
    const best = runs.map((r) => r.results.bestVal);
    const lr = await scatter('lr', [0.001, 0.003, 0.03]);
    assert.deepEqual(lr.labels, ['sweep 0', 'sweep 1', 'sweep 2'], 'the run without validation left out');
    assert.deepEqual(lr.fills, colours, 'each run in the colour of its curves');
    assert.deepEqual(lr.pointsOnly, [true, true, true]);
    assert.deepEqual(lr.ys, [
      [best[0], null, null],
      [null, best[1], null],
      [null, null, best[2]],
    ]);
    assert.equal(lr.logX, true, 'lr spans a factor of 30: a log x axis');
    assert.deepEqual(lr.xScale, [0.001, 0.1], 'whole decades around the data');
    assert.equal(lr.xLabel, 'lr');
    const [lo, hi] = [Math.min(best[0]!, best[1]!, best[2]!), Math.max(best[0]!, best[1]!, best[2]!)];
    assert.ok(lr.yScale[0]! < lo && lr.yScale[0]! > lo - 0.1 * (hi - lo), 'y from the data, with room below');
    assert.ok(lr.yScale[1]! > hi && lr.yScale[1]! < hi + 0.1 * (hi - lo), 'y from the data, with room above');

    const hidden = await scatter('hidden', [64, 128]);
    assert.deepEqual(hidden.ys, [
      [best[0], null],
      [null, best[1]],
      [best[2], null],
    ]);
    assert.equal(hidden.logX, false, '64 to 128 is a factor of 2: linear');
    assert.ok(hidden.xScale[0]! < 64 && hidden.xScale[0]! > 50 && hidden.xScale[1]! > 128 && hidden.xScale[1]! < 140);
    assert.equal(
      await view.page.locator('#val-against-hidden .panel-note').innerText(),
      'Left out, no validation loss: sweep 3.',
    );

    const png = await save(view, 'val-against-lr-png');
    assert.equal(png.name, 'seqlab-compare-val-against-lr.png');
    assert.ok(pngSize(png.data).height > 220);
    const csv = await save(view, 'val-against-hidden-csv');
    assert.equal(csv.name, 'seqlab-compare-val-against-hidden.csv');
    assert.deepEqual(parseCsv(csv.data), [
      ['hidden', 'run', 'best val'],
      ['64', 'sweep 0', String(best[0])],
      ['128', 'sweep 1', String(best[1])],
      ['64', 'sweep 2', String(best[2])],
    ]);

    await screenshot(view.page, 'compare-sweep-dark.png');

    await view.send({ type: 'compare', view: three }); // hidden and lr differ; cell is text, gruForm missing in two
    await scatter('hidden', [128]);
    assert.deepEqual(await titles(), ['Best validation loss against hidden', 'Best validation loss against lr']);
    await view.send({
      type: 'compare',
      view: { title: 'cells', runs: [lstm, { ...gru, settings: { ...gru.settings, gruForm: 'torch' } }] },
    });
    await view.page.waitForFunction(
      () => document.querySelectorAll('.setting-charts > section:not([hidden])').length === 0,
    );
  });

  it('ignores malformed messages with a warning and keeps working', async () => {
    const badSetting = { ...lstm, settings: { lr: { value: 0.002 } } };
    await view.sendMalformed({ type: 'compare', view: { title: 't', runs: [badSetting] } });
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ ...lstm, id: `r${i}` }));
    await view.sendMalformed({ type: 'compare', view: { title: 't', runs: tooMany } });
    await view.sendMalformed({ type: 'compare', view: { title: 't', runs: [{ ...lstm, points: [{ step: 1 }] }] } });
    await view.send({ type: 'compare', view: three });
    await probe(view, 'compare-train', union(three.runs, 'step'));
    assert.equal((await runsTable(view)).rows.length, 3);
    assert.equal(view.warnings.filter((w) => w.startsWith('SeqLab: ignored')).length, 3, view.warnings.join('\n'));
  });
});
