import assert from 'node:assert/strict';
import { parseConditionalFile } from '../../src/engine/conditional/conditionalData';
import { SeqLabError } from '../../src/engine/errors';
import {
  DEFAULT_MAX_LENGTH,
  MAX_CLASSIFY_LABELS,
  parseSeq2SeqFile,
  seq2seqTaskOfTsv,
} from '../../src/engine/seq2seq/seq2seqData';
import { bleu, characterErrorRate, editDistance, exactMatch } from '../../src/engine/seq2seq/metrics';
import {
  MAX_DATE_EXAMPLES,
  STYLE_THRESHOLD,
  makeConditionalData,
  makeDateData,
  recognisedStyle,
  styleScore,
} from '../../src/engine/seq2seq/makeSeq2Seq';

/** Asserts that fn throws a SeqLabError whose message matches every pattern. */
function throwsSeqLab(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SeqLabError, `expected a SeqLabError, got ${String(e)}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);

describe('seq2seq: source<TAB>target files', () => {
  it('reads source and target per line as written, with line numbers; comments, blank lines and CRLF', () => {
    const text = '# pairs\r\nhello\tbonjour\r\n\r\n la mer \tthe sea \r\n';
    assert.deepEqual(parseSeq2SeqFile(text, 'a.tsv'), [
      { source: 'hello', target: 'bonjour', line: 2 },
      { source: ' la mer ', target: 'the sea ', line: 4 },
    ]);
  });

  it('lines without a tab are sources to translate; requireTargets and mixed files are refused with the line', () => {
    assert.deepEqual(parseSeq2SeqFile('\n3 May 1979\nMay 4, 1980\n', 'p.tsv'), [
      { source: '3 May 1979', target: null, line: 2 },
      { source: 'May 4, 1980', target: null, line: 3 },
    ]);
    throwsSeqLab(
      () => parseSeq2SeqFile('\n3 May 1979\n', 'p.tsv', { requireTargets: true }),
      /^p\.tsv line 2: no target; write source<TAB>target/,
    );
    throwsSeqLab(
      () => parseSeq2SeqFile('a\tA\n# c\nb\n', 'm.tsv'),
      /^m\.tsv line 3: line 1 has a target but line 3 has none; give every line a target \(source<TAB>target\), or none/,
    );
  });

  it('names the line of more than two columns, an empty source and an empty target; refuses a file with no examples', () => {
    throwsSeqLab(
      () => parseSeq2SeqFile('a\tA\nb\tB\tC\n', 'c.tsv'),
      /^c\.tsv line 2: 3 tab-separated columns; write source<TAB>target/,
    );
    throwsSeqLab(() => parseSeq2SeqFile('a\tA\n\tB\n', 'e.tsv'), /^e\.tsv line 2: empty source/);
    throwsSeqLab(() => parseSeq2SeqFile('a\tA\n\nb\t  \n', 'e.tsv'), /^e\.tsv line 3: empty target/);
    throwsSeqLab(() => parseSeq2SeqFile('# nothing\n\n', 'n.tsv'), /^n\.tsv has no examples/);
  });

  it('refuses a source or target longer than the maximum length, counting characters (code points)', () => {
    throwsSeqLab(
      () => parseSeq2SeqFile('abcde\tx\nabcdef\tx\n', 'l.tsv', { maxLength: 5 }),
      /^l\.tsv line 2: the source has 6 characters, more than the maximum length 5 \(the decoder writes at most 5/,
    );
    throwsSeqLab(
      () => parseSeq2SeqFile('x\tabcde\n\nx\tabcdef\n', 'l.tsv', { maxLength: 5 }),
      /^l\.tsv line 3: the target has 6 characters/,
    );
    const emoji = '😀'.repeat(5);
    assert.equal(parseSeq2SeqFile(`${emoji}\t${emoji}`, 'u.tsv', { maxLength: 5 }).length, 1);
    const atLimit = 'a'.repeat(DEFAULT_MAX_LENGTH);
    assert.equal(parseSeq2SeqFile(`${atLimit}\tb`, 'd.tsv').length, 1);
    throwsSeqLab(
      () => parseSeq2SeqFile(`${atLimit}a\tb`, 'd.tsv'),
      new RegExp(`^d\\.tsv line 1: the source has ${DEFAULT_MAX_LENGTH + 1} characters`),
    );
  });
});

describe('seq2seq: which task a .tsv is for', () => {
  const lines = (targets: string[]) => targets.map((t, i) => `text ${i}\t${t}`).join('\n');
  const distinct = (n: number) => Array.from({ length: n }, (_, i) => `target number ${i}`);

  it('few repeated labels are classification; a generated date set is seq2seq', () => {
    assert.equal(seq2seqTaskOfTsv(lines(Array.from({ length: 100 }, (_, i) => (i % 3 ? 'pos' : 'neg')))), 'classify');
    assert.equal(seq2seqTaskOfTsv(makeDateData({ seed: 1, examples: 200 }).train), 'seq2seq');
  });

  it(`seq2seq needs more than ${MAX_CLASSIFY_LABELS} distinct second columns`, () => {
    assert.equal(seq2seqTaskOfTsv(lines(distinct(MAX_CLASSIFY_LABELS))), 'classify');
    assert.equal(seq2seqTaskOfTsv(lines(distinct(MAX_CLASSIFY_LABELS + 1))), 'seq2seq');
  });

  it('and more distinct values than half the lines: many labels used twice each stay classification', () => {
    const twice = distinct(100).flatMap((t) => [t, t]);
    assert.equal(seq2seqTaskOfTsv(lines(twice)), 'classify');
    assert.equal(seq2seqTaskOfTsv(lines([...twice.slice(0, 198), 'one more', 'and another'])), 'seq2seq');
  });

  it('comments do not count and a file without a second column is classification', () => {
    const comments = distinct(30).map((t) => `# x\t${t}`);
    assert.equal(seq2seqTaskOfTsv([...comments, 'a\tpos', 'b\tneg'].join('\n')), 'classify');
    assert.equal(seq2seqTaskOfTsv(distinct(30).join('\n')), 'classify');
  });
});

