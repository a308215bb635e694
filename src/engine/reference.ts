// The reference backend: plain TypeScript, float32 for training or float64 for gradient checks. Every
// operation of the table (backend.ts) as a readable loop; the WebAssembly backend is checked against it.

import { referenceCells } from './cells';
import { sumRows } from './cells/cell';
import { Backend, MatrixOps } from './backend';
import { DType, Vec } from './types';

function gemmNT(C: Vec, A: Vec, B: Vec, M: number, N: number, K: number): void {
  let i = 0;
  for (; i + 1 < M; i += 2) {
    const a0 = i * K,
      a1 = a0 + K;
    let j = 0;
    for (; j + 1 < N; j += 2) {
      const b0 = j * K,
        b1 = b0 + K;
      let s00 = 0,
        s01 = 0,
        s10 = 0,
        s11 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k],
          x1 = A[a1 + k],
          y0 = B[b0 + k],
          y1 = B[b1 + k];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      C[i * N + j] += s00;
      C[i * N + j + 1] += s01;
      C[(i + 1) * N + j] += s10;
      C[(i + 1) * N + j + 1] += s11;
    }
    for (; j < N; j++) {
      const b0 = j * K;
      let s0 = 0,
        s1 = 0;
      for (let k = 0; k < K; k++) {
        s0 += A[a0 + k] * B[b0 + k];
        s1 += A[a1 + k] * B[b0 + k];
      }
      C[i * N + j] += s0;
      C[(i + 1) * N + j] += s1;
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
      const x0 = A[i * K + k],
        x1 = A[i * K + k + 1];
      if (x0 === 0 && x1 === 0) continue;
      const b0 = k * N,
        b1 = b0 + N;
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

function gatherRows(dst: Vec, table: Vec, bias: Vec, ids: Int32Array, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    const col = ids[r],
      o = r * n,
      c = col * n;
    dst.set(bias, o);
    if (col < 0) continue; // x<t> = 0 (sampling with no primer)
    for (let j = 0; j < n; j++) dst[o + j] += table[c + j];
  }
}

function scatterAddRows(table: Vec, src: Vec, ids: Int32Array, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    const col = ids[r],
      o = r * n,
      c = col * n;
    if (col < 0) continue;
    for (let j = 0; j < n; j++) table[c + j] += src[o + j];
  }
}

function transpose(dst: Vec, src: Vec, rows: number, cols: number, accumulate: boolean): void {
  for (let c = 0; c < cols; c++) {
    const o = c * rows;
    if (accumulate) for (let r = 0; r < rows; r++) dst[o + r] += src[r * cols + c];
    else for (let r = 0; r < rows; r++) dst[o + r] = src[r * cols + c];
  }
}

/** Numbers per partial sum of sumOfSquares (backend.ts). */
export const SQUARES_CHUNK = 4096;

function sumOfSquares(v: Vec): number {
  let total = 0;
  for (let start = 0; start < v.length; start += SQUARES_CHUNK) {
    let s = 0;
    for (let i = start; i < Math.min(v.length, start + SQUARES_CHUNK); i++) s += v[i] * v[i];
    total += s;
  }
  return total;
}

function scale(v: Vec, factor: number): void {
  for (let i = 0; i < v.length; i++) v[i] *= factor;
}

//   ŷ<t> = softmax(Wy·a<t> + by)          L = (1/TB) Σ_t Σ_b −log ŷ<t>[y<t>]   (nats per token)
function softmaxCrossEntropy(p: Vec, g: Vec, targets: Int32Array, rows: number, n: number): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let max = -Infinity;
    for (let v = 0; v < n; v++) if (p[o + v] > max) max = p[o + v];
    let sum = 0;
    for (let v = 0; v < n; v++) {
      const e = Math.exp(p[o + v] - max);
      p[o + v] = e;
      sum += e;
    }
    for (let v = 0; v < n; v++) {
      p[o + v] /= sum;
      g[o + v] = p[o + v] / rows;
    }
    const y = targets[r];
    total -= Math.log(Math.max(p[o + y], 1e-30));
    g[o + y] -= 1 / rows;
  }
  return total / rows;
}

function adamUpdate(p: Vec, g: Vec, m: Vec, v: Vec, lr: number, c1: number, c2: number): void {
  const b1 = 0.9,
    b2 = 0.999;
  for (let i = 0; i < p.length; i++) {
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    p[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i]) / c2 + 1e-8);
  }
}

function sgdUpdate(p: Vec, g: Vec, m: Vec, lr: number, momentum: number): void {
  for (let i = 0; i < p.length; i++) {
    m[i] = momentum * m[i] + g[i];
    p[i] -= lr * m[i];
  }
}

function rmspropUpdate(p: Vec, g: Vec, v: Vec, lr: number): void {
  for (let i = 0; i < p.length; i++) {
    v[i] = 0.99 * v[i] + 0.01 * g[i] * g[i];
    p[i] -= (lr * g[i]) / (Math.sqrt(v[i]) + 1e-8);
  }
}

function adagradUpdate(p: Vec, g: Vec, v: Vec, lr: number): void {
  for (let i = 0; i < p.length; i++) {
    v[i] += g[i] * g[i];
    p[i] -= (lr * g[i]) / (Math.sqrt(v[i]) + 1e-10);
  }
}

/** The reference operations besides alloc and the cells (the cells are written on the matrix products). */
export const referenceOps: Omit<Backend, 'name' | 'dtype' | 'fallbacks' | 'threads' | 'alloc' | 'cells'> = {
  gemmNT,
  gemmNN,
  gemmTN,
  gatherRows,
  scatterAddRows,
  sumRows,
  transpose,
  sumOfSquares,
  scale,
  softmaxCrossEntropy,
  adamUpdate,
  sgdUpdate,
  rmspropUpdate,
  adagradUpdate,
};

/** The reference backend: every operation in TypeScript, on plain float32 or float64 arrays. */
export function jsBackend(dtype: DType = 'f32'): Backend {
  const gemms: MatrixOps = { gemmNT, gemmNN, gemmTN };
  return {
    name: `js-${dtype}`,
    threads: 1,
    dtype,
    fallbacks: [],
    alloc: (n) => (dtype === 'f64' ? new Float64Array(n) : new Float32Array(n)),
    ...referenceOps,
    cells: referenceCells(gemms),
  };
}
