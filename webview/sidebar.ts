// The SeqLab sidebar: one training run at a glance. Live loss chart (raw, TensorBoard-smoothed,
// validation, clipping events), a compact chart of the gradient norm before clipping (log axis,
// clip threshold, clipped steps) under it on the same steps, the run's numbers, its latest
// sample (a language model) or its validation scores and confusion matrix (a tagger or a
// classifier: task-scores.ts), and the run's commands.
// State: the run as the host last described it plus the smoothing weight, saved with setState so
// the view comes back as it was when hidden and shown again.

import {
  appendToCurve,
  formatStartedAt,
  lossUnit,
  parseRunView,
  type ProgressPoint,
  type RunState,
  type RunView,
  type ViewCommand,
} from '../src/protocol';
import uPlot from 'uplot';
import { LineChart, legendValue, themedAxis, themedLegend, withAlpha, type LineOptions, type Palette } from './charts';
import { el, setText } from './dom';
import { clippingSummary, gradNormData, gradNormOptions, type GradNormRun } from './gradnorm-chart';
import { formatDuration, formatInt, formatNumber, formatRate } from './format';
import { flushState, loadState, onHostMessage, post, saveState } from './host';
import { DEFAULT_SMOOTHING, MAX_SMOOTHING, debiasedEma } from './smoothing';
import { activitySection } from './activity-strip';
import { confusionTable, percent, scoreSeries, scoresChartOptions, scoresData, scoresSummary } from './task-scores';
import { badge, button, progressRing, setAppearance, setEnabled } from './toolkit';

interface SidebarState {
  run: RunView | null;
  smoothing: number;
}

function parseState(v: unknown): SidebarState {
  const o = v as Partial<Record<keyof SidebarState, unknown>>;
  const smoothing =
    typeof o.smoothing === 'number' && o.smoothing >= 0 && o.smoothing <= MAX_SMOOTHING
      ? o.smoothing
      : DEFAULT_SMOOTHING;
  return { run: o.run === null || o.run === undefined ? null : parseRunView(o.run, 'run'), smoothing };
}

let state: SidebarState = loadState(parseState) ?? { run: null, smoothing: DEFAULT_SMOOTHING };

const STATE_LABELS: Record<RunState, string> = {
  idle: 'Idle',
  training: 'Training',
  stopping: 'Stopping…',
  stopped: 'Stopped',
  done: 'Done',
  failed: 'Failed',
};

// ---------- the page ----------

const root = document.getElementById('root') ?? document.body;

function commandButton(command: ViewCommand, label: string, title: string): HTMLElement {
  return button(label, () => post({ type: 'command', command }), { title, data: { command } });
}

const emptyTrain = button('Train', () => post({ type: 'command', command: 'train' }), {
  appearance: 'primary',
  title: 'Train a model on the active file: a language model, or a tagger (.conll, .tags) or classifier (.tsv)',
  data: { command: 'train' },
});
const emptyView = el(
  'section',
  'empty',
  el('h2', 'empty-title', 'No training run yet'),
  el('p', '', 'Open a text file and run ', el('strong', '', 'SeqLab: Train model on this file'), '.'),
  emptyTrain,
);

const titleEl = el('h1', 'run-title');
const startedEl = el('p', 'run-started');
const stateBadge = badge();
const ring = progressRing();
const messageEl = el('p', 'run-message');
const buttons: Record<ViewCommand, HTMLElement> = {
  train: commandButton('train', 'Train', 'Start a new training run on the active text file'),
  stop: commandButton('stop', 'Stop', 'Stop training after the current step and keep a checkpoint'),
  resume: commandButton('resume', 'Resume', 'Continue training from the last checkpoint'),
  sample: commandButton('sample', 'Sample', 'Sample text from the model'),
  diagnostics: commandButton('diagnostics', 'Diagnostics', 'Open the gradient and gate diagnostics'),
};
const progressFill = el('div', 'progress-fill');
const progressBar = el('div', 'progress', progressFill);
progressBar.setAttribute('role', 'progressbar');

const STATS = [
  ['step', 'Step'],
  ['eta', 'ETA'],
  ['rate', 'Chars/s'],
  ['elapsed', 'Elapsed'],
  ['loss', 'Train loss (smoothed)'],
  ['val', 'Val loss'],
  ['lr', 'Learning rate'],
  ['grad', 'Grad norm'],
  ['clips', 'Clip events'],
] as const;
type Stat = (typeof STATS)[number][0];
const statValues = {} as Record<Stat, HTMLElement>;
const statLabels = {} as Record<Stat, HTMLElement>;
const statsEl = el(
  'dl',
  'stats',
  ...STATS.map(([key, label]) => {
    statValues[key] = el('dd', '');
    statValues[key].dataset.stat = key;
    statLabels[key] = el('dt', '', label);
    return el('div', 'stat', statLabels[key], statValues[key]);
  }),
);

