// The validators at each receiving edge: a message of the right shape comes back equal (built
// afresh), and a message with any field missing, of the wrong type, or with a bad item in a
// nested array is refused with a ProtocolError naming that field's path.

import * as assert from 'node:assert/strict';
import { defaultModelConfig, defaultTrainConfig } from '../../src/engine/config';
import { defaultSampleOptions } from '../../src/engine/sample';
import {
  HISTOGRAM_BINS,
  lossUnit,
  MAX_COMPARED_RUNS,
  parseHostToView,
  parseHostToWorker,
  parseInferenceResult,
  parseViewToHost,
  parseWorkerToHost,
  ProtocolError,
  type ComparedRun,
  type CompareView,
  type DiagnosticsReport,
  type DiagnosticsView,
  type HostToView,
  type HostToWorker,
  type InferenceKind,
  type InferenceResults,
  type InferenceTask,
  type ProgressPoint,
  type RunView,
  type TaskScores,
  type ViewToHost,
  type WorkerToHost,
} from '../../src/protocol';

type Parse = (m: unknown) => unknown;

const refuses = (parse: Parse, m: unknown, what: RegExp) =>
  assert.throws(
    () => parse(m),
    (e: Error) => e instanceof ProtocolError && what.test(e.message),
    JSON.stringify(m),
  );

// ---------- valid messages, every field present ----------

const point: ProgressPoint = {
  step: 20,
  totalSteps: 80,
  loss: 2.5,
  valLoss: 2.7,
  charsPerSec: 14250,
  etaSeconds: 9,
  lr: 2e-3,
  gradNorm: 6.1,
  clipped: true,
  elapsedSeconds: 3,
};
const run: RunView = {
  runId: 'r1',
  title: 'story.txt — LSTM-32',
  state: 'training',
  message: '',
  points: [point, { ...point, step: 21, valLoss: null }],
  sample: 'the cat',
  canResume: false,
  resumeLabel: '',
  level: 'char',
  startedAt: 1764668460000,
  clip: 5,
  task: 'lm',
  labels: [],
  scores: [],
};
const classifierScores: TaskScores = {
  step: 20,
  accuracy: 0.75,
  macroF1: 0.7,
  entityF1: null,
  confusion: [
    [3, 1],
    [1, 3],
  ],
  exactMatch: null,
  cer: null,
  bleu: null,
};
const taggerScores: TaskScores = {
  step: 20,
  accuracy: 0.9,
  macroF1: 0.8,
  entityF1: 0.6,
  confusion: null,
  exactMatch: null,
  cer: null,
  bleu: null,
};
const classifierRun: RunView = {
  ...run,
  title: 'reviews.tsv — classifier LSTM-32',
  task: 'classify',
  labels: ['neg', 'pos'],
  scores: [
    classifierScores,
    {
      step: 40,
      accuracy: 1,
      macroF1: 1,
      entityF1: null,
      exactMatch: null,
      cer: null,
      bleu: null,
      confusion: [
        [4, 0],
        [0, 4],
      ],
    },
  ],
};
const taggerRun: RunView = {
  ...run,
  title: 'names.conll — tagger LSTM-32 (bidirectional)',
  level: 'word',
  task: 'tag',
  labels: ['B-PER', 'I-PER', 'O'],
  scores: [taggerScores],
};
const report: DiagnosticsReport = {
  label: 'GRU-32',
  cell: 'gru',
  level: 'word',
  layers: 2,
  steps: 3,
  gradNorms: [
    [0.1, 0.2, 0.3],
    [0.4, 0.5, 0.6],
  ],
  gates: [
    {
      layer: 0,
      gate: 'Γu',
      range: [0, 1],
      low: 0.1,
      high: 0.2,
      histogram: Array.from({ length: HISTOGRAM_BINS }, (_, i) => i / 100),
    },
  ],
  paramGradNorms: [{ name: 'rnn.weight_hh_l0', norm: 0.5 }],
  clipEvents: [{ step: 7, norm: 9.5 }],
  lossCurve: [
    { step: 1, loss: 4.1, valLoss: null },
    { step: 2, loss: 3.9, valLoss: 4 },
  ],
  gradNormCurve: {
    clip: 5,
    points: [
      { step: 1, norm: 3.2, clipped: false },
      { step: 2, norm: 7.5, clipped: true },
    ],
  },
  snapshots: [
    {
      step: 50,
      steps: 3,
      gradNorms: [
        [0.01, 0.1, 1],
        [0.02, 0.2, 2],
      ],
      gates: [{ layer: 0, gate: 'Γu', range: [0, 1], low: 0.1, high: 0.3 }],
      seconds: 0.004,
    },
  ],
};

