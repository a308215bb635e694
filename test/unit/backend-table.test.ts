import assert from 'node:assert/strict';
import { CellName, CELL_NAMES, CELL_OPS, Backend, FLAT_OPS, OP_NAMES } from '../../src/engine/backend';
import { jsBackend } from '../../src/engine/reference';
import { Rng } from '../../src/engine/rng';
import { CellBuffers, CellWeights, Vec } from '../../src/engine/types';
import { wasmBackend } from '../../src/engine/wasm/backend';
import { wasmBuildSuite } from '../helpers/wasm';

// Every operation of the backend table (backend.ts): the wasm-simd backend against the TypeScript
// reference, both float32, from the same random inputs, on several shapes each. Operations the wasm
// backend takes from the reference (its `fallbacks`) are run too: they must give the reference's numbers.
//
// Stated tolerances, per operation:
// - gemmNT / gemmNN / gemmTN: every element of C within 2·(K + 2)·u·(|C₀| + Σₖ |Â(i,k)·B̂(k,j)|), u = 2⁻²⁴:
//   each result lies within γ(K+1)·(…) of the exact value, the worst-case error of a float32 sum of K
//   products and C₀ in any order, whatever order the tiles (or the reference) add in.
//   (Measured: at most 0.37 of this bound for K = 1 or 2, about 0.03 of it for K ≥ 64.)
// - gatherRows, transpose: exact (a copy or one float32 addition). scatterAddRows, sumRows, optimizer
//   updates: 1e-5 relative per element (of max(1, |reference|)): float32 summation order.
// - sumOfSquares: 1e-12 relative (float64 sums in another order). scale: exact (the float64 product
//   rounded once to float32, as the reference's Float32Array does).
// - softmaxCrossEntropy: probabilities within (12 + 2·|x − max|)·u relative: the approximate exp, and
//   float32 rounding of x − max where the reference subtracts in float64; the gradient the same over rows
//   plus 2u/rows; the loss within 1e-6 relative.
// - cells: every output array within 2e-5 relative (‖wasm − js‖ / ‖js‖) and 1e-5·‖js‖∞ + 1e-6 elementwise:
//   float32 σ/tanh approximations (≤ 6.2 ulp) and float32 arithmetic where the reference rounds float64
//   expressions once. (Measured: at most 8e-7 relative.)
const U = 2 ** -24;
const CELL_REL_TOL = 2e-5;

type Outputs = Record<string, Vec | number>;
/** One operation on one shape: arrays made by `k` from `seed`, the call, and what it wrote. */
type Case = (k: Backend, seed: number) => Outputs;
/** Checks a wasm result against the reference's (named `what` in messages). */
type Check = (w: Outputs, r: Outputs, what: string) => void;

const ref = jsBackend('f32');

function rand(v: Vec, rng: Rng, scale = 1): Vec {
  for (let i = 0; i < v.length; i++) v[i] = rng.uniform(-scale, scale);
  return v;
}

function closeElementwise(w: Vec, r: Vec, tol: number, what: string): void {
  assert.equal(w.length, r.length, `${what}: length`);
  for (let i = 0; i < r.length; i++) {
    assert.ok(Math.abs(w[i] - r[i]) <= tol * Math.max(1, Math.abs(r[i])), `${what}[${i}]: ${w[i]} vs ${r[i]}`);
  }
}

const elementwise =
  (tol: number): Check =>
  (w, r, what) => {
    for (const key of Object.keys(r)) {
      const a = w[key],
        b = r[key];
      if (typeof a !== 'number' && typeof b !== 'number') closeElementwise(a, b, tol, `${what} ${key}`);
      else assert.ok(Math.abs(+a - +b) <= tol * Math.max(1, Math.abs(+b)), `${what} ${key}: ${a} vs ${b}`);
    }
  };

// ---- matrix products -------------------------------------------------------------------------------

