// The read-out of a whole sequence for classification (many-to-one), from the top layer's outputs
// out [T·B·D·H] (time-major; a bidirectional row is forward a<t> ‖ backward a<t>):
//
//   last:  r = a<T>                          (one direction)
//          r = a→<T> ‖ a←<1>                 (bidirectional: each direction's final state)
//   mean:  r = (1/T) Σ_t a<t>
//
// then ŷ = softmax(Wy·r + by). Every sequence of a batch has the same length T (the batches are
// length buckets), so no step is padding.

import { Choices } from './options';
import { Vec } from './types';

export type Pool = Choices<'pool'>;

/** pooled [B·D·H] ← the read-out of out [T·B·D·H]. */
export function poolForward(pool: Pool, out: Vec, pooled: Vec, T: number, B: number, D: number, H: number): void {
  const W = D * H;
  if (pool === 'mean') {
    pooled.fill(0, 0, B * W);
    for (let t = 0; t < T; t++) for (let i = 0; i < B * W; i++) pooled[i] += out[t * B * W + i] / T;
    return;
  }
  for (let b = 0; b < B; b++) {
    // the forward direction's a<T>; the backward direction's final state is its output at t = 1
    pooled.set(out.subarray(((T - 1) * B + b) * W, ((T - 1) * B + b) * W + H), b * W);
    if (D === 2) pooled.set(out.subarray(b * W + H, (b + 1) * W), b * W + H);
  }
}

/** dOut [T·B·D·H] ← ∂L/∂out from dPooled [B·D·H] (dOut is overwritten). */
export function poolBackward(pool: Pool, dPooled: Vec, dOut: Vec, T: number, B: number, D: number, H: number): void {
  const W = D * H;
  if (pool === 'mean') {
    for (let t = 0; t < T; t++) for (let i = 0; i < B * W; i++) dOut[t * B * W + i] = dPooled[i] / T;
    return;
  }
  dOut.fill(0, 0, T * B * W);
  for (let b = 0; b < B; b++) {
    dOut.set(dPooled.subarray(b * W, b * W + H), ((T - 1) * B + b) * W);
    if (D === 2) dOut.set(dPooled.subarray(b * W + H, (b + 1) * W), b * W + H);
  }
}
