// AssemblyScript, compiled with kernels.ts by `npm run build:wasm` (scripts/build-wasm.mjs).
//
// Whole-window recurrent cells: the same equations as src/engine/cells/{lstm,gru,rnn}.ts (which
// stay the reference and document them), with every step's matrix product and its gates in one
// call: no crossing into JavaScript per step, the gates four lanes at a time (f32x4), σ and tanh
// by fast, accurate approximations (math.ts) instead of Math.exp / Math.tanh.
//
// Layout as in the TypeScript cells: time-major, index ((t·B) + b)·F + f; arguments are byte
// addresses in the memory ../backend.ts owns; H need not be a multiple of 4 (a tail of single lanes).
//
// Each kernel runs the streams b0 ≤ b < b1 of the B in the window: streams never mix within a
// cell, so two threads can run two shares at once on the same arrays, and every number comes out
// exactly as from one call over all B (each row's sums are done in the same order either way).
// The weight gradients, which do sum over streams, are left to windowGrads (shared by gate rows).

import { gemmNNPacked, gemmNT, gemmTNRows } from './kernels';
import { sumRowsLd } from './rows';
import { vexp, vsigmoid, vtanh } from './math';

/** σ, tanh and exp of `n` floats at x into y (for tests: the approximations on their own). */
export function mathKernel(which: i32, y: usize, x: usize, n: i32): void {
  for (let i: usize = 0; i < (<usize>n << 2); i += 4) {
    const v = v128.load32_splat(x + i);
    v128.store32_lane(y + i, which == 0 ? vsigmoid(v) : which == 1 ? vtanh(v) : vexp(v), 0);
  }
}

// Lanes: W = v128 (four floats) in the main loops, W = f32 (one float, lane 0) in the tails.
@inline function ld<W>(p: usize): v128 {
  if (sizeof<W>() == 16) return v128.load(p);
  return v128.load32_splat(p);
}
@inline function st<W>(p: usize, v: v128): void {
  if (sizeof<W>() == 16) v128.store(p, v);
  else v128.store32_lane(p, v, 0);
}
@inline function one(): v128 { return f32x4.splat(1); }
@inline function mul(a: v128, b: v128): v128 { return f32x4.mul(a, b); }
@inline function add(a: v128, b: v128): v128 { return f32x4.add(a, b); }
@inline function sub(a: v128, b: v128): v128 { return f32x4.sub(a, b); }

/** dst[r·n + j] = src[r·n + j] + bias[j] for r < rows (both rows of n floats). */
function addBiasRows(dst: usize, src: usize, bias: usize, rows: i32, n: i32): void {
  const nb = <usize>n << 2, n4 = <usize>(n & ~3) << 2;
  for (let r = 0; r < rows; r++) {
    const d = dst + <usize>r * nb, s = src + <usize>r * nb;
    let j: usize = 0;
    for (; j < n4; j += 16) v128.store(d + j, f32x4.add(v128.load(s + j), v128.load(bias + j)));
    for (; j < nb; j += 4) store<f32>(d + j, load<f32>(s + j) + load<f32>(bias + j));
  }
}

/** v[0..n) = 0 */
function zero(v: usize, n: i32): void {
  memory.fill(v, 0, <usize>n << 2);
}

// ---- LSTM -------------------------------------------------------------------------------------
// gates block per (t, b): [Γu | Γf | c̃ | Γo], H each (PyTorch i, f, g, o).

@inline function lstmFwdLanes<W>(g: usize, cPrev: usize, cNext: usize, tcOut: usize, hNext: usize, H4: usize): void {
  // g holds the pre-activations on entry, the activated gates on exit.
  const u = vsigmoid(ld<W>(g));                       // Γu
  const f = vsigmoid(ld<W>(g + H4));                  // Γf
  const cc = vtanh(ld<W>(g + 2 * H4));                // c̃<t>
  const o = vsigmoid(ld<W>(g + 3 * H4));              // Γo
  st<W>(g, u); st<W>(g + H4, f); st<W>(g + 2 * H4, cc); st<W>(g + 3 * H4, o);
  const c = add(mul(u, cc), mul(f, ld<W>(cPrev)));    // c<t> = Γu*c̃<t> + Γf*c<t-1>
  const tc = vtanh(c);
  st<W>(cNext, c); st<W>(tcOut, tc);
  st<W>(hNext, mul(o, tc));                           // a<t> = Γo*tanh(c<t>)
}

