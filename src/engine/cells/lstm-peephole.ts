// LSTM with peephole connections (Gers & Schmidhuber 2000): the gates also look at the memory cell,
// through per-unit (diagonal) weights p_u, p_f, p_o. Gate order as the LSTM's (PyTorch i, f, g, o):
//   Γu = σ(W_ii x<t> + W_hi a<t-1> + b + p_u ⊙ c<t-1>)    update ("input") gate, sees c<t-1>
//   Γf = σ(W_if x<t> + W_hf a<t-1> + b + p_f ⊙ c<t-1>)    forget gate, sees c<t-1>
//   c̃<t> = tanh(W_ig x<t> + W_hg a<t-1> + b)              candidate (no peephole)
//   c<t> = Γu * c̃<t> + Γf * c<t-1>
//   Γo = σ(W_io x<t> + W_ho a<t-1> + b + p_o ⊙ c<t>)      output gate, sees the new c<t>
//   a<t> = Γo * tanh(c<t>)
// w.peep is [3·H] = p_u ‖ p_f ‖ p_o. extra keeps tanh(c<t>). PyTorch has no such cell (no export).

import { CellOps, MatrixOps } from '../backend';
import { CellBuffers, CellWeights, Vec } from '../types';
import { addIncoming, Cell, fillRows, sumRows } from './cell';
import { lstmCell } from './lstm';

function forward(k: MatrixOps, w: CellWeights, s: CellBuffers, xw: Vec, T: number, B: number, H: number): void {
  const G = 4 * H,
    BH = B * H,
    p = w.peep;
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
        const cPrev = s.c[ho + j]; // c<t-1>
        const u = 1 / (1 + Math.exp(-(pre[g0 + j] + xw[go + j] + p[j] * cPrev))); // Γu
        const f = 1 / (1 + Math.exp(-(pre[g0 + H + j] + xw[go + H + j] + p[H + j] * cPrev))); // Γf
        const cc = Math.tanh(pre[g0 + 2 * H + j] + xw[go + 2 * H + j]); // c̃<t>
        const c = u * cc + f * cPrev; // c<t> = Γu*c̃<t> + Γf*c<t-1>
        const o = 1 / (1 + Math.exp(-(pre[g0 + 3 * H + j] + xw[go + 3 * H + j] + p[2 * H + j] * c))); // Γo
        const tc = Math.tanh(c);
        s.gates[go + j] = u;
        s.gates[go + H + j] = f;
        s.gates[go + 2 * H + j] = cc;
        s.gates[go + 3 * H + j] = o;
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
    BH = B * H,
    p = w.peep,
    dp = w.dpeep;
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
          cPrev = s.c[ho + j],
          c = s.c[ho + BH + j],
          dhj = dh[bo + j];
        const dOut = dhj * tc * o * (1 - o); // through Γo
        // ∂L/∂c<t>: from c<t+1>, through tanh(c<t>) into a<t>, and through the peephole p_o into Γo
        const dcj = dc[bo + j] + dhj * o * (1 - tc * tc) + dOut * p[2 * H + j];
        dcSquares += dcj * dcj;
        const dUpd = dcj * cc * u * (1 - u); // through Γu
        const dFgt = dcj * cPrev * f * (1 - f); // through Γf
        dpre[go + j] = dUpd;
        dpre[go + H + j] = dFgt;
        dpre[go + 2 * H + j] = dcj * u * (1 - cc * cc); // through c̃<t>
        dpre[go + 3 * H + j] = dOut;
        dp[j] += dUpd * cPrev; // ∂L/∂p_u
        dp[H + j] += dFgt * cPrev; // ∂L/∂p_f
        dp[2 * H + j] += dOut * c; // ∂L/∂p_o
        // ∂L/∂c<t-1>: through Γf * c<t-1>, and through the peepholes p_u, p_f into Γu, Γf
        dc[bo + j] = dcj * f + dUpd * p[j] + dFgt * p[H + j];
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

export const lstmPeepholeCell: Cell = {
  kind: 'lstm',
  name: 'lstmPeephole',
  gates: 4,
  gateBlocks: lstmCell.gateBlocks, // the LSTM's gates, read the same way
  hasCellState: true,
  peephole: true,
};

/** The reference peephole LSTM on the matrix products of `k` (no backend has a kernel for it). */
export function lstmPeepholeOps(k: MatrixOps): CellOps {
  return {
    forward: (w, s, xw, T, B, H) => forward(k, w, s, xw, T, B, H),
    backward: (w, s, dhs, T, B, H) => backward(k, w, s, dhs, T, B, H),
    backwardWithNorms: (w, s, dhs, T, B, H, dhNorms, cellNorms) => backward(k, w, s, dhs, T, B, H, dhNorms, cellNorms),
  };
}
