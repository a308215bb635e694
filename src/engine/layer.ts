// One recurrent layer: one direction, or two for a bidirectional layer (outputs concatenated
// forward ‖ backward, as PyTorch). The input projection W_ih·x<t> + b_ih is done for the whole
// window at once; one-hot input is a column gather of W_ih, never a multiplication.

import { Cell } from './cells/cell';
import { Backend, CellOps } from './backend';
import { directionSuffix, Params } from './params';
import { CellBuffers, CellWeights, Vec } from './types';

interface Direction {
  w: CellWeights;
  wih: Vec;
  dwih: Vec;
  bih: Vec;
  dbih: Vec;
  s: CellBuffers;
  xw: Vec; // [T·B·G·H]
  dhs: Vec; // [T·B·H] gradient arriving from above, in this direction's time order
  wihT: Vec; // [In·G·H] one-hot input: W_ihᵀ, so that column x of W_ih is one contiguous row (backward: dW_ihᵀ)
}

/** Reverses the order of T blocks of n numbers, in place. */
function reverseBlocks(v: Vec, T: number, n: number): void {
  for (let a = 0, b = T - 1; a < b; a++, b--) {
    for (let i = 0; i < n; i++) {
      const x = v[a * n + i];
      v[a * n + i] = v[b * n + i];
      v[b * n + i] = x;
    }
  }
}

export class RecurrentLayer {
  readonly dirs: Direction[] = [];
  readonly out: Vec; // [T·B·D·H] (bidirectional only; one direction exposes its h directly)
  readonly dIn: Vec; // [T·B·In] ∂L/∂input (empty when the input is one-hot)
  /** The streams of the current window, at most maxB (the buffers' size); the network sets it per window. */
  B: number;
  private readonly ops: CellOps;

  constructor(
    k: Backend,
    params: Params,
    readonly cell: Cell,
    readonly index: number,
    readonly inSize: number,
    readonly oneHot: boolean,
    readonly H: number,
    readonly D: number,
    readonly maxT: number,
    readonly maxB: number,
    prefix = '', // before the PyTorch names, e.g. "encoder." for "encoder.rnn.weight_ih_l0"
  ) {
    this.B = maxB;
    const G = cell.gates * H,
      B = maxB,
      TB = maxT * B;
    this.ops = k.cells[cell.name];
    for (let d = 0; d < D; d++) {
      const sfx = `_l${index}${directionSuffix(d)}`,
        rnn = `${prefix}rnn`;
      this.dirs.push({
        w: {
          whh: params.value(`${rnn}.weight_hh${sfx}`),
          bhh: params.value(`${rnn}.bias_hh${sfx}`),
          dwhh: params.gradient(`${rnn}.weight_hh${sfx}`),
          dbhh: params.gradient(`${rnn}.bias_hh${sfx}`),
          peep: cell.peephole ? params.value(`${rnn}.weight_peephole${sfx}`) : k.alloc(0),
          dpeep: cell.peephole ? params.gradient(`${rnn}.weight_peephole${sfx}`) : k.alloc(0),
        },
        wih: params.value(`${rnn}.weight_ih${sfx}`),
        dwih: params.gradient(`${rnn}.weight_ih${sfx}`),
        bih: params.value(`${rnn}.bias_ih${sfx}`),
        dbih: params.gradient(`${rnn}.bias_ih${sfx}`),
        s: {
          h: k.alloc((maxT + 1) * B * H),
          c: k.alloc(cell.hasCellState ? (maxT + 1) * B * H : 0),
          gates: k.alloc(TB * G),
          extra: k.alloc(TB * H),
          dxw: k.alloc(TB * G),
          dhh: k.alloc(cell.kind === 'gru' ? TB * G : 0),
          dh: k.alloc(B * H),
          dc: k.alloc(B * H),
          tmp: k.alloc(B * G),
        },
        xw: k.alloc(TB * G),
        dhs: k.alloc(D === 1 ? 0 : TB * H),
        wihT: k.alloc(oneHot && TB >= inSize ? inSize * G : 0),
      });
    }
    this.out = k.alloc(D === 1 ? 0 : TB * D * H);
    this.dIn = k.alloc(oneHot ? 0 : TB * inSize);
  }

  /** Output a<1…T> of this layer, [T·B·D·H]. */
  output(T: number): Vec {
    const BH = this.B * this.H;
    return this.D === 1 ? this.dirs[0].s.h.subarray(BH, (T + 1) * BH) : this.out.subarray(0, T * BH * 2);
  }

