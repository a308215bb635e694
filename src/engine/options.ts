// Every option of SeqLab, declared once: its name (the key), CLI flag and verbs, VS Code setting,
// default, range or choices and one-line help. The CLI's parser and usage text (src/cli.ts), the
// engine's validators (config.ts, sample.ts) and the editor's settings (src/extension/settings.ts;
// package.json's contributes.configuration, checked against this table by a unit test) derive
// from it. An option without a flag or setting is one the engine validates but nobody types.

import { SeqLabError } from './errors';
import { CELL_KINDS, GRU_FORMS } from './types';

export type Verb =
  | 'train'
  | 'sample'
  | 'eval'
  | 'predict'
  | 'diagnose'
  | 'export'
  | 'import'
  | 'lab'
  | 'make-data'
  | 'surprise'
  | 'neurons'
  | 'sweep';

interface OptionBase {
  help: string;
  flag?: string; // CLI flag without the leading "--"
  verbs?: readonly Verb[]; // the verbs that take the flag
  setting?: string; // VS Code setting without the "seqlab." prefix
}

export interface NumberOption extends OptionBase {
  kind: 'integer' | 'number';
  default: number;
  settingDefault?: number; // the editor's default, where it deliberately differs from the CLI's
  min?: number;
  max?: number;
  minExclusive?: true;
  maxExclusive?: true;
  whenAbsent?: string; // what an absent flag means, where that is not "the default"
}

export interface ChoiceOption<T extends string = string> extends OptionBase {
  kind: 'choice';
  choices: readonly T[];
  choiceHelp?: readonly string[]; // one line per choice, in the same order
  default?: T;
  required?: true;
  whenAbsent?: string; // what an absent flag means, where that is not "the default"
}

export interface SwitchOption extends OptionBase {
  kind: 'switch';
  default: boolean;
}

export interface TextOption extends OptionBase {
  kind: 'text';
  placeholder: string; // e.g. FILE, shown in the usage text
  default?: string;
  whenAbsent?: string;
  required?: true;
  repeatable?: true; // the flag may be given several times: its value is the list of them, in order
}

export type OptionSpec = NumberOption | ChoiceOption | SwitchOption | TextOption;

// Each keeps the literal type of its option (its setting's name, its choices), for typed readers.
const integer = <const O extends Omit<NumberOption, 'kind'>>(o: O) => ({ kind: 'integer' as const, ...o });
const number = <const O extends Omit<NumberOption, 'kind'>>(o: O) => ({ kind: 'number' as const, ...o });
const choice = <const O extends Omit<ChoiceOption, 'kind'>>(o: O) => ({ kind: 'choice' as const, ...o });
const toggle = <const O extends Omit<SwitchOption, 'kind'>>(o: O) => ({ kind: 'switch' as const, ...o });
const text = <const O extends Omit<TextOption, 'kind'>>(o: O) => ({ kind: 'text' as const, ...o });

const ALL_VERBS: readonly Verb[] = [
  'train',
  'sample',
  'eval',
  'predict',
  'diagnose',
  'export',
  'import',
  'lab',
  'make-data',
  'surprise',
  'neurons',
  'sweep',
];

/** The verbs that train a model from scratch: the model's and the training's flags. */
const TRAINING: readonly Verb[] = ['train', 'sweep'];

