// The backend the engine uses by default: WebAssembly SIMD kernels where the runtime has them
// (with relaxed-SIMD fused multiply-add when V8 allows it), the plain TypeScript float32 kernels
// otherwise, or when SEQLAB_BACKEND=js. The WebAssembly kernels use `threads` threads, or when that is
// 0 or absent up to two (the machine allowing); results are the same whatever the count.
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Backend, jsBackend } from './kernels';
import { wasmAvailable, wasmBackend } from './wasm/backend';

/** Threads of the default backend when none are asked for: min(2, cores). */
function automaticThreads(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

export function defaultBackend(options: { threads?: number } = {}): Backend {
  if (process.env.SEQLAB_BACKEND === 'js' || !wasmAvailable()) return jsBackend('f32');
  setFlagsFromString('--experimental-wasm-relaxed-simd'); // on by default from Node 22; feature-detected by wasmBackend
  return wasmBackend({ threads: options.threads || automaticThreads() });
}
