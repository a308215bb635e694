// A long run's curve stays small enough for the views: ordinary points at a power-of-two stride,
// every clipped step, the first and the latest point; the same curve however the points are batched.

import assert from 'node:assert/strict';
import type { ProgressPoint } from '../../src/engine/reports';
import { appendToCurve, curveStride, MAX_PLAIN_POINTS } from '../../src/protocol';

function point(step: number, clipped = false): ProgressPoint {
  const valLoss = step % 50 === 0 ? 2 : null;
  return {
    step,
    totalSteps: 0,
    loss: 1,
    valLoss,
    charsPerSec: 1,
    etaSeconds: 0,
    lr: 0.01,
    gradNorm: 1,
    clipped,
    elapsedSeconds: 0,
  };
}

/** The curve of a run of steps from..to, appended in batches of `batch` points. */
function run(to: number, batch: number, clippedEvery = 0, curve: ProgressPoint[] = [], from = 1): ProgressPoint[] {
  for (let s = from; s <= to; s += batch) {
    const points = [];
    for (let t = s; t < s + batch && t <= to; t++) points.push(point(t, clippedEvery > 0 && t % clippedEvery === 0));
    appendToCurve(curve, points);
  }
  return curve;
}

const steps = (curve: ProgressPoint[]) => curve.map((p) => p.step);

describe('a run curve', () => {
  it('keeps every point of a short run', () => {
    assert.deepEqual(
      steps(run(MAX_PLAIN_POINTS / 2, 37)),
      Array.from({ length: MAX_PLAIN_POINTS / 2 }, (_, i) => i + 1),
    );
  });

  it('keeps a bounded number of points over a long run: the first, the latest, the rest at the stride', () => {
    const curve = run(200_000, 270);
    assert.ok(curve.length <= MAX_PLAIN_POINTS / 2 + 2, `${curve.length} points`);
    assert.ok(curve.length >= MAX_PLAIN_POINTS / 4, `${curve.length} points: the curve keeps its shape`);
    assert.equal(curve[0].step, 1, 'the first point');
    assert.equal(curve[curve.length - 1].step, 200_000, 'the latest point');
    const stride = curveStride(200_000);
    assert.deepEqual(
      steps(curve).slice(1, -1),
      Array.from({ length: Math.floor((200_000 - 1) / stride) }, (_, i) => (i + 1) * stride),
    );
  });

  it('is the same however the points were batched', () => {
    assert.deepEqual(steps(run(50_000, 1)), steps(run(50_000, 997)));
    assert.deepEqual(steps(run(50_000, 7, 13)), steps(run(50_000, 4000, 13)));
  });

  it('keeps every clipped step', () => {
    const curve = run(100_000, 500, 997);
    assert.equal(curve.filter((p) => p.clipped).length, Math.floor(100_000 / 997));
  });

  it('goes on from an earlier step when a run resumes, dropping the points after it', () => {
    const curve = run(30_000, 100);
    run(40_000, 100, 0, curve, 20_001);
    assert.deepEqual(steps(curve), steps(run(40_000, 100)));
  });
});
