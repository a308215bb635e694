// The LSTM with peephole connections (cells/lstm-peephole.ts) as a model option: its parameters,
// training, checkpoints, export refusal, diagnostics and label. Its gradients: gradcheck.test.ts.

import assert from 'node:assert/strict';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/engine/checkpoint';
import { defaultModelConfig, defaultTrainConfig, modelLabel, ModelConfig, TrainConfig } from '../../src/engine/config';
import { diagnose } from '../../src/engine/diagnostics';
import { encodeTorchExport } from '../../src/engine/export';
import { Network } from '../../src/engine/network';
import { initParams } from '../../src/engine/params';
import { jsBackend } from '../../src/engine/reference';
import { Rng } from '../../src/engine/rng';
import { decodeSafetensors, encodeSafetensors } from '../../src/engine/safetensors';
import { Trainer } from '../../src/engine/train';
import { smallText } from '../helpers/texts';

const k = jsBackend('f32');
const train = (over: Partial<TrainConfig> = {}): TrainConfig => ({
  ...defaultTrainConfig,
  seqLength: 16,
  batchSize: 4,
  evalEvery: 5,
  steps: 10,
  ...over,
});
const PEEPHOLE = { cell: 'lstm', peephole: true } as const;

/** Mean loss of a window of the small text, under `config` with the parameters of `params`. */
function windowLoss(config: ModelConfig, params: ReturnType<typeof initParams>): number {
  const T = 8,
    B = 2,
    text = smallText();
  const ids = Int32Array.from({ length: T * B }, (_, i) => text.charCodeAt(i) % config.vocabSize);
  const targets = Int32Array.from({ length: T * B }, (_, i) => text.charCodeAt(i + 1) % config.vocabSize);
  const net = new Network(config, params, k, T, B, new Rng(1));
  net.resetState();
  net.forward(ids, T, false);
  return net.loss(targets);
}

