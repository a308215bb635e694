// The WebAssembly SIMD backend: the matrix kernels of assembly/kernels.ts, the whole-window cells of
// assembly/cells.ts and the row loops of assembly/rows.ts, on arrays this backend places in its own
// WebAssembly memory so the kernels get plain addresses (byteOffset) and copy nothing. What it has no
// kernel for runs the TypeScript reference (reference.ts), chosen once here and listed in `fallbacks`.
//
// Memory: one shared WebAssembly.Memory per backend, handed out by a bump allocator that never
// frees (an engine allocates its buffers once per model; make a new backend for a new model).
// The memory is shared because growing a shared memory keeps every earlier view valid (a plain
// one would detach them all). Every array given to a kernel must come from this backend's alloc():
// any other array is a programming error, and the kernel throws.

import { setFlagsFromString } from 'node:v8';
import { referenceCells } from '../cells';
import { Backend, CellName, CellOps, MatrixOps } from '../backend';
import { referenceOps, SQUARES_CHUNK } from '../reference';
import { CellBuffers, CellWeights, Vec } from '../types';
import { KERNELS_RELAXED_BASE64, KERNELS_SIMD_BASE64, WASM_MAX_PAGES } from './kernels.wasm';
import { CONTROL_WORDS, startTeam, Team } from './threads';

export interface WasmBackend extends Backend {
  /** True when the kernels use relaxed-SIMD fused multiply-add. */
  readonly fma: boolean;
  /** Bytes of WebAssembly memory handed out so far (arrays and kernel scratch). */
  bytesUsed(): number;
  /** Threads the large kernels use (1 until the helpers have started, or where they could not). */
  threadsInUse(): number;
  /** y = σ(x), tanh(x) or exp(x) by the fused cells' approximations (x, y: arrays of this backend). */
  approx(fn: 'sigmoid' | 'tanh' | 'exp', y: Vec, x: Vec): void;
}

export interface WasmBackendOptions {
  /** Use relaxed-SIMD fused multiply-add when the runtime has it (default true). */
  fma?: boolean;
  /** Cap on the memory, in 64 KiB pages (default and most: 65536 = 4 GiB). */
  maxPages?: number;
  /**
   * Run whole windows of LSTM, GRU (PyTorch form) and RNN cells in WebAssembly (default true); false: their
   * TypeScript reference on this backend's matrix kernels (benchmarks compare the two).
   */
  fusedCells?: boolean;
  /**
   * Threads for the large kernels (default 1): the cells split the B streams of a window, the
   * matrix products the rows of C, each share on its own thread (threads.ts). Every number comes
   * out exactly as with one thread. Helpers start at the first call large enough to split.
   */
  threads?: number;
  /** Multiply-adds (or like work) below which a call runs on one thread (default 2²⁰; tests use 1 to split everything). */
  splitWork?: number;
}

