// The names of the files made from a model: "<file>.<cell>-<size>" and a free variant when taken.

import assert from 'node:assert/strict';
import { modelLabel } from '../../src/engine/config';
import { freeName, labelSlug, modelFileStem } from '../../src/extension/modelFileNames';

describe('model file names', () => {
  it("turn every model's label into a lower-case file-name part", () => {
    const base = { gruForm: 'torch', peephole: false, hidden: 128, layers: 1 } as const;
    assert.equal(labelSlug(modelLabel({ ...base, cell: 'lstm' })), 'lstm-128');
    assert.equal(labelSlug(modelLabel({ ...base, cell: 'rnn', hidden: 32 })), 'rnn-32');
    assert.equal(
      labelSlug(modelLabel({ ...base, cell: 'gru', gruForm: 'course', hidden: 64, layers: 2 })),
      'gru-course-64x2',
    );
    assert.equal(labelSlug(modelLabel({ ...base, cell: 'lstm', peephole: true })), 'lstm-peephole-128');
  });

  it('name a file after its document and its model', () => {
    assert.equal(modelFileStem('story.txt', 'LSTM-128'), 'story.txt.lstm-128');
  });

  it('add -2, -3, … to a name that is taken', () => {
    const taken = new Set(['a.sample.txt', 'a.sample-2.txt']);
    assert.equal(
      freeName('a.sample', '.txt', (n) => taken.has(n)),
      'a.sample-3.txt',
    );
    assert.equal(
      freeName('b.sample', '.txt', (n) => taken.has(n)),
      'b.sample.txt',
    );
  });
});
