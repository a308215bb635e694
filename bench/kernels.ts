// GFLOP/s of the matrix kernels on the shapes of LSTM training (T 64, batch 32, vocabulary 72):
// the TypeScript reference against the WebAssembly SIMD backend (mul + add, and fused
// multiply-add where relaxed SIMD is on), one thread, same run. Then whole windows of the LSTM
// cell (forward + backward: the backend's lstm ops): the TypeScript cell on the wasm matrix kernels,
// the fused wasm cell, and the fused cell on two threads (wall time: it uses two cores).
// Usage: node out/bench-kernels.js [--hidden 128,256] [--seconds 1] [--cells-only]
// after: npx esbuild bench/kernels.ts --bundle --platform=node --outfile=out/bench-kernels.js
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

if (!wasmAvailable()) {
  console.log('WebAssembly SIMD with shared memory is not available in this runtime');
} else if (process.argv.includes('--cells-only')) {
  cellsSection();
} else {
  const seconds = Number(arg('seconds', '1'));
  const backends: Backend[] = [jsBackend('f32'), wasmBackend({ fma: false })];
  if (relaxedSimdAvailable()) backends.push(wasmBackend({ fma: true }));
  const names = ['js', 'wasm', ...(relaxedSimdAvailable() ? ['wasm+fma'] : [])];
  console.log(`Node ${process.version}, one thread, GFLOP/s: median of 7 rounds (best in brackets)`);
  for (const H of arg('hidden', '128,256').split(',').map(Number)) {
    console.log(`\nLSTM hidden ${H}, batch 32, T 64, vocabulary 72`);
    console.log(
      ['shape'.padEnd(24), 'kernel'.padEnd(7), 'M×N×K'.padEnd(15), ...names.map((n) => n.padStart(14))].join(' '),
    );
    for (const sh of shapes(H)) {
      const rates = backends.map((k) => gflops(k, sh, seconds));
      console.log(
        [
          sh.what.padEnd(24),
          sh.kernel.padEnd(7),
          `${sh.M}×${sh.N}×${sh.K}`.padEnd(15),
          ...rates.map((r) => `${r.median.toFixed(1)} (${r.best.toFixed(1)})`.padStart(14)),
        ].join(' '),
      );
    }
  }
  cellsSection();
}

function cellsSection(): void {
  const seconds = Number(arg('seconds', '1'));
  console.log(
    '\nLSTM window, T 64, batch 32: forward + backward of the cell (ms, median of 7; GFLOP/s of its matrix products)',
  );
  for (const H of arg('hidden', '128,256').split(',').map(Number)) {
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