/**
 * Forward over T steps. h, c: [(T+1)·B·H] with a<0>, c<0> in block 0; gates: [T·B·4H];
 * extra: [T·B·H] receives tanh(c<t>); xw: [T·B·4H] = W_ih·x<t> + b_ih.
 */
export function lstmForward(whh: usize, bhh: usize, h: usize, c: usize, gates: usize, extra: usize, xw: usize, T: i32, B: i32, H: i32, b0: i32, b1: i32): void {
  const G = 4 * H, BH = <usize>(B * H) << 2, BG = <usize>(B * G) << 2, H4 = <usize>H << 2, Hv = <usize>(H & ~3) << 2;
  const G4 = <usize>G << 2, r0 = <usize>b0, nb = b1 - b0;
  for (let t = 0; t < T; t++) {
    const gt = gates + <usize>t * BG, ht = h + <usize>t * BH, ct = c + <usize>t * BH, et = extra + <usize>t * BH;
    // gates<t> = xw<t> + b_hh + W_hh·a<t-1>  (the pre-activations, activated in place below)
    addBiasRows(gt + r0 * G4, xw + <usize>t * BG + r0 * G4, bhh, nb, G);
    gemmNT(gt + r0 * G4, ht + r0 * H4, whh, nb, G, H);
    for (let b = b0; b < b1; b++) {
      const g = gt + <usize>b * (H4 << 2), o = <usize>b * H4;
      let j: usize = 0;
      for (; j < Hv; j += 16) lstmFwdLanes<v128>(g + j, ct + o + j, ct + BH + o + j, et + o + j, ht + BH + o + j, H4);
      for (; j < H4; j += 4) lstmFwdLanes<f32>(g + j, ct + o + j, ct + BH + o + j, et + o + j, ht + BH + o + j, H4);
    }
  }
}

@inline function lstmBwdLanes<W>(g: usize, dp: usize, tc_: usize, cPrev: usize, dh: usize, dhs: usize, dc: usize, H4: usize): void {
  const u = ld<W>(g), f = ld<W>(g + H4), cc = ld<W>(g + 2 * H4), o = ld<W>(g + 3 * H4);
  const tc = ld<W>(tc_), d = add(ld<W>(dh), ld<W>(dhs));                    // ∂L/∂a<t>
  const dcj = add(ld<W>(dc), mul(mul(d, o), sub(one(), mul(tc, tc))));      // ∂L/∂c<t>
  st<W>(dp, mul(mul(dcj, cc), mul(u, sub(one(), u))));                      // through Γu
  st<W>(dp + H4, mul(mul(dcj, ld<W>(cPrev)), mul(f, sub(one(), f))));       // through Γf
  st<W>(dp + 2 * H4, mul(mul(dcj, u), sub(one(), mul(cc, cc))));            // through c̃<t>
  st<W>(dp + 3 * H4, mul(mul(d, tc), mul(o, sub(one(), o))));               // through Γo
  st<W>(dc, mul(dcj, f));                                                   // ∂L/∂c<t-1>
}

/**
 * Backward over T steps (see lstm.ts): dhs [T·B·H] arriving from above; dpre [T·B·4H] receives
 * ∂L/∂(pre-activations); dh, dc [B·H] end as ∂L/∂a<0>, ∂L/∂c<0>. Then windowGrads.
 * W_hh comes packed by packAllB (once per window, shared by the threads' shares); so in the GRU
 * and RNN backward.
 */
export function lstmBackward(whhPacked: usize, h: usize, c: usize, gates: usize, extra: usize, dhs: usize,
  dh: usize, dc: usize, dpre: usize, T: i32, B: i32, H: i32, b0: i32, b1: i32, scratch: usize): void {
  const G = 4 * H, BH = <usize>(B * H) << 2, BG = <usize>(B * G) << 2, H4 = <usize>H << 2, Hv = <usize>(H & ~3) << 2;
  const G4 = <usize>G << 2, r0 = <usize>b0, nb = b1 - b0;
  zero(dh + r0 * H4, nb * H); zero(dc + r0 * H4, nb * H);
  for (let t = T - 1; t >= 0; t--) {
    const gt = gates + <usize>t * BG, dpt = dpre + <usize>t * BG, off = <usize>t * BH;
    for (let b = b0; b < b1; b++) {
      const g = gt + <usize>b * (H4 << 2), dp = dpt + <usize>b * (H4 << 2), o = <usize>b * H4;
      let j: usize = 0;
      for (; j < Hv; j += 16) lstmBwdLanes<v128>(g + j, dp + j, extra + off + o + j, c + off + o + j, dh + o + j, dhs + off + o + j, dc + o + j, H4);
      for (; j < H4; j += 4) lstmBwdLanes<f32>(g + j, dp + j, extra + off + o + j, c + off + o + j, dh + o + j, dhs + off + o + j, dc + o + j, H4);
    }
    // ∂L/∂a<t-1> = W_hhᵀ·dpre<t>
    zero(dh + r0 * H4, nb * H);
    gemmNNPacked(dh + r0 * H4, dpt + r0 * G4, whhPacked, nb, H, G, scratch);
  }
}

