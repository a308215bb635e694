// AssemblyScript (this folder's tsconfig.json; type-checked and compiled by `npm run build:wasm`, which
// embeds the WebAssembly (SIMD f32x4) in ../kernels.wasm.ts).
//
// Float32 matrix kernels on a memory the JavaScript side owns (see ../backend.ts). Every argument
// is a byte address in that memory; every matrix is row-major; every kernel accumulates (C += …):
//
//   gemmNT  C[M,N] += A[M,K] · B[N,K]ᵀ   dot-product form: 2×4 tiles of dot products along K
//   gemmNN  C[M,N] += A[M,K] · B[K,N]    broadcast form on packed panels (gemmPacked)
//   gemmTN  C[M,N] += A[K,M]ᵀ · B[K,N]   the same, A read down its columns
//
// Built twice: plain SIMD (f32x4 mul + add) and relaxed SIMD (fused multiply-add where the CPU
// has it); ASC_FEATURE_RELAXED_SIMD picks the instruction at compile time.

// ---- shared pieces ---------------------------------------------------------------------------

/** c + a·b, four lanes. */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** [Σ lanes of s0, Σ s1, Σ s2, Σ s3]: four horizontal sums as one vector. */
@inline function hsum4(s0: v128, s1: v128, s2: v128, s3: v128): v128 {
  const t0 = f32x4.add(v128.shuffle<f32>(s0, s1, 0, 4, 1, 5), v128.shuffle<f32>(s0, s1, 2, 6, 3, 7));
  const t1 = f32x4.add(v128.shuffle<f32>(s2, s3, 0, 4, 1, 5), v128.shuffle<f32>(s2, s3, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
}

/** Σ lanes of s. */
@inline function hsum(s: v128): f32 {
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

// ---- gemmNT: dot products ---------------------------------------------------------------------

const NT_MB: i32 = 32; // rows of A kept in cache while 4 rows of B at a time sweep past them

/** C[i, j..j+3] and C[i+1, j..j+3] += dot products of A rows i, i+1 with B rows j..j+3. */
function nt2x4(c0: usize, c1: usize, a0: usize, a1: usize, b0: usize, ldb: usize, K: i32): void {
  const b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
  let s00 = f32x4.splat(0), s01 = s00, s02 = s00, s03 = s00;
  let s10 = s00, s11 = s00, s12 = s00, s13 = s00;
  const K4 = <usize>(K & ~3) << 2;
  for (let k: usize = 0; k < K4; k += 16) {
    const x0 = v128.load(a0 + k), x1 = v128.load(a1 + k);
    let y = v128.load(b0 + k); s00 = madd(x0, y, s00); s10 = madd(x1, y, s10);
    y = v128.load(b1 + k); s01 = madd(x0, y, s01); s11 = madd(x1, y, s11);
    y = v128.load(b2 + k); s02 = madd(x0, y, s02); s12 = madd(x1, y, s12);
    y = v128.load(b3 + k); s03 = madd(x0, y, s03); s13 = madd(x1, y, s13);
  }
  let r0 = hsum4(s00, s01, s02, s03), r1 = hsum4(s10, s11, s12, s13);
  for (let k: usize = K4; k < (<usize>K << 2); k += 4) { // K mod 4 leftover columns
    const y = f32x4(load<f32>(b0 + k), load<f32>(b1 + k), load<f32>(b2 + k), load<f32>(b3 + k));
    r0 = madd(v128.load32_splat(a0 + k), y, r0);
    r1 = madd(v128.load32_splat(a1 + k), y, r1);
  }
  v128.store(c0, f32x4.add(v128.load(c0), r0));
  v128.store(c1, f32x4.add(v128.load(c1), r1));
}

/** C[i, j..j+3] += dot products of A row i with B rows j..j+3 (the odd last row of A). */
function nt1x4(c0: usize, a0: usize, b0: usize, ldb: usize, K: i32): void {
  const b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
  let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
  const K4 = <usize>(K & ~3) << 2;
  for (let k: usize = 0; k < K4; k += 16) {
    const x = v128.load(a0 + k);
    s0 = madd(x, v128.load(b0 + k), s0); s1 = madd(x, v128.load(b1 + k), s1);
    s2 = madd(x, v128.load(b2 + k), s2); s3 = madd(x, v128.load(b3 + k), s3);
  }
  let r = hsum4(s0, s1, s2, s3);
  for (let k: usize = K4; k < (<usize>K << 2); k += 4) {
    const y = f32x4(load<f32>(b0 + k), load<f32>(b1 + k), load<f32>(b2 + k), load<f32>(b3 + k));
    r = madd(v128.load32_splat(a0 + k), y, r);
  }
  v128.store(c0, f32x4.add(v128.load(c0), r));
}

/** C[i, j] += dot product of A row i with B row j (the last N mod 4 columns of C). */
function nt1x1(c: usize, a: usize, b: usize, K: i32): void {
  let s = f32x4.splat(0);
  const K4 = <usize>(K & ~3) << 2;
  for (let k: usize = 0; k < K4; k += 16) s = madd(v128.load(a + k), v128.load(b + k), s);
  let r = hsum(s);
  for (let k: usize = K4; k < (<usize>K << 2); k += 4) r += load<f32>(a + k) * load<f32>(b + k);
  store<f32>(c, load<f32>(c) + r);
}

/** C[M,N] += A[M,K] · B[N,K]ᵀ. */
export function gemmNT(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32): void {
  const ldc = <usize>N << 2, ld = <usize>K << 2;
  for (let i0 = 0; i0 < M; i0 += NT_MB) {
    const i1 = min(i0 + NT_MB, M);
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      const b = B + <usize>j * ld;
      let i = i0;
      for (; i + 2 <= i1; i += 2) {
        const c = C + <usize>i * ldc + (<usize>j << 2), a = A + <usize>i * ld;
        nt2x4(c, c + ldc, a, a + ld, b, ld, K);
      }
      if (i < i1) nt1x4(C + <usize>i * ldc + (<usize>j << 2), A + <usize>i * ld, b, ld, K);
    }
    for (; j < N; j++) {
      for (let i = i0; i < i1; i++) nt1x1(C + <usize>i * ldc + (<usize>j << 2), A + <usize>i * ld, B + <usize>j * ld, K);
    }
  }
}

// ---- gemmNN / gemmTN: broadcast form on packed panels ----------------------------------------
//
// Â(i,k) = A[i·ars + k·aks] and B̂(k,j) = B[k·N + j]; C += Â·B̂ in blocks of KC along K:
//   pack B̂[k-block, all N] into strips of NR = 8 columns, each strip contiguous (kc × 8)
//   pack Â[MC rows, k-block] into panels of MR = 4 rows, each panel contiguous (kc × 4)
//   for each strip, for each panel: a 4×8 tile of C (8 f32x4 accumulators) += panel · strip,
//   one step per k: two loads of B, four load32_splat broadcasts of A, eight multiply-adds.
// Ragged edges are packed with zeros and computed through a 4×8 scratch tile.

const MR: i32 = 4, NR: i32 = 8, KC: i32 = 256, MC: i32 = 64;

/** Bytes of scratch gemmPacked needs for N columns (../backend.ts reserves it). */
export function scratchBytes(N: i32): i32 {
  const Np = (N + NR - 1) & ~(NR - 1);
  return (KC * Np + MC * KC + MR * NR) << 2;
}

/** The 4×8 tile at c (row stride ldc bytes) += Ap (kc × 4) · Bp (kc × 8). */
function micro4x8(c: usize, ldc: usize, ap: usize, bp: usize, kc: i32): void {
  const c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
  let c00 = v128.load(c), c01 = v128.load(c, 16);
  let c10 = v128.load(c1), c11 = v128.load(c1, 16);
  let c20 = v128.load(c2), c21 = v128.load(c2, 16);
  let c30 = v128.load(c3), c31 = v128.load(c3, 16);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap); c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4); c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8); c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12); c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    ap += 16; bp += 32;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c1, c10); v128.store(c1, c11, 16);
  v128.store(c2, c20); v128.store(c2, c21, 16);
  v128.store(c3, c30); v128.store(c3, c31, 16);
}

