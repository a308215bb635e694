// The conditioned language model (one-to-many): a label's learned vector sets a<0> of every layer.
// Gradients through the labels' vectors and the conditioning weights against central differences;
// the file's errors; checkpoints keep the labels; sampling given a label; and, with a small budget,
// samples for two clearly different styles are told apart by the share of each style's letters.

import * as assert from 'node:assert/strict';
import { Backend } from '../../src/engine/backend';
import { decodeCheckpoint, encodeCheckpoint, Model } from '../../src/engine/checkpoint';
import {
  ConditionalRecord,
  encodeConditional,
  parseConditionalFile,
} from '../../src/engine/conditional/conditionalData';
import { ConditionalNetwork } from '../../src/engine/conditional/conditionalNetwork';
import { ConditionalTrainer } from '../../src/engine/conditional/conditionalTrainer';
import { sampleConditional } from '../../src/engine/conditional/sampleConditional';
import { defaultTrainConfig, ModelConfig, validateModelConfig } from '../../src/engine/config';
import { SeqLabError } from '../../src/engine/errors';
import { initParams, Params } from '../../src/engine/params';
import { jsBackend } from '../../src/engine/reference';
import { Rng } from '../../src/engine/rng';
import { taskModelLabel } from '../../src/engine/tasks/taskSetup';
import { wasmBackend } from '../../src/engine/wasm/backend';
import { compareWithDifferences, smallConfig } from '../helpers/gradcheck';
import { wasmSuite } from '../helpers/wasm';

const TOL = 1e-6;

/** A conditional model's config for the gradient checks: 3 labels, a vocabulary of 5. */
const conditionalConfig = (over: Partial<ModelConfig>): ModelConfig =>
  validateModelConfig(smallConfig({ task: 'conditional', labelCount: 3, ...over }));

/**
 * ∂L/∂(every tensor) of a conditional network against central differences (float64). Each sequence
 * starts with x<1> = 0 (id −1); `window` streams of the network's B carry labels [0, 2, 1, …].
 */
function conditionalGradCheck(config: ModelConfig, T = 5, B = 3, window = B) {
  const k = jsBackend('f64');
  const params = initParams(config, k, new Rng(7));
  const data = new Rng(11);
  const labels = Int32Array.from({ length: window }, (_, b) => [0, 2, 1][b % 3]);
  const ids = Int32Array.from({ length: T * window }, (_, r) =>
    r < window ? -1 : Math.floor(data.next() * config.vocabSize),
  );
  const targets = Int32Array.from({ length: T * window }, () => Math.floor(data.next() * config.vocabSize));
  const lossAt = (p: Params): number => {
    const net = new ConditionalNetwork(config, p, k, T, B, new Rng(3));
    net.forward(labels, ids, T, true);
    return net.loss(targets);
  };
  const net = new ConditionalNetwork(config, params, k, T, B, new Rng(3));
  net.forward(labels, ids, T, true);
  net.loss(targets);
  params.grad.fill(0);
  net.backward();
  return compareWithDifferences(params, Float64Array.from(params.grad), lossAt);
}

describe('conditional model: gradient check through the labels and the conditioning weights (float64)', () => {
  const cells: Partial<ModelConfig>[] = [
    { cell: 'rnn' },
    { cell: 'gru', gruForm: 'torch' },
    { cell: 'gru', gruForm: 'course' },
    { cell: 'lstm' },
  ];
  for (const cell of cells) {
    const name = `${cell.cell}${cell.cell === 'gru' ? `/${cell.gruForm}` : ''}`;
    for (const [layers, input] of [
      [1, 'onehot'],
      [2, 'embedding'],
    ] as const) {
      it(`${name}: ${layers} layer(s), ${input} input, every tensor < ${TOL}`, () => {
        const r = conditionalGradCheck(conditionalConfig({ ...cell, layers, input }));
        for (const tensor of ['cond.embed.weight', 'cond.weight_l0', 'cond.bias_l0'])
          assert.ok(r.errors.has(tensor), `${tensor} was checked`);
        for (const [tensor, e] of r.errors) assert.ok(e < TOL, `${tensor}: relative error ${e.toExponential(2)}`);
      });
    }
  }
  it('lstm: dropout between 2 layers, a window of fewer streams than the network holds', () => {
    const r = conditionalGradCheck(conditionalConfig({ cell: 'lstm', layers: 2, dropout: 0.3 }), 4, 5, 2);
    for (const [tensor, e] of r.errors) assert.ok(e < TOL, `${tensor}: relative error ${e.toExponential(2)}`);
  });
});

