// PyTorch as the oracle: the same weights in nn.RNN/GRU/LSTM + nn.Linear give the same logits,
// loss and gradient of every parameter as SeqLab (float32; ≤ 1e-4 relative).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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
import { relError } from '../helpers/relError';

const PYTHON = '/usr/bin/python3';
const ORACLE = join(__dirname, '..', '..', '..', 'test', 'oracle', 'torch_oracle.py');
const TOL = 1e-4;
const V = 11,
  T = 7,
  B = 3;

interface Case {
  title: string;
  logits: Float32Array; // batch-first [B·T·V]
  loss: number;
  grads: Map<string, Float32Array>;
  files: [string, string];
}

function prepare(over: Partial<ModelConfig>, dir: string, i: number): Case {
  const config: ModelConfig = { ...defaultModelConfig, hidden: 16, embedSize: 6, vocabSize: V, classes: V, ...over };
  const k = jsBackend('f32');
  const params = initParams(config, k, new Rng(5 + i));
  const rng = new Rng(9 + i);
  const ids = Int32Array.from({ length: T * B }, () => Math.floor(rng.next() * V));
  const targets = Int32Array.from({ length: T * B }, () => Math.floor(rng.next() * V));
  const net = new Network(config, params, k, T, B, new Rng(0));
  const logits = net.forward(ids, T, false);
  const logitsBT = new Float32Array(T * B * V);
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) for (let v = 0; v < V; v++) logitsBT[(b * T + t) * V + v] = logits[(t * B + b) * V + v];
  const loss = net.loss(targets);
  params.grad.fill(0);
  net.backward();
  const tokenizer = new Tokenizer({ level: 'char', vocab: Array.from('abcdefghijk'), lowercase: false });
  const file = join(dir, `case${i}.safetensors`);
  exportTorch({ config, tokenizer, params }, file);
  // SeqLab is time-major [T·B]; PyTorch batch_first is [B][T].
  const toBT = (v: Int32Array) =>
    Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => v[t * B + b]));
  writeFileSync(file + '.json', JSON.stringify({ ids: toBT(ids), targets: toBT(targets) }));
  const grads = new Map(params.specs.map((s) => [s.name, Float32Array.from(params.gradient(s.name))]));
  const title = `${config.cell.toUpperCase()}, ${config.layers} layer(s)${config.bidirectional ? ', bidirectional' : ''}, ${config.input === 'embedding' ? 'embedding' : 'one-hot'} input: same logits, loss and gradients`;
  return { title, logits: logitsBT, loss, grads, files: [file, file + '.json'] };
}

describe('PyTorch parity (Debian python3-torch as the oracle)', function () {
  const configs: Partial<ModelConfig>[] = [];
  for (const cell of ['rnn', 'gru', 'lstm'] as const) {
    for (const layers of [1, 2, 3])
      for (const bidirectional of [false, true]) configs.push({ cell, layers, bidirectional });
    configs.push({ cell, input: 'embedding', layers: 2 });
    configs.push({ cell, input: 'embedding', layers: 2, bidirectional: true });
  }
  const dir = mkdtempSync(join(tmpdir(), 'seqlab-oracle-'));
  const cases = configs.map((c, i) => prepare(c, dir, i));
  let refs: { loss: number; logits: number[]; grads: Record<string, number[]> }[] = [];

  before(function () {
    try {
      execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    } catch {
      throw new Error(
        `${PYTHON} cannot import torch: install it with "apt-get install -y python3-torch" (.ci/run does)`,
      );
    }
    refs = JSON.parse(
      execFileSync(PYTHON, [ORACLE, ...cases.flatMap((c) => c.files)], { maxBuffer: 256 << 20 }).toString(),
    );
  });

  cases.forEach((c, i) => {
    it(c.title, () => {
      const ref = refs[i];
      assert.ok(relError(c.logits, ref.logits) < TOL, `logits differ: ${relError(c.logits, ref.logits)}`);
      assert.ok(Math.abs(c.loss - ref.loss) / ref.loss < TOL, `loss ${c.loss} vs torch ${ref.loss}`);
      for (const [name, g] of c.grads) {
        const e = relError(g, ref.grads[name]);
        assert.ok(e < TOL, `gradient of ${name} differs: relative error ${e.toExponential(2)}`);
      }
    });
  });
});