/** Bp ← B̂[k0..k0+kc, 0..N] as strips of 8 columns (zero-padded past N). */
function packB(bp: usize, B: usize, N: i32, k0: i32, kc: i32): void {
  const ldb = <usize>N << 2;
  for (let j = 0; j < N; j += NR) {
    let src = B + <usize>k0 * ldb + (<usize>j << 2);
    if (j + NR <= N) {
      for (let k = 0; k < kc; k++) {
        v128.store(bp, v128.load(src)); v128.store(bp, v128.load(src, 16), 16);
        src += ldb; bp += 32;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let jj = 0; jj < NR; jj++) store<f32>(bp + (<usize>jj << 2), j + jj < N ? load<f32>(src + (<usize>jj << 2)) : 0);
        src += ldb; bp += 32;
      }
    }
  }
}

/** Ap ← Â[i0..i1, k0..k0+kc] as panels of 4 rows (zero-padded past i1). */
function packA(ap: usize, A: usize, ars: usize, aks: usize, i0: i32, i1: i32, k0: i32, kc: i32): void {
  for (let i = i0; i < i1; i += MR) {
    const full = i + MR <= i1;
    let src = A + <usize>i * ars + <usize>k0 * aks;
    if (full && ars == 4) { // TN: the 4 values of a panel row are adjacent
      for (let k = 0; k < kc; k++) { v128.store(ap, v128.load(src)); src += aks; ap += 16; }
    } else if (full) {       // NN: gather down 4 rows
      for (let k = 0; k < kc; k++) {
        v128.store(ap, f32x4(load<f32>(src), load<f32>(src + ars), load<f32>(src + 2 * ars), load<f32>(src + 3 * ars)));
        src += aks; ap += 16;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let r = 0; r < MR; r++) store<f32>(ap + (<usize>r << 2), i + r < i1 ? load<f32>(src + <usize>r * ars) : 0);
        src += aks; ap += 16;
      }
    }
  }
}

