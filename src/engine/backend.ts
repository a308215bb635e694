// The backend the engine uses by default: WebAssembly SIMD kernels where the runtime has them
// (with relaxed-SIMD fused multiply-add when V8 allows it), the plain TypeScript float32 kernels
// otherwise, or when SEQLAB_BACKEND=js. The WebAssembly kernels use up to two threads (the machine
// allowing), or SEQLAB_THREADS of them; results are the same whatever the count.
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Backend, jsBackend } from './kernels';
import { wasmAvailable, wasmBackend } from './wasm/backend';

/** Threads for the default backend: SEQLAB_THREADS when set (1 … 16), else min(2, cores). */
export function defaultThreads(): number {
  const env = Number(process.env.SEQLAB_THREADS);
  if (Number.isInteger(env) && env >= 1) return Math.min(env, 16);
  return Math.max(1, Math.min(2, availableParallelism()));
}

export function defaultBackend(): Backend {
  if (process.env.SEQLAB_BACKEND === 'js' || !wasmAvailable()) return jsBackend('f32');
  setFlagsFromString('--experimental-wasm-relaxed-simd'); // on by default from Node 22; feature-detected by wasmBackend
  return wasmBackend({ threads: defaultThreads() });
}
