// Sampling novel text (the course's "sampling novel sequences"): prime the state with a text
// (or start from x<1> = 0, a<0> = 0), draw ŷ<t> — with temperature, top-k, top-p or greedy —
// and feed the drawn token back as x<t+1>, until a length or <EOS>.

import { Model } from './checkpoint';
import { Backend } from './backend';
import { Network } from './network';
import { checkOption, OPTIONS } from './options';
import { Rng } from './rng';

export interface SampleOptions {
  prime: string;
  length: number; // tokens to generate
  temperature: number; // > 0; ignored when greedy
  topK: number; // 0 = off
  topP: number; // 1 = off
  greedy: boolean;
  seed: number;
  stopAtEos: boolean; // word level: stop at <EOS>
  allowUnk: boolean; // word level: may <UNK> be drawn?
}

export const defaultSampleOptions: SampleOptions = {
  prime: '',
  length: OPTIONS.length.default,
  temperature: OPTIONS.temperature.default,
  topK: OPTIONS.topK.default,
  topP: OPTIONS.topP.default,
  greedy: OPTIONS.greedy.default,
  seed: OPTIONS.seed.default,
  stopAtEos: OPTIONS.stopAtEos.default,
  allowUnk: !OPTIONS.noUnk.default,
};

const PRIME_WINDOW = 256;

export function validateSampleOptions(o: SampleOptions): SampleOptions {
  for (const key of ['length', 'temperature', 'topK', 'topP', 'seed'] as const) checkOption(OPTIONS[key], o[key], key);
  return o;
}

export class Sampler {
  private readonly net: Network;
  private readonly V: number;
  private last = -1; // row of the logits that predicts the next token
  private written = ''; // the primer and what was generated since: new text is spaced to follow it

  constructor(
    readonly model: Model,
    k: Backend,
  ) {
    this.net = new Network({ ...model.config, dropout: 0 }, model.params, k, PRIME_WINDOW, 1, new Rng(0));
    this.V = model.config.vocabSize;
  }

  /** Resets the state and reads the primer; afterwards nextDistribution() predicts what follows it. */
  prime(text: string): void {
    this.written = text;
    this.net.resetState();
    const ids = this.model.tokenizer.encodeKnown(text);
    if (ids.length === 0) {
      this.feed(Int32Array.of(-1)); // x<1> = 0
      return;
    }
    for (let i = 0; i < ids.length; i += PRIME_WINDOW) this.feed(ids.subarray(i, i + PRIME_WINDOW));
  }

  private feed(ids: Int32Array): void {
    this.net.forward(ids, ids.length, false);
    this.net.carryState();
    this.last = ids.length - 1;
  }

  /** softmax(logits / temperature) of the next token. */
  nextDistribution(temperature = 1): Float64Array {
    const V = this.V,
      o = this.last * V,
      logits = this.net.logits,
      p = new Float64Array(V);
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, logits[o + v] / temperature);
    let sum = 0;
    for (let v = 0; v < V; v++) {
      p[v] = Math.exp(logits[o + v] / temperature - max);
      sum += p[v];
    }
    for (let v = 0; v < V; v++) p[v] /= sum;
    return p;
  }

  /** The k most likely next tokens after the primer, with probabilities. */
  top(k: number): { token: string; p: number }[] {
    const p = this.nextDistribution();
    return Array.from(p.keys())
      .sort((a, b) => p[b] - p[a])
      .slice(0, k)
      .map((i) => ({ token: this.model.tokenizer.token(i), p: p[i] }));
  }

  /** Generates text after the primer. Returns only the new text. */
  generate(options: Partial<SampleOptions>): string {
    const o = validateSampleOptions({ ...defaultSampleOptions, ...options });
    this.prime(o.prime);
    return this.extend(o);
  }

  /** Generates text after what was primed (or generated) so far; o.prime is not read. */
  continue(options: Partial<Omit<SampleOptions, 'prime'>>): string {
    return this.extend(validateSampleOptions({ ...defaultSampleOptions, ...options }));
  }

  private extend(o: SampleOptions): string {
    const rng = new Rng(o.seed),
      tok = this.model.tokenizer;
    const out: number[] = [];
    const one = new Int32Array(1);
    for (let i = 0; i < o.length; i++) {
      const p = this.nextDistribution(o.greedy ? 1 : o.temperature);
      if (!o.allowUnk && tok.unk >= 0) p[tok.unk] = 0;
      const id = o.greedy ? argmax(p) : draw(filter(p, o.topK, o.topP), rng);
      if (o.stopAtEos && id === tok.eos) break;
      out.push(id);
      one[0] = id;
      this.feed(one);
    }
    const text = tok.decode(out, this.written);
    this.written += text;
    return text;
  }
}

function argmax(p: Float64Array): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
}

/** Keeps the top-k tokens and the smallest set whose probability reaches top-p; renormalised. */
function filter(p: Float64Array, topK: number, topP: number): Float64Array {
  if (topK <= 0 && topP >= 1) return p;
  const order = Array.from(p.keys()).sort((a, b) => p[b] - p[a]);
  const keep = new Float64Array(p.length);
  let mass = 0;
  for (let r = 0; r < order.length; r++) {
    if (topK > 0 && r >= topK) break;
    if (r > 0 && mass >= topP) break;
    keep[order[r]] = p[order[r]];
    mass += p[order[r]];
  }
  return keep;
}

/** Draws an index with probability proportional to w. */
export function draw(w: Float64Array, rng: Rng): number {
  let total = 0;
  for (let i = 0; i < w.length; i++) total += w[i];
  let u = rng.next() * total;
  for (let i = 0; i < w.length; i++) {
    u -= w[i];
    if (u < 0 && w[i] > 0) return i;
  }
  for (let i = w.length - 1; i >= 0; i--) if (w[i] > 0) return i;
  return 0;
}
