// The encoder–decoder's tokens: characters (the default) or words, in two vocabularies (sources,
// targets) or one shared by both, and how outputs and gold targets are written for scoring.
//
//   char, separate:  source = the characters of every source; target = <BOS>, <EOS>, the characters of every target
//   word, separate:  source = <UNK>, the source words; target = <BOS>, <EOS>, <UNK>, the target words
//   shared:          one table, <BOS>, <EOS> (and <UNK> at word level), then the tokens of sources and targets
//
// Characters come from the training and validation pairs (an unknown source character is dropped when
// encoded: the vocabulary has no <UNK>). Words come from the training pairs only, those seen at least
// minCount times (lowercased with lowercase); any other word reads as <UNK>, in training too, so <UNK>
// is a token the model has learnt. A shared table gives a token the same id in the encoder and the
// decoder; the encoder and decoder keep their own input weights (encoder.embed, decoder.embed, or
// the one-hot columns of their first layers), so the parameters are laid out as with two tables of
// that size (seq2seqParams.ts).

import { Level } from '../config';
import { SeqLabError } from '../errors';
import { buildCharTokenizer, buildWordTokenizer, EOS, Tokenizer, UNK } from '../tokenizer';
import { Seq2SeqConfig } from './seq2seqParams';

export { EOS };
export const BOS = '<BOS>';

/** How an encoder–decoder tokenises: its level, word-level lowercasing, and whether one table serves both sides. */
export interface Seq2SeqTokens {
  level: Level;
  lowercase: boolean;
  shared: boolean;
}

/**
 * The tokens of a configuration. A field it lacks has its default (char level, no lowercasing, two
 * tables): checkpoints written before word level have none, and a default model writes none.
 */
export function tokensOf(c: Pick<Seq2SeqConfig, 'level' | 'lowercase' | 'sharedVocab'>): Seq2SeqTokens {
  return { level: c.level ?? 'char', lowercase: c.lowercase ?? false, shared: c.sharedVocab ?? false };
}

/** The fields of Seq2SeqConfig that record the tokens: only those that differ from the default. */
export function tokenFields(t: Seq2SeqTokens): Pick<Seq2SeqConfig, 'level' | 'lowercase' | 'sharedVocab'> {
  return {
    ...(t.level === 'word' ? { level: t.level, lowercase: t.lowercase } : {}),
    ...(t.shared ? { sharedVocab: true } : {}),
  };
}

/** A tokenizer of the given tokens over a vocabulary (checkpoints store the vocabularies). */
export function seq2seqTokenizer(t: Seq2SeqTokens, vocab: string[]): Tokenizer {
  return new Tokenizer({ level: t.level, vocab, lowercase: t.level === 'word' && t.lowercase });
}

type Text = { source: string; target: string | null };

/** The source and target tokenizers (one object when shared) of the pairs; `all` adds the validation pairs. */
export function buildSeq2SeqVocab(
  pairs: Text[],
  all: Text[],
  t: Seq2SeqTokens,
  minCount: number,
): { source: Tokenizer; target: Tokenizer } {
  const sources = (ps: Text[]) => ps.map((p) => p.source),
    targets = (ps: Text[]) => ps.map((p) => p.target ?? '');
  if (t.level === 'char') {
    const chars = (texts: string[]) => buildCharTokenizer(texts.join('')).spec.vocab;
    if (t.shared) {
      const both = seq2seqTokenizer(t, [BOS, EOS, ...chars([...sources(all), ...targets(all)])]);
      return { source: both, target: both };
    }
    const source = seq2seqTokenizer(t, chars(sources(all)));
    if (source.size < 2) throw new SeqLabError('the sources need at least 2 distinct characters');
    return { source, target: seq2seqTokenizer(t, [BOS, EOS, ...chars(targets(all))]) };
  }
  // The words seen ≥ minCount times, by descending count (tokenizer.ts), without its <UNK> and <EOS>.
  const words = (texts: string[]) =>
    buildWordTokenizer(texts.join('\n'), minCount, t.lowercase).spec.vocab.filter((w) => w !== UNK && w !== EOS);
  const needWords = (side: string, kept: string[]) => {
    if (kept.length === 0)
      throw new SeqLabError(
        `no ${side} word occurs at least ${minCount} time(s) in the training pairs: lower --min-count or add pairs`,
      );
  };
  if (t.shared) {
    const kept = words([...sources(pairs), ...targets(pairs)]);
    needWords('source or target', kept);
    const both = seq2seqTokenizer(t, [BOS, EOS, UNK, ...kept]);
    return { source: both, target: both };
  }
  const sourceWords = words(sources(pairs)),
    targetWords = words(targets(pairs));
  needWords('source', sourceWords);
  needWords('target', targetWords);
  return {
    source: seq2seqTokenizer(t, [UNK, ...sourceWords]),
    target: seq2seqTokenizer(t, [BOS, EOS, UNK, ...targetWords]),
  };
}

/** An output's text: its characters, or at word level its words joined by single spaces. */
export function outputText(target: Tokenizer, tokens: ArrayLike<number>): string {
  return target.spec.level === 'char' ? target.decode(tokens) : Array.from(tokens, (id) => target.token(id)).join(' ');
}

/**
 * A gold target as outputs are written, for scoring: as it is at character level; at word level its
 * words (lowercased with lowercase; a word the vocabulary lacks stays itself, not <UNK>) joined by
 * single spaces, so "May 3, 1979" reads "May 3 , 1979".
 */
export function referenceText(target: Tokenizer, gold: string): string {
  return target.spec.level === 'char' ? gold : target.pieces(gold).join(' ');
}
