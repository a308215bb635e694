// The edge between the extension host and a worker thread: training jobs and inference requests
// in, progress and results out.

import type { ModelConfig, TrainConfig } from '../engine/config';
import type { LabConfig } from '../engine/lab';
import type {
  ClipEvent,
  DiagnosticsReport,
  LabProgress,
  LabResult,
  ProgressPoint,
  TaskScores,
  TrainingSnapshot,
} from '../engine/reports';
import type { SampleOptions } from '../engine/sample';
import type { PredictedExample, RankedClass } from '../engine/tasks/predictions';
import type { Translation } from '../engine/seq2seq/translate';
import type { MatchedUnit, SelectiveUnit } from '../engine/inside/units';
import { LEVELS, TASKS, type Level, type Task } from './hostView';
import {
  parseClipEvent,
  parseDiagnosticsReport,
  parseLabProgress,
  parseLabResult,
  parseProgressPoint,
  parseTaskScores,
  parseTrainingSnapshot,
} from './reports';
import {
  arrayOf,
  bool,
  config,
  count,
  Fields,
  nullable,
  num,
  oneOf,
  partialConfig,
  ProtocolError,
  str,
  type FieldTypes,
  type Parse,
} from './validate';

// ---------- host → worker ----------

export interface TrainJob {
  runId: string;
  text: string;
  name: string; // the document's name, in the messages about its lines
  task: Task; // lm: a language model of the text; else a model of the task file it is (taskOfText)
  model: Partial<ModelConfig>;
  train: TrainConfig;
  checkpointPath: string;
  resume: boolean; // continue the checkpoint at checkpointPath
  untilStep: number; // resume: train until this step (the rest of a stopped run's budget); 0: train.steps more
  sampleEvery: number; // steps between samples shown in the sidebar
}

/** The long-memory lab (engine/lab.ts), run in a training worker: it holds the one training slot. */
export interface LabJob {
  runId: string;
  config: LabConfig;
}

/**
 * What the editor colours on a document's text (worker/insideReadings.ts): doc names the document
 * (its reading is kept between requests), text is its whole text; from, to, at, spans count its
 * characters (code points, 0-based, end exclusive).
 */
export type InsideTask =
  | { kind: 'surprise'; doc: string; text: string; from: number; to: number }
  | { kind: 'charInfo'; doc: string; text: string; at: number }
  | {
      kind: 'unitValues';
      doc: string;
      text: string;
      from: number;
      to: number;
      layer: number;
      unit: number;
      signal: string;
    }
  | { kind: 'selectiveUnits'; doc: string; text: string; signal: string; top: number }
  | {
      kind: 'matchUnits';
      doc: string;
      text: string;
      spans: { start: number; end: number }[];
      signal: string;
      top: number;
    };

export const INSIDE_KINDS = ['surprise', 'charInfo', 'unitValues', 'selectiveUnits', 'matchUnits'] as const;

/** Surprise in nats per character of the range asked for (null: no prediction, or a character the model lacks). */
export interface SurpriseValues {
  values: (number | null)[];
  mean: number | null; // over the characters read so far (from the file's start): seqlab eval's loss when all are read
  readTo: number; // tokens read
  tokens: number; // tokens in the text
}

/** One character as the model saw it: its probability, surprise and the likeliest alternatives. */
export interface CharInfo {
  char: string;
  known: boolean; // in the model's vocabulary
  p: number | null;
  surprise: number | null;
  top: { token: string; p: number }[];
}

/** A unit's value after each character of the range asked for (null for a character the model lacks). */
export interface UnitActivity {
  values: (number | null)[];
}

/** What "Show neuron…" offers: the model's signals and sizes, and its most selective units on the document. */
export interface UnitChoices {
  signals: string[];
  layers: number;
  hidden: number;
  units: SelectiveUnit[];
}

export type { MatchedUnit, SelectiveUnit };

export type InferenceTask =
  | InsideTask
  | { kind: 'sample'; options: Partial<SampleOptions> }
  | { kind: 'hover'; prime: string; length: number; topK: number; temperature: number }
  | { kind: 'diagnose'; text: string; name: string; steps: number; clipEvents: ClipEvent[] } // name: the file's, for messages
  | { kind: 'predict'; text: string; name: string; topK: number } // a tagger's or classifier's predictions for a task file's text
  | { kind: 'export'; outPath: string }
  | { kind: 'exportProject'; outDir: string } // a runnable PyTorch project of the run (engine/torchProject.ts)
  | { kind: 'importTorch'; outPath: string } // the checkpoint asked about is in the PyTorch export layout: write it as SeqLab's
  | { kind: 'translate'; sources: string[]; targets: (string | null)[]; beam: number } // an encoder–decoder's outputs (beam 1: greedy alone); targets: the sources' own, to compare with
  | { kind: 'sampleLabel'; label: string; lines: number; length: number; temperature: number; seed: number } // a conditional model's lines
  | { kind: 'describe' }
  | { kind: 'load' }; // read the checkpoint into the worker's cache, so that the next hover is instant; says what it is

