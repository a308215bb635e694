// The encoder–decoder (many-to-many with different lengths): an encoder reads the source x<1…S>, a
// bridge turns its final states into the decoder's initial state, and the decoder writes the target
// y<1…T> one token at a time, each step reading the previous target token (teacher forcing in training).
//
//   encoder:  a_l<s> over the source for every layer l (uni- or bidirectional, stack.ts)
//   r_l = a→_l<S>                         one direction: layer l's final state
//   r_l = a→_l<S> ‖ a←_l<1>               bidirectional: each direction's final state (readout.ts 'last')
//   bridge:   a_l<0> = tanh(W_b·[r_1 ‖ … ‖ r_L] + b_b)[block l]        the decoder's a<0>, every layer l
//             c_l<0> = 0                  LSTM: the memory cell starts empty; the bridge's a<0> reaches it
//                                         through the gates at the first step (c<1> = Γu * c̃<1>)
//   context:  ctx = a_1<0> ‖ … ‖ a_L<0>   the bridge's output, joined to the decoder's input at EVERY step
//                                         (Cho et al. 2014), so the decoder never loses the source
//   decoder:  x<t> = [x_tok<t> ‖ ctx], x_tok<t> = the previous target token: <BOS>, y<1>, …, y<T−1>
//             (its embedding, or one-hot), one direction
//             ŷ<t> = softmax(W_y·a_L<t> + b_y) over the target vocabulary
//   L = (1/TB) Σ_t Σ_b −log ŷ<t>[y<t>]    mean over the target tokens, the closing <EOS> included
//
// Every sequence of a batch has one source length S and one target length T (length buckets), so no step
// is padding and nothing needs a mask.
//
// API (flat time-major arrays: index t·B + b):
//   seq2seqParamSpecs(config), initSeq2SeqParams(config, k, rng)            seq2seqParams.ts
//   const m = new Seq2Seq(config, params, k, maxS, maxT, maxB)
//   m.forward(src [S·B], S, tgtIn [T·B], T, B?) → logits [T·B·Vt]          tgtIn = <BOS>, y<1>, …, y<T−1>
//   m.loss(tgtOut [T·B]) → mean nats per target token                        tgtOut = y<1>, …, y<T−1>, <EOS>
//   m.backward()                  adds ∂L/∂θ into params.grad (the caller zeroes it), through the bridge:
//                                 ∂L/∂a_l<0> = ∂L/∂(decoder's a_l<0>) + ∂L/∂ctx[block l]
//   teacherForcing(...)           fills src, tgtIn and tgtOut of a batch of same-length pairs
//   greedyDecode(m, src, S, B, options), beamDecode(m, src, S, options)    decode.ts
// The decoding steps (encode, decodeStep, advance) share the training pass's buffers.

import { Backend } from '../backend';
import { cellFor } from '../cells';
import { Params } from '../params';
import { Vec } from '../types';
import { Seq2SeqConfig } from './seq2seqParams';
import { Stack } from './stack';

export class Seq2Seq {
  readonly encoder: Stack;
  readonly decoder: Stack;
  readonly logits: Vec; // [T·B·Vt] after forward; probabilities ŷ after loss()
  private readonly dLogits: Vec;
  private readonly r: Vec; // [B·L·D·H] the encoder's final states, per stream r_1 ‖ … ‖ r_L
  private readonly a0: Vec; // [B·L·H] the bridge's output: the decoder's a_l<0>, per stream layer by layer
  private readonly dz: Vec; // [B·L·H] ∂L/∂(W_b·r + b_b)
  private readonly dr: Vec; // [B·L·D·H] ∂L/∂r
  private readonly parked: Vec; // [B·L·H] a<1> of one decoder layer, or ctx, while advance() reorders the streams
  private S = 0;
  private T = 0;
  private b = 0; // the streams of the last pass

  constructor(
    readonly config: Seq2SeqConfig,
    readonly params: Params,
    readonly k: Backend,
    readonly maxS: number,
    readonly maxT: number,
    readonly maxB: number,
  ) {
    const c = config,
      cell = cellFor(c),
      D = c.bidirectional ? 2 : 1,
      L = c.layers,
      H = c.hidden;
    this.encoder = new Stack(k, params, c, cell, 'encoder.', c.sourceVocab, D, maxS, maxB);
    this.decoder = new Stack(k, params, c, cell, 'decoder.', c.targetVocab, 1, maxT, maxB, L * H);
    this.logits = k.alloc(maxT * maxB * c.targetVocab);
    this.dLogits = k.alloc(maxT * maxB * c.targetVocab);
    this.r = k.alloc(maxB * L * D * H);
    this.dr = k.alloc(maxB * L * D * H);
    this.a0 = k.alloc(maxB * L * H);
    this.dz = k.alloc(maxB * L * H);
    this.parked = k.alloc(maxB * L * H);
  }

