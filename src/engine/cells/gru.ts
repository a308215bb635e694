// GRU cell, both forms. Row blocks of W_ih / W_hh: [Γr | Γu-side | c̃], as PyTorch's [r | z | n].
//
// "torch" (PyTorch/cuDNN, reset *after* the recurrent product), parity-tested against nn.GRU:
//   Γr = σ(W_ir x + b_ir + W_hr a<t-1> + b_hr)                      r
//   z  = σ(W_iz x + b_iz + W_hz a<t-1> + b_hz)                      z = 1 − Γu
//   c̃<t> = tanh(W_in x + b_in + Γr * (W_hn a<t-1> + b_hn))          n
//   a<t> = (1 − z) * c̃<t> + z * a<t-1>                              h' = (1−z)*n + z*h
//   extra keeps W_hn a<t-1> + b_hn.
//
// "course" (the original GRU, reset *before*; c<t> = a<t>):
//   Γr = σ(Wr[c<t-1>, x<t>] + br),  Γu = σ(Wu[c<t-1>, x<t>] + bu)
//   c̃<t> = tanh(Wc[Γr * c<t-1>, x<t>] + bc)
//   c<t> = Γu * c̃<t> + (1 − Γu) * c<t-1>
//   extra keeps Γr * c<t-1>.  dhh holds [T·B·2H] for Γr,Γu then [T·B·H] for c̃.

import { CellOps, MatrixOps } from '../backend';
import { CellBuffers, CellWeights, GruForm, Vec } from '../types';
import { addIncoming, candidateBlock, Cell, fillRows, sigmoidGate, sumRows } from './cell';

const sig = (x: number) => 1 / (1 + Math.exp(-x));

function forwardTorch(k: MatrixOps, w: CellWeights, s: CellBuffers, xw: Vec, T: number, B: number, H: number): void {
  const G = 3 * H,
    BH = B * H,
    pre = s.tmp;
  for (let t = 0; t < T; t++) {
    fillRows(pre, w.bhh, B, G);
    k.gemmNT(pre, s.h.subarray(t * BH, (t + 1) * BH), w.whh, B, G, H);
    for (let b = 0; b < B; b++) {
      const p = b * G,
        x = t * B * G + p,
        ho = t * BH + b * H;
      for (let j = 0; j < H; j++) {
        const r = sig(xw[x + j] + pre[p + j]);
        const z = sig(xw[x + H + j] + pre[p + H + j]);
        const hn = pre[p + 2 * H + j];
        const n = Math.tanh(xw[x + 2 * H + j] + r * hn);
        s.gates[x + j] = r;
        s.gates[x + H + j] = z;
        s.gates[x + 2 * H + j] = n;
        s.extra[ho + j] = hn;
        s.h[ho + BH + j] = (1 - z) * n + z * s.h[ho + j];
      }
    }
  }
}

function backwardTorch(
  k: MatrixOps,
  w: CellWeights,
  s: CellBuffers,
  dhs: Vec,
  T: number,
  B: number,
  H: number,
  dhNorms?: Float64Array,
): void {
  const G = 3 * H,
    BH = B * H,
    dh = s.dh,
    dx = s.dxw,
    dhh = s.dhh,
    carry = s.tmp;
  dh.fill(0);
  for (let t = T - 1; t >= 0; t--) {
    addIncoming(s, dhs, t, BH, dhNorms);
    for (let b = 0; b < B; b++) {
      const x = t * B * G + b * G,
        ho = t * BH + b * H,
        bo = b * H;
      for (let j = 0; j < H; j++) {
        const r = s.gates[x + j],
          z = s.gates[x + H + j],
          n = s.gates[x + 2 * H + j];
        const d = dh[bo + j],
          hp = s.h[ho + j];
        const dn = d * (1 - z) * (1 - n * n); // ∂L/∂(n pre-activation)
        const dr = dn * s.extra[ho + j] * r * (1 - r);
        const dz = d * (hp - n) * z * (1 - z);
        dx[x + j] = dr;
        dx[x + H + j] = dz;
        dx[x + 2 * H + j] = dn;
        dhh[x + j] = dr;
        dhh[x + H + j] = dz;
        dhh[x + 2 * H + j] = dn * r;
        carry[bo + j] = d * z; // a<t-1> kept through z
      }
    }
    dh.set(carry.subarray(0, BH));
    k.gemmNN(dh, dhh.subarray(t * B * G, (t + 1) * B * G), w.whh, B, H, G);
  }
  k.gemmTN(w.dwhh, dhh, s.h, G, H, T * B);
  sumRows(w.dbhh, dhh, T * B, G);
}