type Gemm = 'gemmNT' | 'gemmNN' | 'gemmTN';
/** Sizes of A and B, and where Â(i,k) and B̂(k,j) sit in them. */
interface Layout {
  a: number;
  b: number;
  A(i: number, k: number): number;
  B(k: number, j: number): number;
}
const layout: Record<Gemm, (M: number, N: number, K: number) => Layout> = {
  gemmNT: (M, N, K) => ({ a: M * K, b: N * K, A: (i, k) => i * K + k, B: (k, j) => j * K + k }),
  gemmNN: (M, N, K) => ({ a: M * K, b: K * N, A: (i, k) => i * K + k, B: (k, j) => k * N + j }),
  gemmTN: (M, N, K) => ({ a: K * M, b: K * N, A: (i, k) => k * M + i, B: (k, j) => k * N + j }),
};

/** A view of n elements at an offset into a larger array (what layers pass). */
const view = (k: Backend, n: number, offset: number): Vec => k.alloc(n + offset + 3).subarray(offset, offset + n);

function gemmCase(op: Gemm, M: number, N: number, K: number, offset: number): Case {
  return (k, seed) => {
    const rng = new Rng(seed),
      L = layout[op](M, N, K);
    const A = rand(view(k, L.a, offset), rng),
      B = rand(view(k, L.b, offset + 1), rng);
    const C = rand(view(k, M * N, offset + 2), rng);
    const C0 = Float32Array.from(C);
    k[op](C, A, B, M, N, K);
    return { A, B, C0, C };
  };
}

function gemmCheck(op: Gemm, M: number, N: number, K: number): Check {
  return (w, r, what) => {
    const L = layout[op](M, N, K),
      A = r.A as Vec,
      B = r.B as Vec,
      C0 = r.C0 as Vec,
      Cw = w.C as Vec,
      Cr = r.C as Vec;
    const rowStep = Math.max(1, Math.floor(M / 48)); // big shapes: every column of about 50 rows, and the last row
    for (let i = 0; i < M; i = i + rowStep < M || i === M - 1 ? i + rowStep : M - 1) {
      for (let j = 0; j < N; j++) {
        let abs = Math.abs(C0[i * N + j]);
        for (let k = 0; k < K; k++) abs += Math.abs(A[L.A(i, k)] * B[L.B(k, j)]);
        const err = Math.abs(Cw[i * N + j] - Cr[i * N + j]);
        const ok = Number.isFinite(Cw[i * N + j]) && err <= 2 * (K + 2) * U * abs;
        assert.ok(ok, `${what}: C[${i},${j}] = ${Cw[i * N + j]} vs ${Cr[i * N + j]}`);
      }
    }
  };
}

const H = 128,
  V = 72,
  B = 32,
  TB = 2048;
/** [M, N, K] of each product in LSTM-128 training (T = 64, B = 32, vocabulary 72). */
const trainingShapes: Record<Gemm, [number, number, number][]> = {
  gemmNT: [
    [B, 4 * H, H],
    [TB, V, H],
  ],
  gemmNN: [
    [B, H, 4 * H],
    [TB, H, V],
  ],
  gemmTN: [
    [4 * H, H, TB],
    [V, H, TB],
  ],
};

interface Shape {
  label: string;
  cases: [Case, Check][];
}

function gemmShapes(op: Gemm): Shape[] {
  const small: [Case, Check][] = [];
  const pair = (M: number, N: number, K: number, offset: number): [Case, Check] => [
    gemmCase(op, M, N, K, offset),
    gemmCheck(op, M, N, K),
  ];
  for (let M = 1; M <= 13; M++) {
    for (let N = 1; N <= 13; N++) for (let K = 1; K <= 13; K++) small.push(pair(M, N, K, 0));
  }
  const ragged = [
    [5, 9, 17],
    [33, 31, 67],
    [65, 17, 257],
    [63, 70, 300],
    [7, 129, 513],
    [130, 9, 3],
  ].flatMap(([M, N, K]) => [0, 1, 3, 7].map((offset) => pair(M, N, K, offset)));
  const training = trainingShapes[op].map(([M, N, K], i) => pair(M, N, K, i));
  const empty: [Case, Check] = [
    (k) => {
      const C = k.alloc(4).fill(1),
        A = k.alloc(4),
        Bm = k.alloc(4);
      k[op](C, A, Bm, 2, 2, 0);
      k[op](C, A, Bm, 0, 2, 2);
      k[op](C, A, Bm, 2, 0, 2);
      return { C };
    },
    (w) => assert.deepEqual(Array.from(w.C as Vec), [1, 1, 1, 1]),
  ];
  return [
    { label: 'every M, N, K from 1 to 13', cases: small },
    { label: 'ragged sizes across the tile and block edges, on views at odd offsets', cases: ragged },
    { label: 'the LSTM-128 training shapes', cases: training },
    { label: 'leaves C alone where M, N or K is 0', cases: [empty] },
  ];
}

