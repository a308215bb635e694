// GFLOP/s of the matrix kernels on the shapes of LSTM training (T 64, batch 32, vocabulary 72):
// the TypeScript reference against the WebAssembly SIMD backend (mul + add, and fused
// multiply-add where relaxed SIMD is on), one thread, same run, each also as a fraction of the
// machine's 128-bit SIMD peak. Then whole windows of the LSTM cell (forward + backward: the
// backend's lstm ops): the TypeScript cell on the wasm matrix kernels, the fused wasm cell, and the
// fused cell on two threads (wall time: it uses two cores).
//
// The peak: 2 FMA ports × 4 lanes × 2 flops × clock, measured rather than looked up: a WebAssembly
// loop of 12 independent f32x4 fused multiply-adds on registers (no loads), compiled here by
// AssemblyScript, runs at that rate; its GFLOP/s / 16 is the clock it ran at.
// Usage: npm run bench:kernels -- [--hidden 256,512] [--seconds 1] [--cells-only]
// Timed in CPU seconds of this process, so other processes on the machine skew it less.

import { Backend } from '../src/engine/backend';
import { jsBackend } from '../src/engine/reference';
import { CellBuffers, CellWeights } from '../src/engine/types';
import {
  enableRelaxedSimd,
  relaxedSimdAvailable,
  WasmBackend,
  wasmAvailable,
  wasmBackend,
} from '../src/engine/wasm/backend';

enableRelaxedSimd(); // Node 20: relaxed SIMD is behind a flag

type Kernel = 'gemmNT' | 'gemmNN' | 'gemmTN';
interface Shape {
  what: string;
  kernel: Kernel;
  M: number;
  N: number;
  K: number;
  a: number;
  b: number;
}

function shapes(H: number, B = 32, T = 64, V = 72): Shape[] {
  const TB = T * B,
    G = 4 * H;
  const s = (what: string, kernel: Kernel, M: number, N: number, K: number): Shape => ({
    what,
    kernel,
    M,
    N,
    K,
    a: M * K,
    b: N * K,
  });
  return [
    s('forward step   h·Whhᵀ', 'gemmNT', B, G, H),
    s('backward step  dpre·Whh', 'gemmNN', B, H, G),
    s('window dWhh    dpreᵀ·h', 'gemmTN', G, H, TB),
    s('head forward   h·Wyᵀ', 'gemmNT', TB, V, H),
    s('head dWy       dYᵀ·h', 'gemmTN', V, H, TB),
    s('head backward  dY·Wy', 'gemmNN', TB, H, V),
  ];
}

/** Seconds of CPU this process has used: unlike the wall clock, it skips the time other processes hold the core. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * GFLOP/s of one kernel on one backend: warm-up first (V8 compiles WebAssembly with its baseline
 * compiler, then optimises hot functions), then 7 rounds of about `seconds` / 7 CPU time each.
 */
