// The WebAssembly SIMD backend: the matrix kernels of kernels.as.ts and the whole-window cells of
// cells.as.ts, on arrays this backend places in its own WebAssembly memory so the kernels get plain
// addresses (byteOffset) and copy nothing.
//
// Memory: one shared WebAssembly.Memory per backend, handed out by a bump allocator that never
// frees (an engine allocates its buffers once per model; make a new backend for a new model).
// The memory is shared because growing a shared memory keeps every earlier view valid (a plain
// one would detach them all). Arrays not allocated here (a plain Float32Array, float64) are
// still accepted: those calls go to the TypeScript reference kernels.

import type { CellBuffers, CellWeights } from '../cells/cell';
import { Backend, CellKernels, FusedCellKind, jsBackend, RowKernels } from '../kernels';
import { Vec } from '../tensor';
import { KERNELS_RELAXED_BASE64, KERNELS_SIMD_BASE64, WASM_MAX_PAGES } from './kernels.wasm';

export interface WasmBackend extends Backend {
  /** True when the kernels use relaxed-SIMD fused multiply-add. */
  readonly fma: boolean;
  /** Bytes of WebAssembly memory handed out so far (arrays and kernel scratch). */
  bytesUsed(): number;
  /** y = σ(x), tanh(x) or exp(x) by the fused cells' approximations (x, y: arrays of this backend). */
  approx(fn: 'sigmoid' | 'tanh' | 'exp', y: Vec, x: Vec): void;
}

export interface WasmBackendOptions {
  /** Use relaxed-SIMD fused multiply-add when the runtime has it (default true). */
  fma?: boolean;
  /** Cap on the memory, in 64 KiB pages (default and most: 65536 = 4 GiB). */
  maxPages?: number;
  /** Run whole windows of LSTM, GRU (PyTorch form) and RNN cells, and the row loops, in WebAssembly (default true). */
  fusedCells?: boolean;
}

interface KernelExports {
  gemmNT(C: number, A: number, B: number, M: number, N: number, K: number): void;
  gemmNN(C: number, A: number, B: number, M: number, N: number, K: number, scratch: number): void;
  gemmTN(C: number, A: number, B: number, M: number, N: number, K: number, scratch: number): void;
  scratchBytes(N: number): number;
  sumRows(db: number, d: number, m: number, n: number): void;
  gatherRows(dst: number, table: number, bias: number, ids: number, rows: number, n: number): void;
  scatterAddRows(table: number, src: number, ids: number, rows: number, n: number): void;
  softmaxRows(p: number, g: number, rows: number, n: number, scale: number): void;
  mathKernel(which: number, y: number, x: number, n: number): void;
  lstmForward(whh: number, bhh: number, h: number, c: number, gates: number, extra: number, xw: number, T: number, B: number, H: number): void;
  lstmBackward(whh: number, dwhh: number, dbhh: number, h: number, c: number, gates: number, extra: number, dhs: number,
    dh: number, dc: number, dpre: number, T: number, B: number, H: number, scratch: number): void;
  gruForward(whh: number, bhh: number, h: number, gates: number, extra: number, xw: number, pre: number, T: number, B: number, H: number): void;
  gruBackward(whh: number, dwhh: number, dbhh: number, h: number, gates: number, extra: number, dhs: number,
    dh: number, dxw: number, dhh: number, T: number, B: number, H: number, scratch: number): void;
  rnnForward(whh: number, bhh: number, h: number, xw: number, T: number, B: number, H: number): void;
  rnnBackward(whh: number, dwhh: number, dbhh: number, h: number, dhs: number, dh: number, dpre: number, T: number, B: number, H: number, scratch: number): void;
}

const PAGE = 65536;
const ALIGN = 64;          // every array starts on a cache line
const FIRST = PAGE;        // page 0 stays unused: address 0 is never an array

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  if (typeof Buffer !== 'undefined') {
    const b = Buffer.from(s, 'base64'), out = new Uint8Array(b.length);
    out.set(b);
    return out;
  }
  const bin = atob(s), out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let simd: WebAssembly.Module | null | undefined, relaxed: WebAssembly.Module | null = null;

/** Compiles a build once; null where the runtime lacks its features (SIMD, threads, relaxed SIMD). */
function load(b64: string): WebAssembly.Module | null {
  try {
    if (typeof WebAssembly !== 'object' || typeof SharedArrayBuffer === 'undefined') return null;
    const bytes = decodeBase64(b64);
    if (!WebAssembly.validate(bytes)) return null;
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return new WebAssembly.Module(bytes);
  } catch {
    return null;
  }
}

function modules(): { simd: WebAssembly.Module | null; relaxed: WebAssembly.Module | null } {
  if (simd === undefined) simd = load(KERNELS_SIMD_BASE64);
  // Asked again while missing: the relaxed-SIMD flag may have been set since.
  if (simd && !relaxed) relaxed = load(KERNELS_RELAXED_BASE64);
  return { simd, relaxed };
}

