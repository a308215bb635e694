// Decoding an encoder–decoder's output: greedy, and beam search with length normalisation.
//
//   log P(y | x) = Σ_t log ŷ<t>[y<t>]              the <EOS> that ends y included
//   score(y) = log P(y | x) / |y|^α                |y| counts the tokens with <EOS>; α = 0.7 by default
//
// Greedy takes y<t> = argmax ŷ<t> until <EOS> or maxLen tokens. Beam search keeps the K most probable
// unfinished prefixes (by log P): each step it ranks every one-token extension of them, the first 2K
// candidates are read in order: an <EOS> among the first K finishes its hypothesis, the other ones refill
// the beam up to K. It stops when K hypotheses have finished, the beam is empty, or after maxLen steps
// (the prefixes still open then count as hypotheses without <EOS>); the answer is the best score. With
// K = 1 this is greedy decoding, token for token (ties go to the lower token id in both).

import { Vec } from '../types';
import { Seq2Seq } from './seq2seq';

/** The default α of the length normalisation |y|^α (0: none, 1: mean log-probability per token). */
export const LENGTH_ALPHA = 0.7;

export interface DecodeOptions {
  bos: number; // the decoder's first input
  eos: number; // ends an output
  maxLen: number; // at most this many tokens, <EOS> included
}

export interface Hypothesis {
  tokens: number[]; // the output, without <EOS>
  logProb: number; // log P(y | x), <EOS> included when finished
  score: number; // logProb / |y|^α
  finished: boolean; // ended by <EOS> (false: cut at maxLen)
}

/** Row b of logits [rows·V] as log-probabilities: out[v] = log softmax(logits)[v], out [V]. */
function logSoftmaxRow(logits: Vec, b: number, V: number, out: Float64Array): void {
  const o = b * V;
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, logits[o + v]);
  let sum = 0;
  for (let v = 0; v < V; v++) sum += Math.exp(logits[o + v] - max);
  const logZ = max + Math.log(sum);
  for (let v = 0; v < V; v++) out[v] = logits[o + v] - logZ;
}

function hypothesis(tokens: number[], logProb: number, finished: boolean, alpha: number): Hypothesis {
  const length = tokens.length + (finished ? 1 : 0);
  return { tokens, logProb, score: logProb / Math.pow(Math.max(length, 1), alpha), finished };
}

/**
 * Greedy decoding of B sources of one length S at once (src [S·B], time-major); B ≤ the model's maxB.
 * Returns one hypothesis per source, scored with `alpha`.
 */
export function greedyDecode(
  model: Seq2Seq,
  src: Int32Array,
  S: number,
  B: number,
  options: DecodeOptions,
  alpha = LENGTH_ALPHA,
): Hypothesis[] {
  const V = model.config.targetVocab,
    logp = new Float64Array(V),
    prev = new Int32Array(B).fill(options.bos),
    identity = Int32Array.from({ length: B }, (_, b) => b);
  const out = Array.from({ length: B }, () => ({ tokens: [] as number[], logProb: 0, finished: false }));
  model.encode(src, S, B);
  for (let step = 0; step < options.maxLen && out.some((o) => !o.finished); step++) {
    const logits = model.decodeStep(prev, B);
    for (let b = 0; b < B; b++) {
      const o = out[b];
      if (o.finished) continue;
      logSoftmaxRow(logits, b, V, logp);
      let best = 0;
      for (let v = 1; v < V; v++) if (logp[v] > logp[best]) best = v;
      o.logProb += logp[best];
      if (best === options.eos) o.finished = true;
      else o.tokens.push(best);
      prev[b] = best;
    }
    model.advance(identity);
  }
  return out.map((o) => hypothesis(o.tokens, o.logProb, o.finished, alpha));
}

interface Candidate {
  logProb: number;
  parent: number;
  token: number;
}

/** Candidate a before b: higher log P first, then the lower parent, then the lower token. */
const before = (a: Candidate, b: Candidate) => b.logProb - a.logProb || a.parent - b.parent || a.token - b.token;

/**
 * Beam search with K beams over one source src [S] (K ≤ the model's maxB). Returns the hypotheses found,
 * best score first, at most K: the finished ones, and those cut at maxLen when fewer than K finished.
 */
export function beamDecode(
  model: Seq2Seq,
  src: Int32Array,
  S: number,
  K: number,
  options: DecodeOptions,
  alpha = LENGTH_ALPHA,
): Hypothesis[] {
  if (!(Number.isInteger(K) && K >= 1 && K <= model.maxB))
    throw new Error(
      `beam search with K = ${K} beams needs a model built for at least K streams (it has ${model.maxB})`,
    );
  const V = model.config.targetVocab,
    logp = new Float64Array(V);
  let beam = [{ tokens: [] as number[], logProb: 0 }];
  const finished: Hypothesis[] = [];
  model.encode(src, S, 1);
  for (let step = 0; step < options.maxLen && beam.length > 0 && finished.length < K; step++) {
    const logits = model.decodeStep(
      Int32Array.from(beam, (h) => h.tokens.at(-1) ?? options.bos),
      beam.length,
    );
    const candidates: Candidate[] = [];
    beam.forEach((h, parent) => {
      logSoftmaxRow(logits, parent, V, logp);
      for (let token = 0; token < V; token++) candidates.push({ logProb: h.logProb + logp[token], parent, token });
    });
    candidates.sort(before);
    const next: typeof beam = [],
      parents: number[] = [];
    for (let rank = 0; rank < Math.min(2 * K, candidates.length) && next.length < K; rank++) {
      const { logProb, parent, token } = candidates[rank];
      if (token !== options.eos) {
        next.push({ tokens: [...beam[parent].tokens, token], logProb });
        parents.push(parent);
      } else if (rank < K && finished.length < K) finished.push(hypothesis(beam[parent].tokens, logProb, true, alpha));
    }
    beam = next;
    model.advance(Int32Array.from(parents));
  }
  const open = finished.length < K ? beam.map((h) => hypothesis(h.tokens, h.logProb, false, alpha)) : [];
  return [...finished, ...open].sort((a, b) => b.score - a.score).slice(0, K);
}
