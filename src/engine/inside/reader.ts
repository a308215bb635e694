// Reading a whole text through a character-level language model, one stream, the state carried from
// the file's start to its end exactly as `seqlab eval` carries it (evaluate.ts with B = 1): a<0> (and
// c<0>) from Network.resetState with a fresh Rng(0) — zeros, or the same random a<0> as eval for an
// initState = random model — then a<t> = cell(a<t−1>, x<t>) token after token, in chunks of at most
// CHUNK steps (the chunking changes no number: the state is handed on whole between chunks).
//
// Token i (0-based) is x<i+1>; after reading it the network holds a<i+1>, whose ŷ predicts token i + 1.
// A ReadState taken at `at` is the state after reading tokens 0 … at−1, so a later pass can restart
// there instead of at the file's start (the editor keeps one every `checkpointEvery` tokens and, after
// an edit whose first changed token is e, restarts from the last one with at < e).

import { Model } from '../checkpoint';
import { Backend } from '../backend';
import { SeqLabError } from '../errors';
import { Network } from '../network';
import { Params } from '../params';
import { Rng } from '../rng';
import { Vec } from '../types';

/** Steps per forward pass: long enough to amortise each call, short enough to keep the buffers small. */
export const CHUNK = 256;

/** The state after reading tokens [0, at): a<at> (and c<at>) of every layer, in Network.stateVectors order. */
export interface ReadState {
  at: number;
  vectors: Vec[];
}

/** Which tokens a pass reads: [from.at (0 without from), to), from a saved state or from the file's start. */
export interface ReadRange {
  from?: ReadState;
  to?: number; // default: the end of the text
  checkpointEvery?: number; // keep a ReadState every this many tokens (absolute positions: multiples of it); 0: none
}

/** One chunk just read: tokens [start, start + steps) are in the network's buffers (block i + 1 after token start + i). */
export interface Chunk {
  net: Network;
  start: number;
  steps: number;
}

// One network per model and backend, kept between passes: the editor reads often, and a WebAssembly
// backend never frees the memory of a network it allocated.
const networks = new WeakMap<Params, { net: Network; key: string }>();

function readerNetwork(model: Model, k: Backend): Network {
  const kept = networks.get(model.params),
    key = JSON.stringify(model.config);
  if (kept && kept.net.k === k && kept.key === key) return kept.net;
  const net = new Network({ ...model.config, dropout: 0 }, model.params, k, CHUNK, 1, new Rng(0));
  networks.set(model.params, { net, key });
  return net;
}

/** Refuses what a per-character reading cannot show: a model that is not a left-to-right character-level language model. */
export function checkReadable(model: Model): void {
  const c = model.config;
  if (c.task !== 'lm')
    throw new SeqLabError(
      `surprise and neurons read language models; this checkpoint is a ${c.task === 'conditional' ? 'conditional language model (its a<0> depends on a label)' : `${c.task === 'tag' ? 'tagger' : 'classifier'}`}`,
    );
  if (model.tokenizer.spec.level !== 'char')
    throw new SeqLabError(
      'surprise and neurons read character-level models (one value per character); this model reads words',
    );
}

/**
 * Reads tokens [from, to) of `ids`, calling onChunk after each forward pass (its buffers hold the
 * chunk's a<t>, c<t>, gates and logits). Returns the ReadStates kept on the way.
 */
export function readText(
  model: Model,
  k: Backend,
  ids: Int32Array,
  range: ReadRange,
  onChunk: (chunk: Chunk) => void,
): ReadState[] {
  checkReadable(model);
  const start = range.from?.at ?? 0,
    end = range.to ?? ids.length,
    every = range.checkpointEvery ?? 0;
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= ids.length))
    throw new SeqLabError(`cannot read tokens ${start} to ${end} of a text of ${ids.length}`);
  const net = readerNetwork(model, k);
  const state = net.stateVectors();
  if (range.from) {
    if (range.from.vectors.length !== state.length || range.from.vectors.some((v, i) => v.length !== state[i].length))
      throw new SeqLabError('the saved reading state is not one of this model');
    range.from.vectors.forEach((v, i) => state[i].set(v));
  } else net.resetState(undefined, new Rng(0)); // as evaluateTokens does
  const kept: ReadState[] = [];
  const window = new Int32Array(CHUNK);
  for (let p = start; p < end;) {
    const next = every > 0 ? (Math.floor(p / every) + 1) * every : Infinity;
    const steps = Math.min(CHUNK, end - p, next - p);
    window.set(ids.subarray(p, p + steps));
    net.forward(window, steps, false);
    onChunk({ net, start: p, steps });
    net.carryState();
    p += steps;
    if (p === next) kept.push({ at: p, vectors: net.stateVectors().map((v) => v.slice()) });
  }
  return kept;
}
