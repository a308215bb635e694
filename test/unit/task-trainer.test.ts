// Task batches are length buckets: no step of a batch is padding, so a batch's loss is exactly the
// mean of its examples' losses, and predictions do not depend on how examples were batched. The
// WebAssembly kernels agree with the reference on windows of fewer streams than the network holds.

import * as assert from 'node:assert/strict';
import { Backend } from '../../src/engine/backend';
import { defaultTrainConfig } from '../../src/engine/config';
import { jsBackend } from '../../src/engine/reference';
import { Rng } from '../../src/engine/rng';
import { makeClassifyData, makeTagData } from '../../src/engine/tasks/makeData';
import { parseClassifyFile, parseTagFile, TaskRecords } from '../../src/engine/tasks/taskData';
import { lengthBatches, predictExamples, TaskTrainer } from '../../src/engine/tasks/taskTrainer';
import { wasmBackend } from '../../src/engine/wasm/backend';

const train = { ...defaultTrainConfig, level: 'word' as const, steps: 30, batchSize: 8, evalEvery: 10, lr: 0.01 };

function tagger(k: Backend, bidirectional = true): TaskTrainer {
  const records: TaskRecords = { task: 'tag', items: parseTagFile(makeTagData({ seed: 4, sentences: 80 }), 't') };
  const model = { cell: 'lstm' as const, hidden: 12, bidirectional, input: 'embedding' as const, embedSize: 8 };
  return TaskTrainer.create(records, null, model, train, k, 't');
}

describe('task batches (length buckets)', () => {
  it('cover every example once, each batch of one length and at most B examples', () => {
    const t = tagger(jsBackend('f64'));
    const examples = t.examples;
    const batches = lengthBatches(examples, 8, new Rng(1));
    assert.equal(batches.flat().length, examples.length);
    assert.equal(new Set(batches.flat()).size, examples.length);
    for (const b of batches) {
      assert.ok(b.length >= 1 && b.length <= 8);
      assert.equal(new Set(b.map((e) => e.ids.length)).size, 1);
    }
  });

  it('predictions and the mean loss do not depend on the batch size (no padding enters a loss)', () => {
    const k = jsBackend('f64');
    const t = tagger(k);
    for (let i = 0; i < 20; i++) t.trainStep();
    const examples = t.examples;
    const one = predictExamples(t.model, k, examples, 1),
      many = predictExamples(t.model, k, examples, 16);
    assert.deepEqual(
      many.predicted.map((p) => Array.from(p)),
      one.predicted.map((p) => Array.from(p)),
    );
    assert.ok(Math.abs(many.loss! - one.loss!) < 1e-12, `${many.loss} vs ${one.loss}`);
  });

  it('the WebAssembly backend trains a bidirectional tagger and a classifier as the reference does', () => {
    for (const make of [
      (k: Backend) => tagger(k),
      (k: Backend) =>
        TaskTrainer.create(
          { task: 'classify', items: parseClassifyFile(makeClassifyData({ seed: 3, lines: 60, length: 20 }), 'c') },
          null,
          { cell: 'gru', hidden: 10, bidirectional: true, pool: 'mean' },
          { ...train, level: 'char' },
          k,
          'c',
        ),
    ]) {
      const js = make(jsBackend('f32')),
        wa = make(wasmBackend());
      for (let i = 0; i < 5; i++) {
        const a = js.trainStep(),
          b = wa.trainStep();
        assert.equal(a.tokens, b.tokens, 'the same batches');
        assert.ok(Math.abs(a.loss - b.loss) < 1e-4 * Math.max(1, a.loss), `step ${i + 1}: ${a.loss} vs ${b.loss}`);
      }
    }
  });
});