export type InferenceKind = InferenceTask['kind'];

/** The task of one kind, e.g. TaskOf<'hover'>. */
export type TaskOf<K extends InferenceKind> = InferenceTask & { kind: K };

export type HostToWorker =
  | { type: 'train'; job: TrainJob }
  | { type: 'lab'; job: LabJob }
  | { type: 'stop' }
  | { type: 'infer'; requestId: number; checkpointPath: string; task: InferenceTask };

// ---------- worker → host ----------

export interface HoverResult {
  continuation: string;
  top: { token: string; p: number }[];
  label: string;
  millis: number;
}

/** What a checkpoint holds, in a line: its model's label, the step it was saved at, its tokens and its task. */
export interface ModelDescription {
  label: string;
  step: number;
  level: Level;
  task: Task;
  labels: string[]; // a task model's tags or labels (a conditional model's: the labels it writes for); else []
}

export type { PredictedExample, RankedClass };

/** The model a checkpoint holds, from the worker's cache: its label and its task (which hover it has). */
export interface LoadedModel {
  label: string;
  task: Task;
}

/** A tagger's or classifier's predictions for a task file's text (engine/tasks/predictions.ts). */
export interface TaskPrediction {
  label: string; // the model's, e.g. "LSTM-64 bidirectional"
  examples: PredictedExample[];
  millis: number;
}

/** An encoder–decoder's outputs for the sources asked for, in their order (engine/seq2seq/translate.ts). */
export interface TranslateResult {
  label: string; // the model's, e.g. "encoder–decoder LSTM-64"
  translations: Translation[];
  millis: number;
}

export type { Translation };

/** The value each kind of inference task answers with. */
export interface InferenceResults {
  sample: string; // the sampled text
  hover: HoverResult;
  diagnose: DiagnosticsReport;
  export: string; // the path written
  describe: ModelDescription;
  load: LoadedModel; // the model now cached
  predict: TaskPrediction;
  translate: TranslateResult;
  surprise: SurpriseValues;
  charInfo: CharInfo;
  unitValues: UnitActivity;
  selectiveUnits: UnitChoices;
  matchUnits: MatchedUnit[];
  exportProject: string[]; // the files written
  importTorch: string; // the SeqLab checkpoint written
  sampleLabel: string; // the sampled lines, one per line
}

export type WorkerToHost =
  // label: taskModelLabel(); clip: TrainConfig.clip; labels: a task model's tags or labels ([] for a language model)
  | { type: 'started'; runId: string; label: string; params: number; vocabSize: number; clip: number; labels: string[] }
  | { type: 'progress'; runId: string; points: ProgressPoint[] }
  | { type: 'sample'; runId: string; text: string }
  | { type: 'checkpoint'; runId: string; step: number; clipEvents: ClipEvent[] }
  | { type: 'snapshot'; runId: string; snapshot: TrainingSnapshot } // after each validation pass
  | { type: 'scores'; runId: string; scores: TaskScores } // a task model's, after each validation pass
  | { type: 'finished'; runId: string; stopped: boolean; step: number; valLoss: number | null }
  | { type: 'failed'; runId: string; message: string } // a training's or the lab's
  | { type: 'labProgress'; runId: string; progress: LabProgress }
  | { type: 'labResult'; runId: string; result: LabResult }
  | { type: 'labFinished'; runId: string; stopped: boolean }
  | { type: 'result'; requestId: number; value: unknown } // checked by parseInferenceResult for its task's kind
  | { type: 'error'; requestId: number; message: string };

// ---------- validation ----------

const MODEL_CONFIG_TYPES: FieldTypes<ModelConfig> = {
  cell: 'string',
  gruForm: 'string',
  hidden: 'number',
  layers: 'number',
  bidirectional: 'boolean',
  input: 'string',
  embedSize: 'number',
  vocabSize: 'number',
  dropout: 'number',
  forgetBias: 'number',
  peephole: 'boolean',
  initState: 'string',
  task: 'string',
  classes: 'number',
  labelCount: 'number',
  pool: 'string',
};