function gflops(k: Backend, sh: Shape, seconds: number): { median: number; best: number } {
  const A = k.alloc(sh.a),
    B = k.alloc(sh.b),
    C = k.alloc(sh.M * sh.N);
  for (let i = 0; i < A.length; i++) A[i] = Math.sin(i) * 0.5;
  for (let i = 0; i < B.length; i++) B[i] = Math.cos(i) * 0.5;
  const run = () => k[sh.kernel](C, A, B, sh.M, sh.N, sh.K);
  const flop = 2 * sh.M * sh.N * sh.K;
  let reps = 1;
  for (;;) {
    const t0 = cpuSeconds();
    for (let r = 0; r < reps; r++) run();
    const s = cpuSeconds() - t0;
    if (s > 0.05) {
      reps = Math.max(1, Math.round((reps * seconds) / 7 / s));
      break;
    }
    reps *= 2;
  }
  const rates: number[] = [];
  for (let round = 0; round < 7; round++) {
    const t0 = cpuSeconds();
    for (let r = 0; r < reps; r++) run();
    rates.push((flop * reps) / ((cpuSeconds() - t0) * 1e9));
  }
  rates.sort((x, y) => x - y);
  return { median: rates[3], best: rates[6] };
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** Milliseconds per LSTM window (forward + backward), median of 7 rounds, by `clock`. */
function cellWindow(k: Backend, H: number, seconds: number, clock: () => number, T = 64, B = 32): number {
  const G = 4 * H,
    TB = T * B,
    fill = (v: Float32Array | Float64Array, s: number) => {
      for (let i = 0; i < v.length; i++) v[i] = Math.sin(i * 0.37) * s;
      return v;
    };
  const w: CellWeights = {
    whh: fill(k.alloc(G * H), 0.1),
    bhh: fill(k.alloc(G), 0.1),
    dwhh: k.alloc(G * H),
    dbhh: k.alloc(G),
    peep: k.alloc(0),
    dpeep: k.alloc(0),
  };
  const s: CellBuffers = {
    h: k.alloc((T + 1) * B * H),
    c: k.alloc((T + 1) * B * H),
    gates: k.alloc(TB * G),
    extra: k.alloc(TB * H),
    dxw: k.alloc(TB * G),
    dhh: k.alloc(0),
    dh: k.alloc(B * H),
    dc: k.alloc(B * H),
    tmp: k.alloc(B * G),
  };
  const xw = fill(k.alloc(TB * G), 1),
    dhs = fill(k.alloc(TB * H), 0.01);
  const once = () => {
    k.cells.lstm.forward(w, s, xw, T, B, H);
    k.cells.lstm.backward(w, s, dhs, T, B, H);
  };
  once();
  let reps = 1;
  for (;;) {
    const t0 = clock();
    for (let r = 0; r < reps; r++) once();
    const e = clock() - t0;
    if (e > 0.05) {
      reps = Math.max(1, Math.round((reps * seconds) / 7 / e));
      break;
    }
    reps *= 2;
  }
  const ms: number[] = [];
  for (let round = 0; round < 7; round++) {
    const t0 = clock();
    for (let r = 0; r < reps; r++) once();
    ms.push(((clock() - t0) * 1000) / reps);
  }
  return ms.sort((a, b) => a - b)[3];
}

const wallSeconds = () => performance.now() / 1000;

/** Waits (synchronously) until a backend's helper threads are up. */
function awaitThreads(k: WasmBackend, n: number): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 2000 && k.threadsInUse() < n; i++) Atomics.wait(pause, 0, 0, 5);
}

const PEAK_SOURCE = `
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
/** n rounds of 12 independent multiply-adds on registers: 96 flops a round (x, y read from memory, so kept in registers, not constants). */
export function peak(n: i32, out: usize): void {
  const x = v128.load(out), y = v128.load(out, 16);
  let s0 = f32x4.splat(0), s1 = f32x4.splat(1), s2 = f32x4.splat(2), s3 = f32x4.splat(3);
  let s4 = f32x4.splat(4), s5 = f32x4.splat(5), s6 = f32x4.splat(6), s7 = f32x4.splat(7);
  let s8 = f32x4.splat(8), s9 = f32x4.splat(9), s10 = f32x4.splat(10), s11 = f32x4.splat(11);
  for (let i = 0; i < n; i++) {
    s0 = madd(s0, x, y); s1 = madd(s1, x, y); s2 = madd(s2, x, y); s3 = madd(s3, x, y);
    s4 = madd(s4, x, y); s5 = madd(s5, x, y); s6 = madd(s6, x, y); s7 = madd(s7, x, y);
    s8 = madd(s8, x, y); s9 = madd(s9, x, y); s10 = madd(s10, x, y); s11 = madd(s11, x, y);
  }
  const a = f32x4.add(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)), f32x4.add(f32x4.add(s4, s5), f32x4.add(s6, s7)));
  v128.store(out, f32x4.add(a, f32x4.add(f32x4.add(s8, s9), f32x4.add(s10, s11))), 32);
}
`;

/** GFLOP/s of the register-only multiply-add loop (fused where fma), best of 5 rounds of ~0.2 s CPU time. */
async function simdPeak(fma: boolean): Promise<number> {
  const asc = (await import('assemblyscript/asc')).default;
  const built = await asc.compileString(PEAK_SOURCE, {
    optimizeLevel: 3,
    runtime: 'stub',
    noAssert: true,
    importMemory: true,
    initialMemory: 1,
    enable: fma ? ['simd', 'relaxed-simd'] : ['simd'],
  });
  if (built.error || !built.binary) throw new Error(`compiling the peak loop: ${built.error?.message}`);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { peak } = new WebAssembly.Instance(new WebAssembly.Module(built.binary), { env: { memory, abort() {} } })
    .exports as { peak(n: number, out: number): void };
  const xy = new Float32Array(memory.buffer, 64, 8);
  xy.fill(0.999, 0, 4); // s ← 0.999·s + 0.0001 stays normal: no subnormal slow path
  xy.fill(0.0001, 4, 8);
  // Short calls first, for 1 s of wall time: V8 runs a call in the code it started with and swaps
  // in its optimised code between calls, once a background thread has compiled it (here behind the
  // AssemblyScript compiler's own large module): until then the relaxed-SIMD loop runs ~8× slower.
  for (let t0 = performance.now(); performance.now() - t0 < 1000;) peak(1 << 14, 64);
  let n = 1 << 16;
  for (let t0 = cpuSeconds(); cpuSeconds() - t0 < 0.05; n *= 2) peak(n, 64);
  let best = 0;
  for (let round = 0; round < 5; round++) {
    const t0 = cpuSeconds();
    peak(n, 64);
    best = Math.max(best, (96 * n) / ((cpuSeconds() - t0) * 1e9));
  }
  return best;
}