describe('peephole LSTM', () => {
  const config: ModelConfig = { ...defaultModelConfig, ...PEEPHOLE, hidden: 6, layers: 2, vocabSize: 11, classes: 11 };

  it('has one [3·H] peephole vector per layer, starting at zero, and otherwise the LSTM of the same seed', () => {
    const peep = initParams(config, k, new Rng(5)),
      plain = initParams({ ...config, peephole: false }, k, new Rng(5));
    const names = peep.specs.map((s) => s.name).filter((n) => n.startsWith('rnn.weight_peephole'));
    assert.deepEqual(names, ['rnn.weight_peephole_l0', 'rnn.weight_peephole_l1']);
    for (const n of names) {
      assert.deepEqual(peep.spec(n).shape, [18]);
      assert.ok(peep.value(n).every((x) => x === 0));
    }
    assert.equal(peep.size, plain.size + 2 * 18);
    for (const s of plain.specs) assert.deepEqual(peep.value(s.name), plain.value(s.name), s.name);
    // Zero peepholes: the same function as the LSTM; non-zero ones change it.
    assert.equal(windowLoss(config, peep), windowLoss({ ...config, peephole: false }, plain));
    peep.value('rnn.weight_peephole_l0').fill(0.5);
    assert.notEqual(windowLoss(config, peep), windowLoss({ ...config, peephole: false }, plain));
  });

  it('is an LSTM option: with rnn or gru it is refused, naming the flag and the setting', () => {
    for (const cell of ['rnn', 'gru'] as const) {
      assert.throws(
        () => Trainer.create(smallText(), { cell, peephole: true }, train(), k),
        new RegExp(
          `peephole connections are an LSTM option, and this model's cell is ${cell}: .*--peephole.*seqlab\\.peephole`,
        ),
      );
    }
  });

  it('says so in its label', () => {
    assert.equal(modelLabel({ ...config, layers: 1, hidden: 128 }), 'LSTM (peephole)-128');
    assert.equal(modelLabel(config), 'LSTM (peephole)-6×2');
    assert.equal(modelLabel({ ...config, peephole: false }), 'LSTM-6×2');
  });

  it('the loss falls on a small text, and the peephole weights move', async () => {
    const t = Trainer.create(smallText(), { ...PEEPHOLE, hidden: 32 }, train({ steps: 60, lr: 1e-2 }), k);
    const losses: number[] = [];
    await t.run({ onProgress: (p) => losses.push(p.loss) });
    const first = losses.slice(0, 5).reduce((a, b) => a + b) / 5,
      last = losses.slice(-5).reduce((a, b) => a + b) / 5;
    assert.ok(last < first - 0.5, `loss went from ${first.toFixed(3)} to ${last.toFixed(3)}`);
    assert.ok(
      t.model.params.value('rnn.weight_peephole_l0').some((x) => x !== 0),
      'the optimizer updates the peepholes',
    );
  });

  it('a checkpoint round trip keeps the peephole weights and the option, and resumes exactly', async () => {
    const text = smallText(),
      model = { ...PEEPHOLE, hidden: 12, layers: 2 };
    const straight = Trainer.create(text, model, train({ steps: 9 }), k);
    await straight.run();
    const first = Trainer.create(text, model, train({ steps: 5 }), k);
    await first.run();
    const back = decodeCheckpoint(encodeCheckpoint(first.checkpoint()), 'peephole.safetensors', k);
    assert.equal(back.model.config.peephole, true);
    for (const n of ['rnn.weight_peephole_l0', 'rnn.weight_peephole_l1']) {
      assert.deepEqual(back.model.params.value(n), first.model.params.value(n));
      assert.ok(
        back.model.params.value(n).some((x) => x !== 0),
        `${n} trained`,
      );
    }
    const resumed = Trainer.resume(back, text, { steps: 4 }, k);
    await resumed.run();
    assert.deepEqual(Float32Array.from(resumed.model.params.data), Float32Array.from(straight.model.params.data));
  });

  it('a checkpoint from before the option (no "peephole" in its config) loads as a plain LSTM', async () => {
    const t = Trainer.create(smallText(), { cell: 'lstm', hidden: 8 }, train({ steps: 2 }), k);
    await t.run();
    const file = decodeSafetensors(encodeCheckpoint(t.checkpoint()), 'new');
    const old = JSON.parse(file.metadata.config) as Record<string, unknown>;
    delete old.peephole;
    const bytes = encodeSafetensors(file.tensors, { ...file.metadata, config: JSON.stringify(old) });
    const back = decodeCheckpoint(bytes, 'old.safetensors', k);
    assert.equal(back.model.config.peephole, false);
    assert.deepEqual(back.model.params.data, t.model.params.data);
  });

  it('a checkpoint whose config says peephole but lacks the peephole tensor is refused', async () => {
    const t = Trainer.create(smallText(), { cell: 'lstm', hidden: 8 }, train({ steps: 2 }), k);
    const file = decodeSafetensors(encodeCheckpoint(t.checkpoint()), 'plain');
    const config = { ...JSON.parse(file.metadata.config), peephole: true };
    const bytes = encodeSafetensors(file.tensors, { ...file.metadata, config: JSON.stringify(config) });
    assert.throws(() => decodeCheckpoint(bytes, 'bad.safetensors', k), /tensor "rnn.weight_peephole_l0" is missing/);
  });

  it('export to PyTorch is refused with a clear message', () => {
    const t = Trainer.create(smallText(), { ...PEEPHOLE, hidden: 8 }, train({ steps: 1 }), k);
    assert.throws(() => encodeTorchExport(t.model), /PyTorch has no peephole LSTM.*Train without --peephole to export/);
  });

  it('diagnostics show its gates Γu, Γf, c̃, Γo per layer and its label', async () => {
    const t = Trainer.create(smallText(), { ...PEEPHOLE, hidden: 8, layers: 2 }, train({ steps: 3 }), k);
    await t.run();
    const r = diagnose(t.model, k, t.model.tokenizer.encode(smallText()), { steps: 12 });
    assert.equal(r.label, 'LSTM (peephole)-8×2');
    assert.deepEqual(
      r.gates.map((g) => `${g.layer}:${g.gate}`),
      ['0:Γu', '0:Γf', '0:c̃', '0:Γo', '1:Γu', '1:Γf', '1:c̃', '1:Γo'],
    );
    assert.equal(r.gradNorms.length, 2);
    assert.ok(r.gradNorms.every((layer) => layer.length === 12 && layer.every((x) => x > 0)));
    const peep = r.paramGradNorms.find((p) => p.name === 'rnn.weight_peephole_l0');
    assert.ok(peep && peep.norm > 0, 'the peephole weights get a gradient');
  });
});