describe('seq2seq: metrics', () => {
  it('edit distance: insertions, deletions and substitutions cost 1, over code points', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('flaw', 'lawn'), 2);
    assert.equal(editDistance('ab', 'ba'), 2, 'a transposition is two edits');
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('abc', ''), 3);
    assert.equal(editDistance('same', 'same'), 0);
    assert.equal(editDistance('😀a', 'a'), 1, 'an emoji is one character, not two UTF-16 units');
  });

  it('exact match is the share of identical outputs (case counts)', () => {
    assert.equal(exactMatch(['a', 'b', 'c', 'd'], ['a', 'x', 'c', 'D']), 0.5);
  });

  it('CER sums edits and reference lengths over the corpus (not a mean of ratios) and exceeds 1 for long outputs', () => {
    close(characterErrorRate(['kitten', 'abc'], ['sitting', 'abc']), 3 / 9, 'kitten');
    close(characterErrorRate(['a', 'bcdefghij'], ['x', 'bcdefghij']), 1 / 10, 'corpus, not mean (0.5)');
    close(characterErrorRate(['ab'], ['abcde']), 3 / 2, 'too long');
    assert.equal(characterErrorRate(['1979-05-03'], ['1979-05-03']), 0);
  });

  it('BLEU of a short output: clipped n-gram precisions 1, 3/4, 2/3, 1/2 and brevity penalty exp(1 − 6/5)', () => {
    const score = bleu([['the', 'cat', 'sat', 'on', 'the', 'mat']], [['the', 'cat', 'sat', 'on', 'mat']]);
    close(score, Math.exp(1 - 6 / 5) * Math.pow(1 * (3 / 4) * (2 / 3) * (1 / 2), 1 / 4), 'short output');
    assert.ok(Math.abs(score - 0.5789) < 1e-4);
  });

  it('BLEU of a long output has no brevity penalty; a perfect output scores 1', () => {
    const ref = ['the', 'cat', 'sat', 'on', 'the', 'mat'];
    close(bleu([ref], [[...ref, 'today']]), Math.pow((6 / 7) * (5 / 6) * (4 / 5) * (3 / 4), 1 / 4), 'long output');
    assert.equal(bleu([ref], [ref]), 1);
  });

  it('BLEU clips repeated n-grams by their count in the reference', () => {
    close(bleu([['the', 'cat']], [['the', 'the', 'the', 'the']], 1), 1 / 4, 'clipped');
  });

  it('BLEU sums matches over the corpus before dividing (not a mean of sentence scores)', () => {
    const score = bleu(
      [
        ['a', 'b'],
        ['c', 'e'],
      ],
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
      2,
    );
    close(score, Math.sqrt((3 / 4) * (1 / 2)), 'corpus');
  });

  it('BLEU is 0 when some order has no match or no n-gram at all, and for empty outputs', () => {
    const ref = ['the', 'cat', 'sat'];
    assert.equal(bleu([ref], [ref]), 0, 'three tokens have no 4-gram');
    assert.equal(bleu([ref], [ref], 3), 1);
    assert.equal(bleu([ref], [['sat', 'the', 'cat']], 3), 0, 'no 3-gram matches');
    assert.equal(bleu([ref], [[]]), 0);
  });

  it('refuses mismatched lengths, nothing to score and a bad maxN', () => {
    assert.throws(() => exactMatch(['a'], []), /exactMatch: 1 gold but 0 predicted/);
    assert.throws(() => characterErrorRate([], []), /no examples/);
    assert.throws(() => characterErrorRate([''], ['a']), /references are all empty/);
    assert.throws(() => bleu([['a']], [['a']], 0), /maxN must be a whole number/);
  });
});