interface KernelExports {
  gemmNT(C: number, A: number, B: number, M: number, N: number, K: number): void;
  gemmNN(C: number, A: number, B: number, M: number, N: number, K: number, scratch: number): void;
  gemmTN(C: number, A: number, B: number, M: number, N: number, K: number, scratch: number): void;
  scratchBytes(N: number): number;
  sumRows(db: number, d: number, m: number, n: number): void;
  sumRowsLd(db: number, d: number, m: number, n: number, ld: number): void;
  gatherRows(dst: number, table: number, bias: number, ids: number, rows: number, n: number): void;
  scatterAddRows(table: number, src: number, ids: number, rows: number, n: number, j0: number, j1: number): void;
  transposeRows(dst: number, src: number, R: number, C: number, c0: number, c1: number, accumulate: number): void;
  sumSquaresChunks(out: number, g: number, n: number, chunk: number, c0: number, c1: number): void;
  scaleRange(v: number, i0: number, i1: number, factorLo: number, factorHi: number): void;
  adamUpdateRange(
    p: number,
    g: number,
    m: number,
    v: number,
    i0: number,
    i1: number,
    lrBits: number,
    c1Bits: number,
    c2Bits: number,
  ): void;
  softmaxRows(p: number, g: number, rows: number, n: number, scale: number): void;
  softmaxRowsBits(p: number, g: number, rows: number, n: number, scaleBits: number): void;
  mathKernel(which: number, y: number, x: number, n: number): void;
  packedBytes(K: number, N: number): number;
  packAllB(bp: number, B: number, N: number, K: number): void;
  gemmTNRows(
    C: number,
    A: number,
    B: number,
    M: number,
    N: number,
    K: number,
    m0: number,
    m1: number,
    scratch: number,
  ): void;
  windowGrads(
    dwhh: number,
    dbhh: number,
    dpre: number,
    h: number,
    G: number,
    H: number,
    TB: number,
    m0: number,
    m1: number,
    scratch: number,
  ): void;
  // The cells below run streams b0 ≤ b < b1 (assembly/cells.ts).
  lstmForward(
    whh: number,
    bhh: number,
    h: number,
    c: number,
    gates: number,
    extra: number,
    xw: number,
    T: number,
    B: number,
    H: number,
    b0: number,
    b1: number,
  ): void;
  lstmBackward(
    whhPacked: number,
    h: number,
    c: number,
    gates: number,
    extra: number,
    dhs: number,
    dh: number,
    dc: number,
    dpre: number,
    T: number,
    B: number,
    H: number,
    b0: number,
    b1: number,
    scratch: number,
  ): void;
  gruForward(
    whh: number,
    bhh: number,
    h: number,
    gates: number,
    extra: number,
    xw: number,
    pre: number,
    T: number,
    B: number,
    H: number,
    b0: number,
    b1: number,
  ): void;
  gruBackward(
    whhPacked: number,
    h: number,
    gates: number,
    extra: number,
    dhs: number,
    dh: number,
    dxw: number,
    dhh: number,
    T: number,
    B: number,
    H: number,
    b0: number,
    b1: number,
    scratch: number,
  ): void;
  rnnForward(
    whh: number,
    bhh: number,
    h: number,
    xw: number,
    T: number,
    B: number,
    H: number,
    b0: number,
    b1: number,
  ): void;
  rnnBackward(
    whhPacked: number,
    h: number,
    dhs: number,
    dh: number,
    dpre: number,
    T: number,
    B: number,
    H: number,
    b0: number,
    b1: number,
    scratch: number,
  ): void;
}

/** The cells with kernels here (GRU: the PyTorch form). */
type FusedKind = 'lstm' | 'gru' | 'rnn';

/** Kernel exports the helper threads may run (their indices travel in the control blocks). */
const TEAM_KERNELS = [
  'gemmNT',
  'gemmNN',
  'gemmTNRows',
  'windowGrads',
  'lstmForward',
  'lstmBackward',
  'gruForward',
  'gruBackward',
  'rnnForward',
  'rnnBackward',
  'gatherRows',
  'sumRowsLd',
  'softmaxRowsBits',
  'scatterAddRows',
  'transposeRows',
  'sumSquaresChunks',
  'scaleRange',
  'adamUpdateRange',
];
/** Multiply-adds below which a call is not split (a share must outweigh waking a thread, ~10–50 µs). */
const SPLIT_WORK = 1 << 20;

/** Share p of `parts` of [0, n), cut at multiples of `align` where n allows. */
function share(n: number, parts: number, p: number, align: number): [number, number] {
  const units = Math.ceil(n / align),
    lo = Math.floor((units * p) / parts) * align,
    hi = Math.floor((units * (p + 1)) / parts) * align;
  return [Math.min(lo, n), Math.min(hi, n)];
}

/** The float32 nearest x, as the int32 of its bits (the helper threads take integer arguments only). */
function floatBits(x: number): number {
  return new Int32Array(Float32Array.of(x).buffer)[0];
}

