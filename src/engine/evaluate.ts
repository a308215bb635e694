// Validation / evaluation: mean cross-entropy per predicted token over a token sequence, read as
// B streams in windows of T with the hidden state carried across windows (B = 1: one sequence).

import { Model } from './checkpoint';
import { Backend } from './kernels';
import { Network } from './network';
import { Rng } from './rng';

export interface EvalResult {
  loss: number;        // nats per predicted token
  perplexity: number;
  tokens: number;      // tokens predicted
}

export function evaluateTokens(model: Model, k: Backend, tokens: Int32Array, B: number, T: number): EvalResult {
  B = Math.max(1, Math.min(B, Math.floor((tokens.length - 1) / 2)));
  const L = Math.floor(tokens.length / B);
  if (L < 2) return { loss: NaN, perplexity: NaN, tokens: 0 };
  const net = new Network({ ...model.config, dropout: 0 }, model.params, k, Math.min(T, L - 1), B, new Rng(0));
  net.resetState(); // zeros, or a random a<0> from the seeded Rng(0): deterministic either way
  const ids = new Int32Array(net.maxT * B), targets = new Int32Array(net.maxT * B);
  let total = 0, count = 0;
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
