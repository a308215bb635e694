// Synthetic sets, deterministic by seed, for the encoder–decoder and the conditioned language model:
// dates written in many human ways to normalise into ISO 8601, and two made-up "languages" whose
// styles a simple statistic tells apart.

import { SeqLabError } from '../errors';
import { Rng } from '../rng';
import { checkCount, pick } from '../tasks/makeData';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A calendar date; weekday 0 is Sunday. */
interface CalendarDate {
  year: number;
  month: number;
  day: number;
  weekday: number;
}

const MS_PER_DAY = 86_400_000;
const FIRST_DAY = Date.UTC(1900, 0, 1);
/** The dates drawn: 1900-01-01 … 2099-12-31. */
const DAY_COUNT = (Date.UTC(2100, 0, 1) - FIRST_DAY) / MS_PER_DAY;

/** The date `k` days after 1900-01-01 (UTC: every day has 24 hours). */
function dateOfDay(k: number): CalendarDate {
  const d = new Date(FIRST_DAY + k * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** 1st 2nd 3rd 4th … 11th 12th 13th … 21st 22nd 23rd … 31st. */
function ordinal(n: number): string {
  const last = n % 10;
  const suffix = (n % 100 >= 11 && n % 100 <= 13) || last === 0 || last > 3 ? 'th' : ['st', 'nd', 'rd'][last - 1];
  return `${n}${suffix}`;
}

/** A date's ISO 8601 form, the target of every source: 1979-05-03. */
export function isoDate(date: { year: number; month: number; day: number }): string {
  return `${date.year}-${pad2(date.month)}-${pad2(date.day)}`;
}

/**
 * The human ways a date is written (shown for Thursday 3 May 1979). Numeric forms tell their order
 * by the separator: slashes with the year last are month/day (US), slashes with the year first are
 * year/month/day, dots are day.month.year. A two-digit year stands for 1950–2049 (yy ≥ 50 → 19yy,
 * else 20yy), so those forms are used only for dates in that range.
 */
const FORMATS: { twoDigitYear: boolean; write: (d: CalendarDate) => string }[] = [
  { twoDigitYear: false, write: (d) => `${ordinal(d.day)} of ${MONTHS[d.month - 1]} ${d.year}` }, // 3rd of May 1979
  { twoDigitYear: true, write: (d) => `${pad2(d.month)}/${pad2(d.day)}/${pad2(d.year % 100)}` }, // 05/03/79
  { twoDigitYear: false, write: (d) => `${MONTHS[d.month - 1]} ${d.day}, ${d.year}` }, // May 3, 1979
  { twoDigitYear: false, write: (d) => `${d.day} ${MONTHS[d.month - 1]} ${d.year}` }, // 3 May 1979
  { twoDigitYear: false, write: (d) => `${d.year}/${d.month}/${d.day}` }, // 1979/5/3
  { twoDigitYear: false, write: (d) => `${WEEKDAYS[d.weekday]}, ${MONTHS[d.month - 1]} ${d.day}, ${d.year}` }, // Thursday, May 3, 1979
  { twoDigitYear: false, write: (d) => `${pad2(d.day)}.${pad2(d.month)}.${d.year}` }, // 03.05.1979
  { twoDigitYear: false, write: (d) => `${MONTHS[d.month - 1].slice(0, 3)} ${ordinal(d.day)}, ${d.year}` }, // May 3rd, 1979
  { twoDigitYear: true, write: (d) => `${d.day} ${MONTHS[d.month - 1].toLowerCase()} ${pad2(d.year % 100)}` }, // 3 may 79
  {
    twoDigitYear: false,
    write: (d) => `${WEEKDAYS[d.weekday].slice(0, 3)} ${d.day} ${MONTHS[d.month - 1].slice(0, 3)} ${d.year}`,
  }, // Thu 3 May 1979
];

/** The most examples makeDateData writes: a small share of the 73 049 dates, so drawing distinct ones stays quick. */
export const MAX_DATE_EXAMPLES = 20_000;

/**
 * A date-normalisation set for the encoder–decoder: `source<TAB>target` lines (one `#` line first),
 * the source a date written one of the ways in FORMATS (drawn uniformly among those that fit the date),
 * the target its ISO form ("3rd of May 1979" → "1979-05-03"). `examples` (default 5000) distinct dates
 * between 1900 and 2099 are drawn; round(examples / 10) of them (at least 1) are held out, so no
 * held-out date appears in train, in any form.
 */
export function makeDateData(opts: { seed: number; examples?: number }): { train: string; heldOut: string } {
  const n = opts.examples ?? 5000;
  checkCount('the number of examples', n, 2);
  if (n > MAX_DATE_EXAMPLES) {
    throw new SeqLabError(`the number of examples must be at most ${MAX_DATE_EXAMPLES} (got ${n})`);
  }
  const rng = new Rng(opts.seed);
  const days = new Set<number>();
  while (days.size < n) days.add(rng.nextU32() % DAY_COUNT);
  const lines = [...days].map((k) => {
    const date = dateOfDay(k);
    const fits = FORMATS.filter((f) => !f.twoDigitYear || (date.year >= 1950 && date.year <= 2049));
    return `${pick(rng, fits).write(date)}\t${isoDate(date)}`;
  });
  const nHeldOut = Math.max(1, Math.round(n / 10));
  const header = (part: string) =>
    `# seqlab make-data seq2seq --seed ${opts.seed} (${part}): a date written by hand → its ISO 8601 form\n`;
  return {
    train: header('train') + lines.slice(nHeldOut).join('\n') + '\n',
    heldOut: header('held out: dates never in train') + lines.slice(0, nHeldOut).join('\n') + '\n',
  };
}

/** The labels of makeConditionalData: two made-up languages. */
export const STYLES = ['vowelish', 'consonantal'] as const;
export type Style = (typeof STYLES)[number];

const VOWELS = [...'aeiou'];
/** Each language's consonants; the two sets share none. */
const CONSONANTS: Record<Style, string[]> = { vowelish: [...'lmnrsw'], consonantal: [...'bdgkptz'] };

/**
 * A word of one language. vowelish: 2–4 syllables, each a vowel after a consonant with probability 0.7
 * (vowel share 1/1.7 ≈ 0.59); consonantal: 1–2 syllables, each an onset of 2–3 consonants, a vowel and
 * a final consonant with probability 0.5 (vowel share 1/4).
 */
function word(rng: Rng, style: Style): string {
  const consonant = () => pick(rng, CONSONANTS[style]);
  const vowel = () => pick(rng, VOWELS);
  let w = '';
  if (style === 'vowelish') {
    const syllables = 2 + (rng.nextU32() % 3);
    for (let s = 0; s < syllables; s++) w += (rng.next() < 0.7 ? consonant() : '') + vowel();
  } else {
    const syllables = 1 + (rng.nextU32() % 2);
    for (let s = 0; s < syllables; s++) {
      const onset = 2 + (rng.nextU32() % 2);
      for (let c = 0; c < onset; c++) w += consonant();
      w += vowel() + (rng.next() < 0.5 ? consonant() : '');
    }
  }
  return w;
}

/**
 * A set for the conditioned language model: `label<TAB>text` lines (one `#` line first), each text
 * 4–7 words of one made-up language, its label the language (see word). Labels are balanced,
 * ⌈lines/2⌉ vowelish and ⌊lines/2⌋ consonantal, shuffled; default 1000 lines. styleScore tells them apart.
 */
export function makeConditionalData(opts: { seed: number; lines?: number }): string {
  const n = opts.lines ?? 1000;
  checkCount('the number of lines', n, 2);
  const rng = new Rng(opts.seed);
  const labels = rng.shuffle(
    Array.from({ length: n }, (_, i): Style => (i < Math.ceil(n / 2) ? STYLES[0] : STYLES[1])),
  );
  const lines = labels.map((style) => {
    const words = Array.from({ length: 4 + (rng.nextU32() % 4) }, () => word(rng, style));
    return `${style}\t${words.join(' ')}`;
  });
  return `# seqlab make-data conditional --seed ${opts.seed}: two made-up languages, vowelish and consonantal\n${lines.join('\n')}\n`;
}

/** The vowel share of a text's letters, #{a e i o u} / #{a … z} (case-insensitive); NaN when it has no letters. */
export function styleScore(text: string): number {
  const letters = text.toLowerCase().match(/[a-z]/g) ?? [];
  if (letters.length === 0) return NaN;
  return letters.filter((c) => VOWELS.includes(c)).length / letters.length;
}

/** Between the languages' expected vowel shares, 1/4 and 1/1.7 ≈ 0.59. */
export const STYLE_THRESHOLD = 0.42;

/** The language a text's vowel share points to (vowelish at or above STYLE_THRESHOLD); null for a text without letters. */
export function recognisedStyle(text: string): Style | null {
  const score = styleScore(text);
  if (Number.isNaN(score)) return null;
  return score >= STYLE_THRESHOLD ? 'vowelish' : 'consonantal';
}
