// A run's curve kept to a size the views can draw and save at 10 updates a second, however long the
// run (a small model takes thousands of steps a second: a point per step would grow to hundreds of
// thousands, and every view would redraw and store them all). Like TensorBoard's sampling of scalars:
// ordinary points stay only at multiples of a stride, a power of two that doubles as the run goes on
// (at most MAX_PLAIN_POINTS / 2 of them; each doubling keeps a subset of the points before). Every
// clipped step is kept (the gradient view counts them), and so are the first point (where the curve
// starts) and the latest (the run's numbers), until a newer one arrives.
//
// The host and the views append the same points with this one function, point by point, so their
// curves agree however the points were batched on the way.

import type { ProgressPoint } from '../engine/reports';

export const MAX_PLAIN_POINTS = 2000;

/** The stride at which a run at `step` keeps its ordinary points: a power of two, step / stride ≤ MAX_PLAIN_POINTS / 2. */
export function curveStride(step: number): number {
  let stride = 1;
  while (step / stride > MAX_PLAIN_POINTS / 2) stride *= 2;
  return stride;
}

/** Whether a point that is neither the first nor the latest stays on the curve at `stride`. */
function kept(p: ProgressPoint, stride: number): boolean {
  return p.clipped || p.step % stride === 0;
}

/**
 * Appends points in step order to a curve, in place. A point at or before the last step replaces the
 * curve from there (a resumed run goes on from its checkpoint).
 */
export function appendToCurve(curve: ProgressPoint[], points: readonly ProgressPoint[]): void {
  for (const p of points) {
    while (curve.length && curve[curve.length - 1].step >= p.step) curve.pop();
    const stride = curveStride(p.step);
    const last = curve[curve.length - 1];
    if (last && curve.length > 1 && !kept(last, stride)) curve.pop(); // no longer the latest
    if (curve.length > 2 && stride > curveStride(last.step)) {
      let n = 1; // the first point stays
      for (let i = 1; i < curve.length; i++) if (kept(curve[i], stride)) curve[n++] = curve[i];
      curve.length = n;
    }
    curve.push(p);
  }
}