describe('conditional files and models', () => {
  it('reads label<TAB>text lines; bad lines get line-numbered errors', () => {
    assert.deepEqual(parseConditionalFile('# c\nA\tab ab\n\n B \tx\tz\n', 'f'), [
      { label: 'A', text: 'ab ab', line: 2 },
      { label: 'B', text: 'x\tz', line: 4 },
    ]);
    assert.throws(() => parseConditionalFile('A\tab\nno tab\n', 'f'), /f line 2: no tab; write label<TAB>text/);
    assert.throws(() => parseConditionalFile(' \tab\n', 'f'), /f line 1: empty label/);
    assert.throws(() => parseConditionalFile('A\t\n', 'f'), /f line 1: empty text after the label "A"/);
    assert.throws(() => parseConditionalFile('# only\n', 'f'), /f has no examples/);
  });

  it('a model refuses bidirectional layers and fewer than 2 labels; labelCount belongs to conditional models', () => {
    assert.throws(() => conditionalConfig({ bidirectional: true }), /cannot be bidirectional/);
    assert.throws(() => conditionalConfig({ labelCount: 1 }), /at least 2 distinct labels/);
    assert.throws(() => validateModelConfig(smallConfig({ labelCount: 2 })), /task is lm/);
    assert.equal(taskModelLabel(conditionalConfig({ cell: 'gru', hidden: 24 })), 'conditional GRU-24');
  });

  const records: ConditionalRecord[] = [
    { label: 'A', text: 'abab', line: 1 },
    { label: 'B', text: 'xyz', line: 2 },
    { label: 'A', text: 'ba', line: 3 },
  ];
  const make = (k: Backend = jsBackend('f32')) =>
    ConditionalTrainer.create(records, null, { hidden: 6 }, { ...defaultTrainConfig, steps: 3 }, k, 'f');

  it('encodes a line as x = 0, c1…cn and y = c1…cn, end of line; unknown labels and characters name their line', () => {
    const { model, examples } = make();
    const tok = model.tokenizer;
    assert.deepEqual(model.labels, ['A', 'B']);
    assert.deepEqual(Array.from(examples[1].ids), [-1, tok.id('x'), tok.id('y'), tok.id('z')]);
    assert.deepEqual(Array.from(examples[1].targets), [tok.id('x'), tok.id('y'), tok.id('z'), tok.id('\n')]);
    assert.equal(examples[1].label, 1);
    assert.throws(
      () => encodeConditional(model, [{ label: 'C', text: 'ab', line: 7 }], 'v'),
      /v line 7: "C" is not one of the model's labels \(A, B\)/,
    );
    assert.throws(() => encodeConditional(model, [{ label: 'A', text: 'aq', line: 8 }], 'v'), /v line 8: .*"q"/);
  });

  it('a checkpoint keeps the labels and the conditioning weights: the same samples after loading', async () => {
    const k = jsBackend('f32');
    const t = make(k);
    await t.run();
    const loaded = decodeCheckpoint(encodeCheckpoint(t.checkpoint()), 'ck', k).model;
    assert.deepEqual(loaded.labels, ['A', 'B']);
    assert.equal(loaded.config.labelCount, 2);
    for (const label of ['A', 'B']) {
      const before = sampleConditional(t.model, k, label, { seed: 5, length: 30 });
      assert.equal(sampleConditional(loaded, k, label, { seed: 5, length: 30 }), before);
    }
  });

  it('sampling: an unknown label lists the known ones; a language model has no labels to sample from', () => {
    const k = jsBackend('f32');
    const { model } = make(k);
    assert.throws(
      () => sampleConditional(model, k, 'C', {}),
      (e: Error) => e instanceof SeqLabError && /"C" is not one of the model's labels \(A, B\)/.test(e.message),
    );
    const lm: Model = { ...model, config: { ...model.config, task: 'lm', labelCount: undefined } };
    assert.throws(() => sampleConditional(lm, k, 'A', {}), /only a conditional model samples given a label/);
  });
});

