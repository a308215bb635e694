// A tagger's and a classifier's predictions with their probabilities (what the hover and Predict file
// show), and the diagnostics of task models: the gradient reach of each direction of a bidirectional
// layer, checked against the mirror image of the network (directions swapped, sequence reversed).

import assert from 'node:assert/strict';
import { defaultTrainConfig, ModelConfig } from '../../src/engine/config';
import { Model } from '../../src/engine/checkpoint';
import { gradientReach, GradientReach } from '../../src/engine/diagnostics';
import { Network } from '../../src/engine/network';
import { directionSuffix, initParams, Params } from '../../src/engine/params';
import { jsBackend } from '../../src/engine/reference';
import { Rng } from '../../src/engine/rng';
import { makeClassifyData, makeTagData } from '../../src/engine/tasks/makeData';
import { predictedLabels, predictText, withPredictions } from '../../src/engine/tasks/predictions';
import { diagnoseTask } from '../../src/engine/tasks/taskDiagnostics';
import { parseTaskText } from '../../src/engine/tasks/taskData';
import { encodeRecords, predictExamples, TaskTrainer } from '../../src/engine/tasks/taskTrainer';
import { smallConfig } from '../helpers/gradcheck';

const k = jsBackend('f64');
const TAGS = makeTagData({ seed: 3, sentences: 40 });
const CUES = makeClassifyData({ seed: 4, lines: 40, length: 16 });

/** A task model trained for a few steps on a generated set. */
function taskModel(task: 'tag' | 'classify', over: Partial<ModelConfig>, steps = 20): Model {
  const text = task === 'tag' ? TAGS : CUES;
  const train = { ...defaultTrainConfig, level: task === 'tag' ? 'word' : 'char', steps, batchSize: 8 } as const;
  const trainer = TaskTrainer.create(
    parseTaskText(text, task, 'set', true),
    null,
    { hidden: 8, input: 'embedding', embedSize: 6, ...over },
    train,
    k,
    'set',
  );
  for (let i = 0; i < steps; i++) trainer.trainStep();
  return trainer.model;
}

describe('task predictions: probabilities beside the predicted classes', () => {
  for (const task of ['tag', 'classify'] as const) {
    it(`${task}: each row's ŷ sums to 1, its argmax is the prediction, the loss is the mean −log ŷ[gold]`, () => {
      const model = taskModel(task, { bidirectional: task === 'tag', cell: 'gru' });
      const examples = encodeRecords(model, parseTaskText(task === 'tag' ? TAGS : CUES, task, 'set', true), 'set');
      const { predicted, probabilities, loss } = predictExamples(model, k, examples, 5);
      const C = model.config.classes;
      let nll = 0,
        rows = 0,
        wrong = 0;
      examples.forEach((e, i) => {
        assert.equal(probabilities[i].length, predicted[i].length * C);
        predicted[i].forEach((c, r) => {
          const p = probabilities[i].subarray(r * C, (r + 1) * C);
          assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-5, `example ${i} row ${r}: Σŷ = ${p.join(' ')}`);
          assert.ok(
            p.every((v) => v <= p[c]),
            `example ${i} row ${r}: ŷ[${c}] is not the largest`,
          );
          nll -= Math.log(p[e.targets[r]]);
          rows++;
          if (c !== e.targets[r]) wrong++;
        });
      });
      assert.ok(Math.abs(loss! - nll / rows) < 1e-5, `loss ${loss} vs ${nll / rows}`);
      assert.ok(
        wrong > 0 && wrong < rows,
        `the few-step model is neither always right nor always wrong (${wrong}/${rows})`,
      );
      const unlabelled = examples.map((e) => ({ ...e, targets: e.targets.map(() => -1) }));
      const without = predictExamples(model, k, unlabelled, 5);
      assert.equal(without.loss, null);
      assert.deepEqual(without.probabilities, probabilities, 'the gold classes change no probability');
    });
  }

  it("predictText ranks each row's classes, reads past the gold column, and feeds withPredictions", () => {
    const model = taskModel('tag', { bidirectional: true });
    const text = '# a comment\nTeddy\tB-PER\nbears\tNOT-A-TAG\n\njack\tO\n';
    const examples = predictText(model, k, text, 'x.conll', 2);
    assert.deepEqual(
      examples.map((e) => [e.line, e.rows.map((r) => r.text)]),
      [
        [2, ['Teddy', 'bears']],
        [5, ['jack']],
      ],
    );
    for (const row of examples.flatMap((e) => e.rows)) {
      assert.equal(row.top.length, 2);
      assert.ok(row.top[0].p >= row.top[1].p);
      assert.ok(model.labels!.includes(row.top[0].label));
    }
    const direct = predictExamples(
      model,
      k,
      encodeRecords(model, parseTaskText('Teddy\nbears\n\njack\n', 'tag', 'x', false), 'x'),
      32,
    );
    assert.deepEqual(
      predictedLabels(examples),
      direct.predicted.map((p) => Array.from(p, (c) => model.labels![c])),
    );
    const written = withPredictions(text, predictedLabels(examples)).split('\n');
    assert.equal(written[2], `bears\t${examples[0].rows[1].top[0].label}`);
    const cls = taskModel('classify', {});
    const [line] = predictText(cls, k, 'win abc de\n', 'x.tsv', 5);
    assert.equal(line.rows[0].text, 'win abc de');
    assert.equal(line.rows[0].top.length, cls.config.classes, 'topK beyond the classes gives them all');
    assert.ok(Math.abs(line.rows[0].top.reduce((a, r) => a + r.p, 0) - 1) < 1e-6);
  });
});

