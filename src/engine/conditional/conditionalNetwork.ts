// A language model conditioned on a label (one-to-many): the label's learned vector v sets the
// initial state a<0> of every layer, so one recurrent network writes in each label's style.
//
//   v = E_c[label]                          E_c = cond.embed.weight, one row of H per label
//   a<0>[l] = tanh(W_c[l]·v + b_c[l])       layer l (W_c[l] = cond.weight_l{l} [H, H], b_c[l] = cond.bias_l{l});
//                                           an LSTM's c<0>[l] = 0
//   x<1> = 0, x<t+1> = y<t>                 (id −1: the zero input)
//   ŷ<t> = softmax(Wy·a<t> + by)            L = (1/TB) Σ_t Σ_b −log ŷ<t>[y<t>], y<T> = end of line
//
// Backward: BPTT (network.ts) leaves ∂L/∂a<0>[l] in each layer's CellBuffers.dh; with z = W_c[l]·v + b_c[l],
//   ∂L/∂z = ∂L/∂a<0>[l] * (1 − a<0>[l]²)
//   ∂L/∂W_c[l] += ∂L/∂z · vᵀ,   ∂L/∂b_c[l] += ∂L/∂z,   ∂L/∂E_c[label] += Σ_l W_c[l]ᵀ · ∂L/∂z.

import { Backend } from '../backend';
import { ModelConfig } from '../config';
import { Network } from '../network';
import { Params } from '../params';
import { Rng } from '../rng';
import { Vec } from '../types';

export class ConditionalNetwork {
  readonly net: Network;
  private labels: Int32Array = new Int32Array(0); // the label of each stream of the last window
  private readonly dz: Float64Array; // ∂L/∂z of one stream

  constructor(
    readonly config: ModelConfig,
    readonly params: Params,
    k: Backend,
    maxT: number,
    B: number,
    rng: Rng,
  ) {
    this.net = new Network(config, params, k, maxT, B, rng);
    this.dz = new Float64Array(config.hidden);
  }

  /** Sets a<0>[l] = tanh(W_c[l]·E_c[label] + b_c[l]) (and c<0> = 0) of stream b for labels[b], b < labels.length. */
  start(labels: Int32Array): void {
    this.labels = labels;
    const H = this.config.hidden,
      E = this.params.value('cond.embed.weight');
    this.net.layers.forEach((layer, l) => {
      const W = this.params.value(`cond.weight_l${l}`),
        bias = this.params.value(`cond.bias_l${l}`),
        s = layer.dirs[0].s;
      labels.forEach((label, b) => {
        const v = label * H;
        for (let i = 0; i < H; i++) {
          let z = bias[i];
          for (let m = 0; m < H; m++) z += W[i * H + m] * E[v + m];
          s.h[b * H + i] = Math.tanh(z);
        }
      });
      if (s.c.length) s.c.fill(0, 0, labels.length * H);
    });
  }

  /** ids: [T·B] time-major inputs of B = labels.length streams. Returns the logits [T·B·V]. */
  forward(labels: Int32Array, ids: Int32Array, T: number, train: boolean): Vec {
    this.start(labels);
    return this.net.forward(ids, T, train, labels.length);
  }

  /** Mean nats per token of the last forward pass (network.ts loss). */
  loss(targets: Int32Array): number {
    return this.net.loss(targets);
  }

  /** BPTT through the window and on into the labels' vectors and the conditioning weights; adds into params.grad. */
  backward(): void {
    this.net.backward();
    const H = this.config.hidden,
      dz = this.dz,
      E = this.params.value('cond.embed.weight'),
      dE = this.params.gradient('cond.embed.weight');
    this.net.layers.forEach((layer, l) => {
      const W = this.params.value(`cond.weight_l${l}`),
        dW = this.params.gradient(`cond.weight_l${l}`),
        db = this.params.gradient(`cond.bias_l${l}`),
        s = layer.dirs[0].s;
      this.labels.forEach((label, b) => {
        const v = label * H;
        for (let i = 0; i < H; i++) {
          const a0 = s.h[b * H + i];
          dz[i] = s.dh[b * H + i] * (1 - a0 * a0);
          db[i] += dz[i];
          for (let m = 0; m < H; m++) {
            dW[i * H + m] += dz[i] * E[v + m];
            dE[v + m] += W[i * H + m] * dz[i];
          }
        }
      });
    });
  }
}
