// TensorBoard's loss smoothing: an exponential moving average, debiased so that the first
// points are not pulled towards zero (the same correction as Adam's bias correction).
//   last<i> = w·last<i-1> + (1 − w)·y<i>,  last<0> = 0
//   smoothed<i> = last<i> / (1 − w^n)       n = finite values seen so far
// Non-finite values (a diverged loss) are passed through and do not enter the average.

export const DEFAULT_SMOOTHING = 0.6;
export const MAX_SMOOTHING = 0.99;

export function debiasedEma(values: readonly number[], weight: number): number[] {
  let last = 0;
  let n = 0;
  return values.map((y) => {
    if (!Number.isFinite(y)) return y;
    last = last * weight + (1 - weight) * y;
    n++;
    return weight === 1 ? last : last / (1 - Math.pow(weight, n));
  });
}
