// What describes a recurrent cell, and the loops its reference code shares. A cell runs a forward and
// a backward pass over a window of T steps for B parallel streams, on flat arrays laid out time-major:
// index ((t·B) + b)·F + f (types.ts: CellWeights, CellBuffers). The backend runs them (CellOps in
// backend.ts); the TypeScript code in lstm.ts, lstm-peephole.ts, gru.ts and rnn.ts is their reference.
//
// The layer precomputes xw<t> = W_ih·x<t> + b_ih for the whole window (one big matrix product);
// the cell adds the recurrent part W_hh·a<t-1> + b_hh step by step and applies its gates.

import { CellName } from '../backend';
import { CellBuffers, CellKind, Vec } from '../types';

export interface Cell {
  readonly kind: CellKind;
  /** The backend's ops for this cell (backend.ts). */
  readonly name: CellName;
  /** G: how many H-row blocks W_ih and W_hh have. */
  readonly gates: number;
  /** What each row block of s.gates holds, in the course's terms, in row-block order (for diagnostics). */
  readonly gateBlocks: readonly GateBlock[];
  readonly hasCellState: boolean;
  /** Peephole connections: c<t-1> feeds Γu and Γf, c<t> feeds Γo, through per-unit weights (lstm-peephole.ts). */
  readonly peephole?: true;
}

/** One H-row block of a cell's activated gate values, read as the course's quantity. */
export interface GateBlock {
  readonly name: string; // course notation: Γu, Γf, Γo, Γr, c̃
  /** The block holds the quantity itself, or its complement 1 − quantity (PyTorch's GRU keeps z = 1 − Γu). */
  readonly stores: 'quantity' | 'complement';
  /** Where the quantity lives: [0, 1] for a gate σ(…), [−1, 1] for the candidate c̃<t> = tanh(…). */
  readonly range: readonly [number, number];
}

/** A gate Γ = σ(…) in [0, 1], stored as itself or as its complement. */
export const sigmoidGate = (name: string, stores: GateBlock['stores'] = 'quantity'): GateBlock => ({
  name,
  stores,
  range: [0, 1],
});

/** The candidate c̃<t> = tanh(…) in [−1, 1]. */
export const candidateBlock: GateBlock = { name: 'c̃', stores: 'quantity', range: [-1, 1] };

/** rows[i·n + j] = bias[j]: start every row of a pre-activation block from its bias. */
export function fillRows(rows: Vec, bias: Vec, m: number, n: number): void {
  for (let i = 0; i < m; i++) rows.set(bias, i * n);
}

/** db[j] += Σ_i d[i·n + j] */
export function sumRows(db: Vec, d: Vec, m: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const o = i * n;
    for (let j = 0; j < n; j++) db[j] += d[o + j];
  }
}

/** Adds the gradient arriving from above at step t to the running ∂L/∂a<t> and records its norm. */
export function addIncoming(s: CellBuffers, dhs: Vec, t: number, BH: number, dhNorms?: Float64Array): void {
  const dh = s.dh,
    o = t * BH;
  let sq = 0;
  for (let i = 0; i < BH; i++) {
    dh[i] += dhs[o + i];
    sq += dh[i] * dh[i];
  }
  if (dhNorms) dhNorms[t] = Math.sqrt(sq);
}
