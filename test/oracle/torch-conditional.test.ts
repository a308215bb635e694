// PyTorch as the oracle of the conditioned language model: nn.Embedding of the labels, per layer
// nn.Linear + tanh giving h0, then nn.RNN/GRU/LSTM + nn.Linear from x<1> = 0 give the same logits, loss
// and gradient of every parameter (the labels' vectors and the conditioning weights included) as
// SeqLab (float32; ≤ 1e-4 relative).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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
import { relError } from '../helpers/relError';

const PYTHON = '/usr/bin/python3';
const ORACLE = join(__dirname, '..', '..', '..', 'test', 'oracle', 'torch_oracle.py');
const TOL = 1e-4;
const V = 9,
  T = 6,
  B = 3,
  L = 3;

interface Case {
  title: string;
  logits: Float32Array; // batch-first [b·T·V]
  loss: number;
  grads: Map<string, Float32Array>;
  files: [string, string];
}

function prepare(over: Partial<ModelConfig>, dir: string, i: number): Case {
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
  let refs: { loss: number; logits: number[]; grads: Record<string, number[]> }[] = [];

  before(function () {
    try {
      execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    } catch {
      throw new Error(`${PYTHON} cannot import torch: install it with "apt-get install -y python3-torch"`);
    }
    refs = JSON.parse(
      execFileSync(PYTHON, [ORACLE, ...cases.flatMap((c) => c.files)], { maxBuffer: 64 << 20 }).toString(),
    );
  });

  cases.forEach((c, i) => {
    it(`${c.title}: same logits, loss and gradients`, () => {
      const ref = refs[i];
      assert.ok(relError(c.logits, ref.logits) < TOL, `logits differ: ${relError(c.logits, ref.logits)}`);
      assert.ok(Math.abs(c.loss - ref.loss) / ref.loss < TOL, `loss ${c.loss} vs torch ${ref.loss}`);
      assert.ok(c.grads.has('cond.embed.weight') && c.grads.has('cond.weight_l0'), 'the conditioning is compared');
      for (const [name, g] of c.grads) {
        const e = relError(g, ref.grads[name]);
        assert.ok(e < TOL, `gradient of ${name} differs: relative error ${e.toExponential(2)}`);
      }
    });
  });
});
