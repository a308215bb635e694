// AssemblyScript, imported by cells.ts and rows.ts (not an entry of the build: nothing here is exported
// from the module).

// ---- σ and tanh, four lanes -------------------------------------------------------------------
//
// exp: Cephes expf. x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two for an exact n·ln2), e^r by
// a degree-6 polynomial, 2ⁿ put into the exponent bits; x clamped to [−87, 88] so that 2ⁿ stays a
// normal float, and 0 below −87 (e^−87 ≈ 1.6·10⁻³⁸). Relative error ≤ 1.4 ulp (measured against
// Math.exp over 2·10⁶ points). n is rounded by adding 1.5·2²³ (its low mantissa bits are then n),
// and the clamps are pmin/pmax: single instructions where min/max and nearest/trunc_sat are not.
// σ(x) = 1 / (1 + e^(−x)): relative error ≤ 2.4 ulp, in both tails.
// tanh: Eigen's rational minimax approximation x·P(x²)/Q(x²) on x clamped to ±7.9053 (where the
// float32 tanh is 1 within an ulp): error ≤ 6.2 ulp of the result, relative, and exact-ish near 0
// where tanh(x) ≈ x (no 1 − 2/(e^2x + 1) cancellation).
// NaN goes through all three (min/max and the polynomials keep it), so divergence is still seen.

@inline export function splat(x: f32): v128 { return f32x4.splat(x); }

@inline export function vexp(x0: v128): v128 {
  // pmin(x, c) = c < x ? c : x and pmax(x, c) = x < c ? c : x keep a NaN x.
  const x = f32x4.pmax(f32x4.pmin(x0, splat(88.0)), splat(-87.0));
  const t = f32x4.add(f32x4.mul(x, splat(1.44269504088896341)), splat(12582912.0)); // 1.5·2²³ + round(x·log2 e)
  const n = f32x4.sub(t, splat(12582912.0));
  let r = f32x4.sub(x, f32x4.mul(n, splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, splat(-2.12194440e-4)));
  let p = splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), splat(1));
  const two_n = i32x4.shl(i32x4.add(t, i32x4.splat(127 - 0x4B400000)), 23);        // bits of 2ⁿ
  return v128.andnot(f32x4.mul(y, two_n), f32x4.lt(x0, splat(-87.0))); // below −87: 0
}

@inline export function vsigmoid(x: v128): v128 {
  return f32x4.div(splat(1), f32x4.add(splat(1), vexp(f32x4.neg(x))));
}

@inline export function vtanh(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, splat(7.90531110763549805)), splat(-7.90531110763549805));
  const x2 = f32x4.mul(x, x);
  let p = splat(-2.76076847742355e-16);
  p = f32x4.add(f32x4.mul(p, x2), splat(2.00018790482477e-13));
  p = f32x4.add(f32x4.mul(p, x2), splat(-8.60467152213735e-11));
  p = f32x4.add(f32x4.mul(p, x2), splat(5.12229709037114e-8));
  p = f32x4.add(f32x4.mul(p, x2), splat(1.48572235717979e-5));
  p = f32x4.add(f32x4.mul(p, x2), splat(6.37261928875436e-4));
  p = f32x4.add(f32x4.mul(p, x2), splat(4.89352455891786e-3));
  p = f32x4.mul(p, x);
  let q = splat(1.19825839466702e-6);
  q = f32x4.add(f32x4.mul(q, x2), splat(1.18534705686654e-4));
  q = f32x4.add(f32x4.mul(q, x2), splat(2.26843463243900e-3));
  q = f32x4.add(f32x4.mul(q, x2), splat(4.89352518554385e-3));
  return f32x4.div(p, q);
}

