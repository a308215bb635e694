// PyTorch as the oracle of the conditioned language model: nn.Embedding of the labels, per layer
// nn.Linear + tanh giving h0, then nn.RNN/GRU/LSTM + nn.Linear from x<1> = 0 give the same logits, loss
// and gradient of every parameter (the labels' vectors and the conditioning weights included) as
// SeqLab (float32; ≤ 1e-4 relative).

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConditionalNetwork } from '../../src/engine/conditional/conditionalNetwork';
import { defaultModelConfig, ModelConfig } from '../../src/engine/config';
import { exportTorch } from '../../src/engine/export';
import { initParams } from '../../src/engine/params';
import { jsBackend } from '../../src/engine/reference';
import { Rng } from '../../src/engine/rng';
import { Tokenizer } from '../../src/engine/tokenizer';
import { compareWithTorch, OracleCase } from '../helpers/torchOracle';

const V = 9,
  T = 6,
  B = 3,
  L = 3;

function prepare(over: Partial<ModelConfig>, dir: string, i: number): OracleCase {
  const config: ModelConfig = {
    ...defaultModelConfig,
    hidden: 12,
    embedSize: 5,
    layers: 2,
    vocabSize: V,
    classes: V,
    task: 'conditional',
    labelCount: L,
    ...over,
  };
  const k = jsBackend('f32');
  const params = initParams(config, k, new Rng(21 + i));
  const rng = new Rng(31 + i);
  const labels = Int32Array.of(2, 0, 1);
  // x<1> = 0 (id −1), then characters; time-major [T·B]
  const ids = Int32Array.from({ length: T * B }, (_, r) => (r < B ? -1 : Math.floor(rng.next() * V)));
  const targets = Int32Array.from({ length: T * B }, () => Math.floor(rng.next() * V));
  const net = new ConditionalNetwork(config, params, k, T, B, new Rng(0));
  const logits = net.forward(labels, ids, T, true);
  const logitsBT = new Float32Array(logits.length);
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) for (let v = 0; v < V; v++) logitsBT[(b * T + t) * V + v] = logits[(t * B + b) * V + v];
  const loss = net.loss(targets);
  params.grad.fill(0);
  net.backward();
  const tokenizer = new Tokenizer({ level: 'char', vocab: Array.from('abcdefghi'), lowercase: false });
  const file = join(dir, `conditional${i}.safetensors`);
  exportTorch({ config, tokenizer, params, labels: ['x', 'y', 'z'] }, file);
  const toBT = (v: Int32Array) =>
    Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => v[t * B + b]));
  writeFileSync(
    file + '.json',
    JSON.stringify({ task: 'conditional', pool: 'last', ids: toBT(ids), targets: toBT(targets), labels: [...labels] }),
  );
  const grads = new Map(params.specs.map((s) => [s.name, Float32Array.from(params.gradient(s.name))]));
  const title = `${config.cell.toUpperCase()}, ${config.layers} layer${config.layers > 1 ? 's' : ''}, ${config.input} input, ${L} labels setting h0`;
  return { title, logits: logitsBT, loss, grads, files: [file, file + '.json'] };
}

describe('PyTorch parity of the conditioned language model', function () {
  const configs: Partial<ModelConfig>[] = [
    { cell: 'rnn' },
    { cell: 'gru', input: 'embedding' },
    { cell: 'lstm' },
    { cell: 'lstm', input: 'embedding', layers: 1 },
  ];
  const dir = mkdtempSync(join(tmpdir(), 'seqlab-oracle-cond-'));
  const cases = configs.map((c, i) => prepare(c, dir, i));
  compareWithTorch(
    'torch_oracle.py',
    cases.map((c) => ({ ...c, title: `${c.title}: same logits, loss and gradients` })),
    (c) => assert.ok(c.grads.has('cond.embed.weight') && c.grads.has('cond.weight_l0'), 'the conditioning is compared'),
  );
});
