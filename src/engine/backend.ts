// The backend the engine uses by default: WebAssembly SIMD kernels where the runtime has them,
// the plain TypeScript float32 kernels otherwise (or when SEQLAB_BACKEND=js).
import { Backend, jsBackend } from './kernels';
import { wasmAvailable, wasmBackend } from './wasm/backend';

export function defaultBackend(): Backend {
  if (process.env.SEQLAB_BACKEND === 'js' || !wasmAvailable()) return jsBackend('f32');
  return wasmBackend();
}
