// Behaviour on the reference corpus (data/corpus-kjv.txt): the model learns English,
// and the diagnostics show the course's vanishing-gradient lesson. Budgets are step counts.

import assert from 'node:assert/strict';
import { defaultBackend } from '../../src/engine/defaultBackend';
import { defaultTrainConfig } from '../../src/engine/config';
import { diagnose } from '../../src/engine/diagnostics';
import { Trainer } from '../../src/engine/train';
import { enableRelaxedSimd } from '../../src/engine/wasm/backend';
import { corpus } from '../helpers/texts';

enableRelaxedSimd(); // as the CLI and the worker do
const k = defaultBackend();

describe('behaviour on the reference corpus', function () {
  this.timeout(900_000);
  const text = corpus();

  it('an LSTM-128 reaches validation loss < 1.8 nats/char within 600 steps (B 32, T 64, Adam 4e-3)', async () => {
    const t = Trainer.create(
      text,
      { cell: 'lstm', hidden: 128 },
      { ...defaultTrainConfig, lr: 4e-3, steps: 600, evalEvery: 600 },
      k,
    );
    const r = await t.run();
    assert.ok(r.valLoss !== null && r.valLoss < 1.8, `validation loss ${r.valLoss}`);
  });

  it("an RNN's ‖∂L<T>/∂a<t>‖ falls by orders of magnitude more over 50 steps than an LSTM's", async () => {
    const decay = async (cell: 'rnn' | 'lstm') => {
      const t = Trainer.create(
        text,
        { cell, hidden: 64 },
        { ...defaultTrainConfig, lr: 2e-3, steps: 60, evalEvery: 1000 },
        k,
      );
      await t.run();
      const report = diagnose(t.model, k, t.model.tokenizer.encode(text.slice(0, 20000)), { steps: 50, streams: 16 });
      const norms = report.gradNorms[0];
      return norms[0] / norms[49]; // ‖∂L<T>/∂a<1>‖ / ‖∂L<T>/∂a<T>‖
    };
    const rnn = await decay('rnn'),
      lstm = await decay('lstm');
    assert.ok(rnn < lstm / 100, `RNN decay ${rnn.toExponential(2)}, LSTM decay ${lstm.toExponential(2)}`);
  });
});
