import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { Cell, CellBuffers, CellWeights } from '../../src/engine/cells/cell';
import { gruCell } from '../../src/engine/cells/gru';
import { lstmCell } from '../../src/engine/cells/lstm';
import { rnnCell } from '../../src/engine/cells/rnn';
import { Backend, jsBackend } from '../../src/engine/kernels';
import { applyUpdate, createOptimizerState } from '../../src/engine/optim';
import { Rng } from '../../src/engine/rng';
import { Vec } from '../../src/engine/tensor';
import { relaxedSimdAvailable, wasmAvailable, wasmBackend } from '../../src/engine/wasm/backend';

setFlagsFromString('--experimental-wasm-relaxed-simd');

// The wasm backend's fused whole-window cells (cells.as.ts) against the TypeScript cells (the
// reference), on the same float32 inputs: every buffer either side fills.
// Stated tolerance: every output array within 2e-5 relative (‖wasm − js‖ / ‖js‖), and within
// 1e-5·‖js‖∞ + 1e-6 elementwise. The fused kernels use float32 σ/tanh approximations (≤ 6.2 ulp)
// and float32 arithmetic where the reference rounds float64 expressions once.
// (Measured: at most 8e-7 relative, on every shape here, either build.)
const REL_TOL = 2e-5;

const U = 2 ** -24;

interface Arrays { w: CellWeights; s: CellBuffers; xw: Vec; dhs: Vec }

function make(k: Backend, cell: Cell, T: number, B: number, H: number, seed: number): Arrays {
  const G = cell.gates * H, TB = T * B, rng = new Rng(seed);
  const fill = (v: Vec, scale: number) => { for (let i = 0; i < v.length; i++) v[i] = rng.uniform(-scale, scale); return v; };
  const w: CellWeights = {
    whh: fill(k.alloc(G * H), 1 / Math.sqrt(H) * 2), bhh: fill(k.alloc(G), 0.5),
    dwhh: fill(k.alloc(G * H), 0.1), dbhh: fill(k.alloc(G), 0.1),
  };
  const s: CellBuffers = {
    h: k.alloc((T + 1) * B * H), c: k.alloc(cell.hasCellState ? (T + 1) * B * H : 0),
    gates: k.alloc(TB * G), extra: k.alloc(TB * H), dxw: k.alloc(TB * G), dhh: k.alloc(cell.kind === 'gru' ? TB * G : 0),
    dh: fill(k.alloc(B * H), 3), dc: fill(k.alloc(B * H), 3), tmp: k.alloc(B * G),
  };
  fill(s.h.subarray(0, B * H), 1); fill(s.c.subarray(0, s.c.length ? B * H : 0), 2);
  return { w, s, xw: fill(k.alloc(TB * G), 3), dhs: fill(k.alloc(TB * H), 1) };
}

function relDiff(a: Vec, b: Vec): number {
  let dd = 0, bb = 0;
  for (let i = 0; i < b.length; i++) { dd += (a[i] - b[i]) ** 2; bb += b[i] ** 2; }
  return Math.sqrt(dd) / Math.max(Math.sqrt(bb), 1e-30);
}

function compareArrays(name: string, a: Vec, b: Vec): number {
  assert.equal(a.length, b.length, `${name}: length`);
  let inf = 0;
  for (let i = 0; i < b.length; i++) inf = Math.max(inf, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) {
    assert.ok(Number.isFinite(a[i]), `${name}[${i}] = ${a[i]}`);
    assert.ok(Math.abs(a[i] - b[i]) <= 1e-5 * inf + 1e-6, `${name}[${i}]: ${a[i]} vs ${b[i]}`);
  }
  const r = relDiff(a, b);
  assert.ok(r <= REL_TOL, `${name}: relative difference ${r.toExponential(2)}`);
  return r;
}

/** Runs forward + backward of `cell` on both backends from the same numbers; returns the worst relative difference. */
function compareCell(w: Backend, cell: Cell, T: number, B: number, H: number, seed: number): number {
  const js = jsBackend('f32');
  const a = make(w, cell, T, B, H, seed), r = make(js, cell, T, B, H, seed);
  cell.forward(w, a.w, a.s, a.xw, T, B, H);
  cell.forward(js, r.w, r.s, r.xw, T, B, H);
  cell.backward(w, a.w, a.s, a.dhs, T, B, H);
  cell.backward(js, r.w, r.s, r.dhs, T, B, H);
  let worst = 0;
  for (const key of ['h', 'c', 'gates', 'extra', 'dxw', 'dhh', 'dh', 'dc'] as const) {
    if (key === 'dc' && !cell.hasCellState) continue;
    if (key === 'extra' && cell.kind === 'rnn') continue;
    worst = Math.max(worst, compareArrays(`${cell.kind} ${key}`, a.s[key], r.s[key]));
  }
  worst = Math.max(worst, compareArrays(`${cell.kind} dwhh`, a.w.dwhh, r.w.dwhh), compareArrays(`${cell.kind} dbhh`, a.w.dbhh, r.w.dbhh));
  return worst;
}

const suite = wasmAvailable() ? describe : describe.skip;
const cells: Cell[] = [lstmCell, gruCell('torch'), rnnCell];

