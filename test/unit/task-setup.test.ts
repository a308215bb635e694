// What the editor's worker and the CLI share to train a task model (engine/tasks/taskSetup.ts) and
// the scores a task training reports after each validation (TaskTrainer.run's onValidation).

import assert from 'node:assert/strict';
import { defaultModelConfig, defaultTrainConfig } from '../../src/engine/config';
import { jsBackend } from '../../src/engine/reference';
import type { TaskScores } from '../../src/engine/reports';
import { makeClassifyData, makeTagData } from '../../src/engine/tasks/makeData';
import { classifyMetrics } from '../../src/engine/tasks/metrics';
import { parseTaskText } from '../../src/engine/tasks/taskData';
import { splitRecords, taskModelLabel, taskOptions } from '../../src/engine/tasks/taskSetup';
import { predictExamples, TaskTrainer } from '../../src/engine/tasks/taskTrainer';

describe('task setup and validation scores', () => {
  const k = jsBackend();

  it('names a model by its task: "tagger LSTM-32 (bidirectional)", "classifier GRU-64 (mean over time)"', () => {
    const base = { ...defaultModelConfig, cell: 'lstm' as const, hidden: 32 };
    assert.equal(taskModelLabel(base), 'LSTM-32');
    assert.equal(taskModelLabel({ ...base, task: 'tag', bidirectional: true }), 'tagger LSTM-32 (bidirectional)');
    assert.equal(taskModelLabel({ ...base, task: 'tag', bidirectional: false }), 'tagger LSTM-32');
    assert.equal(
      taskModelLabel({ ...base, cell: 'gru', hidden: 64, layers: 2, task: 'classify', pool: 'mean' }),
      'classifier GRU-64×2 (mean over time)',
    );
    assert.equal(
      taskModelLabel({ ...base, task: 'classify', pool: 'last', bidirectional: true }),
      'classifier LSTM-32 (bidirectional)',
    );
  });

  it('a tagger reads words through an embedding (64 unless given), bidirectional unless told; a classifier keeps what it is given', () => {
    const train = { ...defaultTrainConfig, level: 'char' as const };
    const tagger = taskOptions('tag', { hidden: 32, input: 'onehot' }, train);
    assert.deepEqual(tagger.model, { hidden: 32, input: 'embedding', embedSize: 64, task: 'tag', bidirectional: true });
    assert.equal(tagger.train.level, 'word');
    assert.equal(train.level, 'char', 'the given config is not changed');
    const given = taskOptions('tag', { input: 'embedding', embedSize: 16, bidirectional: false }, train).model;
    assert.deepEqual(given, { input: 'embedding', embedSize: 16, bidirectional: false, task: 'tag' });
    const classifier = taskOptions('classify', { hidden: 32, input: 'onehot' }, train);
    assert.deepEqual(classifier, { model: { hidden: 32, input: 'onehot', task: 'classify' }, train });
  });

  it('a bad task file fails with its name and line number', () => {
    assert.throws(
      () => parseTaskText('Teddy\tB-PER\nbears\t\n', 'tag', 'names.conll', true),
      /^SeqLabError: names\.conll line 2: empty tag/,
    );
    assert.throws(
      () => parseTaskText('a fine day\n', 'classify', 'reviews.tsv', true),
      /reviews\.tsv line 1: no label/,
    );
  });

  it("reports each validation's scores, equal to the metrics of the model's predictions, without changing the training", async () => {
    const records = parseTaskText(makeClassifyData({ seed: 3, lines: 60, length: 12 }), 'classify', 'cue.tsv', true);
    const [train, val] = splitRecords(records, 0.2, 1);
    assert.equal(val.items.length, 12);
    const config = { ...defaultTrainConfig, steps: 20, evalEvery: 10, batchSize: 4, lr: 0.01 };
    const options = { hidden: 8, task: 'classify' as const };
    const withScores = TaskTrainer.create(train, val, options, config, k, 'cue.tsv');
    const scores: TaskScores[] = [];
    await withScores.run({ onValidation: (s) => scores.push(s) });
    assert.deepEqual(
      scores.map((s) => s.step),
      [10, 20],
    );
    const last = scores[1];
    const labels = withScores.model.labels!;
    const { predicted } = predictExamples(withScores.model, k, withScores.val, 4);
    const expected = classifyMetrics(
      withScores.val.map((e) => labels[e.targets[0]]),
      predicted.map((p) => labels[p[0]]),
      labels,
    );
    assert.deepEqual(last, {
      step: 20,
      accuracy: expected.accuracy,
      macroF1: expected.macroF1,
      entityF1: null,
      confusion: expected.confusion,
      exactMatch: null,
      cer: null,
      bleu: null,
    });
    assert.equal(
      last.confusion!.flat().reduce((a, b) => a + b, 0),
      12,
      'every held-out line counted once',
    );

    const without = TaskTrainer.create(train, val, options, config, k, 'cue.tsv');
    await without.run();
    assert.deepEqual(Array.from(without.model.params.data), Array.from(withScores.model.params.data));
  });

  it("a tagger's scores carry entity F1 for B-/I- tags and no confusion matrix", async () => {
    const records = parseTaskText(makeTagData({ seed: 1, sentences: 40 }), 'tag', 'names.conll', true);
    const [train, val] = splitRecords(records, 0.25, 1);
    const { model, train: trainConfig } = taskOptions(
      'tag',
      { hidden: 8 },
      { ...defaultTrainConfig, steps: 5, evalEvery: 5 },
    );
    const trainer = TaskTrainer.create(train, val, model, trainConfig, k, 'names.conll');
    const scores: TaskScores[] = [];
    await trainer.run({ onValidation: (s) => scores.push(s) });
    assert.equal(scores.length, 1);
    assert.equal(scores[0].confusion, null);
    assert.ok(scores[0].entityF1 !== null && scores[0].entityF1 >= 0 && scores[0].entityF1 <= 1);
  });
});
