// The diagnostics panel in a real browser (Debian chromium): the vanishing-gradient chart on a log
// axis, gate histograms, parameter bars, clip events, and Save PNG / Save CSV through the host.
// Needs the bundles: node scripts/build.mjs.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HISTOGRAM_BINS, type DiagnosticsReport } from '../../src/protocol';
import { SCREENSHOTS, eachTestOpens, screenshot, settled, type View } from './harness';
import { parseCsv, pngSize, save } from './exports';
import { reports } from './fixtures';
import { THEMES, type ThemeName } from './themes';

interface VanishingProbe {
  distr: number;
  labels: string[];
  strokes: string[];
  dashes: number[][];
  x: number[];
  ys: (number | null)[][];
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

/** Pixels of the first canvas under `selector`: painted ones, or those within ±2 of `hex` and opaque. */
function canvasPixels(view: View, selector: string, hex?: string): Promise<number> {
  const target = hex ? [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) : null;
  return view.page
    .locator(`${selector} canvas`)
    .first()
    .evaluate((c: HTMLCanvasElement, t) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (!t ? d[i + 3] > 0 : d[i + 3] === 255 && [0, 1, 2].every((k) => Math.abs(d[i + k] - t[k]) <= 2)) n++;
      }
      return n;
    }, target);
}