const lstmReport: DiagnosticsReport = {
  ...structuredClone(report), // its own arrays: the field checks edit one report at a time
  label: 'LSTM-32',
  cell: 'lstm',
  cellGradNorms: [
    [0.3, 0.3, 0.4],
    [0.5, 0.6, 0.7],
  ],
  gates: [{ ...structuredClone(report.gates[0]), gate: 'c̃', range: [-1, 1] }],
};

/** A bidirectional LSTM tagger's: each direction's reach, the backward one in its own series. */
const bidirectionalReport: DiagnosticsReport = {
  ...structuredClone(lstmReport),
  label: 'LSTM-32 bidirectional',
  backwardGradNorms: [
    [0.9, 0.5, 0.2],
    [0.8, 0.4, 0.1],
  ],
  backwardCellGradNorms: [
    [0.7, 0.6, 0.5],
    [0.6, 0.5, 0.4],
  ],
};

const diagnosticsView = (reports: DiagnosticsReport[]): DiagnosticsView => ({
  subject: 'story.txt — LSTM-32, trained 2 Dec 2026, 09:41',
  status: '',
  outdated: '',
  reports,
});

const comparedRun: ComparedRun = {
  id: 'run-2',
  name: 'story.txt — LSTM-128, 2 Dec 13:40',
  settings: { cell: 'lstm', hidden: 128, lr: 0.002, peephole: false },
  points: [
    { step: 50, chars: 102_400, seconds: 3.5, loss: 2.9, valLoss: null },
    { step: 100, chars: 204_800, seconds: 7.25, loss: 2.4, valLoss: 2.55 },
  ],
  results: { bestVal: 2.55, finalVal: 2.55, steps: 100, seconds: 7.25, charsPerSec: 28_250, ended: 'finished' },
};
const compareView: CompareView = {
  title: 'story.txt: 2 runs',
  runs: [
    comparedRun,
    { ...comparedRun, id: 'run-3', points: [], results: { ...comparedRun.results, bestVal: null, finalVal: null } },
  ],
};

const toView: HostToView[] = [
  { type: 'run', run },
  { type: 'run', run: null },
  { type: 'progress', runId: 'r1', points: [point] },
  {
    type: 'state',
    runId: 'r1',
    state: 'stopped',
    message: 'Stopped at step 20.',
    canResume: true,
    resumeLabel: 'Resume to step 80',
  },
  { type: 'sample', runId: 'r1', text: 'the dog' },
  { type: 'diagnosticsStatus', status: 'Training GRU-32: model 2 of 3, step 107/150', outdated: '' },
  { type: 'diagnostics', view: diagnosticsView([report]) },
  { type: 'run', run: { ...run, clip: null } }, // a run saved before its threshold was recorded
  { type: 'run', run: classifierRun },
  { type: 'run', run: taggerRun },
  { type: 'scores', runId: 'r1', scores: classifierScores },
  { type: 'scores', runId: 'r1', scores: taggerScores },
  { type: 'diagnostics', view: { ...diagnosticsView([report, lstmReport]), status: 'Training LSTM: model 2 of 3' } },
  { type: 'diagnostics', view: diagnosticsView([bidirectionalReport]) },
  {
    type: 'lab',
    lab: {
      cells: ['rnn', 'lstm'],
      labels: ['RNN-64', 'LSTM-64'],
      gaps: [5, 50],
      steps: 2500,
      results: [{ cell: 'rnn', gap: 5, accuracy: 0.98 }],
      state: 'running',
      message: '',
    },
  },
  { type: 'compare', view: compareView },
];