/** C[M,N] += Â·B̂ with Â(i,k) = A[i·ars + k·aks] (strides in bytes), B̂ = B[K,N] row-major. */
function gemmPacked(C: usize, A: usize, ars: usize, aks: usize, B: usize, M: i32, N: i32, K: i32, scratch: usize, packedB: usize = 0): void {
  const Np = (N + NR - 1) & ~(NR - 1), ldc = <usize>N << 2;
  const ap = scratch + (<usize>(KC * Np) << 2), tile = ap + (<usize>(MC * KC) << 2);
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    let bp = scratch;
    if (packedB) bp = packedB + (<usize>(k0 * Np) << 2); // packed once by packAllB
    else packB(bp, B, N, k0, kc);
    for (let i0 = 0; i0 < M; i0 += MC) {
      const i1 = min(i0 + MC, M);
      packA(ap, A, ars, aks, i0, i1, k0, kc);
      for (let j = 0; j < N; j += NR) {
        const strip = bp + (<usize>(j * kc) << 2);
        for (let i = i0; i < i1; i += MR) {
          const panel = ap + (<usize>((i - i0) * kc) << 2);
          const c = C + <usize>i * ldc + (<usize>j << 2);
          if (i + MR <= i1 && j + NR <= N) {
            micro4x8(c, ldc, panel, strip, kc);
          } else { // ragged edge: through the scratch tile
            const mr = min(MR, i1 - i), nr = min(NR, N - j);
            for (let r = 0; r < MR; r++) for (let q = 0; q < NR; q++) {
              store<f32>(tile + (<usize>(r * NR + q) << 2), r < mr && q < nr ? load<f32>(c + <usize>r * ldc + (<usize>q << 2)) : 0);
            }
            micro4x8(tile, <usize>NR << 2, panel, strip, kc);
            for (let r = 0; r < mr; r++) for (let q = 0; q < nr; q++) {
              store<f32>(c + <usize>r * ldc + (<usize>q << 2), load<f32>(tile + (<usize>(r * NR + q) << 2)));
            }
          }
        }
      }
    }
  }
}

/** C[M,N] += A[M,K] · B[K,N]. scratch: scratchBytes(N) bytes. */
export function gemmNN(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32, scratch: usize): void {
  gemmPacked(C, A, <usize>K << 2, 4, B, M, N, K, scratch);
}

/** Bytes of a whole B[K,N] packed by packAllB. */
export function packedBytes(K: i32, N: i32): i32 {
  return (K * ((N + NR - 1) & ~(NR - 1))) << 2;
}

/**
 * Packs all of B[K,N] (block after block of KC rows, as gemmPacked packs one block) so that a
 * B used by many products (W_hh, every step of a window) is packed once: see gemmNNPacked.
 */
export function packAllB(bp: usize, B: usize, N: i32, K: i32): void {
  const Np = (N + NR - 1) & ~(NR - 1);
  for (let k0 = 0; k0 < K; k0 += KC) packB(bp + (<usize>(k0 * Np) << 2), B, N, k0, min(KC, K - k0));
}

/** gemmNN with B already packed by packAllB (the same sums in the same order: the same C). */
export function gemmNNPacked(C: usize, A: usize, packedB: usize, M: i32, N: i32, K: i32, scratch: usize): void {
  gemmPacked(C, A, <usize>K << 2, 4, 0, M, N, K, scratch, packedB);
}

/** C[M,N] += A[K,M]ᵀ · B[K,N]. scratch: scratchBytes(N) bytes. */
export function gemmTN(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32, scratch: usize): void {
  gemmPacked(C, A, 4, <usize>M << 2, B, M, N, K, scratch);
}

/**
 * Rows m0 ≤ i < m1 of gemmTN's C: a share for one of several threads. Every element is summed as
 * gemmTN sums it (the same k blocks, in the same order), so the shares make up gemmTN exactly.
 */
export function gemmTNRows(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32, m0: i32, m1: i32, scratch: usize): void {
  gemmPacked(C + <usize>m0 * (<usize>N << 2), A + (<usize>m0 << 2), 4, <usize>M << 2, B, m1 - m0, N, K, scratch);
}
