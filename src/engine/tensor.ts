// Flat numeric arrays: the engine's only data structure (llm.c style).
// Training runs in float32; gradient checks run the same code in float64.

export type Vec = Float32Array | Float64Array;
export type DType = 'f32' | 'f64';

export function zeros(dtype: DType, n: number): Vec {
  return dtype === 'f64' ? new Float64Array(n) : new Float32Array(n);
}

/** Euclidean norm of v[from, to). */
export function norm2(v: ArrayLike<number>, from = 0, to = v.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
