// The SeqLab diagnostics panel: what the gradients and gates of one or more trained models look
// like on one window of text. (a) how far back the error signal reaches, ‖∂L<T>/∂a<t>‖ on a log
// axis, one line per model and layer, and for an LSTM ‖∂L<T>/∂c<t>‖ beside it (the memory cell's
// path); (b) gate saturation histograms, each gate in the course's terms on its own range;
// (c) per-parameter gradient norms; (d) gradient clipping events; how (a) and (b) changed as the
// model trained (training-diagnostics.ts); and, from the run that trained each model, its gradient
// norm over training (gradnorm-chart.ts). Every chart saves as PNG and CSV through the host.

import { parseDiagnosticsView, type ClipEvent, type DiagnosticsReport, type DiagnosticsView } from '../src/protocol';
import { horizontalBars, type BarRow } from './canvas-charts';
import {
  CanvasChart,
  LineChart,
  legendValue,
  logScale,
  paddedRange,
  seriesColor,
  themedAxis,
  themedLegend,
  type Chart,
  type LineOptions,
  type Palette,
} from './charts';
import { diagnosticsHeader } from './diagnostics-header';
import { el, setText } from './dom';
import { formatInt, formatNumber } from './format';
import { gateSaturationSection } from './gate-saturation';
import { gradNormSection } from './gradnorm-chart';
import { panel, type ChartData } from './panel-section';
import { loadState, onHostMessage, post, saveState } from './host';
import { savePng } from './save';
import { DEFAULT_SMOOTHING, debiasedEma } from './smoothing';
import { trainingSections } from './training-diagnostics';
import { reportsLossUnit, windowLengths, windowText } from './units';

let state: DiagnosticsView = loadState((v) => parseDiagnosticsView(v, '')) ?? {
  subject: '',
  status: '',
  outdated: '',
  reports: [],
};

const BACKGROUND = '--vscode-editor-background';
/** The hidden state's ‖∂L<T>/∂a<t>‖ lines per layer (and direction): solid, dashed, long-dashed, dash-dotted (dotted is c<t>). */
const LAYER_DASH: number[][] = [[], [7, 4], [14, 4], [9, 3, 2, 3]];
/** The memory cell's ‖∂L<T>/∂c<t>‖ lines: dotted (layer 1, or its → direction), dot-dashed (layer 2, or layer 1 ←). */
const CELL_DASH: number[][] = [
  [2, 4],
  [2, 4, 8, 4],
];

/** What a bidirectional model's two lines per layer are. */
const DIRECTIONS_NOTE =
  'A bidirectional layer has two lines: → the forward direction a→<t>, reached back from the loss at T; ' +
  '← the backward direction a←<t>, which reads the sequence from T down to 1 and is reached from t = 1 ' +
  "(a tagger's loss of its first tag, L<1>; a classifier's loss of its label).";

// ---------- data of each chart (shared by drawing and CSV) ----------

interface GradientSeries {
  label: string;
  report: number;
  /** a: ‖∂L<T>/∂a<t>‖ through the hidden state; c: ‖∂L<T>/∂c<t>‖ through the LSTM's memory cell. */
  path: 'a' | 'c';
  /** Its place among the lines of its path in the report: the layer, or for bidirectional layers 2·layer + direction. */
  dash: number;
  norms: number[]; // [t − 1]
}

/**
 * Per report: its layers' a<t> lines, then (LSTM) its layers' c<t> lines; a bidirectional model's
 * layers each have two of each, the forward direction's ("layer 1 →") and the backward one's ("layer 1 ←").
 */
function gradientSeries(reports: DiagnosticsReport[]): GradientSeries[] {
  return reports.flatMap((r, ri) => {
    const both = r.backwardGradNorms !== undefined;
    const name = (l: number, arrow: string) =>
      both ? `${r.label} layer ${l + 1} ${arrow}` : r.layers > 1 ? `${r.label} layer ${l + 1}` : r.label;
    const lines = (path: 'a' | 'c', rows: number[][] | undefined, direction: 0 | 1): GradientSeries[] =>
      (rows ?? []).map((norms, l) => {
        const label = name(l, direction === 0 ? '→' : '←');
        return {
          label: path === 'c' ? `${label} c<t>` : label,
          report: ri,
          path,
          dash: both ? 2 * l + direction : l,
          norms,
        };
      });
    return [
      ...lines('a', r.gradNorms, 0),
      ...lines('a', r.backwardGradNorms, 1),
      ...lines('c', r.cellGradNorms, 0),
      ...lines('c', r.backwardCellGradNorms, 1),
    ];
  });
}

/**
 * x = t when every report has the same window length T; otherwise x = t − T, so that the loss
 * step of every report sits at 0 and the lines compare how far back each signal reaches.
 */
