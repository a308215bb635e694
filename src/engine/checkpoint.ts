// Checkpoints: a safetensors file. Weights, optimizer moments and the carried hidden state are
// tensors; __metadata__ holds the model config, the vocabulary (JSON array in index order), the
// training config, step, RNG state and optimizer counters. Written atomically; loading validates
// everything and rejects anything malformed with one clear error.

import { ModelConfig, TrainConfig, validateModelConfig, validateTrainConfig, defaultTrainConfig } from './config';
import { SeqLabError } from './errors';
import { Backend } from './backend';
import { createOptimizerState, OptimizerState } from './optim';
import { Params, paramSpecs } from './params';
import { RngState } from './rng';
import { decodeSafetensors, encodeSafetensors, NamedTensor, readCheckpointBytes, writeFileAtomic } from './safetensors';
import { Tokenizer } from './tokenizer';
import { Vec } from './types';

export const CHECKPOINT_FORMAT = 'seqlab-checkpoint';
/** The format of an encoder–decoder's checkpoint (seq2seq/seq2seqTrainer.ts writes and reads it). */
export const SEQ2SEQ_FORMAT = 'seqlab-seq2seq';

export interface Model {
  config: ModelConfig;
  tokenizer: Tokenizer;
  params: Params;
  labels?: string[]; // a tagger's tags or a classifier's labels, in the head's order (config.classes of them); a conditional model's labels (config.labelCount)
}

/** Everything needed to continue a training run exactly where it stopped. */
export interface TrainingState {
  train: TrainConfig;
  step: number;
  rng: RngState;
  optimizer: OptimizerState;
  position: number; // the batcher's offset in every stream
  textHash: string; // of the training text; a different text restarts the streams
  hidden: Vec[]; // carried a<0> (and c<0>) of every layer and direction
}

export interface Checkpoint {
  model: Model;
  training: TrainingState | null;
}

export function encodeCheckpoint(ck: Checkpoint): Uint8Array {
  const { model, training } = ck;
  const tensors = new Map<string, NamedTensor>();
  for (const s of model.params.specs) tensors.set(s.name, { shape: s.shape, data: model.params.value(s.name) });
  const metadata: Record<string, string> = {
    format: CHECKPOINT_FORMAT,
    version: '1',
    config: JSON.stringify(model.config),
    vocab: JSON.stringify(model.tokenizer.spec.vocab),
    tokenizer: JSON.stringify({ level: model.tokenizer.spec.level, lowercase: model.tokenizer.spec.lowercase }),
    ...(model.labels ? { labels: JSON.stringify(model.labels) } : {}),
  };
  if (training) {
    const o = training.optimizer;
    tensors.set('optimizer.m', { shape: [o.m.length], data: o.m });
    tensors.set('optimizer.v', { shape: [o.v.length], data: o.v });
    training.hidden.forEach((h, i) => tensors.set(`state.${i}`, { shape: [h.length], data: h }));
    Object.assign(metadata, {
      train: JSON.stringify(training.train),
      step: String(training.step),
      rng: JSON.stringify(training.rng),
      optimizer: JSON.stringify({ kind: o.kind, t: o.t }),
      position: String(training.position),
      textHash: training.textHash,
      hiddenCount: String(training.hidden.length),
    });
  }
  return encodeSafetensors(tensors, metadata);
}

export function saveCheckpoint(path: string, ck: Checkpoint): void {
  writeFileAtomic(path, encodeCheckpoint(ck));
}

export function loadCheckpoint(path: string, backend: Backend): Checkpoint {
  return decodeCheckpoint(readCheckpointBytes(path), path, backend);
}

function parseJson<T>(meta: Record<string, string>, key: string, bad: (why: string) => Error): T {
  if (!(key in meta)) throw bad(`its metadata has no "${key}"`);
  try {
    return JSON.parse(meta[key]) as T;
  } catch {
    throw bad(`its metadata "${key}" is not valid JSON`);
  }
}

function wholeNumber(meta: Record<string, string>, key: string, bad: (why: string) => Error): number {
  const v = Number(meta[key]);
  if (!Number.isSafeInteger(v) || v < 0) throw bad(`its metadata "${key}" is not a whole number`);
  return v;
}