/** The mirror of a bidirectional network: each layer's directions swapped, and so the halves of what reads both. */
function mirrored(config: ModelConfig, params: Params): Params {
  const m = new Params(params.specs, k);
  m.data.set(params.data);
  const H = config.hidden;
  const swapHalves = (name: string) => {
    const v = m.value(name),
      [rows, cols] = m.spec(name).shape;
    for (let r = 0; r < rows; r++) {
      const row = v.slice(r * cols, (r + 1) * cols);
      v.set(row.subarray(H, 2 * H), r * cols);
      v.set(row.subarray(0, H), r * cols + H);
    }
  };
  for (let l = 0; l < config.layers; l++) {
    for (const kind of ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']) {
      const [a, b] = [0, 1].map((d) => `rnn.${kind}_l${l}${directionSuffix(d)}`);
      m.value(a).set(params.value(b));
      m.value(b).set(params.value(a));
    }
    if (l > 0) for (const d of [0, 1]) swapHalves(`rnn.weight_ih_l${l}${directionSuffix(d)}`);
  }
  swapHalves('head.weight');
  return m;
}

/** Time-major [T·B] rows in reverse time order. */
function reversedInTime(v: Int32Array, T: number, B: number): Int32Array {
  const out = new Int32Array(v.length);
  for (let t = 0; t < T; t++) out.set(v.subarray(t * B, (t + 1) * B), (T - 1 - t) * B);
  return out;
}