/**
 * The weight gradients of a window, gate rows m0 ≤ i < m1 of G:
 *   dW_hh[i, :] += Σ_t,b dpre<t>[b, i]·a<t-1>[b, :],   db_hh[i] += Σ_t,b dpre<t>[b, i]
 * (dpre: [TB·G], h: a<0…T-1> as [TB·H]). Two threads take two shares of the rows.
 */
export function windowGrads(dwhh: usize, dbhh: usize, dpre: usize, h: usize, G: i32, H: i32, TB: i32, m0: i32, m1: i32, scratch: usize): void {
  gemmTNRows(dwhh, dpre, h, G, H, TB, m0, m1, scratch);
  sumRowsLd(dbhh + (<usize>m0 << 2), dpre + (<usize>m0 << 2), TB, m1 - m0, G);
}

// ---- GRU (PyTorch form, reset after the recurrent product; see gru.ts) ------------------------
// gates block per (t, b): [Γr | z | n], H each; extra keeps W_hn·a<t-1> + b_hn.

@inline function gruFwdLanes<W>(x: usize, p: usize, g: usize, hn_: usize, hPrev: usize, hNext: usize, H4: usize): void {
  const r = vsigmoid(add(ld<W>(x), ld<W>(p)));
  const z = vsigmoid(add(ld<W>(x + H4), ld<W>(p + H4)));
  const hn = ld<W>(p + 2 * H4);
  const n = vtanh(add(ld<W>(x + 2 * H4), mul(r, hn)));
  st<W>(g, r); st<W>(g + H4, z); st<W>(g + 2 * H4, n);
  st<W>(hn_, hn);
  st<W>(hNext, add(mul(sub(one(), z), n), mul(z, ld<W>(hPrev))));     // h' = (1−z)*n + z*h
}

/** Forward over T steps; pre: [B·3H] scratch for W_hh·a<t-1> + b_hh. */
export function gruForward(whh: usize, bhh: usize, h: usize, gates: usize, extra: usize, xw: usize, pre: usize, T: i32, B: i32, H: i32, b0: i32, b1: i32): void {
  const G = 3 * H, BH = <usize>(B * H) << 2, BG = <usize>(B * G) << 2, H4 = <usize>H << 2, Hv = <usize>(H & ~3) << 2;
  const G4 = <usize>G << 2, r0 = <usize>b0, nb = b1 - b0;
  for (let t = 0; t < T; t++) {
    const ht = h + <usize>t * BH, et = extra + <usize>t * BH;
    for (let b = b0; b < b1; b++) memory.copy(pre + <usize>b * G4, bhh, G4);
    gemmNT(pre + r0 * G4, ht + r0 * H4, whh, nb, G, H);
    for (let b = b0; b < b1; b++) {
      const row = <usize>b * (<usize>G << 2), x = xw + <usize>t * BG + row, g = gates + <usize>t * BG + row, p = pre + row, o = <usize>b * H4;
      let j: usize = 0;
      for (; j < Hv; j += 16) gruFwdLanes<v128>(x + j, p + j, g + j, et + o + j, ht + o + j, ht + BH + o + j, H4);
      for (; j < H4; j += 4) gruFwdLanes<f32>(x + j, p + j, g + j, et + o + j, ht + o + j, ht + BH + o + j, H4);
    }
  }
}

@inline function gruBwdLanes<W>(g: usize, dx: usize, dhh: usize, hn_: usize, hPrev: usize, dh: usize, dhs: usize, H4: usize): void {
  const r = ld<W>(g), z = ld<W>(g + H4), n = ld<W>(g + 2 * H4);
  const d = add(ld<W>(dh), ld<W>(dhs));
  const dn = mul(mul(d, sub(one(), z)), sub(one(), mul(n, n)));            // ∂L/∂(n pre-activation)
  const dr = mul(mul(dn, ld<W>(hn_)), mul(r, sub(one(), r)));
  const dz = mul(mul(d, sub(ld<W>(hPrev), n)), mul(z, sub(one(), z)));
  st<W>(dx, dr); st<W>(dx + H4, dz); st<W>(dx + 2 * H4, dn);
  st<W>(dhh, dr); st<W>(dhh + H4, dz); st<W>(dhh + 2 * H4, mul(dn, r));
  st<W>(dh, mul(d, z));                                                    // a<t-1> kept through z
}