  /** x: [T·B·In] dense input, or ids: [T·B] token indices for one-hot input (−1: a zero vector). */
  forward(k: Backend, x: Vec | null, ids: Int32Array | null, T: number): Vec {
    const { B, H, D, cell } = this,
      G = cell.gates * H,
      TB = T * B,
      In = this.inSize;
    for (let d = 0; d < D; d++) {
      const dir = this.dirs[d],
        xw = dir.xw;
      if (ids && TB >= In && dir.wihT.length) {
        // Long windows: transpose W_ih once, then row r is b_ih + row ids[r] of W_ihᵀ (contiguous).
        k.transpose(dir.wihT, dir.wih, G, In, false);
        k.gatherRows(xw, dir.wihT, dir.bih, ids, TB, G);
      } else if (ids) {
        for (let r = 0; r < TB; r++) {
          const col = ids[r],
            o = r * G;
          xw.set(dir.bih, o);
          if (col < 0) continue; // x<t> = 0 (sampling with no primer)
          for (let j = 0; j < G; j++) xw[o + j] += dir.wih[j * In + col];
        }
      } else {
        for (let r = 0; r < TB; r++) xw.set(dir.bih, r * G);
        k.gemmNT(xw, x!, dir.wih, TB, G, In);
      }
      if (d === 1) reverseBlocks(xw, T, B * G);
      this.ops.forward(dir.w, dir.s, xw, T, B, H);
    }
    if (D === 2) {
      for (let d = 0; d < 2; d++) {
        const h = this.dirs[d].s.h;
        for (let t = 0; t < T; t++) {
          const src = ((d === 0 ? t : T - 1 - t) + 1) * B * H;
          for (let b = 0; b < B; b++)
            this.out.set(h.subarray(src + b * H, src + (b + 1) * H), (t * B + b) * 2 * H + d * H);
        }
      }
    }
    return this.output(T);
  }

  /**
   * dOut: ∂L/∂output [T·B·D·H]. Accumulates parameter gradients; fills dIn when the input is dense.
   * dhNorms[d], when given, receives ‖∂L/∂a<t>‖ per step for direction d; cellNorms[d] (with dhNorms, for a cell
   * with a memory cell) ‖∂L/∂c<t>‖.
   */
  backward(
    k: Backend,
    x: Vec | null,
    ids: Int32Array | null,
    dOut: Vec,
    T: number,
    dhNorms?: Float64Array[],
    cellNorms?: Float64Array[],
  ): void {
    const { B, H, D, cell } = this,
      G = cell.gates * H,
      TB = T * B,
      In = this.inSize;
    if (!this.oneHot) this.dIn.fill(0, 0, TB * In);
    for (let d = 0; d < D; d++) {
      const dir = this.dirs[d];
      let dhs = dOut;
      if (D === 2) {
        dhs = dir.dhs;
        for (let t = 0; t < T; t++) {
          const tt = d === 0 ? t : T - 1 - t;
          for (let b = 0; b < B; b++) {
            const src = (t * B + b) * 2 * H + d * H;
            dhs.set(dOut.subarray(src, src + H), (tt * B + b) * H);
          }
        }
      }
      const norms = dhNorms?.[d];
      if (norms) this.ops.backwardWithNorms(dir.w, dir.s, dhs, T, B, H, norms, cellNorms?.[d]);
      else this.ops.backward(dir.w, dir.s, dhs, T, B, H);
      const dxw = dir.s.dxw.subarray(0, TB * G);
      if (d === 1) reverseBlocks(dxw, T, B * G);
      k.sumRows(dir.dbih, dxw, TB, G);
      if (ids && TB >= In && dir.wihT.length) {
        // dW_ih[:, x] += Σ over the rows whose input is x: summed as contiguous rows of dW_ihᵀ first.
        const dt = dir.wihT.fill(0);
        k.scatterAddRows(dt, dxw, ids, TB, G);
        k.transpose(dir.dwih, dt, In, G, true);
      } else if (ids) {
        for (let r = 0; r < TB; r++) {
          const col = ids[r],
            o = r * G;
          if (col < 0) continue;
          for (let j = 0; j < G; j++) dir.dwih[j * In + col] += dxw[o + j];
        }
      } else {
        k.gemmTN(dir.dwih, dxw, x!, G, In, TB);
        k.gemmNN(this.dIn, dxw, dir.wih, TB, In, G);
      }
    }
  }
}
