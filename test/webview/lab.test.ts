// The long-memory lab's panel in a real browser (Debian chromium): accuracy against the gap N per
// cell with the 50 % line of guessing, filled in as results arrive, the table, and Save PNG / Save
// CSV through the host. Needs the bundles: node scripts/build.mjs.

import * as assert from 'node:assert/strict';
import type { LabView } from '../../src/protocol';
import { parseCsv, pngSize, save } from './probes';
import { eachTestOpens, screenshot, settled, type View } from './harness';
import { THEMES } from './themes';

const planned: LabView = {
  cells: ['rnn', 'gru', 'lstm'],
  labels: ['RNN-64', 'GRU-64', 'LSTM-64'],
  gaps: [5, 10, 20, 50, 100],
  steps: 2500,
  results: [],
  state: 'running',
  message: '',
};

const ACCURACY: Record<string, number[]> = {
  rnn: [1, 0.99, 0.62, 0.51, 0.49],
  gru: [1, 1, 1, 0.98, 0.83],
  lstm: [1, 1, 1, 1, 0.97],
};

/** The lab with the results of the first `n` (cell, gap) runs, gap by gap as the engine scores them. */
function after(n: number, state: LabView['state'] = 'running'): LabView {
  const results = planned.gaps
    .flatMap((gap, gi) => planned.cells.map((cell) => ({ cell, gap, accuracy: ACCURACY[cell][gi] })))
    .slice(0, n);
  return { ...planned, results, state };
}

interface LabProbe {
  labels: string[];
  strokes: string[];
  dashes: number[][];
  x: number[];
  ys: (number | null)[][];
  xScale: { distr: number; min: number; max: number };
  yScale: { min: number; max: number };
}

/** The chart once it shows `filled` points besides the chance line. */
async function probe(view: View, filled: number): Promise<LabProbe> {
  await view.page.waitForFunction((n) => {
    const u = window.seqlabCharts?.get('lab')?.uplot;
    if (!u || u.series.length !== 5) return false;
    return (
      u.data
        .slice(1, 4)
        .flatMap((s) => Array.from(s))
        .filter((v) => v !== null).length === n
    );
  }, filled);
  return view.page.evaluate(() => {
    const u = window.seqlabCharts!.get('lab')!.uplot;
    const scales = u.scales as unknown as Record<string, { distr: number; min: number; max: number }>;
    return {
      labels: u.series.slice(1).map((s) => s.label),
      strokes: u.series.slice(1).map((s, i) => s.stroke(u, i + 1)),
      dashes: u.series.slice(1).map((s) => s.dash ?? []),
      x: Array.from(u.data[0] as ArrayLike<number>),
      ys: u.data.slice(1).map((s) => Array.from(s)),
      xScale: { distr: scales.x.distr, min: scales.x.min, max: scales.x.max },
      yScale: { min: scales.y.min, max: scales.y.max },
    };
  });
}

