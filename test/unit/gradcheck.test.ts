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
