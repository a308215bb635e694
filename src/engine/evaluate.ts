// Validation / evaluation: mean cross-entropy per predicted token over a token sequence, read as
// B streams in windows of T with the hidden state carried across windows (B = 1: one sequence).

import { Model } from './checkpoint';
import { Backend } from './backend';
import { Network } from './network';
import { Params } from './params';
import { Rng } from './rng';

// The evaluation network of a model, kept between calls (validation runs every few hundred steps):
// building one allocates its buffers again, and a WebAssembly backend never frees memory.
const networks = new WeakMap<Params, { net: Network; key: string }>();

function evalNetwork(model: Model, k: Backend, T: number, B: number): Network {
  const kept = networks.get(model.params),
    key = JSON.stringify(model.config);
  if (kept && kept.net.k === k && kept.net.maxT === T && kept.net.B === B && kept.key === key) return kept.net;
  const net = new Network({ ...model.config, dropout: 0 }, model.params, k, T, B, new Rng(0));
  networks.set(model.params, { net, key });
  return net;
}

export interface EvalResult {
  loss: number; // nats per predicted token
  perplexity: number;
  tokens: number; // tokens predicted
}

export function evaluateTokens(model: Model, k: Backend, tokens: Int32Array, B: number, T: number): EvalResult {
  B = Math.max(1, Math.min(B, Math.floor((tokens.length - 1) / 2)));
  const L = Math.floor(tokens.length / B);
  if (L < 2) return { loss: NaN, perplexity: NaN, tokens: 0 };
  const net = evalNetwork(model, k, Math.min(T, L - 1), B);
  net.resetState(undefined, new Rng(0)); // zeros, or a random a<0> from a fresh Rng(0): deterministic either way
  const ids = new Int32Array(net.maxT * B),
    targets = new Int32Array(net.maxT * B);
  let total = 0,
    count = 0;
  for (let p = 0; p < L - 1; p += net.maxT) {
    const t = Math.min(net.maxT, L - 1 - p);
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < t; i++) {
        ids[i * B + b] = tokens[b * L + p + i];
        targets[i * B + b] = tokens[b * L + p + i + 1];
      }
    }
    net.forward(ids, t, false);
    total += net.loss(targets) * t * B;
    count += t * B;
    net.carryState();
  }
  const loss = total / count;
  return { loss, perplexity: Math.exp(loss), tokens: count };
}