describe('diagnostics webview (chromium)', function () {
  this.timeout(60_000);
  let view: View;
  const data = reports();
  eachTestOpens('diagnostics', { width: 1100, height: 900 }, (v) => (view = v));

  it('posts ready and shows an empty state until reports arrive', async () => {
    await settled(view.page);
    assert.deepEqual(await view.posted(), [{ type: 'ready' }]);
    assert.ok(await view.page.locator('.empty').isVisible());
    assert.equal(await view.page.locator('#root > .content').isVisible(), false);
  });

  it('draws ‖∂L<T>/∂a<t>‖ on a log axis, one series per report and layer', async () => {
    await view.send({ type: 'diagnostics', reports: data });
    const chart = await vanishing(view, 5);
    assert.equal(chart.distr, 3, 'logarithmic y scale');
    assert.deepEqual(chart.labels, [
      'RNN-128',
      'GRU-128 layer 1',
      'GRU-128 layer 2',
      'LSTM-128 layer 1',
      'LSTM-128 layer 2',
    ]);
    assert.deepEqual(
      chart.x,
      Array.from({ length: 64 }, (_, i) => i + 1),
    );
    assert.deepEqual(
      chart.ys,
      data.flatMap((r) => r.gradNorms),
    );
    const v = THEMES.dark.vars;
    assert.deepEqual(chart.strokes, [
      v['--vscode-charts-blue'],
      v['--vscode-charts-orange'],
      v['--vscode-charts-orange'],
      v['--vscode-charts-green'],
      v['--vscode-charts-green'],
    ]);
    assert.deepEqual(
      chart.dashes.map((d) => d.length > 0),
      [false, false, true, false, true],
      'layer 2 is dashed',
    );
    // the lesson, as numbers: the RNN's signal at t = 1 is orders of magnitude below the LSTM's
    assert.ok(chart.ys[0][0]! * 1000 < chart.ys[3][0]!);
    assert.match(await view.page.locator('#vanishing .caption').innerText(), /vanishing gradient/);
  });

  it('aligns reports with different window lengths at the loss step (x = t − T)', async () => {
    const short: DiagnosticsReport = { ...data[0], label: 'RNN-T8', steps: 8, gradNorms: [[1, 2, 3, 4, 5, 6, 7, 8]] };
    const long: DiagnosticsReport = {
      ...data[0],
      label: 'RNN-T10',
      steps: 10,
      gradNorms: [[1, 1, 1, 1, 1, 1, 1, 1, 1, 1]],
    };
    await view.send({ type: 'diagnostics', reports: [short, long] });
    const chart = await vanishing(view, 2);
    assert.deepEqual(chart.x, [-9, -8, -7, -6, -5, -4, -3, -2, -1, 0]);
    assert.deepEqual(chart.ys[0], [null, null, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('hides the training-curves panel without curves and overlays one train + val pair per model with them', async () => {
    await view.send({ type: 'diagnostics', reports: data });
    await vanishing(view, 5);
    assert.equal(await view.page.locator('#losses').isVisible(), false, 'no lossCurve: no panel');

    const curve = (scale: number) =>
      [10, 20, 30].map((step) => ({ step, loss: scale * (4 - step / 10), valLoss: step === 30 ? scale * 1.5 : null }));
    const compared = data.map((r, i) => ({ ...r, lossCurve: curve(1 + i / 10) }));
    await view.send({ type: 'diagnostics', reports: compared });
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

  it('Save PNG posts a PNG of the chart, with its title, on the theme background', async () => {
    await view.send({ type: 'diagnostics', reports: data });
    await vanishing(view, 5);
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
    await view.send({ type: 'diagnostics', reports: data });
    await vanishing(view, 5);
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
    ]);
    assert.equal(rows.length, 1 + 64);
    const series = data.flatMap((r) => r.gradNorms);
    rows.slice(1).forEach((row, i) => {
      assert.equal(Number(row[0]), i + 1);
      assert.deepEqual(
        row.slice(1).map(Number),
        series.map((s) => s[i]),
      );
    });
  });

  it('Save CSV of the gates, parameters and clip events matches the reports', async () => {
    await view.send({ type: 'diagnostics', reports: data });
    await vanishing(view, 5);

    const gates = parseCsv((await save(view, 'gates-csv')).data);
    assert.deepEqual(gates[0].slice(0, 7), ['report', 'cell', 'layer', 'gate', 'low', 'high', 'bin_0.00_0.05']);
    assert.equal(gates[0].length, 6 + HISTOGRAM_BINS);
    const allGates = data.flatMap((r) => r.gates.map((g) => ({ r, g })));
    assert.equal(gates.length, 1 + allGates.length);
    allGates.forEach(({ r, g }, i) => {
      const row = gates[i + 1];
      assert.deepEqual(row.slice(0, 4), [r.label, r.cell, String(g.layer + 1), g.gate]);
      assert.deepEqual(row.slice(4).map(Number), [g.low, g.high, ...g.histogram]);
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
    await view.send({ type: 'diagnostics', reports: data });
    await vanishing(view, 5);
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
    await view.send({ type: 'diagnostics', reports: [rnn] });
    await vanishing(view, 1);
    await settled(view.page);
    assert.match(await view.page.locator('#gates .panel-note').innerText(), /no.*gates/i);
    assert.match(await view.page.locator('#clips .panel-note').innerText(), /No clipping events/);
    for (const b of ['gates-png', 'gates-csv', 'clips-png', 'clips-csv']) {
      assert.equal(await view.page.locator(`[data-save="${b}"]`).evaluate((e) => e.hasAttribute('disabled')), true, b);
    }
  });

  it('comes back after a reload from the state it saved', async () => {
    await view.send({ type: 'diagnostics', reports: data });
    await vanishing(view, 5);
    await view.page.waitForFunction(() => sessionStorage.getItem('seqlab-test-state') !== null);
    assert.deepEqual((await view.savedState()).reports, data);
    await view.page.reload();
    const chart = await vanishing(view, 5);
    assert.deepEqual(
      chart.ys,
      data.flatMap((r) => r.gradNorms),
    );
  });

  it('ignores a malformed report with a warning', async () => {
    const broken = { ...data[0], gradNorms: [[1, 2, 3]] }; // 3 steps where T = 64
    await view.send({ type: 'diagnostics', reports: [broken] });
    await view.send({ type: 'diagnostics', reports: data });
    await vanishing(view, 5);
    assert.equal(
      view.warnings.filter((w) => /ignored a malformed message.*gradNorms\[0\]/.test(w)).length,
      1,
      view.warnings.join('\n'),
    );
  });

  it('renders the panel in dark and light themes: what the screenshots and the PNG exports show', async () => {
    await view.send({ type: 'diagnostics', reports: data });
    await vanishing(view, 5);
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
      // the picture: four panels (no training curves without them), each chart drawn, in the theme's colours
      assert.deepEqual(await view.page.locator('section.panel:visible h2').allInnerTexts(), [
        'How far back the gradient reaches',
        'Gate saturation',
        'Gradient norm per parameter',
        'Gradient clipping events',
      ]);
      const chart = await vanishing(view, 5);
      const seriesName = (r: DiagnosticsReport, l: number) =>
        r.gradNorms.length > 1 ? `${r.label} layer ${l + 1}` : r.label;
      assert.deepEqual(
        chart.labels,
        data.flatMap((r) => r.gradNorms.map((_, l) => seriesName(r, l))),
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