const TRAIN_CONFIG_TYPES: FieldTypes<TrainConfig> = {
  level: 'string',
  lowercase: 'boolean',
  minCount: 'number',
  seqLength: 'number',
  batchSize: 'number',
  lr: 'number',
  optimizer: 'string',
  momentum: 'number',
  clip: 'number',
  lrDecay: 'number',
  lrDecayEvery: 'number',
  valFraction: 'number',
  evalEvery: 'number',
  steps: 'number',
  seconds: 'number',
  seed: 'number',
};

const SAMPLE_OPTION_TYPES: FieldTypes<SampleOptions> = {
  prime: 'string',
  length: 'number',
  temperature: 'number',
  topK: 'number',
  topP: 'number',
  greedy: 'boolean',
  seed: 'number',
  stopAtEos: 'boolean',
  allowUnk: 'boolean',
};

const runId = str(200);
const filePath = str(4096);

const parseTrainJob: Parse<TrainJob> = (v, at) => {
  const f = new Fields(v, at);
  return {
    runId: f.get('runId', runId),
    text: f.get('text', str()),
    name: f.get('name', str(1000)),
    task: f.get('task', oneOf(TASKS)),
    model: f.get('model', partialConfig(MODEL_CONFIG_TYPES)),
    train: f.get('train', config(TRAIN_CONFIG_TYPES)),
    checkpointPath: f.get('checkpointPath', filePath),
    resume: f.get('resume', bool),
    untilStep: f.get('untilStep', count),
    sampleEvery: f.get('sampleEvery', count),
  };
};

// The cells' names and every range are validateLabConfig's to check, in the worker (as a TrainJob's configs are).
const parseLabConfig: Parse<LabConfig> = (v, at) => {
  const f = new Fields(v, at);
  return {
    cells: f.get('cells', arrayOf(str(20))) as LabConfig['cells'],
    gaps: f.get('gaps', arrayOf(count)),
    steps: f.get('steps', count),
    hidden: f.get('hidden', count),
    lr: f.get('lr', num),
    batchSize: f.get('batchSize', count),
    seed: f.get('seed', num),
  };
};

const parseLabJob: Parse<LabJob> = (v, at) => {
  const f = new Fields(v, at);
  return { runId: f.get('runId', runId), config: f.get('config', parseLabConfig) };
};

const parseHoverResult: Parse<HoverResult> = (v, at) => {
  const f = new Fields(v, at);
  return {
    continuation: f.get('continuation', str()),
    top: f.get(
      'top',
      arrayOf((t, tokenAt) => {
        const g = new Fields(t, tokenAt);
        return { token: g.get('token', str()), p: g.get('p', num) };
      }),
    ),
    label: f.get('label', str(200)),
    millis: f.get('millis', num),
  };
};

const parseRankedClass: Parse<RankedClass> = (v, at) => {
  const f = new Fields(v, at);
  return { label: f.get('label', str(1000)), p: f.get('p', num) };
};

const parseTaskPrediction: Parse<TaskPrediction> = (v, at) => {
  const f = new Fields(v, at);
  return {
    label: f.get('label', str(200)),
    examples: f.get(
      'examples',
      arrayOf((e, exampleAt) => {
        const g = new Fields(e, exampleAt);
        return {
          line: g.get('line', count),
          rows: g.get(
            'rows',
            arrayOf((r, rowAt) => {
              const h = new Fields(r, rowAt);
              return { text: h.get('text', str()), top: h.get('top', arrayOf(parseRankedClass)) };
            }),
          ),
        };
      }),
    ),
    millis: f.get('millis', num),
  };
};

const parseTranslateResult: Parse<TranslateResult> = (v, at) => {
  const f = new Fields(v, at);
  const beam: Parse<Translation['beams'][number]> = (b, path) => {
    const g = new Fields(b, path);
    return {
      text: g.get('text', str()),
      logProb: g.get('logProb', num),
      score: g.get('score', num),
      finished: g.get('finished', bool),
    };
  };
  return {
    label: f.get('label', str(200)),
    translations: f.get(
      'translations',
      arrayOf((t, path) => {
        const g = new Fields(t, path);
        return {
          greedy: g.get('greedy', str()),
          reference: g.get('reference', nullable(str())),
          beams: g.get('beams', arrayOf(beam)),
        };
      }),
    ),
    millis: f.get('millis', num),
  };
};

const parseTokenP: Parse<{ token: string; p: number }> = (v, at) => {
  const f = new Fields(v, at);
  return { token: f.get('token', str(1000)), p: f.get('p', num) };
};

