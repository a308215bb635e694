// Matrix kernels: the only place the engine spends real time.
// All matrices are row-major flat arrays; every kernel accumulates into C (C += ...).
// A Backend also allocates the arrays it works on, so a WebAssembly backend can keep
// them inside its own memory; the plain TypeScript backend below is the reference.

import type { CellBuffers, CellWeights } from './cells/cell';
import { DType, Vec, zeros } from './tensor';

/** The cells a backend may run whole windows of itself (GRU: the PyTorch form). */
export type FusedCellKind = 'lstm' | 'gru' | 'rnn';

/**
 * Whole-window forward and backward of a recurrent cell, with the same inputs, outputs and
 * equations as the cell's TypeScript code in cells/ (which stays the reference and runs whenever
 * these are absent or decline). Each returns false, having touched nothing, when it cannot run on
 * these arrays (for instance arrays the backend did not allocate).
 */
export interface CellKernels {
  forward(kind: FusedCellKind, w: CellWeights, s: CellBuffers, xw: Vec, T: number, B: number, H: number): boolean;
  /** Fills what the TypeScript backward fills (s.dxw, s.dhh, s.dh, s.dc; w.dwhh, w.dbhh accumulate). */
  backward(kind: FusedCellKind, w: CellWeights, s: CellBuffers, dhs: Vec, T: number, B: number, H: number): boolean;
}

/**
 * Fast paths a backend may offer for the loops that touch every row of a window besides the
 * matrix products. Each does exactly what its TypeScript reference does (named below), and
 * returns false, having touched nothing, when it cannot run on these arrays.
 */
export interface RowKernels {
  /** dst[r·n + j] = bias[j] + table[ids[r]·n + j]  (ids[r] < 0: bias alone). Reference: layer.ts, one-hot input. */
  gatherRows(dst: Vec, table: Vec, bias: Vec, ids: Int32Array, rows: number, n: number): boolean;
  /** table[ids[r]·n + j] += src[r·n + j] for ids[r] ≥ 0. Reference: layer.ts, one-hot input. */
  scatterAddRows(table: Vec, src: Vec, ids: Int32Array, rows: number, n: number): boolean;
  /** db[j] += Σ_i d[i·n + j]. Reference: sumRows in cells/cell.ts. */
  sumRows(db: Vec, d: Vec, m: number, n: number): boolean;
  /** p[r] ← softmax(p[r]) row by row, g[r] = scale·p[r]. Reference: Network.loss. */
  softmaxRows(p: Vec, g: Vec, rows: number, n: number, scale: number): boolean;
  /** One Adam update of p (c1 = 1 − β1ᵗ, c2 = √(1 − β2ᵗ)). Reference: applyUpdate in optim.ts. */
  adamUpdate(p: Vec, g: Vec, m: Vec, v: Vec, lr: number, c1: number, c2: number): boolean;
}

export interface Backend {
  readonly name: string;
  readonly dtype: DType;
  alloc(n: number): Vec;
  /** C[M,N] += A[M,K] · B[N,K]ᵀ   (a layer's forward: X·Wᵀ) */
  gemmNT(C: Vec, A: Vec, B: Vec, M: number, N: number, K: number): void;
  /** C[M,N] += A[M,K] · B[K,N]    (backward to the input: dY·W) */
  gemmNN(C: Vec, A: Vec, B: Vec, M: number, N: number, K: number): void;
  /** C[M,N] += A[K,M]ᵀ · B[K,N]   (weight gradient: dYᵀ·X) */
  gemmTN(C: Vec, A: Vec, B: Vec, M: number, N: number, K: number): void;
  /** Fused whole-window cells, where the backend has them. */
  readonly cells?: CellKernels;
  /** Fast row loops, where the backend has them. */
  readonly rows?: RowKernels;
}

function gemmNT(C: Vec, A: Vec, B: Vec, M: number, N: number, K: number): void {
  let i = 0;
  for (; i + 1 < M; i += 2) {
    const a0 = i * K, a1 = a0 + K;
    let j = 0;
    for (; j + 1 < N; j += 2) {
      const b0 = j * K, b1 = b0 + K;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k], x1 = A[a1 + k], y0 = B[b0 + k], y1 = B[b1 + k];
        s00 += x0 * y0; s01 += x0 * y1; s10 += x1 * y0; s11 += x1 * y1;
      }
      C[i * N + j] += s00; C[i * N + j + 1] += s01;
      C[(i + 1) * N + j] += s10; C[(i + 1) * N + j + 1] += s11;
    }
    for (; j < N; j++) {
      const b0 = j * K;
      let s0 = 0, s1 = 0;
      for (let k = 0; k < K; k++) { s0 += A[a0 + k] * B[b0 + k]; s1 += A[a1 + k] * B[b0 + k]; }
      C[i * N + j] += s0; C[(i + 1) * N + j] += s1;
    }
  }
  for (; i < M; i++) {
    const a0 = i * K;
    for (let j = 0; j < N; j++) {
      const b0 = j * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a0 + k] * B[b0 + k];
      C[i * N + j] += s;
    }
  }
}

function gemmNN(C: Vec, A: Vec, B: Vec, M: number, N: number, K: number): void {
  for (let i = 0; i < M; i++) {
    const c0 = i * N;
    let k = 0;
    for (; k + 1 < K; k += 2) {
      const x0 = A[i * K + k], x1 = A[i * K + k + 1];
      if (x0 === 0 && x1 === 0) continue;
      const b0 = k * N, b1 = b0 + N;
      for (let j = 0; j < N; j++) C[c0 + j] += x0 * B[b0 + j] + x1 * B[b1 + j];
    }
    for (; k < K; k++) {
      const x = A[i * K + k];
      if (x === 0) continue;
      const b0 = k * N;
      for (let j = 0; j < N; j++) C[c0 + j] += x * B[b0 + j];
    }
  }
}

function gemmTN(C: Vec, A: Vec, B: Vec, M: number, N: number, K: number): void {
  for (let k = 0; k < K; k++) {
    const b0 = k * N;
    for (let i = 0; i < M; i++) {
      const x = A[k * M + i];
      if (x === 0) continue;
      const c0 = i * N;
      for (let j = 0; j < N; j++) C[c0 + j] += x * B[b0 + j];
    }
  }
}

/** The reference backend: plain TypeScript, float32 for training or float64 for gradient checks. */
export function jsBackend(dtype: DType = 'f32'): Backend {
  return { name: `js-${dtype}`, dtype, alloc: (n) => zeros(dtype, n), gemmNT, gemmNN, gemmTN };
}
