// Suites that need the WebAssembly backend. Where the runtime cannot run it they are skipped on a
// developer's machine, and FAIL in CI (CI=true): a CI run that skipped them would prove nothing.

import { enableRelaxedSimd, relaxedSimdAvailable, wasmAvailable } from '../../src/engine/wasm/backend';

// Node 20 has relaxed SIMD behind a flag; the entry points turn it on, and so do the tests, so that
// the fused multiply-add build is tested too.
enableRelaxedSimd();

function suiteIf(available: boolean, what: string, title: string, body: () => void): void {
  if (available) describe(title, body);
  else if (process.env.CI === 'true') {
    describe(title, () =>
      it(`runs (CI=true: a suite that cannot run fails)`, () => {
        throw new Error(`${what} is not available in this runtime, so "${title}" cannot run`);
      }),
    );
  } else describe.skip(title, body);
}

/** A suite of the wasm-simd backend (SIMD and shared memory). */
export function wasmSuite(title: string, body: () => void): void {
  suiteIf(wasmAvailable(), 'WebAssembly SIMD with shared memory', title, body);
}

/** A suite of the wasm-simd backend with relaxed-SIMD fused multiply-add (fma) or without. */
export function wasmBuildSuite(fma: boolean, title: string, body: () => void): void {
  suiteIf(wasmAvailable() && (!fma || relaxedSimdAvailable()), fma ? 'Relaxed SIMD' : 'WebAssembly SIMD', title, body);
}