export const OPTIONS = {
  // ---------- the model (ModelConfig) ----------
  cell: choice({
    flag: 'cell',
    verbs: TRAINING,
    setting: 'cell',
    choices: CELL_KINDS,
    default: 'lstm',
    help: 'Recurrent cell of new models.',
    choiceHelp: [
      'Basic RNN: a<t> = tanh(Waa·a<t-1> + Wax·x<t> + ba); forgets quickly (vanishing gradients)',
      'GRU: update and reset gates Γu, Γr (equations: seqlab.gruForm)',
      'LSTM: update, forget and output gates Γu, Γf, Γo and a memory cell c<t>',
    ],
  }),
  gruForm: choice({
    flag: 'gru-form',
    verbs: TRAINING,
    setting: 'gruForm',
    choices: GRU_FORMS,
    default: 'torch',
    help: "GRU equations: PyTorch's (exportable) or the course's (Γr inside the candidate's product).",
    choiceHelp: [
      "PyTorch's GRU: c̃<t> = tanh(W_in x<t> + b_in + Γr * (W_hn a<t-1> + b_hn)); exports to PyTorch",
      "The course's GRU: c̃<t> = tanh(Wc[Γr * c<t-1>, x<t>] + bc); cannot be exported to PyTorch",
    ],
  }),
  hidden: integer({
    flag: 'hidden',
    verbs: TRAINING,
    setting: 'hiddenSize',
    default: 128,
    min: 1,
    max: 4096,
    help: 'Hidden units per layer (the size of a<t>).',
  }),
  layers: integer({
    flag: 'layers',
    verbs: TRAINING,
    setting: 'layers',
    default: 1,
    min: 1,
    max: 8,
    help: 'Stacked recurrent layers (a deep RNN).',
  }),
  bidirectional: toggle({
    flag: 'bidirectional',
    verbs: ['train'],
    default: false,
    help: 'Bidirectional layers: a second direction reads each window backwards.',
  }),
  input: choice({
    choices: ['onehot', 'embedding'],
    default: 'onehot',
    help: 'Input x<t>: one-hot or a learned embedding (the CLI and the editor derive it from embedSize).',
  }),
  embedSize: integer({
    flag: 'embedding',
    verbs: TRAINING,
    setting: 'embeddingSize',
    default: 0,
    min: 0,
    max: 4096,
    help: 'Learn an embedding of this size as the input x<t>; 0: one-hot input.',
  }),
  dropout: number({
    flag: 'dropout',
    verbs: TRAINING,
    setting: 'dropout',
    default: 0,
    min: 0,
    max: 1,
    maxExclusive: true,
    help: 'Dropout between stacked layers, while training.',
  }),
  forgetBias: number({
    flag: 'forget-bias',
    verbs: TRAINING,
    default: 1,
    help: 'LSTM: bias of the forget gate Γf at initialisation.',
  }),
  peephole: toggle({
    flag: 'peephole',
    verbs: TRAINING,
    setting: 'peephole',
    default: false,
    help: 'LSTM only: peephole connections, c<t-1> feeding Γu and Γf and c<t> feeding Γo (not exportable to PyTorch).',
  }),
  task: choice({
    flag: 'task',
    verbs: ['train'],
    choices: ['lm', 'tag', 'classify', 'seq2seq', 'conditional'],
    default: 'lm',
    whenAbsent:
      'from the file: .conll/.tags tag; .tsv classify when its second column holds labels (at most 20 distinct, or each used twice on average), conditional when its first column does, else seq2seq; anything else lm',
    help: "What the model learns: a language model (lm), a tag per token (tag: token<TAB>tag lines), a label per line (classify: text<TAB>label), an output sequence per input (seq2seq: source<TAB>target, an encoder–decoder), or text in a label's style (conditional: label<TAB>text).",
  }),
  pool: choice({
    flag: 'pool',
    verbs: ['train'],
    choices: ['last', 'mean'],
    default: 'last',
    help: "Classification read-out: the last state (both directions' final states when bidirectional) or the mean over time.",
  }),
  initState: choice({
    flag: 'init-state',
    verbs: TRAINING,
    choices: ['zeros', 'random'],
    default: 'zeros',
    help: 'Initial state a<0> (and c<0>) of every stream.',
  }),

  // ---------- the training (TrainConfig) ----------
  level: choice({
    flag: 'level',
    verbs: TRAINING,
    choices: ['char', 'word'],
    default: 'char',
    help: 'Tokens: characters or words.',
  }),
  lowercase: toggle({
    flag: 'lowercase',
    verbs: TRAINING,
    default: false,
    help: 'Word level: lowercase the text first.',
  }),
  minCount: integer({
    flag: 'min-count',
    verbs: TRAINING,
    default: 2,
    min: 1,
    help: 'Word level: rarer words become <UNK>.',
  }),
  sharedVocab: toggle({
    flag: 'shared-vocab',
    verbs: ['train'],
    default: false,
    help: 'Encoder–decoder: one vocabulary for sources and targets (a token has one id on both sides; the encoder and decoder keep their own input weights).',
  }),
  seqLength: integer({
    flag: 'seq-len',
    verbs: TRAINING,
    setting: 'seqLength',
    default: 64,
    min: 1,
    max: 4096,
    help:
      'Steps of truncated backpropagation through time (the window length T). ' +
      'Lowered automatically for short files.',
  }),
  batchSize: integer({
    flag: 'batch',
    verbs: TRAINING,
    setting: 'batchSize',
    default: 32,
    min: 1,
    max: 1024,
    help: 'Parallel streams through the text per step (B). Lowered automatically for short files.',
  }),
  lr: number({
    flag: 'lr',
    verbs: TRAINING,
    setting: 'learningRate',
    default: 0.002,
    min: 0,
    minExclusive: true,
    help: 'Learning rate.',
  }),
  optimizer: choice({
    flag: 'optimizer',
    verbs: TRAINING,
    setting: 'optimizer',
    default: 'adam',
    choices: ['adam', 'sgd', 'rmsprop', 'adagrad'],
    help: "Optimizer (PyTorch's update rules and defaults; SGD with momentum 0.9).",
  }),
  momentum: number({
    flag: 'momentum',
    verbs: TRAINING,
    default: 0.9,
    min: 0,
    max: 1,
    maxExclusive: true,
    help: 'Momentum of SGD.',
  }),
  clip: number({
    flag: 'clip',
    verbs: TRAINING,
    setting: 'clip',
    default: 5,
    min: 0,
    help: 'Gradient clipping by global norm; 0 turns it off.',
  }),
  lrDecay: number({
    flag: 'lr-decay',
    verbs: TRAINING,
    default: 1,
    min: 0,
    minExclusive: true,
    max: 1,
    help: 'Multiply the learning rate by this every --lr-decay-every steps.',
  }),
  lrDecayEvery: integer({
    flag: 'lr-decay-every',
    verbs: TRAINING,
    default: 1000,
    min: 1,
    help: 'Steps between learning-rate decays.',
  }),
  valFraction: number({
    flag: 'val-fraction',
    verbs: TRAINING,
    default: 0.1,
    min: 0,
    max: 0.5,
    maxExclusive: true,
    help: 'Fraction of the text held out for validation.',
  }),
  evalEvery: integer({
    flag: 'eval-every',
    verbs: TRAINING,
    setting: 'evalEvery',
    default: 100,
    settingDefault: 50,
    min: 1,
    max: 100000,
    help: 'Steps between validation passes and checkpoints.',
  }),
  steps: integer({
    flag: 'steps',
    verbs: TRAINING,
    setting: 'steps',
    default: 1000,
    settingDefault: 2000,
    min: 0,
    max: 10_000_000,
    whenAbsent: '1000, or none when --seconds is given',
    help: "Step budget of a training (the editor's applies when seqlab.budget is steps); 0: none.",
  }),
  seconds: number({
    flag: 'seconds',
    verbs: TRAINING,
    setting: 'seconds',
    default: 0,
    settingDefault: 120,
    min: 0,
    max: 604_800,
    help: "Time budget of a training in seconds (the editor's applies when seqlab.budget is seconds); 0: none.",
  }),
  seed: integer({
    flag: 'seed',
    verbs: ['train', 'sweep', 'sample', 'lab', 'make-data'],
    default: 1,
    help: 'Seed of the random numbers (same seed, same result).',
  }),

  // ---------- the command line and the editor ----------
  out: text({
    flag: 'out',
    verbs: ['train'],
    placeholder: 'CKPT',
    whenAbsent: 'NAME.CELL.safetensors, or the --resume checkpoint',
    help: 'Checkpoint to write.',
  }),
  resume: text({
    flag: 'resume',
    verbs: ['train'],
    placeholder: 'CKPT',
    help: 'Continue the training saved in this checkpoint.',
  }),
  dataOut: text({
    flag: 'out',
    verbs: ['make-data', 'predict'],
    placeholder: 'FILE',
    whenAbsent: 'standard output',
    help: 'Where to write the generated set, or the predictions.',
  }),
  label: text({
    flag: 'label',
    verbs: ['sample'],
    placeholder: 'LABEL',
    help: "A conditional model: write one line in this label's style.",
  }),
  beam: integer({
    flag: 'beam',
    verbs: ['eval', 'predict'],
    default: 1,
    min: 1,
    max: 32,
    help: 'Encoder–decoder: beam search with this many beams (length-normalised, α = 0.7); 1: greedy decoding.',
  }),
  valFile: text({
    flag: 'val',
    verbs: ['train'],
    placeholder: 'FILE',
    whenAbsent: 'a held-out --val-fraction of the sentences or lines',
    help: 'Tagging or classification: validate on this file instead of a held-out part of the training file.',
  }),
  log: text({
    flag: 'log',
    verbs: ['train'],
    placeholder: 'FILE',
    help: 'Write the metrics as JSON lines to this file.',
  }),
  noSnapshots: toggle({
    flag: 'no-snapshots',
    verbs: ['train'],
    default: false,
    help: 'Leave the diagnostics snapshots (gradient reach, gate saturation) out of the --log file; none are computed.',
  }),
  maxFileSizeMB: integer({
    flag: 'max-mb',
    verbs: TRAINING,
    setting: 'maxFileSizeMB',
    default: 64,
    settingDefault: 16,
    min: 1,
    max: 512,
    help: 'Largest file SeqLab trains on, in MB. Bigger files are refused with a message (never silently cut).',
  }),
  threads: integer({
    flag: 'threads',
    verbs: ALL_VERBS,
    setting: 'threads',
    default: 0,
    min: 0,
    max: 16,
    help:
      'Threads of the engine, for training and inference (the WebAssembly kernels split each step over ' +
      'them; results are the same for any count). 0 = automatic: SEQLAB_THREADS when set, else the ' +
      "machine's physical cores, at most 8.",
  }),
  budget: choice({
    setting: 'budget',
    choices: ['steps', 'seconds'],
    default: 'steps',
    help: 'Whether a training stops after seqlab.steps steps or seqlab.seconds seconds.',
  }),
  runsKeep: integer({
    setting: 'runs.keep',
    default: 30,
    min: 1,
    max: 1000,
    help: 'Runs kept per file in the Runs view (the oldest go first, with their checkpoints; pinned runs are never removed).',
  }),
  compareSteps: integer({
    setting: 'compareSteps',
    default: 300,
    min: 10,
    max: 100000,
    help: 'Step budget of each model in Compare cells (RNN, GRU and LSTM get the same).',
  }),
  hoverShow: choice({
    setting: 'hover.show',
    choices: ['always', 'onDemand'],
    default: 'always',
    help: "When the hover shows the model's continuation and next-character probabilities (a tagger's or classifier's prediction for the line) in a file that has a trained model.",
    choiceHelp: [
      'Whenever the mouse rests over the text',
      'Only when asked: "SeqLab: Show what the model would write here" (Ctrl+Alt+H) at the cursor',
    ],
  }),
  hoverPrimerLength: integer({
    setting: 'hover.primerLength',
    default: 200,
    min: 1,
    max: 2000,
    help: "How many characters before the cursor prime the hover's model (bounded, so the hover stays fast).",
  }),
  hoverLength: integer({
    setting: 'hover.length',
    default: 40,
    min: 1,
    max: 500,
    help: 'Characters of continuation the hover shows.',
  }),

  // ---------- sampling (SampleOptions) ----------
  prime: text({
    flag: 'prime',
    verbs: ['sample'],
    placeholder: 'TEXT',
    whenAbsent: 'start from x<1> = 0, a<0> = 0',
    help: 'Text that primes the state; printed first.',
  }),
  length: integer({
    flag: 'length',
    verbs: ['sample'],
    setting: 'sampleLength',
    default: 200,
    settingDefault: 500,
    min: 1,
    max: 1_000_000,
    help: 'Characters (or words) to sample (Sample text… proposes this many).',
  }),
  temperature: number({
    flag: 'temperature',
    verbs: ['sample'],
    setting: 'temperature',
    default: 1,
    settingDefault: 0.8,
    min: 0,
    minExclusive: true,
    max: 5,
    help: 'Sampling temperature: lower is safer, higher is wilder.',
  }),
  topK: integer({
    flag: 'top-k',
    verbs: ['sample'],
    default: 0,
    min: 0,
    help: 'Draw from the K likeliest tokens only; 0: all.',
  }),
  topP: number({
    flag: 'top-p',
    verbs: ['sample'],
    default: 1,
    min: 0,
    minExclusive: true,
    max: 1,
    help: 'Draw from the likeliest tokens whose probabilities sum to P (nucleus); 1: all.',
  }),
  greedy: toggle({ flag: 'greedy', verbs: ['sample'], default: false, help: 'Always take the likeliest token.' }),
  stopAtEos: toggle({ flag: 'stop-at-eos', verbs: ['sample'], default: false, help: 'Word level: stop at <EOS>.' }),
  noUnk: toggle({ flag: 'no-unk', verbs: ['sample'], default: false, help: 'Word level: never draw <UNK>.' }),

  // ---------- diagnose, export and import ----------
  diagnoseSteps: integer({
    flag: 'steps',
    verbs: ['diagnose'],
    default: 50,
    min: 1,
    max: 4096,
    help: 'Window length T of the gradient norms ‖∂L<T>/∂a<t>‖.',
  }),
  json: toggle({
    flag: 'json',
    verbs: ['diagnose', 'lab', 'surprise', 'neurons', 'sweep'],
    default: false,
    help: 'Print the report as JSON.',
  }),
  format: choice({
    flag: 'format',
    verbs: ['export'],
    choices: ['torch', 'torch-project'],
    choiceHelp: [
      "The weights as nn.RNN/GRU/LSTM + nn.Linear's state_dict, one safetensors file",
      'A PyTorch project that continues the run (train.py, torchrun for several processes), README.md, initial.safetensors',
    ],
    required: true,
    help: 'Export format.',
  }),
  exportOut: text({
    flag: 'out',
    verbs: ['export'],
    placeholder: 'PATH',
    required: true,
    help: 'File to write (torch: FILE.safetensors), or folder (torch-project).',
  }),
  importOut: text({
    flag: 'out',
    verbs: ['import'],
    placeholder: 'CKPT',
    required: true,
    help: 'SeqLab checkpoint to write.',
  }),

  // ---------- the long-memory lab (engine/lab.ts) ----------
  labCells: text({
    flag: 'cells',
    verbs: ['lab'],
    placeholder: 'CELLS',
    default: 'rnn,gru,lstm',
    help: 'Cells to compare, comma-separated (rnn, gru, lstm).',
  }),
  labGaps: text({
    flag: 'gaps',
    verbs: ['lab'],
    placeholder: 'N,N,…',
    default: '5,10,20,50,100',
    help: 'Gaps N to test, comma-separated: distractor tokens between the cue and its answer (1 to 1000).',
  }),
  labSteps: integer({
    flag: 'steps',
    verbs: ['lab'],
    default: 3000,
    min: 1,
    max: 1_000_000,
    help: 'Training steps of every cell at every gap (the same budget for all).',
  }),
  labHidden: integer({
    flag: 'hidden',
    verbs: ['lab'],
    default: 64,
    min: 1,
    max: 4096,
    help: 'Hidden units of every model (the size of a<t>).',
  }),
  labLr: number({
    flag: 'lr',
    verbs: ['lab'],
    default: 0.005,
    min: 0,
    minExclusive: true,
    help: 'Learning rate (Adam) of every model.',
  }),
  labBatch: integer({
    flag: 'batch',
    verbs: ['lab'],
    default: 32,
    min: 1,
    max: 1024,
    help: 'Lines per step (B parallel streams) of every model.',
  }),

  // ---------- sweeps of settings (engine/sweep.ts) ----------
  sweepSet: text({
    flag: 'set',
    verbs: ['sweep'],
    placeholder: 'KEY=V1,V2,…|KEY=LO:HI',
    required: true,
    repeatable: true,
    help: "A swept setting, by its train flag's name: a list of values, or a range for --random; repeat for more.",
  }),
  sweepRandom: integer({
    flag: 'random',
    verbs: ['sweep'],
    default: 10,
    min: 1,
    max: 1000,
    whenAbsent: 'every combination of the lists (a grid)',
    help: 'Train N random draws, seeded by --seed: a range uniformly (log-uniformly when 0 < LO and HI ≥ 10·LO), a list by picking.',
  }),
  sweepOut: text({
    flag: 'out',
    verbs: ['sweep'],
    placeholder: 'DIR',
    required: true,
    help: "Folder of the results (results.jsonl, results.csv) and each run's checkpoint (run-001.safetensors, …).",
  }),

  // ---------- inside the model: surprise and neurons (engine/inside/) ----------
  neuronLayer: integer({
    flag: 'layer',
    verbs: ['neurons'],
    default: 0,
    min: 0,
    max: 7,
    whenAbsent: 'layer 0 with --unit; every layer for a ranking',
    help: 'Layer of the unit, or of the units ranked (numbered from 0).',
  }),
  neuronUnit: integer({
    flag: 'unit',
    verbs: ['neurons'],
    default: 0,
    min: 0,
    max: 4095,
    whenAbsent: 'rank units instead (--top)',
    help: "Print this unit's value after every character (numbered from 0).",
  }),
  signal: text({
    flag: 'signal',
    verbs: ['neurons'],
    placeholder: 'h|c|gate:NAME',
    default: 'h',
    help: "The unit's signal: h (a<t>), c (an LSTM's c<t>) or a gate, gate:u|f|o|r|c~ (Γu, Γf, Γo, Γr, c̃).",
  }),
  neuronTop: integer({
    flag: 'top',
    verbs: ['neurons'],
    default: 10,
    min: 1,
    max: 32768,
    help: 'How many units a ranking lists (the most selective, or the best --match).',
  }),
  match: text({
    flag: 'match',
    verbs: ['neurons'],
    placeholder: 'START:END,…',
    help: 'Rank units by how well they separate these character spans (0-based, END exclusive) from the rest.',
  }),
} satisfies Record<string, OptionSpec>;

