// All trainable tensors live in one flat buffer (and their gradients in another), named as in
// PyTorch's state_dict, so optimizers, clipping, checkpoints and export treat them alike.

import { ModelConfig } from './config';
import { Backend } from './backend';
import { Rng } from './rng';
import { Vec } from './types';
import { cellFor } from './cells';

export interface TensorSpec {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

export class Params {
  readonly data: Vec;
  readonly grad: Vec;
  private readonly byName = new Map<string, TensorSpec>();

  constructor(
    readonly specs: TensorSpec[],
    backend: Backend,
  ) {
    const total = specs.reduce((n, s) => n + s.size, 0);
    this.data = backend.alloc(total);
    this.grad = backend.alloc(total);
    for (const s of specs) this.byName.set(s.name, s);
  }

  get size(): number {
    return this.data.length;
  }

  spec(name: string): TensorSpec {
    const s = this.byName.get(name);
    if (!s) throw new Error(`no parameter named ${name}`);
    return s;
  }

  value(name: string): Vec {
    const s = this.spec(name);
    return this.data.subarray(s.offset, s.offset + s.size);
  }

  gradient(name: string): Vec {
    const s = this.spec(name);
    return this.grad.subarray(s.offset, s.offset + s.size);
  }
}

export const directionSuffix = (d: number) => (d === 0 ? '' : '_reverse');

/**
 * The tensors of a stack of recurrent layers as nn.RNN/GRU/LSTM names them, under `prefix` (e.g. "rnn",
 * "encoder.rnn"): layer 0 reads inSize inputs, layer l > 0 the D·H outputs of the layer below.
 */
export function recurrentTensors(
  prefix: string,
  c: Pick<ModelConfig, 'cell' | 'gruForm' | 'peephole' | 'hidden' | 'layers'>,
  inSize: number,
  D: number,
): [string, number[]][] {
  const cell = cellFor(c),
    G = cell.gates,
    H = c.hidden;
  const list: [string, number[]][] = [];
  for (let l = 0; l < c.layers; l++) {
    const In = l === 0 ? inSize : D * H;
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${directionSuffix(d)}`;
      list.push(
        [`${prefix}.weight_ih${sfx}`, [G * H, In]],
        [`${prefix}.weight_hh${sfx}`, [G * H, H]],
        [`${prefix}.bias_ih${sfx}`, [G * H]],
        [`${prefix}.bias_hh${sfx}`, [G * H]],
      );
      if (cell.peephole) list.push([`${prefix}.weight_peephole${sfx}`, [3 * H]]); // p_u ‖ p_f ‖ p_o
    }
  }
  return list;
}

/** Lays named shapes out one after another in the flat buffer. */
export function layOut(list: [string, number[]][]): TensorSpec[] {
  let offset = 0;
  return list.map(([name, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const spec = { name, shape, offset, size };
    offset += size;
    return spec;
  });
}

/** The parameter list of a model, in PyTorch names and shapes. */
export function paramSpecs(c: ModelConfig): TensorSpec[] {
  const D = c.bidirectional ? 2 : 1;
  const list: [string, number[]][] = [];
  if (c.input === 'embedding') list.push(['embed.weight', [c.vocabSize, c.embedSize]]);
  list.push(...recurrentTensors('rnn', c, c.input === 'embedding' ? c.embedSize : c.vocabSize, D));
  list.push(['head.weight', [c.classes, D * c.hidden]], ['head.bias', [c.classes]]);
  if (c.task === 'conditional') {
    // v = cond.embed.weight[label]; a<0> of layer l = tanh(cond.weight_l{l}·v + cond.bias_l{l})
    list.push(['cond.embed.weight', [c.labelCount!, c.hidden]]);
    for (let l = 0; l < c.layers; l++)
      list.push([`cond.weight_l${l}`, [c.hidden, c.hidden]], [`cond.bias_l${l}`, [c.hidden]]);
  }
  return layOut(list);
}

/**
 * PyTorch's initialisation: U(−1/√H, 1/√H) for the recurrent layers, U(−1/√fan_in, …) for the
 * head, N(0, 1) for an embedding (of the tokens, or of a conditional model's labels); then the LSTM forget-gate bias b_if is set to forgetBias (b_hf = 0).
 * Peephole weights start at zero and draw no random numbers: a peephole LSTM starts as the very
 * LSTM of the same seed (every other weight the same), so a comparison shows what the peepholes
 * learn; their gradient at zero is not zero (∂L/∂p_u = Σ ∂L/∂(Γu's pre-activation)·c<t-1>), so they do learn.
 */
export function initParams(c: ModelConfig, backend: Backend, rng: Rng): Params {
  const p = new Params(paramSpecs(c), backend);
  const H = c.hidden;
  for (const s of p.specs) {
    const v = p.value(s.name);
    if (s.name.startsWith('rnn.weight_peephole')) continue;
    if (s.name === 'embed.weight' || s.name === 'cond.embed.weight') {
      for (let i = 0; i < v.length; i++) v[i] = rng.normal();
      continue;
    }
    const bound = s.name.startsWith('head.') ? 1 / Math.sqrt(p.spec('head.weight').shape[1]) : 1 / Math.sqrt(H);
    for (let i = 0; i < v.length; i++) v[i] = rng.uniform(-bound, bound);
    if (c.cell === 'lstm' && s.name.startsWith('rnn.bias_')) {
      v.fill(s.name.startsWith('rnn.bias_ih') ? c.forgetBias : 0, H, 2 * H);
    }
  }
  return p;
}