/** An independent reader of the generated date sources: year, month, day and the weekday when written. */
const MONTH_NAMES = Array.from({ length: 12 }, (_, m) =>
  new Date(Date.UTC(2001, m, 1)).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' }),
);
const WEEKDAY_NAMES = Array.from({ length: 7 }, (_, d) =>
  new Date(Date.UTC(2006, 0, 1 + d)).toLocaleString('en-US', { weekday: 'long', timeZone: 'UTC' }),
);
const monthOf = (name: string) => {
  const m = MONTH_NAMES.findIndex((full) => full === name || full.slice(0, 3) === name || full.toLowerCase() === name);
  assert.ok(m >= 0, `unknown month "${name}"`);
  return m + 1;
};
const century = (yy: string) => (Number(yy) >= 50 ? 1900 : 2000) + Number(yy);
const ordinalSuffix = (n: number) =>
  n % 100 >= 11 && n % 100 <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
type Read = { year: number; month: number; day: number; weekday?: string; suffix?: string };
const READERS: [RegExp, (m: string[]) => Read][] = [
  [
    /^(\d+)(st|nd|rd|th) of ([A-Z][a-z]+) (\d{4})$/,
    (m) => ({ year: +m[4], month: monthOf(m[3]), day: +m[1], suffix: m[2] }),
  ],
  [/^(\d\d)\/(\d\d)\/(\d\d)$/, (m) => ({ year: century(m[3]), month: +m[1], day: +m[2] })],
  [/^([A-Z][a-z]+) (\d+), (\d{4})$/, (m) => ({ year: +m[3], month: monthOf(m[1]), day: +m[2] })],
  [/^(\d+) ([A-Z][a-z]+) (\d{4})$/, (m) => ({ year: +m[3], month: monthOf(m[2]), day: +m[1] })],
  [/^(\d{4})\/(\d+)\/(\d+)$/, (m) => ({ year: +m[1], month: +m[2], day: +m[3] })],
  [
    /^([A-Z][a-z]+day), ([A-Z][a-z]+) (\d+), (\d{4})$/,
    (m) => ({ year: +m[4], month: monthOf(m[2]), day: +m[3], weekday: m[1] }),
  ],
  [/^(\d\d)\.(\d\d)\.(\d{4})$/, (m) => ({ year: +m[3], month: +m[2], day: +m[1] })],
  [
    /^([A-Z][a-z]{2}) (\d+)(st|nd|rd|th), (\d{4})$/,
    (m) => ({ year: +m[4], month: monthOf(m[1]), day: +m[2], suffix: m[3] }),
  ],
  [/^(\d+) ([a-z]+) (\d\d)$/, (m) => ({ year: century(m[3]), month: monthOf(m[2]), day: +m[1] })],
  [
    /^([A-Z][a-z]{2}) (\d+) ([A-Z][a-z]{2}) (\d{4})$/,
    (m) => ({ year: +m[4], month: monthOf(m[3]), day: +m[2], weekday: m[1] }),
  ],
];