describe('diagnostics of a bidirectional layer: each direction, equal to the mirrored network’s other one', () => {
  const cases: [string, Partial<ModelConfig>][] = [
    ['LSTM tagger, two layers', { cell: 'lstm', layers: 2, task: 'tag' }],
    ['GRU classifier, last states', { cell: 'gru', task: 'classify', pool: 'last' }],
    ['RNN classifier, mean over time', { cell: 'rnn', task: 'classify', pool: 'mean' }],
  ];
  for (const [name, over] of cases) {
    it(name, () => {
      const T = 6,
        B = 3;
      const config = smallConfig({ ...over, bidirectional: true, input: 'embedding', classes: 3 });
      const model = initParams(config, k, new Rng(7));
      const data = new Rng(11);
      const ids = Int32Array.from({ length: T * B }, () => Math.floor(data.next() * config.vocabSize));
      const targets = Int32Array.from({ length: config.task === 'tag' ? T * B : B }, () =>
        Math.floor(data.next() * config.classes),
      );
      const reach = (p: Params, x: Int32Array, y: Int32Array): GradientReach =>
        gradientReach(new Network(config, p, k, T, B, new Rng(0)), x, y, T);
      const original = reach(model, ids, targets);
      const mirror = reach(
        mirrored(config, model),
        reversedInTime(ids, T, B),
        config.task === 'tag' ? reversedInTime(targets, T, B) : targets,
      );
      const rev = (rows: number[][] | undefined) => rows?.map((r) => r.slice().reverse());
      const close = (a: number[][] | undefined, b: number[][] | undefined, what: string) => {
        assert.ok(a && b, `${what}: missing`);
        assert.equal(a.length, config.layers);
        a.forEach((row, l) =>
          row.forEach((v, t) =>
            assert.ok(
              Math.abs(v - b[l][t]) <= 1e-9 * Math.max(v, b[l][t]),
              `${what} layer ${l} t=${t + 1}: ${v} vs ${b[l][t]}`,
            ),
          ),
        );
      };
      close(original.backwardGradNorms, rev(mirror.gradNorms), '← vs mirrored →');
      close(original.gradNorms, rev(mirror.backwardGradNorms), '→ vs mirrored ←');
      if (config.cell === 'lstm') close(original.backwardCellGradNorms, rev(mirror.cellGradNorms), 'c← vs mirrored c→');
      // The backward direction is measured from t = 1: its gradient there is not zero, nor anywhere.
      assert.ok(original.backwardGradNorms!.every((row) => row.every((v) => v > 0)));
    });
  }
});

describe('diagnostics of task models, from their task files', () => {
  it('a bidirectional tagger: windows of whole sentences (T the longest when shorter than asked), both directions', () => {
    const model = taskModel('tag', { bidirectional: true, cell: 'lstm', layers: 2 });
    const longest = Math.max(
      ...parseTaskText(TAGS, 'tag', 'set', true).items.map((x) => ('tokens' in x ? x.tokens.length : 0)),
    );
    const r = diagnoseTask(model, k, TAGS, 'names.conll', { steps: 50 });
    assert.equal(r.steps, longest);
    assert.equal(r.level, 'word');
    for (const rows of [r.gradNorms, r.cellGradNorms, r.backwardGradNorms, r.backwardCellGradNorms]) {
      assert.equal(rows?.length, 2);
      for (const row of rows) {
        assert.equal(row.length, longest);
        assert.ok(row.every((v) => Number.isFinite(v) && v > 0));
      }
    }
    assert.equal(diagnoseTask(model, k, TAGS, 'names.conll', { steps: 3 }).steps, 3, 'a shorter T cuts the sentences');
    assert.throws(
      () => diagnoseTask(model, k, 'Teddy\nbears\n', 'raw.conll'),
      /raw\.conll line 1: no tag/,
      'the loss needs the gold tags',
    );
  });

  it('a left-to-right classifier: one series per layer, the loss of the label read after step T', () => {
    const model = taskModel('classify', { cell: 'gru' });
    const r = diagnoseTask(model, k, CUES, 'cues.tsv');
    assert.equal(r.steps, 16);
    assert.equal(r.backwardGradNorms, undefined);
    assert.equal(r.gradNorms[0].length, 16);
    assert.ok(r.gradNorms[0][15] > 0 && r.gradNorms[0][0] > 0);
    assert.throws(
      () => diagnoseTask(model, k, 'win abc\tmaybe\n', 'cues.tsv'),
      /cues\.tsv line 1: "maybe" is not one of/,
    );
  });
});
