// What an encoder–decoder writes for a few sources, for the editor's hover and "Translate selection":
// the greedy output, and with K > 1 the K best beams with their scores (decode.ts: log P(y | x) and
// the length-normalised score log P / |y|^α that ranks them); at word level, words joined by spaces.

import { Backend } from '../backend';
import { DEFAULT_MAX_LENGTH } from './seq2seqData';
import { beamDecode, greedyDecode } from './decode';
import { Seq2Seq } from './seq2seq';
import { BOS, EOS, Seq2SeqModel } from './seq2seqTrainer';
import { outputText, referenceText } from './seq2seqVocab';

export interface Translation {
  greedy: string;
  reference: string | null; // the source's target as outputs are written (referenceText), or null without one
  beams: { text: string; logProb: number; score: number; finished: boolean }[]; // best first; [] when K = 1
}

/**
 * The model's outputs for each source. An output is at most 2·|x| + 20 tokens (and DEFAULT_MAX_LENGTH):
 * the checkpoint does not record its training targets' length. Source tokens the model does not know
 * are dropped (Tokenizer.encodeKnown); a source with none left gets empty outputs.
 */
export function translate(
  model: Seq2SeqModel,
  k: Backend,
  sources: string[],
  K: number,
  targets: (string | null)[] = [],
): Translation[] {
  const encoded = sources.map((s) => model.source.encodeKnown(s));
  const longest = Math.max(1, ...encoded.map((s) => s.length));
  const maxLen = Math.min(DEFAULT_MAX_LENGTH, 2 * longest + 20) + 1; // + <EOS>
  const net = new Seq2Seq(model.config, model.params, k, longest, maxLen, Math.max(K, 1));
  const options = { bos: model.target.id(BOS), eos: model.target.id(EOS), maxLen };
  return encoded.map((src, i) => {
    const target = targets[i] ?? null;
    const reference = target === null ? null : referenceText(model.target, target);
    if (src.length === 0) return { greedy: '', reference, beams: [] };
    const greedy = outputText(model.target, greedyDecode(net, src, src.length, 1, options)[0].tokens);
    const beams =
      K > 1
        ? beamDecode(net, src, src.length, K, options).map((h) => ({
            text: outputText(model.target, h.tokens),
            logProb: h.logProb,
            score: h.score,
            finished: h.finished,
          }))
        : [];
    return { greedy, reference, beams };
  });
}
