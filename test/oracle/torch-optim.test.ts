// PyTorch as the oracle for the optimizers and clipping: the same parameters and gradients through
// SeqLab's update rules and through torch.optim (Adam, SGD with momentum, RMSprop, Adagrad) with
// StepLR learning-rate decay give the same parameters and optimizer state after every step, and
// clipping by global norm gives torch.nn.utils.clip_grad_norm_'s gradient (≤ 1e-6 relative, float32).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OptimizerKind } from '../../src/engine/config';
import {
  applyUpdate,
  clipGradients,
  createOptimizerState,
  globalNorm,
  learningRate,
  type OptimizerState,
} from '../../src/engine/optim';
import { jsBackend } from '../../src/engine/reference';
import { Rng } from '../../src/engine/rng';
import type { Vec } from '../../src/engine/types';
import { relError } from '../helpers/relError';

const PYTHON = '/usr/bin/python3';
const ORACLE = join(__dirname, '..', '..', '..', 'test', 'oracle', 'torch_optim_oracle.py');
const TOL = 1e-6;
const N = 96,
  STEPS = 7,
  MOMENTUM = 0.9;
const DECAY = 0.5,
  EVERY = 3; // lr, lr, lr, lr/2, lr/2, lr/2, lr/4

/** The reference backend (float32): the wasm backend's updates are checked against it by the backend table test. */
const k = jsBackend('f32');

/** SeqLab's update, called from this one place (the engine owns its signature). */
function seqlabUpdate(s: OptimizerState, p: Float32Array, g: Float32Array, lr: number): void {
  applyUpdate(s, p, g, lr, MOMENTUM, k);
}

/** The optimizer state SeqLab keeps, under the names torch.optim gives the same buffers. */
function namedState(s: OptimizerState): Record<string, Vec> {
  switch (s.kind) {
    case 'adam':
      return { exp_avg: s.m, exp_avg_sq: s.v };
    case 'sgd':
      return { momentum_buffer: s.m };
    case 'rmsprop':
      return { square_avg: s.v };
    case 'adagrad':
      return { sum: s.v };
  }
}

interface OptimizerCase {
  kind: OptimizerKind;
  lr: number;
  params: number[];
  grads: number[][];
  after: { params: Float32Array; state: Record<string, Float32Array> }[];
}

/** Parameters of ±0.1 and gradients whose scale changes from step to step (1e-3 … 1), so every term counts. */
function optimizerCase(kind: OptimizerKind, lr: number, seed: number): OptimizerCase {
  const rng = new Rng(seed);
  const p = Float32Array.from({ length: N }, () => 0.2 * (rng.next() - 0.5));
  const params = Array.from(p);
  const grads = Array.from({ length: STEPS }, () => {
    const scale = 10 ** (-3 * rng.next());
    return Float32Array.from({ length: N }, () => scale * (2 * rng.next() - 1));
  });
  const s = createOptimizerState(kind, N, k);
  const after = grads.map((g, step) => {
    seqlabUpdate(s, p, g, learningRate(lr, DECAY, EVERY, step));
    const state = Object.fromEntries(Object.entries(namedState(s)).map(([name, v]) => [name, Float32Array.from(v)]));
    return { params: Float32Array.from(p), state };
  });
  return { kind, lr, params, grads: grads.map((g) => Array.from(g)), after };
}

interface OracleOutput {
  optimizers: { params: number[][]; state: Record<string, number[][]> }[];
  clip: { grad: number[]; norm: number };
}

describe('optimizers and clipping against torch.optim (Debian python3-torch as the oracle)', function () {
  this.timeout(120_000);
  const cases = [
    optimizerCase('adam', 0.01, 1),
    optimizerCase('sgd', 0.05, 2),
    optimizerCase('rmsprop', 0.01, 3),
    optimizerCase('adagrad', 0.05, 4),
  ];
  const clipRng = new Rng(5);
  const clipGrad = Float32Array.from({ length: N }, () => 3 * (2 * clipRng.next() - 1));
  const maxNorm = 5;
  let ref: OracleOutput;

  before(function () {
    try {
      execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    } catch {
      throw new Error(
        `${PYTHON} cannot import torch: install it with "apt-get install -y python3-torch" ` + '(.ci/run does)',
      );
    }
    const file = join(mkdtempSync(join(tmpdir(), 'seqlab-optim-oracle-')), 'cases.json');
    const optimizers = cases.map((c) => ({
      kind: c.kind,
      lr: c.lr,
      momentum: MOMENTUM,
      decay: DECAY,
      every: EVERY,
      params: c.params,
      grads: c.grads,
    }));
    writeFileSync(file, JSON.stringify({ optimizers, clip: { grad: Array.from(clipGrad), maxNorm } }));
    ref = JSON.parse(execFileSync(PYTHON, [ORACLE, file], { maxBuffer: 64 << 20 }).toString());
  });

  cases.forEach((c, i) => {
    const name = c.kind === 'sgd' ? `sgd (momentum ${MOMENTUM})` : c.kind;
    const rule = `${name}, lr ${c.lr} halved every ${EVERY} steps`;
    it(`${rule}: the same parameters and state for ${STEPS} steps`, () => {
      const torch = ref.optimizers[i];
      c.after.forEach((ours, step) => {
        const e = relError(ours.params, torch.params[step]);
        assert.ok(e <= TOL, `step ${step + 1}: parameters differ, relative error ${e.toExponential(2)}`);
        for (const [name, v] of Object.entries(ours.state)) {
          const es = relError(v, torch.state[name][step]);
          assert.ok(es <= TOL, `step ${step + 1}: ${name} differs, relative error ${es.toExponential(2)}`);
        }
      });
      // the updates themselves, not only the parameters they move: p_T − p_0 agrees too
      const moved = (p: ArrayLike<number>) => Array.from(p, (x, j) => x - c.params[j]);
      const e = relError(moved(c.after[STEPS - 1].params), moved(torch.params[STEPS - 1]));
      assert.ok(e <= TOL, `the total update differs: relative error ${e.toExponential(2)}`);
    });
  });

  it(`clipping to global norm ${maxNorm} gives clip_grad_norm_'s gradient`, () => {
    const g = Float32Array.from(clipGrad);
    const norm = globalNorm(g, k);
    assert.ok(Math.abs(norm - ref.clip.norm) / ref.clip.norm <= TOL, `norm ${norm} vs torch ${ref.clip.norm}`);
    assert.equal(clipGradients(g, norm, maxNorm, k), true);
    const e = relError(g, ref.clip.grad);
    assert.ok(e <= TOL, `clipped gradient differs: relative error ${e.toExponential(2)}`);
  });
});
