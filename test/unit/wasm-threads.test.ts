import assert from 'node:assert/strict';
import { defaultModelConfig, defaultTrainConfig, ModelConfig } from '../../src/engine/config';
import { Backend } from '../../src/engine/backend';
import { Network } from '../../src/engine/network';
import { initParams } from '../../src/engine/params';
import { Rng } from '../../src/engine/rng';
import { Trainer } from '../../src/engine/train';
import { WasmBackend, wasmBackend } from '../../src/engine/wasm/backend';
import { smallText } from '../helpers/texts';
import { wasmSuite } from '../helpers/wasm';

// The wasm backend on several threads (threads.ts): the cells split the B streams of a window,
// the matrix products the rows of C, the weight gradients the gate rows. Every share sums as the
// one-thread call does, so the stated tolerance is none: loss, logits and every gradient are
// bit-for-bit those of one thread.

/** Two windows of training on one backend (state carried in between): loss, logits and gradients. */
function run(
  config: ModelConfig,
  k: Backend,
  T: number,
  B: number,
): { loss: number[]; logits: Float32Array; grad: Float32Array } {
  const params = initParams(config, k, new Rng(7)),
    data = new Rng(11);
  const net = new Network(config, params, k, T, B, new Rng(3));
  const losses: number[] = [];
  for (let window = 0; window < 2; window++) {
    const ids = Int32Array.from({ length: T * B }, () => Math.floor(data.next() * config.vocabSize));
    const targets = Int32Array.from({ length: T * B }, () => Math.floor(data.next() * config.vocabSize));
    net.forward(ids, T, true);
    losses.push(net.loss(targets));
    params.grad.fill(0);
    net.backward();
    net.carryState();
  }
  return { loss: losses, logits: Float32Array.from(net.logits), grad: Float32Array.from(params.grad) };
}

/** Waits (up to 20 s) until the backend's helper threads have booted. */
async function ready(k: WasmBackend, threads: number): Promise<void> {
  for (let waited = 0; k.threadsInUse() < threads && waited < 20000; waited += 10)
    await new Promise((r) => setTimeout(r, 10));
  assert.equal(k.threadsInUse(), threads, `${threads} threads started`);
}

wasmSuite('wasm-simd backend on several threads: bit-for-bit the one-thread results', () => {
  const cases: [string, Partial<ModelConfig>, number, number][] = [
    ['LSTM 64, one-hot, vocabulary 100, T 16, batch 12', { cell: 'lstm', hidden: 64, vocabSize: 100 }, 16, 12],
    [
      'LSTM 61, 2 layers, embedding, T 13, batch 7 (uneven shares)',
      { cell: 'lstm', hidden: 61, layers: 2, input: 'embedding', embedSize: 9, vocabSize: 90 },
      13,
      7,
    ],
    [
      'GRU 64 (torch form), vocabulary 50, T 16, batch 9',
      { cell: 'gru', gruForm: 'torch', hidden: 64, vocabSize: 50 },
      16,
      9,
    ],
    [
      'RNN 128, 2 layers, dropout, vocabulary 40, T 16, batch 8',
      { cell: 'rnn', hidden: 128, layers: 2, dropout: 0.2, vocabSize: 40 },
      16,
      8,
    ],
  ];
  for (const [name, over, T, B] of cases) {
    it(name, async function () {
      this.timeout(60000);
      const config = { ...defaultModelConfig, ...over, classes: over.vocabSize } as ModelConfig;
      const one = run(config, wasmBackend({ threads: 1 }), T, B);
      for (const threads of [2, 3, 4, 8]) {
        const k = wasmBackend({ threads });
        const booting = run(config, k, T, B); // starts the helpers; done on this thread until they are up
        assert.deepEqual(booting.loss, one.loss, `${threads} threads, while booting: losses`);
        await ready(k, threads);
        const many = run(config, k, T, B);
        assert.deepEqual(many.loss, one.loss, `${threads} threads: losses`);
        assert.ok(
          many.logits.every((x, i) => Object.is(x, one.logits[i])),
          `${threads} threads: logits`,
        );
        const diff = many.grad.findIndex((x, i) => !Object.is(x, one.grad[i]));
        assert.equal(
          diff,
          -1,
          `${threads} threads: gradient ${diff} is ${many.grad[diff]}, one thread ${one.grad[diff]}`,
        );
      }
    });
  }

  it('every kernel split, however small (splitWork 1): LSTM, GRU, RNN on 2, 3, 4 and 8 threads', async function () {
    this.timeout(60000);
    for (const over of [
      { cell: 'lstm', hidden: 13 },
      { cell: 'gru', hidden: 9 },
      { cell: 'rnn', hidden: 6, layers: 2 },
    ] as Partial<ModelConfig>[]) {
      const config = { ...defaultModelConfig, vocabSize: 11, ...over, classes: over.vocabSize ?? 11 } as ModelConfig;
      const one = run(config, wasmBackend({ threads: 1 }), 5, 5);
      for (const threads of [2, 3, 4, 8]) {
        const k = wasmBackend({ threads, splitWork: 1 });
        run(config, k, 5, 5);
        await ready(k, threads);
        const many = run(config, k, 5, 5);
        assert.deepEqual(many.loss, one.loss, `${over.cell}, ${threads} threads: losses`);
        assert.ok(
          many.logits.every((x, i) => Object.is(x, one.logits[i])),
          `${over.cell}, ${threads} threads: logits`,
        );
        assert.ok(
          many.grad.every((x, i) => Object.is(x, one.grad[i])),
          `${over.cell}, ${threads} threads: gradients`,
        );
      }
    }
  });

  it('whole training steps (BPTT, global norm, clipping, Adam; one-hot and embedding) on 1, 2, 3, 4 and 8 threads: the same weights bit for bit', async function () {
    this.timeout(120000);
    const text = smallText().repeat(4);
    const train = { ...defaultTrainConfig, seqLength: 12, batchSize: 10, steps: 6, clip: 0.05, evalEvery: 1000 };
    for (const model of [
      { cell: 'lstm', hidden: 23, layers: 2 },
      { cell: 'gru', hidden: 17, input: 'embedding', embedSize: 6 },
      { cell: 'rnn', hidden: 12 },
    ] as Partial<ModelConfig>[]) {
      const weights: Float32Array[] = [];
      let clipped = 0;
      for (const threads of [1, 2, 3, 4, 8]) {
        const k = wasmBackend({ threads, splitWork: 1 });
        if (threads > 1) {
          k.scale(k.alloc(64), 1); // any split call starts the helpers
          await ready(k, threads);
        }
        const t = Trainer.create(text, model, train, k);
        for (let i = 0; i < train.steps; i++) clipped += t.trainStep().clipped ? 1 : 0;
        weights.push(Float32Array.from(t.model.params.data));
      }
      const differs = weights.map((w) => w.findIndex((x, i) => !Object.is(x, weights[0][i])));
      assert.deepEqual(differs, [-1, -1, -1, -1, -1], `${model.cell}: the first weight that differs, per thread count`);
      assert.ok(clipped > 0, `${model.cell}: some steps clipped (the clipping path ran)`);
    }
  });

  it('does not start helpers for calls too small to split', async () => {
    const k = wasmBackend({ threads: 2 });
    run({ ...defaultModelConfig, hidden: 8, vocabSize: 5, classes: 5 }, k, 4, 2);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(k.threadsInUse(), 1);
  });
});