const toHost: ViewToHost[] = [
  { type: 'ready' },
  { type: 'command', command: 'stop' },
  { type: 'save', format: 'csv', name: 'seqlab-loss.csv', data: 'a,b\n' },
];
const infer = (requestId: number, task: InferenceTask): HostToWorker => ({
  type: 'infer',
  requestId,
  checkpointPath: '/m',
  task,
});
const toWorker: HostToWorker[] = [
  {
    type: 'train',
    job: {
      runId: 'r1',
      text: 'the cat sat',
      name: 'story.txt',
      task: 'lm',
      model: { ...defaultModelConfig, vocabSize: 9 },
      train: { ...defaultTrainConfig },
      checkpointPath: '/m/model.safetensors',
      resume: false,
      untilStep: 0,
      sampleEvery: 100,
    },
  },
  {
    type: 'train',
    job: {
      runId: 'r2',
      text: 'Teddy\tB-PER\nRoosevelt\tI-PER\n',
      name: 'names.conll',
      task: 'tag',
      model: { ...defaultModelConfig, bidirectional: true, task: 'tag' },
      train: { ...defaultTrainConfig, level: 'word' },
      checkpointPath: '/m/model.safetensors',
      resume: false,
      untilStep: 0,
      sampleEvery: 100,
    },
  },
  {
    type: 'lab',
    job: {
      runId: 'lab-1',
      config: { cells: ['rnn', 'gru'], gaps: [5, 10], steps: 100, hidden: 16, lr: 0.005, batchSize: 8, seed: 3 },
    },
  },
  { type: 'stop' },
  infer(1, { kind: 'sample', options: { ...defaultSampleOptions } }),
  infer(2, { kind: 'hover', prime: 'the ca', length: 40, topK: 5, temperature: 0.8 }),
  infer(3, { kind: 'diagnose', text: 'abc', name: 'story.txt', steps: 50, clipEvents: [{ step: 7, norm: 9.5 }] }),
  infer(7, { kind: 'predict', text: 'Teddy\tB-PER\nbears\tO\n', name: 'names.conll', topK: 2 }),
  infer(4, { kind: 'export', outPath: '/out/torch.safetensors' }),
  infer(8, {
    kind: 'translate',
    sources: ['3rd of May 1979', 'May 3, 1979'],
    targets: ['1979-05-03', '1979-05-03'],
    beam: 3,
  }),
  infer(10, { kind: 'exportProject', outDir: '/out/project' }),
  infer(12, { kind: 'surprise', doc: 'file:///a.txt', text: 'abc', from: 0, to: 3 }),
  infer(13, { kind: 'charInfo', doc: 'file:///a.txt', text: 'abc', at: 1 }),
  infer(14, { kind: 'unitValues', doc: 'file:///a.txt', text: 'abc', from: 0, to: 3, layer: 0, unit: 7, signal: 'h' }),
  infer(15, { kind: 'selectiveUnits', doc: 'file:///a.txt', text: 'abc', signal: 'h', top: 10 }),
  infer(16, {
    kind: 'matchUnits',
    doc: 'file:///a.txt',
    text: 'abc "de" f',
    spans: [{ start: 4, end: 8 }],
    signal: 'h',
    top: 10,
  }),
  infer(11, { kind: 'importTorch', outPath: '/store/model.safetensors.imported' }),
  infer(9, { kind: 'sampleLabel', label: 'ka', lines: 10, length: 80, temperature: 0.8, seed: 7 }),
  infer(5, { kind: 'describe' }),
  infer(6, { kind: 'load' }),
];
const fromWorker: WorkerToHost[] = [
  { type: 'started', runId: 'r1', label: 'LSTM-32', params: 12345, vocabSize: 40, clip: 5, labels: [] },
  {
    type: 'started',
    runId: 'r2',
    label: 'tagger LSTM-32 (bidirectional)',
    params: 12345,
    vocabSize: 40,
    clip: 5,
    labels: ['B-PER', 'I-PER', 'O'],
  },
  { type: 'scores', runId: 'r2', scores: taggerScores },
  { type: 'scores', runId: 'r3', scores: classifierScores },
  {
    type: 'scores',
    runId: 'r4',
    scores: {
      step: 40,
      accuracy: null,
      macroF1: null,
      entityF1: null,
      confusion: null,
      exactMatch: 0.5,
      cer: 1.25,
      bleu: 0.4,
    },
  },
  { type: 'progress', runId: 'r1', points: [point] },
  { type: 'sample', runId: 'r1', text: 'the cat' },
  { type: 'checkpoint', runId: 'r1', step: 20, clipEvents: [{ step: 7, norm: 9.5 }] },
  { type: 'finished', runId: 'r1', stopped: false, step: 80, valLoss: 1.9 },
  { type: 'failed', runId: 'r1', message: 'the text is empty' },
  { type: 'result', requestId: 3, value: { anything: 'checked by parseInferenceResult' } },
  { type: 'error', requestId: 3, message: 'not a valid SeqLab checkpoint' },
  { type: 'snapshot', runId: 'r1', snapshot: report.snapshots![0] },
  {
    type: 'labProgress',
    runId: 'lab-1',
    progress: { cell: 'gru', gap: 10, label: 'GRU-16', run: 4, runs: 4, step: 50, steps: 100 },
  },
  { type: 'labResult', runId: 'lab-1', result: { cell: 'gru', gap: 10, accuracy: 1 } },
  { type: 'labFinished', runId: 'lab-1', stopped: true },
];
const results: { [K in InferenceKind]: InferenceResults[K] } = {
  sample: 'the cat',
  hover: {
    continuation: ' sat',
    top: [
      { token: 't', p: 0.5 },
      { token: ' ', p: 0.2 },
    ],
    label: 'LSTM-32',
    millis: 3.5,
  },
  diagnose: report,
  export: '/out/torch.safetensors',
  describe: { label: 'LSTM-32', step: 80, level: 'char', task: 'tag', labels: ['O', 'B-PER'] },
  load: { label: 'LSTM-32', task: 'lm' },
  predict: {
    label: 'LSTM-32 bidirectional',
    examples: [
      {
        line: 2,
        rows: [
          {
            text: 'Teddy',
            top: [
              { label: 'B-PER', p: 0.9 },
              { label: 'O', p: 0.1 },
            ],
          },
          { text: 'bears', top: [{ label: 'O', p: 0.8 }] },
        ],
      },
    ],
    millis: 1.5,
  },
  translate: {
    label: 'encoder–decoder LSTM-64',
    translations: [
      {
        greedy: '1979-05-03',
        reference: '1979-05-03',
        beams: [
          { text: '1979-05-03', logProb: -0.02, score: -0.01, finished: true },
          { text: '1979-03-05', logProb: -4.1, score: -0.8, finished: false },
        ],
      },
    ],
    millis: 2,
  },
  sampleLabel: 'the cat\nle chat',
  surprise: { values: [null, 2.5, 0.1], mean: 1.3, readTo: 3, tokens: 3 },
  charInfo: { char: 'a', known: true, p: 0.25, surprise: 1.386, top: [{ token: 'e', p: 0.5 }] },
  unitValues: { values: [0.5, null, -0.25] },
  selectiveUnits: {
    signals: ['h', 'c', 'gate:Γf'],
    layers: 2,
    hidden: 32,
    units: [{ layer: 0, unit: 7, score: 0.6, mean: -0.1, saturated: 0.2 }],
  },
  matchUnits: [{ layer: 1, unit: 3, score: 4.2, sign: 'high', inside: 0.8, outside: -0.5 }],
  exportProject: ['/out/project/train.py', '/out/project/README.md'],
  importTorch: '/store/model.safetensors.imported',
};

