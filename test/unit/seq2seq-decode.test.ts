// The encoder–decoder learns a toy task (reverse a short string) with a small step budget, and its
// decoders: beam search with K = 1 is greedy decoding; K = 5 finds outputs scored at least as high.

import assert from 'node:assert/strict';
import { defaultModelConfig } from '../../src/engine/config';
import { applyUpdate, createOptimizerState } from '../../src/engine/optim';
import { jsBackend } from '../../src/engine/reference';
import { Rng } from '../../src/engine/rng';
import { beamDecode, DecodeOptions, greedyDecode, Hypothesis } from '../../src/engine/seq2seq/decode';
import { Seq2Seq, teacherForcing } from '../../src/engine/seq2seq/seq2seq';
import { initSeq2SeqParams, Seq2SeqConfig } from '../../src/engine/seq2seq/seq2seqParams';

// Source tokens a b c d = 0 1 2 3; the target vocabulary adds <BOS> = 4 and <EOS> = 5.
const LETTERS = 4,
  BOS = 4,
  EOS = 5;
const options: DecodeOptions = { bos: BOS, eos: EOS, maxLen: 8 };
const config: Seq2SeqConfig = {
  ...defaultModelConfig,
  cell: 'lstm',
  hidden: 32,
  layers: 1,
  bidirectional: true,
  input: 'embedding',
  embedSize: 8,
  sourceVocab: LETTERS,
  targetVocab: LETTERS + 2,
};

/** Every string of `n` letters, as token lists. */
function strings(n: number): number[][] {
  if (n === 0) return [[]];
  return strings(n - 1).flatMap((s) => Array.from({ length: LETTERS }, (_, v) => [...s, v]));
}

const pairs = [3, 4].flatMap(strings).map((s) => ({ source: s, target: [...s].reverse() }));

/** Adam on batches of one length; returns the model and the mean loss of the last 20 steps. */
function train(steps: number): { model: Seq2Seq; finalLoss: number } {
  const k = jsBackend('f32'),
    rng = new Rng(1),
    B = 16,
    maxLen = 5;
  const params = initSeq2SeqParams(config, k, rng);
  const model = new Seq2Seq(config, params, k, maxLen, maxLen + 1, B);
  const opt = createOptimizerState('adam', params.size, k);
  const src = new Int32Array(maxLen * B),
    tgtIn = new Int32Array((maxLen + 1) * B),
    tgtOut = new Int32Array((maxLen + 1) * B);
  const byLength = [3, 4].map((n) => pairs.filter((p) => p.source.length === n));
  const recent: number[] = [];
  for (let step = 0; step < steps; step++) {
    const group = byLength[step % byLength.length];
    const batch = Array.from({ length: B }, () => group[rng.nextU32() % group.length]);
    const { S, T } = teacherForcing(batch, BOS, EOS, src, tgtIn, tgtOut);
    model.forward(src, S, tgtIn, T, B);
    const loss = model.loss(tgtOut.subarray(0, T * B));
    params.grad.fill(0);
    model.backward();
    applyUpdate(opt, params.data, params.grad, 0.005, 0, k);
    recent.push(loss);
    if (recent.length > 20) recent.shift();
  }
  return { model, finalLoss: recent.reduce((a, b) => a + b, 0) / recent.length };
}

const sameHypothesis = (a: Hypothesis, b: Hypothesis, what: string) => {
  assert.deepEqual(a.tokens, b.tokens, `${what}: tokens`);
  assert.equal(a.logProb, b.logProb, `${what}: log P`);
  assert.equal(a.finished, b.finished, `${what}: finished`);
};