  /** Teacher-forced pass over a batch: returns the logits [T·B·Vt] of every target step. */
  forward(src: Int32Array, S: number, tgtIn: Int32Array, T: number, B = this.maxB): Vec {
    this.encode(src, S, B);
    return this.decode(tgtIn, T, B);
  }

  /** L = mean cross-entropy over the T·B target tokens; turns the logits into ŷ and keeps ∂L/∂logits. */
  loss(tgtOut: Int32Array): number {
    const rows = this.T * this.b;
    return this.k.softmaxCrossEntropy(this.logits, this.dLogits, tgtOut, rows, this.config.targetVocab);
  }

  /** Backpropagation through the decoder, the bridge and the encoder of the last forward pass. */
  backward(): void {
    const c = this.config,
      k = this.k,
      B = this.b,
      H = c.hidden,
      L = c.layers,
      D = this.encoder.D,
      V = c.targetVocab,
      rows = this.T * B,
      top = L - 1;
    const dLogits = this.dLogits.subarray(0, rows * V),
      headW = this.params.value('decoder.head.weight');
    // head: dW_y += dLogitsᵀ·a_L<t>,  db_y += Σ dLogits,  ∂L/∂a_L<t> = dLogits·W_y
    k.gemmTN(this.params.gradient('decoder.head.weight'), dLogits, this.decoder.layers[top].output(this.T), V, H, rows);
    k.sumRows(this.params.gradient('decoder.head.bias'), dLogits, rows, V);
    this.decoder.backward((l, dOut) => {
      if (l === top) k.gemmNN(dOut, dLogits, headW, rows, H, V);
    });
    // bridge: a<0> = tanh(z), z = W_b·r + b_b:  ∂L/∂z = (∂L/∂a<0> + ∂L/∂ctx) * (1 − a<0>²)
    const LH = L * H,
      R = L * D * H,
      dz = this.dz.subarray(0, B * LH),
      dr = this.dr.subarray(0, B * R).fill(0),
      dCtx = this.decoder.dContext;
    for (let l = 0; l < L; l++) {
      const dh = this.decoder.layers[l].dirs[0].s.dh; // ∂L/∂a_l<0> through the decoder's first step
      for (let b = 0; b < B; b++)
        for (let j = 0; j < H; j++) {
          const i = b * LH + l * H + j,
            a = this.a0[i];
          dz[i] = (dh[b * H + j] + dCtx[i]) * (1 - a * a);
        }
    }
    k.gemmTN(this.params.gradient('bridge.weight'), dz, this.r.subarray(0, B * R), LH, R, B);
    k.sumRows(this.params.gradient('bridge.bias'), dz, B, LH);
    k.gemmNN(dr, dz, this.params.value('bridge.weight'), B, R, LH);
    // the encoder: ∂L/∂r_l arrives at layer l's final outputs (a→<S> at step S, a←<1> at step 1)
    const S = this.S;
    this.encoder.backward((l, dOut) => {
      for (let b = 0; b < B; b++)
        for (let d = 0; d < D; d++) {
          const t = d === 0 ? S - 1 : 0,
            o = (t * B + b) * D * H + d * H,
            from = b * R + (l * D + d) * H;
          for (let j = 0; j < H; j++) dOut[o + j] += dr[from + j];
        }
    });
  }

