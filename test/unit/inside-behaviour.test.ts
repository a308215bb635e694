// Behaviour: an LSTM trained briefly on a text whose quoted passages are in capitals (knowing whether it
// is inside quotes pays) grows a unit that tracks the quotes, and the pattern search finds it with a
// clear score — far above the best unit of the same network before training.

import assert from 'node:assert/strict';
import { defaultTrainConfig } from '../../src/engine/config';
import { defaultBackend } from '../../src/engine/defaultBackend';
import { matchUnits, spanMask, unitValues } from '../../src/engine/inside/units';
import { Trainer } from '../../src/engine/train';
import { quotedText } from '../helpers/quotes';

describe('inside the model: a trained LSTM has a quote unit', function () {
  it('the pattern search finds a unit that separates the quoted passages (|d| > 3), which training made', async () => {
    const { text, spans } = quotedText(30000, 1);
    const k = defaultBackend({ threads: 2 });
    const train = (steps: number) =>
      Trainer.create(
        text,
        { cell: 'lstm', hidden: 32 },
        { ...defaultTrainConfig, steps, seqLength: 64, batchSize: 32, lr: 0.01, evalEvery: 1000, seed: 1 },
        k,
      );
    const untrained = train(1).model;
    const trainer = train(200);
    await trainer.run();
    const ids = trainer.model.tokenizer.encode(text);
    const [best, second] = matchUnits(trainer.model, k, ids, spans, { signal: 'h', top: 2 });
    const [before] = matchUnits(untrained, k, ids, spans, { signal: 'h', top: 1 });
    assert.ok(best.score > 3, `best |d| ${best.score.toFixed(2)}`);
    assert.ok(
      best.score > 2.5 * before.score,
      `|d| ${best.score.toFixed(2)} trained, ${before.score.toFixed(2)} untrained`,
    );
    assert.ok(best.score > 1.5 * second.score, `|d| ${best.score.toFixed(2)}, next ${second.score.toFixed(2)}`);
    // Its value alone tells inside from outside for most characters (threshold midway between the means).
    const v = unitValues(trainer.model, k, ids, [{ layer: best.layer, unit: best.unit, signal: 'h' }]).values[0];
    const mask = spanMask(spans, ids.length),
      mid = (best.inside + best.outside) / 2;
    let right = 0;
    for (let t = 0; t < ids.length; t++) {
      const saysInside = best.sign === 'high' ? v[t] > mid : v[t] < mid;
      if (saysInside === (mask[t] === 1)) right++;
    }
    assert.ok(right / ids.length > 0.9, `${((right / ids.length) * 100).toFixed(1)} % of characters told apart`);
  });
});
