// PyTorch as the oracle of the encoder–decoder: the same weights in nn.Embedding + nn.RNN/GRU/LSTM +
// nn.Linear (torch_seq2seq_oracle.py) give the same logits, loss and gradient of every parameter as
// SeqLab's teacher-forced pass (float32; ≤ 1e-4 relative), source and target of different lengths.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultModelConfig } from '../../src/engine/config';
import { jsBackend } from '../../src/engine/reference';
import { Rng } from '../../src/engine/rng';
import { encodeSafetensors, NamedTensor } from '../../src/engine/safetensors';
import { Seq2Seq } from '../../src/engine/seq2seq/seq2seq';
import { initSeq2SeqParams, Seq2SeqConfig } from '../../src/engine/seq2seq/seq2seqParams';
import { compareWithTorch, OracleCase } from '../helpers/torchOracle';

const S = 6,
  T = 4,
  B = 3;

function prepare(over: Partial<Seq2SeqConfig>, dir: string, i: number): OracleCase {
  const config: Seq2SeqConfig = {
    ...defaultModelConfig,
    hidden: 8,
    embedSize: 5,
    sourceVocab: 9,
    targetVocab: 7,
    ...over,
  };
  const k = jsBackend('f32');
  const params = initSeq2SeqParams(config, k, new Rng(5 + i));
  const rng = new Rng(9 + i);
  const draw = (n: number, m: number) => Int32Array.from({ length: n }, () => Math.floor(rng.next() * m));
  const src = draw(S * B, config.sourceVocab),
    tgtIn = draw(T * B, config.targetVocab),
    tgtOut = draw(T * B, config.targetVocab);
  const model = new Seq2Seq(config, params, k, S, T, B);
  const logits = model.forward(src, S, tgtIn, T, B);
  const V = config.targetVocab,
    logitsBT = new Float32Array(logits.length);
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) for (let v = 0; v < V; v++) logitsBT[(b * T + t) * V + v] = logits[(t * B + b) * V + v];
  const loss = model.loss(tgtOut);
  params.grad.fill(0);
  model.backward();
  const tensors = new Map<string, NamedTensor>(
    params.specs.map((s) => [s.name, { shape: s.shape, data: params.value(s.name) }]),
  );
  const file = join(dir, `seq2seq${i}.safetensors`);
  writeFileSync(file, encodeSafetensors(tensors, { format: 'pt' }));
  // SeqLab is time-major [n·B]; PyTorch batch_first is [B][n].
  const toBT = (v: Int32Array, n: number) =>
    Array.from({ length: B }, (_, b) => Array.from({ length: n }, (_, t) => v[t * B + b]));
  writeFileSync(
    file + '.json',
    JSON.stringify({
      cell: { rnn: 'RNN', gru: 'GRU', lstm: 'LSTM' }[config.cell],
      hidden: config.hidden,
      layers: config.layers,
      bidirectional: config.bidirectional,
      input: config.input,
      embedSize: config.embedSize,
      sourceVocab: config.sourceVocab,
      targetVocab: config.targetVocab,
      src: toBT(src, S),
      tgtIn: toBT(tgtIn, T),
      tgtOut: toBT(tgtOut, T),
    }),
  );
  const grads = new Map(params.specs.map((s) => [s.name, Float32Array.from(params.gradient(s.name))]));
  const title =
    `${config.cell.toUpperCase()}, ${config.layers} layer(s), ${config.bidirectional ? 'bidirectional' : 'one-direction'} encoder, ` +
    `${config.input} input, source ${S} / target ${T} steps: same logits, loss and gradients`;
  return { title, logits: logitsBT, loss, grads, files: [file, file + '.json'] };
}

describe('PyTorch parity of the encoder–decoder (Debian python3-torch as the oracle)', function () {
  const configs: Partial<Seq2SeqConfig>[] = [];
  for (const cell of ['rnn', 'gru', 'lstm'] as const) {
    configs.push({ cell, layers: 1, bidirectional: false, input: 'onehot' });
    configs.push({ cell, layers: 2, bidirectional: true, input: 'embedding' });
    configs.push({ cell, layers: 2, bidirectional: false, input: 'onehot' });
  }
  configs.push({ cell: 'lstm', layers: 1, bidirectional: true, input: 'embedding' });
  const dir = mkdtempSync(join(tmpdir(), 'seqlab-seq2seq-oracle-'));
  const cases = configs.map((c, i) => prepare(c, dir, i));
  compareWithTorch('torch_seq2seq_oracle.py', cases, (c, torch) =>
    assert.deepEqual([...c.grads.keys()].sort(), Object.keys(torch).sort(), 'the same tensors'),
  );
});
