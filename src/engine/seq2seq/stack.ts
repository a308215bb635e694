// One side of an encoder–decoder: input x<t> (a learned embedding, or one-hot) → a stack of recurrent
// layers (layer.ts), with the PyTorch names under a prefix ("encoder." or "decoder."):
//   <prefix>embed.weight [V, E]    (embedding input)        <prefix>rnn.*    (nn.RNN/GRU/LSTM)
// No dropout between the layers. Buffers are sized once for at most maxT steps and maxB streams.

import { Backend } from '../backend';
import { Cell } from '../cells/cell';
import { RecurrentLayer } from '../layer';
import { Params } from '../params';
import { Vec } from '../types';
import { Seq2SeqConfig } from './seq2seqParams';

export class Stack {
  readonly layers: RecurrentLayer[] = [];
  private readonly embedded: Vec; // [T·B·E] the x<t> of the last forward pass (embedding input)
  private readonly dTop: Vec; // [T·B·D·H] ∂L/∂(top layer's output), filled by the caller in backward
  private readonly embedName: string;
  private ids: Int32Array = new Int32Array(0);
  private T = 0;

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
  ) {
    const c = config,
      oneHot = c.input === 'onehot';
    for (let l = 0; l < c.layers; l++) {
      const inSize = l > 0 ? D * c.hidden : oneHot ? vocab : c.embedSize;
      this.layers.push(
        new RecurrentLayer(k, params, cell, l, inSize, oneHot && l === 0, c.hidden, D, maxT, maxB, prefix),
      );
    }
    this.embedName = `${prefix}embed.weight`;
    this.embedded = k.alloc(oneHot ? 0 : maxT * maxB * c.embedSize);
    this.dTop = k.alloc(maxT * maxB * D * c.hidden);
  }

  /**
   * ids: [T·B] token indices, time-major. Runs every layer from the a<0> (and c<0>) its buffers hold;
   * returns the top layer's outputs a<1…T> [T·B·D·H].
   */
  forward(ids: Int32Array, T: number, B: number): Vec {
    const c = this.config,
      TB = T * B;
    this.ids = ids;
    this.T = T;
    for (const layer of this.layers) layer.B = B;
    let x: Vec | null = null;
    if (c.input === 'embedding') {
      const E = c.embedSize,
        table = this.params.value(this.embedName);
      for (let r = 0; r < TB; r++) this.embedded.set(table.subarray(ids[r] * E, (ids[r] + 1) * E), r * E);
      x = this.embedded.subarray(0, TB * E);
    }
    for (let l = 0; l < this.layers.length; l++)
      x = this.layers[l].forward(this.k, x, l === 0 && c.input === 'onehot' ? ids : null, T);
    return x!;
  }

  /**
   * Backpropagation through time over the last forward pass, adding into params.grad. Before layer l runs
   * backward, addGradient(l, dOut) adds what reaches its outputs from outside the stack into dOut [T·B·D·H]
   * (which already holds what the layer above passes down; zeros for the top layer). Afterwards each
   * layer's dirs[d].s.dh holds ∂L/∂a<0> (and s.dc ∂L/∂c<0>).
   */
  backward(addGradient: (l: number, dOut: Vec) => void): void {
    const c = this.config,
      T = this.T,
      B = this.layers[0].B,
      TB = T * B,
      top = this.layers.length - 1,
      W = this.D * c.hidden;
    for (let l = top; l >= 0; l--) {
      const layer = this.layers[l];
      const dOut = l === top ? this.dTop.subarray(0, TB * W).fill(0) : this.layers[l + 1].dIn.subarray(0, TB * W);
      addGradient(l, dOut);
      const x =
        l > 0
          ? this.layers[l - 1].output(T)
          : c.input === 'embedding'
            ? this.embedded.subarray(0, TB * c.embedSize)
            : null;
      layer.backward(this.k, x, l === 0 && c.input === 'onehot' ? this.ids : null, dOut, T);
    }
    if (c.input === 'embedding') {
      // ∂L/∂E[v] = Σ over the rows whose token is v of ∂L/∂x<t>
      const E = c.embedSize,
        dE = this.params.gradient(this.embedName),
        dIn = this.layers[0].dIn;
      for (let r = 0; r < TB; r++) {
        const o = this.ids[r] * E;
        for (let j = 0; j < E; j++) dE[o + j] += dIn[r * E + j];
      }
    }
  }
}
