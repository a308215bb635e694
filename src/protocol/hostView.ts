// The edge between the extension host and its webviews (the sidebar; the diagnostics, lab and comparison panels).

import type { DiagnosticsReport, LabResult, ProgressPoint, TaskScores } from '../engine/reports';
import type { Task } from '../engine/tasks/taskData';
import { parseDiagnosticsReport, parseLabResult, parseProgressPoint, parseTaskScores } from './reports';
import {
  arrayOf,
  arrayOfLength,
  bool,
  count,
  fail,
  Fields,
  nullable,
  num,
  oneOf,
  ProtocolError,
  str,
  type Parse,
} from './validate';

const RUN_STATES = ['idle', 'training', 'stopping', 'stopped', 'done', 'failed'] as const;
export type RunState = (typeof RUN_STATES)[number];

export const LEVELS = ['char', 'word'] as const;
/** What a model's tokens are: characters or words (the unit of its loss: nats per character / per word). */
export type Level = (typeof LEVELS)[number];

export const TASKS = ['lm', 'tag', 'classify', 'seq2seq', 'conditional'] as const satisfies readonly Task[];
export type { Task };

/** Everything the sidebar shows for one training run. */
export interface RunView {
  runId: string;
  title: string; // file, model and role, e.g. "README.md — LSTM-128" (built by runTitle in runs.ts)
  level: Level;
  startedAt: number; // when the run's first segment started, ms since 1970; 0: not recorded
  state: RunState;
  message: string; // why it stopped or failed, or ''
  points: ProgressPoint[];
  sample: string;
  canResume: boolean; // a checkpoint to continue from exists
  resumeLabel: string; // what continuing does, e.g. "Resume to step 400" or "Train 400 more steps"; '' when it cannot
  clip: number | null; // the run's gradient-clipping threshold (TrainConfig.clip); 0: off; null: not recorded
  task: Task; // lm, tag, classify, seq2seq, conditional: the model a document trains (taskOfText of the document)
  labels: string[]; // a task model's tags or labels, in its order (its confusion matrix's); [] for a language model
  scores: TaskScores[]; // a task model's validation scores, in step order; [] for a language model
}