export function decodeCheckpoint(bytes: Uint8Array, name: string, backend: Backend): Checkpoint {
  const bad = (why: string) => new SeqLabError(`${name} is not a valid SeqLab checkpoint: ${why}`);
  const file = decodeSafetensors(bytes, name);
  const meta = file.metadata;
  if (meta.format === SEQ2SEQ_FORMAT)
    throw new SeqLabError(
      `${name} is an encoder–decoder checkpoint: use seqlab eval or seqlab predict with it (sampling, the editor and the diagnostics open language, tagging and classification models)`,
    );
  if (meta.format !== CHECKPOINT_FORMAT) throw bad('it has no SeqLab metadata (is it an exported PyTorch file?)');
  const stored = parseJson<Partial<ModelConfig>>(meta, 'config', bad);
  if (typeof stored !== 'object' || stored === null) throw bad('its config is not an object');
  // Checkpoints from before peephole connections have no "peephole": a plain LSTM (or GRU, RNN).
  // Checkpoints from before tasks are language models: their head predicts the vocabulary.
  const config = { peephole: false, task: 'lm', pool: 'last', classes: stored.vocabSize, ...stored } as ModelConfig;
  try {
    validateModelConfig(config);
  } catch (e) {
    throw bad(`its config is invalid: ${(e as Error).message}`);
  }
  const vocab = parseJson<unknown>(meta, 'vocab', bad);
  if (!Array.isArray(vocab) || !vocab.every((t) => typeof t === 'string') || vocab.length !== config.vocabSize) {
    throw bad(`its vocabulary is not a list of ${config.vocabSize} strings`);
  }
  const tok = parseJson<{ level?: unknown; lowercase?: unknown }>(meta, 'tokenizer', bad);
  if ((tok.level !== 'char' && tok.level !== 'word') || typeof tok.lowercase !== 'boolean')
    throw bad('its tokenizer settings are invalid');
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer({ level: tok.level, vocab: vocab as string[], lowercase: tok.lowercase });
  } catch (e) {
    throw bad((e as Error).message);
  }
  const params = new Params(paramSpecs(config), backend);
  for (const s of params.specs) {
    const t = file.tensors.get(s.name);
    if (!t) throw bad(`tensor "${s.name}" is missing`);
    if (t.shape.length !== s.shape.length || t.shape.some((d, i) => d !== s.shape[i])) {
      throw bad(`tensor "${s.name}" has shape [${t.shape}] but the config needs [${s.shape}]`);
    }
    if (!t.data.every(Number.isFinite)) throw bad(`tensor "${s.name}" holds NaN or infinite values`);
    params.value(s.name).set(t.data);
  }
  const model: Model = { config, tokenizer, params };
  if (config.task !== 'lm') {
    const labels = parseJson<unknown>(meta, 'labels', bad);
    const count = config.task === 'conditional' ? config.labelCount! : config.classes;
    if (!Array.isArray(labels) || !labels.every((t) => typeof t === 'string') || labels.length !== count)
      throw bad(`its ${config.task === 'tag' ? 'tags are' : 'labels are'} not a list of ${count} strings`);
    model.labels = labels as string[];
  }
  if (!('train' in meta)) return { model, training: null };

  const train = { ...defaultTrainConfig, ...parseJson<TrainConfig>(meta, 'train', bad) };
  try {
    validateTrainConfig(train);
  } catch (e) {
    throw bad(`its training config is invalid: ${(e as Error).message}`);
  }
  const rng = parseJson<unknown>(meta, 'rng', bad);
  if (!Array.isArray(rng) || rng.length !== 4 || !rng.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32))
    throw bad('its RNG state is invalid');
  const opt = parseJson<{ kind?: unknown; t?: unknown }>(meta, 'optimizer', bad);
  if (opt.kind !== train.optimizer || !Number.isSafeInteger(opt.t)) throw bad('its optimizer state is invalid');
  const optimizer = createOptimizerState(train.optimizer, params.size, backend);
  optimizer.t = opt.t as number;
  for (const slot of ['m', 'v'] as const) {
    const t = file.tensors.get(`optimizer.${slot}`);
    if (!t || t.data.length !== optimizer[slot].length)
      throw bad(`tensor "optimizer.${slot}" is missing or has the wrong size`);
    optimizer[slot].set(t.data);
  }
  const hidden: Vec[] = [];
  const count = wholeNumber(meta, 'hiddenCount', bad);
  for (let i = 0; i < count; i++) {
    const t = file.tensors.get(`state.${i}`);
    if (!t) throw bad(`tensor "state.${i}" is missing`);
    hidden.push(t.data);
  }
  return {
    model,
    training: {
      train,
      step: wholeNumber(meta, 'step', bad),
      rng: rng as RngState,
      optimizer,
      position: wholeNumber(meta, 'position', bad),
      textHash: meta.textHash ?? '',
      hidden,
    },
  };
}
