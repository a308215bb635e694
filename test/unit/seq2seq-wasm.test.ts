// The encoder–decoder on the wasm-simd backend: the same loss and gradients as on the TypeScript
// kernels (float32 both; loss within 1e-6 relative, every tensor's gradient within 1e-5, as the
// whole-network check in wasm-kernels.test.ts), and the same greedy outputs.

import assert from 'node:assert/strict';
import { Backend } from '../../src/engine/backend';
import { defaultModelConfig } from '../../src/engine/config';
import { jsBackend } from '../../src/engine/reference';
import { Rng } from '../../src/engine/rng';
import { greedyDecode } from '../../src/engine/seq2seq/decode';
import { Seq2Seq } from '../../src/engine/seq2seq/seq2seq';
import { initSeq2SeqParams, Seq2SeqConfig } from '../../src/engine/seq2seq/seq2seqParams';
import { wasmBackend } from '../../src/engine/wasm/backend';
import { relError } from '../helpers/relError';
import { wasmSuite } from '../helpers/wasm';

const LOSS_TOL = 1e-6,
  GRAD_TOL = 1e-5;
const S = 7,
  T = 5,
  B = 4;

function run(config: Seq2SeqConfig, k: Backend) {
  const params = initSeq2SeqParams(config, k, new Rng(7));
  const data = new Rng(11);
  const draw = (n: number, m: number) => Int32Array.from({ length: n }, () => Math.floor(data.next() * m));
  const src = draw(S * B, config.sourceVocab),
    tgtIn = draw(T * B, config.targetVocab),
    tgtOut = draw(T * B, config.targetVocab);
  const model = new Seq2Seq(config, params, k, S, T, B);
  model.forward(src, S, tgtIn, T, B);
  const loss = model.loss(tgtOut);
  params.grad.fill(0);
  model.backward();
  const grads = new Map(params.specs.map((s) => [s.name, Float64Array.from(params.gradient(s.name))]));
  const outputs = greedyDecode(model, src, S, B, { bos: 0, eos: 1, maxLen: 6 }).map((h) => h.tokens.join(' '));
  return { loss, grads, outputs };
}

wasmSuite(
  'the encoder–decoder on the wasm-simd backend: same loss, gradients and greedy outputs as the TypeScript kernels',
  () => {
    const cases: [string, Partial<Seq2SeqConfig>][] = [
      ['LSTM 24, 2 layers, bidirectional encoder, embedding input', { cell: 'lstm', layers: 2, bidirectional: true }],
      ['GRU 24 (torch form), one-hot input', { cell: 'gru', gruForm: 'torch', input: 'onehot' }],
      ['RNN 24, 2 layers, one-direction encoder', { cell: 'rnn', layers: 2 }],
    ];
    for (const [name, over] of cases) {
      it(name, () => {
        const config: Seq2SeqConfig = {
          ...defaultModelConfig,
          hidden: 24,
          input: 'embedding',
          embedSize: 6,
          sourceVocab: 13,
          targetVocab: 9,
          ...over,
        };
        const js = run(config, jsBackend('f32')),
          wa = run(config, wasmBackend());
        assert.ok(Math.abs(wa.loss - js.loss) <= LOSS_TOL * js.loss, `loss ${wa.loss} vs ${js.loss}`);
        for (const [tensor, g] of js.grads) {
          const e = relError(wa.grads.get(tensor)!, g);
          assert.ok(e <= GRAD_TOL, `${tensor}: gradient relative difference ${e.toExponential(2)}`);
        }
        assert.deepEqual(wa.outputs, js.outputs);
      });
    }
  },
);
