import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { defaultModelConfig, ModelConfig } from '../../src/engine/config';
import { Backend, jsBackend } from '../../src/engine/kernels';
import { Network } from '../../src/engine/network';
import { initParams } from '../../src/engine/params';
import { Rng } from '../../src/engine/rng';
import { Vec } from '../../src/engine/tensor';
import { relaxedSimdAvailable, wasmAvailable, wasmBackend } from '../../src/engine/wasm/backend';

// Node 20 has relaxed SIMD behind a flag; turn it on so the fused multiply-add build is tested too
// (backends made before this line loaded keep the multiply + add build).
setFlagsFromString('--experimental-wasm-relaxed-simd');

// Stated tolerance, kernels: every element of C satisfies
//   |C_wasm − C_js| ≤ 2·(K + 2)·u·(|C₀| + Σₖ |Â(i,k)·B̂(k,j)|),   u = 2⁻²⁴:
// each result lies within γ(K+1)·(…) ≈ (K + 1)·u·(…) of the exact value, the worst-case error of a
// float32 sum of K products and C₀ in any order, whatever order the tiles (or the reference) add in.
// (Measured: at most 0.37 of this bound for K = 1 or 2, about 0.03 of it for K ≥ 64.)
const U = 2 ** -24;
// Stated tolerance, whole network (float32, same weights and data): loss within 1e-6 relative,
// every parameter tensor's gradient within 1e-5 relative (‖g_wasm − g_js‖ / ‖g_js‖).
// (Measured: loss ≤ 2e-9, gradients ≤ 5e-7.)
const LOSS_TOL = 1e-6, GRAD_TOL = 1e-5;

type Kernel = 'gemmNT' | 'gemmNN' | 'gemmTN';

/** Sizes of A and B, and where Â(i,k) and B̂(k,j) sit in them, for each kernel. */
interface Layout { a: number; b: number; A(i: number, k: number): number; B(k: number, j: number): number }
const layout: Record<Kernel, (M: number, N: number, K: number) => Layout> = {
  gemmNT: (M, N, K) => ({ a: M * K, b: N * K, A: (i, k) => i * K + k, B: (k, j) => j * K + k }),
  gemmNN: (M, N, K) => ({ a: M * K, b: K * N, A: (i, k) => i * K + k, B: (k, j) => k * N + j }),
  gemmTN: (M, N, K) => ({ a: K * M, b: K * N, A: (i, k) => k * M + i, B: (k, j) => k * N + j }),
};

function fill(v: Vec, rng: Rng): void {
  for (let i = 0; i < v.length; i++) v[i] = rng.uniform(-1, 1);
}

/** A view of n elements at a non-zero offset into a larger alloc'd array (what layers pass). */
function view(k: Backend, n: number, offset: number): Vec {
  return k.alloc(n + offset + 3).subarray(offset, offset + n);
}

/** Runs one kernel on both backends from the same random C₀, A, B; returns the worst error / bound. */
function compare(w: Backend, kernel: Kernel, M: number, N: number, K: number, seed: number, offset = 0): number {
  const rng = new Rng(seed), L = layout[kernel](M, N, K), js = jsBackend('f32');
  const A = view(w, L.a, offset), B = view(w, L.b, offset + 1), C = view(w, M * N, offset + 2);
  fill(A, rng); fill(B, rng); fill(C, rng);
  const C0 = Float32Array.from(C), Cj = Float32Array.from(C);
  w[kernel](C, A, B, M, N, K);
  js[kernel](Cj, Float32Array.from(A), Float32Array.from(B), M, N, K);
  let worst = 0;
  const rowStep = Math.max(1, Math.floor(M / 48)); // big shapes: every column of about 50 rows, and the last row
  for (let i = 0; i < M; i = i + rowStep < M || i === M - 1 ? i + rowStep : M - 1) {
    for (let j = 0; j < N; j++) {
      let abs = Math.abs(C0[i * N + j]);
      for (let k = 0; k < K; k++) abs += Math.abs(A[L.A(i, k)] * B[L.B(k, j)]);
      const bound = 2 * (K + 2) * U * abs;
      const err = Math.abs(C[i * N + j] - Cj[i * N + j]);
      assert.ok(Number.isFinite(C[i * N + j]), `${kernel} ${M}×${N}×${K}: C[${i},${j}] = ${C[i * N + j]}`);
      worst = Math.max(worst, bound > 0 ? err / bound : err);
    }
  }
  assert.ok(worst <= 1, `${kernel} ${M}×${N}×${K} (offset ${offset}): error ${worst.toFixed(3)}× the bound`);
  return worst;
}