export type OptionKey = keyof typeof OPTIONS;
/** The keys of the options of one kind, e.g. OptionKeyOf<NumberOption>. */
export type OptionKeyOf<S> = { [K in OptionKey]: (typeof OPTIONS)[K] extends S ? K : never }[OptionKey];
/** The values a choice option allows, e.g. Choices<'cell'> = 'rnn' | 'gru' | 'lstm'. */
export type Choices<K extends OptionKey> = (typeof OPTIONS)[K] extends { choices: readonly (infer T)[] } ? T : never;

/** The options of a verb, in declaration order. */
export function verbOptions(verb: Verb): [OptionKey, OptionSpec][] {
  return (Object.entries(OPTIONS) as [OptionKey, OptionSpec][]).filter(([, o]) => o.verbs?.includes(verb));
}

/** The options that are VS Code settings, in declaration order. */
export function settingOptions(): [OptionKey, OptionSpec & { setting: string }][] {
  return (Object.entries(OPTIONS) as [OptionKey, OptionSpec][]).filter(
    (e): e is [OptionKey, OptionSpec & { setting: string }] => e[1].setting !== undefined,
  );
}

/** The editor's default of a setting (its own where it deliberately differs from the CLI's). */
export function settingDefault(o: OptionSpec): unknown {
  return o.kind === 'integer' || o.kind === 'number' ? (o.settingDefault ?? o.default) : o.default;
}

