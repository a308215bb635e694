// A recurrent network over a window: input (one-hot or embedding) → N recurrent layers (dropout
// between them) → linear head → softmax cross-entropy. Buffers are sized once for a window of
// at most maxT steps and B streams (a window may use fewer); a language model carries a<T> to the
// next window.
//
//   lm, tag:   ŷ<t> = softmax(Wy·a<t> + by)    L = (1/TB) Σ_t Σ_b −log ŷ<t>[y<t>]   (many-to-many)
//   classify:  ŷ = softmax(Wy·r + by)          L = (1/B) Σ_b −log ŷ[y]              (many-to-one; r: readout.ts)
//
// The cell is chosen here, once: every layer runs the backend's operations for it (k.cells[cell.name]).

import { cellFor } from './cells';
import { ModelConfig } from './config';
import { Backend } from './backend';
import { RecurrentLayer } from './layer';
import { Params } from './params';
import { poolBackward, poolForward } from './readout';
import { Rng } from './rng';
import { Vec } from './types';

export class Network {
  readonly layers: RecurrentLayer[] = [];
  readonly logits: Vec; // [T·B·V] after forward; probabilities after loss()
  private readonly dLogits: Vec;
  private readonly dTop: Vec;
  private readonly embedded: Vec;
  private readonly noBias: Vec; // zeros: embedding rows are gathered with no bias
  private readonly masks: Vec[] = []; // dropout masks on layer l's output (l < layers − 1)
  private readonly dropped: Vec[] = [];
  private readonly pooled: Vec; // classify: the read-out r of each sequence [B·D·H]
  private readonly dPooled: Vec;
  private ids: Int32Array = new Int32Array(0);
  private T = 0;
  private b = 0; // the streams of the last window (≤ B)
  private train = false;

  constructor(
    readonly config: ModelConfig,
    readonly params: Params,
    readonly k: Backend,
    readonly maxT: number,
    readonly B: number,
    private readonly rng: Rng,
  ) {
    const c = config,
      cell = cellFor(c),
      D = c.bidirectional ? 2 : 1,
      TB = maxT * B,
      V = c.vocabSize;
    for (let l = 0; l < c.layers; l++) {
      const oneHot = l === 0 && c.input === 'onehot';
      const inSize = l > 0 ? D * c.hidden : oneHot ? V : c.embedSize;
      this.layers.push(new RecurrentLayer(k, params, cell, l, inSize, oneHot, c.hidden, D, maxT, B));
      if (l < c.layers - 1 && c.dropout > 0) {
        this.masks.push(k.alloc(TB * D * c.hidden));
        this.dropped.push(k.alloc(TB * D * c.hidden));
      }
    }
    this.embedded = k.alloc(c.input === 'embedding' ? TB * c.embedSize : 0);
    this.noBias = k.alloc(c.input === 'embedding' ? c.embedSize : 0);
    this.logits = k.alloc(TB * c.classes);
    this.dLogits = k.alloc(TB * c.classes);
    this.dTop = k.alloc(TB * D * c.hidden);
    const pooledSize = c.task === 'classify' ? B * D * c.hidden : 0;
    this.pooled = k.alloc(pooledSize);
    this.dPooled = k.alloc(pooledSize);
  }

  /** Rows of logits of the last window: one per step and stream, or (classify) one per stream. */
  private get rows(): number {
    return this.config.task === 'classify' ? this.b : this.T * this.b;
  }

  /**
   * Sets a<0> (and c<0>) of every stream to zeros, or to small random values (initState = random)
   * drawn from `rng` (default: the network's own). New buffers start at zeros.
   */
  resetState(stream?: number, rng: Rng = this.rng): void {
    const H = this.config.hidden;
    for (const layer of this.layers) {
      for (const dir of layer.dirs) {
        for (const v of [dir.s.h, dir.s.c]) {
          if (v.length === 0) continue;
          for (let b = stream ?? 0; b < (stream === undefined ? this.B : stream + 1); b++) {
            for (let j = 0; j < H; j++) v[b * H + j] = this.config.initState === 'random' ? rng.uniform(-0.1, 0.1) : 0;
          }
        }
      }
    }
  }

  /** Carries a<T> (and c<T>) of the last window into a<0> of the next (truncated BPTT: no gradient flows back). */
  carryState(): void {
    const BH = this.b * this.config.hidden,
      T = this.T;
    for (const layer of this.layers) {
      // A bidirectional layer's backward direction starts every window afresh.
      const dir = layer.dirs[0];
      dir.s.h.copyWithin(0, T * BH, (T + 1) * BH);
      if (dir.s.c.length) dir.s.c.copyWithin(0, T * BH, (T + 1) * BH);
      if (layer.D === 2) layer.dirs[1].s.h.fill(0, 0, BH);
      if (layer.D === 2 && layer.dirs[1].s.c.length) layer.dirs[1].s.c.fill(0, 0, BH);
    }
  }

  /** The hidden state a<0> (and c<0>) of every layer, as one flat array (checkpoints keep it). */
  stateVectors(): Vec[] {
    const BH = this.B * this.config.hidden;
    return this.layers.flatMap((l) =>
      l.dirs.flatMap((d) => [d.s.h.subarray(0, BH), d.s.c.subarray(0, d.s.c.length ? BH : 0)]),
    );
  }

