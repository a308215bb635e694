// The backend: the one table of operations the model code runs on. Every operation is declared here
// once; the TypeScript reference backend (reference.ts) implements all of them, the WebAssembly
// backend (wasm/backend.ts) implements what it has and takes the reference for the rest when it is
// built (listed in `fallbacks`). Model code calls operations unconditionally.
//
// All matrices are row-major flat arrays; the matrix products accumulate into C (C += …). A backend
// also allocates the arrays it works on (a WebAssembly backend keeps them in its own memory): every
// array given to an operation comes from the backend's alloc().

import { CellBuffers, CellWeights, DType, Vec } from './types';

/**
 * Whole-window forward and backward of one recurrent cell over T steps for B streams (equations in
 * cells/lstm.ts, cells/lstm-peephole.ts, cells/gru.ts, cells/rnn.ts). xw<t> = W_ih·x<t> + b_ih arrives precomputed.
 */
export interface CellOps {
  /** Fills s.h (a<1…T>), s.c (LSTM), s.gates and s.extra from a<0> (and c<0>) and xw. */
  forward(w: CellWeights, s: CellBuffers, xw: Vec, T: number, B: number, H: number): void;
  /**
   * dhs: ∂L/∂a<t> arriving from above (the head or the next layer), [T·B·H]. Fills s.dxw (and s.dhh),
   * accumulates w.dwhh and w.dbhh, leaves ∂L/∂a<0> in s.dh.
   */
  backward(w: CellWeights, s: CellBuffers, dhs: Vec, T: number, B: number, H: number): void;
  /**
   * backward, also writing dhNorms[t−1] = ‖∂L/∂a<t>‖ for t = 1…T (the vanishing-gradient curve) and, for a
   * cell with a memory cell (LSTM), cellNorms[t−1] = ‖∂L/∂c<t>‖ (the memory path c<t−1> → c<t>, through Γf).
   * Each norm is over the B·H numbers of step t; ∂L/∂c<t> includes the path through a<t> = Γo * tanh(c<t>).
   */
  backwardWithNorms(
    w: CellWeights,
    s: CellBuffers,
    dhs: Vec,
    T: number,
    B: number,
    H: number,
    dhNorms: Float64Array,
    cellNorms?: Float64Array,
  ): void;
}

/** The cells a backend runs: LSTM, GRU in PyTorch's form and in the course's form, basic RNN, peephole LSTM. */
export const CELL_NAMES = ['lstm', 'gru', 'gruCourse', 'rnn', 'lstmPeephole'] as const;
export type CellName = (typeof CELL_NAMES)[number];
export const CELL_OPS = ['forward', 'backward', 'backwardWithNorms'] as const;

export interface Backend {
  readonly name: string;
  readonly dtype: DType;
  /** Operations this backend runs by the TypeScript reference (e.g. "gruCourse.forward", "sgdUpdate"). */
  readonly fallbacks: readonly string[];
  /** Threads its operations split over (1: the calling thread alone). */
  readonly threads: number;
  /** A new array of n zeros. */
  alloc(n: number): Vec;

  /** C[M,N] += A[M,K] · B[N,K]ᵀ   (a layer's forward: X·Wᵀ) */
  gemmNT(C: Vec, A: Vec, B: Vec, M: number, N: number, K: number): void;
  /** C[M,N] += A[M,K] · B[K,N]    (backward to the input: dY·W) */
  gemmNN(C: Vec, A: Vec, B: Vec, M: number, N: number, K: number): void;
  /** C[M,N] += A[K,M]ᵀ · B[K,N]   (weight gradient: dYᵀ·X) */
  gemmTN(C: Vec, A: Vec, B: Vec, M: number, N: number, K: number): void;

  /** dst[r·n + j] = bias[j] + table[ids[r]·n + j]  (ids[r] < 0: bias alone): one-hot input rows. */
  gatherRows(dst: Vec, table: Vec, bias: Vec, ids: Int32Array, rows: number, n: number): void;
  /** table[ids[r]·n + j] += src[r·n + j] for ids[r] ≥ 0: their gradient. */
  scatterAddRows(table: Vec, src: Vec, ids: Int32Array, rows: number, n: number): void;
  /** db[j] += Σ_i d[i·n + j]: bias gradients. */
  sumRows(db: Vec, d: Vec, m: number, n: number): void;
  /** dst[c·rows + r] = src[r·cols + c] (accumulate: +=): dst [cols, rows] = srcᵀ, src [rows, cols]. */
  transpose(dst: Vec, src: Vec, rows: number, cols: number, accumulate: boolean): void;
  /**
   * Σ_i v[i]² in float64 (the squared global gradient norm), summed in chunks of 4096 numbers added in
   * order: the same number whatever the threads.
   */
  sumOfSquares(v: Vec): number;
  /** v[i] *= factor (gradient clipping). */
  scale(v: Vec, factor: number): void;
  /**
   * Softmax cross-entropy of `rows` rows of n logits: p[r] ← ŷ = softmax(p[r]), g[r] = (ŷ − onehot(y[r])) / rows
   * (∂L/∂logits of the mean), returns L = (1/rows) Σ_r −log ŷ[y[r]] (nats per token).
   */
  softmaxCrossEntropy(p: Vec, g: Vec, targets: Int32Array, rows: number, n: number): number;

  /** Adam (β1 = 0.9, β2 = 0.999, ε = 1e-8), c1 = 1 − β1ᵗ, c2 = √(1 − β2ᵗ): m, v the moments. */
  adamUpdate(p: Vec, g: Vec, m: Vec, v: Vec, lr: number, c1: number, c2: number): void;
  /** SGD with momentum μ (PyTorch): m = μ·m + g;  p −= lr·m. */
  sgdUpdate(p: Vec, g: Vec, m: Vec, lr: number, momentum: number): void;
  /** RMSProp (α = 0.99, ε = 1e-8): v = α·v + (1 − α)·g²;  p −= lr·g / (√v + ε). */
  rmspropUpdate(p: Vec, g: Vec, v: Vec, lr: number): void;
  /** Adagrad (ε = 1e-10): v += g²;  p −= lr·g / (√v + ε). */
  adagradUpdate(p: Vec, g: Vec, v: Vec, lr: number): void;

  /** Whole-window forward and backward per cell. */
  readonly cells: Readonly<Record<CellName, CellOps>>;
}

/** The matrix products: what the reference cells are written on. */
export type MatrixOps = Pick<Backend, 'gemmNT' | 'gemmNN' | 'gemmTN'>;

/** The operations of the table besides alloc and the cells, by name. */
export const FLAT_OPS = [
  'gemmNT',
  'gemmNN',
  'gemmTN',
  'gatherRows',
  'scatterAddRows',
  'sumRows',
  'transpose',
  'sumOfSquares',
  'scale',
  'softmaxCrossEntropy',
  'adamUpdate',
  'sgdUpdate',
  'rmspropUpdate',
  'adagradUpdate',
] as const satisfies readonly (keyof Backend)[];
export type FlatOp = (typeof FLAT_OPS)[number];

/** Every operation's name as `fallbacks` lists it: the flat ones, then "cell.op" for each cell. */
export const OP_NAMES: readonly string[] = [
  ...FLAT_OPS,
  ...CELL_NAMES.flatMap((cell) => CELL_OPS.map((op) => `${cell}.${op}`)),
];

/** The backend as the CLI names it: "wasm-simd, 2 threads", "js-f32". */
export function backendLabel(k: Backend): string {
  return k.threads > 1 ? `${k.name}, ${k.threads} threads` : k.name;
}
