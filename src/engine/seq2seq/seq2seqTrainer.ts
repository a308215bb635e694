// Training an encoder–decoder on `source<TAB>target` pairs (characters or words, seq2seqVocab.ts), its
// checkpoints, and decoding a file with it. Batches are buckets of one source length and one target length (no
// padding); the loop reports through the same hooks as the other trainers (train.ts RunHooks).
//
//   seqlab train dates.tsv --task seq2seq      →  a checkpoint with format "seqlab-seq2seq"
//   eval: exact match and character error rate of greedy (or beam) outputs on held-out pairs, and BLEU
//         at word level

import { Backend } from '../backend';
import { SEQ2SEQ_FORMAT } from '../checkpoint';
import { TrainConfig, validateTrainConfig, ModelConfig, defaultModelConfig, Level } from '../config';
import { SeqLabError } from '../errors';
import { checkOption, OPTIONS } from '../options';
import { createOptimizerState, OptimizerState } from '../optim';
import { Params } from '../params';
import { ProgressPoint } from '../reports';
import { Rng } from '../rng';
import {
  decodeSafetensors,
  encodeSafetensors,
  NamedTensor,
  readCheckpointBytes,
  writeFileAtomic,
} from '../safetensors';
import { Tokenizer } from '../tokenizer';
import { applyStep, SequenceStep } from '../stepLoop';
import { RunHooks } from '../train';
import { beamDecode, greedyDecode } from './decode';
import { bleu, characterErrorRate, exactMatch } from './metrics';
import { Seq2Seq, teacherForcing } from './seq2seq';
import { Seq2SeqConfig, initSeq2SeqParams, seq2seqParamSpecs } from './seq2seqParams';
import {
  BOS,
  buildSeq2SeqVocab,
  EOS,
  outputText,
  referenceText,
  seq2seqTokenizer,
  tokenFields,
  tokensOf,
} from './seq2seqVocab';

export { BOS, EOS };

/**
 * A trained encoder–decoder: its config, the source tokens, the target tokens (with <BOS>, <EOS>) and
 * weights. With a shared vocabulary source and target are one tokenizer.
 */
export interface Seq2SeqModel {
  config: Seq2SeqConfig;
  source: Tokenizer;
  target: Tokenizer;
  params: Params;
}

export interface Pair {
  source: Int32Array;
  target: Int32Array; // without <EOS>
}

/**
 * The pairs' ids; source characters the model does not know are dropped (a character vocabulary has no
 * <UNK>), unknown words read as <UNK>.
 */
export function encodePairs(model: Seq2SeqModel, pairs: { source: string; target: string | null }[]): Pair[] {
  return pairs.map((p) => ({
    source: model.source.encodeKnown(p.source),
    target: p.target === null ? new Int32Array(0) : model.target.encodeKnown(p.target),
  }));
}

