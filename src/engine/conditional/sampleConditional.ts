// Sampling a line in a label's style: a<0> from the label (conditionalNetwork.ts), x<1> = 0, then draw
// y<t> from softmax(logits / temperature) and feed it back as x<t+1>, until the end of line or `length`
// characters.

import { Backend } from '../backend';
import { Model } from '../checkpoint';
import { SeqLabError } from '../errors';
import { checkOption, OPTIONS } from '../options';
import { Rng } from '../rng';
import { draw } from '../sample';
import { END_OF_LINE, labelIndex } from './conditionalData';
import { ConditionalNetwork } from './conditionalNetwork';

export interface ConditionalSampleOptions {
  length: number; // at most this many characters
  temperature: number; // > 0
  seed: number;
}

/** One line written by a conditional model in `label`'s style (without its end of line). */
export function sampleConditional(
  model: Model,
  k: Backend,
  label: string,
  options: Partial<ConditionalSampleOptions> = {},
): string {
  if (model.config.task !== 'conditional')
    throw new SeqLabError(`this model is a ${model.config.task} model: only a conditional model samples given a label`);
  const o = {
    length: options.length ?? OPTIONS.length.default,
    temperature: options.temperature ?? OPTIONS.temperature.default,
    seed: options.seed ?? OPTIONS.seed.default,
  };
  for (const key of ['length', 'temperature', 'seed'] as const) checkOption(OPTIONS[key], o[key], key);
  const labels = Int32Array.of(labelIndex(model, label, '')),
    tok = model.tokenizer,
    eol = tok.id(END_OF_LINE),
    V = model.config.vocabSize;
  const net = new ConditionalNetwork({ ...model.config, dropout: 0 }, model.params, k, 1, 1, new Rng(0));
  const rng = new Rng(o.seed),
    x = Int32Array.of(-1), // x<1> = 0
    p = new Float64Array(V),
    out: number[] = [];
  net.start(labels);
  for (let i = 0; i < o.length; i++) {
    const logits = net.net.forward(x, 1, false, 1);
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, logits[v] / o.temperature);
    for (let v = 0; v < V; v++) p[v] = Math.exp(logits[v] / o.temperature - max);
    const id = draw(p, rng);
    if (id === eol) break;
    out.push(id);
    net.net.carryState(); // a<t> becomes the next step's a<t-1>
    x[0] = id;
  }
  return tok.decode(out);
}
