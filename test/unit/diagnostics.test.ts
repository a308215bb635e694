// The diagnostics measure what they say, in the course's terms: gates held by hand-set biases show at
// the known end of their own range (the PyTorch GRU's Γu is 1 − z), and the two vanishing-gradient
// curves ‖∂L<T>/∂a<t>‖ and ‖∂L<T>/∂c<t>‖ equal finite differences of L<T> (float64 reference backend).

import assert from 'node:assert/strict';
import { ModelConfig } from '../../src/engine/config';
import { diagnose } from '../../src/engine/diagnostics';
import { jsBackend } from '../../src/engine/reference';
import { initParams } from '../../src/engine/params';
import { HISTOGRAM_BINS } from '../../src/engine/reports';
import { Rng } from '../../src/engine/rng';
import { buildWordTokenizer } from '../../src/engine/tokenizer';
import { stateGradCheck, smallConfig } from '../helpers/gradcheck';
import { HAND_SET_GATES, HAND_SET_TEXT, handSetModel } from '../helpers/handSet';

describe('diagnostics: gates in the course’s terms, on hand-set weights', () => {
  for (const h of HAND_SET_GATES) {
    it(h.title, () => {
      const model = handSetModel(h);
      const r = diagnose(model, jsBackend('f32'), model.tokenizer.encode(HAND_SET_TEXT), { steps: 20 });
      const g = r.gates.find((x) => x.gate === h.gate);
      assert.ok(g, `no ${h.gate} in ${r.gates.map((x) => x.gate).join(', ')}`);
      assert.deepEqual(g.range, h.range);
      const [near, far] = h.end === 'low' ? [g.low, g.high] : [g.high, g.low];
      assert.ok(near > 0.999, `${h.gate}: ${near} of the values near its ${h.end} end`);
      assert.equal(far, 0);
      const bin = h.end === 'low' ? 0 : HISTOGRAM_BINS - 1;
      assert.ok(g.histogram[bin] > 0.999, `${h.gate}: histogram ${g.histogram.map((x) => x.toFixed(3)).join(' ')}`);
      assert.ok(Math.abs(g.histogram.reduce((a, b) => a + b, 0) - 1) < 1e-12, 'the bins hold every value');
    });
  }

  it('names the gates of each cell in row-block order, each with its range', () => {
    const gatesOf = (model: Pick<ModelConfig, 'cell' | 'gruForm'>) => {
      const m = handSetModel({ ...HAND_SET_GATES[0], model });
      return diagnose(m, jsBackend('f32'), m.tokenizer.encode(HAND_SET_TEXT), { steps: 10 }).gates.map(
        (g) => `${g.gate} [${g.range.join(', ')}]`,
      );
    };
    const gru = ['Γr [0, 1]', 'Γu [0, 1]', 'c̃ [-1, 1]'];
    assert.deepEqual(gatesOf({ cell: 'gru', gruForm: 'torch' }), gru);
    assert.deepEqual(gatesOf({ cell: 'gru', gruForm: 'course' }), gru);
    assert.deepEqual(gatesOf({ cell: 'lstm', gruForm: 'torch' }), ['Γu [0, 1]', 'Γf [0, 1]', 'c̃ [-1, 1]', 'Γo [0, 1]']);
    assert.deepEqual(gatesOf({ cell: 'rnn', gruForm: 'torch' }), []);
  });

  it('names the level of the model’s tokens, so that the views say "per character" or "per word"', () => {
    const char = handSetModel(HAND_SET_GATES[0]);
    const word = { ...char, tokenizer: buildWordTokenizer(HAND_SET_TEXT, 1, false) };
    const V = word.tokenizer.spec.vocab.length;
    word.config = { ...char.config, vocabSize: V, classes: V };
    word.params = initParams(word.config, jsBackend('f32'), new Rng(5));
    for (const [m, level] of [
      [char, 'char'],
      [word, 'word'],
    ] as const) {
      const r = diagnose(m, jsBackend('f32'), m.tokenizer.encode(HAND_SET_TEXT), { steps: 5 });
      assert.equal(r.level, level);
    }
  });
});

