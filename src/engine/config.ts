// Model and training settings, with the one validator every entry point (CLI, worker, tests) uses;
// their defaults and ranges are the option schema's (options.ts).

import { SeqLabError } from './errors';
import { checkOption, Choices, OptionKey, OPTIONS, OptionSpec } from './options';
import { CellKind, GruForm } from './types';

export type { CellKind, GruForm };
export type InputKind = Choices<'input'>;
export type OptimizerKind = Choices<'optimizer'>;
export type Level = Choices<'level'>;

export interface ModelConfig {
  cell: CellKind;
  gruForm: GruForm;
  hidden: number;
  layers: number;
  bidirectional: boolean;
  input: InputKind;
  embedSize: number; // used when input = 'embedding'
  vocabSize: number;
  dropout: number; // between stacked layers, training only
  forgetBias: number; // LSTM Γf bias at initialisation
  peephole: boolean; // LSTM with peephole connections (cells/lstm-peephole.ts)
  initState: Choices<'initState'>;
  task: Exclude<Choices<'task'>, 'seq2seq'>; // lm: ŷ<t> over the vocabulary; tag: ŷ<t> over the tags; classify: one ŷ per sequence;
  // conditional: ŷ<t> over the vocabulary, a<0> set by a label (conditional/conditionalNetwork.ts). An encoder–decoder is seq2seq/, not a Network.
  classes: number; // the head's outputs: vocabSize for a (conditioned) language model, the number of tags or labels otherwise
  labelCount?: number; // conditional only: the labels, rows of the label embedding (from the file, like vocabSize)
  pool: Choices<'pool'>; // classify: the read-out of the sequence (last state or mean over time)
}

export interface TrainConfig {
  level: Level;
  lowercase: boolean; // word level
  minCount: number; // word level: rarer words become <UNK>
  seqLength: number;
  batchSize: number;
  lr: number;
  optimizer: OptimizerKind;
  momentum: number; // sgd
  clip: number; // global-norm clip; 0 = off
  lrDecay: number; // multiply lr by this …
  lrDecayEvery: number; // … every this many steps
  valFraction: number;
  evalEvery: number; // steps between validation passes
  steps: number; // step budget (0 = use seconds)
  seconds: number; // time budget (0 = use steps)
  seed: number;
}

/** The fields of ModelConfig and TrainConfig that are options (vocabSize comes from the text). */
export const MODEL_KEYS = [
  'cell',
  'gruForm',
  'hidden',
  'layers',
  'bidirectional',
  'input',
  'embedSize',
  'dropout',
  'forgetBias',
  'peephole',
  'initState',
  'task',
  'pool',
] as const satisfies readonly (keyof ModelConfig & OptionKey)[];
export const TRAIN_KEYS = [
  'level',
  'lowercase',
  'minCount',
  'seqLength',
  'batchSize',
  'lr',
  'optimizer',
  'momentum',
  'clip',
  'lrDecay',
  'lrDecayEvery',
  'valFraction',
  'evalEvery',
  'steps',
  'seconds',
  'seed',
] as const satisfies readonly (keyof TrainConfig & OptionKey)[];

/** The schema's defaults of some options, as an object keyed like them. */
function defaultsOf<K extends OptionKey>(keys: readonly K[]): Record<K, unknown> {
  return Object.fromEntries(keys.map((k) => [k, (OPTIONS[k] as OptionSpec).default])) as Record<K, unknown>;
}

export const defaultModelConfig = defaultsOf(MODEL_KEYS) as Omit<ModelConfig, 'vocabSize' | 'classes'>;

export const defaultTrainConfig = defaultsOf(TRAIN_KEYS) as TrainConfig;

/** A model's short name, e.g. "LSTM-128", "GRU (course)-64×2", "LSTM (peephole)-128": in titles, hovers and reports. */
export function modelLabel(c: Pick<ModelConfig, 'cell' | 'gruForm' | 'peephole' | 'hidden' | 'layers'>): string {
  const name =
    c.cell === 'gru' && c.gruForm === 'course'
      ? 'GRU (course)'
      : c.cell === 'lstm' && c.peephole
        ? 'LSTM (peephole)'
        : c.cell.toUpperCase();
  return `${name}-${c.hidden}${c.layers > 1 ? `×${c.layers}` : ''}`;
}

/** The input x<t> an embedding size asks for: a learned embedding of that size, or one-hot for 0. */
export function inputFor(embedSize: number): InputKind {
  return embedSize > 0 ? 'embedding' : 'onehot';
}

export function validateModelConfig(c: ModelConfig): ModelConfig {
  for (const key of MODEL_KEYS) checkOption(OPTIONS[key], c[key], key);
  if ((c.task as string) === 'seq2seq')
    throw new SeqLabError('an encoder–decoder is built by seq2seq/, not as one network');
  if (c.peephole && c.cell !== 'lstm') {
    throw new SeqLabError(
      `peephole connections are an LSTM option, and this model's cell is ${c.cell}: ` +
        'choose cell lstm, or turn peephole off (--peephole, seqlab.peephole)',
    );
  }
  if (c.input === 'embedding' && c.embedSize === 0)
    throw new SeqLabError('an embedding input needs embedSize ≥ 1 (embedSize 0 means one-hot input)');
  if (!(Number.isInteger(c.vocabSize) && c.vocabSize >= 2)) {
    throw new SeqLabError(
      `the vocabulary needs at least 2 distinct tokens (got ${c.vocabSize}); ` +
        'a model cannot learn anything from a text of one repeated token',
    );
  }
  if ((c.task === 'lm' || c.task === 'conditional') && c.classes !== c.vocabSize)
    throw new SeqLabError(`a language model predicts its vocabulary: classes must be ${c.vocabSize}, got ${c.classes}`);
  if (c.task === 'conditional') validateConditional(c);
  else if (c.labelCount !== undefined)
    throw new SeqLabError(`labelCount is a conditional model's setting, and this model's task is ${c.task}`);
  if (!(Number.isInteger(c.classes) && c.classes >= 2)) {
    throw new SeqLabError(
      `a ${c.task === 'tag' ? 'tagger needs at least 2 distinct tags' : 'classifier needs at least 2 distinct labels'} ` +
        `in its training file (got ${c.classes})`,
    );
  }
  return c;
}

/** A conditioned language model writes left to right from a<0>: one direction, and at least 2 labels to tell apart. */
function validateConditional(c: ModelConfig): void {
  if (c.bidirectional)
    throw new SeqLabError('a conditional model writes text left to right: it cannot be bidirectional');
  if (!(Number.isInteger(c.labelCount) && c.labelCount! >= 2)) {
    throw new SeqLabError(
      `a conditional model needs at least 2 distinct labels in its training file (got ${c.labelCount ?? 'none'})`,
    );
  }
}

export function validateTrainConfig(c: TrainConfig): TrainConfig {
  for (const key of TRAIN_KEYS) checkOption(OPTIONS[key], c[key], key);
  if (!(c.steps > 0 || c.seconds > 0)) throw new SeqLabError('give a budget: steps or seconds must be positive');
  return c;
}
