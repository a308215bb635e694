// LSTM cell (PyTorch gate order i, f, g, o):
//   Γu = σ(W_ii x<t> + W_hi a<t-1> + b)      update ("input") gate       PyTorch i
//   Γf = σ(W_if x<t> + W_hf a<t-1> + b)      forget gate                 PyTorch f
//   c̃<t> = tanh(W_ig x<t> + W_hg a<t-1> + b)  candidate                   PyTorch g
//   Γo = σ(W_io x<t> + W_ho a<t-1> + b)      output gate                 PyTorch o
//   c<t> = Γu * c̃<t> + Γf * c<t-1>                                       PyTorch c' = i*g + f*c
//   a<t> = Γo * tanh(c<t>)                                               PyTorch h' = o*tanh(c')
// extra keeps tanh(c<t>).

import { CellOps, MatrixOps } from '../backend';
import { CellBuffers, CellWeights, Vec } from '../types';
import { addIncoming, candidateBlock, Cell, fillRows, sigmoidGate, sumRows } from './cell';

function forward(k: MatrixOps, w: CellWeights, s: CellBuffers, xw: Vec, T: number, B: number, H: number): void {
  const G = 4 * H,
    BH = B * H;
  const pre = s.tmp;
  for (let t = 0; t < T; t++) {
    // pre = W_hh·a<t-1> + b_hh + xw<t>
    fillRows(pre, w.bhh, B, G);
    k.gemmNT(pre, s.h.subarray(t * BH, (t + 1) * BH), w.whh, B, G, H);
    const xo = t * B * G;
    for (let b = 0; b < B; b++) {
      const g0 = b * G,
        go = xo + g0,
        ho = t * BH + b * H;
      for (let j = 0; j < H; j++) {
        const u = 1 / (1 + Math.exp(-(pre[g0 + j] + xw[go + j]))); // Γu
        const f = 1 / (1 + Math.exp(-(pre[g0 + H + j] + xw[go + H + j]))); // Γf
        const cc = Math.tanh(pre[g0 + 2 * H + j] + xw[go + 2 * H + j]); // c̃<t>
        const o = 1 / (1 + Math.exp(-(pre[g0 + 3 * H + j] + xw[go + 3 * H + j]))); // Γo
        s.gates[go + j] = u;
        s.gates[go + H + j] = f;
        s.gates[go + 2 * H + j] = cc;
        s.gates[go + 3 * H + j] = o;
        const c = u * cc + f * s.c[ho + j]; // c<t> = Γu*c̃<t> + Γf*c<t-1>
        const tc = Math.tanh(c);
        s.c[ho + BH + j] = c;
        s.extra[ho + j] = tc;
        s.h[ho + BH + j] = o * tc; // a<t> = Γo*tanh(c<t>)
      }
    }
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
  cellNorms?: Float64Array,
): void {
  const G = 4 * H,
    BH = B * H;
  const dh = s.dh,
    dc = s.dc,
    dpre = s.dxw;
  dh.fill(0);
  dc.fill(0);
  for (let t = T - 1; t >= 0; t--) {
    addIncoming(s, dhs, t, BH, dhNorms);
    const xo = t * B * G;
    let dcSquares = 0;
    for (let b = 0; b < B; b++) {
      const go = xo + b * G,
        ho = t * BH + b * H,
        bo = b * H;
      for (let j = 0; j < H; j++) {
        const u = s.gates[go + j],
          f = s.gates[go + H + j],
          cc = s.gates[go + 2 * H + j],
          o = s.gates[go + 3 * H + j];
        const tc = s.extra[ho + j],
          dhj = dh[bo + j];
        const dcj = dc[bo + j] + dhj * o * (1 - tc * tc); // ∂L/∂c<t>
        dcSquares += dcj * dcj;
        dpre[go + j] = dcj * cc * u * (1 - u); // through Γu
        dpre[go + H + j] = dcj * s.c[ho + j] * f * (1 - f); // through Γf
        dpre[go + 2 * H + j] = dcj * u * (1 - cc * cc); // through c̃<t>
        dpre[go + 3 * H + j] = dhj * tc * o * (1 - o); // through Γo
        dc[bo + j] = dcj * f; // ∂L/∂c<t-1>
      }
    }
    if (cellNorms) cellNorms[t] = Math.sqrt(dcSquares); // ‖∂L/∂c<t>‖
    // ∂L/∂a<t-1> = W_hhᵀ·dpre<t>
    dh.fill(0);
    k.gemmNN(dh, dpre.subarray(xo, xo + B * G), w.whh, B, H, G);
  }
  // dW_hh = Σ_t dpre<t>ᵀ·a<t-1>, over the whole window at once
  k.gemmTN(w.dwhh, dpre, s.h, G, H, T * B);
  sumRows(w.dbhh, dpre, T * B, G);
}

export const lstmCell: Cell = {
  kind: 'lstm',
  name: 'lstm',
  gates: 4,
  gateBlocks: [sigmoidGate('Γu'), sigmoidGate('Γf'), candidateBlock, sigmoidGate('Γo')],
  hasCellState: true,
};

/** The reference LSTM on the matrix products of `k`. */
export function lstmOps(k: MatrixOps): CellOps {
  return {
    forward: (w, s, xw, T, B, H) => forward(k, w, s, xw, T, B, H),
    backward: (w, s, dhs, T, B, H) => backward(k, w, s, dhs, T, B, H),
    backwardWithNorms: (w, s, dhs, T, B, H, dhNorms, cellNorms) => backward(k, w, s, dhs, T, B, H, dhNorms, cellNorms),
  };
}