/** When a run started, as every view writes it: "2 Dec 2026, 09:41". */
export function formatStartedAt(ms: number): string {
  return new Date(ms).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** What a token is called at each level: one wording per level in every view. */
export const TOKEN_NAMES: Record<Level, { one: string; many: string }> = {
  char: { one: 'character', many: 'characters' },
  word: { one: 'word', many: 'words' },
};

/**
 * The unit of a model's loss: a language model's is per token ("nats per character", "nats per
 * word"), a tagger's per tag (one per token) and a classifier's per line (one label per line).
 */
export function lossUnit(level: Level, task: Task): string {
  if (task === 'tag') return 'nats per tag';
  if (task === 'classify') return 'nats per line';
  if (task === 'seq2seq') return `nats per output ${TOKEN_NAMES[level].one}`;
  return `nats per ${TOKEN_NAMES[level].one}`;
}

/** What the diagnostics panel shows: which models, on which file, and whether that is still the file's model. */
export interface DiagnosticsView {
  subject: string; // the file and model(s), e.g. "story.txt — LSTM-128, run of 2 Dec 09:41"
  status: string; // a Compare in progress, e.g. "Training GRU-32: model 2 of 3, step 107/150"; '' when complete
  outdated: string; // why the charts no longer show the file's model (its Refresh button re-runs them); ''
  reports: DiagnosticsReport[];
}

const LAB_STATES = ['running', 'done', 'stopped', 'failed'] as const;

/** Everything the long-memory lab's panel shows: the plan, the results so far, and how the run stands. */
export interface LabView {
  cells: string[];
  labels: string[]; // the models, one per cell, e.g. "LSTM-64"
  gaps: number[];
  steps: number;
  results: LabResult[];
  state: (typeof LAB_STATES)[number];
  message: string; // why it stopped or failed, or ''
}

/**
 * The activity strip under the sidebar's charts: the most selective units of the file's model (their
 * a<t>, −1 … 1) after each character of the line at the cursor.
 */
export interface LineActivity {
  where: string; // the file and line, e.g. "quotes.txt, line 12"
  chars: string[]; // the line's characters (code points), at most MAX_ACTIVITY_CHARS
  units: { label: string; values: (number | null)[] }[]; // one value per character; null where the model has none
}

export const MAX_ACTIVITY_CHARS = 160;

/** One run in the comparison panel. */
export interface ComparedRun {
  id: string;
  name: string; // e.g. "story.txt — LSTM-128, 2 Dec 13:40" (or the user's name for it)
  settings: Record<string, string | number | boolean>; // its full configuration, keyed by the CLI flag names (hidden, lr, cell, …)
  points: { step: number; chars: number; seconds: number; loss: number; valLoss: number | null }[]; // chars: characters seen so far; seconds: wall time
  results: {
    bestVal: number | null;
    finalVal: number | null;
    steps: number;
    seconds: number;
    charsPerSec: number;
    ended: string;
  };
}

/** What "Compare selected" shows: the runs' curves overlaid, and their differing settings and results. */
export interface CompareView {
  title: string;
  runs: ComparedRun[];
}

export const MAX_COMPARED_RUNS = 50;
/** Settings per run, at most (a run's configuration has a few dozen). */
export const MAX_RUN_SETTINGS = 200;

// ---------- host → sidebar / panel ----------

export type HostToView =
  | { type: 'run'; run: RunView | null }
  | { type: 'progress'; runId: string; points: ProgressPoint[] }
  | { type: 'state'; runId: string; state: RunState; message: string; canResume: boolean; resumeLabel: string }
  | { type: 'sample'; runId: string; text: string }
  | { type: 'scores'; runId: string; scores: TaskScores } // a task model's validation: appended to RunView.scores
  | { type: 'diagnostics'; view: DiagnosticsView }
  | { type: 'diagnosticsStatus'; status: string; outdated: string } // the panel's header alone: its charts stay
  | { type: 'lab'; lab: LabView }
  | { type: 'activity'; activity: LineActivity | null } // the sidebar's strip: null hides it
  | { type: 'compare'; view: CompareView };

// ---------- sidebar / panel → host ----------

const VIEW_COMMANDS = ['train', 'stop', 'resume', 'sample', 'diagnostics'] as const;

export type ViewCommand = (typeof VIEW_COMMANDS)[number];

export type ViewToHost =
  | { type: 'ready' }
  | { type: 'command'; command: ViewCommand }
  | { type: 'save'; format: 'png' | 'csv'; name: string; data: string };

// ---------- validation ----------

const runId = str(200);
const runState = oneOf(RUN_STATES);
const runMessage = str(10_000);
const resumeLabel = str(200);

export const parseRunView: Parse<RunView> = (v, path) => {
  const f = new Fields(v, path);
  return {
    runId: f.get('runId', runId),
    title: f.get('title', str(1000)),
    level: f.get('level', oneOf(LEVELS)),
    startedAt: f.get('startedAt', num),
    state: f.get('state', runState),
    message: f.get('message', runMessage),
    points: f.get('points', arrayOf(parseProgressPoint)),
    sample: f.get('sample', str()),
    canResume: f.get('canResume', bool),
    resumeLabel: f.get('resumeLabel', resumeLabel),
    clip: f.get('clip', nullable(num)),
    ...taskFields(f, path),
  };
};

/** A run's task, its labels and its validation scores, whose confusion matrices are labels × labels. */
function taskFields(f: Fields, path: string): Pick<RunView, 'task' | 'labels' | 'scores'> {
  const task = f.get('task', oneOf(TASKS));
  const labels = f.get('labels', arrayOf(str(1000)));
  const scores = f.get('scores', arrayOf(parseTaskScores));
  scores.forEach((s, i) => {
    if (s.confusion && s.confusion.length !== labels.length)
      fail(`${path ? `${path}.` : ''}scores[${i}].confusion`, `${labels.length} rows and columns, one per label`);
  });
  return { task, labels, scores };
}

export const parseDiagnosticsView: Parse<DiagnosticsView> = (v, path) => {
  const f = new Fields(v, path);
  return {
    subject: f.get('subject', str(1000)),
    status: f.get('status', str(1000)),
    outdated: f.get('outdated', str(1000)),
    reports: f.get('reports', arrayOf(parseDiagnosticsReport)),
  };
};

export const parseLabView: Parse<LabView> = (v, path) => {
  const f = new Fields(v, path);
  const cells = f.get('cells', arrayOf(str(20)));
  return {
    cells,
    labels: f.get('labels', arrayOfLength(str(200), cells.length, 'labels, one per cell')),
    gaps: f.get('gaps', arrayOf(count)),
    steps: f.get('steps', count),
    results: f.get('results', arrayOf(parseLabResult)),
    state: f.get('state', oneOf(LAB_STATES)),
    message: f.get('message', runMessage),
  };
};

export const parseLineActivity: Parse<LineActivity> = (v, path) => {
  const f = new Fields(v, path);
  const chars = f.get('chars', arrayOf(str(8)));
  if (chars.length > MAX_ACTIVITY_CHARS)
    fail(`${path ? `${path}.` : ''}chars`, `at most ${MAX_ACTIVITY_CHARS} characters`);
  const unit: Parse<LineActivity['units'][number]> = (u, at) => {
    const g = new Fields(u, at);
    return {
      label: g.get('label', str(200)),
      values: g.get('values', arrayOfLength(nullable(num), chars.length, 'values, one per character')),
    };
  };
  return { where: f.get('where', str(1000)), chars, units: f.get('units', arrayOf(unit)) };
};

/** A run's settings: at most MAX_RUN_SETTINGS names of at most 100 characters, each a string, number or boolean. */
const parseSettings: Parse<ComparedRun['settings']> = (v, path) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'an object');
  const entries = Object.entries(v);
  if (entries.length > MAX_RUN_SETTINGS) fail(path, `at most ${MAX_RUN_SETTINGS} settings`);
  // Object.fromEntries defines each name as an own property: a setting named "__proto__" stays a setting.
  return Object.fromEntries(
    entries.map(([key, value]): [string, string | number | boolean] => {
      const at = `${path}.${key}`;
      if (key.length > 100) fail(at, 'a setting name of at most 100 characters');
      if (typeof value === 'string') return [key, str(1000)(value, at)];
      if (typeof value === 'number' || typeof value === 'boolean') return [key, value];
      return fail(at, 'a string, a number or a boolean');
    }),
  );
};

