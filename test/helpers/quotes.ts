// A text with quoted passages, and a model with one unit set by hand to be high inside the quotes: the
// pattern search and the selectivity ranking must find it among units of random weights.

import { Model } from '../../src/engine/checkpoint';
import { defaultModelConfig, ModelConfig } from '../../src/engine/config';
import { Backend } from '../../src/engine/backend';
import { initParams } from '../../src/engine/params';
import { Rng } from '../../src/engine/rng';
import { buildCharTokenizer } from '../../src/engine/tokenizer';
import { Span } from '../../src/engine/inside/units';

/**
 * Words, now and then a quoted passage of a few words in capitals (so that a language model gains from
 * knowing whether it is inside quotes): the text and its quoted spans, [opening quote, closing quote).
 */
export function quotedText(chars: number, seed = 3): { text: string; spans: Span[] } {
  const words = ['and', 'he', 'said', 'unto', 'them', 'the', 'lord', 'go', 'in', 'peace', 'now', 'it', 'was', 'so'];
  const rng = new Rng(seed);
  const pick = () => words[Math.floor(rng.next() * words.length)];
  let text = '';
  const spans: Span[] = [];
  while (text.length < chars) {
    if (rng.next() < 0.15) {
      const start = text.length;
      text +=
        '"' +
        Array.from({ length: 2 + Math.floor(rng.next() * 6) }, pick)
          .join(' ')
          .toUpperCase();
      spans.push({ start, end: text.length });
      text += '" ';
    } else text += pick() + (rng.next() < 0.1 ? '.\n' : ' ');
  }
  return { text, spans };
}

/** The unit that tracks the quotes, in layer 0. */
export const QUOTE_UNIT = 2;

/**
 * A one-layer LSTM of 6 units with PyTorch's initialisation, whose unit QUOTE_UNIT flips at every '"':
 *   Γu = σ(−10 + 20·[x = '"']),  Γf = σ(10 − 20·[x = '"']),  Γo = σ(10)
 *   c̃<t> = tanh(7 − 20·a<t−1>)   (+1 when the unit is off, a ≤ 0; −1 when it is on, a ≈ 0.76)
 * so c<t> keeps its value between quotes and at a quote becomes c̃: a<t> ≈ 0.76 from an opening quote up
 * to the closing one, then ≈ −0.76 (0 before the first quote).
 */
export function quoteModel(k: Backend, text: string): Model {
  const tokenizer = buildCharTokenizer(text);
  const V = tokenizer.size,
    H = 6,
    j = QUOTE_UNIT,
    quote = tokenizer.spec.vocab.indexOf('"');
  const config: ModelConfig = { ...defaultModelConfig, cell: 'lstm', hidden: H, vocabSize: V, classes: V };
  const params = initParams(config, k, new Rng(11));
  const wih = params.value('rnn.weight_ih_l0'),
    whh = params.value('rnn.weight_hh_l0'),
    bih = params.value('rnn.bias_ih_l0'),
    bhh = params.value('rnn.bias_hh_l0');
  // row blocks i (Γu), f (Γf), g (c̃), o (Γo): bias, weight of the quote column, weight of a<t−1>[j]
  const rows: [number, number, number][] = [
    [-10, 20, 0],
    [10, -20, 0],
    [7, 0, -20],
    [10, 0, 0],
  ];
  rows.forEach(([bias, fromQuote, fromSelf], g) => {
    const r = g * H + j;
    wih.fill(0, r * V, (r + 1) * V);
    wih[r * V + quote] = fromQuote;
    whh.fill(0, r * H, (r + 1) * H);
    whh[r * H + j] = fromSelf;
    bih[r] = bias;
    bhh[r] = 0;
  });
  return { config, tokenizer, params };
}
