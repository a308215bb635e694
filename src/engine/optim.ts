// Optimizers over the flat parameter buffer, with PyTorch's update rules and defaults,
// global-norm gradient clipping (torch.nn.utils.clip_grad_norm_) and step learning-rate decay.

import { OptimizerKind } from './config';
import { Backend } from './kernels';
import { Vec } from './tensor';

export interface OptimizerState {
  kind: OptimizerKind;
  t: number;        // updates applied
  m: Float32Array;  // sgd: momentum buffer; adam: first moment
  v: Float32Array;  // adam: second moment; rmsprop: square average; adagrad: sum of squares
}

export function createOptimizerState(kind: OptimizerKind, size: number): OptimizerState {
  return { kind, t: 0, m: new Float32Array(kind === 'sgd' || kind === 'adam' ? size : 0), v: new Float32Array(kind === 'sgd' ? 0 : size) };
}

export function globalNorm(g: Vec): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return Math.sqrt(s);
}

/** Scales g so its norm is at most maxNorm (0 = off). Returns whether it clipped. */
export function clipGradients(g: Vec, norm: number, maxNorm: number): boolean {
  if (maxNorm <= 0) return false;
  const coef = maxNorm / (norm + 1e-6);
  if (coef >= 1) return false;
  for (let i = 0; i < g.length; i++) g[i] *= coef;
  return true;
}

export function learningRate(base: number, decay: number, every: number, step: number): number {
  return base * Math.pow(decay, Math.floor(step / every));
}

/**
 * One update p ← p − lr·(…) of every parameter. With a backend `k` whose row kernels have Adam
 * (and m, v, p, g in its memory), Adam runs there, in float32; this loop is its reference.
 */
export function applyUpdate(s: OptimizerState, p: Vec, g: Vec, lr: number, momentum: number, k?: Backend): void {
  s.t++;
  const n = p.length, m = s.m, v = s.v;
  switch (s.kind) {
    case 'sgd': // v = μ·v + g;  p −= lr·v
      for (let i = 0; i < n; i++) {
        m[i] = momentum * m[i] + g[i];
        p[i] -= lr * m[i];
      }
      break;
    case 'adam': { // β1 = 0.9, β2 = 0.999, ε = 1e-8, bias-corrected
      const b1 = 0.9, b2 = 0.999, c1 = 1 - Math.pow(b1, s.t), c2 = Math.sqrt(1 - Math.pow(b2, s.t));
      if (k?.rows?.adamUpdate(p, g, m, v, lr, c1, c2)) break;
      for (let i = 0; i < n; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        p[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i]) / c2 + 1e-8);
      }
      break;
    }
    case 'rmsprop': // α = 0.99, ε = 1e-8
      for (let i = 0; i < n; i++) {
        v[i] = 0.99 * v[i] + 0.01 * g[i] * g[i];
        p[i] -= (lr * g[i]) / (Math.sqrt(v[i]) + 1e-8);
      }
      break;
    case 'adagrad': // ε = 1e-10
      for (let i = 0; i < n; i++) {
        v[i] += g[i] * g[i];
        p[i] -= (lr * g[i]) / (Math.sqrt(v[i]) + 1e-10);
      }
      break;
  }
}
