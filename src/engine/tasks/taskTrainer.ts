// Training a tagger (many-to-many, one tag per token) or a classifier (many-to-one, one label per
// line) on a task file. Batches are length buckets: up to B examples of one length, so no step is
// padding and a batch's loss is exactly the mean of its examples' losses. The loop reports through
// the language model's hooks (train.ts): the CLI and the tests listen to the same events.

import { Checkpoint, Model } from '../checkpoint';
import { ModelConfig, TrainConfig, defaultModelConfig, validateModelConfig, validateTrainConfig } from '../config';
import { SeqLabError } from '../errors';
import { Backend } from '../backend';
import { Network } from '../network';
import { createOptimizerState, OptimizerState } from '../optim';
import { initParams } from '../params';
import { TaskScores } from '../reports';
import { Rng } from '../rng';
import { buildCharTokenizer, buildWordTokenizer, Tokenizer, UNK } from '../tokenizer';
import { applyStep, runSteps, SequenceStep } from '../stepLoop';
import { RunHooks } from '../train';
import { scoreExamples, validationScores } from './scores';
import { buildVocab, TaskRecords } from './taskData';

/** One example, encoded: its token ids and its classes (one per token for a tagger, one for a classifier). */
export interface TaskExample {
  ids: Int32Array;
  targets: Int32Array;
  line: number; // where it starts in its file (1-based), for messages
}

/** The input vocabulary of a task's training examples: words for a tagger; characters or words for a classifier. */
function inputTokenizer(records: TaskRecords, train: TrainConfig): Tokenizer {
  if (records.task === 'tag') {
    const words = records.items.flatMap((s) => s.tokens.map((t) => (train.lowercase ? t.toLowerCase() : t)));
    return new Tokenizer({
      level: 'word',
      vocab: buildVocab(words, train.minCount, [UNK]),
      lowercase: train.lowercase,
    });
  }
  const text = records.items.map((x) => x.text).join('\n');
  return train.level === 'char' ? buildCharTokenizer(text) : buildWordTokenizer(text, train.minCount, train.lowercase);
}

/** The gold classes of the records, in the order they appear: what a tagger's tags or a classifier's labels are. */
export function goldLabels(records: TaskRecords): string[] {
  return records.task === 'tag'
    ? records.items.flatMap((s) => s.tags ?? [])
    : records.items.flatMap((x) => (x.label === null ? [] : [x.label]));
}

/** Encodes records with a model's vocabularies; a class the model does not know is an error naming its line. */
export function encodeRecords(model: Model, records: TaskRecords, name: string): TaskExample[] {
  const labels = new Map((model.labels ?? []).map((l, i) => [l, i]));
  const classOf = (label: string | null, line: number): number => {
    if (label === null) return -1;
    const c = labels.get(label);
    if (c === undefined) {
      throw new SeqLabError(
        `${name} line ${line}: "${label}" is not one of the model's ${model.config.task === 'tag' ? 'tags' : 'labels'} (${[...labels.keys()].join(', ')})`,
      );
    }
    return c;
  };
  const tok = model.tokenizer;
  if (records.task === 'tag') {
    return records.items.map((s) => ({
      ids: Int32Array.from(s.tokens, (t) => tok.id(t)),
      targets: Int32Array.from(s.tokens, (_, i) => classOf(s.tags?.[i] ?? null, s.line + i)),
      line: s.line,
    }));
  }
  return records.items.map((x) => {
    const ids = tok.encodeKnown(x.text);
    if (ids.length === 0)
      throw new SeqLabError(`${name} line ${x.line}: the text has no token the model knows; give it some text`);
    return { ids, targets: Int32Array.of(classOf(x.label, x.line)), line: x.line };
  });
}

/** The examples cut into batches of one length each (at most B per batch), in a random order. */
export function lengthBatches<E extends TaskExample>(examples: E[], B: number, rng: Rng): E[][] {
  const byLength = new Map<number, E[]>();
  for (const e of examples) byLength.set(e.ids.length, [...(byLength.get(e.ids.length) ?? []), e]);
  const batches: E[][] = [];
  for (const group of byLength.values()) {
    rng.shuffle(group);
    for (let i = 0; i < group.length; i += B) batches.push(group.slice(i, i + B));
  }
  rng.shuffle(batches);
  return batches;
}

/** Fills the time-major ids [T·b] and targets ([T·b] for a tagger, [b] for a classifier) of a batch. */
function fillBatch(batch: TaskExample[], task: ModelConfig['task'], ids: Int32Array, targets: Int32Array): number {
  const T = batch[0].ids.length,
    b = batch.length;
  batch.forEach((e, j) => {
    for (let t = 0; t < T; t++) ids[t * b + j] = e.ids[t];
    if (task === 'classify') targets[j] = e.targets[0];
    else for (let t = 0; t < T; t++) targets[t * b + j] = e.targets[t];
  });
  return T;
}

/**
 * The model's predictions for every example: per row (token of a tagger, line of a classifier) the
 * probabilities ŷ [rows·classes] and the most probable class (argmax ŷ); and the mean loss in nats per
 * token (tagger) or per example (classifier) over the examples that have gold classes, else null.
 */
