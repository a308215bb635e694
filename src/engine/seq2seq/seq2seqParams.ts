// The encoder–decoder's configuration and parameters, named as the state_dict of this PyTorch module:
//
//   encoder.embed = nn.Embedding(Vs, E)                                   (embedding input only)
//   encoder.rnn   = nn.RNN|GRU|LSTM(E or Vs, H, L, batch_first=True, bidirectional=D == 2)
//   bridge        = nn.Linear(L·D·H, L·H)
//   decoder.embed = nn.Embedding(Vt, E)                                   (embedding input only)
//   decoder.rnn   = nn.RNN|GRU|LSTM((E or Vt) + L·H, H, L, batch_first=True)   (one direction; its input
//                   at every step is the token's vector joined with ctx = tanh(bridge(r)), seq2seq.ts)
//   decoder.head  = nn.Linear(H, Vt)
//
// With one-hot input, weight_ih_l0 is [G·H, V]: feed F.one_hot(x, V).float().

import { cellFor } from '../cells';
import { Level, ModelConfig } from '../config';
import { Backend } from '../backend';
import { layOut, Params, recurrentTensors, TensorSpec } from '../params';
import { Rng } from '../rng';

/** The fields of ModelConfig an encoder–decoder shares (bidirectional: the encoder's), and its two vocabularies. */
export interface Seq2SeqConfig extends Pick<
  ModelConfig,
  'cell' | 'gruForm' | 'peephole' | 'hidden' | 'layers' | 'bidirectional' | 'input' | 'embedSize' | 'forgetBias'
> {
  sourceVocab: number; // Vs: the encoder's input tokens
  targetVocab: number; // Vt: the decoder's tokens, <BOS> and <EOS> included
  // The tokens (seq2seqVocab.ts), written only where they differ from the default: absent, char level
  // and two vocabularies. They do not change the tensors (a shared table has Vs = Vt).
  level?: Level; // 'word': words, with <UNK>
  lowercase?: boolean; // word level: the text is lowercased first
  sharedVocab?: boolean; // one vocabulary for sources and targets: a token has one id in the encoder and the decoder
}

export function seq2seqParamSpecs(c: Seq2SeqConfig): TensorSpec[] {
  const D = c.bidirectional ? 2 : 1,
    L = c.layers,
    H = c.hidden,
    embedding = c.input === 'embedding';
  const list: [string, number[]][] = [];
  if (embedding) list.push(['encoder.embed.weight', [c.sourceVocab, c.embedSize]]);
  list.push(...recurrentTensors('encoder.rnn', c, embedding ? c.embedSize : c.sourceVocab, D));
  list.push(['bridge.weight', [L * H, L * D * H]], ['bridge.bias', [L * H]]);
  if (embedding) list.push(['decoder.embed.weight', [c.targetVocab, c.embedSize]]);
  list.push(...recurrentTensors('decoder.rnn', c, (embedding ? c.embedSize : c.targetVocab) + L * H, 1));
  list.push(['decoder.head.weight', [c.targetVocab, H]], ['decoder.head.bias', [c.targetVocab]]);
  return layOut(list);
}

/**
 * PyTorch's initialisation, as params.ts: U(−1/√H, 1/√H) for the recurrent layers, U(−1/√fan_in, …) for the
 * bridge and the head, N(0, 1) for the embeddings, the LSTM forget-gate bias b_if = forgetBias (b_hf = 0),
 * peephole weights at zero.
 */
export function initSeq2SeqParams(c: Seq2SeqConfig, k: Backend, rng: Rng): Params {
  const p = new Params(seq2seqParamSpecs(c), k);
  const H = c.hidden;
  for (const s of p.specs) {
    const v = p.value(s.name);
    if (s.name.includes('.rnn.weight_peephole')) continue;
    if (s.name.endsWith('embed.weight')) {
      for (let i = 0; i < v.length; i++) v[i] = rng.normal();
      continue;
    }
    // fan_in: L·D·H for the bridge; H for the head, and nn.RNN/GRU/LSTM's 1/√H for every recurrent tensor
    const fanIn = s.name.startsWith('bridge.') ? p.spec('bridge.weight').shape[1] : H;
    const bound = 1 / Math.sqrt(fanIn);
    for (let i = 0; i < v.length; i++) v[i] = rng.uniform(-bound, bound);
    if (cellFor(c).kind === 'lstm' && s.name.includes('.rnn.bias_'))
      v.fill(s.name.includes('.rnn.bias_ih') ? c.forgetBias : 0, H, 2 * H);
  }
  return p;
}
