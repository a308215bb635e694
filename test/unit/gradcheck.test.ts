import assert from 'node:assert/strict';
import { ModelConfig } from '../../src/engine/config';
import { paramSpecs } from '../../src/engine/params';
import { gradCheck, smallConfig } from '../helpers/gradcheck';

// Stated tolerance: relative error of every tensor's gradient < 1e-6 in float64.
const TOL = 1e-6;

const cells: Partial<ModelConfig>[] = [
  { cell: 'rnn' },
  { cell: 'gru', gruForm: 'torch' },
  { cell: 'gru', gruForm: 'course' },
  { cell: 'lstm' },
];

describe('gradient check: analytic BPTT equals central finite differences (float64)', () => {
  for (const cell of cells) {
    const name = `${cell.cell}${cell.gruForm && cell.cell === 'gru' ? `/${cell.gruForm}` : ''}`;
    for (const layers of [1, 2, 3]) {
      for (const bidirectional of [false, true]) {
        for (const input of ['onehot', 'embedding'] as const) {
          it(`${name}: depth ${layers}, ${bidirectional ? 'bidirectional' : 'one direction'}, ${input} input`, () => {
            const r = gradCheck(smallConfig({ ...cell, layers, bidirectional, input }));
            assert.ok(r.worstRelError < TOL, `${r.worstName}: relative error ${r.worstRelError.toExponential(2)}`);
          });
        }
      }
    }
    it(`${name}: with dropout between 3 layers and a random initial state`, () => {
      const r = gradCheck(smallConfig({ ...cell, layers: 3, dropout: 0.3, initState: 'random' }));
      assert.ok(r.worstRelError < TOL, `${r.worstName}: relative error ${r.worstRelError.toExponential(2)}`);
    });
    it(`${name}: the loss of the last step only (the diagnostics' ∂L<T>/∂a<t>)`, () => {
      const r = gradCheck(smallConfig({ ...cell, layers: 2 }), 6, 2, { onlyLastStep: true });
      assert.ok(r.worstRelError < TOL, `${r.worstName}: relative error ${r.worstRelError.toExponential(2)}`);
    });
  }
});

describe('gradient check of the task heads: tagging (many-to-many) and classification read-outs (float64)', () => {
  for (const cell of cells) {
    const name = `${cell.cell}${cell.gruForm && cell.cell === 'gru' ? `/${cell.gruForm}` : ''}`;
    it(`${name}: tagging head (3 tags over a vocabulary of 5), 2 bidirectional layers, embedding input`, () => {
      const config = smallConfig({
        ...cell,
        task: 'tag',
        classes: 3,
        layers: 2,
        bidirectional: true,
        input: 'embedding',
      });
      const r = gradCheck(config);
      assert.ok(r.worstRelError < TOL, `${r.worstName}: relative error ${r.worstRelError.toExponential(2)}`);
    });
    for (const pool of ['last', 'mean'] as const) {
      for (const bidirectional of [false, true]) {
        it(`${name}: classification, ${pool} read-out, ${bidirectional ? 'bidirectional' : 'one direction'}, 2 layers`, () => {
          const config = smallConfig({ ...cell, task: 'classify', classes: 3, pool, layers: 2, bidirectional });
          const r = gradCheck(config, 6, 3);
          assert.ok(r.worstRelError < TOL, `${r.worstName}: relative error ${r.worstRelError.toExponential(2)}`);
        });
      }
    }
  }
  it('a window of fewer streams than the network holds (a length bucket that does not fill a batch)', () => {
    const config = smallConfig({ cell: 'lstm', task: 'classify', classes: 2, bidirectional: true, pool: 'last' });
    const r = gradCheck(config, 5, 4, { window: 2 });
    assert.ok(r.worstRelError < TOL, `${r.worstName}: relative error ${r.worstRelError.toExponential(2)}`);
    const t = gradCheck(smallConfig({ cell: 'gru', task: 'tag', classes: 4, bidirectional: true }), 5, 4, {
      window: 3,
    });
    assert.ok(t.worstRelError < TOL, `${t.worstName}: relative error ${t.worstRelError.toExponential(2)}`);
  });
});

describe('gradient check of the peephole LSTM, peephole weights p_u, p_f, p_o included (float64)', () => {
  const peephole: Partial<ModelConfig> = { cell: 'lstm', peephole: true };
  for (const layers of [1, 2]) {
    for (const bidirectional of [false, true]) {
      for (const input of ['onehot', 'embedding'] as const) {
        it(`depth ${layers}, ${bidirectional ? 'bidirectional' : 'one direction'}, ${input} input`, () => {
          const config = smallConfig({ ...peephole, layers, bidirectional, input });
          const r = gradCheck(config);
          assert.ok(r.worstRelError < TOL, `${r.worstName}: relative error ${r.worstRelError.toExponential(2)}`);
          assert.equal(
            r.checked,
            paramSpecs(config).reduce((n, s) => n + s.size, 0),
          );
          const peepholes = paramSpecs(config).filter((s) => s.name.startsWith('rnn.weight_peephole'));
          assert.equal(peepholes.length, layers * (bidirectional ? 2 : 1), 'one [3·H] peephole vector per direction');
          for (const s of peepholes) assert.deepEqual(s.shape, [3 * config.hidden]);
        });
      }
    }
  }
  it('with dropout between 2 layers and a random initial state (c<0> ≠ 0 reaches the peepholes at t = 1)', () => {
    const r = gradCheck(smallConfig({ ...peephole, layers: 2, dropout: 0.3, initState: 'random' }));
    assert.ok(r.worstRelError < TOL, `${r.worstName}: relative error ${r.worstRelError.toExponential(2)}`);
  });
  it("the loss of the last step only (the diagnostics' ∂L<T>/∂a<t>)", () => {
    const r = gradCheck(smallConfig({ ...peephole, layers: 2 }), 6, 2, { onlyLastStep: true });
    assert.ok(r.worstRelError < TOL, `${r.worstName}: relative error ${r.worstRelError.toExponential(2)}`);
  });
});