  /**
   * Runs the encoder over src [S·B] from a<0> = 0 and sets the decoder's a_l<0> (c_l<0> = 0) of B streams
   * through the bridge.
   */
  encode(src: Int32Array, S: number, B: number): void {
    const c = this.config,
      k = this.k,
      H = c.hidden,
      L = c.layers,
      D = this.encoder.D,
      R = L * D * H,
      LH = L * H;
    this.S = S;
    this.b = B;
    for (const layer of this.encoder.layers)
      for (const dir of layer.dirs) {
        dir.s.h.fill(0, 0, B * H);
        dir.s.c.fill(0, 0, dir.s.c.length ? B * H : 0);
      }
    this.encoder.forward(src, S, B);
    const r = this.r.subarray(0, B * R);
    this.encoder.layers.forEach((layer, l) => {
      const out = layer.output(S);
      for (let b = 0; b < B; b++)
        for (let d = 0; d < D; d++) {
          const t = d === 0 ? S - 1 : 0,
            o = (t * B + b) * D * H + d * H;
          r.set(out.subarray(o, o + H), b * R + (l * D + d) * H);
        }
    });
    const a0 = this.a0.subarray(0, B * LH);
    for (let b = 0; b < B; b++) a0.set(this.params.value('bridge.bias'), b * LH);
    k.gemmNT(a0, r, this.params.value('bridge.weight'), B, LH, R);
    for (let i = 0; i < a0.length; i++) a0[i] = Math.tanh(a0[i]);
    this.decoder.layers.forEach((layer, l) => {
      const s = layer.dirs[0].s;
      for (let b = 0; b < B; b++) s.h.set(a0.subarray(b * LH + l * H, b * LH + (l + 1) * H), b * H);
      s.c.fill(0, 0, s.c.length ? B * H : 0);
    });
  }

  /** The decoder over tgtIn [T·B] from the a<0> its buffers hold: the logits [T·B·Vt]. */
  private decode(tgtIn: Int32Array, T: number, B: number): Vec {
    const V = this.config.targetVocab,
      rows = T * B;
    this.T = T;
    this.b = B;
    const top = this.decoder.forward(tgtIn, T, B, this.a0.subarray(0, B * this.config.layers * this.config.hidden));
    const logits = this.logits.subarray(0, rows * V);
    for (let r = 0; r < rows; r++) logits.set(this.params.value('decoder.head.bias'), r * V);
    this.k.gemmNT(logits, top, this.params.value('decoder.head.weight'), rows, V, this.config.hidden);
    return logits;
  }

  /** One decoder step of B streams after encode() or advance(): prev [B] the previous tokens; the logits [B·Vt]. */
  decodeStep(prev: Int32Array, B: number): Vec {
    return this.decode(prev, 1, B);
  }

  /**
   * After decodeStep: the next step's a<0> (and c<0>) of stream j becomes the a<1> (c<1>) of stream
   * parents[j], and its ctx the ctx of stream parents[j] (a beam's reordering; identity for greedy
   * decoding), for parents.length streams.
   */
  advance(parents: Int32Array): void {
    const H = this.config.hidden,
      LH = this.config.layers * H,
      B = this.b,
      parked = this.parked;
    parked.set(this.a0.subarray(0, B * LH));
    for (let j = 0; j < parents.length; j++)
      this.a0.set(parked.subarray(parents[j] * LH, (parents[j] + 1) * LH), j * LH);
    for (const layer of this.decoder.layers) {
      for (const v of [layer.dirs[0].s.h, layer.dirs[0].s.c]) {
        if (v.length === 0) continue;
        parked.set(v.subarray(B * H, 2 * B * H)); // a<1> of the B streams (block 1 starts at B·H)
        for (let j = 0; j < parents.length; j++) v.set(parked.subarray(parents[j] * H, (parents[j] + 1) * H), j * H);
      }
    }
  }
}

/**
 * Fills the time-major arrays of a batch of pairs that share one source length S and one target length
 * (teacher forcing): src [S·B], tgtIn = <BOS>, y<1>, …, y<n> and tgtOut = y<1>, …, y<n>, <EOS>, each
 * [(n+1)·B]. Returns S and T = n + 1.
 */
export function teacherForcing(
  pairs: readonly { source: ArrayLike<number>; target: ArrayLike<number> }[],
  bos: number,
  eos: number,
  src: Int32Array,
  tgtIn: Int32Array,
  tgtOut: Int32Array,
): { S: number; T: number } {
  const B = pairs.length,
    S = pairs[0].source.length,
    T = pairs[0].target.length + 1;
  pairs.forEach((p, b) => {
    if (p.source.length !== S || p.target.length !== T - 1)
      throw new Error('teacherForcing: a batch holds pairs of one source length and one target length');
    for (let s = 0; s < S; s++) src[s * B + b] = p.source[s];
    for (let t = 0; t < T; t++) {
      tgtIn[t * B + b] = t === 0 ? bos : p.target[t - 1];
      tgtOut[t * B + b] = t === T - 1 ? eos : p.target[t];
    }
  });
  return { S, T };
}
