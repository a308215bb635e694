// Model and training settings, with the one validator every entry point (CLI, worker, tests) uses.

import { SeqLabError } from './errors';
import { CellKind, GruForm } from './types';

export type InputKind = 'onehot' | 'embedding';
export type OptimizerKind = 'adam' | 'sgd' | 'rmsprop' | 'adagrad';
export type Level = 'char' | 'word';

export interface ModelConfig {
  cell: CellKind;
  gruForm: GruForm;
  hidden: number;
  layers: number;
  bidirectional: boolean;
  input: InputKind;
  embedSize: number;        // used when input = 'embedding'
  vocabSize: number;
  dropout: number;          // between stacked layers, training only
  forgetBias: number;       // LSTM Γf bias at initialisation
  initState: 'zeros' | 'random';
}

export interface TrainConfig {
  level: Level;
  lowercase: boolean;       // word level
  minCount: number;         // word level: rarer words become <UNK>
  seqLength: number;
  batchSize: number;
  lr: number;
  optimizer: OptimizerKind;
  momentum: number;         // sgd
  clip: number;             // global-norm clip; 0 = off
  lrDecay: number;          // multiply lr by this …
  lrDecayEvery: number;     // … every this many steps
  valFraction: number;
  evalEvery: number;        // steps between validation passes
  steps: number;            // step budget (0 = use seconds)
  seconds: number;          // time budget (0 = use steps)
  seed: number;
}

export const defaultModelConfig: Omit<ModelConfig, 'vocabSize'> = {
  cell: 'lstm', gruForm: 'torch', hidden: 128, layers: 1, bidirectional: false, input: 'onehot',
  embedSize: 64, dropout: 0, forgetBias: 1, initState: 'zeros',
};

export const defaultTrainConfig: TrainConfig = {
  level: 'char', lowercase: false, minCount: 2, seqLength: 64, batchSize: 32, lr: 2e-3, optimizer: 'adam',
  momentum: 0.9, clip: 5, lrDecay: 1, lrDecayEvery: 1000, valFraction: 0.1, evalEvery: 100,
  steps: 1000, seconds: 0, seed: 1,
};

function check(ok: boolean, message: string): void {
  if (!ok) throw new SeqLabError(message);
}

const isInt = (x: number) => Number.isInteger(x);

export function validateModelConfig(c: ModelConfig): ModelConfig {
  check(['rnn', 'gru', 'lstm'].includes(c.cell), `cell must be rnn, gru or lstm (got "${c.cell}")`);
  check(['torch', 'course'].includes(c.gruForm), `gruForm must be torch or course (got "${c.gruForm}")`);
  check(isInt(c.hidden) && c.hidden >= 1 && c.hidden <= 4096, `hidden size must be a whole number from 1 to 4096 (got ${c.hidden})`);
  check(isInt(c.layers) && c.layers >= 1 && c.layers <= 8, `layers must be a whole number from 1 to 8 (got ${c.layers})`);
  check(['onehot', 'embedding'].includes(c.input), `input must be onehot or embedding (got "${c.input}")`);
  check(isInt(c.embedSize) && c.embedSize >= 1 && c.embedSize <= 4096, `embedding size must be a whole number from 1 to 4096 (got ${c.embedSize})`);
  check(isInt(c.vocabSize) && c.vocabSize >= 2, `the vocabulary needs at least 2 distinct tokens (got ${c.vocabSize}); a model cannot learn anything from a text of one repeated token`);
  check(c.dropout >= 0 && c.dropout < 1, `dropout must be in [0, 1) (got ${c.dropout})`);
  check(Number.isFinite(c.forgetBias), `forgetBias must be a finite number (got ${c.forgetBias})`);
  check(c.initState === 'zeros' || c.initState === 'random', `initState must be zeros or random (got "${c.initState}")`);
  return c;
}

export function validateTrainConfig(c: TrainConfig): TrainConfig {
  check(c.level === 'char' || c.level === 'word', `level must be char or word (got "${c.level}")`);
  check(isInt(c.seqLength) && c.seqLength >= 1 && c.seqLength <= 4096, `seqLength must be a whole number from 1 to 4096 (got ${c.seqLength})`);
  check(isInt(c.batchSize) && c.batchSize >= 1 && c.batchSize <= 1024, `batchSize must be a whole number from 1 to 1024 (got ${c.batchSize})`);
  check(Number.isFinite(c.lr) && c.lr > 0, `learning rate must be a positive number (got ${c.lr})`);
  check(['adam', 'sgd', 'rmsprop', 'adagrad'].includes(c.optimizer), `optimizer must be adam, sgd, rmsprop or adagrad (got "${c.optimizer}")`);
  check(c.momentum >= 0 && c.momentum < 1, `momentum must be in [0, 1) (got ${c.momentum})`);
  check(Number.isFinite(c.clip) && c.clip >= 0, `clip must be 0 (off) or a positive number (got ${c.clip})`);
  check(c.lrDecay > 0 && c.lrDecay <= 1, `lrDecay must be in (0, 1] (got ${c.lrDecay})`);
  check(isInt(c.lrDecayEvery) && c.lrDecayEvery >= 1, `lrDecayEvery must be a whole number ≥ 1 (got ${c.lrDecayEvery})`);
  check(c.valFraction >= 0 && c.valFraction < 0.5, `valFraction must be in [0, 0.5) (got ${c.valFraction})`);
  check(isInt(c.evalEvery) && c.evalEvery >= 1, `evalEvery must be a whole number ≥ 1 (got ${c.evalEvery})`);
  check(isInt(c.steps) && c.steps >= 0, `steps must be a whole number ≥ 0 (got ${c.steps})`);
  check(Number.isFinite(c.seconds) && c.seconds >= 0, `seconds must be ≥ 0 (got ${c.seconds})`);
  check(c.steps > 0 || c.seconds > 0, 'give a budget: steps or seconds must be positive');
  check(isInt(c.minCount) && c.minCount >= 1, `minCount must be a whole number ≥ 1 (got ${c.minCount})`);
  check(isInt(c.seed), `seed must be a whole number (got ${c.seed})`);
  return c;
}