async function main(): Promise<void> {
  if (!wasmAvailable()) {
    console.log('WebAssembly SIMD with shared memory is not available in this runtime');
    return;
  }
  if (process.argv.includes('--cells-only')) {
    cellsSection();
    return;
  }
  const seconds = Number(arg('seconds', '1'));
  const fma = relaxedSimdAvailable();
  const peak = await simdPeak(fma);
  console.log(
    `128-bit SIMD peak, measured: ${peak.toFixed(1)} GFLOP/s (${fma ? 'fused multiply-add' : 'multiply + add'}: ` +
      `2 ports × 4 lanes × 2 flops × ${(peak / 16).toFixed(2)} GHz)`,
  );
  if (fma) console.log(`  without fused multiply-add: ${(await simdPeak(false)).toFixed(1)} GFLOP/s`);
  const backends: Backend[] = [jsBackend('f32'), wasmBackend({ fma: false })];
  if (fma) backends.push(wasmBackend({ fma: true }));
  const names = ['js', 'wasm', ...(fma ? ['wasm+fma'] : [])];
  console.log(
    `Node ${process.version}, one thread, GFLOP/s: median of 7 rounds (best in brackets), then the median as % of the peak`,
  );
  for (const H of arg('hidden', '256,512').split(',').map(Number)) {
    console.log(`\nLSTM hidden ${H}, batch 32, T 64, vocabulary 72`);
    console.log(
      [
        'shape'.padEnd(24),
        'kernel'.padEnd(7),
        'M×N×K'.padEnd(15),
        ...names.map((n) => n.padStart(14)),
        ...names.slice(1).map((n) => `${n} %`.padStart(11)),
      ].join(' '),
    );
    for (const sh of shapes(H)) {
      const rates = backends.map((k) => gflops(k, sh, seconds));
      console.log(
        [
          sh.what.padEnd(24),
          sh.kernel.padEnd(7),
          `${sh.M}×${sh.N}×${sh.K}`.padEnd(15),
          ...rates.map((r) => `${r.median.toFixed(1)} (${r.best.toFixed(1)})`.padStart(14)),
          ...rates.slice(1).map((r) => `${((100 * r.median) / peak).toFixed(0)} %`.padStart(11)),
        ].join(' '),
      );
    }
  }
  cellsSection();
}

void main();

function cellsSection(): void {
  const seconds = Number(arg('seconds', '1'));
  console.log(
    '\nLSTM window, T 64, batch 32: forward + backward of the cell (ms, median of 7; GFLOP/s of its matrix products)',
  );
  for (const H of arg('hidden', '256,512').split(',').map(Number)) {
    const flop = 3 * 2 * 64 * 32 * 4 * H * H;
    const plain = wasmBackend({ fusedCells: false }),
      fused = wasmBackend(),
      two = wasmBackend({ threads: 2 });
    cellWindow(two, H, 0.01, wallSeconds); // starts its helper
    awaitThreads(two, 2);
    const rows: [string, number][] = [
      ['TypeScript cell, wasm matrix kernels (CPU time)', cellWindow(plain, H, seconds, cpuSeconds)],
      ['fused wasm cell (CPU time)', cellWindow(fused, H, seconds, cpuSeconds)],
      [`fused wasm cell, ${two.threadsInUse()} threads (wall time)`, cellWindow(two, H, seconds, wallSeconds)],
    ];
    for (const [what, ms] of rows)
      console.log(
        `  H ${String(H).padEnd(4)} ${what.padEnd(50)} ${ms.toFixed(2).padStart(8)} ms  ${(flop / (ms * 1e6)).toFixed(1).padStart(6)} GFLOP/s`,
      );
  }
}