wasmSuite('conditional model on the WebAssembly backend', () => {
  it('trains as the reference does (∂L/∂a<0> reaches the labels through the kernels)', () => {
    const records = styleData(40, 9);
    const config = { cell: 'lstm' as const, hidden: 10, layers: 2 },
      train = { ...defaultTrainConfig, steps: 5, batchSize: 8 };
    const js = ConditionalTrainer.create(records, null, config, train, jsBackend('f32'), 'f'),
      wa = ConditionalTrainer.create(records, null, config, train, wasmBackend(), 'f');
    for (let i = 0; i < 5; i++) {
      const a = js.trainStep(),
        b = wa.trainStep();
      assert.equal(a.tokens, b.tokens, 'the same batches');
      assert.ok(Math.abs(a.loss - b.loss) < 1e-4 * Math.max(1, a.loss), `step ${i + 1}: ${a.loss} vs ${b.loss}`);
    }
    const e = js.model.params.value('cond.embed.weight'),
      w = wa.model.params.value('cond.embed.weight');
    for (let i = 0; i < e.length; i++) assert.ok(Math.abs(e[i] - w[i]) < 1e-4, `label vector entry ${i}`);
  });
});

const STYLES = {
  A: { syllables: ['ab', 'ba', 'aab'], letters: 'ab' },
  B: { syllables: ['xyz', 'zy', 'xz'], letters: 'xyz' },
};

/** Lines of two styles: A words built of a/b syllables, B words of x/y/z syllables; 2–3 words a line. */
function styleData(lines: number, seed: number): ConditionalRecord[] {
  const rng = new Rng(seed);
  return Array.from({ length: lines }, (_, i) => {
    const label = i % 2 === 0 ? 'A' : 'B',
      { syllables } = STYLES[label];
    const words = Array.from({ length: 2 + (rng.nextU32() % 2) }, () =>
      Array.from({ length: 1 + (rng.nextU32() % 2) }, () => syllables[rng.nextU32() % syllables.length]).join(''),
    );
    return { label, text: words.join(' '), line: i + 1 };
  });
}

/** The share of a text's letters (spaces aside) that belong to a style's alphabet. */
function styleShare(text: string, letters: string): number {
  const chars = Array.from(text).filter((c) => c !== ' ');
  return chars.length ? chars.filter((c) => letters.includes(c)).length / chars.length : 0;
}

describe('conditional model: behaviour with a small budget', () => {
  it('samples for each label are written in its style (share of its letters ≫ the 0.5 of an unconditioned model)', async () => {
    const k = jsBackend('f32');
    const train = { ...defaultTrainConfig, steps: 300, batchSize: 16, lr: 0.01, evalEvery: 100, seed: 2 };
    const t = ConditionalTrainer.create(
      styleData(200, 1),
      styleData(20, 2),
      { cell: 'gru', hidden: 24 },
      train,
      k,
      'f',
    );
    const { valLoss } = await t.run();
    for (const label of ['A', 'B'] as const) {
      const samples = Array.from({ length: 20 }, (_, seed) =>
        sampleConditional(t.model, k, label, { seed, length: 40 }),
      );
      const share = styleShare(samples.join(''), STYLES[label].letters);
      assert.ok(share > 0.9, `label ${label}: share of its letters ${share.toFixed(3)}; val loss ${valLoss}`);
      assert.ok(
        samples.every((s) => s.length > 0 && !s.includes('\n')),
        `label ${label}: lines ${JSON.stringify(samples)}`,
      );
    }
  });
});