const H = 128, V = 72, B = 32, TB = 2048;
/** [M, N, K] of each kernel in LSTM-128 training (T = 64, B = 32, vocabulary 72). */
const trainingShapes: Record<Kernel, [number, number, number][]> = {
  gemmNT: [[B, 4 * H, H], [TB, V, H]],
  gemmNN: [[B, H, 4 * H], [TB, H, V]],
  gemmTN: [[4 * H, H, TB], [V, H, TB]],
};

const suite = wasmAvailable() ? describe : describe.skip;

for (const fma of [false, true]) {
  const name = fma ? 'relaxed-SIMD fused multiply-add' : 'SIMD multiply + add';
  const maybe = !fma || relaxedSimdAvailable() ? suite : describe.skip;
  maybe(`wasm-simd backend (${name}) against the TypeScript kernels`, () => {
    const w = wasmBackend({ fma });

    it('is the backend asked for', () => {
      assert.equal(w.name, 'wasm-simd');
      assert.equal(w.dtype, 'f32');
      assert.equal(w.fma, fma);
    });

    for (const kernel of ['gemmNT', 'gemmNN', 'gemmTN'] as Kernel[]) {
      it(`${kernel}: every M, N, K from 1 to 13`, () => {
        let seed = 1;
        for (let M = 1; M <= 13; M++) for (let N = 1; N <= 13; N++) for (let K = 1; K <= 13; K++) compare(w, kernel, M, N, K, seed++);
      });

      it(`${kernel}: ragged sizes across the tile and block edges, on views at odd offsets`, () => {
        const sizes = [[5, 9, 17], [33, 31, 67], [65, 17, 257], [63, 70, 300], [7, 129, 513], [130, 9, 3]];
        for (const [i, [M, N, K]] of sizes.entries()) for (const offset of [0, 1, 3, 7]) compare(w, kernel, M, N, K, 100 + 10 * i + offset, offset);
      });

      it(`${kernel}: the LSTM-128 training shapes`, () => {
        for (const [i, [M, N, K]] of trainingShapes[kernel].entries()) compare(w, kernel, M, N, K, 200 + i, i);
      });
    }

    it('leaves C alone where M, N or K is 0', () => {
      const C = w.alloc(4).fill(1), A = w.alloc(4), Bm = w.alloc(4);
      w.gemmNT(C, A, Bm, 2, 2, 0); w.gemmNN(C, A, Bm, 0, 2, 2); w.gemmTN(C, A, Bm, 2, 0, 2);
      assert.deepEqual(Array.from(C), [1, 1, 1, 1]);
    });

    it('falls back to the TypeScript kernels for arrays it did not allocate', () => {
      const rng = new Rng(5), A = new Float32Array(6 * 5), Bm = w.alloc(7 * 5), C = new Float32Array(6 * 7), Cj = new Float32Array(6 * 7);
      fill(A, rng); fill(Bm, rng);
      w.gemmNT(C, A, Bm, 6, 7, 5);
      jsBackend('f32').gemmNT(Cj, A, Float32Array.from(Bm), 6, 7, 5);
      assert.deepEqual(C, Cj);
    });
  });
}

suite('wasm-simd backend memory', () => {
  it('alloc returns zeroed float32 arrays, and growing the memory keeps earlier arrays valid', () => {
    const w = wasmBackend();
    const first = w.alloc(1000);
    assert.ok(first instanceof Float32Array);
    assert.ok(first.every((x) => x === 0));
    first.forEach((_, i) => { first[i] = i; });
    const kept: Vec[] = [first];
    for (let n = 0; n < 200; n++) {         // 200 × 256 KiB: the memory grows from 1 MiB past 50 MiB
      const v = w.alloc(65536 + n);
      assert.equal(v.length, 65536 + n);
      assert.ok(v[0] === 0 && v[v.length - 1] === 0);
      v[0] = n; v[v.length - 1] = -n;
      kept.push(v);
    }
    assert.ok(w.bytesUsed() > 50 * 2 ** 20);
    assert.ok(first.every((x, i) => x === i), 'the first array survived the growth');
    for (let n = 0; n < 200; n++) assert.ok(kept[n + 1][0] === n && kept[n + 1][kept[n + 1].length - 1] === -n);
    // Arrays from before and after the growth still work as kernel arguments.
    compareAcrossGrowth(w, first);
  });

  it('two backends do not share memory', () => {
    const a = wasmBackend().alloc(16), b = wasmBackend().alloc(16);
    a.fill(3);
    assert.ok(b.every((x) => x === 0));
    assert.notEqual(a.buffer, b.buffer);
  });

  it('reports running out of its memory cap clearly', () => {
    const w = wasmBackend({ maxPages: 32 });
    w.alloc(1000);
    assert.throws(() => w.alloc(4 * 2 ** 20), /out of memory/);
  });
});

