// The comparison panel ("Compare selected" in the Runs view): the runs' smoothed training loss and
// their validation loss overlaid, one colour per run, against steps, characters seen or wall time;
// then a table of the settings that differ between the runs and their results, the best validation
// loss highlighted. Each chart saves as PNG and CSV, the table as CSV, through the host.
//
// Runs are sampled at different x (wall time and characters seen differ from run to run): a chart's
// x is the union of its runs' x, and each run's line is null where it has no point (spanGaps joins it).

import { Fields, nullable, oneOf, parseCompareView, type ComparedRun, type CompareView } from '../src/protocol';
import {
  LineChart,
  legendValue,
  seriesColor,
  themedAxis,
  themedLegend,
  type LineOptions,
  type Palette,
} from './charts';
import { el, setText } from './dom';
import { formatDuration, formatInt, formatNumber, formatRate } from './format';
import { finiteOrNull, differingSettings, settingNames, settingOf, settingText } from './compare-runs';
import { SettingCharts } from './compare-scatter';
import { RunsTable } from './compare-table';
import { loadState, onHostMessage, post, saveState } from './host';
import { panel, type ChartData } from './panel-section';
import { saveCsv, savePng, type CsvCell } from './save';
import { DEFAULT_SMOOTHING, debiasedEma } from './smoothing';
import { button, setAppearance } from './toolkit';

const AXES = ['step', 'chars', 'seconds'] as const;
type Axis = (typeof AXES)[number];

/** How each x axis is chosen, labelled and written. */
const AXIS: Record<Axis, { choice: string; label: string; format: (v: number) => string; at: (v: number) => string }> =
  {
    step: { choice: 'Steps', label: 'step', format: formatInt, at: (v) => `step ${formatInt(v)}` },
    chars: {
      choice: 'Characters seen',
      label: 'characters seen',
      format: formatRate,
      at: (v) => `${formatInt(v)} characters`,
    },
    seconds: { choice: 'Wall time', label: 'wall time', format: formatDuration, at: formatDuration },
  };

interface CompareState {
  view: CompareView | null;
  axis: Axis;
}

function parseState(v: unknown): CompareState {
  const f = new Fields(v, '');
  return { view: f.get('view', nullable(parseCompareView)), axis: f.get('axis', oneOf(AXES)) };
}

let state: CompareState = loadState(parseState) ?? { view: null, axis: 'step' };

const BACKGROUND = '--vscode-editor-background';
/** Runs beyond the palette's six colours: the same colours again, dashed (then dotted, then dash-dotted). */
const CYCLE_DASH: number[][] = [[], [7, 4], [2, 3], [9, 3, 2, 3]];
const PALETTE_SIZE = 6;
/** Both charts show one cursor, at the same x. */
const CURSOR_SYNC = 'seqlab-compare';

// ---------- data (shared by the charts, the tables and the CSVs) ----------

/** Each run's smoothed training loss (TensorBoard's debiased EMA, as in the sidebar), point by point. */
function smoothedLoss(run: ComparedRun): (number | null)[] {
  return debiasedEma(
    run.points.map((p) => p.loss),
    DEFAULT_SMOOTHING,
  ).map(finiteOrNull);
}

function valLoss(run: ComparedRun): (number | null)[] {
  return run.points.map((p) => finiteOrNull(p.valLoss));
}

/** The runs' values on one x: the union of the x of their points that have a value, null where a run has none. */
function overlay(
  runs: readonly ComparedRun[],
  axis: Axis,
  values: (run: ComparedRun) => (number | null)[],
): { x: number[]; ys: (number | null)[][] } {
  const perRun = runs.map((r) => {
    const vs = values(r);
    return r.points.flatMap((p, i) => (vs[i] === null ? [] : [[p[axis], vs[i]] as const]));
  });
  const x = [...new Set(perRun.flatMap((pairs) => pairs.map(([at]) => at)))].sort((a, b) => a - b);
  const column = new Map(x.map((at, i) => [at, i]));
  const ys = perRun.map((pairs) => {
    const y: (number | null)[] = x.map(() => null);
    for (const [at, v] of pairs) y[column.get(at)!] = v;
    return y;
  });
  return { x, ys };
}

