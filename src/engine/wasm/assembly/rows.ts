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

/** table[ids[r]·n + j] += src[r·n + j] for ids[r] ≥ 0 (the gradient of gatherRows' table). */
export function scatterAddRows(table: usize, src: usize, ids: usize, rows: i32, n: i32): void {
  const nb = (<usize>n) << 2,
    n4 = (<usize>(n & ~3)) << 2;
  for (let r = 0; r < rows; r++) {
    const id = load<i32>(ids + ((<usize>r) << 2));
    if (id < 0) continue;
    const d = table + <usize>id * nb,
      s = src + <usize>r * nb;
    let j: usize = 0;
    for (; j < n4; j += 16) v128.store(d + j, f32x4.add(v128.load(d + j), v128.load(s + j)));
    for (; j < nb; j += 4) store<f32>(d + j, load<f32>(d + j) + load<f32>(s + j));
  }
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
export function adamUpdate(p: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, c1: f32, c2: f32): void {
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