const parseComparedPoint: Parse<ComparedRun['points'][number]> = (v, path) => {
  const f = new Fields(v, path);
  return {
    step: f.get('step', count),
    chars: f.get('chars', count),
    seconds: f.get('seconds', num),
    loss: f.get('loss', num),
    valLoss: f.get('valLoss', nullable(num)),
  };
};

const parseRunResults: Parse<ComparedRun['results']> = (v, path) => {
  const f = new Fields(v, path);
  return {
    bestVal: f.get('bestVal', nullable(num)),
    finalVal: f.get('finalVal', nullable(num)),
    steps: f.get('steps', count),
    seconds: f.get('seconds', num),
    charsPerSec: f.get('charsPerSec', num),
    ended: f.get('ended', str(200)),
  };
};

export const parseComparedRun: Parse<ComparedRun> = (v, path) => {
  const f = new Fields(v, path);
  return {
    id: f.get('id', runId),
    name: f.get('name', str(1000)),
    settings: f.get('settings', parseSettings),
    points: f.get('points', arrayOf(parseComparedPoint)),
    results: f.get('results', parseRunResults),
  };
};

export const parseCompareView: Parse<CompareView> = (v, path) => {
  const f = new Fields(v, path);
  const title = f.get('title', str(1000));
  const runs = f.get('runs', arrayOf(parseComparedRun));
  if (runs.length > MAX_COMPARED_RUNS) fail(`${path ? `${path}.` : ''}runs`, `at most ${MAX_COMPARED_RUNS} runs`);
  return { title, runs };
};

/** Validates a message sent by the host to a webview, at the webview's edge. */
export function parseHostToView(message: unknown): HostToView {
  const f = new Fields(message, '');
  switch (f.type) {
    case 'run':
      return { type: 'run', run: f.get('run', nullable(parseRunView)) };
    case 'progress':
      return { type: 'progress', runId: f.get('runId', runId), points: f.get('points', arrayOf(parseProgressPoint)) };
    case 'state':
      return {
        type: 'state',
        runId: f.get('runId', runId),
        state: f.get('state', runState),
        message: f.get('message', runMessage),
        canResume: f.get('canResume', bool),
        resumeLabel: f.get('resumeLabel', resumeLabel),
      };
    case 'sample':
      return { type: 'sample', runId: f.get('runId', runId), text: f.get('text', str()) };
    case 'scores':
      return { type: 'scores', runId: f.get('runId', runId), scores: f.get('scores', parseTaskScores) };
    case 'diagnostics':
      return { type: 'diagnostics', view: f.get('view', parseDiagnosticsView) };
    case 'diagnosticsStatus':
      return { type: 'diagnosticsStatus', status: f.get('status', str(1000)), outdated: f.get('outdated', str(1000)) };
    case 'lab':
      return { type: 'lab', lab: f.get('lab', parseLabView) };
    case 'activity':
      return { type: 'activity', activity: f.get('activity', nullable(parseLineActivity)) };
    case 'compare':
      return { type: 'compare', view: f.get('view', parseCompareView) };
    default:
      throw new ProtocolError(`unknown host message type ${JSON.stringify(f.type)}`);
  }
}

const saveName: Parse<string> = (v, path) => {
  const name = str(200)(v, path);
  return /^[\w.-]+$/.test(name) ? name : fail(path, 'a file name of letters, digits, "-", "_" and "."');
};

/** Validates a message sent by a webview to the host, at the host's edge. */
export function parseViewToHost(message: unknown): ViewToHost {
  const f = new Fields(message, '');
  switch (f.type) {
    case 'ready':
      return { type: 'ready' };
    case 'command':
      return { type: 'command', command: f.get('command', oneOf(VIEW_COMMANDS)) };
    case 'save':
      return {
        type: 'save',
        format: f.get('format', oneOf(['png', 'csv'] as const)),
        name: f.get('name', saveName),
        data: f.get('data', str(50_000_000)),
      };
    default:
      throw new ProtocolError(`unknown webview message type ${JSON.stringify(f.type)}`);
  }
}