// ---- rows ------------------------------------------------------------------------------------------

const ROW_WIDTHS = [1, 2, 3, 4, 5, 7, 8, 9, 130];
/** ids into a table of `rows` rows, −1 (no input) every seventh. */
const idsFor = (R: number, rows: number) =>
  Int32Array.from({ length: R }, (_, r) => (r % 7 === 3 ? -1 : (r * 5) % rows));

const gatherCase =
  (n: number): Case =>
  (k, seed) => {
    const rng = new Rng(seed),
      R = 23,
      table = rand(k.alloc(6 * n), rng),
      bias = rand(k.alloc(n), rng);
    const dst = rand(k.alloc(R * n), rng);
    k.gatherRows(dst, table, bias, idsFor(R, 6), R, n);
    return { dst };
  };
const scatterCase =
  (n: number): Case =>
  (k, seed) => {
    const rng = new Rng(seed),
      R = 23,
      table = rand(k.alloc(6 * n), rng),
      src = rand(k.alloc(R * n), rng);
    k.scatterAddRows(table, src, idsFor(R, 6), R, n);
    return { table };
  };
const sumRowsCase =
  (m: number, n: number): Case =>
  (k, seed) => {
    const rng = new Rng(seed),
      d = rand(k.alloc(m * n), rng),
      db = rand(k.alloc(n), rng);
    k.sumRows(db, d, m, n);
    return { db };
  };

const transposeCase =
  (rows: number, cols: number, accumulate: boolean): Case =>
  (k, seed) => {
    const rng = new Rng(seed),
      src = rand(k.alloc(rows * cols), rng),
      dst = rand(k.alloc(rows * cols), rng);
    k.transpose(dst, src, rows, cols, accumulate);
    return { dst };
  };
const sumOfSquaresCase =
  (n: number): Case =>
  (k, seed) => {
    const rng = new Rng(seed),
      v = rand(k.alloc(n), rng, 3);
    return { sum: k.sumOfSquares(v) };
  };
const scaleCase =
  (n: number, factor: number): Case =>
  (k, seed) => {
    const rng = new Rng(seed),
      v = rand(k.alloc(n), rng, 5);
    k.scale(v, factor);
    return { v };
  };

const softmaxCase =
  (rows: number, n: number): Case =>
  (k, seed) => {
    const rng = new Rng(seed),
      p = rand(k.alloc(rows * n), rng, 30),
      g = rand(k.alloc(rows * n), rng);
    p[0] = 80;
    p[n - 1] = -80;
    const x = Float64Array.from(p),
      targets = Int32Array.from({ length: rows }, (_, r) => (r * 3) % n);
    const loss = k.softmaxCrossEntropy(p, g, targets, rows, n);
    return { x, p, g, loss };
  };
const softmaxCheck =
  (rows: number, n: number): Check =>
  (w, r, what) => {
    const x = r.x as Vec,
      pw = w.p as Vec,
      pr = r.p as Vec,
      gw = w.g as Vec,
      gr = r.g as Vec;
    for (let i = 0; i < rows; i++) {
      let max = -Infinity;
      for (let v = 0; v < n; v++) max = Math.max(max, x[i * n + v]);
      for (let v = 0; v < n; v++) {
        // (1.7e-38: the approximate exp flushes to 0 below e^−87)
        const o = i * n + v,
          tol = (12 + 2 * Math.abs(x[o] - max)) * U * pr[o] + 1.7e-38;
        assert.ok(Math.abs(pw[o] - pr[o]) <= tol, `${what}: p[${i},${v}] ${pw[o]} vs ${pr[o]}`);
        assert.ok(Math.abs(gw[o] - gr[o]) <= tol / rows + (2 * U) / rows, `${what}: g[${i},${v}] ${gw[o]} vs ${gr[o]}`);
      }
    }
    assert.ok(Math.abs(+w.loss - +r.loss) <= 1e-6 * Math.abs(+r.loss), `${what}: loss ${w.loss} vs ${r.loss}`);
  };

