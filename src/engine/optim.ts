// Optimizers over the flat parameter buffer, with PyTorch's update rules and defaults,
// global-norm gradient clipping (torch.nn.utils.clip_grad_norm_) and step learning-rate decay.

import { OptimizerKind } from './config';
import { Backend } from './backend';
import { Vec } from './types';

export interface OptimizerState {
  kind: OptimizerKind;
  t: number; // updates applied
  m: Vec; // sgd: momentum buffer; adam: first moment
  v: Vec; // adam: second moment; rmsprop: square average; adagrad: sum of squares
}

/** A fresh state for `size` parameters, its moments allocated by the backend that will update them. */
export function createOptimizerState(kind: OptimizerKind, size: number, k: Backend): OptimizerState {
  const m = k.alloc(kind === 'sgd' || kind === 'adam' ? size : 0),
    v = k.alloc(kind === 'sgd' ? 0 : size);
  return { kind, t: 0, m, v };
}

/** ‖g‖, the global norm of the gradients (an array of k's). */
export function globalNorm(g: Vec, k: Backend): number {
  return Math.sqrt(k.sumOfSquares(g));
}

/** Scales g so its norm is at most maxNorm (0 = off). Returns whether it clipped. */
export function clipGradients(g: Vec, norm: number, maxNorm: number, k: Backend): boolean {
  if (maxNorm <= 0) return false;
  const coef = maxNorm / (norm + 1e-6);
  if (coef >= 1) return false;
  k.scale(g, coef);
  return true;
}

export function learningRate(base: number, decay: number, every: number, step: number): number {
  return base * Math.pow(decay, Math.floor(step / every));
}

/** One update p ← p − lr·(…) of every parameter, by the backend's operation for the optimizer (backend.ts). */
export function applyUpdate(s: OptimizerState, p: Vec, g: Vec, lr: number, momentum: number, k: Backend): void {
  s.t++;
  switch (s.kind) {
    case 'sgd':
      k.sgdUpdate(p, g, s.m, lr, momentum);
      break;
    case 'adam': // bias corrections 1 − β1ᵗ and √(1 − β2ᵗ), β1 = 0.9, β2 = 0.999
      k.adamUpdate(p, g, s.m, s.v, lr, 1 - Math.pow(0.9, s.t), Math.sqrt(1 - Math.pow(0.999, s.t)));
      break;
    case 'rmsprop':
      k.rmspropUpdate(p, g, s.v, lr);
      break;
    case 'adagrad':
      k.adagradUpdate(p, g, s.v, lr);
      break;
  }
}
