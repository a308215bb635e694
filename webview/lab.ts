// The long-memory lab's panel: accuracy (y, 0–100 %) against the gap N (x, log scale) per cell,
// the 50 % line of guessing, and the same numbers as a table; points appear as the host reports
// each (cell, gap). The chart saves as PNG and its results as CSV through the host.

import type uPlot from 'uplot';
import { Fields, parseLabView, type LabView } from '../src/protocol';
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
import { formatInt } from './format';
import { loadState, onHostMessage, post, saveState } from './host';
import { saveCsv, savePng } from './save';
import { button, setEnabled } from './toolkit';

function parseState(v: unknown): LabView {
  return new Fields(v, '').get('lab', parseLabView);
}

/**
 * The view saved before the webview was reloaded. A lab saved while running is shown as stopped: after a
 * window reload no lab runs any more, and while one still does the host sends its state once the view is ready.
 */
function restored(v: LabView | undefined): LabView | null {
  if (!v) return null;
  if (v.state !== 'running') return v;
  return { ...v, state: 'stopped', message: 'Interrupted: the window was reloaded during the lab. Run it again.' };
}

let lab: LabView | null = restored(loadState(parseState));

const BACKGROUND = '--vscode-editor-background';
const CHANCE_LABEL = 'chance (50 %)';
/** The x axis reaches this factor beyond the smallest and the largest gap (log scale). */
const X_MARGIN = 1.25;

// ---------- data (shared by the chart, the table and the CSV) ----------

/** Accuracy in % of each cell at each gap, null where it is not measured (yet). */
function accuracies(v: LabView): (number | null)[][] {
  return v.cells.map((cell) =>
    v.gaps.map((gap) => {
      const r = v.results.find((x) => x.cell === cell && x.gap === gap);
      return r ? r.accuracy * 100 : null;
    }),
  );
}

function percent(a: number | null): string {
  return a === null ? '—' : `${a.toFixed(1)} %`;
}

// ---------- the page ----------

const root = document.getElementById('root') ?? document.body;

const summaryEl = el('p', 'summary');
const statusEl = el('p', 'panel-note');
const emptyEl = el(
  'section',
  'empty',
  el('h2', 'empty-title', 'No lab results yet'),
  el('p', '', 'Run ', el('strong', '', 'SeqLab: Long-memory lab'), ' to measure how far back each cell remembers.'),
);
const saveButtons = [
  button('Save PNG', () => savePng('seqlab-long-memory-lab', chart.toPng()), {
    title: 'Save this chart as a PNG image',
    data: { save: 'lab-png' },
  }),
  button(
    'Save CSV',
    () =>
      saveCsv(
        'seqlab-long-memory-lab',
        ['cell', 'gap', 'accuracy'],
        (lab?.results ?? []).map((r) => [r.cell, r.gap, r.accuracy]),
      ),
    { title: "Save this chart's data as CSV", data: { save: 'lab-csv' } },
  ),
];
const body = el('div', 'panel-body');
const table = el('table', 'lab-table');
const section = el(
  'section',
  'panel',
  el('div', 'panel-head', el('h2', '', 'Accuracy against the gap N'), el('div', 'toolbar', ...saveButtons)),
  el(
    'p',
    'caption',
    '"The cat, which already ate …, was full": every line of the task is a cue (X or Y), N random letters, then the answer (x or y) that the cue decides. ' +
      'Each cell learns it with the same budget; a point is the share of new lines whose answer the model predicts at the step before it. ' +
      'At 100 % the cell carried the cue across the N letters; at 50 % it guesses. The gradient that teaches the answer has to reach back N steps to the cue: ' +
      "a plain RNN's vanishes on the way, the gates of a GRU (Γu) and an LSTM (Γf, c<t>) can keep it alive.",
  ),
  statusEl,
  body,
  table,
);
section.id = 'lab';
const content = el('div', 'content', section);
root.append(el('header', 'page-header', el('h1', '', 'SeqLab long-memory lab'), summaryEl), emptyEl, content);

// ---------- the chart ----------

type Series = NonNullable<LineOptions['series']>[number];

function chartOptions(p: Palette): LineOptions {
  const v = lab;
  const gaps = v?.gaps ?? [1];
  const value = legendValue((a) => `${a.toFixed(1)} %`);
  return {
    scales: {
      x: {
        time: false,
        distr: 3,
        log: 10,
        range: () => [Math.min(...gaps) / X_MARGIN, Math.max(...gaps) * X_MARGIN],
      },
      y: { range: [0, 100] },
    },
    legend: themedLegend(),
    cursor: { drag: { x: false, y: false } },
    series: [
      { label: '', value: legendValue((n) => `N = ${formatInt(n)}`) },
      ...(v?.labels ?? []).map((label, i): Series => ({
        label,
        stroke: seriesColor(p, i),
        width: 2,
        value,
        points: { show: true, size: 7, width: 1, stroke: seriesColor(p, i), fill: seriesColor(p, i) },
      })),
      { label: CHANCE_LABEL, stroke: p.muted, width: 1, dash: [6, 4], value, points: { show: false } },
    ],
    axes: [
      {
        ...themedAxis(p, { label: 'gap N (letters between the cue and its answer)', format: formatInt }, 'x'),
        splits: () => gaps,
        filter: (_u, splits) => splits, // a label at every gap (a log axis labels only powers of ten by default)
      },
      { ...themedAxis(p, { label: 'accuracy', format: (a) => `${a} %` }, 'y'), splits: () => [0, 25, 50, 75, 100] },
    ],
  };
}

const chart = new LineChart('lab', 'Long-memory lab: accuracy against the gap N', body, chartOptions, 320, BACKGROUND);

// ---------- rendering ----------

function renderTable(v: LabView): void {
  const acc = accuracies(v);
  const head = el('tr', '', el('th', '', 'gap N'), ...v.gaps.map((g) => el('th', '', formatInt(g))));
  const rows = v.labels.map((label, i) =>
    el('tr', '', el('th', '', label), ...acc[i].map((a) => el('td', '', percent(a)))),
  );
  table.replaceChildren(el('thead', '', head), el('tbody', '', ...rows));
}

function status(v: LabView): string {
  const runs = v.cells.length * v.gaps.length;
  switch (v.state) {
    case 'running':
      return `Training: ${v.results.length} of ${runs} results so far.`;
    case 'done':
      return `Done: ${runs} results.`;
    default:
      return v.message;
  }
}

function render(): void {
  emptyEl.hidden = lab !== null;
  content.hidden = lab === null;
  summaryEl.hidden = lab === null;
  if (!lab) return;
  setText(
    summaryEl,
    `${lab.labels.join(' · ')} — ${formatInt(lab.steps)} training steps each at every gap, windows of T = N + 3 tokens`,
  );
  setText(statusEl, status(lab));
  statusEl.classList.toggle('error', lab.state === 'failed');
  saveButtons.forEach((b) => setEnabled(b, lab!.results.length > 0));
  chart.rebuild();
  chart.setData([lab.gaps, ...accuracies(lab), lab.gaps.map(() => 50)] as uPlot.AlignedData);
  renderTable(lab);
}

onHostMessage((m) => {
  if (m.type !== 'lab') return;
  lab = m.lab;
  saveState({ lab });
  render();
});

render();
post({ type: 'ready' });