for (const fma of [false, true]) {
  const maybe = !fma || relaxedSimdAvailable() ? suite : describe.skip;
  maybe(`fused wasm cells (${fma ? 'relaxed SIMD' : 'SIMD'}) equal the TypeScript cells`, () => {
    const w = wasmBackend({ fma });
    it('the backend offers them (and not when fusedCells is false)', () => {
      assert.ok(w.cells);
      assert.equal(wasmBackend({ fma, fusedCells: false }).cells, undefined);
    });
    for (const cell of cells) {
      it(`${cell.kind}: H from 1 to 9 (the single-lane tails), T 5, B 3`, () => {
        for (let H = 1; H <= 9; H++) compareCell(w, cell, 5, 3, H, 10 * H);
      });
      it(`${cell.kind}: H 37, T 11, B 7; H 64, T 8, B 32`, () => {
        compareCell(w, cell, 11, 7, 37, 1);
        compareCell(w, cell, 8, 32, 64, 2);
      });
    }
    it('LSTM 128, T 16, B 32 (the training shape)', () => {
      compareCell(w, lstmCell, 16, 32, 128, 3);
    });
  });
}

suite('fused wasm cells: fall back to the TypeScript code where they cannot run', () => {
  it('arrays the backend did not allocate, and the diagnostics (dhNorms)', () => {
    const w = wasmBackend(), cell = lstmCell, T = 4, B = 2, H = 5;
    const a = make(w, cell, T, B, H, 1);
    const plainXw = Float32Array.from(a.xw);
    assert.equal(w.cells!.forward('lstm', a.w, a.s, plainXw, T, B, H), false);
    const r = make(jsBackend('f32'), cell, T, B, H, 1);
    cell.forward(w, a.w, a.s, plainXw, T, B, H);   // runs the TypeScript code on wasm-owned arrays
    cell.forward(jsBackend('f32'), r.w, r.s, r.xw, T, B, H);
    compareArrays('h', a.s.h, r.s.h);
    const norms = new Float64Array(T), normsJs = new Float64Array(T);
    cell.backward(w, a.w, a.s, a.dhs, T, B, H, norms);
    cell.backward(jsBackend('f32'), r.w, r.s, r.dhs, T, B, H, normsJs);
    for (let t = 0; t < T; t++) assert.ok(Math.abs(norms[t] - normsJs[t]) <= 1e-5 * normsJs[t]);
  });
});

suite('σ, tanh and exp approximations of the fused cells', () => {
  const w = wasmBackend();
  const n = 200001, x = w.alloc(n), y = w.alloc(n);
  for (let i = 0; i < n; i++) x[i] = Math.fround(((i - (n - 1) / 2) / ((n - 1) / 2)) ** 3 * 40); // dense near 0, out to ±40
  const check = (fn: 'sigmoid' | 'tanh' | 'exp', ref: (v: number) => number, ulps: number, abs: (v: number) => number) => {
    w.approx(fn, y, x);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const r = ref(x[i]), bound = ulps * U * abs(r);
      const e = Math.abs(y[i] - r);
      assert.ok(e <= bound, `${fn}(${x[i]}) = ${y[i]}, expected ${r}`);
      worst = Math.max(worst, e / Math.max(U * abs(r), 1e-45));
    }
    return worst;
  };
  it('σ(x) within 3 ulp, relative (both tails)', () => { check('sigmoid', (v) => 1 / (1 + Math.exp(-v)), 3, Math.abs); });
  it('tanh(x) within 7 ulp, relative', () => { check('tanh', Math.tanh, 7, Math.abs); });
  it('exp(x) within 2 ulp on [−87, 88]', () => {
    const lim = x.filter((v) => v >= -87 && v <= 88);
    const xs = w.alloc(lim.length), ys = w.alloc(lim.length);
    xs.set(lim);
    w.approx('exp', ys, xs);
    for (let i = 0; i < lim.length; i++) {
      const r = Math.exp(xs[i]);
      assert.ok(Math.abs(ys[i] - r) <= 2 * U * r, `exp(${xs[i]}) = ${ys[i]}, expected ${r}`);
    }
  });
  it('NaN goes through (so divergence is still detected); ±Infinity saturates', () => {
    const v = w.alloc(3), out = w.alloc(3);
    v.set([NaN, Infinity, -Infinity]);
    w.approx('sigmoid', out, v);
    assert.ok(Number.isNaN(out[0])); assert.equal(out[1], 1); assert.ok(out[2] >= 0 && out[2] < 1e-37);
    w.approx('tanh', out, v);
    assert.ok(Number.isNaN(out[0])); assert.ok(Math.abs(out[1] - 1) < 1e-6); assert.ok(Math.abs(out[2] + 1) < 1e-6);
  });
});