function gradientData(reports: DiagnosticsReport[]): { xLabel: string; x: number[]; ys: (number | null)[][] } {
  const maxT = Math.max(0, ...reports.map((r) => r.steps));
  const sameT = reports.every((r) => r.steps === maxT);
  const x = sameT
    ? Array.from({ length: maxT }, (_, i) => i + 1)
    : Array.from({ length: maxT }, (_, i) => i - maxT + 1);
  const ys = gradientSeries(reports).map(({ report, norms }) =>
    x.map((_, i) => {
      const t = sameT ? i : i - (maxT - reports[report].steps); // index t − 1 into the report's row
      const v = t >= 0 ? norms[t] : undefined;
      return v !== undefined && Number.isFinite(v) && v > 0 ? v : null;
    }),
  );
  return { xLabel: sameT ? `t (T = ${maxT})` : 't − T', x, ys };
}

function paramRows(reports: DiagnosticsReport[]): BarRow[] {
  const names = [...new Set(reports.flatMap((r) => r.paramGradNorms.map((p) => p.name)))];
  return names.map((name) => ({
    label: name,
    bars: reports.flatMap((r, ri) =>
      r.paramGradNorms
        .filter((p) => p.name === name)
        .map((p) => ({ value: p.norm, color: (pal: Palette) => seriesColor(pal, ri) })),
    ),
  }));
}

/** Training curves of a Compare run: x = the union of the reports' steps; per report its smoothed training loss and its validation loss. */
function lossData(reports: DiagnosticsReport[]): { x: number[]; ys: (number | null)[][] } {
  const x = [...new Set(reports.flatMap((r) => (r.lossCurve ?? []).map((c) => c.step)))].sort((a, b) => a - b);
  const ys = reports.flatMap((r) => {
    const curve = r.lossCurve ?? [];
    const smoothed = debiasedEma(
      curve.map((c) => c.loss),
      DEFAULT_SMOOTHING,
    );
    const train = new Map(curve.map((c, i) => [c.step, smoothed[i]]));
    const val = new Map(curve.map((c) => [c.step, c.valLoss]));
    return [train, val].map((byStep) =>
      x.map((s) => {
        const v = byStep.get(s);
        return v !== undefined && v !== null && Number.isFinite(v) ? v : null;
      }),
    );
  });
  return { x, ys };
}

function clipData(reports: DiagnosticsReport[]): { x: number[]; ys: (number | null)[][] } {
  const x = [...new Set(reports.flatMap((r) => r.clipEvents.map((c) => c.step)))].sort((a, b) => a - b);
  const ys = reports.map((r) => {
    const byStep = new Map(r.clipEvents.map((c) => [c.step, c.norm]));
    return x.map((s) => {
      const v = byStep.get(s);
      return v !== undefined && Number.isFinite(v) && v > 0 ? v : null;
    });
  });
  return { x, ys };
}

// ---------- the page ----------

const root = document.getElementById('root') ?? document.body;

function pngOf(chart: Chart, name: string): void {
  savePng(name, chart.toPng());
}

const summaryEl = el('p', 'summary');
const emptyEl = el(
  'section',
  'empty',
  el('h2', 'empty-title', 'No diagnostics yet'),
  el('p', '', 'Train a model, then run ', el('strong', '', 'SeqLab: Open diagnostics'), ' to look inside it.'),
);

/** The data of a line chart as a table: x, then one column per series. */
function columns(header: string[], x: number[], ys: (number | null)[][]): ChartData {
  return { header, rows: x.map((xi, i) => [xi, ...ys.map((y) => y[i])]) };
}

const LOSSES_CAPTION = (unit: string) =>
  `The models of a Compare run trained on the same text with the same budget: smoothed training loss (solid) and validation loss (dots) in ${unit}.`;

const losses = panel(
  'losses',
  'Training curves, overlaid',
  LOSSES_CAPTION(reportsLossUnit([])),
  () => pngOf(lossesChart, 'seqlab-loss-curves'),
  {
    name: 'seqlab-loss-curves',
    data: () => {
      const { x, ys } = lossData(state.reports);
      const header = ['step', ...state.reports.flatMap((r) => [`${r.label} train (smoothed)`, `${r.label} val`])];
      return columns(header, x, ys);
    },
  },
);

