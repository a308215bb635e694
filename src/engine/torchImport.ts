// seqlab import: a PyTorch checkpoint in SeqLab's export layout (export.ts; an exported project's
// checkpoints, torchProject.ts) into a SeqLab checkpoint. The file must say which token each row is
// (metadata "vocab", a JSON list in index order); the model's configuration is read from metadata
// "config" when the file has it, and otherwise from the tensors' shapes:
//   rnn.weight_hh_l0 [G·H, H]: H, and the cell by G (1: RNN, 3: GRU, 4: LSTM);  rnn.weight_ih_l{l}: the layers;
//   *_reverse: bidirectional;  embed.weight [V, E]: embedding input;  head.weight [C, D·H]: the classes.
// The tokenizer is metadata "tokenizer" ({level, lowercase}), or word level for a vocabulary that starts
// <UNK>, <EOS>, and character level for one of single characters. A training state (an exported
// project's optimizer.*, state.*, train, step, position) comes along, so seqlab train --resume continues it.

import { Checkpoint, CHECKPOINT_FORMAT, Model, SEQ2SEQ_FORMAT, TrainingState } from './checkpoint';
import {
  defaultModelConfig,
  defaultTrainConfig,
  ModelConfig,
  TrainConfig,
  validateModelConfig,
  validateTrainConfig,
} from './config';
import { SeqLabError } from './errors';
import { Backend } from './backend';
import { createOptimizerState } from './optim';
import { Params, paramSpecs } from './params';
import { Rng } from './rng';
import { decodeSafetensors, readCheckpointBytes, SafetensorsFile } from './safetensors';
import { EOS, Tokenizer, TokenizerSpec, UNK } from './tokenizer';
import { TORCH_MOMENTS } from './torchProject';
import { Vec } from './types';

type Tensors = SafetensorsFile['tensors'];
type Bad = (why: string) => SeqLabError;

function parseMeta(meta: Record<string, string>, key: string, bad: Bad): unknown {
  try {
    return JSON.parse(meta[key]);
  } catch {
    throw bad(`its metadata "${key}" is not valid JSON`);
  }
}

function readVocab(meta: Record<string, string>, bad: Bad): string[] {
  if (!('vocab' in meta))
    throw bad(
      'it has no "vocab" metadata (the tokens in index order, a JSON list of strings): without it no row of the weights has a token',
    );
  const vocab = parseMeta(meta, 'vocab', bad);
  if (!Array.isArray(vocab) || !vocab.every((t) => typeof t === 'string') || vocab.length < 2)
    throw bad('its "vocab" metadata is not a list of at least 2 strings');
  return vocab as string[];
}

function readTokenizer(meta: Record<string, string>, vocab: string[], bad: Bad): TokenizerSpec {
  if ('tokenizer' in meta) {
    const t = parseMeta(meta, 'tokenizer', bad) as { level?: unknown; lowercase?: unknown };
    if ((t?.level !== 'char' && t?.level !== 'word') || typeof t.lowercase !== 'boolean')
      throw bad('its "tokenizer" metadata is not {"level": "char" | "word", "lowercase": true | false}');
    return { level: t.level, vocab, lowercase: t.lowercase };
  }
  if (vocab[0] === UNK && vocab[1] === EOS) return { level: 'word', vocab, lowercase: false };
  if (vocab.every((t) => Array.from(t).length === 1)) return { level: 'char', vocab, lowercase: false };
  throw bad(
    'its vocabulary is neither single characters nor words starting <UNK>, <EOS>: add "tokenizer" metadata {"level": "char" | "word", "lowercase": false}',
  );
}

function shapeOf(tensors: Tensors, name: string, rank: number, bad: Bad): number[] {
  const t = tensors.get(name);
  if (!t) throw bad(`tensor "${name}" is missing`);
  if (t.shape.length !== rank) throw bad(`tensor "${name}" has shape [${t.shape}]; it must have ${rank} dimensions`);
  return t.shape;
}