/** True when this runtime can run the WebAssembly SIMD backend (SIMD and shared memory). */
export function wasmAvailable(): boolean {
  return modules().simd !== null;
}

/**
 * True when relaxed SIMD is on (Node ≥ 22; Node 20 needs `--experimental-wasm-relaxed-simd`,
 * or `v8.setFlagsFromString('--experimental-wasm-relaxed-simd')` before the backend is made).
 */
export function relaxedSimdAvailable(): boolean {
  return modules().relaxed !== null;
}

/** A new backend with its own memory. Throws when wasmAvailable() is false. */
export function wasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  const mods = modules();
  const fma = options.fma !== false && mods.relaxed !== null;
  const module = fma ? mods.relaxed : mods.simd;
  if (!module) throw new Error('the wasm-simd backend needs WebAssembly SIMD and shared memory, which this runtime lacks');
  // V8 reserves the address space of a shared memory's largest size up front whatever its maximum,
  // so the maximum costs nothing until used; where address space is capped no shared memory can be
  // made at all, and wasmAvailable() says false.
  const maxPages = Math.min(options.maxPages ?? WASM_MAX_PAGES, WASM_MAX_PAGES);
  const memory = new WebAssembly.Memory({ initial: Math.min(16, maxPages), maximum: maxPages, shared: true });
  const wasm = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  const js = jsBackend('f32');

  // Every buffer object this memory has had: a view is ours when its buffer is one of them.
  let buffer = memory.buffer;
  const ours = new Set<ArrayBufferLike>([buffer]);
  let top = FIRST;

  /** Reserves `bytes` bytes and returns their address, growing the memory when needed. */
  function reserve(bytes: number): number {
    const at = Math.ceil(top / ALIGN) * ALIGN, end = at + bytes;
    if (end > buffer.byteLength) {
      const have = buffer.byteLength / PAGE, need = Math.ceil(end / PAGE) - have;
      if (have + need > maxPages) {
        throw new Error(`wasm-simd backend: out of memory (${end} bytes needed, at most ${maxPages * PAGE})`);
      }
      memory.grow(Math.min(Math.max(need, have), maxPages - have)); // at least double: few buffers
      buffer = memory.buffer;
      ours.add(buffer);
    }
    top = end;
    return at;
  }

  let scratch = 0, scratchSize = 0;
  function scratchFor(N: number): number {
    const need = wasm.scratchBytes(N);
    if (need > scratchSize) { scratch = reserve(need); scratchSize = need; }
    return scratch;
  }

  const isOurs = (v: Vec): boolean => v instanceof Float32Array && ours.has(v.buffer);
  const addr = (v: Vec): number => v.byteOffset;
  /** Every array ours and at least `n` long (the kernels trust the lengths). */
  const fit = (...vn: [Vec, number][]): boolean => vn.every(([v, n]) => isOurs(v) && v.length >= n);

  // Token ids for the row kernels are copied here (a few KiB per window).
  let idsAt = 0, idsCap = 0;
  function idsIn(ids: Int32Array, rows: number): number {
    if (rows > idsCap) { idsCap = Math.max(rows, 2 * idsCap); idsAt = reserve(idsCap * 4); }
    new Int32Array(buffer, idsAt, rows).set(ids.subarray(0, rows));
    return idsAt;
  }

  const rowKernels: RowKernels = {
    gatherRows(dst, table, bias, ids, rows, n) {
      if (rows <= 0 || n <= 0) return true;
      if (ids.length < rows || !fit([dst, rows * n], [table, 0], [bias, n])) return false;
      for (let r = 0; r < rows; r++) if ((ids[r] + 1) * n > table.length) return false;
      wasm.gatherRows(addr(dst), addr(table), addr(bias), idsIn(ids, rows), rows, n);
      return true;
    },
    scatterAddRows(table, src, ids, rows, n) {
      if (rows <= 0 || n <= 0) return true;
      if (ids.length < rows || !fit([src, rows * n], [table, 0])) return false;
      for (let r = 0; r < rows; r++) if ((ids[r] + 1) * n > table.length) return false;
      wasm.scatterAddRows(addr(table), addr(src), idsIn(ids, rows), rows, n);
      return true;
    },
    sumRows(db, d, m, n) {
      if (m <= 0 || n <= 0) return true;
      if (!fit([db, n], [d, m * n])) return false;
      wasm.sumRows(addr(db), addr(d), m, n);
      return true;
    },
    softmaxRows(p, g, rows, n, scale) {
      if (rows <= 0 || n <= 0) return true;
      if (!fit([p, rows * n], [g, rows * n])) return false;
      wasm.softmaxRows(addr(p), addr(g), rows, n, scale);
      return true;
    },
  };

  const cells: CellKernels = {
    forward(kind: FusedCellKind, w: CellWeights, s: CellBuffers, xw: Vec, T: number, B: number, H: number): boolean {
      const G = (kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1) * H, TB = T * B, BH = B * H;
      if (T <= 0 || B <= 0 || H <= 0) return false;
      if (!fit([w.whh, G * H], [w.bhh, G], [s.h, (T + 1) * BH], [xw, TB * G])) return false;
      if (kind === 'lstm') {
        if (!fit([s.c, (T + 1) * BH], [s.gates, TB * G], [s.extra, TB * H])) return false;
        wasm.lstmForward(addr(w.whh), addr(w.bhh), addr(s.h), addr(s.c), addr(s.gates), addr(s.extra), addr(xw), T, B, H);
      } else if (kind === 'gru') {
        if (!fit([s.gates, TB * G], [s.extra, TB * H], [s.tmp, B * G])) return false;
        wasm.gruForward(addr(w.whh), addr(w.bhh), addr(s.h), addr(s.gates), addr(s.extra), addr(xw), addr(s.tmp), T, B, H);
      } else {
        wasm.rnnForward(addr(w.whh), addr(w.bhh), addr(s.h), addr(xw), T, B, H);
      }
      return true;
    },
    backward(kind: FusedCellKind, w: CellWeights, s: CellBuffers, dhs: Vec, T: number, B: number, H: number): boolean {
      const G = (kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1) * H, TB = T * B, BH = B * H;
      if (T <= 0 || B <= 0 || H <= 0) return false;
      if (!fit([w.whh, G * H], [w.dwhh, G * H], [w.dbhh, G], [s.h, (T + 1) * BH], [dhs, TB * H], [s.dh, BH], [s.dxw, TB * G])) return false;
      const scratch = () => scratchFor(H);
      if (kind === 'lstm') {
        if (!fit([s.c, (T + 1) * BH], [s.gates, TB * G], [s.extra, TB * H], [s.dc, BH])) return false;
        wasm.lstmBackward(addr(w.whh), addr(w.dwhh), addr(w.dbhh), addr(s.h), addr(s.c), addr(s.gates), addr(s.extra), addr(dhs),
          addr(s.dh), addr(s.dc), addr(s.dxw), T, B, H, scratch());
      } else if (kind === 'gru') {
        if (!fit([s.gates, TB * G], [s.extra, TB * H], [s.dhh, TB * G])) return false;
        wasm.gruBackward(addr(w.whh), addr(w.dwhh), addr(w.dbhh), addr(s.h), addr(s.gates), addr(s.extra), addr(dhs),
          addr(s.dh), addr(s.dxw), addr(s.dhh), T, B, H, scratch());
      } else {
        wasm.rnnBackward(addr(w.whh), addr(w.dwhh), addr(w.dbhh), addr(s.h), addr(dhs), addr(s.dh), addr(s.dxw), T, B, H, scratch());
      }
      return true;
    },
  };

  return {
    name: 'wasm-simd',
    dtype: 'f32',
    fma,
    cells: options.fusedCells === false ? undefined : cells,
    rows: options.fusedCells === false ? undefined : rowKernels,
    bytesUsed: () => top - FIRST,
    approx(fn, y, x) {
      if (!fit([y, x.length], [x, 0])) throw new Error('approx: arrays of this backend only');
      wasm.mathKernel(fn === 'sigmoid' ? 0 : fn === 'tanh' ? 1 : 2, addr(y), addr(x), x.length);
    },
    alloc(n: number): Vec {
      const at = reserve(n * 4);
      return new Float32Array(buffer, at, n).fill(0);
    },
    gemmNT(C, A, B, M, N, K) {
      if (M <= 0 || N <= 0 || K <= 0) return;
      if (!isOurs(C) || !isOurs(A) || !isOurs(B)) return js.gemmNT(C, A, B, M, N, K);
      wasm.gemmNT(addr(C), addr(A), addr(B), M, N, K);
    },
    gemmNN(C, A, B, M, N, K) {
      if (M <= 0 || N <= 0 || K <= 0) return;
      if (!isOurs(C) || !isOurs(A) || !isOurs(B)) return js.gemmNN(C, A, B, M, N, K);
      wasm.gemmNN(addr(C), addr(A), addr(B), M, N, K, scratchFor(N));
    },
    gemmTN(C, A, B, M, N, K) {
      if (M <= 0 || N <= 0 || K <= 0) return;
      if (!isOurs(C) || !isOurs(A) || !isOurs(B)) return js.gemmTN(C, A, B, M, N, K);
      wasm.gemmTN(addr(C), addr(A), addr(B), M, N, K, scratchFor(N));
    },
  };
}