const chartBox = el('div', 'chart-box loss-box');
const smoothingInput = el('input', 'smoothing-slider');
Object.assign(smoothingInput, { type: 'range', min: '0', max: String(MAX_SMOOTHING), step: '0.01', id: 'smoothing' });
const smoothingValue = el('output', 'smoothing-value');
const smoothingLabel = el('label', '', 'Smoothing');
smoothingLabel.htmlFor = 'smoothing';
const smoothingRow = el('div', 'smoothing', smoothingLabel, smoothingInput, smoothingValue);

const gradBox = el('div', 'chart-box grad-box');
const gradNote = el('p', 'chart-note grad-note');

const sampleText = el('pre', 'sample-text');
const sampleTitle = el('div', 'section-title');
const sampleSection = el('div', 'sample', sampleTitle, sampleText);

/** What the sample section shows for each task that writes text (the others have none). */
const SAMPLE_TITLES: Partial<Record<RunView['task'], string>> = {
  lm: 'Latest sample',
  seq2seq: 'Latest outputs for held-out sources (greedy)',
  conditional: 'Latest sample, a line per label',
};

const scoresBox = el('div', 'chart-box scores-box');
const scoresNote = el('p', 'chart-note scores-note');
const confusionBox = el('div', 'confusion-box');
const confusionSection = el(
  'div',
  '',
  el('div', 'section-title', 'Confusion matrix (latest validation)'),
  confusionBox,
);
const scoresSection = el(
  'div',
  'task-scores',
  el('div', 'section-title', 'Validation scores'),
  scoresBox,
  scoresNote,
  confusionSection,
);

const activity = activitySection();

const lossTitle = el('div', 'section-title');
const runView = el(
  'section',
  'run',
  el('header', 'run-header', el('div', 'run-name', titleEl, startedEl), el('div', 'run-status', ring, stateBadge)),
  messageEl,
  el('div', 'actions', ...Object.values(buttons)),
  progressBar,
  statsEl,
  lossTitle,
  chartBox,
  smoothingRow,
  el('div', 'section-title', 'Gradient norm before clipping'),
  gradBox,
  gradNote,
  scoresSection,
  sampleSection,
  activity.section,
);

root.append(emptyView, runView);

// ---------- the loss chart ----------

const CLIP_SERIES = 4;
/** The loss and gradient-norm charts show one cursor, at the same step. */
const CURSOR_SYNC = 'seqlab-run';

/** Clipping events as a rug: a short tick at the bottom of the plot at each clipped step. */
function drawClipRug(u: uPlot): void {
  const steps = u.data[0];
  const clipped = u.data[CLIP_SERIES];
  if (!clipped || u.series[CLIP_SERIES].show === false) return;
  const { left, top, width, height } = u.bbox;
  const px = uPlot.pxRatio;
  const ctx = u.ctx;
  ctx.save();
  ctx.fillStyle = String((u.series[CLIP_SERIES].stroke as (u: uPlot, i: number) => string)(u, CLIP_SERIES));
  for (let i = 0; i < steps.length; i++) {
    if (clipped[i] === null || clipped[i] === undefined) continue;
    const x = Math.round(u.valToPos(steps[i], 'x', true));
    if (x < left || x > left + width) continue;
    ctx.fillRect(x, top + height - Math.round(8 * px), Math.max(1, Math.round(px)), Math.round(8 * px));
  }
  ctx.restore();
}

function lossChartOptions(p: Palette): LineOptions {
  const value = legendValue(formatNumber);
  return {
    scales: { x: { time: false } },
    legend: themedLegend(),
    cursor: { drag: { x: true, y: false }, points: { size: 6 }, sync: { key: CURSOR_SYNC } },
    series: [
      { label: '', value: legendValue((v) => `step ${formatInt(v)}`) },
      { label: 'train', stroke: withAlpha(p.blue, 0.4), width: 1, value, points: { show: false } },
      { label: 'smoothed', stroke: p.blue, width: 2, value, points: { show: false } },
      {
        label: 'val',
        stroke: p.orange,
        width: 1.5,
        value,
        spanGaps: true,
        points: { show: true, size: 5, width: 1, stroke: p.orange, fill: p.orange },
      },
      {
        label: 'clipped',
        stroke: p.red,
        width: 1,
        value: legendValue(() => 'yes'),
        paths: () => null,
        points: { show: false },
      },
    ],
    axes: [themedAxis(p, {}, 'x'), themedAxis(p, {}, 'y')],
    hooks: { draw: [drawClipRug] },
  };
}

