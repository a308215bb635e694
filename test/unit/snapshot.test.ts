// Training snapshots (engine/snapshot.ts): diagnose()'s numbers on a fixed window of the validation
// text at every validation step, recorded without changing the training by a single bit; and the
// host's bounded list of them (addSnapshot).

import assert from 'node:assert/strict';
import { Backend } from '../../src/engine/backend';
import { defaultTrainConfig, ModelConfig, TrainConfig } from '../../src/engine/config';
import { diagnose } from '../../src/engine/diagnostics';
import { jsBackend } from '../../src/engine/reference';
import { addSnapshot, TrainingSnapshot } from '../../src/engine/reports';
import { SNAPSHOT_STREAMS, SnapshotRecorder } from '../../src/engine/snapshot';
import { Trainer } from '../../src/engine/train';
import { wasmBackend } from '../../src/engine/wasm/backend';
import { smallText } from '../helpers/texts';
import { wasmSuite } from '../helpers/wasm';

const train = (over: Partial<TrainConfig> = {}): TrainConfig => ({
  ...defaultTrainConfig,
  seqLength: 16,
  batchSize: 4,
  evalEvery: 5,
  steps: 15,
  ...over,
});

/** Everything a training carries from step to step, as plain arrays: weights, moments, state, random numbers. */
function trainingState(t: Trainer) {
  const ck = t.checkpoint().training!;
  return {
    params: Float32Array.from(t.model.params.data),
    m: Float32Array.from(ck.optimizer.m),
    v: Float32Array.from(ck.optimizer.v),
    hidden: ck.hidden.map((h) => Float32Array.from(h)),
    rng: ck.rng,
    position: ck.position,
  };
}

function determinism(name: string, backend: () => Backend): void {
  // Dropout draws from the training's random numbers and a random a<0> is drawn again when a stream wraps:
  // a snapshot that touched the stream, the carried state or the optimizer would show here.
  const model: Partial<ModelConfig> = { cell: 'lstm', hidden: 12, layers: 2, dropout: 0.25, initState: 'random' };
  it(`${name}: a run with snapshots ends bit-identical to the same run without them`, async () => {
    const text = smallText(3000);
    const without = Trainer.create(text, model, train(), backend());
    const r1 = await without.run();
    const withThem = Trainer.create(text, model, train(), backend());
    const snapshots: TrainingSnapshot[] = [];
    const r2 = await withThem.run({ onSnapshot: (s) => snapshots.push(s) });
    assert.deepEqual(
      snapshots.map((s) => s.step),
      [5, 10, 15],
    );
    assert.deepEqual(trainingState(withThem), trainingState(without));
    assert.equal(r2.valLoss, r1.valLoss);
  });
}

