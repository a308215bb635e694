// Tokenizers: character level over Unicode code points (an emoji or an accented letter is one
// token), or word level with a frequency cut-off to <UNK> and an <EOS> token at each line end.
// The vocabulary is saved with the model, so a tokenizer is rebuilt from (level, vocab, options).

import { SeqLabError } from './errors';

export const UNK = '<UNK>';
export const EOS = '<EOS>';

export interface TokenizerSpec {
  level: 'char' | 'word';
  vocab: string[]; // tokens in index order
  lowercase: boolean; // word level
}

export class Tokenizer {
  private readonly index = new Map<string, number>();
  readonly unk: number; // −1 when the vocabulary has no <UNK>
  readonly eos: number;

  constructor(readonly spec: TokenizerSpec) {
    spec.vocab.forEach((t, i) => this.index.set(t, i));
    if (this.index.size !== spec.vocab.length) throw new SeqLabError('the vocabulary has duplicate tokens');
    this.unk = spec.level === 'word' ? (this.index.get(UNK) ?? -1) : -1;
    this.eos = spec.level === 'word' ? (this.index.get(EOS) ?? -1) : -1;
  }

  get size(): number {
    return this.spec.vocab.length;
  }

  /** Splits text into tokens (strings), before the vocabulary lookup. */
  pieces(text: string): string[] {
    return this.spec.level === 'char' ? Array.from(text) : wordPieces(text, this.spec.lowercase);
  }

  /** Token ids; characters outside a char vocabulary are an error, unknown words become <UNK>. */
  encode(text: string): Int32Array {
    const pieces = this.pieces(text);
    const ids = new Int32Array(pieces.length);
    const missing = new Set<string>();
    pieces.forEach((p, i) => {
      const id = this.index.get(p);
      if (id !== undefined) ids[i] = id;
      else if (this.unk >= 0) ids[i] = this.unk;
      else missing.add(p);
    });
    if (missing.size > 0) {
      const shown = [...missing]
        .slice(0, 10)
        .map((c) => JSON.stringify(c))
        .join(', ');
      throw new SeqLabError(
        `the text has ${missing.size} character(s) the model's vocabulary does not know: ${shown}${missing.size > 10 ? ', …' : ''}`,
      );
    }
    return ids;
  }

  /** The id of one given token (a tagged word): <UNK> when the vocabulary does not know it, −1 without <UNK>. */
  id(token: string): number {
    return this.index.get(this.spec.lowercase ? token.toLowerCase() : token) ?? this.unk;
  }

  /** Ids of the text's pieces that the vocabulary knows (unknown characters are dropped: for primers). */
  encodeKnown(text: string): Int32Array {
    const ids: number[] = [];
    for (const p of this.pieces(text)) {
      const id = this.index.get(p) ?? this.unk;
      if (id >= 0) ids.push(id);
    }
    return Int32Array.from(ids);
  }

  /** The text of `ids`, spaced to follow `after` (word level: "the" + "cat" → " cat"). */
  decode(ids: ArrayLike<number>, after = ''): string {
    if (this.spec.level === 'char') {
      let s = '';
      for (let i = 0; i < ids.length; i++) s += this.spec.vocab[ids[i]];
      return s;
    }
    const last = after === '' || /\s$/u.test(after) ? EOS : (after.match(WORD)?.at(-1) ?? EOS);
    return joinWords(
      Array.from(ids, (i) => this.spec.vocab[i]),
      last,
    );
  }

  token(id: number): string {
    return this.spec.vocab[id];
  }
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu;

function wordPieces(text: string, lowercase: boolean): string[] {
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    out.push(...((lowercase ? line.toLowerCase() : line).match(WORD) ?? []));
    if (i < lines.length - 1) out.push(EOS); // every line end; none after a last line without one
  });
  return out;
}

const NO_SPACE_BEFORE = /^[.,;:!?)\]}’”%]$/;
const NO_SPACE_AFTER = /^[([{“‘]$/;

function joinWords(words: string[], prev = EOS): string {
  let s = '';
  for (const w of words) {
    if (w === EOS) {
      s += '\n';
      prev = w;
      continue;
    }
    if (prev !== EOS && !NO_SPACE_BEFORE.test(w) && !NO_SPACE_AFTER.test(prev)) s += ' ';
    s += w;
    prev = w;
  }
  return s;
}

export function buildCharTokenizer(text: string): Tokenizer {
  const set = new Set(Array.from(text));
  const vocab = [...set].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  return new Tokenizer({ level: 'char', vocab, lowercase: false });
}

export function buildWordTokenizer(text: string, minCount: number, lowercase: boolean): Tokenizer {
  const counts = new Map<string, number>();
  for (const w of wordPieces(text, lowercase)) if (w !== EOS) counts.set(w, (counts.get(w) ?? 0) + 1);
  const kept = [...counts]
    .filter(([, n]) => n >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([w]) => w);
  return new Tokenizer({ level: 'word', vocab: [UNK, EOS, ...kept], lowercase });
}