function rowShapes(op: string): Shape[] {
  const close = elementwise(1e-5),
    widths = `widths ${ROW_WIDTHS.join(', ')}, ids −1 included`;
  switch (op) {
    case 'gatherRows':
      return [{ label: widths, cases: ROW_WIDTHS.map((n) => [gatherCase(n), elementwise(0)]) }];
    case 'scatterAddRows':
      return [{ label: widths, cases: ROW_WIDTHS.map((n) => [scatterCase(n), close]) }];
    case 'sumRows':
      return [
        {
          label: 'widths 1 to 70, 37 rows',
          cases: Array.from({ length: 24 }, (_, i) => [sumRowsCase(37, 1 + 3 * i), close]),
        },
        {
          label: 'the LSTM-128 training shapes',
          cases: [sumRowsCase(TB, 4 * H), sumRowsCase(TB, V)].map((c) => [c, close]),
        },
      ];
    case 'transpose':
      return [1, 3, 7, 72].flatMap((rows) =>
        [1, 5, 1024].map((cols) => ({
          label: `${rows}×${cols}, set and accumulate`,
          cases: [false, true].map((add) => [transposeCase(rows, cols, add), elementwise(0)] as [Case, Check]),
        })),
      );
    case 'sumOfSquares': // float64 sums: only the order of the additions differs
      return [
        {
          label: 'lengths 0 to 5, around the 4096 chunk, 1,070,000 (LSTM-256)',
          cases: [0, 1, 2, 3, 4, 5, 4095, 4096, 4097, 10_001, 1_070_000].map((n) => [
            sumOfSquaresCase(n),
            elementwise(1e-12),
          ]),
        },
      ];
    case 'scale': // the float64 product rounded to float32 on both sides: exact
      return [
        {
          label: 'lengths 1 to 9 and 1003, factors 0.37 and 1e-3',
          cases: [1, 2, 3, 4, 5, 6, 7, 8, 9, 1003].flatMap((n) =>
            [0.37, 1e-3].map((f) => [scaleCase(n, f), elementwise(0)] as [Case, Check]),
          ),
        },
      ];
    default: // softmaxCrossEntropy
      return [
        {
          label: 'widths 1 to 9 and 72, logits up to ±80',
          cases: [1, 2, 3, 4, 5, 6, 7, 8, 9, 72].map((n) => [softmaxCase(11, n), softmaxCheck(11, n)]),
        },
        { label: 'the training shape, 2048 rows of 72', cases: [[softmaxCase(TB, V), softmaxCheck(TB, V)]] },
      ];
  }
}

// ---- optimizers ------------------------------------------------------------------------------------

/** Ten updates with gradients from 1e-3 to 10 in size (n = 1003: a SIMD tail too). */
type Optimizer = 'adamUpdate' | 'sgdUpdate' | 'rmspropUpdate' | 'adagradUpdate';
const optimizerCase =
  (op: Optimizer, n: number): Case =>
  (k, seed) => {
    const rng = new Rng(seed),
      p = rand(k.alloc(n), rng),
      g = k.alloc(n),
      m = rand(k.alloc(n), rng, 0.01),
      v = k.alloc(n);
    for (let i = 0; i < n; i++) v[i] = rng.uniform(0, 1e-4);
    for (let t = 1; t <= 10; t++) {
      rand(g, rng, 10 ** ((t % 5) - 3));
      if (op === 'adamUpdate') k.adamUpdate(p, g, m, v, 2e-3, 1 - 0.9 ** t, Math.sqrt(1 - 0.999 ** t));
      else if (op === 'sgdUpdate') k.sgdUpdate(p, g, m, 0.1, 0.9);
      else if (op === 'rmspropUpdate') k.rmspropUpdate(p, g, v, 1e-3);
      else k.adagradUpdate(p, g, v, 1e-2);
    }
    return { p, m, v };
  };

