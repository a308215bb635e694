// The exploding-gradient view: the global gradient norm ‖g‖ = √(Σ_W ‖∂L/∂W‖²) over every
// parameter W, before clipping, at each step of a training run, on a log axis; the clip threshold
// as a dashed line and the clipped steps (‖g‖ > clip, so g ← clip·g/‖g‖) as red rings. The sidebar
// draws its run with it; the diagnostics panel one series per model (a Compare run) in a section.

import type { DiagnosticsReport, GradNormCurve } from '../src/protocol';
import {
  LineChart,
  legendValue,
  logScale,
  seriesColor,
  themedAxis,
  themedLegend,
  type LineOptions,
  type Palette,
} from './charts';
import { el } from './dom';
import { panel } from './panel-section';
import { formatInt, formatNumber } from './format';
import { savePng } from './save';

/** One run's curve as a chart draws it: its name in the legend and its colour. */
export interface GradNormRun {
  label: string;
  curve: GradNormCurve;
  color: (p: Palette) => string;
}

type Series = NonNullable<LineOptions['series']>[number];

/** The runs' clip thresholds that clip (> 0), each once, ascending: one dashed line each. */
function clipThresholds(runs: GradNormRun[]): number[] {
  const on = runs.map((r) => r.curve.clip).filter((c): c is number => c !== null && c > 0);
  return [...new Set(on)].sort((a, b) => a - b);
}

/** The legend's names: per run its norm and its clipped steps, then one per threshold. */
function gradNormLabels(runs: GradNormRun[]): string[] {
  return [
    ...runs.flatMap((r) => [r.label, runs.length === 1 ? 'clipped' : `${r.label} clipped`]),
    ...clipThresholds(runs).map((t) => `clip threshold ${t}`),
  ];
}

const positive = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) && v > 0 ? v : null); // a log axis has no place for 0

/**
 * x: every step of any run, ascending. Per run: ‖g‖ at each step (null where the run has none),
 * then ‖g‖ at its clipped steps only (the markers). Per threshold: the threshold at every step.
 */
export function gradNormData(runs: GradNormRun[]): { x: number[]; ys: (number | null)[][] } {
  const x = [...new Set(runs.flatMap((r) => r.curve.points.map((p) => p.step)))].sort((a, b) => a - b);
  const ys = runs.flatMap((r) => {
    const byStep = new Map(r.curve.points.map((p) => [p.step, p]));
    return [
      x.map((s) => positive(byStep.get(s)?.norm)),
      x.map((s) => {
        const p = byStep.get(s);
        return p?.clipped ? positive(p.norm) : null;
      }),
    ];
  });
  for (const t of clipThresholds(runs)) ys.push(x.map(() => t));
  return { x, ys };
}

/** The chart's options; axisLabels: the panel names its axes, the narrow sidebar does not. */
export function gradNormOptions(p: Palette, runs: GradNormRun[], axisLabels: boolean, syncKey?: string): LineOptions {
  const value = legendValue(formatNumber);
  const labels = gradNormLabels(runs);
  const series: Series[] = runs.flatMap((r, i): Series[] => [
    { label: labels[2 * i], stroke: r.color(p), width: 1.25, spanGaps: true, value, points: { show: false } },
    {
      label: labels[2 * i + 1],
      stroke: p.red,
      width: 0,
      paths: () => null,
      value,
      points: { show: true, size: 7, width: 1.5, stroke: p.red, fill: r.color(p) },
    },
  ]);
  clipThresholds(runs).forEach((_, k) =>
    series.push({
      label: labels[2 * runs.length + k],
      stroke: p.red,
      width: 1,
      dash: [6, 4],
      value,
      points: { show: false },
    }),
  );
  return {
    scales: { x: { time: false }, y: logScale() },
    legend: themedLegend(),
    cursor: { drag: { x: true, y: false }, points: { size: 6 }, ...(syncKey ? { sync: { key: syncKey } } : {}) },
    series: [{ label: '', value: legendValue((v) => `step ${formatInt(v)}`) }, ...series],
    axes: [
      themedAxis(p, { label: axisLabels ? 'training step' : undefined, format: (v) => formatInt(v) }, 'x'),
      themedAxis(p, { label: axisLabels ? '‖g‖ before clipping' : undefined, log: true }, 'y'),
    ],
  };
}

