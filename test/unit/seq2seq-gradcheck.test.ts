// Central finite differences in float64 against the encoder–decoder's analytic gradient: the loss of the
// decoder's teacher-forced pass, backpropagated through the decoder, the bridge and into the encoder.

import assert from 'node:assert/strict';
import { defaultModelConfig } from '../../src/engine/config';
import { jsBackend } from '../../src/engine/reference';
import { Rng } from '../../src/engine/rng';
import { Seq2Seq } from '../../src/engine/seq2seq/seq2seq';
import { initSeq2SeqParams, Seq2SeqConfig } from '../../src/engine/seq2seq/seq2seqParams';

// Stated tolerance: relative error of every tensor's gradient < 1e-6 in float64.
const TOL = 1e-6;

function seq2seqConfig(over: Partial<Seq2SeqConfig>): Seq2SeqConfig {
  return { ...defaultModelConfig, hidden: 3, embedSize: 3, sourceVocab: 5, targetVocab: 4, ...over };
}

interface Result {
  worstName: string;
  worstRelError: number; // max over tensors of ‖analytic − numeric‖ / (‖analytic‖ + ‖numeric‖)
  zeroTensors: string[]; // tensors whose analytic gradient is exactly zero (a path the check would not see)
}

/** A batch of b pairs (source length S, target length T) on a model built for `streams` ≥ b streams. */
function seq2seqGradCheck(config: Seq2SeqConfig, S: number, T: number, b: number, streams = b): Result {
  const k = jsBackend('f64');
  const params = initSeq2SeqParams(config, k, new Rng(7));
  const extra = new Rng(13); // peephole weights start at zero, where the terms they enter vanish: draw them
  for (const s of params.specs)
    if (s.name.includes('peephole')) params.value(s.name).forEach((_, i, v) => (v[i] = extra.uniform(-0.8, 0.8)));
  const data = new Rng(11);
  const draw = (n: number, m: number) => Int32Array.from({ length: n }, () => Math.floor(data.next() * m));
  const src = draw(S * b, config.sourceVocab),
    tgtIn = draw(T * b, config.targetVocab),
    tgtOut = draw(T * b, config.targetVocab);
  const model = new Seq2Seq(config, params, k, S + 1, T + 2, streams);
  if (streams > b) {
    // a longer pass over every stream first, so stale buffers would show
    model.forward(
      draw((S + 1) * streams, config.sourceVocab),
      S + 1,
      draw((T + 2) * streams, config.targetVocab),
      T + 2,
      streams,
    );
    model.loss(draw((T + 2) * streams, config.targetVocab));
    model.backward();
  }
  const lossAt = (): number => {
    model.forward(src, S, tgtIn, T, b);
    return model.loss(tgtOut);
  };
  lossAt();
  params.grad.fill(0);
  model.backward();
  const analytic = Float64Array.from(params.grad);
  const eps = 1e-5;
  let worst = 0,
    worstName = '';
  const zeroTensors: string[] = [];
  for (const spec of params.specs) {
    let dd = 0,
      aa = 0,
      nn = 0;
    for (let i = spec.offset; i < spec.offset + spec.size; i++) {
      const x = params.data[i];
      params.data[i] = x + eps;
      const up = lossAt();
      params.data[i] = x - eps;
      const down = lossAt();
      params.data[i] = x;
      const numeric = (up - down) / (2 * eps);
      dd += (analytic[i] - numeric) ** 2;
      aa += analytic[i] ** 2;
      nn += numeric ** 2;
    }
    if (aa === 0) zeroTensors.push(spec.name);
    const rel = Math.sqrt(dd) / Math.max(Math.sqrt(aa) + Math.sqrt(nn), 1e-12);
    if (rel > worst) {
      worst = rel;
      worstName = spec.name;
    }
  }
  return { worstName, worstRelError: worst, zeroTensors };
}

function assertGood(r: Result): void {
  assert.ok(r.worstRelError < TOL, `${r.worstName}: relative error ${r.worstRelError.toExponential(2)}`);
  assert.deepEqual(r.zeroTensors, [], 'every tensor, the encoder’s included, gets a gradient');
}

const cells: Partial<Seq2SeqConfig>[] = [
  { cell: 'rnn' },
  { cell: 'gru', gruForm: 'torch' },
  { cell: 'gru', gruForm: 'course' },
  { cell: 'lstm' },
];

describe('gradient check of the encoder–decoder: through the decoder, the bridge and the encoder (float64)', () => {
  for (const cell of cells) {
    const name = `${cell.cell}${cell.cell === 'gru' ? `/${cell.gruForm}` : ''}`;
    for (const layers of [1, 2])
      for (const bidirectional of [false, true])
        for (const input of ['onehot', 'embedding'] as const) {
          it(`${name}: ${layers} layer(s), ${bidirectional ? 'bidirectional' : 'one-direction'} encoder, ${input} input, source 4 / target 3 steps`, () => {
            assertGood(seq2seqGradCheck(seq2seqConfig({ ...cell, layers, bidirectional, input }), 4, 3, 2));
          });
        }
  }
  it('lstm: a target twice as long as the source (3 source steps, 6 target steps)', () => {
    // (with 2 source steps W_hh of the encoder acts once, on a state near 0: its gradient, ~1e-5, is below
    // what central differences resolve to 1e-6)
    assertGood(seq2seqGradCheck(seq2seqConfig({ cell: 'lstm', layers: 2, bidirectional: true }), 3, 6, 2));
  });
  it('peephole lstm, bidirectional encoder, 2 layers', () => {
    assertGood(
      seq2seqGradCheck(seq2seqConfig({ cell: 'lstm', peephole: true, layers: 2, bidirectional: true }), 3, 4, 2),
    );
  });
  it('a batch of fewer pairs than the model’s streams, after a longer pass over all of them', () => {
    const config = seq2seqConfig({ cell: 'gru', layers: 2, bidirectional: true, input: 'embedding' });
    assertGood(seq2seqGradCheck(config, 3, 4, 2, 4));
  });
});