// ---- cells -----------------------------------------------------------------------------------------

const GATES: Record<CellName, number> = { lstm: 4, gru: 3, gruCourse: 3, rnn: 1, lstmPeephole: 4 };
const HAS_CELL_STATE = (cell: CellName) => cell === 'lstm' || cell === 'lstmPeephole';

interface CellArrays {
  w: CellWeights;
  s: CellBuffers;
  xw: Vec;
  dhs: Vec;
}

function cellArrays(k: Backend, cell: CellName, T: number, Bs: number, Hs: number, seed: number): CellArrays {
  const G = GATES[cell] * Hs,
    TBs = T * Bs,
    rng = new Rng(seed);
  const w: CellWeights = {
    whh: rand(k.alloc(G * Hs), rng, 2 / Math.sqrt(Hs)),
    bhh: rand(k.alloc(G), rng, 0.5),
    dwhh: rand(k.alloc(G * Hs), rng, 0.1),
    dbhh: rand(k.alloc(G), rng, 0.1),
    peep: rand(k.alloc(cell === 'lstmPeephole' ? 3 * Hs : 0), rng, 0.5),
    dpeep: rand(k.alloc(cell === 'lstmPeephole' ? 3 * Hs : 0), rng, 0.1),
  };
  const s: CellBuffers = {
    h: k.alloc((T + 1) * Bs * Hs),
    c: k.alloc(HAS_CELL_STATE(cell) ? (T + 1) * Bs * Hs : 0),
    gates: k.alloc(TBs * G),
    extra: k.alloc(TBs * Hs),
    dxw: k.alloc(TBs * G),
    dhh: k.alloc(cell === 'gru' || cell === 'gruCourse' ? TBs * G : 0),
    dh: rand(k.alloc(Bs * Hs), rng, 3),
    dc: rand(k.alloc(Bs * Hs), rng, 3),
    tmp: k.alloc(Bs * G),
  };
  rand(s.h.subarray(0, Bs * Hs), rng);
  rand(s.c.subarray(0, s.c.length ? Bs * Hs : 0), rng, 2);
  return { w, s, xw: rand(k.alloc(TBs * G), rng, 3), dhs: rand(k.alloc(TBs * Hs), rng) };
}

const FORWARD_OUT = ['h', 'c', 'gates', 'extra'] as const;
const BACKWARD_OUT = ['dxw', 'dhh', 'dh', 'dc'] as const;

/** forward: its outputs. backward(WithNorms): from a forward state the reference computed (the same on both sides). */
type CellOp = (typeof CELL_OPS)[number];
const cellCase =
  (cell: CellName, op: CellOp, T: number, Bs: number, Hs: number): Case =>
  (k, seed) => {
    const a = cellArrays(k, cell, T, Bs, Hs, seed),
      out: Outputs = {};
    if (op === 'forward') {
      k.cells[cell].forward(a.w, a.s, a.xw, T, Bs, Hs);
      for (const key of FORWARD_OUT) out[key] = a.s[key];
      return out;
    }
    ref.cells[cell].forward(a.w, a.s, a.xw, T, Bs, Hs); // the reference on k's arrays: any arrays will do for it
    if (op === 'backward') k.cells[cell].backward(a.w, a.s, a.dhs, T, Bs, Hs);
    else {
      const norms = new Float64Array(T);
      if (cell === 'lstm') {
        const cellNorms = new Float64Array(T); // ‖∂L/∂c<t>‖, the memory cell's path
        k.cells[cell].backwardWithNorms(a.w, a.s, a.dhs, T, Bs, Hs, norms, cellNorms);
        out.cellNorms = cellNorms;
      } else k.cells[cell].backwardWithNorms(a.w, a.s, a.dhs, T, Bs, Hs, norms);
      out.norms = norms;
    }
    for (const key of BACKWARD_OUT) if (HAS_CELL_STATE(cell) || key !== 'dc') out[key] = a.s[key];
    return { ...out, dwhh: a.w.dwhh, dbhh: a.w.dbhh, dpeep: a.w.dpeep };
  };