// ---------- every field, broken one at a time ----------

/** Every field of a message (not its type tag) with its path: "job.train.lr", "points[0].loss". */
function* fields(v: unknown, path = ''): Generator<{ path: string; inArray: boolean }> {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      yield { path: `${path}[${i}]`, inArray: true };
      yield* fields(v[i], `${path}[${i}]`);
    }
  } else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      if (path === '' && k === 'type') continue;
      const at = path ? `${path}.${k}` : k;
      yield { path: at, inArray: false };
      yield* fields(x, at);
    }
  }
}

/** A deep copy of m with the field at path replaced by `to`, or deleted when `to` is `deleted`. */
const deleted = Symbol('deleted');
function edit(m: unknown, path: string, to: unknown): unknown {
  const copy = structuredClone(m) as Record<string, unknown>;
  const keys = path.match(/[^.[\]]+/g)!;
  let o = copy;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  const last = keys[keys.length - 1];
  if (to === deleted) delete o[last];
  else o[last] = to;
  return copy;
}

/** A value of another type than v. */
const wrongType = (v: unknown) => (typeof v === 'string' ? 42 : 'text');

interface FieldRules {
  optional?: RegExp; // fields that may be left out
  anyValue?: RegExp; // fields of any value
  root?: string; // the path the parser gives m ('' for a whole message)
}