const lossChart = new LineChart('loss', 'SeqLab training loss', chartBox, lossChartOptions, 180);

function finiteOrNull(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}

function chartData(points: ProgressPoint[], smoothing: number): [number[], ...(number | null)[][]] {
  const smoothed = debiasedEma(
    points.map((p) => p.loss),
    smoothing,
  );
  return [
    points.map((p) => p.step),
    points.map((p) => finiteOrNull(p.loss)),
    smoothed.map(finiteOrNull),
    points.map((p) => finiteOrNull(p.valLoss)),
    points.map((p) => (p.clipped ? finiteOrNull(p.loss) : null)),
  ];
}

// ---------- the gradient-norm chart ----------

/** The shown run as the gradient-norm chart draws it. */
function gradRuns(): GradNormRun[] {
  const run = state.run;
  if (!run) return [];
  const points = run.points.map((p) => ({ step: p.step, norm: p.gradNorm, clipped: p.clipped }));
  return [{ label: 'norm', curve: { clip: run.clip, points }, color: (p) => p.purple }];
}

/** The runs of the data last given to the gradient chart: its series are built from these, never from newer ones. */
let gradPlotted: GradNormRun[] = [];
const gradChart = new LineChart(
  'gradnorm',
  'SeqLab gradient norm before clipping',
  gradBox,
  (p) => gradNormOptions(p, gradPlotted, false, CURSOR_SYNC),
  120,
);

// ---------- a task model's scores ----------

/** The curves of the data last given to the scores chart: its series are built from these. */
let scoresPlotted = scoreSeries([]);
const scoresChart = new LineChart(
  'scores',
  'SeqLab validation scores',
  scoresBox,
  (p) => scoresChartOptions(p, scoresPlotted, CURSOR_SYNC),
  150,
);

function renderScores(run: RunView, chart: boolean): void {
  const scored = run.task === 'tag' || run.task === 'classify' || run.task === 'seq2seq';
  scoresSection.hidden = !scored;
  sampleSection.hidden = SAMPLE_TITLES[run.task] === undefined;
  setText(sampleTitle, SAMPLE_TITLES[run.task] ?? '');
  if (!scored) return;
  setText(scoresNote, scoresSummary(run.scores));
  const table = confusionTable(run);
  confusionSection.hidden = table === null;
  confusionBox.replaceChildren(...(table ? [table] : []));
  if (chart) {
    scoresPlotted = scoreSeries(run.scores);
    scoresChart.setData(scoresData(run.scores, scoresPlotted));
  }
}

// ---------- rendering ----------

let renderScheduled = false;
let chartDirty = true;

/** Records a change: saves the state and redraws at the next frame. */
function changed(chart: boolean): void {
  chartDirty ||= chart;
  saveState(state);
  if (renderScheduled) return;
  renderScheduled = true;
  requestAnimationFrame(() => {
    renderScheduled = false;
    render();
  });
}

function render(): void {
  const run = state.run;
  emptyView.hidden = run !== null;
  runView.hidden = run === null;
  smoothingInput.value = String(state.smoothing);
  setText(smoothingValue, state.smoothing.toFixed(2));
  if (!run) return;

  setText(titleEl, run.title);
  titleEl.title = run.title;
  setText(startedEl, run.startedAt ? `Run started ${formatStartedAt(run.startedAt)}` : '');
  startedEl.hidden = run.startedAt === 0;
  setText(lossTitle, `Loss (${lossUnit(run.level, run.task)})`);
  setText(buttons.resume, run.resumeLabel || 'Resume');
  setText(stateBadge, STATE_LABELS[run.state]);
  stateBadge.dataset.state = run.state;
  ring.hidden = run.state !== 'training' && run.state !== 'stopping';
  setText(messageEl, run.message);
  messageEl.hidden = run.message === '';
  messageEl.classList.toggle('error', run.state === 'failed');

  const active = run.state === 'training' || run.state === 'stopping';
  const hasModel = run.points.length > 0;
  setEnabled(buttons.train, !active);
  setEnabled(buttons.stop, run.state === 'training');
  setEnabled(buttons.resume, run.canResume && !active);
  setEnabled(buttons.sample, (run.task === 'lm' || run.task === 'conditional') && hasModel && run.state !== 'stopping');
  setEnabled(buttons.diagnostics, hasModel && run.state !== 'stopping');
  const primary: ViewCommand =
    run.state === 'training' ? 'stop' : run.canResume && !active && run.state !== 'done' ? 'resume' : 'train';
  for (const [command, b] of Object.entries(buttons)) setAppearance(b, command === primary ? 'primary' : 'secondary');

  renderStats(run);
  setText(sampleText, run.sample || 'No sample yet.');
  sampleText.classList.toggle('placeholder', run.sample === '');

  renderScores(run, chartDirty);
  const grad = gradRuns();
  const summary = clippingSummary(grad[0].curve);
  setText(gradNote, `${summary[0].toUpperCase()}${summary.slice(1)}.`);
  if (chartDirty) {
    lossChart.setData(chartData(run.points, state.smoothing));
    if (grad[0].curve.clip !== gradPlotted[0]?.curve.clip) gradChart.rebuild(); // the threshold line and its label
    gradPlotted = grad;
    const { x, ys } = gradNormData(grad);
    gradChart.setData([x, ...ys]);
    chartDirty = false;
  }
}