/** Backward over T steps: dxw, dhh [T·B·3H]; dh [B·H] ends as ∂L/∂a<0>. Then windowGrads on dhh. */
export function gruBackward(whhPacked: usize, h: usize, gates: usize, extra: usize, dhs: usize,
  dh: usize, dxw: usize, dhh: usize, T: i32, B: i32, H: i32, b0: i32, b1: i32, scratch: usize): void {
  const G = 3 * H, BH = <usize>(B * H) << 2, BG = <usize>(B * G) << 2, H4 = <usize>H << 2, Hv = <usize>(H & ~3) << 2;
  const G4 = <usize>G << 2, r0 = <usize>b0, nb = b1 - b0;
  zero(dh + r0 * H4, nb * H);
  for (let t = T - 1; t >= 0; t--) {
    const off = <usize>t * BH;
    for (let b = b0; b < b1; b++) {
      const row = <usize>t * BG + <usize>b * (<usize>G << 2), o = <usize>b * H4;
      let j: usize = 0;
      for (; j < Hv; j += 16) gruBwdLanes<v128>(gates + row + j, dxw + row + j, dhh + row + j, extra + off + o + j, h + off + o + j, dh + o + j, dhs + off + o + j, H4);
      for (; j < H4; j += 4) gruBwdLanes<f32>(gates + row + j, dxw + row + j, dhh + row + j, extra + off + o + j, h + off + o + j, dh + o + j, dhs + off + o + j, H4);
    }
    gemmNNPacked(dh + r0 * H4, dhh + <usize>t * BG + r0 * G4, whhPacked, nb, H, G, scratch);
  }
}

// ---- basic RNN: a<t> = tanh(Waa·a<t-1> + Wax·x<t> + ba) --------------------------------------

export function rnnForward(whh: usize, bhh: usize, h: usize, xw: usize, T: i32, B: i32, H: i32, b0: i32, b1: i32): void {
  const BH = <usize>(B * H) << 2, r0 = <usize>b0 * (<usize>H << 2), n = (b1 - b0) * H, n4 = <usize>(n & ~3) << 2, nb = <usize>n << 2;
  for (let t = 0; t < T; t++) {
    const next = h + <usize>(t + 1) * BH + r0;
    addBiasRows(next, xw + <usize>t * BH + r0, bhh, b1 - b0, H);
    gemmNT(next, h + <usize>t * BH + r0, whh, b1 - b0, H, H);
    let i: usize = 0;
    for (; i < n4; i += 16) st<v128>(next + i, vtanh(ld<v128>(next + i)));  // a<t>
    for (; i < nb; i += 4) st<f32>(next + i, vtanh(ld<f32>(next + i)));
  }
}

@inline function rnnBwdLanes<W>(a: usize, dh: usize, dhs: usize, dp: usize): void {
  const at = ld<W>(a);
  st<W>(dp, mul(add(ld<W>(dh), ld<W>(dhs)), sub(one(), mul(at, at))));    // ∂L/∂a<t> · (1 − a<t>²)
}

export function rnnBackward(whhPacked: usize, h: usize, dhs: usize, dh: usize, dpre: usize, T: i32, B: i32, H: i32, b0: i32, b1: i32, scratch: usize): void {
  const BH = <usize>(B * H) << 2, r0 = <usize>b0 * (<usize>H << 2), n = (b1 - b0) * H, n4 = <usize>(n & ~3) << 2, nb = <usize>n << 2;
  dh += r0; dhs += r0; dpre += r0; h += r0;
  zero(dh, n);
  for (let t = T - 1; t >= 0; t--) {
    const off = <usize>t * BH;
    let i: usize = 0;
    for (; i < n4; i += 16) rnnBwdLanes<v128>(h + BH + off + i, dh + i, dhs + off + i, dpre + off + i);
    for (; i < nb; i += 4) rnnBwdLanes<f32>(h + BH + off + i, dh + i, dhs + off + i, dpre + off + i);
    zero(dh, n);
    gemmNNPacked(dh, dpre + off, whhPacked, b1 - b0, H, H, scratch); // ∂L/∂a<t-1> = Waaᵀ·dpre
  }
}