/** What clipping did in a run, in words, e.g. "clip threshold 5: 12 of 400 steps clipped; largest ‖g‖ 48.2 at step 40". */
export function clippingSummary(curve: GradNormCurve): string {
  const clipped = curve.points.filter((p) => p.clipped).length;
  const largest = curve.points.reduce<GradNormCurve['points'][number] | null>(
    (m, p) => (!m || p.norm > m.norm ? p : m),
    null,
  );
  const peak = largest ? `; largest ‖g‖ ${formatNumber(largest.norm)} at step ${formatInt(largest.step)}` : '';
  // A long run's curve is thinned (src/extension/curve.ts keeps every clipped step): count the steps it spans.
  const first = curve.points[0],
    last = curve.points[curve.points.length - 1];
  const spanned = last ? last.step - first.step + 1 : 0;
  const steps = `${formatInt(clipped)} of ${formatInt(spanned)} steps clipped`;
  if (curve.clip === null) return `clip threshold not recorded: ${steps}${peak}`;
  if (curve.clip === 0) return `clipping off: every update applied in full${peak}`;
  return `clip threshold ${curve.clip}: ${steps}${peak}`;
}

// ---------- the diagnostics panel's section ----------

const TITLE = 'Gradient norm over training, before clipping';
const CAPTION =
  'The global gradient norm ‖g‖ = √(Σ ‖∂L/∂W‖²) over every parameter W at each training step, on a log axis. ' +
  'A spike is an exploding gradient: one step whose update would throw the weights far off. Clipping scales ' +
  'g down to the threshold (dashed line) whenever ‖g‖ exceeds it (red rings); with clipping off the spike ' +
  'lands in full. Compare cells without gradient clipping shows what clipping prevents.';

/** The section: the chart of every report that carries its run's gradient norm, and a line per report; hidden when none does. */
export function gradNormSection(background: string): {
  section: HTMLElement;
  render(reports: DiagnosticsReport[]): void;
} {
  let runs: GradNormRun[] = [];
  const view = panel('gradnorm', TITLE, CAPTION, () => savePng('seqlab-gradient-norm', chart.toPng()), {
    name: 'seqlab-gradient-norm',
    data: () => ({
      header: ['model', 'step', 'gradient norm', 'clipped', 'clip threshold'],
      rows: runs.flatMap((r) => r.curve.points.map((p) => [r.label, p.step, p.norm, p.clipped ? 1 : 0, r.curve.clip])),
    }),
  });
  const chart = new LineChart('gradnorm', TITLE, view.body, (p) => gradNormOptions(p, runs, true), 260, background);
  const list = el('ul', 'clip-list');
  view.body.append(list);

  function render(reports: DiagnosticsReport[]): void {
    runs = reports.flatMap((r, ri) =>
      r.gradNormCurve ? [{ label: r.label, curve: r.gradNormCurve, color: (p: Palette) => seriesColor(p, ri) }] : [],
    );
    view.section.hidden = runs.length === 0; // no model's run is kept (e.g. a loaded checkpoint)
    if (!runs.length) return;
    const { x, ys } = gradNormData(runs);
    chart.rebuild();
    chart.setData([x, ...ys]);
    view.refreshTable();
    list.replaceChildren(
      ...reports.map((r) =>
        el(
          'li',
          '',
          el('strong', '', r.label),
          `: ${r.gradNormCurve ? clippingSummary(r.gradNormCurve) : 'no training run kept for this model'}`,
        ),
      ),
    );
  }

  return { section: view.section, render };
}