describe('long-memory lab webview (chromium)', function () {
  this.timeout(60_000);
  let view: View;
  eachTestOpens('lab', { width: 1000, height: 800 }, (v) => (view = v));

  it('posts ready and shows an empty state until the lab starts', async () => {
    await settled(view.page);
    assert.deepEqual(await view.posted(), [{ type: 'ready' }]);
    assert.ok(await view.page.locator('.empty').isVisible());
    assert.equal(await view.page.locator('#root > .content').isVisible(), false);
  });

  it('draws accuracy (0–100 %) against the gap N on a log axis, one series per cell and the chance line', async () => {
    await view.send({ type: 'lab', lab: after(15, 'done') });
    const chart = await probe(view, 15);
    assert.deepEqual(chart.labels, ['RNN-64', 'GRU-64', 'LSTM-64', 'chance (50 %)']);
    assert.deepEqual(chart.x, [5, 10, 20, 50, 100]);
    assert.deepEqual(chart.ys.slice(0, 3), [
      ACCURACY.rnn.map((a) => a * 100),
      ACCURACY.gru.map((a) => a * 100),
      ACCURACY.lstm.map((a) => a * 100),
    ]);
    assert.deepEqual(chart.ys[3], [50, 50, 50, 50, 50], 'the chance line at 50 % across every gap');
    assert.equal(chart.xScale.distr, 3, 'logarithmic x scale');
    assert.ok(Math.abs(chart.xScale.min - 5 / 1.25) < 1e-9 && Math.abs(chart.xScale.max - 100 * 1.25) < 1e-9);
    assert.deepEqual(chart.yScale, { min: 0, max: 100 });
    const v = THEMES.dark.vars;
    assert.deepEqual(chart.strokes, [
      v['--vscode-charts-blue'],
      v['--vscode-charts-orange'],
      v['--vscode-charts-green'],
      v['--vscode-descriptionForeground'],
    ]);
    assert.deepEqual(
      chart.dashes.map((d) => d.length > 0),
      [false, false, false, true],
      'the chance line is dashed',
    );
    assert.match(await view.page.locator('.panel-note').innerText(), /Done: 15 results/);
    const xLabels = await view.page.evaluate(() => {
      const u = window.seqlabCharts!.get('lab')!.uplot as unknown as { axes: { _values: string[] }[] };
      return u.axes[0]._values;
    });
    assert.deepEqual(xLabels, ['5', '10', '20', '50', '100'], 'a label at every gap');
  });

  it('fills in as results arrive: the axes span every planned gap from the start', async () => {
    await view.send({ type: 'lab', lab: after(0) });
    let chart = await probe(view, 0);
    assert.deepEqual(chart.x, [5, 10, 20, 50, 100]);
    assert.ok(Math.abs(chart.xScale.max - 125) < 1e-9);
    assert.match(await view.page.locator('.panel-note').innerText(), /0 of 15 results/);
    assert.equal(await view.page.locator('[data-save="lab-csv"]').getAttribute('disabled'), '');

    await view.send({ type: 'lab', lab: after(4) });
    chart = await probe(view, 4);
    assert.deepEqual(chart.ys[0], [100, 99, null, null, null]);
    assert.deepEqual(chart.ys[1], [100, null, null, null, null]);
    assert.deepEqual(chart.ys[2], [100, null, null, null, null]);
    const cells = await view.page.locator('.lab-table tbody tr').allInnerTexts();
    assert.deepEqual(
      cells.map((r) => r.split('\t')),
      [
        ['RNN-64', '100.0 %', '99.0 %', '—', '—', '—'],
        ['GRU-64', '100.0 %', '—', '—', '—', '—'],
        ['LSTM-64', '100.0 %', '—', '—', '—', '—'],
      ],
    );
    await view.send({ type: 'lab', lab: { ...after(4, 'stopped'), message: 'Stopped after 4 of 15 results.' } });
    await view.page.waitForFunction(() => document.querySelector('.panel-note')?.textContent?.startsWith('Stopped'));
    assert.equal(await view.page.locator('[data-save="lab-csv"]').getAttribute('disabled'), null);
  });

  it('saves the chart as PNG and the results as CSV (cell, gap, accuracy)', async () => {
    await view.send({ type: 'lab', lab: after(15, 'done') });
    await probe(view, 15);
    const png = await save(view, 'lab-png');
    assert.equal(png.name, 'seqlab-long-memory-lab.png');
    assert.ok(pngSize(png.data).height > 300);
    const csv = await save(view, 'lab-csv');
    assert.equal(csv.name, 'seqlab-long-memory-lab.csv');
    const rows = parseCsv(csv.data);
    assert.deepEqual(rows[0], ['cell', 'gap', 'accuracy']);
    assert.deepEqual(rows.slice(1, 4), [
      ['rnn', '5', '1'],
      ['gru', '5', '1'],
      ['lstm', '5', '1'],
    ]);
    assert.equal(rows.length, 16);
    await screenshot(view.page, 'lab-dark.png');
  });

  it('comes back from its saved state when the view is reloaded', async () => {
    await view.send({ type: 'lab', lab: after(6) });
    await probe(view, 6);
    await view.page.waitForFunction(() => sessionStorage.getItem('seqlab-test-state') !== null);
    await view.page.reload();
    const chart = await probe(view, 6);
    assert.deepEqual(chart.ys[2], [100, 100, null, null, null]);
    // It was saved while running: after a reload no lab runs, so it does not claim to be training.
    const status = await view.page.locator('body').innerText();
    assert.match(status, /Interrupted: the window was reloaded during the lab/);
    assert.doesNotMatch(status, /Training: \d+ of/);
  });
});
