// The backend the engine uses by default: WebAssembly SIMD kernels where the runtime has them
// (with relaxed-SIMD fused multiply-add when V8 allows it), the plain TypeScript float32 kernels
// otherwise, or when SEQLAB_BACKEND=js.
import { setFlagsFromString } from 'node:v8';
import { Backend, jsBackend } from './kernels';
import { wasmAvailable, wasmBackend } from './wasm/backend';

export function defaultBackend(): Backend {
  if (process.env.SEQLAB_BACKEND === 'js' || !wasmAvailable()) return jsBackend('f32');
  setFlagsFromString('--experimental-wasm-relaxed-simd'); // on by default from Node 22; feature-detected by wasmBackend
  return wasmBackend();
}