function orList(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}` : items.join('');
}

/** The values an option allows, as a phrase: "a whole number from 1 to 4096", "rnn, gru or lstm". */
export function allowedValues(o: OptionSpec): string {
  switch (o.kind) {
    case 'choice':
      return orList(o.choices);
    case 'switch':
      return 'true or false';
    case 'text':
      return 'a text';
    default: {
      const what = o.kind === 'integer' ? 'a whole number' : 'a number';
      const { min, max } = o;
      if (min !== undefined && max !== undefined) {
        if (!o.minExclusive && !o.maxExclusive) return `${what} from ${min} to ${max}`;
        return `${what} in ${o.minExclusive ? '(' : '['}${min}, ${max}${o.maxExclusive ? ')' : ']'}`;
      }
      if (min !== undefined) return `${what} ${o.minExclusive ? '>' : '≥'} ${min}`;
      if (max !== undefined) return `${what} ${o.maxExclusive ? '<' : '≤'} ${max}`;
      return what;
    }
  }
}

/** Whether a value is one the option allows. */
export function isAllowed(o: OptionSpec, v: unknown): boolean {
  switch (o.kind) {
    case 'choice':
      return typeof v === 'string' && o.choices.includes(v);
    case 'switch':
      return typeof v === 'boolean';
    case 'text':
      return typeof v === 'string';
    default:
      return (
        typeof v === 'number' &&
        Number.isFinite(v) &&
        (o.kind === 'number' || Number.isInteger(v)) &&
        (o.min === undefined || (o.minExclusive ? v > o.min : v >= o.min)) &&
        (o.max === undefined || (o.maxExclusive ? v < o.max : v <= o.max))
      );
  }
}

/** The value when the option allows it; otherwise a SeqLabError naming the option as `name`. */
export function checkOption<T>(o: OptionSpec, value: T, name: string): T {
  if (!isAllowed(o, value)) {
    const shown = typeof value === 'string' ? `"${value}"` : String(value);
    throw new SeqLabError(`${name} must be ${allowedValues(o)} (got ${shown})`);
  }
  return value;
}
