// The diagnostics panel's view of a training as it proceeded (webview/training-diagnostics.ts,
// webview/heatmap.ts), in chromium: the heat maps of ‖∂L<T>/∂a<t>‖ over training steps × t, the
// gate saturation over training, their PNG and CSV, and the empty state of a run without snapshots.
// Needs the bundles: node scripts/build.mjs.

import * as assert from 'node:assert/strict';
import type { DiagnosticsReport, TrainingSnapshot } from '../../src/protocol';
import { diagnosticsMessage, reports } from './fixtures';
import { eachTestOpens, screenshot, settled, type View } from './harness';
import { dataTable, parseCsv, pngSize, sameAsCsv, sameNumber, save } from './probes';
import { THEMES } from './themes';

/** What webview/heatmap.ts lays out (HeatmapLayout), as the page reports it. */
interface Layout {
  maps: { title: string; plot: Rect; steps: [number, number]; columns: number; T: number }[];
  scale: [number, number];
  colorBar: Rect;
}
interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

const T = 50;
const GATES = ['Γu', 'Γf', 'c̃', 'Γo'];

/** Snapshots of a model that learns to reach further back: ‖∂L<T>/∂a<t>‖ = g0 · decay^(T − t), decay rising with the step. */
function snapshots(layers: number, gates: string[], steps: number[], g0 = 0.8): TrainingSnapshot[] {
  return steps.map((step, i) => {
    const decay = 0.7 + (0.28 * i) / Math.max(1, steps.length - 1);
    return {
      step,
      steps: T,
      gradNorms: Array.from({ length: layers }, (_, l) =>
        Array.from({ length: T }, (_, ti) => g0 * (l + 1) * decay ** (T - 1 - ti)),
      ),
      gates: Array.from({ length: layers }, (_, layer) =>
        gates.map((gate, gi) => ({
          layer,
          gate,
          range: (gate === 'c̃' ? [-1, 1] : [0, 1]) as [number, number],
          low: (gi + 1) / 20 + i / 400,
          high: 0.3 - i / 100 + layer / 50,
        })),
      ).flat(),
      seconds: 0.004,
    };
  });
}

const STEPS = Array.from({ length: 20 }, (_, i) => 50 * (i + 1));
const [rnn, gru, lstm] = reports(T);
const lstmRun: DiagnosticsReport = { ...lstm, snapshots: snapshots(2, GATES, STEPS) };

/** The heat maps' layout once `maps` maps are drawn at the chart's width. */
async function layout(view: View, maps: number): Promise<Layout> {
  await view.page.waitForFunction((n) => window.seqlabHeatmapLayout?.().maps.length === n, maps);
  await view.page.waitForFunction(
    () => parseFloat(document.querySelector<HTMLCanvasElement>('#reach-over-training canvas')!.style.width) > 0,
  );
  await settled(view.page);
  return view.page.evaluate(() => window.seqlabHeatmapLayout!());
}

/** The opaque RGB painted at a point of the heat-map canvas (CSS pixels). */
function pixel(view: View, x: number, y: number): Promise<number[]> {
  return view.page.locator('#reach-over-training canvas').evaluate(
    (c: HTMLCanvasElement, [px, py]) => {
      const dpr = window.devicePixelRatio || 1;
      const d = c.getContext('2d')!.getImageData(Math.floor(px * dpr), Math.floor(py * dpr), 1, 1).data;
      return [d[0], d[1], d[2], d[3]];
    },
    [x, y],
  );
}

function near(actual: number[], hex: string, what: string): void {
  const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  assert.equal(actual[3], 255, `${what}: opaque`);
  assert.ok(
    rgb.every((v, i) => Math.abs(v - actual[i]) <= 2),
    `${what}: ${actual.slice(0, 3)} is not ${hex}`,
  );
}

/** The centre of the cell of column c (evenly spaced steps) and step t of a map. */
function cell(m: Layout['maps'][number], c: number, t: number): [number, number] {
  return [m.plot.x + ((c + 0.5) / m.columns) * m.plot.w, m.plot.y + ((m.T - t + 0.5) / m.T) * m.plot.h];
}