export function predictExamples(
  model: Model,
  k: Backend,
  examples: TaskExample[],
  B: number,
): { predicted: Int32Array[]; probabilities: Float32Array[]; loss: number | null } {
  const longest = Math.max(1, ...examples.map((e) => e.ids.length));
  const net = new Network(model.config, model.params, k, longest, B, new Rng(0));
  const ids = new Int32Array(longest * B),
    targets = new Int32Array(longest * B);
  const C = model.config.classes,
    task = model.config.task;
  const predicted = new Map<TaskExample, { classes: Int32Array; p: Float32Array }>();
  let total = 0,
    rows = 0;
  for (const batch of lengthBatches(examples, B, new Rng(0))) {
    const T = fillBatch(batch, task, ids, targets),
      b = batch.length,
      perExample = task === 'classify' ? 1 : T,
      n = b * perExample;
    net.resetState();
    net.forward(ids, T, false, b);
    // ŷ = softmax(logits) is the loss's own (net.loss turns the logits into ŷ): without gold classes
    // class 0 stands in for the targets and that loss is not counted.
    const gold = batch.every((e) => e.targets[0] >= 0);
    if (!gold) targets.fill(0, 0, n);
    const loss = net.loss(targets.subarray(0, n));
    if (gold) {
      total += loss * n;
      rows += n;
    }
    const p = net.logits;
    const out = batch.map(() => ({ classes: new Int32Array(perExample), p: new Float32Array(perExample * C) }));
    for (let r = 0; r < n; r++) {
      // rows are time-major: row r is step ⌊r/b⌋ of example r mod b (a classifier: example r)
      const e = out[r % b],
        t = Math.floor(r / b);
      let best = 0;
      for (let c = 1; c < C; c++) if (p[r * C + c] > p[r * C + best]) best = c;
      e.classes[t] = best;
      e.p.set(p.subarray(r * C, (r + 1) * C), t * C);
    }
    batch.forEach((e, j) => predicted.set(e, out[j]));
  }
  return {
    predicted: examples.map((e) => predicted.get(e)!.classes),
    probabilities: examples.map((e) => predicted.get(e)!.p),
    loss: rows > 0 ? total / rows : null,
  };
}

export class TaskTrainer {
  step = 0;
  private readonly net: Network;
  private readonly ids: Int32Array;
  private readonly targets: Int32Array;
  private queue: TaskExample[][] = [];

  private constructor(
    readonly model: Model,
    readonly train: TrainConfig,
    readonly k: Backend,
    readonly examples: TaskExample[],
    readonly val: TaskExample[],
    private readonly rng: Rng,
    private readonly optimizer: OptimizerState,
  ) {
    const longest = Math.max(...examples.map((e) => e.ids.length));
    this.net = new Network(model.config, model.params, k, longest, train.batchSize, rng);
    this.ids = new Int32Array(longest * train.batchSize);
    this.targets = new Int32Array(longest * train.batchSize);
  }

  /** A new model for a task's training records (and held-out records to validate on). */
  static create(
    records: TaskRecords,
    val: TaskRecords | null,
    modelOptions: Partial<ModelConfig>,
    train: TrainConfig,
    k: Backend,
    name: string,
  ): TaskTrainer {
    validateTrainConfig(train);
    const tokenizer = inputTokenizer(records, train);
    const labels = buildVocab(goldLabels(records), 1, []);
    const config = validateModelConfig({
      ...defaultModelConfig,
      ...modelOptions,
      task: records.task,
      vocabSize: tokenizer.size,
      classes: labels.length,
    });
    const rng = new Rng(train.seed);
    const model: Model = { config, tokenizer, params: initParams(config, k, rng), labels };
    const examples = encodeRecords(model, records, name);
    const held = val ? encodeRecords(model, val, name) : [];
    return new TaskTrainer(
      model,
      train,
      k,
      examples,
      held,
      rng,
      createOptimizerState(train.optimizer, model.params.size, k),
    );
  }

  /** One batch: forward, loss, BPTT, clip, update. Throws DivergedError (weights untouched) on NaN/Inf. */
  trainStep(): SequenceStep {
    if (this.queue.length === 0) this.queue = lengthBatches(this.examples, this.train.batchSize, this.rng);
    const batch = this.queue.pop()!;
    const T = fillBatch(batch, this.model.config.task, this.ids, this.targets),
      b = batch.length;
    const { net, model } = this;
    net.resetState();
    net.forward(this.ids, T, true, b);
    const loss = net.loss(this.targets);
    const g = model.params.grad;
    g.fill(0);
    net.backward();
    const update = applyStep(this.train, this.step, loss, g, model.params.data, this.optimizer, this.k);
    this.step++;
    return { loss, ...update, tokens: T * b };
  }

  /** The loss over the held-out examples and the classes predicted for them, or null without any. */
  validate(): { loss: number; predicted: Int32Array[] } | null {
    if (!this.val.length) return null;
    const { loss, predicted } = predictExamples(this.model, this.k, this.val, this.train.batchSize);
    return loss === null ? null : { loss, predicted };
  }

  /**
   * Trains until the step or time budget is spent or shouldStop() says so. onValidation: the scores
   * on the held-out examples after each validation pass (none are computed without it).
   */
  run(
    hooks: RunHooks & { onValidation?(scores: TaskScores): void } = {},
  ): Promise<{ steps: number; stopped: boolean; valLoss: number | null }> {
    const gold = this.val.map((e) => e.targets);
    return runSteps(
      this,
      hooks,
      () => this.validate(),
      (v) => hooks.onValidation?.(validationScores(this.step, scoreExamples(this.model, gold, v.predicted))),
    );
  }

  /** The model, for sampling-free use (eval, predict); a task run is not resumable yet. */
  checkpoint(): Checkpoint {
    return { model: this.model, training: null };
  }
}