const PAGE = 65536;
const ALIGN = 64; // every array starts on a cache line
const FIRST = PAGE; // page 0 stays unused: address 0 is never an array

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  if (typeof Buffer !== 'undefined') {
    const b = Buffer.from(s, 'base64'),
      out = new Uint8Array(b.length);
    out.set(b);
    return out;
  }
  const bin = atob(s),
    out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let simd: WebAssembly.Module | null | undefined,
  relaxed: WebAssembly.Module | null = null;

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

/**
 * Lets V8 compile relaxed SIMD (fused multiply-add). On by default from Node 22; Node 20 has it behind
 * this flag. A process-wide V8 setting: the entry points (CLI, worker) call it, the engine never does.
 */
export function enableRelaxedSimd(): void {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
}

/** True when this runtime can run the WebAssembly SIMD backend (SIMD and shared memory). */
export function wasmAvailable(): boolean {
  return modules().simd !== null;
}

/** True when relaxed SIMD is on (Node ≥ 22; Node 20 after enableRelaxedSimd()). */
export function relaxedSimdAvailable(): boolean {
  return modules().relaxed !== null;
}

/** A new backend with its own memory. Throws when wasmAvailable() is false. */
export function wasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  const mods = modules();
  const fma = options.fma !== false && mods.relaxed !== null;
  const module = fma ? mods.relaxed : mods.simd;
  if (!module)
    throw new Error('the wasm-simd backend needs WebAssembly SIMD and shared memory, which this runtime lacks');
  // V8 reserves the address space of a shared memory's largest size up front whatever its maximum,
  // so the maximum costs nothing until used; where address space is capped no shared memory can be
  // made at all, and wasmAvailable() says false.
  const maxPages = Math.min(options.maxPages ?? WASM_MAX_PAGES, WASM_MAX_PAGES);
  const memory = new WebAssembly.Memory({ initial: Math.min(16, maxPages), maximum: maxPages, shared: true });
  const wasm = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;

  // Every buffer object this memory has had: a view is ours when its buffer is one of them.
  let buffer = memory.buffer;
  const ours = new Set<ArrayBufferLike>([buffer]);
  let top = FIRST;

  /** Reserves `bytes` bytes and returns their address, growing the memory when needed. */
  function reserve(bytes: number): number {
    const at = Math.ceil(top / ALIGN) * ALIGN,
      end = at + bytes;
    if (end > buffer.byteLength) {
      const have = buffer.byteLength / PAGE,
        need = Math.ceil(end / PAGE) - have;
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

  // Packing scratch of the matrix kernels, one per thread.
  const scratch: number[] = [],
    scratchSize: number[] = [];
  function scratchFor(N: number, thread = 0): number {
    const need = wasm.scratchBytes(N);
    if (need > (scratchSize[thread] ?? 0)) {
      scratch[thread] = reserve(need);
      scratchSize[thread] = need;
    }
    return scratch[thread];
  }

  // W_hh packed for the cells' backward (packAllB), sized for the largest seen.
  let packedAt = 0,
    packedSize = 0;
  function packedFor(K: number, N: number): number {
    const need = wasm.packedBytes(K, N);
    if (need > packedSize) {
      packedAt = reserve(need);
      packedSize = need;
    }
    return packedAt;
  }

  // Helper threads, started at the first call worth splitting.
  const wanted = Math.max(1, Math.floor(options.threads ?? 1)),
    splitWork = options.splitWork ?? SPLIT_WORK;
  let team: Team | null = null,
    teamTried = wanted <= 1;
  /** How many shares to cut `n` units of a call of `work` multiply-adds into. */
  function partsFor(n: number, work: number): number {
    if (wanted <= 1 || work < splitWork || n < 2) return 1;
    if (!teamTried) {
      teamTried = true;
      const controls = Array.from({ length: wanted - 1 }, () => reserve(CONTROL_WORDS * 4));
      team = startTeam(
        module!,
        memory,
        TEAM_KERNELS,
        wasm as unknown as Record<string, (...a: number[]) => void>,
        controls,
      );
    }
    return team ? Math.min(team.size, n) : 1;
  }
  /** Runs `op` on `parts` shares of [0, n) (aligned), argsFor(lo, hi, thread) giving each share's arguments. */
  function split(
    op: keyof KernelExports,
    n: number,
    parts: number,
    align: number,
    argsFor: (lo: number, hi: number, thread: number) => number[],
  ): void {
    if (parts <= 1) {
      (wasm[op] as (...a: number[]) => void)(...argsFor(0, n, 0));
      return;
    }
    const args = Array.from({ length: parts }, (_, p) => argsFor(...share(n, parts, p, align), p)); // scratch reserved before any thread runs
    team!.run(op, (p) => args[p], parts);
  }

  const addr = (v: Vec): number => v.byteOffset;
  /** Checks that every array is ours and at least `n` long (the kernels trust the lengths); throws otherwise. */
  function fit(op: string, ...vn: [Vec, number][]): void {
    for (const [v, n] of vn) {
      if (!(v instanceof Float32Array) || !ours.has(v.buffer)) {
        throw new Error(`wasm-simd backend: ${op} was given an array this backend did not allocate (use its alloc())`);
      }
      if (v.length < n) {
        throw new Error(`wasm-simd backend: ${op} was given an array of ${v.length} where it needs ${n}`);
      }
    }
  }
  /** Checks that each of the first `rows` ids selects a row of `table` (n wide) or is negative (no row). */
  function checkIds(op: string, ids: Int32Array, rows: number, table: Vec, n: number): void {
    if (ids.length < rows) throw new Error(`wasm-simd backend: ${op} was given ${ids.length} ids for ${rows} rows`);
    for (let r = 0; r < rows; r++) {
      if ((ids[r] + 1) * n > table.length) {
        throw new Error(`wasm-simd backend: ${op}: id ${ids[r]} is outside the table`);
      }
    }
  }

  // Token ids for the row kernels are copied here (a few KiB per window).
  let idsAt = 0,
    idsCap = 0;
  function idsIn(ids: Int32Array, rows: number): number {
    if (rows > idsCap) {
      idsCap = Math.max(rows, 2 * idsCap);
      idsAt = reserve(idsCap * 4);
    }
    new Int32Array(buffer, idsAt, rows).set(ids.subarray(0, rows));
    return idsAt;
  }

  const gemms: MatrixOps = {
    gemmNT(C, A, B, M, N, K) {
      if (M <= 0 || N <= 0 || K <= 0) return;
      fit('gemmNT', [C, M * N], [A, M * K], [B, N * K]);
      const c = addr(C),
        a = addr(A),
        b = addr(B);
      split('gemmNT', M, partsFor(M, M * N * K), 4, (lo, hi) => [c + lo * N * 4, a + lo * K * 4, b, hi - lo, N, K]);
    },
    gemmNN(C, A, B, M, N, K) {
      if (M <= 0 || N <= 0 || K <= 0) return;
      fit('gemmNN', [C, M * N], [A, M * K], [B, K * N]);
      const c = addr(C),
        a = addr(A),
        b = addr(B);
      split('gemmNN', M, partsFor(M, M * N * K), 4, (lo, hi, p) => [
        c + lo * N * 4,
        a + lo * K * 4,
        b,
        hi - lo,
        N,
        K,
        scratchFor(N, p),
      ]);
    },
    gemmTN(C, A, B, M, N, K) {
      if (M <= 0 || N <= 0 || K <= 0) return;
      fit('gemmTN', [C, M * N], [A, K * M], [B, K * N]);
      const c = addr(C),
        a = addr(A),
        b = addr(B);
      split('gemmTNRows', M, partsFor(M, M * N * K), 4, (lo, hi, p) => [c, a, b, M, N, K, lo, hi, scratchFor(N, p)]);
    },
  };

  // Partial sums of sumOfSquares (float64, one per chunk), sized for the largest seen.
  let squaresAt = 0,
    squaresCap = 0;

  const ops: Pick<
    Backend,
    | 'gatherRows'
    | 'scatterAddRows'
    | 'sumRows'
    | 'transpose'
    | 'sumOfSquares'
    | 'scale'
    | 'softmaxCrossEntropy'
    | 'adamUpdate'
  > = {
    gatherRows(dst, table, bias, ids, rows, n) {
      if (rows <= 0 || n <= 0) return;
      fit('gatherRows', [dst, rows * n], [table, 0], [bias, n]);
      checkIds('gatherRows', ids, rows, table, n);
      const d = addr(dst),
        t = addr(table),
        b = addr(bias),
        at = idsIn(ids, rows);
      split('gatherRows', rows, partsFor(rows, rows * n * 2), 1, (lo, hi) => [
        d + lo * n * 4,
        t,
        b,
        at + lo * 4,
        hi - lo,
        n,
      ]);
    },
    scatterAddRows(table, src, ids, rows, n) {
      if (rows <= 0 || n <= 0) return;
      fit('scatterAddRows', [src, rows * n], [table, 0]);
      checkIds('scatterAddRows', ids, rows, table, n);
      const t = addr(table),
        a = addr(src),
        at = idsIn(ids, rows);
      split('scatterAddRows', n, partsFor(n, rows * n), 4, (lo, hi) => [t, a, at, rows, n, lo, hi]);
    },
    transpose(dst, src, rows, cols, accumulate) {
      if (rows <= 0 || cols <= 0) return;
      fit('transpose', [dst, rows * cols], [src, rows * cols]);
      const d = addr(dst),
        a = addr(src);
      split('transposeRows', cols, partsFor(cols, rows * cols), 1, (lo, hi) => [
        d,
        a,
        rows,
        cols,
        lo,
        hi,
        accumulate ? 1 : 0,
      ]);
    },
    sumOfSquares(v) {
      const n = v.length,
        chunks = Math.ceil(n / SQUARES_CHUNK);
      if (n === 0) return 0;
      fit('sumOfSquares', [v, n]);
      if (chunks > squaresCap) {
        squaresCap = chunks;
        squaresAt = reserve(chunks * 8);
      }
      const a = addr(v);
      split('sumSquaresChunks', chunks, partsFor(chunks, n), 1, (lo, hi) => [squaresAt, a, n, SQUARES_CHUNK, lo, hi]);
      const partial = new Float64Array(buffer, squaresAt, chunks);
      let total = 0;
      for (let c = 0; c < chunks; c++) total += partial[c]; // in order: the same sum for any thread count
      return total;
    },
    scale(v, factor) {
      const n = v.length;
      if (n === 0) return;
      fit('scale', [v, n]);
      const a = addr(v),
        halves = new Int32Array(Float64Array.of(factor).buffer); // little-endian: low word first
      split('scaleRange', n, partsFor(n, n), 4, (lo, hi) => [a, lo, hi, halves[0], halves[1]]);
    },
    sumRows(db, d, m, n) {
      if (m <= 0 || n <= 0) return;
      fit('sumRows', [db, n], [d, m * n]);
      const a = addr(db),
        b = addr(d);
      split('sumRowsLd', n, partsFor(n, m * n * 2), 4, (lo, hi) => [a + lo * 4, b + lo * 4, m, hi - lo, n]);
    },
    softmaxCrossEntropy(p, g, targets, rows, n) {
      if (rows <= 0 || n <= 0) return NaN;
      fit('softmaxCrossEntropy', [p, rows * n], [g, rows * n]);
      // p ← softmax(p), g = p/rows in the kernel; the loss and the target's −1/rows here (rows numbers, not rows·n).
      const a = addr(p),
        b = addr(g),
        bits = floatBits(1 / rows);
      split('softmaxRowsBits', rows, partsFor(rows, rows * n * 16), 1, (lo, hi) => [
        a + lo * n * 4,
        b + lo * n * 4,
        hi - lo,
        n,
        bits,
      ]);
      let total = 0;
      for (let r = 0; r < rows; r++) {
        const o = r * n,
          y = targets[r];
        total -= Math.log(Math.max(p[o + y], 1e-30));
        g[o + y] -= 1 / rows;
      }
      return total / rows;
    },
    adamUpdate(p, g, m, v, lr, c1, c2) {
      const n = p.length;
      fit('adamUpdate', [p, 0], [g, n], [m, n], [v, n]);
      const a = [addr(p), addr(g), addr(m), addr(v)],
        hyper = [floatBits(lr), floatBits(c1), floatBits(c2)];
      split('adamUpdateRange', n, partsFor(n, 8 * n), 4, (lo, hi) => [...a, lo, hi, ...hyper]);
    },
  };

  const G = (kind: FusedKind, H: number) => (kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1) * H;
  function forward(kind: FusedKind, w: CellWeights, s: CellBuffers, xw: Vec, T: number, B: number, H: number): void {
    const op = `${kind}.forward`,
      GH = G(kind, H),
      TB = T * B,
      BH = B * H;
    if (T <= 0 || B <= 0 || H <= 0) return;
    fit(op, [w.whh, GH * H], [w.bhh, GH], [s.h, (T + 1) * BH], [xw, TB * GH]);
    if (kind === 'lstm') {
      fit(op, [s.c, (T + 1) * BH], [s.gates, TB * GH], [s.extra, TB * H]);
      const a = [addr(w.whh), addr(w.bhh), addr(s.h), addr(s.c), addr(s.gates), addr(s.extra), addr(xw), T, B, H];
      split('lstmForward', B, partsFor(B, TB * GH * H), 1, (lo, hi) => [...a, lo, hi]);
    } else if (kind === 'gru') {
      fit(op, [s.gates, TB * GH], [s.extra, TB * H], [s.tmp, B * GH]);
      const a = [addr(w.whh), addr(w.bhh), addr(s.h), addr(s.gates), addr(s.extra), addr(xw), addr(s.tmp), T, B, H];
      split('gruForward', B, partsFor(B, TB * GH * H), 1, (lo, hi) => [...a, lo, hi]);
    } else {
      const a = [addr(w.whh), addr(w.bhh), addr(s.h), addr(xw), T, B, H];
      split('rnnForward', B, partsFor(B, TB * GH * H), 1, (lo, hi) => [...a, lo, hi]);
    }
  }
  function backward(kind: FusedKind, w: CellWeights, s: CellBuffers, dhs: Vec, T: number, B: number, H: number): void {
    const op = `${kind}.backward`,
      GH = G(kind, H),
      TB = T * B,
      BH = B * H;
    if (T <= 0 || B <= 0 || H <= 0) return;
    fit(op, [w.whh, GH * H], [w.dwhh, GH * H], [w.dbhh, GH], [s.h, (T + 1) * BH], [dhs, TB * H], [s.dh, BH]);
    fit(op, [s.dxw, TB * GH]);
    if (kind === 'lstm') fit(op, [s.c, (T + 1) * BH], [s.gates, TB * GH], [s.extra, TB * H], [s.dc, BH]);
    if (kind === 'gru') fit(op, [s.gates, TB * GH], [s.extra, TB * H], [s.dhh, TB * GH]);
    const parts = partsFor(B, TB * GH * H),
      whhPacked = packedFor(GH, H);
    wasm.packAllB(whhPacked, addr(w.whh), H, GH); // W_hh as every step's ∂L/∂a<t-1> = dpre<t>·W_hh reads it
    if (kind === 'lstm') {
      const a = [
        whhPacked,
        addr(s.h),
        addr(s.c),
        addr(s.gates),
        addr(s.extra),
        addr(dhs),
        addr(s.dh),
        addr(s.dc),
        addr(s.dxw),
        T,
        B,
        H,
      ];
      split('lstmBackward', B, parts, 1, (lo, hi, p) => [...a, lo, hi, scratchFor(H, p)]);
    } else if (kind === 'gru') {
      const a = [
        whhPacked,
        addr(s.h),
        addr(s.gates),
        addr(s.extra),
        addr(dhs),
        addr(s.dh),
        addr(s.dxw),
        addr(s.dhh),
        T,
        B,
        H,
      ];
      split('gruBackward', B, parts, 1, (lo, hi, p) => [...a, lo, hi, scratchFor(H, p)]);
    } else {
      const a = [whhPacked, addr(s.h), addr(dhs), addr(s.dh), addr(s.dxw), T, B, H];
      split('rnnBackward', B, parts, 1, (lo, hi, p) => [...a, lo, hi, scratchFor(H, p)]);
    }
    // dW_hh and db_hh over the whole window (the GRU's from its recurrent-side gradients), shared by gate rows
    const dpre = kind === 'gru' ? s.dhh : s.dxw,
      a = [addr(w.dwhh), addr(w.dbhh), addr(dpre), addr(s.h), GH, H, TB];
    split('windowGrads', GH, partsFor(GH, TB * GH * H), 4, (lo, hi, p) => [...a, lo, hi, scratchFor(H, p)]);
  }

  // What has no kernel here: the TypeScript reference, on this backend's matrix kernels; listed in fallbacks.
  const reference = referenceCells(gemms),
    fallbacks: string[] = [];
  function plug<T>(name: string, op: T): T {
    fallbacks.push(name);
    return op;
  }
  function cellOps(name: CellName): CellOps {
    const kind = name === 'gruCourse' || name === 'lstmPeephole' || options.fusedCells === false ? null : name;
    return {
      forward: kind
        ? (w, s, xw, T, B, H) => forward(kind, w, s, xw, T, B, H)
        : plug(`${name}.forward`, reference[name].forward),
      backward: kind
        ? (w, s, dhs, T, B, H) => backward(kind, w, s, dhs, T, B, H)
        : plug(`${name}.backward`, reference[name].backward),
      backwardWithNorms: plug(`${name}.backwardWithNorms`, reference[name].backwardWithNorms),
    };
  }
  const cells = {
    lstm: cellOps('lstm'),
    gru: cellOps('gru'),
    gruCourse: cellOps('gruCourse'),
    rnn: cellOps('rnn'),
    lstmPeephole: cellOps('lstmPeephole'),
  };
  const optimizers: Pick<Backend, 'sgdUpdate' | 'rmspropUpdate' | 'adagradUpdate'> = {
    sgdUpdate: plug('sgdUpdate', referenceOps.sgdUpdate),
    rmspropUpdate: plug('rmspropUpdate', referenceOps.rmspropUpdate),
    adagradUpdate: plug('adagradUpdate', referenceOps.adagradUpdate),
  };

  return {
    name: 'wasm-simd',
    dtype: 'f32',
    threads: wanted,
    fallbacks,
    fma,
    ...gemms,
    ...ops,
    ...optimizers,
    cells,
    bytesUsed: () => top - FIRST,
    threadsInUse: () => (team?.ready() ? team.size : 1),
    approx(fn, y, x) {
      fit('approx', [y, x.length], [x, 0]);
      wasm.mathKernel(fn === 'sigmoid' ? 0 : fn === 'tanh' ? 1 : 2, addr(y), addr(x), x.length);
    },
    alloc(n: number): Vec {
      const at = reserve(n * 4);
      return new Float32Array(buffer, at, n).fill(0);
    },
  };
}