/** Pairs cut into batches of one source length and one target length (at most B each), in a random order. */
function buckets(pairs: Pair[], B: number, rng: Rng): Pair[][] {
  const groups = new Map<string, Pair[]>();
  for (const p of pairs) {
    const key = `${p.source.length}:${p.target.length}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const batches: Pair[][] = [];
  for (const g of groups.values()) {
    rng.shuffle(g);
    for (let i = 0; i < g.length; i += B) batches.push(g.slice(i, i + B));
  }
  return rng.shuffle(batches);
}

/** The model's outputs for the sources (greedy when beam is 1, else beam search with that many beams), as text. */
export function decodeSources(
  model: Seq2SeqModel,
  k: Backend,
  sources: Int32Array[],
  beam: number,
  maxLen: number,
): string[] {
  const longest = Math.max(1, ...sources.map((s) => s.length));
  const net = new Seq2Seq(model.config, model.params, k, longest, maxLen + 1, Math.max(beam, 1));
  const bos = model.target.id(BOS),
    eos = model.target.id(EOS);
  return sources.map((src) => {
    if (src.length === 0) return '';
    const options = { bos, eos, maxLen: maxLen + 1 };
    const best =
      beam > 1 ? beamDecode(net, src, src.length, beam, options)[0] : greedyDecode(net, src, src.length, 1, options)[0];
    return outputText(model.target, best.tokens);
  });
}

/** The scores of outputs: exact match, character error rate, and BLEU at word level. */
export interface Seq2SeqMetrics {
  exactMatch: number;
  cer: number;
  bleu?: number; // word level only
}

/**
 * Exact match and character error rate of the model's outputs against the gold targets (written as
 * outputs are: referenceText), and at word level corpus BLEU over their words (split at the spaces).
 */
export function seq2seqMetrics(gold: string[], predicted: string[], level: Level = 'char'): Seq2SeqMetrics {
  const m = { exactMatch: exactMatch(gold, predicted), cer: characterErrorRate(gold, predicted) };
  if (level === 'char') return m;
  const words = (s: string) => (s === '' ? [] : s.split(' '));
  return { ...m, bleu: bleu(gold.map(words), predicted.map(words)) };
}

export class Seq2SeqTrainer {
  step = 0;
  private readonly net: Seq2Seq;
  private readonly src: Int32Array;
  private readonly tgtIn: Int32Array;
  private readonly tgtOut: Int32Array;
  private queue: Pair[][] = [];

  private constructor(
    readonly model: Seq2SeqModel,
    readonly train: TrainConfig,
    readonly k: Backend,
    readonly pairs: Pair[],
    readonly val: { pairs: Pair[]; targets: string[] },
    readonly maxLen: number,
    private readonly rng: Rng,
    private readonly optimizer: OptimizerState,
  ) {
    const S = Math.max(...pairs.map((p) => p.source.length)),
      T = Math.max(...pairs.map((p) => p.target.length)) + 1;
    this.net = new Seq2Seq(model.config, model.params, k, S, T, train.batchSize);
    this.src = new Int32Array(S * train.batchSize);
    this.tgtIn = new Int32Array(T * train.batchSize);
    this.tgtOut = new Int32Array(T * train.batchSize);
  }

  static create(
    pairs: { source: string; target: string | null }[],
    val: { source: string; target: string | null }[],
    modelOptions: Partial<ModelConfig>,
    train: TrainConfig,
    k: Backend,
    vocab: { sharedVocab?: boolean } = {},
  ): Seq2SeqTrainer {
    validateTrainConfig(train);
    const c = { ...defaultModelConfig, ...modelOptions };
    for (const key of ['cell', 'gruForm', 'hidden', 'layers', 'bidirectional', 'embedSize', 'forgetBias'] as const)
      checkOption(OPTIONS[key], c[key], key);
    // train.level, train.lowercase and train.minCount choose the tokens (seq2seqVocab.ts).
    const tokens = { level: train.level, lowercase: train.lowercase, shared: vocab.sharedVocab ?? false };
    const { source, target } = buildSeq2SeqVocab(pairs, [...pairs, ...val], tokens, train.minCount);
    const config: Seq2SeqConfig = {
      cell: c.cell,
      gruForm: c.gruForm,
      peephole: c.peephole,
      hidden: c.hidden,
      layers: c.layers,
      bidirectional: c.bidirectional,
      input: c.embedSize > 0 ? 'embedding' : 'onehot',
      embedSize: c.embedSize,
      forgetBias: c.forgetBias,
      sourceVocab: source.size,
      targetVocab: target.size,
      ...tokenFields(tokens),
    };
    const rng = new Rng(train.seed);
    const model: Seq2SeqModel = { config, source, target, params: initSeq2SeqParams(config, k, rng) };
    const encoded = encodePairs(model, pairs);
    const maxLen = Math.max(...encoded.map((p) => p.target.length));
    return new Seq2SeqTrainer(
      model,
      train,
      k,
      encoded,
      { pairs: encodePairs(model, val), targets: val.map((p) => referenceText(target, p.target ?? '')) },
      maxLen,
      rng,
      createOptimizerState(train.optimizer, model.params.size, k),
    );
  }

  /** One batch: forward with teacher forcing, loss, BPTT through the bridge, clip, update. */
  trainStep(): SequenceStep {
    if (this.queue.length === 0) this.queue = buckets(this.pairs, this.train.batchSize, this.rng);
    const batch = this.queue.pop()!;
    const { S, T } = teacherForcing(
      batch,
      this.model.target.id(BOS),
      this.model.target.id(EOS),
      this.src,
      this.tgtIn,
      this.tgtOut,
    );
    const b = batch.length;
    this.net.forward(this.src.subarray(0, S * b), S, this.tgtIn.subarray(0, T * b), T, b);
    const loss = this.net.loss(this.tgtOut.subarray(0, T * b));
    const g = this.model.params.grad;
    g.fill(0);
    this.net.backward();
    const update = applyStep(this.train, this.step, loss, g, this.model.params.data, this.optimizer, this.k);
    this.step++;
    return { loss, ...update, tokens: T * b };
  }

  /** Exact match and CER (and BLEU at word level) of greedy outputs on the held-out pairs, or null without any. */
  validate(): Seq2SeqMetrics | null {
    if (!this.val.pairs.length) return null;
    const out = decodeSources(
      this.model,
      this.k,
      this.val.pairs.map((p) => p.source),
      1,
      this.maxLen + 10,
    );
    return seq2seqMetrics(this.val.targets, out, this.model.target.spec.level);
  }

  async run(hooks: RunHooks & { onValidation?(m: { step: number } & Seq2SeqMetrics): void } = {}) {
    const { train } = this;
    const start = performance.now(),
      totalSteps = train.steps > 0 ? this.step + train.steps : 0;
    const done = () =>
      (totalSteps > 0 && this.step >= totalSteps) ||
      (train.seconds > 0 && (performance.now() - start) / 1000 >= train.seconds);
    let tokens = 0,
      last: Seq2SeqMetrics | null = null,
      stopped = false;
    while (!done()) {
      if (hooks.shouldStop?.()) {
        stopped = true;
        break;
      }
      const r = this.trainStep();
      tokens += r.tokens;
      const elapsed = (performance.now() - start) / 1000;
      const v = done() || this.step % train.evalEvery === 0 ? this.validate() : null;
      if (v) {
        last = v;
        hooks.onValidation?.({ step: this.step, ...v });
      }
      const point: ProgressPoint = {
        step: this.step,
        totalSteps,
        loss: r.loss,
        valLoss: null,
        charsPerSec: tokens / Math.max(elapsed, 1e-9),
        etaSeconds:
          totalSteps > 0 ? ((totalSteps - this.step) * elapsed) / this.step : Math.max(0, train.seconds - elapsed),
        lr: r.lr,
        gradNorm: r.gradNorm,
        clipped: r.clipped,
        elapsedSeconds: elapsed,
      };
      hooks.onProgress?.(point);
      if (hooks.yieldBetweenSteps) await new Promise((resolve) => setImmediate(resolve));
    }
    return { steps: this.step, stopped, val: last };
  }
}

/** Writes an encoder–decoder checkpoint: its tensors, config and vocabularies (atomically). */
export function saveSeq2Seq(path: string, model: Seq2SeqModel): void {
  const tensors = new Map<string, NamedTensor>();
  for (const s of model.params.specs) tensors.set(s.name, { shape: s.shape, data: model.params.value(s.name) });
  writeFileAtomic(
    path,
    encodeSafetensors(tensors, {
      format: SEQ2SEQ_FORMAT,
      config: JSON.stringify(model.config),
      source: JSON.stringify(model.source.spec.vocab),
      target: JSON.stringify(model.target.spec.vocab),
    }),
  );
}

/** Whether a checkpoint file holds an encoder–decoder (its metadata's format). */
export function isSeq2SeqCheckpoint(path: string): boolean {
  return decodeSafetensors(readCheckpointBytes(path), path).metadata.format === SEQ2SEQ_FORMAT;
}

export function loadSeq2Seq(path: string, k: Backend): Seq2SeqModel {
  const bad = (why: string) => new SeqLabError(`${path} is not a valid SeqLab encoder–decoder checkpoint: ${why}`);
  const file = decodeSafetensors(readCheckpointBytes(path), path);
  const meta = file.metadata;
  if (meta.format !== SEQ2SEQ_FORMAT) throw bad('its format is not seqlab-seq2seq');
  const json = <T>(key: string): T => {
    try {
      return JSON.parse(meta[key]) as T;
    } catch {
      throw bad(`its metadata "${key}" is missing or not JSON`);
    }
  };
  const config = json<Seq2SeqConfig>('config');
  if (config.level !== undefined && config.level !== 'word')
    throw bad(`its level "${String(config.level)}" is not word`);
  for (const key of ['lowercase', 'sharedVocab'] as const)
    if (config[key] !== undefined && typeof config[key] !== 'boolean') throw bad(`its ${key} is not true or false`);
  const tokens = tokensOf(config);
  const vocab = (key: string, size: number) => {
    const v = json<unknown>(key);
    if (!Array.isArray(v) || v.length !== size || !v.every((t) => typeof t === 'string'))
      throw bad(`its ${key} vocabulary is invalid`);
    return v as string[];
  };
  const sourceVocab = vocab('source', config.sourceVocab),
    target = seq2seqTokenizer(tokens, vocab('target', config.targetVocab));
  if (tokens.shared && JSON.stringify(sourceVocab) !== JSON.stringify(target.spec.vocab))
    throw bad('its vocabulary is shared but its source and target vocabularies differ');
  const source = tokens.shared ? target : seq2seqTokenizer(tokens, sourceVocab);
  const params = new Params(seq2seqParamSpecs(config), k);
  for (const s of params.specs) {
    const t = file.tensors.get(s.name);
    if (!t || t.shape.join() !== s.shape.join()) throw bad(`tensor "${s.name}" is missing or has the wrong shape`);
    params.value(s.name).set(t.data);
  }
  return { config, source, target, params };
}
