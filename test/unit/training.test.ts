import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint, loadCheckpoint, saveCheckpoint } from '../../src/engine/checkpoint';
import { defaultTrainConfig, TrainConfig } from '../../src/engine/config';
import { jsBackend } from '../../src/engine/reference';
import { Sampler } from '../../src/engine/sample';
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

describe('training', () => {
  it('the loss falls on a small text', async () => {
    const t = Trainer.create(smallText(), { cell: 'lstm', hidden: 32 }, train({ steps: 60, lr: 1e-2 }), k);
    const losses: number[] = [];
    await t.run({ onProgress: (p) => losses.push(p.loss) });
    const first = losses.slice(0, 5).reduce((a, b) => a + b) / 5,
      last = losses.slice(-5).reduce((a, b) => a + b) / 5;
    assert.ok(last < first - 0.5, `loss went from ${first.toFixed(3)} to ${last.toFixed(3)}`);
  });

  it('is deterministic for a given seed, and a different seed gives different weights', async () => {
    const run = async (seed: number) => {
      const t = Trainer.create(smallText(), { cell: 'gru', hidden: 16, dropout: 0.2, layers: 2 }, train({ seed }), k);
      await t.run();
      return Float32Array.from(t.model.params.data);
    };
    const [a, b, c] = [await run(3), await run(3), await run(4)];
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  for (const optimizer of ['adam', 'sgd', 'rmsprop', 'adagrad'] as const) {
    it(`exact resume with ${optimizer}: N steps, save, resume M steps equals N + M straight`, async () => {
      const text = smallText();
      const cfg = train({ optimizer, lr: optimizer === 'sgd' ? 0.1 : 5e-3, lrDecay: 0.9, lrDecayEvery: 3 });
      const model = { cell: 'lstm' as const, hidden: 12, layers: 2, dropout: 0.1 };
      const straight = Trainer.create(text, model, { ...cfg, steps: 13 }, k);
      await straight.run();
      const first = Trainer.create(text, model, { ...cfg, steps: 6 }, k);
      await first.run();
      const dir = mkdtempSync(join(tmpdir(), 'seqlab-resume-'));
      saveCheckpoint(join(dir, 'a.safetensors'), first.checkpoint());
      const resumed = Trainer.resume(loadCheckpoint(join(dir, 'a.safetensors'), k), text, { steps: 7 }, k);
      await resumed.run();
      assert.equal(resumed.step, 13);
      assert.deepEqual(Float32Array.from(resumed.model.params.data), Float32Array.from(straight.model.params.data));
    });
  }

  it('stops on a NaN/Inf or diverging loss without touching the weights, with a clear message', async () => {
    const t = Trainer.create(
      smallText(),
      { cell: 'rnn', hidden: 16 },
      train({ optimizer: 'sgd', lr: 1e6, clip: 0, steps: 50 }),
      k,
    );
    let before = Float32Array.from(t.model.params.data);
    await assert.rejects(
      t.run({
        onProgress: () => {
          before = Float32Array.from(t.model.params.data);
        },
      }),
      /diverged at step \d+.*lower the learning rate/,
    );
    assert.ok(before.every(Number.isFinite));
  });

  it('refuses a one-token vocabulary, a too-short text and invalid settings', () => {
    assert.throws(
      () => Trainer.create('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', {}, train(), k),
      /vocabulary of 1 token/,
    );
    assert.throws(
      () => Trainer.create('abcabc', {}, train({ seqLength: 64 }), k),
      /fewer than batchSize × \(seqLength \+ 1\)/,
    );
    assert.throws(
      () => Trainer.create(smallText(), { hidden: 0 }, train(), k),
      /hidden must be a whole number from 1 to 4096 \(got 0\)/,
    );
    assert.throws(() => Trainer.create(smallText(), {}, train({ lr: -1 }), k), /lr must be a number > 0 \(got -1\)/);
    assert.throws(
      () => Trainer.create(smallText(), {}, train({ optimizer: 'nadam' as never }), k),
      /optimizer must be/,
    );
    assert.throws(() => Trainer.create(smallText(), { bidirectional: true }, train(), k), /bidirectional/);
  });

  it('refuses to resume on a text whose characters the checkpoint does not know', async () => {
    const t = Trainer.create(smallText(), { hidden: 8 }, train({ steps: 2 }), k);
    await t.run();
    const ck = decodeCheckpoint(encodeCheckpoint(t.checkpoint()), 'x', k);
    assert.throws(() => Trainer.resume(ck, smallText() + 'ZQX€', {}, k), /cannot resume.*"Q"/);
  });
});

describe('sampling', () => {
  let sampler: Sampler;
  before(async () => {
    const t = Trainer.create(smallText(), { cell: 'lstm', hidden: 24 }, train({ steps: 40, lr: 1e-2 }), k);
    await t.run();
    sampler = new Sampler(t.model, k);
  });

  it('is reproducible with a seed and varies with it', () => {
    const a = sampler.generate({ prime: 'the ', length: 80, seed: 5 });
    assert.equal(a, sampler.generate({ prime: 'the ', length: 80, seed: 5 }));
    assert.notEqual(a, sampler.generate({ prime: 'the ', length: 80, seed: 6 }));
    assert.equal(Array.from(a).length, 80);
  });

  it('greedy is the argmax of the next-token distribution; top-k 1 equals greedy', () => {
    sampler.prime('the ca');
    const best = sampler.top(1)[0].token;
    assert.equal(sampler.generate({ prime: 'the ca', length: 1, greedy: true }), best);
    assert.equal(
      sampler.generate({ prime: 'the ca', length: 30, topK: 1, seed: 9 }),
      sampler.generate({ prime: 'the ca', length: 30, greedy: true }),
    );
  });

  it('continue() after prime() draws what generate() draws with that primer (the hover reads top-k in between)', () => {
    sampler.prime('the dog');
    const top = sampler.top(5);
    const continued = sampler.continue({ length: 60, temperature: 0.8, seed: 3 });
    assert.equal(continued, sampler.generate({ prime: 'the dog', length: 60, temperature: 0.8, seed: 3 }));
    sampler.prime('the dog');
    assert.deepEqual(sampler.top(5), top, 'top() does not move the state');
  });

  it('top-5 probabilities are sorted and sum to at most 1; no primer starts from x<1> = 0', () => {
    sampler.prime('');
    const top = sampler.top(5);
    assert.equal(top.length, 5);
    for (let i = 1; i < 5; i++) assert.ok(top[i - 1].p >= top[i].p);
    const sum = top.reduce((s, x) => s + x.p, 0);
    assert.ok(sum > 0 && sum <= 1 + 1e-9);
  });

  it('low temperature concentrates the distribution', () => {
    sampler.prime('the c');
    const max = (p: Float64Array) => Math.max(...p);
    assert.ok(max(sampler.nextDistribution(0.2)) > max(sampler.nextDistribution(1)));
  });

  it('rejects invalid sampling options', () => {
    assert.throws(() => sampler.generate({ temperature: 0 }), /temperature must be a number in \(0, 5\] \(got 0\)/);
    assert.throws(() => sampler.generate({ topP: 1.5 }), /topP must be a number in \(0, 1\] \(got 1\.5\)/);
  });
});
