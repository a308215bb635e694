// The training loop (minGPT-style: one loop that reports through callbacks; the CLI's progress
// bar, the worker's messages and the tests all listen to the same events).

import { createHash } from 'node:crypto';
import { Checkpoint, Model, TrainingState } from './checkpoint';
import { ModelConfig, TrainConfig, defaultModelConfig, validateModelConfig, validateTrainConfig } from './config';
import { splitTokens, StreamBatcher } from './data';
import { SeqLabError } from './errors';
import { evaluateTokens } from './evaluate';
import { Backend } from './backend';
import { Network } from './network';
import { applyUpdate, clipGradients, createOptimizerState, globalNorm, learningRate, OptimizerState } from './optim';
import { initParams } from './params';
import { OPTIONS } from './options';
import { ClipEvent, ProgressPoint, TrainingSnapshot } from './reports';
import { Rng } from './rng';
import { SnapshotRecorder } from './snapshot';
import { buildCharTokenizer, buildWordTokenizer, Tokenizer } from './tokenizer';

/** Validation uses at most this many tokens from the start of the validation part. */
export const MAX_VAL_TOKENS = 65536;

export class DivergedError extends SeqLabError {
  constructor(
    readonly step: number,
    readonly loss: number,
  ) {
    super(
      `training diverged at step ${step} (loss ${Number.isFinite(loss) ? loss.toFixed(2) : loss}); lower the learning rate or the clip threshold`,
    );
  }
}

export interface StepResult {
  loss: number;
  gradNorm: number;
  clipped: boolean;
  lr: number;
}

export interface RunHooks {
  onProgress?(point: ProgressPoint): void;
  /** Called after every validation pass with a snapshot of the diagnostics (snapshot.ts); none are recorded without it. */
  onSnapshot?(snapshot: TrainingSnapshot): void;
  /** Called every checkpointEvery steps and at the end with the state to save. */
  onCheckpoint?(ck: Checkpoint): void;
  checkpointEvery?: number;
  /** Polled between steps: a stop never interrupts a step half-way. */
  shouldStop?(): boolean;
  /** Hands control back to the event loop between steps (the worker needs it to receive "stop"). */
  yieldBetweenSteps?: boolean;
}

export interface RunResult {
  steps: number;
  stopped: boolean;
  valLoss: number | null;
  charsPerSec: number;
  clipEvents: ClipEvent[];
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export function buildTokenizer(text: string, train: TrainConfig): Tokenizer {
  return train.level === 'char' ? buildCharTokenizer(text) : buildWordTokenizer(text, train.minCount, train.lowercase);
}

/**
 * Lowers batchSize (then seqLength) so that a short text still fills every stream with at least
 * one window: the editor's "train on this file" works on a ten-line file too.
 */
export function fitToText(train: TrainConfig, tokens: number): TrainConfig {
  const usable = Math.floor(tokens * (1 - train.valFraction));
  let { batchSize, seqLength } = train;
  while (batchSize > 1 && Math.floor(usable / batchSize) < seqLength + 1)
    batchSize = Math.max(1, Math.floor(batchSize / 2));
  while (seqLength > 4 && Math.floor(usable / batchSize) < seqLength + 1) seqLength = Math.floor(seqLength / 2);
  return { ...train, batchSize, seqLength };
}

export class Trainer {
  step: number;
  readonly clipEvents: ClipEvent[] = [];
  /** Wall seconds run() has spent in validation passes (and their snapshots) so far. */
  validationSeconds = 0;
  private readonly net: Network;
  private readonly batcher: StreamBatcher;
  private readonly val: Int32Array;
  private readonly inputs: Int32Array;
  private readonly targets: Int32Array;
  private readonly textHash: string;
  private snapshots: SnapshotRecorder | null = null;

