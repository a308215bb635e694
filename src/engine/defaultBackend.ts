// The backend the engine uses by default: WebAssembly SIMD kernels where the runtime has them, the
// TypeScript reference (float32) otherwise. The WebAssembly kernels split each call over `threads`
// threads; results are the same whatever the count. Relaxed-SIMD fused multiply-add is used where V8
// allows it: the entry points decide that (enableRelaxedSimd in wasm/backend.ts), not the engine.
import { availableParallelism } from 'node:os';
import { Backend } from './backend';
import { jsBackend } from './reference';
import { wasmAvailable, wasmBackend } from './wasm/backend';

export interface DefaultBackendOptions {
  /** Threads of the WebAssembly kernels; 0 or absent: automatic, min(2, cores). */
  threads?: number;
}

export function defaultBackend(options: DefaultBackendOptions = {}): Backend {
  if (!wasmAvailable()) return jsBackend('f32');
  const threads = options.threads || Math.max(1, Math.min(2, availableParallelism()));
  return wasmBackend({ threads });
}