const parseSelectiveUnit: Parse<SelectiveUnit> = (v, at) => {
  const f = new Fields(v, at);
  return {
    layer: f.get('layer', count),
    unit: f.get('unit', count),
    score: f.get('score', num),
    mean: f.get('mean', num),
    saturated: f.get('saturated', num),
  };
};

const parseMatchedUnit: Parse<MatchedUnit> = (v, at) => {
  const f = new Fields(v, at);
  return {
    layer: f.get('layer', count),
    unit: f.get('unit', count),
    score: f.get('score', num),
    sign: f.get('sign', oneOf(['high', 'low'] as const)),
    inside: f.get('inside', num),
    outside: f.get('outside', num),
  };
};

const parseSpan: Parse<{ start: number; end: number }> = (v, at) => {
  const f = new Fields(v, at);
  return { start: f.get('start', count), end: f.get('end', count) };
};

const RESULTS: { [K in InferenceKind]: Parse<InferenceResults[K]> } = {
  sample: str(),
  hover: parseHoverResult,
  diagnose: parseDiagnosticsReport,
  export: filePath,
  describe: (v, at) => {
    const f = new Fields(v, at);
    return {
      label: f.get('label', str(200)),
      step: f.get('step', count),
      level: f.get('level', oneOf(LEVELS)),
      task: f.get('task', oneOf(TASKS)),
      labels: f.get('labels', arrayOf(str(1000))),
    };
  },
  load: (v, at) => {
    const f = new Fields(v, at);
    return { label: f.get('label', str(200)), task: f.get('task', oneOf(TASKS)) };
  },
  predict: parseTaskPrediction,
  translate: parseTranslateResult,
  surprise: (v, at) => {
    const f = new Fields(v, at);
    return {
      values: f.get('values', arrayOf(nullable(num))),
      mean: f.get('mean', nullable(num)),
      readTo: f.get('readTo', count),
      tokens: f.get('tokens', count),
    };
  },
  charInfo: (v, at) => {
    const f = new Fields(v, at);
    return {
      char: f.get('char', str(8)),
      known: f.get('known', bool),
      p: f.get('p', nullable(num)),
      surprise: f.get('surprise', nullable(num)),
      top: f.get('top', arrayOf(parseTokenP)),
    };
  },
  unitValues: (v, at) => ({ values: new Fields(v, at).get('values', arrayOf(nullable(num))) }),
  selectiveUnits: (v, at) => {
    const f = new Fields(v, at);
    return {
      signals: f.get('signals', arrayOf(str(40))),
      layers: f.get('layers', count),
      hidden: f.get('hidden', count),
      units: f.get('units', arrayOf(parseSelectiveUnit)),
    };
  },
  matchUnits: arrayOf(parseMatchedUnit),
  exportProject: arrayOf(filePath),
  importTorch: filePath,
  sampleLabel: str(),
};

/** An inside task's document and its text. */
function docText(f: Fields): { doc: string; text: string } {
  return { doc: f.get('doc', str(10_000)), text: f.get('text', str()) };
}

const parseTask: Parse<InferenceTask> = (v, at) => {
  const f = new Fields(v, at);
  const kind = f.get('kind', oneOf(Object.keys(RESULTS) as InferenceKind[]));
  switch (kind) {
    case 'sample':
      return { kind, options: f.get('options', partialConfig(SAMPLE_OPTION_TYPES)) };
    case 'hover':
      return {
        kind,
        prime: f.get('prime', str()),
        length: f.get('length', count),
        topK: f.get('topK', count),
        temperature: f.get('temperature', num),
      };
    case 'diagnose':
      return {
        kind,
        text: f.get('text', str()),
        name: f.get('name', str(1000)),
        steps: f.get('steps', count),
        clipEvents: f.get('clipEvents', arrayOf(parseClipEvent)),
      };
    case 'predict':
      return { kind, text: f.get('text', str()), name: f.get('name', str(1000)), topK: f.get('topK', count) };
    case 'export':
      return { kind, outPath: f.get('outPath', filePath) };
    case 'surprise':
      return { kind, ...docText(f), from: f.get('from', count), to: f.get('to', count) };
    case 'charInfo':
      return { kind, ...docText(f), at: f.get('at', count) };
    case 'unitValues':
      return {
        kind,
        ...docText(f),
        from: f.get('from', count),
        to: f.get('to', count),
        layer: f.get('layer', count),
        unit: f.get('unit', count),
        signal: f.get('signal', str(40)),
      };
    case 'selectiveUnits':
      return { kind, ...docText(f), signal: f.get('signal', str(40)), top: f.get('top', count) };
    case 'matchUnits':
      return {
        kind,
        ...docText(f),
        spans: f.get('spans', arrayOf(parseSpan)),
        signal: f.get('signal', str(40)),
        top: f.get('top', count),
      };
    case 'exportProject':
      return { kind, outDir: f.get('outDir', filePath) };
    case 'importTorch':
      return { kind, outPath: f.get('outPath', filePath) };
    case 'translate':
      return {
        kind,
        sources: f.get('sources', arrayOf(str(100_000))),
        targets: f.get('targets', arrayOf(nullable(str(100_000)))),
        beam: f.get('beam', count),
      };
    case 'sampleLabel':
      return {
        kind,
        label: f.get('label', str(1000)),
        lines: f.get('lines', count),
        length: f.get('length', count),
        temperature: f.get('temperature', num),
        seed: f.get('seed', count),
      };
    case 'describe':
    case 'load':
      return { kind };
  }
};

