// Small synthetic data sets, deterministic by seed, that test what each architecture is for:
// a tagging set whose tags depend on the right-hand context (needs a bidirectional tagger) and a
// classification set whose label is decided at the start of a long line (needs long memory).

import { SeqLabError } from '../errors';
import { Rng } from '../rng';

/** A uniformly drawn item of a non-empty list. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.nextU32() % items.length];
}

/** Refuses a count that is not a whole number ≥ min, naming `what`. */
export function checkCount(what: string, n: number, min: number): void {
  if (!(Number.isInteger(n) && n >= min)) throw new SeqLabError(`${what} must be a whole number ≥ ${min} (got ${n})`);
}

/**
 * First names that are also ordinary words ("teddy roosevelt" / "teddy bears"), each with the nouns
 * that follow it when it is not a name. Followed by a surname it is B-PER (and the surname I-PER);
 * followed by one of its nouns it is O.
 */
const AMBIGUOUS: Record<string, readonly string[]> = {
  teddy: ['bears', 'bear'],
  rose: ['garden', 'petals'],
  jack: ['knife', 'rabbit'],
  bill: ['payment', 'collector'],
  grace: ['period', 'notes'],
  mark: ['sheet', 'scheme'],
};
const AMBIGUOUS_WORDS = Object.keys(AMBIGUOUS);
const SURNAMES = ['roosevelt', 'smith', 'jones', 'brown', 'taylor', 'walker', 'hughes'];
const FIRST_NAMES = ['alice', 'oliver', 'maria', 'david'];
const PLACES = ['paris', 'london', 'boston', 'cairo'];
const DETERMINERS = ['the', 'a', 'this'];
const NOUNS = ['dog', 'letter', 'river', 'house', 'song', 'car'];
const PRONOUNS = ['she', 'he', 'they'];
const VERBS = ['saw', 'liked', 'found', 'painted', 'sold', 'met', 'wanted'];
const PREPOSITIONS = ['in', 'near', 'from'];
const ADVERBS = ['today', 'again', 'yesterday', 'quietly'];

type Tagged = [word: string, tag: string][];

/**
 * A noun phrase: with probability 0.6 an ambiguous word, then — by a coin flip made after everything
 * to its left — a surname (B-PER I-PER) or one of its nouns (O O); else a plain name (B-PER I-PER) or
 * a determiner and a noun (O O).
 */
function nounPhrase(rng: Rng): Tagged {
  const r = rng.next();
  if (r < 0.6) {
    const word = pick(rng, AMBIGUOUS_WORDS);
    return rng.next() < 0.5
      ? [
          [word, 'B-PER'],
          [pick(rng, SURNAMES), 'I-PER'],
        ]
      : [
          [word, 'O'],
          [pick(rng, AMBIGUOUS[word]), 'O'],
        ];
  }
  if (r < 0.8) {
    return [
      [pick(rng, FIRST_NAMES), 'B-PER'],
      [pick(rng, SURNAMES), 'I-PER'],
    ];
  }
  return [
    [pick(rng, DETERMINERS), 'O'],
    [pick(rng, NOUNS), 'O'],
  ];
}

/** subject (a pronoun or a noun phrase), verb, object, [and object], [preposition place], [adverb]: 4–11 tokens. */
function taggedSentence(rng: Rng): Tagged {
  const s: Tagged = rng.next() < 0.25 ? [[pick(rng, PRONOUNS), 'O']] : nounPhrase(rng);
  s.push([pick(rng, VERBS), 'O'], ...nounPhrase(rng));
  if (rng.next() < 0.4) s.push(['and', 'O'], ...nounPhrase(rng));
  if (rng.next() < 0.5) s.push([pick(rng, PREPOSITIONS), 'O'], [pick(rng, PLACES), 'B-LOC']);
  if (rng.next() < 0.3) s.push([pick(rng, ADVERBS), 'O']);
  return s;
}

/**
 * A tagging set (token<TAB>tag, a blank line between sentences, one `#` line first) whose tags depend
 * on the right-hand context: an ambiguous word ("teddy", "rose", "jack", …) is B-PER when the NEXT word
 * is a surname and O when it is one of its nouns, and that choice is independent of everything to its
 * left. Every other token's tag follows from the token itself (surnames after a first name are I-PER,
 * places B-LOC, the rest O). Everything is lower-case, so capitals give nothing away.
 *
 * A left-to-right tagger, at an ambiguous word, has seen only the left context: at best it is right
 * half the time there. Its best possible expected token accuracy is therefore 1 − a/2, with a the
 * fraction of tokens that are ambiguous words (about 0.17 here, so about 91–92 %); a bidirectional
 * tagger sees the next word and can reach 100 %.
 */
export function makeTagData(opts: { seed: number; sentences?: number }): string {
  const n = opts.sentences ?? 600;
  checkCount('the number of sentences', n, 1);
  const rng = new Rng(opts.seed);
  const blocks: string[] = [];
  for (let i = 0; i < n; i++)
    blocks.push(
      taggedSentence(rng)
        .map(([w, t]) => `${w}\t${t}`)
        .join('\n'),
    );
  return `# seqlab make-data tag --seed ${opts.seed}: the tag of teddy, rose, jack, … depends on the next word\n${blocks.join('\n\n')}\n`;
}

/** The opening word of a classification line: its first letter alone decides the label. */
const CUES: Record<'pos' | 'neg', readonly string[]> = {
  pos: ['joy', 'fun', 'yes', 'win'],
  neg: ['sad', 'bad', 'not', 'low'],
};
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Random lower-case words of 2–9 letters, one space between them, exactly `length` characters, ending in a letter. */
function filler(rng: Rng, length: number): string {
  let s = '';
  while (s.length < length) {
    if (s.length > 0) s += ' ';
    const room = length - s.length;
    // A word that would leave fewer than 3 characters (a space and a 2-letter word) takes them too.
    let w = 2 + (rng.nextU32() % 6);
    if (w >= room - 2) w = room;
    for (let i = 0; i < w; i++) s += LETTERS[rng.nextU32() % LETTERS.length];
  }
  return s;
}

/**
 * A classification set (text<TAB>label, one `#` line first) that needs long memory: every line has
 * exactly `length` characters (lower-case letters and single spaces, default 40), starts with a
 * three-letter cue word that decides the label ("joy fun yes win" → pos, "sad bad not low" → neg) and
 * continues with random words, which may contain cue words by chance. A reader of the last state must
 * carry the cue across length − 3 steps. Labels are balanced: ⌈lines/2⌉ pos, ⌊lines/2⌋ neg, shuffled.
 */
export function makeClassifyData(opts: { seed: number; lines?: number; length?: number }): string {
  const n = opts.lines ?? 800;
  const length = opts.length ?? 40;
  checkCount('the number of lines', n, 2);
  checkCount('the line length', length, 8);
  const rng = new Rng(opts.seed);
  const labels = Array.from({ length: n }, (_, i) => (i < Math.ceil(n / 2) ? 'pos' : 'neg') as 'pos' | 'neg');
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextU32() % (i + 1);
    [labels[i], labels[j]] = [labels[j], labels[i]];
  }
  const lines = labels.map((label) => {
    const cue = pick(rng, CUES[label]);
    return `${cue} ${filler(rng, length - cue.length - 1)}\t${label}`;
  });
  return `# seqlab make-data classify --seed ${opts.seed}: the first word decides the label\n${lines.join('\n')}\n`;
}