const vanishing = panel(
  'vanishing',
  'How far back the gradient reaches',
  'How much of the error at the last step T reaches each earlier step t (log axis). A line falling steeply to the left is a vanishing gradient: the loss at T can no longer teach step t. ' +
    'The solid and dashed lines follow the hidden state a<t>: that path goes through the gates and W_aa at every step and shrinks step by step; a plain RNN has only this path. ' +
    'A GRU keeps its memory in a<t> itself, a<t> = Γu*c̃<t> + (1 − Γu)*a<t−1>, so its line stays flat where Γu ≈ 0. ' +
    'An LSTM keeps it in the memory cell (the dotted "c<t>" lines): c<t> = Γu*c̃<t> + Γf*c<t−1> is additive, so one step back the gradient is multiplied only by Γf, and it survives while Γf ≈ 1.',
  () => pngOf(vanishingChart, 'seqlab-vanishing-gradients'),
  {
    name: 'seqlab-vanishing-gradients',
    data: () => {
      const { xLabel, x, ys } = gradientData(state.reports);
      const header = [xLabel.startsWith('t (') ? 't' : 't-T', ...gradientSeries(state.reports).map((s) => s.label)];
      return columns(header, x, ys);
    },
  },
);
const windowNote = el('p', 'window-note');
vanishing.caption.after(windowNote);

const params = panel(
  'params',
  'Gradient norm per parameter',
  "The size of each weight matrix's gradient on this window (log scale): parameters with tiny gradients barely learn; huge ones are what clipping cuts.",
  () => pngOf(paramsChart, 'seqlab-parameter-gradients'),
  {
    name: 'seqlab-parameter-gradients',
    data: () => ({
      header: ['report', 'parameter', 'norm'],
      rows: state.reports.flatMap((r) => r.paramGradNorms.map((p) => [r.label, p.name, p.norm])),
    }),
  },
);

const clips = panel(
  'clips',
  'Gradient clipping events',
  'Training steps whose global gradient norm exceeded the clip threshold and was scaled down: an exploding gradient, contained.',
  () => pngOf(clipsChart, 'seqlab-clip-events'),
  {
    name: 'seqlab-clip-events',
    data: () => ({
      header: ['report', 'step', 'norm'],
      rows: state.reports.flatMap((r) => r.clipEvents.map((c) => [r.label, c.step, c.norm])),
    }),
  },
);

const gradNorm = gradNormSection(BACKGROUND);
const training = trainingSections(BACKGROUND);
const gates = gateSaturationSection(BACKGROUND);

const clipList = el('ul', 'clip-list');
const content = el(
  'div',
  'content',
  losses.section,
  gradNorm.section,
  vanishing.section,
  ...training.sections,
  gates.section,
  params.section,
  clips.section,
);
const header = diagnosticsHeader(() => post({ type: 'command', command: 'diagnostics' }));
header.element.append(summaryEl);
root.append(header.element, emptyEl, content);

// ---------- charts ----------

function vanishingOptions(p: Palette): LineOptions {
  const { xLabel } = gradientData(state.reports);
  const yLabel = state.reports.some((r) => r.cellGradNorms) ? '‖∂L<T>/∂a<t>‖, ‖∂L<T>/∂c<t>‖' : '‖∂L<T>/∂a<t>‖';
  return {
    scales: { x: { time: false }, y: logScale() },
    legend: themedLegend(),
    cursor: { drag: { x: true, y: false } },
    series: [
      { label: '', value: legendValue((v) => `${xLabel.startsWith('t (') ? 't' : 't − T'} = ${formatInt(v)}`) },
      ...gradientSeries(state.reports).map((s): uPlotSeries => ({
        label: s.label,
        stroke: seriesColor(p, s.report),
        width: 2,
        dash: s.path === 'a' ? LAYER_DASH[s.dash % LAYER_DASH.length] : CELL_DASH[s.dash % CELL_DASH.length],
        value: legendValue(formatNumber),
        points: { show: false },
      })),
    ],
    axes: [
      themedAxis(p, { label: xLabel, format: (v) => formatInt(v) }, 'x'),
      themedAxis(p, { label: yLabel, log: true }, 'y'),
    ],
  };
}

type uPlotSeries = NonNullable<LineOptions['series']>[number];

function lossOptions(p: Palette): LineOptions {
  const value = legendValue(formatNumber);
  return {
    scales: { x: { time: false } },
    legend: themedLegend(),
    cursor: { drag: { x: true, y: false } },
    series: [
      { label: '', value: legendValue((v) => `step ${formatInt(v)}`) },
      ...state.reports.flatMap((r, ri): uPlotSeries[] => [
        {
          label: `${r.label} train`,
          stroke: seriesColor(p, ri),
          width: 2,
          spanGaps: true,
          value,
          points: { show: false },
        },
        {
          label: `${r.label} val`,
          stroke: seriesColor(p, ri),
          width: 1,
          dash: [4, 3],
          spanGaps: true,
          value,
          points: { show: true, size: 5, width: 1, stroke: seriesColor(p, ri), fill: seriesColor(p, ri) },
        },
      ]),
    ],
    axes: [
      themedAxis(p, { label: 'training step', format: (v) => formatInt(v) }, 'x'),
      themedAxis(p, { label: `loss (${reportsLossUnit(state.reports)})` }, 'y'),
    ],
  };
}

