import assert from 'node:assert/strict';
import { defaultModelConfig, ModelConfig, TrainConfig, defaultTrainConfig } from '../../src/engine/config';
import { Backend, CELL_NAMES, CELL_OPS, CellName, CellOps, FLAT_OPS, FlatOp } from '../../src/engine/backend';
import { Network } from '../../src/engine/network';
import { initParams } from '../../src/engine/params';
import { jsBackend } from '../../src/engine/reference';
import { Rng } from '../../src/engine/rng';
import { Trainer } from '../../src/engine/train';
import { Vec } from '../../src/engine/types';
import { wasmBackend } from '../../src/engine/wasm/backend';
import { smallText } from '../helpers/texts';
import { wasmSuite } from '../helpers/wasm';

// The wasm-simd backend beyond single operations (those: backend-table.test.ts): its memory, its
// σ/tanh/exp approximations, whole networks against the reference, which operations the reference
// workload needs from it, and what it does with arrays it did not allocate.
//
// Stated tolerance, whole network (float32, same weights and data): loss within 1e-6 relative,
// every parameter tensor's gradient within 1e-5 relative (‖g_wasm − g_js‖ / ‖g_js‖).
// (Measured: loss ≤ 2e-9, gradients ≤ 5e-7.)
const LOSS_TOL = 1e-6,
  GRAD_TOL = 1e-5;
const U = 2 ** -24;

function fill(v: Vec, rng: Rng): void {
  for (let i = 0; i < v.length; i++) v[i] = rng.uniform(-1, 1);
}

