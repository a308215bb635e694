// Helper threads for the WebAssembly backend: each one instantiates the same kernel module on the
// backend's shared memory and runs a kernel export with integer arguments when told to, so that a
// kernel call can be split into shares (streams of a window, rows of a matrix) that run at once.
//
// No messages per call: every helper has a control block of 64 int32 in the shared memory,
//   [0] job number (the caller bumps it and wakes the helper)   [1] export index (−1: exit)
//   [2] argument count   [3] last job done   [4] 1 when that job ran, 0 when it threw
//   [5] 1 once the helper is ready   [6] 1 once it has stopped on an error   [8…] the arguments,
// and the caller waits on [3]. Each side first polls for SPIN_MS, then sleeps with Atomics.wait
// (allowed in Node's main thread and in workers): most of a training step's calls follow each other
// within that, and a thread woken from sleep takes 30–300 µs to run again (measured on a 2-vCPU
// VM), several times a small kernel's own time. The helpers are unref'd: they never keep a process alive.

import { Worker } from 'node:worker_threads';

/**
 * Milliseconds a thread polls for a job (helper) or its end (caller) before it sleeps. Measured on
 * LSTM-256 training, 2 threads on 2 vCPUs: 0 → 44–48k chars/s, 0.2 → 51–54k, 2 → 51–54k; with a
 * busy loop on one of the cores, 0 → 28.1k, 0.2 → 26.9k, 2 → 21.3k (a long poll keeps the core
 * from the thread it waits for).
 */
const SPIN_MS = 0.2;

/** Polls c[i] until it differs from `from` or `ms` milliseconds pass; returns the last value read. */
function spinWhile(c: Int32Array, i: number, from: number, ms: number): number {
  let v = Atomics.load(c, i);
  for (let n = 0, until = 0; v === from; n++) {
    if ((n & 1023) === 0) {
      const now = performance.now();
      if (until === 0) until = now + ms;
      else if (now > until) break;
    }
    v = Atomics.load(c, i);
  }
  return v;
}

// The helper's program, as text. Its poll is spinWhile's, written out again: a bundler renames
// functions, so spinWhile's own source cannot be pasted in. Anything that goes wrong outside a kernel
// marks the helper dead ([6] = 1) and fails the job it had, so the caller never waits on it for ever.
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctl, names } = workerData;
const c = new Int32Array(memory.buffer, ctl, 64);
let seen = 0;
try {
  const x = new WebAssembly.Instance(module, { env: { memory } }).exports;
  Atomics.store(c, 5, 1);
  Atomics.notify(c, 5);
  for (;;) {
    let job = Atomics.load(c, 0);
    for (let n = 0, until = 0; job === seen; n++) {
      if ((n & 1023) === 0) {
        const now = performance.now();
        if (until === 0) until = now + ${SPIN_MS};
        else if (now > until) break;
      }
      job = Atomics.load(c, 0);
    }
    if (job === seen) Atomics.wait(c, 0, seen);
    job = Atomics.load(c, 0);
    if (job === seen) continue;
    seen = job;
    if (c[1] < 0) break;
    let ok = 1;
    try { x[names[c[1]]](...Array.from(c.subarray(8, 8 + c[2]))); } catch { ok = 0; }
    c[4] = ok;
    Atomics.store(c, 3, job);
    Atomics.notify(c, 3);
  }
} catch {
  Atomics.store(c, 6, 1);
  c[4] = 0;
  Atomics.store(c, 3, Atomics.load(c, 0));
  Atomics.notify(c, 3);
}
`;

/** Control words per helper (int32). */
export const CONTROL_WORDS = 64;

export interface Team {
  /** Threads in all, the caller's included. */
  readonly size: number;
  /** True once every helper has started (until then the caller runs every share itself). */
  ready(): boolean;
  /**
   * Runs export `op` once per share p < parts with argsFor(p): share 0 on the calling thread,
   * the others on helpers, all at once; returns when every share is done.
   */
  run(op: string, argsFor: (p: number) => number[], parts: number): void;
}

/**
 * Starts one helper thread per control block (byte addresses in `controls`) without waiting for
 * them: a thread takes tens of milliseconds to boot, and until all are ready, run() does every
 * share on the calling thread. null if no thread could be made.
 */
export function startTeam(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  names: string[],
  exports: Record<string, (...a: number[]) => void>,
  controls: number[],
): Team | null {
  const ctl: Int32Array[] = [];
  for (const at of controls) {
    const c = new Int32Array(memory.buffer, at, CONTROL_WORDS);
    c.fill(0);
    try {
      const w = new Worker(HELPER_SOURCE, { eval: true, workerData: { module, memory, ctl: at, names } });
      w.unref();
      w.on('error', () => {
        /* never ready: the caller keeps doing every share */
      });
    } catch {
      break;
    }
    ctl.push(c);
  }
  if (ctl.length === 0) return null;
  const index = new Map(names.map((n, i) => [n, i]));
  const jobs = ctl.map(() => 0);
  // A helper that stopped on an error is never ready again: the caller then runs every share itself.
  const ready = () => ctl.every((c) => Atomics.load(c, 5) === 1 && Atomics.load(c, 6) === 0);
  return {
    size: ctl.length + 1,
    ready,
    run(op, argsFor, parts) {
      if (!ready()) {
        for (let p = 0; p < parts; p++) exports[op](...argsFor(p));
        return;
      }
      parts = Math.min(parts, ctl.length + 1);
      const opIndex = index.get(op);
      if (opIndex === undefined) throw new Error(`no kernel named ${op}`);
      for (let p = 1; p < parts; p++) {
        const c = ctl[p - 1],
          args = argsFor(p);
        c[1] = opIndex;
        c[2] = args.length;
        for (let i = 0; i < args.length; i++) c[8 + i] = args[i];
        Atomics.store(c, 0, ++jobs[p - 1]);
        Atomics.notify(c, 0);
      }
      exports[op](...argsFor(0));
      let failed = false;
      for (let p = 1; p < parts; p++) {
        const c = ctl[p - 1],
          job = jobs[p - 1];
        for (;;) {
          const done = spinWhile(c, 3, job - 1, SPIN_MS);
          if (done === job) break;
          Atomics.wait(c, 3, done, 100);
          if (Atomics.load(c, 6) === 1 && Atomics.load(c, 3) !== job) break; // a stopped helper never ends it: failed
        }
        if (c[4] !== 1) failed = true;
      }
      if (failed) throw new Error(`wasm-simd backend: kernel ${op} failed on a helper thread`);
    },
  };
}