declare global {
  interface Window {
    seqlabHeatmapLayout?: () => Layout;
  }
}

describe('diagnostics webview: training snapshots (chromium)', function () {
  this.timeout(60_000);
  let view: View;
  eachTestOpens('diagnostics', { width: 1100, height: 900 }, (v) => (view = v));

  it('draws a heat map per layer: x the snapshot steps, y t = 1…T, colours from the data in the theme', async () => {
    await view.send(diagnosticsMessage([lstmRun]));
    const l = await layout(view, 2);
    assert.deepEqual(
      l.maps.map((m) => [m.title, m.steps, m.columns, m.T]),
      [
        ['LSTM-128 · layer 1', [50, 1000], 20, T],
        ['LSTM-128 · layer 2', [50, 1000], 20, T],
      ],
    );
    const values = lstmRun.snapshots!.flatMap((s) => s.gradNorms.flat());
    const [lo, hi] = [Math.log10(Math.min(...values)), Math.log10(Math.max(...values))];
    assert.ok(Math.abs(l.scale[0] - lo) < 1e-9 && Math.abs(l.scale[1] - hi) < 1e-9, JSON.stringify(l.scale));
    assert.ok(l.maps[1].plot.y > l.maps[0].plot.y + l.maps[0].plot.h, 'stacked');
    assert.ok(l.maps[0].plot.h >= T, 'at least a pixel per step t');

    for (const theme of ['dark', 'light'] as const) {
      const vars = THEMES[theme].vars;
      await view.setTheme(theme);
      await settled(view.page);
      await settled(view.page);
      // the largest value: layer 2, t = T, every step (decay^0); the smallest: layer 1, t = 1, the first step
      near(await pixel(view, ...cell(l.maps[1], 19, T)), vars['--vscode-charts-yellow'], `${theme}: the maximum`);
      near(await pixel(view, ...cell(l.maps[0], 0, 1)), vars['--vscode-charts-purple'], `${theme}: the minimum`);
      const bar = l.colorBar;
      near(await pixel(view, bar.x + 0.5, bar.y + bar.h / 2), vars['--vscode-charts-purple'], `${theme}: bar, low end`);
      near(await pixel(view, bar.x + bar.w - 0.5, bar.y + bar.h / 2), vars['--vscode-charts-yellow'], `${theme}: high`);
      await view.page.locator('#reach-over-training').scrollIntoViewIfNeeded();
      await screenshot(view.page, `diagnostics-training-${theme}.png`, false);
    }
    assert.match(await view.page.locator('#reach-over-training .caption').innerText(), /as the model learns/);
  });

  it('plots the gate saturation over training: one line per layer, gate and end, on a 0–1 axis', async () => {
    await view.send(diagnosticsMessage([lstmRun]));
    await view.page.waitForFunction(() => window.seqlabCharts?.get('gates-over-training')?.uplot?.series.length === 17);
    const chart = await view.page.evaluate(() => {
      const u = window.seqlabCharts!.get('gates-over-training')!.uplot as unknown as {
        series: { label: string; stroke(): string; dash?: number[] }[];
        data: ArrayLike<number | null>[];
        scales: Record<string, { min: number; max: number }>;
      };
      return {
        labels: u.series.slice(1).map((s) => s.label),
        strokes: u.series.slice(1).map((s) => s.stroke()),
        dashed: u.series.slice(1).map((s) => (s.dash ?? []).length > 0),
        x: Array.from(u.data[0]),
        ys: u.data.slice(1).map((d) => Array.from(d)),
        y: [u.scales.y.min, u.scales.y.max],
      };
    });
    // each end of an LSTM gate, named with what saturation there means (the course's equations)
    const meaning: Record<string, [string, string]> = {
      Γu: ['lets through', 'cuts a path'],
      Γf: ['carries memory', 'cuts a path'],
      Γo: ['lets through', 'cuts a path'],
      c̃: ['blocks learning', 'blocks learning'],
    };
    assert.deepEqual(
      chart.labels,
      [1, 2].flatMap((layer) =>
        Object.entries(meaning).flatMap(([g, [high, low]]) => [
          `LSTM-128 layer ${layer} · ${g} ≈ 1 (${high})`,
          `LSTM-128 layer ${layer} · ${g} ≈ ${g === 'c̃' ? '−1' : '0'} (${low})`, // the lower end of its own range
        ]),
      ),
    );
    assert.match(
      await view.page.locator('#gates-over-training .caption').innerText(),
      /carries memory \(Γu ≈ 0 \(GRU\), Γf ≈ 1 \(LSTM\)\).*blocks learning \(c̃ ≈ ±1 \(GRU, LSTM\)\)/,
    );
    assert.deepEqual(chart.x, STEPS);
    assert.deepEqual(chart.y, [0, 1]);
    assert.deepEqual(
      chart.ys[2],
      lstmRun.snapshots!.map((s) => s.gates.find((g) => g.layer === 0 && g.gate === 'Γf')!.high),
    );
    assert.deepEqual(chart.dashed.slice(0, 2), [false, true], 'the lower end dashed');
    const v = THEMES.dark.vars;
    assert.deepEqual(chart.strokes.slice(0, 8), [
      v['--vscode-charts-blue'],
      v['--vscode-charts-blue'],
      v['--vscode-charts-green'],
      v['--vscode-charts-green'],
      v['--vscode-charts-purple'],
      v['--vscode-charts-purple'],
      v['--vscode-charts-yellow'],
      v['--vscode-charts-yellow'],
    ]);
  });

  it('saves both charts as PNG and their data as CSV', async () => {
    await view.send(diagnosticsMessage([lstmRun]));
    await layout(view, 2);
    await view.page.waitForFunction(() => window.seqlabCharts?.get('gates-over-training')?.uplot !== undefined);
    await settled(view.page);
    for (const id of ['reach-over-training', 'gates-over-training']) {
      const m = await save(view, `${id}-png`);
      assert.equal(m.format, 'png');
      assert.ok(pngSize(m.data).height > 200, `${id}: ${JSON.stringify(pngSize(m.data))}`);
    }

    const reach = parseCsv((await save(view, 'reach-over-training-csv')).data);
    assert.deepEqual(reach[0], ['report', 'layer', 'path', 'step', 't', 'norm']);
    assert.equal(reach.length, 1 + 2 * STEPS.length * T);
    const s3 = lstmRun.snapshots![3];
    assert.ok(
      reach.some((r) => r.join() === ['LSTM-128', 2, 'a<t>', s3.step, 7, s3.gradNorms[1][6]].join()),
      'layer 2, the 4th snapshot, t = 7',
    );

    const gates = parseCsv((await save(view, 'gates-over-training-csv')).data);
    assert.equal(gates[0][0], 'step');
    assert.equal(gates[0].length, 1 + 16);
    assert.deepEqual(
      gates.slice(1).map((r) => Number(r[0])),
      STEPS,
    );

    // the text alternatives: each chart's data as a table, on demand, the numbers of the CSV and the snapshots
    const reachTable = await dataTable(view, 'reach-over-training');
    sameAsCsv(reachTable, reach);
    const row = reachTable.rows.find((r) => r.slice(0, 5).join() === ['LSTM-128', 2, 'a<t>', s3.step, 7].join())!;
    sameNumber(row[5], s3.gradNorms[1][6], 'layer 2, the 4th snapshot, t = 7');
    const gateTable = await dataTable(view, 'gates-over-training');
    sameAsCsv(gateTable, gates);
    const f = gateTable.header.indexOf('LSTM-128 layer 1 · Γf ≈ 1 (carries memory)');
    lstmRun.snapshots!.forEach((snap, i) =>
      sameNumber(
        gateTable.rows[i][f],
        snap.gates.find((g) => g.layer === 0 && g.gate === 'Γf')!.high,
        `step ${snap.step}`,
      ),
    );
  });

  it('an LSTM whose snapshots carry ‖∂L<T>/∂c<t>‖ gets a memory-cell map beside each layer’s a<t> map', async () => {
    const withCells = lstmRun.snapshots!.map((s) => ({
      ...s,
      cellGradNorms: s.gradNorms.map((row) => row.map((v) => v * 3)), // the memory cell keeps more
    }));
    await view.send(diagnosticsMessage([{ ...lstmRun, snapshots: withCells }]));
    const l = await layout(view, 4);
    assert.deepEqual(
      l.maps.map((m) => [m.title, m.steps, m.columns, m.T]),
      [
        ['LSTM-128 · layer 1', [50, 1000], 20, T],
        ['LSTM-128 · layer 1 · c<t>', [50, 1000], 20, T],
        ['LSTM-128 · layer 2', [50, 1000], 20, T],
        ['LSTM-128 · layer 2 · c<t>', [50, 1000], 20, T],
      ],
    );
    assert.match(await view.page.locator('#reach-over-training .caption').innerText(), /‖∂L<T>\/∂c<t>‖/);
    const reach = parseCsv((await save(view, 'reach-over-training-csv')).data);
    assert.equal(reach.length, 1 + 2 * 2 * STEPS.length * T, 'both paths of both layers');
    const s3 = withCells[3];
    assert.ok(
      reach.some((r) => r.join() === ['LSTM-128', 2, 'c<t>', s3.step, 7, s3.cellGradNorms[1][6]].join()),
      'the c<t> map of layer 2, the 4th snapshot, t = 7',
    );
  });

  it('a Compare run: a map per model and layer on one colour scale; models without gates draw no gate lines', async () => {
    const rnnRun = { ...rnn, snapshots: snapshots(1, [], [100, 200, 300], 2) };
    const gruRun = { ...gru, snapshots: snapshots(2, ['Γr', 'Γu', 'c̃'], [100, 200, 300, 400], 0.5) };
    await view.send(diagnosticsMessage([rnnRun, gruRun]));
    const l = await layout(view, 3);
    assert.deepEqual(
      l.maps.map((m) => [m.title, m.steps, m.columns]),
      [
        ['RNN-128', [100, 300], 3],
        ['GRU-128 · layer 1', [100, 400], 4],
        ['GRU-128 · layer 2', [100, 400], 4],
      ],
    );
    const values = [rnnRun, gruRun].flatMap((r) => r.snapshots.flatMap((s) => s.gradNorms.flat()));
    assert.ok(Math.abs(l.scale[1] - Math.log10(Math.max(...values))) < 1e-9, 'one scale over every model');
    await view.page.waitForFunction(() => window.seqlabCharts?.get('gates-over-training')?.uplot?.series.length === 13);
    const x = await view.page.evaluate(() =>
      Array.from(window.seqlabCharts!.get('gates-over-training')!.uplot.data[0] as ArrayLike<number>),
    );
    assert.deepEqual(x, [100, 200, 300, 400]);

    await view.send(diagnosticsMessage([rnnRun]));
    await layout(view, 1);
    assert.match(
      await view.page.locator('#gates-over-training .panel-note').innerText(),
      /^None of these models has gates: a plain RNN has no gates: a<t> = tanh\(Waa·a<t−1> \+ Wax·x<t> \+ ba\).*the gradient vanishes/,
    );
    assert.equal(await view.page.locator('#gates-over-training .chart').isVisible(), false);
  });

  it('says a run has no snapshots, and saves nothing, when it has none', async () => {
    await view.send(diagnosticsMessage([lstm]));
    await view.page.waitForFunction(() => window.seqlabCharts?.get('vanishing')?.uplot !== undefined);
    await settled(view.page);
    assert.ok(await view.page.locator('#reach-over-training').isVisible());
    assert.match(await view.page.locator('#reach-over-training .panel-note').innerText(), /No training snapshots/);
    assert.equal(await view.page.locator('#reach-over-training .chart').isVisible(), false);
    assert.equal(await view.page.locator('#gates-over-training').isVisible(), false);
    for (const b of ['reach-over-training-png', 'reach-over-training-csv']) {
      assert.equal(await view.page.locator(`[data-save="${b}"]`).evaluate((e) => e.hasAttribute('disabled')), true, b);
    }
    assert.deepEqual(await view.page.evaluate(() => window.seqlabHeatmapLayout!().maps), []);
    assert.equal(
      await view.page.locator('details[data-table="reach-over-training"]').isVisible(),
      false,
      'no data, no table',
    );
  });
});