/** The x range of every point of every run: both charts span it, so that they line up. */
function xExtent(runs: readonly ComparedRun[], axis: Axis): [number, number] {
  const xs = runs.flatMap((r) => r.points.map((p) => p[axis]));
  if (!xs.length) return [0, 1];
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

function chartData(axis: Axis, suffix: string, values: (run: ComparedRun) => (number | null)[]): ChartData {
  const runs = state.view?.runs ?? [];
  const { x, ys } = overlay(runs, axis, values);
  return {
    header: [axis, ...runs.map((r) => `${r.name} ${suffix}`)],
    rows: x.map((at, i) => [at, ...ys.map((y) => y[i])]),
  };
}

function runsCsv(runs: readonly ComparedRun[]): { header: string[]; rows: CsvCell[][] } {
  const names = settingNames(runs);
  const rows = runs.map((r) => {
    const s = r.results;
    const settings = names.map((n) => {
      const v = settingOf(r, n);
      return v === undefined ? null : typeof v === 'boolean' ? String(v) : v;
    });
    return [r.name, r.id, ...settings, s.bestVal, s.finalVal, s.steps, s.seconds, s.charsPerSec, s.ended];
  });
  return {
    header: ['run', 'id', ...names, 'best val', 'final val', 'steps', 'seconds', 'chars/s', 'ended'],
    rows,
  };
}

// ---------- the page ----------

const root = document.getElementById('root') ?? document.body;

const titleEl = el('h1', '', 'Compare runs');
const summaryEl = el('p', 'summary');
const emptyEl = el(
  'section',
  'empty',
  el('h2', 'empty-title', 'No runs to compare'),
  el(
    'p',
    '',
    'Select runs in the ',
    el('strong', '', 'Runs'),
    ' view and choose ',
    el('strong', '', 'Compare selected'),
    '.',
  ),
);

const axisButtons = AXES.map((axis) =>
  button(AXIS[axis].choice, () => chooseAxis(axis), {
    title: `Draw the curves against ${AXIS[axis].label}`,
    data: { axis },
  }),
);
const axisRow = el('div', 'axis-choice', el('span', 'axis-choice-label', 'x axis'), ...axisButtons);
axisRow.setAttribute('role', 'group');
axisRow.setAttribute('aria-label', 'x axis of the charts');

const SMOOTHING_NOTE = `TensorBoard's debiased moving average, weight ${DEFAULT_SMOOTHING}`;
const train = panel(
  'train',
  'Training loss (smoothed)',
  `Each run's training loss in nats, smoothed (${SMOOTHING_NOTE}).`,
  () => savePng('seqlab-compare-training-loss', trainChart.toPng()),
  { name: 'seqlab-compare-training-loss', data: () => chartData(state.axis, 'train (smoothed)', smoothedLoss) },
);
const val = panel(
  'val',
  'Validation loss',
  "Each run's loss in nats on the held-out text, at every validation pass.",
  () => savePng('seqlab-compare-validation-loss', valChart.toPng()),
  { name: 'seqlab-compare-validation-loss', data: () => chartData(state.axis, 'val', valLoss) },
);

const runsNote = el('p', 'panel-note');
const sharedEl = el('p', 'caption shared-settings');
const runsTable = new RunsTable(el('table', 'compare-table'));
const runsCsvButton = button(
  'Save CSV',
  () => {
    const { header, rows } = runsCsv(state.view?.runs ?? []);
    saveCsv('seqlab-compare-runs', header, rows);
  },
  { title: 'Save every setting and result of these runs as CSV', data: { save: 'runs-csv' } },
);
const runsSection = el(
  'section',
  'panel',
  el('div', 'panel-head', el('h2', '', 'Settings and results'), el('div', 'toolbar', runsCsvButton)),
  el(
    'p',
    'caption',
    'One row per run: the settings that differ between the runs, then how each did; the best validation loss is highlighted. Click a column header to sort by it. Save CSV writes every setting.',
  ),
  sharedEl,
  runsNote,
  el('div', 'table-scroll', runsTable.table),
);
runsSection.id = 'runs';

const settingCharts = new SettingCharts();
const content = el('div', 'content', axisRow, train.section, val.section, runsSection, settingCharts.element);
root.append(el('header', 'page-header', titleEl, summaryEl), emptyEl, content);

// ---------- the charts ----------

type Series = NonNullable<LineOptions['series']>[number];

function dashOf(i: number): number[] {
  return CYCLE_DASH[Math.floor(i / PALETTE_SIZE) % CYCLE_DASH.length];
}

function curveOptions(withPoints: boolean): (p: Palette) => LineOptions {
  return (p) => {
    const runs = state.view?.runs ?? [];
    const axis = AXIS[state.axis];
    const [lo, hi] = xExtent(runs, state.axis);
    const value = legendValue(formatNumber);
    return {
      scales: { x: { time: false, range: () => [lo, hi] } },
      legend: themedLegend(),
      cursor: { drag: { x: false, y: false }, points: { size: 6 }, sync: { key: CURSOR_SYNC } },
      series: [
        { label: '', value: legendValue(axis.at) },
        ...runs.map((r, i): Series => ({
          label: r.name,
          stroke: seriesColor(p, i),
          width: withPoints ? 1.5 : 2,
          dash: dashOf(i),
          spanGaps: true,
          value,
          points: withPoints
            ? { show: true, size: 5, width: 1, stroke: seriesColor(p, i), fill: seriesColor(p, i) }
            : { show: false },
        })),
      ],
      axes: [
        { ...themedAxis(p, { label: axis.label, format: axis.format }, 'x'), space: 70 },
        themedAxis(p, { label: 'loss (nats)' }, 'y'),
      ],
    };
  };
}

const trainChart = new LineChart(
  'compare-train',
  'Training loss (smoothed)',
  train.body,
  curveOptions(false),
  280,
  BACKGROUND,
);
const valChart = new LineChart('compare-val', 'Validation loss', val.body, curveOptions(true), 240, BACKGROUND);

// ---------- rendering ----------

function renderRuns(runs: readonly ComparedRun[]): void {
  const differing = differingSettings(runs);
  const shared = settingNames(runs).filter((n) => !differing.includes(n));
  setText(
    runsNote,
    differing.length
      ? ''
      : runs.length === 1
        ? 'A single run: no other run for its settings to differ from.'
        : `No setting differs between these ${runs.length} runs.`,
  );
  runsNote.hidden = differing.length > 0;
  setText(
    sharedEl,
    shared.length
      ? `${runs.length === 1 ? 'Its settings' : 'The same in every run'}: ${shared.map((n) => `${n} ${settingText(settingOf(runs[0], n))}`).join(', ')}.`
      : '',
  );
  sharedEl.hidden = shared.length === 0;
  runsTable.show(runs, differing);
  settingCharts.show(runs, differing);
}

function renderCharts(runs: readonly ComparedRun[]): void {
  const t = overlay(runs, state.axis, smoothedLoss);
  const v = overlay(runs, state.axis, valLoss);
  const withoutVal = runs.filter((r) => !r.points.some((p) => finiteOrNull(p.valLoss) !== null));
  setText(train.note, t.x.length ? '' : 'These runs recorded no training loss.');
  setText(
    val.note,
    withoutVal.length === runs.length
      ? runs.length === 1
        ? 'This run has no validation points.'
        : 'None of these runs has validation points.'
      : withoutVal.length
        ? `No validation points: ${withoutVal.map((r) => r.name).join(', ')}.`
        : '',
  );
  train.setAvailable(t.x.length > 0);
  val.setAvailable(v.x.length > 0);
  trainChart.element.hidden = t.x.length === 0;
  valChart.element.hidden = v.x.length === 0;
  trainChart.rebuild();
  trainChart.setData([t.x, ...t.ys]);
  valChart.rebuild();
  valChart.setData([v.x, ...v.ys]);
  train.refreshTable();
  val.refreshTable();
}

function render(): void {
  const view = state.view;
  const runs = view?.runs ?? [];
  emptyEl.hidden = runs.length > 0;
  content.hidden = runs.length === 0;
  summaryEl.hidden = runs.length === 0;
  setText(titleEl, view?.title || 'Compare runs');
  AXES.forEach((axis, i) => {
    setAppearance(axisButtons[i], axis === state.axis ? 'primary' : 'secondary');
    axisButtons[i].setAttribute('aria-pressed', String(axis === state.axis));
  });
  if (!runs.length) return;
  setText(summaryEl, `${runs.length} run${runs.length === 1 ? '' : 's'}: ${runs.map((r) => r.name).join(' · ')}`);
  renderCharts(runs);
  renderRuns(runs);
}

function chooseAxis(axis: Axis): void {
  if (axis === state.axis) return;
  state = { ...state, axis };
  saveState(state);
  render();
}

onHostMessage((m) => {
  if (m.type !== 'compare') return; // the run messages are for the sidebar
  state = { ...state, view: m.view };
  saveState(state);
  render();
});

render();
post({ type: 'ready' });
