// The seqlab.* settings, read and validated in one place.

import * as vscode from 'vscode';
import { defaultTrainConfig, ModelConfig, OptimizerKind, TrainConfig, validateTrainConfig, validateModelConfig } from '../engine/config';
import { SeqLabError } from '../engine/errors';
import { CellKind } from '../engine/types';

export interface Settings {
  model: Partial<ModelConfig>;
  train: TrainConfig;
  maxFileSizeMB: number;
  temperature: number;
  sampleLength: number;
  hover: { enabled: boolean; primerLength: number; length: number };
  compareSteps: number;
  threads: number;        // 0: the engine's default
}

export function readSettings(level: 'char' | 'word'): Settings {
  const c = vscode.workspace.getConfiguration('seqlab');
  const get = <T>(key: string, fallback: T): T => c.get<T>(key, fallback);
  const model: Partial<ModelConfig> = {
    cell: get<CellKind>('cell', 'lstm'),
    hidden: get('hiddenSize', 128),
    layers: get('layers', 1),
    dropout: get('dropout', 0),
  };
  const budget = get<'steps' | 'seconds'>('budget', 'steps');
  const train: TrainConfig = {
    ...defaultTrainConfig,
    level,
    seqLength: get('seqLength', 64),
    batchSize: get('batchSize', 32),
    lr: get('learningRate', 0.002),
    optimizer: get<OptimizerKind>('optimizer', 'adam'),
    clip: get('clip', 5),
    steps: budget === 'steps' ? get('steps', 2000) : 0,
    seconds: budget === 'seconds' ? get('seconds', 120) : 0,
    evalEvery: get('evalEvery', 50),
  };
  const threads = get('threads', 0);
  try {
    validateModelConfig({ ...model, gruForm: 'torch', bidirectional: false, input: 'onehot', embedSize: 64, vocabSize: 2, forgetBias: 1, initState: 'zeros' } as ModelConfig);
    validateTrainConfig(train);
    if (!Number.isInteger(threads) || threads < 0 || threads > 16) throw new Error(`threads must be a whole number from 0 to 16 (got ${threads})`);
  } catch (e) {
    throw new SeqLabError(`invalid SeqLab setting: ${(e as Error).message}. Fix it in Settings (seqlab.*).`);
  }
  return {
    model, train,
    maxFileSizeMB: get('maxFileSizeMB', 16),
    temperature: get('temperature', 0.8),
    sampleLength: get('sampleLength', 500),
    hover: { enabled: get('hover.enabled', true), primerLength: get('hover.primerLength', 200), length: get('hover.length', 40) },
    compareSteps: get('compareSteps', 300),
    threads,
  };
}