// Row kernels (rows.as.ts) against their TypeScript references (layer.ts, cells/cell.ts, Network.loss).
// Stated tolerance: gather / scatter / column sums as the reference up to float32 summation order
// (1e-6 relative per element); softmax probabilities within (8 + 2·|x − max|)·2⁻²⁴ relative: the
// approximate exp, and float32 rounding of x − max where the reference subtracts in float64.
suite('wasm row kernels equal their TypeScript references', () => {
  const w = wasmBackend(), rows = w.rows!;
  const rng = new Rng(21);
  const rand = (v: Vec, s = 1) => { for (let i = 0; i < v.length; i++) v[i] = rng.uniform(-s, s); return v; };
  const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

  it('gatherRows and scatterAddRows (ids −1 included), n from 1 to 9 and 130', () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 130]) {
      const V = 6, R = 23, ids = Int32Array.from({ length: R }, (_, r) => (r % 7 === 3 ? -1 : (r * 5) % V));
      const table = rand(w.alloc(V * n)), bias = rand(w.alloc(n)), dst = w.alloc(R * n), src = rand(w.alloc(R * n));
      assert.ok(rows.gatherRows(dst, table, bias, ids, R, n));
      for (let r = 0; r < R; r++) for (let j = 0; j < n; j++) {
        assert.equal(dst[r * n + j], Math.fround(bias[j] + (ids[r] < 0 ? 0 : table[ids[r] * n + j])));
      }
      const before = Float32Array.from(table), ref = Float64Array.from(table);
      for (let r = 0; r < R; r++) if (ids[r] >= 0) for (let j = 0; j < n; j++) ref[ids[r] * n + j] += src[r * n + j];
      assert.ok(rows.scatterAddRows(table, src, ids, R, n));
      for (let i = 0; i < table.length; i++) close(table[i], ref[i], 1e-6, `scatter n ${n} [${i}] (was ${before[i]})`);
    }
  });

  it('decline ids outside the table, and arrays they do not own', () => {
    const table = w.alloc(4 * 3), dst = w.alloc(2 * 3), bias = w.alloc(3);
    assert.equal(rows.gatherRows(dst, table, bias, Int32Array.from([0, 4]), 2, 3), false);
    assert.equal(rows.scatterAddRows(table, dst, Int32Array.from([5, 0]), 2, 3), false);
    assert.equal(rows.sumRows(new Float32Array(3), dst, 2, 3), false);
    assert.equal(rows.softmaxRows(new Float32Array(6), dst, 2, 3, 1), false);
  });

  it('sumRows: column sums accumulate, n from 1 to 70', () => {
    for (let n = 1; n <= 70; n += 3) {
      const m = 37, d = rand(w.alloc(m * n)), db = rand(w.alloc(n)), ref = Float64Array.from(db);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) ref[j] += d[i * n + j];
      assert.ok(rows.sumRows(db, d, m, n));
      for (let j = 0; j < n; j++) close(db[j], ref[j], 1e-5, `sumRows n ${n} col ${j}`);
    }
  });

  it('adamUpdate: ten Adam steps as applyUpdate\'s loop, within 1e-6 relative (n = 1003: a tail too)', () => {
    const n = 1003, js = createOptimizerState('adam', n), fast = createOptimizerState('adam', n);
    fast.m = w.alloc(n) as Float32Array; fast.v = w.alloc(n) as Float32Array;
    const p = rand(w.alloc(n)), pj = Float32Array.from(p), g = w.alloc(n);
    for (let step = 0; step < 10; step++) {
      rand(g, 10 ** ((step % 5) - 3));
      applyUpdate(js, pj, Float32Array.from(g), 2e-3, 0.9);
      applyUpdate(fast, p, g, 2e-3, 0.9, w);
    }
    assert.equal(fast.t, 10);
    for (let i = 0; i < n; i++) {
      close(p[i], pj[i], 1e-6, `p[${i}]`);
      close(fast.m[i], js.m[i], 1e-6, `m[${i}]`);
      close(fast.v[i], js.v[i], 1e-6, `v[${i}]`);
    }
  });

  it('softmaxRows: probabilities and scaled copies, widths 1 to 9 and 72, large logits', () => {
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 72]) {
      const R = 11, p = rand(w.alloc(R * n), 30), g = w.alloc(R * n), x = Float64Array.from(p), scale = 1 / 64;
      p[0] = 80; p[n - 1] = -80;
      x[0] = 80; x[n - 1] = -80;
      assert.ok(rows.softmaxRows(p, g, R, n, scale));
      for (let r = 0; r < R; r++) {
        let max = -Infinity, sum = 0;
        for (let v = 0; v < n; v++) max = Math.max(max, x[r * n + v]);
        for (let v = 0; v < n; v++) sum += Math.exp(x[r * n + v] - max);
        for (let v = 0; v < n; v++) {
          const ref = Math.exp(x[r * n + v] - max) / sum;
          // float32 x − max is rounded (relative ≤ u), so e^(x−max) is good to about |x − max|·u, plus the exp's 2 ulp.
          const tol = (8 + 2 * Math.abs(x[r * n + v] - max)) * U * ref + 1.7e-38; // exp flushes to 0 below e^−87
          assert.ok(Math.abs(p[r * n + v] - ref) <= tol, `softmax n ${n} [${r},${v}]: ${p[r * n + v]} vs ${ref}`);
          assert.equal(g[r * n + v], Math.fround(p[r * n + v] * scale));
        }
      }
    }
  });
});
