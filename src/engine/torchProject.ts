// Export a run as a PyTorch project (seqlab export --format torch-project): DIR/train.py, a readable
// script that continues the run with torch alone (torchrun for several processes), DIR/README.md, and
// DIR/initial.safetensors, the run in the project's checkpoint layout:
//
//   the export's tensors and metadata (export.ts), and the training state as PyTorch keeps it —
//   optimizer.<slot>.<parameter>   the optimizer's state tensors under PyTorch's names (TORCH_MOMENTS)
//   state.h, state.c (LSTM)        the carried a<0>, c<0> of every stream, [layers, B, H] (nn.LSTM's h0, c0)
//   metadata train, step, position, textHash, optimizer = {kind, t}
//
// train.py writes its checkpoints in the same layout; seqlab import reads them back (torchImport.ts).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Checkpoint } from './checkpoint';
import { defaultTrainConfig, modelLabel, OptimizerKind } from './config';
import { SeqLabError } from './errors';
import { torchExportParts } from './export';
import { encodeSafetensors, writeFileAtomic } from './safetensors';
import { projectReadme } from './torchProjectReadme';
import { TRAIN_PY } from './torchTrainScript';
import { Vec } from './types';

/** SeqLab's moments m and v as PyTorch's optimizers name them in their state (null: the optimizer keeps none). */
export const TORCH_MOMENTS: Record<OptimizerKind, readonly [string | null, string | null]> = {
  adam: ['exp_avg', 'exp_avg_sq'],
  sgd: ['momentum_buffer', null],
  rmsprop: [null, 'square_avg'],
  adagrad: [null, 'sum'],
};

export const PROJECT_SCRIPT = 'train.py';
export const PROJECT_README = 'README.md';
export const PROJECT_INITIAL = 'initial.safetensors';

/** Refuses what the project cannot train: it reads B streams of a text and predicts each next token. */
function checkProjectModel(ck: Checkpoint): void {
  const task = ck.model.config.task;
  if (task !== 'lm') {
    const what = { tag: 'a tagger', classify: 'a classifier', conditional: 'a conditional language model' }[task];
    throw new SeqLabError(
      `the PyTorch project trains language models (streams of one text, next-token loss), and this model is ${what}; export its weights with --format torch instead`,
    );
  }
}

/** The project's checkpoint of a run: its weights as exported, with its training state in PyTorch's terms. */
export function encodeProjectCheckpoint(ck: Checkpoint): Uint8Array {
  checkProjectModel(ck);
  const { tensors, metadata } = torchExportParts(ck.model);
  const { model, training } = ck;
  const train = training?.train ?? defaultTrainConfig;
  Object.assign(metadata, { train: JSON.stringify(train), step: String(training?.step ?? 0) });
  if (!training) return encodeSafetensors(tensors, metadata);
  const o = training.optimizer;
  TORCH_MOMENTS[o.kind].forEach((slot, i) => {
    if (slot === null) return;
    const moment = i === 0 ? o.m : o.v;
    for (const s of model.params.specs)
      tensors.set(`optimizer.${slot}.${s.name}`, {
        shape: s.shape,
        data: moment.subarray(s.offset, s.offset + s.size),
      });
  });
  // stateVectors(): per layer, a<0> then c<0> (empty but for an LSTM), each [B·H]
  const { layers, hidden: H } = model.config,
    B = training.train.batchSize;
  const stack = (first: number): Vec => {
    const out = new Float32Array(layers * B * H);
    for (let l = 0; l < layers; l++) out.set(training.hidden[2 * l + first], l * B * H);
    return out;
  };
  tensors.set('state.h', { shape: [layers, B, H], data: stack(0) });
  if (model.config.cell === 'lstm') tensors.set('state.c', { shape: [layers, B, H], data: stack(1) });
  Object.assign(metadata, {
    position: String(training.position),
    textHash: training.textHash,
    optimizer: JSON.stringify({ kind: o.kind, t: o.t }),
  });
  return encodeSafetensors(tensors, metadata);
}

/**
 * Writes the project into `dir` (created if needed): train.py, README.md, initial.safetensors.
 * Returns the paths written. A SeqLabError, before anything is written, for a model PyTorch cannot
 * express (course-form GRU, peephole LSTM) or the project cannot train (a task model).
 */
export function writeTorchProject(ck: Checkpoint, dir: string): string[] {
  const initial = encodeProjectCheckpoint(ck);
  const train = ck.training?.train ?? defaultTrainConfig;
  const readme = projectReadme({
    label: modelLabel(ck.model.config),
    config: ck.model.config,
    level: ck.model.tokenizer.spec.level,
    train,
    step: ck.training?.step ?? 0,
    fresh: ck.training === null,
  });
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new SeqLabError(`cannot create the folder ${dir}: ${(e as Error).message}`);
  }
  const files: [string, Uint8Array][] = [
    [PROJECT_SCRIPT, Buffer.from(TRAIN_PY, 'utf8')],
    [PROJECT_README, Buffer.from(readme, 'utf8')],
    [PROJECT_INITIAL, initial],
  ];
  return files.map(([name, bytes]) => {
    const path = join(dir, name);
    writeFileAtomic(path, bytes);
    return path;
  });
}