  private constructor(
    readonly model: Model,
    readonly train: TrainConfig,
    readonly k: Backend,
    text: string,
    private readonly rng: Rng,
    private readonly optimizer: OptimizerState,
    resume: TrainingState | null,
  ) {
    const tokens = model.tokenizer.encode(text);
    const { train: trainTokens, val } = splitTokens(tokens, train.valFraction);
    this.batcher = new StreamBatcher(trainTokens, train.batchSize, train.seqLength);
    this.val = val.subarray(0, MAX_VAL_TOKENS);
    this.net = new Network(model.config, model.params, k, train.seqLength, train.batchSize, rng);
    this.inputs = new Int32Array(train.seqLength * train.batchSize);
    this.targets = new Int32Array(train.seqLength * train.batchSize);
    this.textHash = hashText(text);
    this.step = resume?.step ?? 0;
    if (!resume) this.net.resetState();
    if (resume && resume.textHash === this.textHash && resume.train.batchSize === train.batchSize) {
      this.batcher.position = resume.position;
      const state = this.net.stateVectors();
      resume.hidden.forEach((h, i) => state[i]?.length === h.length && state[i].set(h));
    }
  }

  /** A new model for this text. */
  static create(
    text: string,
    modelOptions: Partial<ModelConfig>,
    train: TrainConfig,
    k: Backend,
    options: { fit?: boolean } = {},
  ): Trainer {
    validateTrainConfig(train);
    const tokenizer = buildTokenizer(text, train);
    if (options.fit) train = fitToText(train, tokenizer.pieces(text).length);
    if (tokenizer.size < 2) {
      throw new SeqLabError(
        `the text has a vocabulary of ${tokenizer.size} token (${JSON.stringify(tokenizer.spec.vocab[0] ?? '')}); a model needs at least 2 distinct tokens to learn anything`,
      );
    }
    const V = tokenizer.size;
    const task = modelOptions.task ?? defaultModelConfig.task;
    if (task !== 'lm')
      throw new SeqLabError(`a ${task} model trains on its task's file (taskTrainer.ts, conditional/)`);
    const config = validateModelConfig({ ...defaultModelConfig, ...modelOptions, vocabSize: V, classes: V });
    if (config.bidirectional) {
      throw new SeqLabError(
        'a bidirectional network cannot be a left-to-right language model (it would see the next token); use it for tagging or classification',
      );
    }
    const rng = new Rng(train.seed);
    const params = initParams(config, k, rng);
    const optimizer = createOptimizerState(train.optimizer, params.size, k);
    return new Trainer({ config, tokenizer, params }, train, k, text, rng, optimizer, null);
  }

  /** Continues a checkpoint's run on this text; `train` may change budgets and the learning rate. */
  static resume(ck: Checkpoint, text: string, trainOverrides: Partial<TrainConfig>, k: Backend): Trainer {
    if (!ck.training)
      throw new SeqLabError(
        'the checkpoint has no training state (it was saved for sampling only); start a new training instead',
      );
    const t = ck.training;
    const train = validateTrainConfig({ ...t.train, ...trainOverrides });
    if (train.optimizer !== t.optimizer.kind || train.level !== t.train.level) {
      throw new SeqLabError(
        "resume keeps the checkpoint's optimizer and tokenizer level; start a new training to change them",
      );
    }
    const fresh = buildTokenizer(text, train).spec.vocab;
    const known = new Set(ck.model.tokenizer.spec.vocab);
    const unknown = fresh.filter((v) => !known.has(v));
    if (train.level === 'char' && unknown.length > 0) {
      throw new SeqLabError(
        `cannot resume: the text uses ${unknown.length} character(s) the checkpoint's vocabulary does not have (${unknown
          .slice(0, 8)
          .map((c) => JSON.stringify(c))
          .join(', ')}); train a new model on this text instead`,
      );
    }
    return new Trainer(ck.model, train, k, text, new Rng(t.rng), t.optimizer, t);
  }

  lr(): number {
    return learningRate(this.train.lr, this.train.lrDecay, this.train.lrDecayEvery, this.step);
  }