/** Checks that parse accepts m as it is, and refuses it with each field broken, naming the field. */
function checkEveryField(parse: Parse, m: unknown, rules: FieldRules = {}): number {
  assert.deepEqual(parse(m), m);
  let checked = 0;
  for (const { path, inArray } of fields(m)) {
    if (rules.anyValue?.test(path)) continue;
    const full = !rules.root ? path : path.startsWith('[') ? rules.root + path : `${rules.root}.${path}`;
    const named = new RegExp(`^field "${full.replace(/[.[\]]/g, '\\$&')}": expected`);
    refuses(parse, edit(m, path, wrongType(lookup(m, path))), named);
    if (inArray) continue;
    if (rules.optional?.test(path)) {
      const without = edit(m, path, deleted);
      assert.deepEqual(parse(without), without, `${path} may be left out`);
    } else {
      refuses(parse, edit(m, path, deleted), named);
    }
    checked++;
  }
  return checked;
}

function lookup(m: unknown, path: string): unknown {
  return path.match(/[^.[\]]+/g)!.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], m);
}

describe('protocol validation', () => {
  it('host → webview: every message round-trips; every field missing or of the wrong type is refused by name', () => {
    for (const m of toView)
      checkEveryField(parseHostToView, m, {
        optional:
          /^view\.reports\[\d+\]\.(lossCurve|gradNormCurve|snapshots|cellGradNorms|backwardGradNorms|backwardCellGradNorms)$/,
        anyValue: /^view\.runs\[\d+\]\.settings\./, // any name, a string, number or boolean: checked below
      });
  });

  it('webview → host: every message round-trips; every field missing or of the wrong type is refused by name', () => {
    for (const m of toHost) checkEveryField(parseViewToHost, m);
  });

  it('host → worker: every message round-trips; every field missing or of the wrong type is refused by name', () => {
    // The settings objects are partial (a missing model field takes the engine's default).
    const optional = /^job\.model\.|^task\.options\./;
    const checked = toWorker.map((m) => checkEveryField(parseHostToWorker, m, { optional }));
    const configFields = Object.keys(defaultTrainConfig).length + Object.keys(defaultModelConfig).length;
    assert.ok(checked[0] > configFields, 'the configs are walked');
  });

  it('worker → host: every message round-trips; every field missing or of the wrong type is refused by name', () => {
    for (const m of fromWorker) checkEveryField(parseWorkerToHost, m, { anyValue: /^value\b/ });
  });

  it('inference results: each kind is checked for its own shape', () => {
    for (const kind of Object.keys(results) as InferenceKind[]) {
      checkEveryField((v) => parseInferenceResult(kind, v), results[kind], {
        optional: /^(lossCurve|gradNormCurve|snapshots)$/,
        root: 'value',
      });
      const wrong = typeof results[kind] === 'string' ? { label: 'x' } : 'text';
      refuses((v) => parseInferenceResult(kind, v), wrong, /^field "value": expected/);
    }
    const hover = { ...results.hover, top: [{ token: 't', p: '50%' }] };
    refuses((v) => parseInferenceResult('hover', v), hover, /field "value\.top\[0\]\.p": expected a number/);
  });

  it('builds a fresh value: unknown fields are dropped, nested objects are copies', () => {
    assert.deepEqual(parseViewToHost({ type: 'ready', extra: 1 }), { type: 'ready' });
    const m = parseHostToView({ type: 'progress', runId: 'r1', points: [{ ...point, injected: '<script>' }] });
    assert.deepEqual(m, { type: 'progress', runId: 'r1', points: [point] });
    const job = { ...(toWorker[0] as { job: object }).job, model: { hidden: 64, shell: 'rm -rf /' } };
    const parsed = parseHostToWorker({ type: 'train', job }) as Extract<HostToWorker, { type: 'train' }>;
    assert.deepEqual(parsed.job.model, { hidden: 64 });
    assert.notEqual(parsed.job.train, (toWorker[0] as Extract<HostToWorker, { type: 'train' }>).job.train);
  });

  it('refuses non-objects and unknown message types and task kinds', () => {
    for (const parse of [parseHostToView, parseViewToHost, parseHostToWorker, parseWorkerToHost]) {
      for (const m of [null, ['ready'], 'ready', 42]) refuses(parse, m, /^the message: expected an object$/);
    }
    refuses(parseViewToHost, { type: 'eval', code: '1' }, /unknown webview message type "eval"/);
    refuses(parseHostToView, { type: 'eval' }, /unknown host message type "eval"/);
    refuses(parseHostToWorker, { type: 'quit' }, /unknown host message type "quit"/);
    refuses(parseWorkerToHost, { type: 'exit' }, /unknown worker message type "exit"/);
    const shell = { ...infer(1, { kind: 'load' }), task: { kind: 'shell' } };
    refuses(parseHostToWorker, shell, /field "task\.kind": expected one of/);
  });

  it("refuses values outside a field's choices, counts that are not whole, and overlong names", () => {
    refuses(parseViewToHost, { type: 'command', command: 'rm' }, /field "command": expected one of train, stop/);
    refuses(parseViewToHost, { type: 'save', format: 'exe', name: 'a.png', data: '' }, /field "format"/);
    refuses(parseViewToHost, { type: 'save', format: 'png', name: '../../etc/passwd', data: '' }, /field "name"/);
    const longName = { type: 'save', format: 'png', name: 'x'.repeat(201), data: '' };
    refuses(parseViewToHost, longName, /field "name": expected a string of at most 200/);
    refuses(parseHostToView, { ...toView[3], state: 'paused' }, /field "state": expected one of idle, training/);
    const halfStep = { type: 'progress', runId: 'r1', points: [{ ...point, step: 2.5 }] };
    refuses(parseHostToView, halfStep, /field "points\[0\]\.step": expected a whole number/);
    refuses(
      parseWorkerToHost,
      { ...fromWorker.find((m) => m.type === 'result'), requestId: -1 },
      /field "requestId": expected a whole number/,
    );
  });

  it('diagnostics: a histogram has HISTOGRAM_BINS bins and gradNorms one row of `steps` per layer', () => {
    const gate = report.gates[0];
    const withGate = (histogram: number[]) => ({
      type: 'diagnostics',
      view: diagnosticsView([{ ...report, gates: [{ ...gate, histogram }] }]),
    });
    const histogram = 'field "view\\.reports\\[0\\]\\.gates\\[0\\]\\.histogram"';
    const bins = new RegExp(`${histogram}: expected ${HISTOGRAM_BINS} bins, got ${HISTOGRAM_BINS - 1}`);
    refuses(parseHostToView, withGate(gate.histogram.slice(1)), bins);
    const withNorms = (gradNorms: number[][]) => ({
      type: 'diagnostics',
      view: diagnosticsView([{ ...report, gradNorms }]),
    });
    refuses(
      parseHostToView,
      withNorms([[0.1, 0.2, 0.3]]),
      /field "view.reports\[0\]\.gradNorms": expected 2 layers, got 1/,
    );
    const shortRow = /field "view.reports\[0\]\.gradNorms\[1\]": expected 3 time steps, got 1/;
    refuses(parseHostToView, withNorms([[0.1, 0.2, 0.3], [0.4]]), shortRow);
  });

  it('the lab view names one model per cell', () => {
    const lab = toView.find((m) => m.type === 'lab')!;
    const m = { ...lab, lab: { ...(lab as { lab: object }).lab, labels: ['RNN-64'] } };
    refuses(parseHostToView, m, /field "lab\.labels": expected 2 labels, one per cell, got 1/);
  });

  it('compared runs: settings are strings, numbers or booleans under short names; at most MAX_COMPARED_RUNS runs', () => {
    const withSettings = (settings: unknown) => ({
      type: 'compare',
      view: { title: 't', runs: [{ ...comparedRun, settings }] },
    });
    for (const bad of [null, { max: 1 }, [1]])
      refuses(
        parseHostToView,
        withSettings({ hidden: 64, lr: bad }),
        /field "view\.runs\[0\]\.settings\.lr": expected a string, a number or a boolean/,
      );
    refuses(parseHostToView, withSettings([]), /field "view\.runs\[0\]\.settings": expected an object/);
    refuses(
      parseHostToView,
      withSettings({ cell: 'x'.repeat(1001) }),
      /field "view\.runs\[0\]\.settings\.cell": expected a string of at most 1000/,
    );
    refuses(parseHostToView, withSettings({ ['k'.repeat(101)]: 1 }), /expected a setting name of at most 100/);
    const many = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`s${i}`, i]));
    refuses(parseHostToView, withSettings(many), /field "view\.runs\[0\]\.settings": expected at most 200 settings/);
    const parsed = parseHostToView(withSettings({ __proto__: 1, cell: 'gru' })) as Extract<
      HostToView,
      { type: 'compare' }
    >;
    assert.deepEqual(Object.keys(parsed.view.runs[0].settings), ['cell'], 'a literal __proto__ sets no setting');
    const runs = Array.from({ length: MAX_COMPARED_RUNS + 1 }, (_, i) => ({ ...comparedRun, id: `r${i}` }));
    refuses(
      parseHostToView,
      { type: 'compare', view: { title: 't', runs } },
      /field "view\.runs": expected at most 50 runs/,
    );
    const halfChar = { ...comparedRun, points: [{ ...comparedRun.points[0], chars: 0.5 }] };
    refuses(
      parseHostToView,
      { type: 'compare', view: { title: 't', runs: [halfChar] } },
      /field "view\.runs\[0\]\.points\[0\]\.chars": expected a whole number/,
    );
  });

  it('a training snapshot has one row of `steps` norms per layer', () => {
    const snapshot = report.snapshots![0];
    const m = { type: 'snapshot', runId: 'r1', snapshot: { ...snapshot, gradNorms: [[0.1, 0.2, 0.3], [0.4]] } };
    refuses(parseWorkerToHost, m, /field "snapshot\.gradNorms\[1\]": expected 3 time steps, got 1/);
    const cells = (cellGradNorms: number[][]) => ({ ...m, snapshot: { ...snapshot, cellGradNorms } });
    const rows = [
      [0.1, 0.2, 0.3],
      [0.4, 0.5, 0.6],
    ];
    assert.deepEqual(parseWorkerToHost(cells(rows)), cells(rows), "an LSTM's memory-cell path");
    refuses(parseWorkerToHost, cells([rows[0]]), /field "snapshot\.cellGradNorms": expected 2 layers, got 1/);
  });

  it('diagnostics: a gate carries its range [lo, hi]; an LSTM’s cellGradNorms has the shape of gradNorms', () => {
    const gate = report.gates[0];
    const withRange = (range: unknown) => ({
      type: 'diagnostics',
      view: { ...diagnosticsView([]), reports: [{ ...report, gates: [{ ...gate, range }] }] },
    });
    const at = 'field "view\\.reports\\[0\\]\\.gates\\[0\\]\\.range"';
    refuses(parseHostToView, withRange(undefined), new RegExp(`${at}: expected an array`));
    refuses(parseHostToView, withRange([0]), new RegExp(`${at}: expected 2 ends, got 1`));
    refuses(parseHostToView, withRange([1, -1]), new RegExp(`${at}: expected a range \\[lo, hi\\] with lo < hi`));
    refuses(parseHostToView, withRange([0, Infinity]), new RegExp(`${at}: expected a range`));
    const withCell = (cellGradNorms: number[][]) => ({
      type: 'diagnostics',
      view: diagnosticsView([{ ...lstmReport, cellGradNorms }]),
    });
    refuses(
      parseHostToView,
      withCell([[0.1, 0.2, 0.3]]),
      /field "view.reports\[0\]\.cellGradNorms": expected 2 layers, got 1/,
    );
    const shortRow = /field "view.reports\[0\]\.cellGradNorms\[0\]": expected 3 time steps, got 2/;
    refuses(
      parseHostToView,
      withCell([
        [0.1, 0.2],
        [0.4, 0.5, 0.6],
      ]),
      shortRow,
    );
    assert.equal(
      'cellGradNorms' in
        (parseHostToView(toView.find((m) => m.type === 'diagnostics')) as { view: DiagnosticsView }).view.reports[0],
      false,
    );
  });

  it("task scores: fractions in [0, 1], a square confusion matrix of counts, one row and column per run's label", () => {
    const scores = (s: object) => ({ type: 'scores', runId: 'r1', scores: { ...classifierScores, ...s } });
    refuses(parseWorkerToHost, scores({ accuracy: 1.5 }), /field "scores\.accuracy": expected a number from 0 to 1/);
    refuses(parseHostToView, scores({ macroF1: -0.1 }), /field "scores\.macroF1": expected a number from 0 to 1/);
    refuses(parseHostToView, scores({ entityF1: NaN }), /field "scores\.entityF1": expected a number from 0 to 1/);
    refuses(parseHostToView, scores({ confusion: [[1, 2]] }), /field "scores\.confusion": expected a square matrix/);
    refuses(parseHostToView, scores({ confusion: [[1.5]] }), /field "scores\.confusion\[0\]\[0\]": expected a whole/);
    const threeLabels = { type: 'run', run: { ...classifierRun, labels: ['neg', 'pos', 'mixed'] } };
    refuses(
      parseHostToView,
      threeLabels,
      /field "run\.scores\[0\]\.confusion": expected 3 rows and columns, one per label/,
    );
    refuses(
      parseHostToView,
      { type: 'run', run: { ...run, task: 'translate' } },
      /field "run\.task": expected one of lm, tag, classify/,
    );
    const job = (toWorker[1] as Extract<HostToWorker, { type: 'train' }>).job;
    refuses(parseHostToWorker, { type: 'train', job: { ...job, task: 'ner' } }, /field "job\.task": expected one of/);
  });

  it('the loss is per token for a language model, per tag for a tagger, per line for a classifier', () => {
    assert.equal(lossUnit('char', 'lm'), 'nats per character');
    assert.equal(lossUnit('word', 'lm'), 'nats per word');
    assert.equal(lossUnit('word', 'tag'), 'nats per tag');
    assert.equal(lossUnit('char', 'classify'), 'nats per line');
    assert.equal(lossUnit('word', 'classify'), 'nats per line');
  });

  it("diagnostics: a bidirectional layer's backward series have the shape of gradNorms", () => {
    for (const field of ['backwardGradNorms', 'backwardCellGradNorms']) {
      const withRows = (rows: number[][]) => ({
        type: 'diagnostics',
        view: diagnosticsView([{ ...bidirectionalReport, [field]: rows }]),
      });
      refuses(
        parseHostToView,
        withRows([[0.1, 0.2, 0.3]]),
        new RegExp(`field "view.reports\\[0\\]\\.${field}": expected 2 layers, got 1`),
      );
      refuses(
        parseHostToView,
        withRows([[0.1, 0.2, 0.3], [0.4]]),
        new RegExp(`field "view.reports\\[0\\]\\.${field}\\[1\\]": expected 3 time steps, got 1`),
      );
    }
  });

  it('a diverging loss is an observation: NaN and Infinity are numbers', () => {
    const m = { type: 'progress', runId: 'r1', points: [{ ...point, loss: NaN, gradNorm: Infinity }] };
    assert.deepEqual(parseWorkerToHost(m), m);
  });

  it("configs: types are checked here, choices and ranges by the engine's validators where they are used", () => {
    const job = (toWorker[0] as Extract<HostToWorker, { type: 'train' }>).job;
    const m = { type: 'train', job: { ...job, model: { cell: 'transformer', hidden: -1 } } };
    assert.deepEqual(parseHostToWorker(m), m);
  });
});
