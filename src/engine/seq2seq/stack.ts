// One side of an encoder–decoder: input x<t> (a learned embedding, or one-hot) → a stack of recurrent
// layers (layer.ts), with the PyTorch names under a prefix ("encoder." or "decoder."):
//   <prefix>embed.weight [V, E]    (embedding input)        <prefix>rnn.*    (nn.RNN/GRU/LSTM)
// With a context of C values per stream (the decoder), the first layer reads x<t> = [x_tok<t> ‖ ctx] at
// every step, where x_tok<t> is the token's embedding or one-hot vector and ctx is the same for all t
// (its input size is E + C or V + C; one-hot rows are then written out densely).
// No dropout between the layers. Buffers are sized once for at most maxT steps and maxB streams.

import { Backend } from '../backend';
import { Cell } from '../cells/cell';
import { RecurrentLayer } from '../layer';
import { Params } from '../params';
import { Vec } from '../types';
import { Seq2SeqConfig } from './seq2seqParams';

export class Stack {
  readonly layers: RecurrentLayer[] = [];
  private readonly inputs: Vec; // [T·B·In] the first layer's x<t> of the last forward pass (dense input)
  private readonly dTop: Vec; // [T·B·D·H] ∂L/∂(top layer's output), filled by the caller in backward
  private readonly embedName: string;
  private ids: Int32Array = new Int32Array(0);
  private T = 0;
  /** ∂L/∂ctx [B·C] of the last backward pass (Σ over the steps t), with a context. */
  readonly dContext: Vec;

  constructor(
    private readonly k: Backend,
    private readonly params: Params,
    private readonly config: Seq2SeqConfig,
    cell: Cell,
    prefix: 'encoder.' | 'decoder.',
    readonly vocab: number,
    readonly D: number,
    maxT: number,
    maxB: number,
    readonly contextSize = 0,
  ) {
    const c = config,
      sparse = this.sparse;
    for (let l = 0; l < c.layers; l++) {
      const inSize = l > 0 ? D * c.hidden : this.tokenSize + contextSize;
      this.layers.push(
        new RecurrentLayer(k, params, cell, l, inSize, sparse && l === 0, c.hidden, D, maxT, maxB, prefix),
      );
    }
    this.embedName = `${prefix}embed.weight`;
    this.inputs = k.alloc(sparse ? 0 : maxT * maxB * (this.tokenSize + contextSize));
    this.dTop = k.alloc(maxT * maxB * D * c.hidden);
    this.dContext = k.alloc(maxB * contextSize);
  }

  /** The size of a token's input vector: E (embedding) or V (one-hot). */
  private get tokenSize(): number {
    return this.config.input === 'embedding' ? this.config.embedSize : this.vocab;
  }

  /** One-hot input without a context: the first layer reads token ids (no dense x<t>). */
  private get sparse(): boolean {
    return this.config.input === 'onehot' && this.contextSize === 0;
  }

  /**
   * ids: [T·B] token indices, time-major; context: [B·C] the ctx of each stream (with a context). Runs every
   * layer from the a<0> (and c<0>) its buffers hold; returns the top layer's outputs a<1…T> [T·B·D·H].
   */
  forward(ids: Int32Array, T: number, B: number, context?: Vec): Vec {
    const TB = T * B,
      C = this.contextSize,
      X = this.tokenSize,
      In = X + C;
    this.ids = ids;
    this.T = T;
    for (const layer of this.layers) layer.B = B;
    let x: Vec | null = null;
    if (!this.sparse) {
      // x<t> = [x_tok<t> ‖ ctx] for row r = t·B + b
      const table = this.config.input === 'embedding' ? this.params.value(this.embedName) : null;
      x = this.inputs.subarray(0, TB * In);
      for (let r = 0; r < TB; r++) {
        const o = r * In;
        if (table) x.set(table.subarray(ids[r] * X, (ids[r] + 1) * X), o);
        else {
          x.fill(0, o, o + X);
          x[o + ids[r]] = 1;
        }
        if (C) x.set(context!.subarray((r % B) * C, ((r % B) + 1) * C), o + X);
      }
    }
    for (let l = 0; l < this.layers.length; l++)
      x = this.layers[l].forward(this.k, x, l === 0 && this.sparse ? ids : null, T);
    return x!;
  }

  /**
   * Backpropagation through time over the last forward pass, adding into params.grad. Before layer l runs
   * backward, addGradient(l, dOut) adds what reaches its outputs from outside the stack into dOut [T·B·D·H]
   * (which already holds what the layer above passes down; zeros for the top layer). Afterwards each
   * layer's dirs[d].s.dh holds ∂L/∂a<0> (and s.dc ∂L/∂c<0>), and dContext ∂L/∂ctx.
   */
  backward(addGradient: (l: number, dOut: Vec) => void): void {
    const c = this.config,
      T = this.T,
      B = this.layers[0].B,
      TB = T * B,
      top = this.layers.length - 1,
      W = this.D * c.hidden,
      C = this.contextSize,
      X = this.tokenSize,
      In = X + C;
    for (let l = top; l >= 0; l--) {
      const layer = this.layers[l];
      const dOut = l === top ? this.dTop.subarray(0, TB * W).fill(0) : this.layers[l + 1].dIn.subarray(0, TB * W);
      addGradient(l, dOut);
      const x = l > 0 ? this.layers[l - 1].output(T) : this.sparse ? null : this.inputs.subarray(0, TB * In);
      layer.backward(this.k, x, l === 0 && this.sparse ? this.ids : null, dOut, T);
    }
    const dIn = this.layers[0].dIn;
    if (c.input === 'embedding') {
      // ∂L/∂E[v] = Σ over the rows whose token is v of ∂L/∂x_tok<t>
      const dE = this.params.gradient(this.embedName);
      for (let r = 0; r < TB; r++) {
        const o = this.ids[r] * X;
        for (let j = 0; j < X; j++) dE[o + j] += dIn[r * In + j];
      }
    }
    if (C) {
      // ∂L/∂ctx = Σ_t ∂L/∂x<t>[X …]: the context joins every step
      const dC = this.dContext.subarray(0, B * C).fill(0);
      for (let r = 0; r < TB; r++) {
        const o = (r % B) * C;
        for (let j = 0; j < C; j++) dC[o + j] += dIn[r * In + X + j];
      }
    }
  }
}
