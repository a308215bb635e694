// AssemblyScript, compiled with kernels.ts and cells.ts by `npm run build:wasm` (scripts/build-wasm.mjs).
//
// Row kernels: the other loops of a training step that touch every element of a window
// (T·B rows): one-hot input rows, bias gradients, the softmax. References in TypeScript:
// gatherRows, scatterAddRows, sumRows and softmaxCrossEntropy in ../../reference.ts.

import { vexp } from './math';

/** db[j] += Σ_i d[i·n + j]  (bias gradients over a window). */
export function sumRows(db: usize, d: usize, m: i32, n: i32): void {
  sumRowsLd(db, d, m, n, n);
}

/** db[j] += Σ_i d[i·ld + j] for j < n (a share of the columns of a wider d). */
export function sumRowsLd(db: usize, d: usize, m: i32, n: i32, ld: i32): void {
  const nb = (<usize>n) << 2,
    n4 = (<usize>(n & ~3)) << 2,
    lb = (<usize>ld) << 2;
  let j: usize = 0;
  for (; j + 64 <= n4; j += 64) {
    // 16 columns at a time, four accumulators
    let s0 = v128.load(db + j),
      s1 = v128.load(db + j, 16),
      s2 = v128.load(db + j, 32),
      s3 = v128.load(db + j, 48);
    let p = d + j;
    for (let i = 0; i < m; i++) {
      s0 = f32x4.add(s0, v128.load(p));
      s1 = f32x4.add(s1, v128.load(p, 16));
      s2 = f32x4.add(s2, v128.load(p, 32));
      s3 = f32x4.add(s3, v128.load(p, 48));
      p += lb;
    }
    v128.store(db + j, s0);
    v128.store(db + j, s1, 16);
    v128.store(db + j, s2, 32);
    v128.store(db + j, s3, 48);
  }
  for (; j < n4; j += 16) {
    let s = v128.load(db + j),
      p = d + j;
    for (let i = 0; i < m; i++) {
      s = f32x4.add(s, v128.load(p));
      p += lb;
    }
    v128.store(db + j, s);
  }
  for (; j < nb; j += 4) {
    let s = load<f32>(db + j),
      p = d + j;
    for (let i = 0; i < m; i++) {
      s += load<f32>(p);
      p += lb;
    }
    store<f32>(db + j, s);
  }
}

/** dst[r·n + j] = bias[j] + table[ids[r]·n + j]; ids[r] < 0: bias alone (one-hot input: x<t> = e_ids[r]). */
export function gatherRows(dst: usize, table: usize, bias: usize, ids: usize, rows: i32, n: i32): void {
  const nb = (<usize>n) << 2,
    n4 = (<usize>(n & ~3)) << 2;
  for (let r = 0; r < rows; r++) {
    const id = load<i32>(ids + ((<usize>r) << 2)),
      d = dst + <usize>r * nb;
    if (id < 0) {
      memory.copy(d, bias, nb);
      continue;
    }
    const s = table + <usize>id * nb;
    let j: usize = 0;
    for (; j < n4; j += 16) v128.store(d + j, f32x4.add(v128.load(bias + j), v128.load(s + j)));
    for (; j < nb; j += 4) store<f32>(d + j, load<f32>(bias + j) + load<f32>(s + j));
  }
}

/**
 * table[ids[r]·n + j] += src[r·n + j] for ids[r] ≥ 0 and j0 ≤ j < j1 (the gradient of gatherRows'
 * table; a share of its columns: every element is summed over the rows in the same order whatever the share).
 */
export function scatterAddRows(table: usize, src: usize, ids: usize, rows: i32, n: i32, j0: i32, j1: i32): void {
  const nb = (<usize>n) << 2,
    lo = (<usize>j0) << 2,
    hi = (<usize>j1) << 2,
    hi4 = lo + ((<usize>((j1 - j0) & ~3)) << 2);
  for (let r = 0; r < rows; r++) {
    const id = load<i32>(ids + ((<usize>r) << 2));
    if (id < 0) continue;
    const d = table + <usize>id * nb,
      s = src + <usize>r * nb;
    let j: usize = lo;
    for (; j < hi4; j += 16) v128.store(d + j, f32x4.add(v128.load(d + j), v128.load(s + j)));
    for (; j < hi; j += 4) store<f32>(d + j, load<f32>(d + j) + load<f32>(s + j));
  }
}