/** Validates a message from the host, at the worker's edge. */
export function parseHostToWorker(message: unknown): HostToWorker {
  const f = new Fields(message, '');
  switch (f.type) {
    case 'stop':
      return { type: 'stop' };
    case 'train':
      return { type: 'train', job: f.get('job', parseTrainJob) };
    case 'lab':
      return { type: 'lab', job: f.get('job', parseLabJob) };
    case 'infer':
      return {
        type: 'infer',
        requestId: f.get('requestId', count),
        checkpointPath: f.get('checkpointPath', filePath),
        task: f.get('task', parseTask),
      };
    default:
      throw new ProtocolError(`unknown host message type ${JSON.stringify(f.type)}`);
  }
}

/** Validates a message from a worker (a crashed or mismatched worker must not confuse the host). */
export function parseWorkerToHost(message: unknown): WorkerToHost {
  const f = new Fields(message, '');
  switch (f.type) {
    case 'started':
      return {
        type: 'started',
        runId: f.get('runId', runId),
        label: f.get('label', str(1000)),
        params: f.get('params', count),
        vocabSize: f.get('vocabSize', count),
        clip: f.get('clip', num),
        labels: f.get('labels', arrayOf(str(1000))),
      };
    case 'progress':
      return { type: 'progress', runId: f.get('runId', runId), points: f.get('points', arrayOf(parseProgressPoint)) };
    case 'sample':
      return { type: 'sample', runId: f.get('runId', runId), text: f.get('text', str()) };
    case 'checkpoint':
      return {
        type: 'checkpoint',
        runId: f.get('runId', runId),
        step: f.get('step', count),
        clipEvents: f.get('clipEvents', arrayOf(parseClipEvent)),
      };
    case 'snapshot':
      return { type: 'snapshot', runId: f.get('runId', runId), snapshot: f.get('snapshot', parseTrainingSnapshot) };
    case 'scores':
      return { type: 'scores', runId: f.get('runId', runId), scores: f.get('scores', parseTaskScores) };
    case 'finished':
      return {
        type: 'finished',
        runId: f.get('runId', runId),
        stopped: f.get('stopped', bool),
        step: f.get('step', count),
        valLoss: f.get('valLoss', nullable(num)),
      };
    case 'failed':
      return { type: 'failed', runId: f.get('runId', runId), message: f.get('message', str()) };
    case 'labProgress':
      return { type: 'labProgress', runId: f.get('runId', runId), progress: f.get('progress', parseLabProgress) };
    case 'labResult':
      return { type: 'labResult', runId: f.get('runId', runId), result: f.get('result', parseLabResult) };
    case 'labFinished':
      return { type: 'labFinished', runId: f.get('runId', runId), stopped: f.get('stopped', bool) };
    case 'result':
      return { type: 'result', requestId: f.get('requestId', count), value: f.get('value', (v) => v) };
    case 'error':
      return { type: 'error', requestId: f.get('requestId', count), message: f.get('message', str()) };
    default:
      throw new ProtocolError(`unknown worker message type ${JSON.stringify(f.type)}`);
  }
}

/** Validates the value of a 'result' message, for the kind of task the host asked for. */
export function parseInferenceResult<K extends InferenceKind>(kind: K, value: unknown): InferenceResults[K] {
  return RESULTS[kind](value, 'value');
}

/** What a worker thread is started with (its workerData). */
export interface WorkerData {
  threads: number; // the engine's thread count (seqlab.threads); 0 = automatic
  background: boolean; // a training's worker: it yields the CPU to the editor first (worker.ts)
}