/** The configuration the tensors' shapes say, for a file without "config" metadata. */
function inferConfig(tensors: Tensors, meta: Record<string, string>, V: number, bad: Bad): ModelConfig {
  const [GH, H] = shapeOf(tensors, 'rnn.weight_hh_l0', 2, bad);
  const cell = ({ 1: 'rnn', 3: 'gru', 4: 'lstm' } as const)[GH / H];
  if (!cell)
    throw bad(`tensor "rnn.weight_hh_l0" has shape [${GH}, ${H}], not [G·H, H] of nn.RNN (G 1), GRU (3) or LSTM (4)`);
  let layers = 0;
  while (tensors.has(`rnn.weight_ih_l${layers}`)) layers++;
  const embed = tensors.has('embed.weight') ? shapeOf(tensors, 'embed.weight', 2, bad) : null;
  const task = (meta.task ?? 'lm') as ModelConfig['task'];
  const config = {
    ...defaultModelConfig,
    cell,
    hidden: H,
    layers: Math.max(layers, 1),
    bidirectional: tensors.has('rnn.weight_ih_l0_reverse'),
    input: embed ? 'embedding' : 'onehot',
    embedSize: embed ? embed[1] : 0,
    vocabSize: V,
    classes: shapeOf(tensors, 'head.weight', 2, bad)[0],
    task,
    pool: (meta.pool ?? 'last') as ModelConfig['pool'],
  } as ModelConfig;
  if ((task === 'lm' || task === 'conditional') && config.classes !== V)
    throw bad(
      `tensor "head.weight" has ${config.classes} rows, and "vocab" lists ${V} tokens: a language model's head predicts its vocabulary`,
    );
  if (task === 'conditional') config.labelCount = shapeOf(tensors, 'cond.embed.weight', 2, bad)[0];
  return config;
}

function readConfig(tensors: Tensors, meta: Record<string, string>, V: number, bad: Bad): ModelConfig {
  const stored = 'config' in meta ? (parseMeta(meta, 'config', bad) as Partial<ModelConfig>) : null;
  if (stored !== null && (typeof stored !== 'object' || Array.isArray(stored)))
    throw bad('its "config" metadata is not an object');
  const config = stored ? ({ ...defaultModelConfig, ...stored } as ModelConfig) : inferConfig(tensors, meta, V, bad);
  if (config.vocabSize !== V)
    throw bad(`its config says a vocabulary of ${config.vocabSize} tokens, and its "vocab" lists ${V}`);
  try {
    return validateModelConfig(config);
  } catch (e) {
    throw bad(`its configuration is invalid: ${(e as Error).message}`);
  }
}

/** The weights, every tensor of the configuration present with its shape; anything else but a training state refused. */
function readParams(tensors: Tensors, config: ModelConfig, k: Backend, bad: Bad): Params {
  const params = new Params(paramSpecs(config), k);
  for (const s of params.specs) {
    const t = tensors.get(s.name);
    if (!t) throw bad(`tensor "${s.name}" is missing`);
    if (t.shape.length !== s.shape.length || t.shape.some((d, i) => d !== s.shape[i]))
      throw bad(`tensor "${s.name}" has shape [${t.shape}], and this model needs [${s.shape}]`);
    if (!t.data.every(Number.isFinite)) throw bad(`tensor "${s.name}" holds NaN or infinite values`);
    params.value(s.name).set(t.data);
  }
  const known = new Set(params.specs.map((s) => s.name));
  const extra = [...tensors.keys()].filter((n) => !known.has(n) && !/^(optimizer|state)\./.test(n));
  if (extra.length)
    throw bad(`it has tensors this model does not: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', …' : ''}`);
  return params;
}

