// The backend the engine uses by default: WebAssembly SIMD kernels where the runtime has them, the
// TypeScript reference (float32) otherwise. The WebAssembly kernels split each call over `threads`
// threads; results are the same whatever the count. Relaxed-SIMD fused multiply-add is used where V8
// allows it: the entry points decide that (enableRelaxedSimd in wasm/backend.ts), not the engine.
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Backend } from './backend';
import { checkOption, OPTIONS } from './options';
import { jsBackend } from './reference';
import { wasmAvailable, wasmBackend } from './wasm/backend';

/**
 * The most threads chosen automatically: a window of B = 32 streams split further leaves each thread
 * fewer than 4 streams, too few rows for the matrix kernels' 4-row tiles.
 */
export const MAX_AUTOMATIC_THREADS = 8;

export interface DefaultBackendOptions {
  /** Threads of the WebAssembly kernels; 0 or absent: SEQLAB_THREADS, else automaticThreads(). */
  threads?: number;
}

/**
 * Physical cores of this machine (a core's SMT siblings share its SIMD units, so they add nothing to
 * these kernels), from Linux's CPU topology; elsewhere, or where it cannot be read, the CPUs Node sees.
 */
export function physicalCores(): number {
  try {
    const base = '/sys/devices/system/cpu';
    const cores = new Set(
      readdirSync(base)
        .filter((d) => /^cpu\d+$/.test(d))
        .map((d) => {
          const read = (f: string) => readFileSync(`${base}/${d}/topology/${f}`, 'utf8').trim();
          return `${read('physical_package_id')}:${read('core_id')}`;
        }),
    );
    if (cores.size > 0) return cores.size;
  } catch {
    // no topology to read (not Linux, or a sandbox): the CPUs Node sees
  }
  return availableParallelism();
}

/** The automatic thread count: physical cores, no more than this process may use, at most MAX_AUTOMATIC_THREADS. */
export function automaticThreads(): number {
  return Math.max(1, Math.min(physicalCores(), availableParallelism(), MAX_AUTOMATIC_THREADS));
}

/** SEQLAB_THREADS, when set: a thread count within seqlab.threads' range (0: automatic). */
function threadsFromEnvironment(): number {
  const raw = process.env.SEQLAB_THREADS?.trim();
  if (!raw) return 0;
  return checkOption(OPTIONS.threads, /^\d+$/.test(raw) ? Number(raw) : raw, 'SEQLAB_THREADS') as number;
}

export function defaultBackend(options: DefaultBackendOptions = {}): Backend {
  if (!wasmAvailable()) return jsBackend('f32');
  const threads = options.threads || threadsFromEnvironment() || automaticThreads();
  return wasmBackend({ threads });
}