/** The latest validation's exact match of an encoder–decoder, e.g. "93.1%"; "—" before the first. */
function exactMatchText(run: RunView): string {
  const em = run.scores[run.scores.length - 1]?.exactMatch;
  return em === undefined || em === null ? '—' : percent(em);
}

function renderStats(run: RunView): void {
  const last = run.points[run.points.length - 1];
  const training = run.state === 'training';
  const fraction = last && last.totalSteps > 0 ? Math.min(1, last.step / last.totalSteps) : 0;
  progressFill.style.width = `${(fraction * 100).toFixed(2)}%`;
  progressBar.setAttribute('aria-valuenow', String(Math.round(fraction * 100)));
  progressBar.hidden = !last || last.totalSteps === 0;

  let lastVal: number | null = null;
  let clips = 0;
  for (const p of run.points) {
    if (p.valLoss !== null) lastVal = p.valLoss;
    if (p.clipped) clips++;
  }
  const smoothed = last
    ? debiasedEma(
        run.points.map((p) => p.loss),
        state.smoothing,
      )[run.points.length - 1]
    : null;
  const values: Record<Stat, string> = {
    step: !last
      ? '—'
      : last.totalSteps > 0
        ? `${formatInt(last.step)} / ${formatInt(last.totalSteps)}`
        : formatInt(last.step),
    eta: last && training ? formatDuration(last.etaSeconds) : '—',
    rate: last ? formatRate(last.charsPerSec) : '—',
    elapsed: last ? formatDuration(last.elapsedSeconds) : '—',
    loss: formatNumber(smoothed),
    // An encoder–decoder's validation scores its outputs (exact match), not a loss.
    val: run.task === 'seq2seq' ? exactMatchText(run) : formatNumber(lastVal),
    lr: last ? formatNumber(last.lr) : '—',
    grad: last ? formatNumber(last.gradNorm) : '—',
    clips: formatInt(clips),
  };
  for (const [key, text] of Object.entries(values) as [Stat, string][]) setText(statValues[key], text);
  setText(statLabels.val, run.task === 'seq2seq' ? 'Exact match (val)' : 'Val loss');
  statValues.loss.title = last
    ? `smoothed (${state.smoothing.toFixed(2)}); last raw value ${formatNumber(last.loss)}`
    : '';
  statValues.clips.classList.toggle('warn', clips > 0);
}

// ---------- messages ----------

function currentRun(runId: string, what: string): RunView | null {
  if (state.run?.runId === runId) return state.run;
  console.warn(`SeqLab: ignored a ${what} message for run ${runId}, which this view does not show`);
  return null;
}

onHostMessage((m) => {
  switch (m.type) {
    case 'run':
      state = { ...state, run: m.run };
      changed(true);
      return;
    case 'progress': {
      const run = currentRun(m.runId, 'progress');
      if (!run) return;
      appendToCurve(run.points, m.points);
      changed(true);
      return;
    }
    case 'state': {
      const run = currentRun(m.runId, 'state');
      if (!run) return;
      Object.assign(run, { state: m.state, message: m.message, canResume: m.canResume, resumeLabel: m.resumeLabel });
      changed(false);
      return;
    }
    case 'sample': {
      const run = currentRun(m.runId, 'sample');
      if (!run) return;
      run.sample = m.text;
      changed(false);
      return;
    }
    case 'scores': {
      const run = currentRun(m.runId, 'scores');
      if (!run) return;
      run.scores.push(m.scores);
      changed(true);
      return;
    }
    case 'activity':
      activity.render(m.activity);
      return;
    case 'diagnostics':
    case 'diagnosticsStatus':
      return; // for the diagnostics panel
  }
});

smoothingInput.addEventListener('input', () => {
  const v = Number(smoothingInput.value);
  if (!Number.isFinite(v)) return;
  state.smoothing = Math.min(MAX_SMOOTHING, Math.max(0, v));
  changed(true);
  flushState();
});

render();
post({ type: 'ready' });
