// The long-memory lab (src/engine/lab.ts): the generated task is what it says, its windows hold
// whole lines, a stop keeps the results so far, and the lesson shows: with one step budget, at a
// long gap the gated cells carry the cue and the plain RNN does not.

import assert from 'node:assert/strict';
import { defaultBackend } from '../../src/engine/defaultBackend';
import {
  defaultLabConfig,
  LAB_DISTRACTORS,
  labLines,
  labTrainConfig,
  labTrainingText,
  LabConfig,
  parseCells,
  parseGaps,
  runLab,
} from '../../src/engine/lab';
import { LabResult } from '../../src/engine/reports';
import { Rng } from '../../src/engine/rng';
import { StreamBatcher } from '../../src/engine/data';
import { buildCharTokenizer } from '../../src/engine/tokenizer';
import { enableRelaxedSimd } from '../../src/engine/wasm/backend';

enableRelaxedSimd(); // as the CLI and the worker do
const k = defaultBackend();

describe('long-memory lab', function () {
  this.timeout(300_000);

  it('lines are a cue, N distractor letters and the answer the cue decides; the same seed gives the same text', () => {
    const text = labLines(7, 200, new Rng(5));
    const lines = text.split('\n').slice(0, -1);
    assert.equal(lines.length, 200);
    for (const line of lines) {
      assert.match(line, /^[XY][a-w]{7}[xy]$/);
      assert.equal(line.at(-1), line[0].toLowerCase(), line);
    }
    const xs = lines.filter((l) => l[0] === 'X').length;
    assert.ok(xs > 70 && xs < 130, `${xs} of 200 cues are X`);
    assert.deepEqual(new Set(lines.join('').replace(/[XYxy]/g, '')), new Set(LAB_DISTRACTORS));
    assert.match(labLines(30, 5, new Rng(1), 'ab'), /^([XY][ab]{30}[xy]\n){5}$/);
    assert.equal(labLines(7, 200, new Rng(5)), text);
    assert.notEqual(labLines(7, 200, new Rng(6)), text);
  });

  it("the batcher's windows of T = N + 3 each hold one whole line, cue first", () => {
    const c: LabConfig = { ...defaultLabConfig, batchSize: 4, steps: 6 };
    const gap = 3;
    const train = labTrainConfig(c, gap);
    const tokenizer = buildCharTokenizer(labTrainingText(c, gap));
    const tokens = tokenizer.encode(labTrainingText(c, gap));
    const batcher = new StreamBatcher(tokens, train.batchSize, train.seqLength);
    const inputs = new Int32Array(train.seqLength * train.batchSize),
      targets = new Int32Array(inputs.length);
    for (let step = 0; step < c.steps; step++) {
      assert.equal(batcher.next(inputs, targets), false, 'no stream wraps within the budget');
      for (let b = 0; b < train.batchSize; b++) {
        const window = Array.from({ length: train.seqLength }, (_, t) => tokenizer.spec.vocab[inputs[t * 4 + b]]);
        assert.match(window.join(''), /^[XY][a-w]{3}[xy]\n$/);
      }
    }
  });

  it('parses --cells and --gaps, naming the flag when a list is wrong', () => {
    assert.deepEqual(parseCells('lstm,rnn', '--cells'), ['lstm', 'rnn']);
    assert.deepEqual(parseGaps('50, 5,20', '--gaps'), [5, 20, 50]);
    assert.throws(
      () => parseCells('lstm,transformer', '--cells'),
      /--cells must be .*rnn, gru, lstm.*"lstm,transformer"/,
    );
    assert.throws(() => parseCells('rnn,rnn', '--cells'), /--cells must be/);
    assert.throws(() => parseGaps('5,,10', '--gaps'), /--gaps must be .* from 1 to 1000/);
    assert.throws(() => parseGaps('0', '--gaps'), /--gaps must be/);
    assert.throws(() => parseGaps('2.5', '--gaps'), /--gaps must be/);
  });

  it('reports each (cell, gap) as it is scored, gap by gap; a stop keeps the results so far', async () => {
    const config: LabConfig = { ...defaultLabConfig, cells: ['rnn', 'lstm'], gaps: [2, 4], steps: 5, hidden: 8 };
    const seen: LabResult[] = [];
    const all = await runLab(config, k, { onResult: (r) => seen.push(r) });
    assert.equal(all.stopped, false);
    assert.deepEqual(
      all.results.map((r) => `${r.cell}@${r.gap}`),
      ['rnn@2', 'lstm@2', 'rnn@4', 'lstm@4'],
    );
    assert.deepEqual(seen, all.results);
    for (const r of all.results) assert.ok(r.accuracy >= 0 && r.accuracy <= 1, `${r.accuracy}`);
    const again = await runLab(config, k);
    assert.deepEqual(again.results, all.results, 'the same seed, the same results');

    let steps = 0;
    const stopped = await runLab(config, k, { onProgress: () => steps++, shouldStop: () => steps >= 12 });
    assert.equal(stopped.stopped, true);
    assert.deepEqual(stopped.results, all.results.slice(0, 2), 'the stop came during the third run');
  });

  // Measured on this engine (H 64, B 32, Adam 5e-3, 3000 steps, gap 25), seeds 1–6: RNN 46–52 %,
  // GRU 89–100 %, LSTM 73–100 %; the smallest margin over the RNN was 26.6 points (seed 5, LSTM).
  // At gap 20 the RNN sometimes learns the task (seed 4 of 5 at 2000 steps); at gap 30 the LSTM
  // sometimes does not within 3000 steps (seed 5).
  it('at gap 25, with one budget (3000 steps, hidden 64), the GRU and the LSTM beat the RNN by ≥ 25 points', async () => {
    const config: LabConfig = {
      ...defaultLabConfig,
      gaps: [25],
      steps: 3000,
      hidden: 64,
      lr: 0.005,
      batchSize: 32,
      seed: 1,
    };
    const { results } = await runLab(config, k);
    const accuracy = Object.fromEntries(results.map((r) => [r.cell, r.accuracy]));
    const shown = JSON.stringify(accuracy);
    assert.ok(accuracy.rnn < 0.65, `the RNN stays near chance: ${shown}`);
    assert.ok(accuracy.gru >= accuracy.rnn + 0.25, `GRU vs RNN: ${shown}`);
    assert.ok(accuracy.lstm >= accuracy.rnn + 0.25, `LSTM vs RNN: ${shown}`);
  });
});
