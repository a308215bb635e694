// The model's surprise at each character of a text: −log p(x<t> | x<1..t−1>) in nats, where p is the
// ŷ the model gave, after reading the characters before, to the character that came. The first
// character of the file has no prediction (nothing was read before it): its surprise is NaN (JSON
// null), and the mean over the rest is `seqlab eval`'s loss on the same text (the same network, the
// same carried state; evaluate.ts with B = 1).

import { Model } from '../checkpoint';
import { Backend } from '../backend';
import { CHUNK, ReadRange, ReadState, readText } from './reader';

export interface SurpriseOptions extends ReadRange {
  top?: number; // keep the K likeliest tokens of every prediction (the hover's alternatives); 0: none
}

/** The surprise at tokens [start, start + surprise.length). */
export interface SurpriseResult {
  start: number;
  /**
   * surprise[i]: −log ŷ[token start + i] in nats, from the prediction made after reading token start + i − 1.
   * NaN at i = 0: token `start` is predicted by the pass that read token start − 1 (and the file's first token by none).
   */
  surprise: Float64Array;
  mean: number; // over the predictions of this pass (NaN when none)
  predicted: number; // how many
  /** With top = K: topIds[i·K + r], topProbs[i·K + r] the r-th likeliest token of the prediction of token start + i (−1, NaN at i = 0). */
  top?: { k: number; ids: Int32Array; probs: Float32Array };
  checkpoints: ReadState[];
}

/** −log ŷ of every token of `ids` in [from.at, to) that this pass predicts, with the top alternatives when asked. */
export function surprise(model: Model, k: Backend, ids: Int32Array, options: SurpriseOptions = {}): SurpriseResult {
  const start = options.from?.at ?? 0,
    end = options.to ?? ids.length,
    n = end - start,
    K = Math.min(options.top ?? 0, model.config.vocabSize),
    V = model.config.vocabSize;
  const out = new Float64Array(Math.max(0, n)).fill(NaN);
  const topIds = new Int32Array(n * K).fill(-1),
    topProbs = new Float32Array(n * K).fill(NaN);
  const targets = new Int32Array(CHUNK);
  let total = 0,
    count = 0;
  const checkpoints = readText(model, k, ids, options, ({ net, start: p, steps }) => {
    // Row r predicts token p + r + 1; the last row of the range predicts nothing this pass reads.
    const rows = Math.min(steps, end - 1 - p);
    if (rows <= 0) return;
    for (let r = 0; r < rows; r++) targets[r] = ids[p + r + 1];
    k.softmaxCrossEntropy(net.logits, scratch(k, rows * V), targets, rows, V); // logits → ŷ
    const y = net.logits;
    for (let r = 0; r < rows; r++) {
      const i = p + r + 1 - start,
        s = -Math.log(y[r * V + targets[r]]);
      out[i] = s;
      total += s;
      count++;
      if (K > 0) likeliest(y, r * V, V, K, topIds, topProbs, i * K);
    }
  });
  return {
    start,
    surprise: out,
    mean: count > 0 ? total / count : NaN,
    predicted: count,
    ...(K > 0 ? { top: { k: K, ids: topIds, probs: topProbs } } : {}),
    checkpoints,
  };
}

// The gradient buffer softmaxCrossEntropy writes (unused here), one per backend, grown as needed.
const scratches = new WeakMap<Backend, Float32Array | Float64Array>();
function scratch(k: Backend, n: number): Float32Array | Float64Array {
  let g = scratches.get(k);
  if (!g || g.length < n) scratches.set(k, (g = k.alloc(n)));
  return g;
}

/** The K likeliest of p[o … o+V) into ids/probs at d, likeliest first (ties: the lower id first). */
function likeliest(
  p: ArrayLike<number>,
  o: number,
  V: number,
  K: number,
  ids: Int32Array,
  probs: Float32Array,
  d: number,
) {
  let filled = 0;
  for (let v = 0; v < V; v++) {
    const x = p[o + v];
    if (filled === K && !(x > probs[d + K - 1])) continue;
    let r = Math.min(filled, K - 1);
    while (r > 0 && x > probs[d + r - 1]) {
      probs[d + r] = probs[d + r - 1];
      ids[d + r] = ids[d + r - 1];
      r--;
    }
    probs[d + r] = x;
    ids[d + r] = v;
    if (filled < K) filled++;
  }
}

/** The hover's alternatives at token `index` of a result: the K likeliest tokens and their probabilities. */
export function alternativesAt(result: SurpriseResult, index: number): { token: number; p: number }[] {
  const i = index - result.start;
  if (!result.top || i < 0 || i >= result.surprise.length || Number.isNaN(result.surprise[i])) return [];
  const { k: K, ids, probs } = result.top;
  return Array.from({ length: K }, (_, r) => ({ token: ids[i * K + r], p: probs[i * K + r] }));
}