function forwardCourse(k: MatrixOps, w: CellWeights, s: CellBuffers, xw: Vec, T: number, B: number, H: number): void {
  const G = 3 * H,
    BH = B * H,
    H2 = 2 * H;
  const preRU = s.tmp.subarray(0, B * H2),
    preC = s.tmp.subarray(B * H2, B * G);
  const whhRU = w.whh.subarray(0, H2 * H),
    whhC = w.whh.subarray(H2 * H);
  const bhhRU = w.bhh.subarray(0, H2),
    bhhC = w.bhh.subarray(H2);
  for (let t = 0; t < T; t++) {
    const hPrev = s.h.subarray(t * BH, (t + 1) * BH),
      rh = s.extra.subarray(t * BH, (t + 1) * BH);
    fillRows(preRU, bhhRU, B, H2);
    k.gemmNT(preRU, hPrev, whhRU, B, H2, H);
    for (let b = 0; b < B; b++) {
      const x = t * B * G + b * G;
      for (let j = 0; j < H; j++) {
        const r = sig(xw[x + j] + preRU[b * H2 + j]); // Γr
        const u = sig(xw[x + H + j] + preRU[b * H2 + H + j]); // Γu
        s.gates[x + j] = r;
        s.gates[x + H + j] = u;
        rh[b * H + j] = r * hPrev[b * H + j]; // Γr * c<t-1>
      }
    }
    fillRows(preC, bhhC, B, H);
    k.gemmNT(preC, rh, whhC, B, H, H);
    for (let b = 0; b < B; b++) {
      const x = t * B * G + b * G,
        ho = t * BH + b * H;
      for (let j = 0; j < H; j++) {
        const cc = Math.tanh(xw[x + 2 * H + j] + preC[b * H + j]); // c̃<t>
        const u = s.gates[x + H + j];
        s.gates[x + 2 * H + j] = cc;
        s.h[ho + BH + j] = u * cc + (1 - u) * s.h[ho + j]; // c<t> = Γu*c̃<t> + (1−Γu)*c<t-1>
      }
    }
  }
}

function backwardCourse(
  k: MatrixOps,
  w: CellWeights,
  s: CellBuffers,
  dhs: Vec,
  T: number,
  B: number,
  H: number,
  dhNorms?: Float64Array,
): void {
  const G = 3 * H,
    BH = B * H,
    H2 = 2 * H,
    TB = T * B;
  const dh = s.dh,
    dx = s.dxw;
  const dRU = s.dhh.subarray(0, TB * H2),
    dC = s.dhh.subarray(TB * H2, TB * G);
  const whhRU = w.whh.subarray(0, H2 * H),
    whhC = w.whh.subarray(H2 * H);
  const drh = s.tmp.subarray(0, BH),
    carry = s.tmp.subarray(BH, 2 * BH);
  dh.fill(0);
  for (let t = T - 1; t >= 0; t--) {
    addIncoming(s, dhs, t, BH, dhNorms);
    for (let b = 0; b < B; b++) {
      const x = t * B * G + b * G,
        ho = t * BH + b * H,
        bo = b * H;
      for (let j = 0; j < H; j++) {
        const u = s.gates[x + H + j],
          cc = s.gates[x + 2 * H + j],
          d = dh[bo + j];
        const dcc = d * u * (1 - cc * cc); // ∂L/∂(c̃ pre-activation)
        dx[x + 2 * H + j] = dcc;
        dC[t * BH + bo + j] = dcc;
        dx[x + H + j] = d * (cc - s.h[ho + j]) * u * (1 - u); // through Γu
        carry[bo + j] = d * (1 - u);
      }
    }
    drh.fill(0);
    k.gemmNN(drh, dC.subarray(t * BH, (t + 1) * BH), whhC, B, H, H); // ∂L/∂(Γr * c<t-1>)
    for (let b = 0; b < B; b++) {
      const x = t * B * G + b * G,
        ho = t * BH + b * H,
        bo = b * H,
        ru = (t * B + b) * H2;
      for (let j = 0; j < H; j++) {
        const r = s.gates[x + j];
        const dr = drh[bo + j] * s.h[ho + j] * r * (1 - r); // through Γr
        dx[x + j] = dr;
        dRU[ru + j] = dr;
        dRU[ru + H + j] = dx[x + H + j];
        carry[bo + j] += drh[bo + j] * r;
      }
    }
    dh.set(carry);
    k.gemmNN(dh, dRU.subarray(t * B * H2, (t + 1) * B * H2), whhRU, B, H, H2);
  }
  k.gemmTN(w.dwhh.subarray(0, H2 * H), dRU, s.h, H2, H, TB);
  k.gemmTN(w.dwhh.subarray(H2 * H), dC, s.extra, H, H, TB);
  sumRows(w.dbhh.subarray(0, H2), dRU, TB, H2);
  sumRows(w.dbhh.subarray(H2), dC, TB, H);
}

export function gruCell(form: GruForm): Cell {
  // Block 1 holds PyTorch's z = 1 − Γu in the torch form, Γu itself in the course form.
  const update = sigmoidGate('Γu', form === 'torch' ? 'complement' : 'quantity');
  return {
    kind: 'gru',
    name: form === 'torch' ? 'gru' : 'gruCourse',
    gates: 3,
    gateBlocks: [sigmoidGate('Γr'), update, candidateBlock],
    hasCellState: false,
  };
}

/** The reference GRU of either form on the matrix products of `k`. */
export function gruOps(k: MatrixOps, form: GruForm): CellOps {
  const [forward, backward] = form === 'torch' ? [forwardTorch, backwardTorch] : [forwardCourse, backwardCourse];
  return {
    forward: (w, s, xw, T, B, H) => forward(k, w, s, xw, T, B, H),
    backward: (w, s, dhs, T, B, H) => backward(k, w, s, dhs, T, B, H),
    backwardWithNorms: (w, s, dhs, T, B, H, dhNorms) => backward(k, w, s, dhs, T, B, H, dhNorms),
  };
}