describe('diagnostics: the memory path ‖∂L<T>/∂c<t>‖', () => {
  it('is reported for LSTM layers only, one row of T per layer, beside ‖∂L<T>/∂a<t>‖', () => {
    for (const cell of ['lstm', 'gru', 'rnn'] as const) {
      const m = handSetModel({ ...HAND_SET_GATES[0], model: { cell, gruForm: 'torch' } });
      const r = diagnose(m, jsBackend('f32'), m.tokenizer.encode(HAND_SET_TEXT), { steps: 12 });
      assert.equal(r.gradNorms.length, 1);
      assert.equal(r.gradNorms[0].length, 12);
      if (cell !== 'lstm') {
        assert.equal(r.cellGradNorms, undefined, cell);
        continue;
      }
      assert.equal(r.cellGradNorms?.length, 1);
      assert.equal(r.cellGradNorms[0].length, 12);
      assert.ok(r.cellGradNorms[0].every((v) => v > 0 && Number.isFinite(v)));
    }
  });

  it('reaches back undiminished while Γf ≈ 1, and fades within a few steps when Γf ≈ 0', () => {
    const T = 40;
    const curves = (forgetBias: number) => {
      const m = handSetModel({ ...HAND_SET_GATES.find((h) => h.gate === 'Γf')!, bias: forgetBias });
      const r = diagnose(m, jsBackend('f32'), m.tokenizer.encode(HAND_SET_TEXT), { steps: T });
      return { a: r.gradNorms[0], c: r.cellGradNorms![0] };
    };
    // ∂L/∂c<t−1> = Γf * ∂L/∂c<t> + Γo<t−1> * (1 − tanh²(c<t−1>)) * ∂L/∂a<t−1>
    const open = curves(20);
    assert.ok(open.c[0] >= open.c[T - 1], `Γf ≈ 1: ‖∂L<T>/∂c<1>‖ ${open.c[0]} < ‖∂L<T>/∂c<T>‖ ${open.c[T - 1]}`);
    assert.ok(open.c[0] > open.a[0], `Γf ≈ 1: c<1> ${open.c[0]} is not above a<1> ${open.a[0]}`);
    const shut = curves(-20);
    assert.ok(shut.c[0] < 1e-3 * shut.c[T - 1], `Γf ≈ 0: ‖∂L<T>/∂c<1>‖ ${shut.c[0]}, c<T> ${shut.c[T - 1]}`);
    assert.ok(shut.c[0] < 1e-3 * open.c[0]);
  });
});

describe('diagnostics: both curves equal finite differences of L<T> (float64)', () => {
  const TOL = 1e-6;
  const cases: [string, Partial<ModelConfig>][] = [
    ['RNN', { cell: 'rnn' }],
    ["GRU (PyTorch's form)", { cell: 'gru', gruForm: 'torch' }],
    ["GRU (the course's form)", { cell: 'gru', gruForm: 'course' }],
    ['LSTM', { cell: 'lstm' }],
    ['LSTM, top layer of two', { cell: 'lstm', layers: 2 }],
  ];
  for (const [name, over] of cases) {
    it(`${name}: ‖∂L<T>/∂a<t>‖${over.cell === 'lstm' ? ' and ‖∂L<T>/∂c<t>‖' : ''} at t = 1, 2, 4, 7 of T = 8`, () => {
      const results = stateGradCheck(smallConfig(over), 8, 3, [1, 2, 4, 7]);
      for (const r of results) {
        for (const [path, pair] of [
          ['a', r.hidden],
          ['c', r.cell],
        ] as const) {
          if (!pair) continue;
          const rel = Math.abs(pair.analytic - pair.numeric) / Math.max(pair.analytic, pair.numeric);
          assert.ok(pair.numeric > 1e-8, `t = ${r.t}, ${path}<t>: the derivative is not negligible`);
          assert.ok(rel < TOL, `t = ${r.t}, ${path}<t>: ${pair.analytic} vs ${pair.numeric} (${rel.toExponential(2)})`);
        }
      }
      assert.equal(
        results.every((r) => r.cell !== undefined),
        over.cell === 'lstm',
      );
    });
  }
});
