// Models whose gates are held at a known end of their range by a hand-set bias: ±20 outweighs every
// other term of the pre-activation (one column of W_ih plus W_hh·a<t-1>, below 1 + √H in size), so the
// diagnostics' answer is known before they run.

import { Model } from '../../src/engine/checkpoint';
import { defaultModelConfig, ModelConfig } from '../../src/engine/config';
import { initParams } from '../../src/engine/params';
import { jsBackend } from '../../src/engine/reference';
import { Rng } from '../../src/engine/rng';
import { buildCharTokenizer } from '../../src/engine/tokenizer';
import { smallText } from './texts';

export interface HandSetGate {
  title: string;
  model: Pick<ModelConfig, 'cell' | 'gruForm'>;
  block: number; // the row block of W_ih / b_ih (PyTorch's order) whose bias is set
  bias: number;
  gate: string; // the course's quantity that bias holds
  range: [number, number];
  end: 'low' | 'high'; // the end of its range where the diagnostics must find it
}

export const HAND_SET_GATES: HandSetGate[] = [
  {
    title: "PyTorch's GRU, z bias +20: z ≈ 1, so Γu = 1 − z ≈ 0 (the memory is kept)",
    model: { cell: 'gru', gruForm: 'torch' },
    block: 1,
    bias: 20,
    gate: 'Γu',
    range: [0, 1],
    end: 'low',
  },
  {
    title: "PyTorch's GRU, z bias −20: z ≈ 0, so Γu ≈ 1 (the memory is overwritten)",
    model: { cell: 'gru', gruForm: 'torch' },
    block: 1,
    bias: -20,
    gate: 'Γu',
    range: [0, 1],
    end: 'high',
  },
  {
    title: "the course's GRU, Γu bias −20: Γu ≈ 0",
    model: { cell: 'gru', gruForm: 'course' },
    block: 1,
    bias: -20,
    gate: 'Γu',
    range: [0, 1],
    end: 'low',
  },
  {
    title: 'LSTM, forget bias +20: Γf ≈ 1',
    model: { cell: 'lstm', gruForm: 'torch' },
    block: 1,
    bias: 20,
    gate: 'Γf',
    range: [0, 1],
    end: 'high',
  },
  {
    title: 'LSTM, candidate bias −20: c̃ ≈ −1',
    model: { cell: 'lstm', gruForm: 'torch' },
    block: 2,
    bias: -20,
    gate: 'c̃',
    range: [-1, 1],
    end: 'low',
  },
];

/** The text the hand-set models read (their vocabulary is its characters). */
export const HAND_SET_TEXT = smallText(2000);

/** A one-layer model of hidden size 8 with PyTorch's initialisation, then the hand-set bias b_ih (b_hh = 0 there). */
export function handSetModel(h: HandSetGate): Model {
  const tokenizer = buildCharTokenizer(HAND_SET_TEXT);
  const config: ModelConfig = {
    ...defaultModelConfig,
    ...h.model,
    hidden: 8,
    vocabSize: tokenizer.spec.vocab.length,
    classes: tokenizer.spec.vocab.length,
  };
  const params = initParams(config, jsBackend('f32'), new Rng(5));
  const H = config.hidden;
  params.value('rnn.bias_ih_l0').fill(h.bias, h.block * H, (h.block + 1) * H);
  params.value('rnn.bias_hh_l0').fill(0, h.block * H, (h.block + 1) * H);
  return { config, tokenizer, params };
}