function clipOptions(p: Palette): LineOptions {
  return {
    scales: { x: { time: false, range: paddedRange() }, y: logScale() },
    legend: themedLegend(),
    series: [
      { label: '', value: legendValue((v) => `step ${formatInt(v)}`) },
      ...state.reports.map((r, ri): uPlotSeries => ({
        label: r.label,
        stroke: seriesColor(p, ri),
        width: 0,
        paths: () => null,
        value: legendValue(formatNumber),
        points: { show: true, size: 7, width: 1, stroke: seriesColor(p, ri), fill: seriesColor(p, ri) },
      })),
    ],
    axes: [
      { ...themedAxis(p, { label: 'training step', format: (v) => formatInt(v) }, 'x'), space: 70 },
      themedAxis(p, { label: 'gradient norm', log: true }, 'y'),
    ],
  };
}

const lossesChart = new LineChart('losses', 'Training curves, overlaid', losses.body, lossOptions, 260, BACKGROUND);
const vanishingChart = new LineChart(
  'vanishing',
  'How far back the gradient reaches',
  vanishing.body,
  vanishingOptions,
  320,
  BACKGROUND,
);
const paramsChart = new CanvasChart(
  'params',
  'Gradient norm per parameter',
  params.body,
  horizontalBars([], []),
  BACKGROUND,
);
const clipsChart = new LineChart('clips', 'Gradient clipping events', clips.body, clipOptions, 200, BACKGROUND);
clips.body.append(clipList);

// ---------- rendering ----------

function renderHeader(): void {
  header.render(state);
  emptyEl.hidden = state.reports.length > 0 || state.status !== ''; // a Compare in progress says so in the header
}

function render(): void {
  renderHeader();
  const reports = state.reports;
  content.hidden = reports.length === 0;
  summaryEl.hidden = reports.length === 0;
  if (!reports.length) return;

  setText(summaryEl, `${reports.map((r) => r.label).join(' · ')} — one window of ${windowLengths(reports)}`);

  const ld = lossData(reports);
  losses.section.hidden = ld.x.length === 0;
  if (ld.x.length) {
    setText(losses.caption, LOSSES_CAPTION(reportsLossUnit(reports)));
    lossesChart.rebuild();
    lossesChart.setData([ld.x, ...ld.ys]);
    losses.refreshTable();
  }

  gradNorm.render(reports);

  const { x, ys } = gradientData(reports);
  setText(windowNote, windowText(reports) + (reports.some((r) => r.backwardGradNorms) ? ` ${DIRECTIONS_NOTE}` : ''));
  vanishingChart.rebuild();
  vanishingChart.setData([x, ...ys]);
  vanishing.refreshTable();

  training.render(reports);
  gates.render(reports);

  const rows = paramRows(reports);
  paramsChart.setDrawing(
    horizontalBars(
      rows,
      reports.map((r, ri) => ({ label: r.label, color: (p: Palette) => seriesColor(p, ri) })),
    ),
  );
  paramsChart.element.hidden = rows.length === 0;
  setText(params.note, rows.length ? '' : 'No parameter gradients in these reports.');
  params.note.hidden = rows.length > 0;
  params.setAvailable(rows.length > 0);
  params.refreshTable();

  const cd = clipData(reports);
  const anyClips = cd.x.length > 0;
  clipsChart.rebuild();
  clipsChart.setData([cd.x, ...cd.ys]);
  clipsChart.element.hidden = !anyClips;
  setText(clips.note, anyClips ? '' : 'No clipping events: the gradient norm stayed below the threshold.');
  clips.note.hidden = anyClips;
  clips.setAvailable(anyClips);
  clips.refreshTable();
  clipList.replaceChildren(
    ...reports.map((r) => {
      const worst = r.clipEvents.reduce<ClipEvent | null>((m, c) => (!m || c.norm > m.norm ? c : m), null);
      const text = worst
        ? `${formatInt(r.clipEvents.length)} event${r.clipEvents.length === 1 ? '' : 's'}, largest norm ${formatNumber(worst.norm)} at step ${formatInt(worst.step)}`
        : 'no events';
      return el('li', '', el('strong', '', r.label), `: ${text}`);
    }),
  );
}

onHostMessage((m) => {
  if (m.type === 'diagnosticsStatus') {
    state = { ...state, status: m.status, outdated: m.outdated };
    saveState(state);
    renderHeader();
  } else if (m.type === 'diagnostics') {
    state = m.view;
    saveState(state);
    render();
  } // the run messages are for the sidebar
});

render();
post({ type: 'ready' });