/**
 * Rows c0 ≤ c < c1 of dst = srcᵀ (accumulate = 0) or dst += srcᵀ (accumulate = 1), src [R, C] and
 * dst [C, R] row-major: dst[c·R + r] (+)= src[r·C + c].
 */
export function transposeRows(dst: usize, src: usize, R: i32, C: i32, c0: i32, c1: i32, accumulate: i32): void {
  const cb = (<usize>C) << 2;
  for (let c = c0; c < c1; c++) {
    const d = dst + <usize>c * ((<usize>R) << 2);
    let s = src + ((<usize>c) << 2);
    if (accumulate) {
      for (let r: usize = 0; r < (<usize>R) << 2; r += 4) {
        store<f32>(d + r, load<f32>(d + r) + load<f32>(s));
        s += cb;
      }
    } else {
      for (let r: usize = 0; r < (<usize>R) << 2; r += 4) {
        store<f32>(d + r, load<f32>(s));
        s += cb;
      }
    }
  }
}

/** out[c] = Σ g[i]² (float64) over chunk c (`chunk` floats each) of g[0..n), for c0 ≤ c < c1. */
export function sumSquaresChunks(out: usize, g: usize, n: i32, chunk: i32, c0: i32, c1: i32): void {
  for (let c = c0; c < c1; c++) {
    const start = c * chunk,
      end = min(n, start + chunk),
      end4 = start + ((end - start) & ~3);
    let s0 = f64x2.splat(0),
      s1 = s0;
    let i = start;
    for (; i < end4; i += 4) {
      const v = v128.load(g + ((<usize>i) << 2)); // squared in float64: exact
      s0 = f64x2.add(s0, f64x2.mul(f64x2.promote_low_f32x4(v), f64x2.promote_low_f32x4(v)));
      const hi = v128.shuffle<f32>(v, v, 2, 3, 0, 1);
      s1 = f64x2.add(s1, f64x2.mul(f64x2.promote_low_f32x4(hi), f64x2.promote_low_f32x4(hi)));
    }
    let s = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1) + f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1);
    for (; i < end; i++) {
      const x = <f64>load<f32>(g + ((<usize>i) << 2));
      s += x * x;
    }
    store<f64>(out + ((<usize>c) << 3), s);
  }
}

/**
 * v[i] *= factor for i0 ≤ i < i1, the product in float64 and rounded once to float32 (as JavaScript's
 * v[i] *= factor on a Float32Array); factor as two int32 halves of its float64 bits (the helper
 * threads pass integers only).
 */
export function scaleRange(v: usize, i0: i32, i1: i32, factorLo: i32, factorHi: i32): void {
  const f = reinterpret<f64>((<i64>factorHi << 32) | (<i64>factorLo & 0xffffffff)),
    fv = f64x2.splat(f),
    end = (<usize>i1) << 2,
    end4 = ((<usize>i0) << 2) + ((<usize>((i1 - i0) & ~3)) << 2);
  let i: usize = (<usize>i0) << 2;
  for (; i < end4; i += 16) {
    const x = v128.load(v + i);
    const lo = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(x), fv));
    const hi = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1)), fv));
    v128.store(v + i, v128.shuffle<f32>(lo, hi, 0, 1, 4, 5));
  }
  for (; i < end; i += 4) store<f32>(v + i, <f32>(<f64>load<f32>(v + i) * f));
}

/**
 * Row-wise softmax in place: p[r] = exp(p[r] − max p[r]) / Σ exp(…), and g[r] = scale·p[r]
 * (the cross-entropy gradient before the target's −scale, which the caller subtracts).
 */
