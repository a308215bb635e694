// Shared data rules for the JavaScript peers (bench/peers/torch_peer.py mirrors them in Python).
//
// Vocabulary: sorted unique code points of the WHOLE corpus (so validation has no unknown chars).
// Split: the last floor(N * valFraction) chars are validation, the rest is training.
// Batching (training): B parallel streams. streamLen = floor((len - 1) / B); stream b covers
//   [b*streamLen, (b+1)*streamLen] (one extra char for the last target). Window w of length T:
//   x[b][t] = ids[b*streamLen + w*T + t], y[b][t] = ids[b*streamLen + w*T + t + 1],
//   nWindows = floor(streamLen / T). Training cycles w = 0..nWindows-1 with the hidden state
//   carried (detached) across windows and reset to zero when it wraps to w = 0.
// Validation, as `seqlab eval CKPT SLICE` scores SeqLab (src/engine/evaluate.ts with B = 1): ONE
//   stream over the first min(len(val), valMax) chars of the validation part, the state carried
//   from zero to its end (fed EVAL_CHUNK chars at a time); mean cross-entropy in nats over every
//   predicted char (len - 1 predictions: x = slice[i], target = slice[i + 1]). Evaluation stops
//   after evalMaxSeconds for slow peers; they then report valChars < len - 1 and valTruncated: true.
import fs from 'node:fs';

export function loadCorpus(file, valFraction = 0.1) {
  const text = fs.readFileSync(file, 'utf8');
  const chars = Array.from(text);
  const vocab = [...new Set(chars)].sort((a, b) => a.codePointAt(0) - b.codePointAt(0));
  const index = new Map(vocab.map((c, i) => [c, i]));
  const ids = new Int32Array(chars.length);
  for (let i = 0; i < chars.length; i++) ids[i] = index.get(chars[i]);
  const valLen = Math.floor(chars.length * valFraction);
  const split = chars.length - valLen;
  return { text, vocab, ids, train: ids.subarray(0, split), val: ids.subarray(split) };
}

export function streams(ids, B, T) {
  const streamLen = Math.floor((ids.length - 1) / B);
  const nWindows = Math.floor(streamLen / T);
  if (nWindows < 1) throw new Error(`text too short for ${B} streams of ${T}`);
  /** window w -> {x: Int32Array(B*T), y: Int32Array(B*T)} in row-major [b][t] */
  function window(w) {
    const x = new Int32Array(B * T),
      y = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const base = b * streamLen + w * T;
      for (let t = 0; t < T; t++) {
        x[b * T + t] = ids[base + t];
        y[b * T + t] = ids[base + t + 1];
      }
    }
    return { x, y };
  }
  return { streamLen, nWindows, window };
}

/** Chars per forward call of the one-stream evaluation (torch_peer.py's EVAL_CHUNK). */
export const EVAL_CHUNK = 1024;

/** The validation stream's chunks: {x, y} Int32Arrays of up to EVAL_CHUNK inputs and their next chars. */
export function* valChunks(val, valMax) {
  const slice = val.subarray(0, Math.min(val.length, valMax));
  for (let s = 0; s < slice.length - 1; s += EVAL_CHUNK) {
    const e = Math.min(s + EVAL_CHUNK, slice.length - 1);
    yield { x: slice.subarray(s, e), y: slice.subarray(s + 1, e + 1) };
  }
}

export function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const key = a.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) {
      out[key] = true;
      continue;
    }
    i++;
    out[key] = typeof defaults[key] === 'number' ? Number(next) : next;
  }
  return out;
}

export const PEER_DEFAULTS = {
  corpus: '',
  cell: 'lstm',
  hidden: 256,
  batch: 32,
  seqLen: 64,
  lr: 0.002,
  clip: 5,
  seconds: 20,
  valFraction: 0.1,
  valMax: 65536,
  warmupSteps: 5,
  warmupSeconds: 2,
  seed: 1,
  evalMaxSeconds: 60,
  embedding: 0, // E > 0: a learned embedding of size E as the input (peers that have none skip)
};

/** Steady-state speed: drop the first warm-up steps (at least warmupSteps steps and
 * min(warmupSeconds, 10 % of the budget) seconds), then chars/step * steps / time. */
export function makeClock(opts, charsPerStep) {
  const warmS = Math.min(opts.warmupSeconds, 0.1 * opts.seconds);
  const t0 = performance.now();
  let steps = 0,
    wSteps = -1,
    wTime = 0,
    last = 0;
  return {
    elapsed: () => (performance.now() - t0) / 1000,
    step() {
      steps++;
      const e = (performance.now() - t0) / 1000;
      last = e;
      if (wSteps < 0 && steps >= opts.warmupSteps && e >= warmS) {
        wSteps = steps;
        wTime = e;
      }
      return e;
    },
    summary() {
      const e = last;
      const measured = wSteps >= 0 && steps > wSteps;
      return {
        steps,
        trainSeconds: e,
        warmupSteps: measured ? wSteps : null,
        charsPerSec: measured
          ? (charsPerStep * (steps - wSteps)) / (e - wTime)
          : steps
            ? (charsPerStep * steps) / e
            : null,
        charsPerSecIncludesWarmup: !measured,
      };
    },
  };
}

export function maxRssMB() {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
}
