// Gradient clipping by global norm (torch.nn.utils.clip_grad_norm_'s rule): after clipping the norm
// is the threshold, below it nothing changes, and a training counts exactly the steps it clipped.
// The comparison with torch itself is in test/oracle/torch-optim.test.ts.

import assert from 'node:assert/strict';
import { defaultTrainConfig } from '../../src/engine/config';
import { Backend } from '../../src/engine/backend';
import { jsBackend } from '../../src/engine/reference';
import { clipGradients, globalNorm } from '../../src/engine/optim';
import { Rng } from '../../src/engine/rng';
import { Trainer } from '../../src/engine/train';
import { smallText } from '../helpers/texts';
import { wasmAvailable, wasmBackend } from '../../src/engine/wasm/backend';

function randomGradient(k: Backend, rng: Rng, n: number, scale: number): Float32Array {
  const g = k.alloc(n) as Float32Array;
  for (let i = 0; i < n; i++) g[i] = scale * (2 * rng.next() - 1);
  return g;
}

// The reference backend, and the wasm one with every call split over three threads (where it runs)
const backends: [string, () => Backend][] = [
  ['TypeScript reference', () => jsBackend('f32')],
  ...(wasmAvailable()
    ? [['wasm-simd, 3 threads', () => wasmBackend({ threads: 3, splitWork: 1 })] as [string, () => Backend]]
    : []),
];

for (const [backendName, makeBackend] of backends)
  describe(`gradient clipping (${backendName})`, () => {
    const k = makeBackend();
    it('scales a gradient above the threshold to a global norm equal to the threshold', () => {
      const rng = new Rng(3);
      for (const [n, scale, maxNorm] of [
        [10, 4, 1],
        [1000, 1, 5],
        [50_000, 0.1, 2.5],
      ]) {
        const g = randomGradient(k, rng, n, scale);
        const before = Float32Array.from(g),
          norm = globalNorm(g, k);
        assert.ok(norm > maxNorm, `the test's gradient has norm ${norm}, not above ${maxNorm}`);
        assert.equal(clipGradients(g, norm, maxNorm, k), true);
        const after = globalNorm(g, k);
        assert.ok(Math.abs(after - maxNorm) / maxNorm <= 1e-6, `norm after clipping ${after}, threshold ${maxNorm}`);
        // the direction is kept: every component scaled by the same factor
        const factor = g[0] / before[0];
        g.forEach((x, i) =>
          assert.ok(Math.abs(x - factor * before[i]) <= 1e-6 * Math.abs(before[i]), `component ${i}`),
        );
      }
    });

    it('leaves a gradient at or below the threshold, and any gradient with clipping off (0), unchanged', () => {
      const rng = new Rng(4);
      const g = randomGradient(k, rng, 100, 1),
        copy = Float32Array.from(g),
        norm = globalNorm(g, k);
      assert.equal(clipGradients(g, norm, norm * 1.5, k), false);
      assert.equal(clipGradients(g, norm, 0, k), false);
      assert.deepEqual(g, copy);
    });

    it('a training counts as clip events exactly the steps whose gradient norm exceeded the threshold', async () => {
      const clip = 0.4; // about the median gradient norm of this run: some steps clip, some do not
      const text = smallText();
      const config = { ...defaultTrainConfig, seqLength: 16, batchSize: 4, evalEvery: 10, steps: 30, lr: 0.01, clip };
      const t = Trainer.create(text, { cell: 'rnn', hidden: 16 }, config, makeBackend());
      const points: { step: number; gradNorm: number; clipped: boolean }[] = [];
      const result = await t.run({ onProgress: (p) => points.push(p) });
      const over = points.filter((p) => p.gradNorm > clip);
      assert.ok(
        over.length > 0 && over.length < points.length,
        `${over.length} of ${points.length} steps above ${clip}`,
      );
      assert.deepEqual(
        points.filter((p) => p.clipped),
        over,
      );
      assert.deepEqual(
        result.clipEvents,
        over.map((p) => ({ step: p.step, norm: p.gradNorm })),
      );

      const unclipped = Trainer.create(text, { cell: 'rnn', hidden: 16 }, { ...config, clip: 0 }, makeBackend());
      assert.deepEqual((await unclipped.run()).clipEvents, []);
      assert.notDeepEqual(unclipped.model.params.data, t.model.params.data, 'clipping changed the updates');
    });
  });