describe('training snapshots', () => {
  const k = jsBackend('f32');

  determinism('reference backend', () => k);

  it('are diagnose() on a fixed window of the validation text: gradient reach per layer and gate saturation', async () => {
    const t = Trainer.create(smallText(4000), { cell: 'gru', hidden: 10, layers: 2 }, train({ seqLength: 12 }), k);
    const snapshots: TrainingSnapshot[] = [];
    await t.run({ onSnapshot: (s) => snapshots.push(s) });
    const last = snapshots[snapshots.length - 1];
    assert.equal(last.steps, 12, 'T = min(diagnose default, seqLength)');
    assert.equal(last.gradNorms.length, 2);
    assert.ok(last.gradNorms.every((row) => row.length === 12 && row.every((v) => Number.isFinite(v) && v > 0)));
    assert.ok(last.seconds >= 0);

    // The validation text is the end of the text (valFraction 0.1 of its tokens).
    const tokens = t.model.tokenizer.encode(smallText(4000));
    const val = tokens.subarray(tokens.length - Math.floor(tokens.length * 0.1));
    const report = diagnose(t.model, k, val, { steps: 12, streams: SNAPSHOT_STREAMS });
    const again = new SnapshotRecorder(t.model, k, val, 12).record(t.step);
    assert.deepEqual(again.gradNorms, last.gradNorms, 'the same window as the last snapshot, same model');
    assert.deepEqual(again.gradNorms, report.gradNorms);
    assert.deepEqual(
      again.gates,
      report.gates.map(({ layer, gate, range, low, high }) => ({ layer, gate, range, low, high })),
    );
    assert.equal(again.gates.length, 2 * 3, 'two layers of three gates');
    // the reach changes as the model learns: the first snapshot is not the last
    assert.notDeepEqual(snapshots[0].gradNorms, last.gradNorms);
  });

  it('of an LSTM also carry ‖∂L<T>/∂c<t>‖, as diagnose() measures it; other cells have none', async () => {
    const text = smallText(4000);
    const t = Trainer.create(text, { cell: 'lstm', hidden: 10, layers: 2 }, train({ seqLength: 12 }), k);
    const snapshots: TrainingSnapshot[] = [];
    await t.run({ onSnapshot: (s) => snapshots.push(s) });
    const tokens = t.model.tokenizer.encode(text);
    const val = tokens.subarray(tokens.length - Math.floor(tokens.length * 0.1));
    const report = diagnose(t.model, k, val, { steps: 12, streams: SNAPSHOT_STREAMS });
    const last = snapshots[snapshots.length - 1];
    assert.ok(report.cellGradNorms, 'an LSTM report has the memory-cell path');
    assert.deepEqual(last.cellGradNorms, report.cellGradNorms);
    const gru = Trainer.create(text, { cell: 'gru', hidden: 10 }, train({ seqLength: 12 }), k);
    const gruSnapshots: TrainingSnapshot[] = [];
    await gru.run({ onSnapshot: (s) => gruSnapshots.push(s) });
    assert.ok(gruSnapshots.length > 0 && gruSnapshots.every((s) => !('cellGradNorms' in s)));
  });

  it('shorten the window to fit a short validation text', async () => {
    const t = Trainer.create(smallText(400), { cell: 'rnn', hidden: 8 }, train({ seqLength: 64, steps: 5 }), k);
    const snapshots: TrainingSnapshot[] = [];
    await t.run({ onSnapshot: (s) => snapshots.push(s) });
    assert.equal(snapshots.length, 1);
    const valTokens = Math.floor(400 * 0.1);
    assert.ok(snapshots[0].steps <= valTokens - 1 && snapshots[0].steps >= 1, String(snapshots[0].steps));
    assert.deepEqual(snapshots[0].gates, [], 'a plain RNN has no gates');
  });

  describe('addSnapshot (the list a run keeps)', () => {
    const snap = (step: number): TrainingSnapshot => ({
      step,
      steps: 2,
      gradNorms: [[1, step]],
      gates: [],
      seconds: 0,
    });

    it('keeps step order; a resumed run replaces the snapshots from its step on', () => {
      let list: TrainingSnapshot[] = [];
      for (const step of [50, 100, 150, 200]) list = addSnapshot(list, snap(step));
      list = addSnapshot(list, snap(150));
      assert.deepEqual(
        list.map((s) => s.step),
        [50, 100, 150],
      );
    });

    it('stays within the bound, thinned evenly over the steps, keeping the first and the latest', () => {
      let list: TrainingSnapshot[] = [];
      for (let step = 100; step <= 100_000; step += 100) {
        list = addSnapshot(list, snap(step), 200);
        assert.ok(list.length <= 200, `${list.length} at step ${step}`);
      }
      assert.equal(list[0].step, 100);
      assert.equal(list[list.length - 1].step, 100_000);
      assert.ok(list.length >= 100, `${list.length} kept`);
      const gaps = list.slice(1, -1).map((s, i) => s.step - list[i].step);
      assert.ok(Math.max(...gaps) <= 3 * Math.min(...gaps), `gaps from ${Math.min(...gaps)} to ${Math.max(...gaps)}`);
      // a short run keeps every snapshot
      let short: TrainingSnapshot[] = [];
      for (let step = 50; step <= 1000; step += 50) short = addSnapshot(short, snap(step), 200);
      assert.equal(short.length, 20);
    });
  });
});

wasmSuite('training snapshots on the wasm-simd backend', () => {
  determinism('wasm-simd backend', () => wasmBackend());
});
