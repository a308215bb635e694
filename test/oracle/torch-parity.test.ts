// PyTorch as the oracle: the same weights in nn.RNN/GRU/LSTM + nn.Linear give the same logits,
// loss and gradient of every parameter as SeqLab (float32; ≤ 1e-4 relative): language models,
// taggers (a head over the tags at every step) and classifiers (last or mean read-out, one row per
// sequence), also on a window of fewer sequences than the network's streams.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultModelConfig, ModelConfig } from '../../src/engine/config';
import { exportTorch } from '../../src/engine/export';
import { jsBackend } from '../../src/engine/reference';
import { Network } from '../../src/engine/network';
import { initParams } from '../../src/engine/params';
import { Rng } from '../../src/engine/rng';
import { Tokenizer } from '../../src/engine/tokenizer';
import { compareWithTorch, OracleCase } from '../helpers/torchOracle';

const V = 11,
  T = 7,
  B = 3;

/** How a case runs its network: a window of b ≤ streams sequences of T steps. */
interface Window {
  T: number;
  b: number;
  streams: number; // the streams the network is built for
  warmup: boolean; // first a full window (maxT steps, every stream) trains, so stale buffers would show
}

const fullWindow: Window = { T, b: B, streams: B, warmup: false };

function describeCase(c: ModelConfig, w: Window): string {
  const net = `${c.cell.toUpperCase()}, ${c.layers} layer(s)${c.bidirectional ? ', bidirectional' : ''}, ${c.input === 'embedding' ? 'embedding' : 'one-hot'} input`;
  const task =
    c.task === 'tag'
      ? `tagging (${c.classes} tags over a vocabulary of ${c.vocabSize}), `
      : c.task === 'classify'
        ? `classification (${c.classes} labels, ${c.pool} read-out), `
        : '';
  const window = w.b < w.streams ? `, a window of ${w.b} of ${w.streams} streams after a full one` : '';
  return `${task}${net}${window}: same logits, loss and gradients`;
}

function prepare(over: Partial<ModelConfig>, w: Window, dir: string, i: number): OracleCase {
  const config: ModelConfig = { ...defaultModelConfig, hidden: 16, embedSize: 6, vocabSize: V, classes: V, ...over };
  const Vin = config.vocabSize,
    C = config.classes,
    classify = config.task === 'classify';
  const k = jsBackend('f32');
  const params = initParams(config, k, new Rng(5 + i));
  const rng = new Rng(9 + i);
  const draw = (n: number, m: number) => Int32Array.from({ length: n }, () => Math.floor(rng.next() * m));
  const maxT = w.warmup ? w.T + 2 : w.T;
  const net = new Network(config, params, k, maxT, w.streams, new Rng(0));
  if (w.warmup) {
    net.forward(draw(maxT * w.streams, Vin), maxT, true);
    net.loss(draw(classify ? w.streams : maxT * w.streams, C));
    net.backward();
  }
  const ids = draw(w.T * w.b, Vin);
  // one target per token (time-major [T·b]), or per sequence [b]
  const targets = draw(classify ? w.b : w.T * w.b, C);
  const logits = net.forward(ids, w.T, true, w.b); // dropout 0: the training pass is the inference pass
  // SeqLab is time-major [T·b]; PyTorch batch_first is [b][T].
  const logitsBT = new Float32Array(logits.length);
  if (classify) logitsBT.set(logits);
  else
    for (let t = 0; t < w.T; t++)
      for (let b = 0; b < w.b; b++)
        for (let v = 0; v < C; v++) logitsBT[(b * w.T + t) * C + v] = logits[(t * w.b + b) * C + v];
  const loss = net.loss(targets);
  params.grad.fill(0);
  net.backward();
  const tokenizer = new Tokenizer({ level: 'char', vocab: Array.from('abcdefghijk').slice(0, Vin), lowercase: false });
  const file = join(dir, `case${i}.safetensors`);
  exportTorch({ config, tokenizer, params }, file);
  const toBT = (v: Int32Array) =>
    Array.from({ length: w.b }, (_, b) => Array.from({ length: w.T }, (_, t) => v[t * w.b + b]));
  writeFileSync(
    file + '.json',
    JSON.stringify({
      task: config.task,
      pool: config.pool,
      ids: toBT(ids),
      targets: classify ? Array.from(targets) : toBT(targets),
    }),
  );
  const grads = new Map(params.specs.map((s) => [s.name, Float32Array.from(params.gradient(s.name))]));
  return { title: describeCase(config, w), logits: logitsBT, loss, grads, files: [file, file + '.json'] };
}

describe('PyTorch parity (Debian python3-torch as the oracle)', function () {
  const configs: [Partial<ModelConfig>, Window][] = [];
  for (const cell of ['rnn', 'gru', 'lstm'] as const) {
    for (const layers of [1, 2, 3])
      for (const bidirectional of [false, true]) configs.push([{ cell, layers, bidirectional }, fullWindow]);
    configs.push([{ cell, input: 'embedding', layers: 2 }, fullWindow]);
    configs.push([{ cell, input: 'embedding', layers: 2, bidirectional: true }, fullWindow]);
  }
  // Tagging (many-to-many): 5 tags over a vocabulary of 9, mean cross-entropy over every token.
  const tagger: Partial<ModelConfig> = { task: 'tag', vocabSize: 9, classes: 5, input: 'embedding', layers: 2 };
  for (const cell of ['rnn', 'gru', 'lstm'] as const)
    configs.push([{ ...tagger, cell, bidirectional: true }, fullWindow]);
  configs.push([{ ...tagger, cell: 'lstm', input: 'onehot', layers: 1 }, fullWindow]);
  // Classification (many-to-one): 3 labels, mean cross-entropy over sequences.
  const classifier: Partial<ModelConfig> = {
    task: 'classify',
    vocabSize: 9,
    classes: 3,
    input: 'embedding',
    layers: 2,
  };
  for (const cell of ['rnn', 'gru', 'lstm'] as const)
    for (const pool of ['last', 'mean'] as const)
      for (const bidirectional of [false, true])
        configs.push([{ ...classifier, cell, pool, bidirectional }, fullWindow]);
  configs.push([{ ...classifier, cell: 'gru', input: 'onehot', layers: 1, pool: 'last' }, fullWindow]);
  // A length bucket that does not fill a batch: b = 2 of 4 streams, after a full window of more steps.
  const window: Window = { T: 5, b: 2, streams: 4, warmup: true };
  configs.push([{ ...tagger, cell: 'gru', bidirectional: true }, window]);
  configs.push([{ ...classifier, cell: 'lstm', bidirectional: true, pool: 'last' }, window]);
  configs.push([{ ...classifier, cell: 'gru', bidirectional: true, pool: 'mean' }, window]);
  const dir = mkdtempSync(join(tmpdir(), 'seqlab-oracle-'));
  const cases = configs.map(([c, w], i) => prepare(c, w, dir, i));
  compareWithTorch('torch_oracle.py', cases);
});