  /**
   * ids: [T·B] token indices, time-major (−1: a zero input vector), for B ≤ the network's streams.
   * Returns logits [T·B·classes], or [B·classes] for a classifier.
   */
  forward(ids: Int32Array, T: number, train: boolean, B = this.B): Vec {
    const c = this.config,
      k = this.k,
      TB = T * B;
    this.ids = ids;
    this.T = T;
    this.b = B;
    this.train = train;
    for (const layer of this.layers) layer.B = B;
    let x: Vec | null = null;
    if (c.input === 'embedding') {
      // x<t> = row ids[t] of the embedding table (a zero vector for an id < 0)
      const E = c.embedSize;
      k.gatherRows(this.embedded, this.params.value('embed.weight'), this.noBias, ids, TB, E);
      x = this.embedded.subarray(0, TB * E);
    }
    for (let l = 0; l < this.layers.length; l++) {
      const layer = this.layers[l];
      let out = layer.forward(k, x, l === 0 && c.input === 'onehot' ? ids : null, T);
      if (l < this.masks.length && train) out = this.dropout(l, out);
      x = out;
    }
    const D = this.layers[this.layers.length - 1].D,
      Hout = D * c.hidden,
      C = c.classes,
      rows = this.rows;
    let top = x!;
    if (c.task === 'classify') {
      poolForward(c.pool, top, this.pooled, T, B, D, c.hidden);
      top = this.pooled.subarray(0, B * Hout);
    }
    const logits = this.logits.subarray(0, rows * C);
    for (let r = 0; r < rows; r++) logits.set(this.params.value('head.bias'), r * C);
    k.gemmNT(logits, top, this.params.value('head.weight'), rows, C, Hout);
    return logits;
  }

  /** What layer l handed upward in the last forward pass (after dropout when training). */
  private layerOutput(l: number): Vec {
    const out = this.layers[l].output(this.T);
    return l < this.dropped.length && this.train ? this.dropped[l].subarray(0, out.length) : out;
  }

  private dropout(l: number, out: Vec): Vec {
    const p = this.config.dropout,
      keep = 1 / (1 - p),
      mask = this.masks[l],
      y = this.dropped[l];
    for (let i = 0; i < out.length; i++) {
      mask[i] = this.rng.next() < p ? 0 : keep;
      y[i] = out[i] * mask[i];
    }
    return y.subarray(0, out.length);
  }

  /**
   * Softmax cross-entropy of the last forward pass: mean nats per row (token, or sequence for a classifier).
   * targets: one class per row. Turns this.logits into probabilities ŷ and leaves ∂L/∂logits ready for backward.
   */
  loss(targets: Int32Array): number {
    return this.k.softmaxCrossEntropy(this.logits, this.dLogits, targets, this.rows, this.config.classes);
  }

  /**
   * Backpropagation through time over the last window; adds into params.grad.
   * onlyStep: the loss is that of the last step alone, L<T> (diagnostics: ∂L<T>/∂a<t>), or of the first, L<1>
   * (a backward direction's mirror of it); a classifier's one loss is left as it is. dhNorms[layer][direction][t−1] receives
   * ‖∂L/∂a<t>‖, and cellNorms[layer][direction][t−1] (with dhNorms; LSTM) ‖∂L/∂c<t>‖.
   */
  backward(
    options: { onlyStep?: 'first' | 'last'; dhNorms?: Float64Array[][]; cellNorms?: Float64Array[][] } = {},
  ): void {
    const c = this.config,
      k = this.k,
      T = this.T,
      B = this.b,
      TB = T * B,
      V = c.classes,
      rows = this.rows;
    const top = this.layers.length - 1,
      D = this.layers[top].D,
      Hout = D * c.hidden;
    const dLogits = this.dLogits.subarray(0, rows * V);
    if (options.onlyStep && c.task !== 'classify') {
      // ∂L<t>/∂logits = T·∂L/∂logits on step t's rows (L is their mean over the T steps), 0 elsewhere
      const t = options.onlyStep === 'last' ? T - 1 : 0;
      dLogits.fill(0, 0, t * B * V);
      dLogits.fill(0, (t + 1) * B * V, TB * V);
      for (let i = t * B * V; i < (t + 1) * B * V; i++) dLogits[i] *= T;
    }
    const classify = c.task === 'classify';
    const headIn = classify ? this.pooled.subarray(0, B * Hout) : this.layerOutput(top);
    k.gemmTN(this.params.gradient('head.weight'), dLogits, headIn, V, Hout, rows);
    k.sumRows(this.params.gradient('head.bias'), dLogits, rows, V);
    let dOut = this.dTop.subarray(0, TB * Hout);
    const dHeadIn = classify ? this.dPooled.subarray(0, B * Hout) : dOut;
    dHeadIn.fill(0);
    k.gemmNN(dHeadIn, dLogits, this.params.value('head.weight'), rows, Hout, V);
    if (classify) poolBackward(c.pool, dHeadIn, dOut, T, B, D, c.hidden);
    for (let l = top; l >= 0; l--) {
      const layer = this.layers[l];
      const x =
        l === 0
          ? c.input === 'embedding'
            ? this.embedded.subarray(0, TB * c.embedSize)
            : null
          : this.layerOutput(l - 1);
      const ids = l === 0 && c.input === 'onehot' ? this.ids : null;
      layer.backward(k, x, ids, dOut, T, options.dhNorms?.[l], options.cellNorms?.[l]);
      if (l > 0) {
        dOut = layer.dIn.subarray(0, TB * layer.inSize);
        if (l - 1 < this.masks.length && this.train) {
          const m = this.masks[l - 1];
          for (let i = 0; i < dOut.length; i++) dOut[i] *= m[i];
        }
      }
    }
    if (c.input === 'embedding') {
      k.scatterAddRows(this.params.gradient('embed.weight'), this.layers[0].dIn, this.ids, TB, c.embedSize);
    }
  }
}