describe('seq2seq: generated date set', () => {
  const data = makeDateData({ seed: 7 });
  const train = parseSeq2SeqFile(data.train, 'train.tsv', { requireTargets: true });
  const heldOut = parseSeq2SeqFile(data.heldOut, 'held-out.tsv', { requireTargets: true });

  it('is deterministic by seed: 4500 train and 500 held-out lines by default', () => {
    assert.deepEqual(makeDateData({ seed: 7 }), data);
    assert.notEqual(makeDateData({ seed: 8 }).train, data.train);
    assert.equal(train.length, 4500);
    assert.equal(heldOut.length, 500);
    const small = makeDateData({ seed: 3, examples: 2 });
    assert.equal(parseSeq2SeqFile(small.train, 't').length, 1);
    assert.equal(parseSeq2SeqFile(small.heldOut, 'h').length, 1);
  });

  it('no held-out date appears in train, and every date appears once', () => {
    const trainDates = new Set(train.map((e) => e.target));
    assert.equal(trainDates.size, train.length);
    for (const e of heldOut) assert.ok(!trainDates.has(e.target), `${e.target} is in both`);
  });

  it('every target is the valid ISO date of its source, weekdays and ordinals right, every format used', () => {
    const used = new Set<number>();
    for (const { source, target } of [...train, ...heldOut]) {
      const r = READERS.findIndex(([re]) => re.test(source));
      assert.ok(r >= 0, `no format reads "${source}"`);
      used.add(r);
      const date = READERS[r][1](READERS[r][0].exec(source)!);
      const utc = new Date(Date.UTC(date.year, date.month - 1, date.day));
      assert.equal(utc.getUTCDate(), date.day, `"${source}" is not a real date`);
      assert.equal(utc.getUTCMonth(), date.month - 1, `"${source}" is not a real date`);
      assert.ok(date.year >= 1900 && date.year <= 2099, source);
      assert.match(target!, /^\d{4}-\d{2}-\d{2}$/);
      assert.equal(target, utc.toISOString().slice(0, 10), `"${source}" → "${target}"`);
      if (date.weekday !== undefined) {
        const weekday = WEEKDAY_NAMES[utc.getUTCDay()];
        assert.ok(date.weekday === weekday || date.weekday === weekday.slice(0, 3), `"${source}" is a ${weekday}`);
      }
      if (date.suffix !== undefined) assert.equal(date.suffix, ordinalSuffix(date.day), source);
    }
    assert.equal(used.size, READERS.length, `formats used: ${[...used].sort().join(' ')}`);
  });

  it('refuses fewer than two or too many examples', () => {
    throwsSeqLab(() => makeDateData({ seed: 1, examples: 1 }), /number of examples must be a whole number ≥ 2/);
    throwsSeqLab(
      () => makeDateData({ seed: 1, examples: MAX_DATE_EXAMPLES + 1 }),
      new RegExp(`at most ${MAX_DATE_EXAMPLES}`),
    );
  });
});

describe('seq2seq: generated set of two styles', () => {
  const text = makeConditionalData({ seed: 5 });
  const examples = parseConditionalFile(text, 'styles.tsv');
  const scores = (label: string) => examples.filter((e) => e.label === label).map((e) => styleScore(e.text));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  it('is deterministic by seed: 1000 lines, balanced labels, 4–7 lower-case words each', () => {
    assert.equal(makeConditionalData({ seed: 5 }), text);
    assert.notEqual(makeConditionalData({ seed: 6 }), text);
    assert.equal(examples.length, 1000);
    assert.equal(examples.filter((e) => e.label === 'vowelish').length, 500);
    assert.equal(examples.filter((e) => e.label === 'consonantal').length, 500);
    for (const e of examples) {
      assert.match(e.text, /^[a-z]+( [a-z]+){3,6}$/);
      if (e.label === 'consonantal') assert.doesNotMatch(e.text, /[lmnrsw]/);
      else assert.doesNotMatch(e.text, /[bdgkptz]/);
    }
    assert.equal(parseConditionalFile(makeConditionalData({ seed: 1, lines: 3 }), 'x').length, 3);
  });

  it('the vowel share separates the styles line by line, by a wide margin', () => {
    const vowelish = scores('vowelish');
    const consonantal = scores('consonantal');
    assert.ok(Math.abs(mean(vowelish) - 1 / 1.7) < 0.03, `vowelish mean ${mean(vowelish)}`);
    assert.ok(Math.abs(mean(consonantal) - 1 / 4) < 0.03, `consonantal mean ${mean(consonantal)}`);
    const lowest = Math.min(...vowelish);
    const highest = Math.max(...consonantal);
    assert.ok(lowest - highest > 0.1, `lowest vowelish ${lowest}, highest consonantal ${highest}`);
    assert.ok(highest < STYLE_THRESHOLD && STYLE_THRESHOLD <= lowest);
    for (const e of examples) assert.equal(recognisedStyle(e.text), e.label, e.text);
  });

  it('scores are case-insensitive and ignore non-letters; no letters → NaN and no style', () => {
    close(styleScore('Ka-Ta!'), 1 / 2, 'Ka-Ta');
    assert.ok(Number.isNaN(styleScore('12 !')));
    assert.equal(recognisedStyle(''), null);
    assert.equal(recognisedStyle('strk'), 'consonantal');
    assert.equal(recognisedStyle('aloe'), 'vowelish');
  });

  it('refuses fewer than two lines', () => {
    throwsSeqLab(() => makeConditionalData({ seed: 1, lines: 1 }), /number of lines must be a whole number ≥ 2/);
  });
});
