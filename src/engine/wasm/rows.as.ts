// @ts-nocheck — this is AssemblyScript, not TypeScript: `node scripts/build-wasm.mjs` compiles it
// together with kernels.as.ts and cells.as.ts. tsc only has to parse it.
//
// Row kernels: the other loops of a training step that touch every element of a window
// (T·B rows): one-hot input rows, bias gradients, the softmax. References in TypeScript:
// layer.ts (gather / scatter), cells/cell.ts (sumRows), network.ts (loss).

import { vexp } from './math.as';

/** db[j] += Σ_i d[i·n + j]  (bias gradients over a window). */
export function sumRows(db: usize, d: usize, m: i32, n: i32): void {
  sumRowsLd(db, d, m, n, n);
}

/** db[j] += Σ_i d[i·ld + j] for j < n (a share of the columns of a wider d). */
export function sumRowsLd(db: usize, d: usize, m: i32, n: i32, ld: i32): void {
  const nb = <usize>n << 2, n4 = <usize>(n & ~3) << 2, lb = <usize>ld << 2;
  let j: usize = 0;
  for (; j + 64 <= n4; j += 64) { // 16 columns at a time, four accumulators
    let s0 = v128.load(db + j), s1 = v128.load(db + j, 16), s2 = v128.load(db + j, 32), s3 = v128.load(db + j, 48);
    let p = d + j;
    for (let i = 0; i < m; i++) {
      s0 = f32x4.add(s0, v128.load(p)); s1 = f32x4.add(s1, v128.load(p, 16));
      s2 = f32x4.add(s2, v128.load(p, 32)); s3 = f32x4.add(s3, v128.load(p, 48));
      p += lb;
    }
    v128.store(db + j, s0); v128.store(db + j, s1, 16); v128.store(db + j, s2, 32); v128.store(db + j, s3, 48);
  }
  for (; j < n4; j += 16) {
    let s = v128.load(db + j), p = d + j;
    for (let i = 0; i < m; i++) { s = f32x4.add(s, v128.load(p)); p += lb; }
    v128.store(db + j, s);
  }
  for (; j < nb; j += 4) {
    let s = load<f32>(db + j), p = d + j;
    for (let i = 0; i < m; i++) { s += load<f32>(p); p += lb; }
    store<f32>(db + j, s);
  }
}

/** dst[r·n + j] = bias[j] + table[ids[r]·n + j]; ids[r] < 0: bias alone (one-hot input: x<t> = e_ids[r]). */
export function gatherRows(dst: usize, table: usize, bias: usize, ids: usize, rows: i32, n: i32): void {
  const nb = <usize>n << 2, n4 = <usize>(n & ~3) << 2;
  for (let r = 0; r < rows; r++) {
    const id = load<i32>(ids + (<usize>r << 2)), d = dst + <usize>r * nb;
    if (id < 0) { memory.copy(d, bias, nb); continue; }
    const s = table + <usize>id * nb;
    let j: usize = 0;
    for (; j < n4; j += 16) v128.store(d + j, f32x4.add(v128.load(bias + j), v128.load(s + j)));
    for (; j < nb; j += 4) store<f32>(d + j, load<f32>(bias + j) + load<f32>(s + j));
  }
}

/** table[ids[r]·n + j] += src[r·n + j] for ids[r] ≥ 0 (the gradient of gatherRows' table). */
export function scatterAddRows(table: usize, src: usize, ids: usize, rows: i32, n: i32): void {
  const nb = <usize>n << 2, n4 = <usize>(n & ~3) << 2;
  for (let r = 0; r < rows; r++) {
    const id = load<i32>(ids + (<usize>r << 2));
    if (id < 0) continue;
    const d = table + <usize>id * nb, s = src + <usize>r * nb;
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
  const nb = <usize>n << 2, n4 = <usize>(n & ~3) << 2;
  for (let r = 0; r < rows; r++) {
    const row = p + <usize>r * nb, grow = g + <usize>r * nb;
    let mv = f32x4.splat(-Infinity), j: usize = 0;
    for (; j < n4; j += 16) mv = f32x4.max(mv, v128.load(row + j));
    let m = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    for (; j < nb; j += 4) m = max(m, load<f32>(row + j));
    const ms = f32x4.splat(m);
    let sv = f32x4.splat(0);
    for (j = 0; j < n4; j += 16) { const e = vexp(f32x4.sub(v128.load(row + j), ms)); v128.store(row + j, e); sv = f32x4.add(sv, e); }
    let s = f32x4.extract_lane(sv, 0) + f32x4.extract_lane(sv, 1) + f32x4.extract_lane(sv, 2) + f32x4.extract_lane(sv, 3);
    for (; j < nb; j += 4) { const e = f32x4.extract_lane(vexp(f32x4.splat(load<f32>(row + j) - m)), 0); store<f32>(row + j, e); s += e; }
    const inv = f32x4.splat(<f32>1 / s), sc = f32x4.splat(scale);
    for (j = 0; j < n4; j += 16) { const q = f32x4.mul(v128.load(row + j), inv); v128.store(row + j, q); v128.store(grow + j, f32x4.mul(q, sc)); }
    for (; j < nb; j += 4) { const q = load<f32>(row + j) * (<f32>1 / s); store<f32>(row + j, q); store<f32>(grow + j, q * scale); }
  }
}
