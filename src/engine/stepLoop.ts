// What the trainers of whole sequences share (tasks, the conditioned language model, the
// encoder–decoder): the update after backpropagation, and the step loop over a step or time budget
// that reports through the language model's hooks (train.ts RunHooks).

import { Backend } from './backend';
import { Checkpoint } from './checkpoint';
import { TrainConfig } from './config';
import { applyUpdate, clipGradients, globalNorm, learningRate, OptimizerState } from './optim';
import { ProgressPoint } from './reports';
import { DivergedError, RunHooks } from './train';
import { Vec } from './types';

export interface SequenceStep {
  loss: number;
  gradNorm: number; // before clipping
  clipped: boolean;
  lr: number;
  tokens: number; // the tokens the step predicted
}

/**
 * After BPTT has filled params' gradient g for the step after `step`: ‖g‖, a DivergedError (weights
 * untouched) on NaN/Inf, clipping at train.clip, and the optimizer's update at the step's learning rate.
 */
export function applyStep(
  train: TrainConfig,
  step: number,
  loss: number,
  g: Vec,
  weights: Vec,
  optimizer: OptimizerState,
  k: Backend,
): Omit<SequenceStep, 'loss' | 'tokens'> {
  const gradNorm = globalNorm(g, k);
  if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) throw new DivergedError(step + 1, loss);
  const clipped = clipGradients(g, gradNorm, train.clip, k);
  const lr = learningRate(train.lr, train.lrDecay, train.lrDecayEvery, step);
  applyUpdate(optimizer, weights, g, lr, train.momentum, k);
  return { gradNorm, clipped, lr };
}

/** A trainer the loop drives: its step count, its budget, one step, and the checkpoint to save. */
export interface SequenceTrainer {
  step: number;
  readonly train: TrainConfig;
  trainStep(): SequenceStep;
  checkpoint(): Checkpoint;
}

/**
 * Trains until the step or time budget is spent or hooks.shouldStop() says so. validate runs after
 * every evalEvery-th step and the last; its `loss` is the point's valLoss (null: none), and
 * afterValidation gets it after the step's progress point.
 */
export async function runSteps<V extends { loss: number | null }>(
  t: SequenceTrainer,
  hooks: RunHooks,
  validate: () => V | null,
  afterValidation?: (v: V) => void,
): Promise<{ steps: number; stopped: boolean; valLoss: number | null }> {
  const { train } = t;
  const start = performance.now(),
    firstStep = t.step,
    totalSteps = train.steps > 0 ? firstStep + train.steps : 0;
  const done = () =>
    (totalSteps > 0 && t.step >= totalSteps) ||
    (train.seconds > 0 && (performance.now() - start) / 1000 >= train.seconds);
  let valLoss: number | null = null,
    stopped = false,
    tokens = 0;
  while (!done()) {
    if (hooks.shouldStop?.()) {
      stopped = true;
      break;
    }
    const r = t.trainStep();
    tokens += r.tokens;
    const elapsed = (performance.now() - start) / 1000;
    const validation = done() || t.step % train.evalEvery === 0 ? validate() : null;
    const v = validation?.loss ?? null;
    if (v !== null) valLoss = v;
    const rate = (t.step - firstStep) / Math.max(elapsed, 1e-9);
    const point: ProgressPoint = {
      step: t.step,
      totalSteps,
      loss: r.loss,
      valLoss: v,
      charsPerSec: tokens / Math.max(elapsed, 1e-9),
      etaSeconds: totalSteps > 0 ? (totalSteps - t.step) / rate : Math.max(0, train.seconds - elapsed),
      lr: r.lr,
      gradNorm: r.gradNorm,
      clipped: r.clipped,
      elapsedSeconds: elapsed,
    };
    hooks.onProgress?.(point);
    if (validation && afterValidation) afterValidation(validation);
    if (hooks.onCheckpoint && hooks.checkpointEvery && t.step % hooks.checkpointEvery === 0)
      hooks.onCheckpoint(t.checkpoint());
    if (hooks.yieldBetweenSteps) await new Promise((resolve) => setImmediate(resolve));
  }
  hooks.onCheckpoint?.(t.checkpoint());
  return { steps: t.step - firstStep, stopped, valLoss };
}