const cellCheck: Check = (w, r, what) => {
  for (const key of Object.keys(r)) {
    const a = w[key] as Vec,
      b = r[key] as Vec;
    assert.equal(a.length, b.length, `${what} ${key}: length`);
    let inf = 0,
      dd = 0,
      bb = 0;
    for (let i = 0; i < b.length; i++) inf = Math.max(inf, Math.abs(b[i]));
    for (let i = 0; i < b.length; i++) {
      const ok = Number.isFinite(a[i]) && Math.abs(a[i] - b[i]) <= 1e-5 * inf + 1e-6;
      assert.ok(ok, `${what} ${key}[${i}]: ${a[i]} vs ${b[i]}`);
      dd += (a[i] - b[i]) ** 2;
      bb += b[i] ** 2;
    }
    const rel = Math.sqrt(dd) / Math.max(Math.sqrt(bb), 1e-30);
    assert.ok(rel <= CELL_REL_TOL, `${what} ${key}: relative difference ${rel.toExponential(2)}`);
  }
};

function cellShapes(cell: CellName, op: CellOp): Shape[] {
  const c = (T: number, Bs: number, Hs: number): [Case, Check] => [cellCase(cell, op, T, Bs, Hs), cellCheck];
  const shapes: Shape[] = [
    {
      label: 'H from 1 to 9 (the single-lane tails), T 5, B 3',
      cases: [1, 2, 3, 4, 5, 6, 7, 8, 9].map((h) => c(5, 3, h)),
    },
    { label: 'H 37, T 11, B 7; H 64, T 8, B 32', cases: [c(11, 7, 37), c(8, 32, 64)] },
  ];
  if (cell === 'lstm') shapes.push({ label: 'H 128, T 16, B 32 (the training shape)', cases: [c(16, 32, 128)] });
  return shapes;
}

// ---- the table -------------------------------------------------------------------------------------

function shapesOf(name: string): Shape[] {
  if (name === 'gemmNT' || name === 'gemmNN' || name === 'gemmTN') return gemmShapes(name);
  if (name === 'adamUpdate' || name === 'sgdUpdate' || name === 'rmspropUpdate' || name === 'adagradUpdate') {
    return [{ label: 'ten updates, n = 1003', cases: [[optimizerCase(name, 1003), elementwise(1e-5)]] }];
  }
  const [cell, op] = name.split('.') as [CellName, CellOp | undefined];
  return op ? cellShapes(cell, op) : rowShapes(name);
}

describe('the backend table', () => {
  it('lists every operation once: the flat ones and forward, backward, backwardWithNorms of each cell', () => {
    assert.equal(new Set(OP_NAMES).size, OP_NAMES.length);
    assert.equal(OP_NAMES.length, FLAT_OPS.length + CELL_NAMES.length * CELL_OPS.length);
    for (const op of FLAT_OPS) assert.equal(typeof ref[op], 'function', op);
    for (const cell of CELL_NAMES) {
      for (const op of CELL_OPS) assert.equal(typeof ref.cells[cell][op], 'function', `${cell}.${op}`);
    }
    assert.deepEqual(ref.fallbacks, []);
  });
});

for (const fma of [false, true]) {
  const build = fma ? 'relaxed-SIMD fused multiply-add' : 'SIMD multiply + add';
  wasmBuildSuite(fma, `every operation of the wasm-simd backend (${build}) equals the TypeScript reference`, () => {
    const w = wasmBackend({ fma });
    it('is the backend asked for, and every fallback is an operation of the table', () => {
      assert.equal(w.name, 'wasm-simd');
      assert.equal(w.dtype, 'f32');
      assert.equal(w.fma, fma);
      for (const f of w.fallbacks) assert.ok(OP_NAMES.includes(f), f);
    });
    for (const name of OP_NAMES) {
      for (const shape of shapesOf(name)) {
        it(`${name}${w.fallbacks.includes(name) ? ' (the reference plugged in)' : ''}: ${shape.label}`, function () {
          this.timeout(60000);
          shape.cases.forEach(([run, check], i) => {
            const seed = 1000 + i;
            check(run(w, seed), run(ref, seed), `${name}, ${shape.label}, case ${i}`);
          });
        });
      }
    }
  });
}