describe('encoder–decoder: training on a toy task, greedy and beam decoding', function () {
  let trained: { model: Seq2Seq; finalLoss: number };
  before(() => {
    trained = train(800);
  });

  it('learns to reverse strings of 3 and 4 letters in 800 steps (loss and greedy exact match)', () => {
    assert.ok(trained.finalLoss < 0.05, `mean loss of the last 20 steps ${trained.finalLoss.toFixed(4)}`);
    let exact = 0;
    for (const p of pairs) {
      const [h] = greedyDecode(trained.model, Int32Array.from(p.source), p.source.length, 1, options);
      if (h.finished && h.tokens.join() === p.target.join()) exact++;
    }
    assert.ok(exact / pairs.length >= 0.95, `exact match ${exact} of ${pairs.length}`);
  });

  it('greedy decoding of a batch of sources equals decoding them one at a time', () => {
    const batch = pairs.filter((p) => p.source.length === 4).slice(0, 16),
      S = 4,
      B = batch.length;
    const src = new Int32Array(S * B);
    batch.forEach((p, b) => p.source.forEach((v, s) => (src[s * B + b] = v)));
    const together = greedyDecode(trained.model, src, S, B, options);
    batch.forEach((p, b) => {
      const [alone] = greedyDecode(trained.model, Int32Array.from(p.source), S, 1, options);
      assert.deepEqual(together[b].tokens, alone.tokens, `source ${b}`);
      assert.ok(Math.abs(together[b].logProb - alone.logProb) < 1e-5, `source ${b}: log P`);
    });
  });

  it('beam search with K = 1 is greedy decoding, trained and untrained (outputs cut at maxLen included)', () => {
    const k = jsBackend('f32');
    const untrained = new Seq2Seq(config, initSeq2SeqParams(config, k, new Rng(3)), k, 5, 9, 5);
    let cut = 0;
    for (const model of [trained.model, untrained])
      for (const p of pairs.slice(0, 80)) {
        const src = Int32Array.from(p.source),
          [greedy] = greedyDecode(model, src, src.length, 1, options),
          beam = beamDecode(model, src, src.length, 1, options);
        assert.equal(beam.length, 1);
        sameHypothesis(beam[0], greedy, `source ${p.source.join('')}`);
        assert.equal(beam[0].score, greedy.score);
        if (!greedy.finished) cut++;
      }
    assert.ok(cut > 0, 'some untrained outputs reach maxLen without <EOS>');
  });

  it('beam search with K = 5 scores at least as high as greedy; with α = 0 its log P is at least greedy’s', () => {
    const k = jsBackend('f32');
    const untrained = new Seq2Seq(config, initSeq2SeqParams(config, k, new Rng(3)), k, 5, 9, 5);
    for (const [name, model] of [
      ['trained', trained.model],
      ['untrained', untrained],
    ] as const) {
      let better = 0;
      for (const p of pairs.slice(0, 120)) {
        const src = Int32Array.from(p.source);
        for (const alpha of [0.7, 0]) {
          const [greedy] = greedyDecode(model, src, src.length, 1, options, alpha),
            beam = beamDecode(model, src, src.length, 5, options, alpha);
          assert.ok(beam.length >= 1 && beam.length <= 5, `${beam.length} hypotheses`);
          for (let i = 1; i < beam.length; i++) assert.ok(beam[i - 1].score >= beam[i].score, 'best score first');
          const what = `${name}, ${p.source.join('')}, α = ${alpha}`;
          assert.ok(beam[0].score >= greedy.score - 1e-6, `${what}: ${beam[0].score} < ${greedy.score}`);
          if (alpha === 0) assert.ok(beam[0].logProb >= greedy.logProb - 1e-6, what);
          if (beam[0].score > greedy.score + 1e-6) better++;
        }
      }
      // where greedy's choices are uncertain (untrained), the beam finds strictly better outputs
      if (name === 'untrained') assert.ok(better > 0, 'beam search never beat greedy on the untrained model');
    }
  });

  it('asks for a model with enough streams for K beams', () => {
    assert.throws(() => beamDecode(trained.model, Int32Array.from([0, 1, 2]), 3, 17, options), /K = 17/);
  });
});