/** An exported project's training state, when the file has one (metadata "train"). */
function readTraining(file: SafetensorsFile, model: Model, k: Backend, bad: Bad): TrainingState | null {
  const { metadata: meta, tensors } = file;
  if (!('train' in meta)) return null;
  const train = { ...defaultTrainConfig, ...(parseMeta(meta, 'train', bad) as Partial<TrainConfig>) };
  try {
    validateTrainConfig(train);
  } catch (e) {
    throw bad(`its training configuration is invalid: ${(e as Error).message}`);
  }
  const { params, config } = model;
  const optimizer = createOptimizerState(train.optimizer, params.size, k);
  const saved = 'optimizer' in meta ? (parseMeta(meta, 'optimizer', bad) as { kind?: unknown; t?: unknown }) : {};
  const slots = TORCH_MOMENTS[train.optimizer];
  const moments = (slot: string | null) =>
    params.specs.map((s) => (slot ? tensors.get(`optimizer.${slot}.${s.name}`) : undefined));
  const complete = slots.every(
    (slot) => slot === null || moments(slot).every((t, i) => t?.data.length === params.specs[i].size),
  );
  if (saved.kind === train.optimizer && Number.isSafeInteger(saved.t) && complete) {
    // moments where the layouts match; otherwise the optimizer starts afresh
    optimizer.t = saved.t as number;
    slots.forEach((slot, i) => {
      const target = i === 0 ? optimizer.m : optimizer.v;
      moments(slot).forEach((t, j) => t && target.set(t.data, params.specs[j].offset));
    });
  }
  const B = train.batchSize,
    H = config.hidden,
    hidden: Vec[] = [];
  const h = tensors.get('state.h'),
    c = tensors.get('state.c');
  const fits = (t: typeof h) => t !== undefined && t.data.length === config.layers * B * H;
  if (fits(h) && (config.cell !== 'lstm' || fits(c))) {
    for (let l = 0; l < config.layers; l++) {
      hidden.push(h!.data.slice(l * B * H, (l + 1) * B * H));
      hidden.push(config.cell === 'lstm' ? c!.data.slice(l * B * H, (l + 1) * B * H) : new Float32Array(0));
    }
  }
  const whole = (key: string) => {
    const v = Number(meta[key] ?? 0);
    if (!Number.isSafeInteger(v) || v < 0) throw bad(`its metadata "${key}" is not a whole number`);
    return v;
  };
  return {
    train,
    step: whole('step'),
    rng: new Rng(train.seed).state(), // dropout's generator starts afresh
    optimizer,
    position: hidden.length ? whole('position') : 0,
    textHash: hidden.length ? (meta.textHash ?? '') : '',
    hidden,
  };
}

/** Reads a PyTorch checkpoint in the export layout as a SeqLab checkpoint; a SeqLabError saying what is wrong otherwise. */
export function importTorchCheckpoint(path: string, k: Backend): Checkpoint {
  const bad = (why: string) => new SeqLabError(`${path} cannot be imported: ${why}`);
  const file = decodeSafetensors(readCheckpointBytes(path), path);
  const meta = file.metadata;
  if (meta.format === CHECKPOINT_FORMAT || meta.format === SEQ2SEQ_FORMAT)
    throw bad('it is a SeqLab checkpoint already: use it as it is');
  const vocab = readVocab(meta, bad);
  const spec = readTokenizer(meta, vocab, bad);
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(spec);
  } catch (e) {
    throw bad((e as Error).message);
  }
  const config = readConfig(file.tensors, meta, vocab.length, bad);
  const model: Model = { config, tokenizer, params: readParams(file.tensors, config, k, bad) };
  if (config.task !== 'lm') {
    const count = config.task === 'conditional' ? config.labelCount! : config.classes;
    const labels = 'labels' in meta ? parseMeta(meta, 'labels', bad) : null;
    if (!Array.isArray(labels) || !labels.every((t) => typeof t === 'string') || labels.length !== count)
      throw bad(`a ${config.task} model needs "labels" metadata: a list of ${count} strings`);
    model.labels = labels as string[];
  }
  return { model, training: readTraining(file, model, k, bad) };
}