function compareAcrossGrowth(w: Backend, early: Vec): void {
  const M = 9, N = 10, K = 11, rng = new Rng(9);
  const A = early.subarray(0, M * K), B = w.alloc(K * N), C = w.alloc(M * N);
  fill(A, rng); fill(B, rng);
  const Cj = new Float32Array(M * N);
  w.gemmNN(C, A, B, M, N, K);
  jsBackend('f32').gemmNN(Cj, Float32Array.from(A), Float32Array.from(B), M, N, K);
  for (let i = 0; i < M * N; i++) assert.ok(Math.abs(C[i] - Cj[i]) <= 1e-5 * (1 + Math.abs(Cj[i])));
}

/** Loss and gradient of one window on a backend, from the same seeds. */
function lossAndGrad(config: ModelConfig, k: Backend, T: number, Bsz: number): { loss: number; grad: Float64Array; params: ReturnType<typeof initParams> } {
  const params = initParams(config, k, new Rng(7));
  const data = new Rng(11);
  const ids = Int32Array.from({ length: T * Bsz }, () => Math.floor(data.next() * config.vocabSize));
  const targets = Int32Array.from({ length: T * Bsz }, () => Math.floor(data.next() * config.vocabSize));
  const net = new Network(config, params, k, T, Bsz, new Rng(3));
  net.forward(ids, T, true);
  const loss = net.loss(targets);
  params.grad.fill(0);
  net.backward();
  return { loss, grad: Float64Array.from(params.grad), params };
}

suite('wasm-simd backend in a whole network: same loss and gradients as the TypeScript kernels', () => {
  const cases: [string, Partial<ModelConfig>, number, number][] = [
    ['LSTM 128, one-hot, vocabulary 72, T 16, batch 32', { cell: 'lstm', hidden: 128, vocabSize: 72 }, 16, 32],
    ['GRU 37 (torch form), 2 layers bidirectional, embedding, vocabulary 23', { cell: 'gru', gruForm: 'torch', hidden: 37, layers: 2, bidirectional: true, input: 'embedding', embedSize: 13, vocabSize: 23 }, 9, 5],
    ['GRU 20 (course form), vocabulary 11', { cell: 'gru', gruForm: 'course', hidden: 20, vocabSize: 11 }, 7, 3],
    ['RNN 33, 3 layers with dropout, vocabulary 17', { cell: 'rnn', hidden: 33, layers: 3, dropout: 0.2, vocabSize: 17 }, 11, 6],
  ];
  for (const [name, over, T, Bsz] of cases) {
    it(name, () => {
      const config = { ...defaultModelConfig, vocabSize: 2, ...over } as ModelConfig;
      const js = lossAndGrad(config, jsBackend('f32'), T, Bsz);
      const wa = lossAndGrad(config, wasmBackend(), T, Bsz);
      assert.ok(Math.abs(wa.loss - js.loss) <= LOSS_TOL * Math.abs(js.loss), `loss ${wa.loss} vs ${js.loss}`);
      for (const spec of js.params.specs) {
        let dd = 0, gg = 0;
        for (let i = spec.offset; i < spec.offset + spec.size; i++) { dd += (wa.grad[i] - js.grad[i]) ** 2; gg += js.grad[i] ** 2; }
        const rel = Math.sqrt(dd) / Math.max(Math.sqrt(gg), 1e-30);
        assert.ok(rel <= GRAD_TOL, `${spec.name}: gradient relative difference ${rel.toExponential(2)}`);
      }
    });
  }
});
