import assert from 'node:assert/strict';
import { ModelConfig } from '../../src/engine/config';
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