export function softmaxRows(p: usize, g: usize, rows: i32, n: i32, scale: f32): void {
  const nb = (<usize>n) << 2,
    n4 = (<usize>(n & ~3)) << 2;
  for (let r = 0; r < rows; r++) {
    const row = p + <usize>r * nb,
      grow = g + <usize>r * nb;
    let mv = f32x4.splat(-Infinity),
      j: usize = 0;
    for (; j < n4; j += 16) mv = f32x4.max(mv, v128.load(row + j));
    let m = max(
      max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)),
      max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)),
    );
    for (; j < nb; j += 4) m = max(m, load<f32>(row + j));
    const ms = f32x4.splat(m);
    let sv = f32x4.splat(0);
    for (j = 0; j < n4; j += 16) {
      const e = vexp(f32x4.sub(v128.load(row + j), ms));
      v128.store(row + j, e);
      sv = f32x4.add(sv, e);
    }
    let s =
      f32x4.extract_lane(sv, 0) + f32x4.extract_lane(sv, 1) + f32x4.extract_lane(sv, 2) + f32x4.extract_lane(sv, 3);
    for (; j < nb; j += 4) {
      const e = f32x4.extract_lane(vexp(f32x4.splat(load<f32>(row + j) - m)), 0);
      store<f32>(row + j, e);
      s += e;
    }
    const inv = f32x4.splat(<f32>1 / s),
      sc = f32x4.splat(scale);
    for (j = 0; j < n4; j += 16) {
      const q = f32x4.mul(v128.load(row + j), inv);
      v128.store(row + j, q);
      v128.store(grow + j, f32x4.mul(q, sc));
    }
    for (; j < nb; j += 4) {
      const q = load<f32>(row + j) * (<f32>1 / s);
      store<f32>(row + j, q);
      store<f32>(grow + j, q * scale);
    }
  }
}

/** softmaxRows with the scale as its float32 bits (the helper threads pass integers only). */
export function softmaxRowsBits(p: usize, g: usize, rows: i32, n: i32, scaleBits: i32): void {
  softmaxRows(p, g, rows, n, reinterpret<f32>(scaleBits));
}

/**
 * Adam (β1 = 0.9, β2 = 0.999, ε = 1e-8; c1 = 1 − β1ᵗ, c2 = √(1 − β2ᵗ)), as optim.ts, on n floats:
 *   m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²,  p ← p − lr·(m / c1) / (√v / c2 + ε)
 */
function adamUpdate(p: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, c1: f32, c2: f32): void {
  const nb = (<usize>n) << 2,
    n4 = (<usize>(n & ~3)) << 2;
  // 1 − β as its own constant: float32 1 − 0.999 would be 1.3·10⁻⁵ off
  const b1 = f32x4.splat(0.9),
    a1 = f32x4.splat(0.1),
    b2 = f32x4.splat(0.999),
    a2 = f32x4.splat(0.001);
  const step = f32x4.splat(lr / c1),
    ic2 = f32x4.splat(<f32>1 / c2),
    eps = f32x4.splat(1e-8);
  let i: usize = 0;
  for (; i < n4; i += 16) {
    const gi = v128.load(g + i);
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + i)), f32x4.mul(a1, gi));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + i)), f32x4.mul(a2, f32x4.mul(gi, gi)));
    v128.store(m + i, mi);
    v128.store(v + i, vi);
    const den = f32x4.add(f32x4.mul(f32x4.sqrt(vi), ic2), eps);
    v128.store(p + i, f32x4.sub(v128.load(p + i), f32x4.div(f32x4.mul(step, mi), den)));
  }
  for (; i < nb; i += 4) {
    const gi = load<f32>(g + i);
    const mi = <f32>0.9 * load<f32>(m + i) + <f32>0.1 * gi;
    const vi = <f32>0.999 * load<f32>(v + i) + <f32>0.001 * gi * gi;
    store<f32>(m + i, mi);
    store<f32>(v + i, vi);
    store<f32>(p + i, load<f32>(p + i) - ((lr / c1) * mi) / (sqrt<f32>(vi) * (<f32>1 / c2) + <f32>1e-8));
  }
}

/** adamUpdate on floats i0 ≤ i < i1, lr, c1, c2 as float32 bits (a share for one of several threads). */
export function adamUpdateRange(p: usize, g: usize, m: usize, v: usize, i0: i32, i1: i32, lrBits: i32, c1Bits: i32, c2Bits: i32): void {
  const o = (<usize>i0) << 2;
  adamUpdate(p + o, g + o, m + o, v + o, i1 - i0, reinterpret<f32>(lrBits), reinterpret<f32>(c1Bits), reinterpret<f32>(c2Bits));
}