  /** One window: forward, loss, BPTT, clip, update. Throws DivergedError (weights untouched) on NaN/Inf or divergence. */
  trainStep(): StepResult {
    const { net, model } = this;
    if (this.batcher.next(this.inputs, this.targets)) net.resetState();
    net.forward(this.inputs, this.train.seqLength, true);
    const loss = net.loss(this.targets);
    const g = model.params.grad;
    g.fill(0);
    net.backward();
    const gradNorm = globalNorm(g, this.k);
    const limit = Math.max(3 * Math.log(model.config.vocabSize), 10);
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm) || (this.step > 10 && loss > limit)) {
      throw new DivergedError(this.step + 1, loss);
    }
    const clipped = clipGradients(g, gradNorm, this.train.clip, this.k);
    if (clipped) this.clipEvents.push({ step: this.step + 1, norm: gradNorm });
    const lr = this.lr();
    applyUpdate(this.optimizer, model.params.data, g, lr, this.train.momentum, this.k);
    net.carryState();
    this.step++;
    return { loss, gradNorm, clipped, lr };
  }

  /** Validation loss (nats per token) over the held-out end of the text, or null without one. */
  validate(): number | null {
    if (this.val.length < 3) return null;
    return evaluateTokens(this.model, this.k, this.val, this.train.batchSize, this.train.seqLength).loss;
  }

  /** The diagnostics of a fixed window of the validation text (T = min(diagnose's default, seqLength)), now. */
  snapshot(): TrainingSnapshot {
    const T = Math.min(OPTIONS.diagnoseSteps.default, this.train.seqLength);
    this.snapshots ??= new SnapshotRecorder(this.model, this.k, this.val, T);
    return this.snapshots.record(this.step);
  }

  checkpoint(): Checkpoint {
    return {
      model: this.model,
      training: {
        train: this.train,
        step: this.step,
        rng: this.rng.state(),
        optimizer: this.optimizer,
        position: this.batcher.position,
        textHash: this.textHash,
        hidden: this.net.stateVectors(),
      },
    };
  }

  /** Trains until the step or time budget is spent or shouldStop() says so. */
  async run(hooks: RunHooks = {}): Promise<RunResult> {
    const { train } = this;
    const start = performance.now(),
      firstStep = this.step;
    const totalSteps = train.steps > 0 ? firstStep + train.steps : 0;
    const tokensPerStep = train.batchSize * train.seqLength;
    let valLoss: number | null = null,
      stopped = false;
    const done = () =>
      (totalSteps > 0 && this.step >= totalSteps) ||
      (train.seconds > 0 && (performance.now() - start) / 1000 >= train.seconds);
    while (!done()) {
      if (hooks.shouldStop?.()) {
        stopped = true;
        break;
      }
      const r = this.trainStep();
      const elapsed = (performance.now() - start) / 1000;
      const stepsDone = this.step - firstStep;
      const last = done();
      const evalNow = last || this.step % train.evalEvery === 0;
      const validationStart = performance.now();
      const v = evalNow ? this.validate() : null;
      if (v !== null) valLoss = v;
      if (v !== null && hooks.onSnapshot) hooks.onSnapshot(this.snapshot());
      if (evalNow) this.validationSeconds += (performance.now() - validationStart) / 1000;
      const rate = stepsDone / Math.max(elapsed, 1e-9);
      const eta = totalSteps > 0 ? (totalSteps - this.step) / rate : Math.max(0, train.seconds - elapsed);
      hooks.onProgress?.({
        step: this.step,
        totalSteps,
        loss: r.loss,
        valLoss: v,
        charsPerSec: (stepsDone * tokensPerStep) / Math.max(elapsed, 1e-9),
        etaSeconds: eta,
        lr: r.lr,
        gradNorm: r.gradNorm,
        clipped: r.clipped,
        elapsedSeconds: elapsed,
      });
      if (hooks.onCheckpoint && hooks.checkpointEvery && this.step % hooks.checkpointEvery === 0)
        hooks.onCheckpoint(this.checkpoint());
      if (hooks.yieldBetweenSteps) await new Promise((resolve) => setImmediate(resolve));
    }
    hooks.onCheckpoint?.(this.checkpoint());
    const elapsed = (performance.now() - start) / 1000;
    return {
      steps: this.step - firstStep,
      stopped,
      valLoss,
      charsPerSec: ((this.step - firstStep) * tokensPerStep) / Math.max(elapsed, 1e-9),
      clipEvents: this.clipEvents,
    };
  }
}
