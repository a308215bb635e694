// Basic RNN cell:  a<t> = tanh(Waa·a<t-1> + Wax·x<t> + ba)
// PyTorch nn.RNN:  h' = tanh(W_ih x + b_ih + W_hh h + b_hh)   (Wax = W_ih, Waa = W_hh, ba = b_ih + b_hh)

import { CellOps, MatrixOps } from '../backend';
import { CellBuffers, CellWeights, Vec } from '../types';
import { addIncoming, Cell, fillRows, sumRows } from './cell';

function forward(k: MatrixOps, w: CellWeights, s: CellBuffers, xw: Vec, T: number, B: number, H: number): void {
  const BH = B * H;
  for (let t = 0; t < T; t++) {
    const next = s.h.subarray((t + 1) * BH, (t + 2) * BH);
    fillRows(next, w.bhh, B, H);
    k.gemmNT(next, s.h.subarray(t * BH, (t + 1) * BH), w.whh, B, H, H);
    for (let i = 0; i < BH; i++) next[i] = Math.tanh(next[i] + xw[t * BH + i]); // a<t>
  }
}

function backward(
  k: MatrixOps,
  w: CellWeights,
  s: CellBuffers,
  dhs: Vec,
  T: number,
  B: number,
  H: number,
  dhNorms?: Float64Array,
): void {
  const BH = B * H,
    dh = s.dh,
    dpre = s.dxw;
  dh.fill(0);
  for (let t = T - 1; t >= 0; t--) {
    addIncoming(s, dhs, t, BH, dhNorms);
    const o = t * BH,
      a = s.h;
    for (let i = 0; i < BH; i++) {
      const at = a[o + BH + i];
      dpre[o + i] = dh[i] * (1 - at * at); // ∂L/∂(pre-activation) = ∂L/∂a<t> · (1 − a<t>²)
    }
    dh.fill(0);
    k.gemmNN(dh, dpre.subarray(o, o + BH), w.whh, B, H, H); // ∂L/∂a<t-1> = Waaᵀ·dpre
  }
  k.gemmTN(w.dwhh, dpre, s.h, H, H, T * B);
  sumRows(w.dbhh, dpre, T * B, H);
}

export const rnnCell: Cell = { kind: 'rnn', name: 'rnn', gates: 1, gateBlocks: [], hasCellState: false };

/** The reference RNN on the matrix products of `k`. */
export function rnnOps(k: MatrixOps): CellOps {
  return {
    forward: (w, s, xw, T, B, H) => forward(k, w, s, xw, T, B, H),
    backward: (w, s, dhs, T, B, H) => backward(k, w, s, dhs, T, B, H),
    backwardWithNorms: (w, s, dhs, T, B, H, dhNorms) => backward(k, w, s, dhs, T, B, H, dhNorms),
  };
}
