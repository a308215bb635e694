// Training a conditioned language model (one-to-many: a label in, a line of text out) on
// `label<TAB>text` lines. The API the CLI and the editor use:
//
//   const records = parseConditionalFile(text, name);                  // conditionalData.ts
//   const [train, val] = splitValidation(records, valFraction, seed);  // tasks/taskData.ts
//   const trainer = ConditionalTrainer.create(train, val, modelOptions, trainConfig, k, name);
//   await trainer.run(hooks);                                          // RunHooks, ProgressPoint as a language model's
//   saveCheckpoint(path, trainer.checkpoint());                        // keeps the labels (Model.labels)
//   sampleConditional(model, k, label, { length, temperature, seed }) // sampleConditional.ts: one line in label's style
//
// Batches are length buckets (tasks/taskTrainer.ts lengthBatches): up to B lines of one length, so no
// step is padding and the loss is exactly the mean over their characters and ends of line.

import { Backend } from '../backend';
import { Checkpoint, Model } from '../checkpoint';
import { ModelConfig, TrainConfig, defaultModelConfig, validateModelConfig, validateTrainConfig } from '../config';
import { SeqLabError } from '../errors';
import { createOptimizerState, OptimizerState } from '../optim';
import { initParams } from '../params';
import { Rng } from '../rng';
import { applyStep, runSteps, SequenceStep } from '../stepLoop';
import { RunHooks } from '../train';
import { buildVocab } from '../tasks/taskData';
import { lengthBatches } from '../tasks/taskTrainer';
import { ConditionalExample, ConditionalRecord, conditionalTokenizer, encodeConditional } from './conditionalData';
import { ConditionalNetwork } from './conditionalNetwork';

/** Fills the labels [b], time-major inputs and targets [T·b] of a batch of one length; returns T. */
function fillBatch(batch: ConditionalExample[], labels: Int32Array, ids: Int32Array, targets: Int32Array): number {
  const T = batch[0].ids.length,
    b = batch.length;
  batch.forEach((e, j) => {
    labels[j] = e.label;
    for (let t = 0; t < T; t++) {
      ids[t * b + j] = e.ids[t];
      targets[t * b + j] = e.targets[t];
    }
  });
  return T;
}

/** Mean nats per token (characters and ends of line) of the model on the examples. */
export function conditionalLoss(model: Model, k: Backend, examples: ConditionalExample[], B: number): number {
  const longest = Math.max(...examples.map((e) => e.ids.length));
  const net = new ConditionalNetwork(model.config, model.params, k, longest, B, new Rng(0));
  const labels = new Int32Array(B),
    ids = new Int32Array(longest * B),
    targets = new Int32Array(longest * B);
  let total = 0,
    tokens = 0;
  for (const batch of lengthBatches(examples, B, new Rng(0))) {
    const T = fillBatch(batch, labels, ids, targets),
      n = T * batch.length;
    net.forward(labels.subarray(0, batch.length), ids, T, false);
    total += net.loss(targets.subarray(0, n)) * n;
    tokens += n;
  }
  return total / tokens;
}

export class ConditionalTrainer {
  step = 0;
  private readonly net: ConditionalNetwork;
  private readonly labels: Int32Array;
  private readonly ids: Int32Array;
  private readonly targets: Int32Array;
  private queue: ConditionalExample[][] = [];

  private constructor(
    readonly model: Model,
    readonly train: TrainConfig,
    readonly k: Backend,
    readonly examples: ConditionalExample[],
    readonly val: ConditionalExample[],
    private readonly rng: Rng,
    private readonly optimizer: OptimizerState,
  ) {
    const longest = Math.max(...examples.map((e) => e.ids.length)),
      B = train.batchSize;
    this.net = new ConditionalNetwork(model.config, model.params, k, longest, B, rng);
    this.labels = new Int32Array(B);
    this.ids = new Int32Array(longest * B);
    this.targets = new Int32Array(longest * B);
  }

  /**
   * A new conditional model for training records (and held-out records to validate on): a character
   * vocabulary with the end of line, the labels by descending count, a unidirectional stack.
   */
  static create(
    records: ConditionalRecord[],
    val: ConditionalRecord[] | null,
    modelOptions: Partial<ModelConfig>,
    train: TrainConfig,
    k: Backend,
    name: string,
  ): ConditionalTrainer {
    validateTrainConfig(train);
    if (train.level !== 'char')
      throw new SeqLabError('a conditional model writes characters: train it at character level (--level char)');
    const tokenizer = conditionalTokenizer(records);
    const labels = buildVocab(
      records.map((r) => r.label),
      1,
      [],
    );
    const config = validateModelConfig({
      ...defaultModelConfig,
      ...modelOptions,
      task: 'conditional',
      vocabSize: tokenizer.size,
      classes: tokenizer.size,
      labelCount: labels.length,
    });
    const rng = new Rng(train.seed);
    const model: Model = { config, tokenizer, params: initParams(config, k, rng), labels };
    const examples = encodeConditional(model, records, name);
    const held = val ? encodeConditional(model, val, name) : [];
    return new ConditionalTrainer(
      model,
      train,
      k,
      examples,
      held,
      rng,
      createOptimizerState(train.optimizer, model.params.size, k),
    );
  }

  /** One batch: forward, loss, BPTT into the labels' vectors, clip, update. Throws DivergedError (weights untouched) on NaN/Inf. */
  trainStep(): SequenceStep {
    if (this.queue.length === 0) this.queue = lengthBatches(this.examples, this.train.batchSize, this.rng);
    const batch = this.queue.pop()!;
    const T = fillBatch(batch, this.labels, this.ids, this.targets),
      b = batch.length;
    const { net, model } = this;
    net.forward(this.labels.subarray(0, b), this.ids, T, true);
    const loss = net.loss(this.targets.subarray(0, T * b));
    const g = model.params.grad;
    g.fill(0);
    net.backward();
    const update = applyStep(this.train, this.step, loss, g, model.params.data, this.optimizer, this.k);
    this.step++;
    return { loss, ...update, tokens: T * b };
  }

  /** Mean nats per token on the held-out lines, or null without any. */
  validate(): number | null {
    return this.val.length ? conditionalLoss(this.model, this.k, this.val, this.train.batchSize) : null;
  }

  /** Trains until the step or time budget is spent or hooks.shouldStop() says so. */
  run(hooks: RunHooks = {}): Promise<{ steps: number; stopped: boolean; valLoss: number | null }> {
    return runSteps(this, hooks, () => ({ loss: this.validate() }));
  }

  /** The model with its labels, for sampling; a conditional run is not resumable (as a task run). */
  checkpoint(): Checkpoint {
    return { model: this.model, training: null };
  }
}