wasmSuite('wasm-simd backend memory', () => {
  it('alloc returns zeroed float32 arrays, and growing the memory keeps earlier arrays valid', () => {
    const w = wasmBackend();
    const first = w.alloc(1000);
    assert.ok(first instanceof Float32Array);
    assert.ok(first.every((x) => x === 0));
    first.forEach((_, i) => {
      first[i] = i;
    });
    const kept: Vec[] = [first];
    for (let n = 0; n < 200; n++) {
      // 200 × 256 KiB: the memory grows from 1 MiB past 50 MiB
      const v = w.alloc(65536 + n);
      assert.equal(v.length, 65536 + n);
      assert.ok(v[0] === 0 && v[v.length - 1] === 0);
      v[0] = n;
      v[v.length - 1] = -n;
      kept.push(v);
    }
    assert.ok(w.bytesUsed() > 50 * 2 ** 20);
    assert.ok(
      first.every((x, i) => x === i),
      'the first array survived the growth',
    );
    for (let n = 0; n < 200; n++) assert.ok(kept[n + 1][0] === n && kept[n + 1][kept[n + 1].length - 1] === -n);
    // Arrays from before and after the growth still work as kernel arguments.
    compareAcrossGrowth(w, first);
  });

  it('two backends do not share memory', () => {
    const a = wasmBackend().alloc(16),
      b = wasmBackend().alloc(16);
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
  const M = 9,
    N = 10,
    K = 11,
    rng = new Rng(9);
  const A = early.subarray(0, M * K),
    B = w.alloc(K * N),
    C = w.alloc(M * N);
  fill(A, rng);
  fill(B, rng);
  const Cj = new Float32Array(M * N);
  w.gemmNN(C, A, B, M, N, K);
  jsBackend('f32').gemmNN(Cj, Float32Array.from(A), Float32Array.from(B), M, N, K);
  for (let i = 0; i < M * N; i++) assert.ok(Math.abs(C[i] - Cj[i]) <= 1e-5 * (1 + Math.abs(Cj[i])));
}

/** Loss and gradient of one window on a backend, from the same seeds. */
function lossAndGrad(
  config: ModelConfig,
  k: Backend,
  T: number,
  Bsz: number,
): { loss: number; grad: Float64Array; params: ReturnType<typeof initParams> } {
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

wasmSuite('wasm-simd backend in a whole network: same loss and gradients as the TypeScript kernels', () => {
  const cases: [string, Partial<ModelConfig>, number, number][] = [
    ['LSTM 128, one-hot, vocabulary 72, T 16, batch 32', { cell: 'lstm', hidden: 128, vocabSize: 72 }, 16, 32],
    [
      'GRU 37 (torch form), 2 layers bidirectional, embedding, vocabulary 23',
      {
        cell: 'gru',
        gruForm: 'torch',
        hidden: 37,
        layers: 2,
        bidirectional: true,
        input: 'embedding',
        embedSize: 13,
        vocabSize: 23,
      },
      9,
      5,
    ],
    ['GRU 20 (course form), vocabulary 11', { cell: 'gru', gruForm: 'course', hidden: 20, vocabSize: 11 }, 7, 3],
    [
      'RNN 33, 3 layers with dropout, vocabulary 17',
      { cell: 'rnn', hidden: 33, layers: 3, dropout: 0.2, vocabSize: 17 },
      11,
      6,
    ],
  ];
  for (const [name, over, T, Bsz] of cases) {
    it(name, () => {
      const config = { ...defaultModelConfig, vocabSize: 2, ...over, classes: over.vocabSize ?? 2 } as ModelConfig;
      const js = lossAndGrad(config, jsBackend('f32'), T, Bsz);
      const wa = lossAndGrad(config, wasmBackend(), T, Bsz);
      assert.ok(Math.abs(wa.loss - js.loss) <= LOSS_TOL * Math.abs(js.loss), `loss ${wa.loss} vs ${js.loss}`);
      for (const spec of js.params.specs) {
        let dd = 0,
          gg = 0;
        for (let i = spec.offset; i < spec.offset + spec.size; i++) {
          dd += (wa.grad[i] - js.grad[i]) ** 2;
          gg += js.grad[i] ** 2;
        }
        const rel = Math.sqrt(dd) / Math.max(Math.sqrt(gg), 1e-30);
        assert.ok(rel <= GRAD_TOL, `${spec.name}: gradient relative difference ${rel.toExponential(2)}`);
      }
    });
  }
});

wasmSuite('σ, tanh and exp approximations of the fused cells', () => {
  const w = wasmBackend();
  const n = 200001,
    x = w.alloc(n),
    y = w.alloc(n);
  for (let i = 0; i < n; i++) x[i] = Math.fround(((i - (n - 1) / 2) / ((n - 1) / 2)) ** 3 * 40); // dense near 0, out to ±40
  const check = (
    fn: 'sigmoid' | 'tanh' | 'exp',
    ref: (v: number) => number,
    ulps: number,
    abs: (v: number) => number,
  ) => {
    w.approx(fn, y, x);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const r = ref(x[i]),
        bound = ulps * U * abs(r);
      const e = Math.abs(y[i] - r);
      assert.ok(e <= bound, `${fn}(${x[i]}) = ${y[i]}, expected ${r}`);
      worst = Math.max(worst, e / Math.max(U * abs(r), 1e-45));
    }
    return worst;
  };
  it('σ(x) within 3 ulp, relative (both tails)', () => {
    check('sigmoid', (v) => 1 / (1 + Math.exp(-v)), 3, Math.abs);
  });
  it('tanh(x) within 7 ulp, relative', () => {
    check('tanh', Math.tanh, 7, Math.abs);
  });
  it('exp(x) within 2 ulp on [−87, 88]', () => {
    const lim = x.filter((v) => v >= -87 && v <= 88);
    const xs = w.alloc(lim.length),
      ys = w.alloc(lim.length);
    xs.set(lim);
    w.approx('exp', ys, xs);
    for (let i = 0; i < lim.length; i++) {
      const r = Math.exp(xs[i]);
      assert.ok(Math.abs(ys[i] - r) <= 2 * U * r, `exp(${xs[i]}) = ${ys[i]}, expected ${r}`);
    }
  });
  it('NaN goes through (so divergence is still detected); ±Infinity saturates', () => {
    const v = w.alloc(3),
      out = w.alloc(3);
    v.set([NaN, Infinity, -Infinity]);
    w.approx('sigmoid', out, v);
    assert.ok(Number.isNaN(out[0]));
    assert.equal(out[1], 1);
    assert.ok(out[2] >= 0 && out[2] < 1e-37);
    w.approx('tanh', out, v);
    assert.ok(Number.isNaN(out[0]));
    assert.ok(Math.abs(out[1] - 1) < 1e-6);
    assert.ok(Math.abs(out[2] + 1) < 1e-6);
  });
});

/** The backend `k`, recording the name of every operation called on it (cells as "cell.op"). */
function recording(k: Backend, used: Set<string>): Backend {
  const rec =
    <A extends unknown[], R>(name: string, f: (...a: A) => R) =>
    (...a: A): R => {
      used.add(name);
      return f(...a);
    };
  const flatOps = FLAT_OPS.map((op) => [op, rec(op, k[op] as (...a: unknown[]) => unknown)]);
  const flat = Object.fromEntries(flatOps) as unknown as Pick<Backend, FlatOp>;
  const cellOps = (cell: CellName): CellOps => ({
    forward: rec(`${cell}.forward`, k.cells[cell].forward),
    backward: rec(`${cell}.backward`, k.cells[cell].backward),
    backwardWithNorms: rec(`${cell}.backwardWithNorms`, k.cells[cell].backwardWithNorms),
  });
  const cells = Object.fromEntries(CELL_NAMES.map((c) => [c, cellOps(c)])) as Record<CellName, CellOps>;
  return { ...k, ...flat, cells };
}

wasmSuite('the reference workload runs on wasm kernels only', () => {
  it('char-level LSTM, one-hot input, Adam: training and validation use no operation the backend falls back on', async () => {
    const used = new Set<string>(),
      w = wasmBackend(),
      k = recording(w, used);
    const train: TrainConfig = { ...defaultTrainConfig, seqLength: 32, batchSize: 8, steps: 4, evalEvery: 2 };
    const t = Trainer.create(smallText(), { cell: 'lstm', hidden: 32 }, train, k);
    const r = await t.run();
    assert.ok(r.valLoss !== null, 'validation ran');
    const expected = ['gemmNT', 'gatherRows', 'lstm.forward', 'lstm.backward', 'softmaxCrossEntropy', 'adamUpdate'];
    for (const op of expected) assert.ok(used.has(op), op);
    const fallen = [...used].filter((op) => w.fallbacks.includes(op));
    assert.deepEqual(fallen, [], `operations of the reference workload run in TypeScript: ${fallen.join(', ')}`);
  });

  it('lists what it runs by the reference: course-form GRU, peephole LSTM, norm-recording backwards, SGD, RMSProp, Adagrad', () => {
    const fallbacks = wasmBackend().fallbacks;
    assert.deepEqual(
      [...fallbacks].sort(),
      [
        ...CELL_NAMES.map((c) => `${c}.backwardWithNorms`),
        'gruCourse.backward',
        'gruCourse.forward',
        'lstmPeephole.backward',
        'lstmPeephole.forward',
        'sgdUpdate',
        'rmspropUpdate',
        'adagradUpdate',
      ].sort(),
    );
    const plain = wasmBackend({ fusedCells: false }).fallbacks;
    for (const cell of CELL_NAMES) {
      for (const op of CELL_OPS) assert.ok(plain.includes(`${cell}.${op}`), `fusedCells false: ${cell}.${op}`);
    }
  });
});

wasmSuite('wasm-simd backend: arrays it did not allocate are an error, never a silent fallback', () => {
  const w = wasmBackend();
  it('a matrix product on a plain Float32Array throws', () => {
    const A = new Float32Array(6 * 5),
      Bm = w.alloc(7 * 5),
      C = w.alloc(6 * 7);
    assert.throws(() => w.gemmNT(C, A, Bm, 6, 7, 5), /gemmNT was given an array this backend did not allocate/);
  });
  it('an array of another wasm backend, or one too short, throws', () => {
    const other = wasmBackend().alloc(6);
    assert.throws(() => w.sumRows(w.alloc(3), other, 2, 3), /sumRows was given an array this backend did not allocate/);
    assert.throws(() => w.sumRows(w.alloc(3), w.alloc(5), 2, 3), /sumRows was given an array of 5 where it needs 6/);
  });
  it('a cell with a foreign buffer throws, before touching anything', () => {
    const H = 3,
      G = 4 * H,
      T = 2,
      B = 1;
    const wts = {
      whh: w.alloc(G * H),
      bhh: w.alloc(G),
      dwhh: w.alloc(G * H),
      dbhh: w.alloc(G),
      peep: w.alloc(0),
      dpeep: w.alloc(0),
    };
    const s = {
      h: w.alloc((T + 1) * H),
      c: w.alloc((T + 1) * H),
      gates: w.alloc(T * G),
      extra: w.alloc(T * H),
      dxw: w.alloc(T * G),
      dhh: w.alloc(0),
      dh: w.alloc(H),
      dc: w.alloc(H),
      tmp: w.alloc(G),
    };
    const foreign = new Float32Array(T * G);
    assert.throws(() => w.cells.lstm.forward(wts, s, foreign, T, B, H), /lstm.forward was given an array/);
    assert.ok(s.h.every((x) => x === 0));
  });
  it('ids outside the table throw', () => {
    const table = w.alloc(4 * 3),
      dst = w.alloc(2 * 3),
      bias = w.alloc(3);
    assert.throws(() => w.gatherRows(dst, table, bias, Int32Array.from([0, 4]), 2, 3), /id 4 is outside the table/);
    assert.throws(() => w.scatterAddRows(table, dst, Int32Array.from([5, 0]), 2, 3), /id 5 is outside the table/);
  });
});
