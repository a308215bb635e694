// What every recurrent cell provides: a forward and a backward pass over a window of T steps
// for B parallel streams, on flat arrays laid out time-major: index ((t·B) + b)·F + f.
//
// The layer precomputes xw<t> = W_ih·x<t> + b_ih for the whole window (one big matrix product);
// the cell adds the recurrent part W_hh·a<t-1> + b_hh step by step and applies its gates.

import { Backend } from '../kernels';
import { Vec } from '../tensor';

export interface CellWeights {
  whh: Vec;  // [G·H, H]   W_hh (PyTorch weight_hh_l*)
  bhh: Vec;  // [G·H]      b_hh
  dwhh: Vec; // gradients, accumulated
  dbhh: Vec;
}

/** Per-direction buffers, sized for the longest window. */
export interface CellBuffers {
  h: Vec;      // [(T+1)·B·H]  a<0> … a<T>          (block 0 is the initial state)
  c: Vec;      // [(T+1)·B·H]  c<0> … c<T>          (LSTM only; empty otherwise)
  gates: Vec;  // [T·B·G·H]    activated gate values (diagnostics read them)
  extra: Vec;  // [T·B·H]      what a cell keeps for its backward pass (see each cell)
  dxw: Vec;    // [T·B·G·H]    ∂L/∂xw<t>: gradient of the input-side pre-activations
  dhh: Vec;    // [T·B·G·H]    ∂L/∂(recurrent pre-activations); equals dxw except in the GRU
  dh: Vec;     // [B·H]        running ∂L/∂a<t>; after backward: ∂L/∂a<0>
  dc: Vec;     // [B·H]        running ∂L/∂c<t> (LSTM)
  tmp: Vec;    // [B·G·H]      scratch
}

export interface Cell {
  readonly kind: string;
  /** G: how many H-row blocks W_ih and W_hh have. */
  readonly gates: number;
  /** Names of the gates in course notation, in row-block order (for diagnostics). */
  readonly gateNames: readonly string[];
  readonly hasCellState: boolean;
  forward(k: Backend, w: CellWeights, s: CellBuffers, xw: Vec, T: number, B: number, H: number): void;
  /**
   * dhs: ∂L/∂a<t> arriving from above (the head or the next layer), [T·B·H].
   * Fills s.dxw, accumulates w.dwhh and w.dbhh, leaves ∂L/∂a<0> in s.dh.
   * dhNorms, when given, receives ‖∂L/∂a<t>‖ for t = 1…T (the vanishing-gradient curve).
   */
  backward(k: Backend, w: CellWeights, s: CellBuffers, dhs: Vec, T: number, B: number, H: number, dhNorms?: Float64Array): void;
}

/** rows[i·n + j] = bias[j]: start every row of a pre-activation block from its bias. */
export function fillRows(rows: Vec, bias: Vec, m: number, n: number): void {
  for (let i = 0; i < m; i++) rows.set(bias, i * n);
}

/** db[j] += Σ_i d[i·n + j] */
export function sumRows(db: Vec, d: Vec, m: number, n: number, from = 0): void {
  for (let i = 0; i < m; i++) {
    const o = from + i * n;
    for (let j = 0; j < n; j++) db[j] += d[o + j];
  }
}

/** Adds the gradient arriving from above at step t to the running ∂L/∂a<t> and records its norm. */
export function addIncoming(s: CellBuffers, dhs: Vec, t: number, BH: number, dhNorms?: Float64Array): void {
  const dh = s.dh, o = t * BH;
  let sq = 0;
  for (let i = 0; i < BH; i++) {
    dh[i] += dhs[o + i];
    sq += dh[i] * dh[i];
  }
  if (dhNorms) dhNorms[t] = Math.sqrt(sq);
}
