// GFLOP/s of the matrix kernels on the shapes of LSTM training (T 64, batch 32, vocabulary 72):
// the TypeScript reference against the WebAssembly SIMD backend (mul + add, and fused
// multiply-add where relaxed SIMD is on), one thread, same run.
// Usage: node out/bench-kernels.js [--hidden 128,256] [--seconds 1]   (CPU seconds per kernel and backend)
// after: npx esbuild bench/kernels.ts --bundle --platform=node --outfile=out/bench-kernels.js
// Timed in CPU seconds of this process, so other processes on the machine skew it less.

import { setFlagsFromString } from 'node:v8';
setFlagsFromString('--experimental-wasm-relaxed-simd'); // Node 20: relaxed SIMD is behind a flag

import { Backend, jsBackend } from '../src/engine/kernels';
import { relaxedSimdAvailable, wasmAvailable, wasmBackend } from '../src/engine/wasm/backend';

type Kernel = 'gemmNT' | 'gemmNN' | 'gemmTN';
interface Shape { what: string; kernel: Kernel; M: number; N: number; K: number; a: number; b: number }

function shapes(H: number, B = 32, T = 64, V = 72): Shape[] {
  const TB = T * B, G = 4 * H;
  const s = (what: string, kernel: Kernel, M: number, N: number, K: number): Shape => ({
    what, kernel, M, N, K, a: M * K, b: N * K,
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
  const A = k.alloc(sh.a), B = k.alloc(sh.b), C = k.alloc(sh.M * sh.N);
  for (let i = 0; i < A.length; i++) A[i] = Math.sin(i) * 0.5;
  for (let i = 0; i < B.length; i++) B[i] = Math.cos(i) * 0.5;
  const run = () => k[sh.kernel](C, A, B, sh.M, sh.N, sh.K);
  const flop = 2 * sh.M * sh.N * sh.K;
  let reps = 1;
  for (;;) {
    const t0 = cpuSeconds();
    for (let r = 0; r < reps; r++) run();
    const s = cpuSeconds() - t0;
    if (s > 0.05) { reps = Math.max(1, Math.round((reps * seconds) / 7 / s)); break; }
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

if (!wasmAvailable()) {
  console.log('WebAssembly SIMD with shared memory is not available in this runtime');
} else {
  const seconds = Number(arg('seconds', '1'));
  const backends: Backend[] = [jsBackend('f32'), wasmBackend({ fma: false })];
  if (relaxedSimdAvailable()) backends.push(wasmBackend({ fma: true }));
  const names = ['js', 'wasm', ...(relaxedSimdAvailable() ? ['wasm+fma'] : [])];
  console.log(`Node ${process.version}, one thread, GFLOP/s: median of 7 rounds (best in brackets)`);
  for (const H of arg('hidden', '128,256').split(',').map(Number)) {
    console.log(`\nLSTM hidden ${H}, batch 32, T 64, vocabulary 72`);
    console.log(['shape'.padEnd(24), 'kernel'.padEnd(7), 'M×N×K'.padEnd(15), ...names.map((n) => n.padStart(14))].join(' '));
    for (const sh of shapes(H)) {
      const rates = backends.map((k) => gflops(k, sh, seconds));
      console.log([sh.what.padEnd(24), sh.kernel.padEnd(7), `${sh.M}×${sh.N}×${sh.K}`.padEnd(15), ...rates.map((r) => `${r.median.toFixed(1)} (${r.best.toFixed(1)})`.padStart(14))].join(' '));
    }
  }
}
