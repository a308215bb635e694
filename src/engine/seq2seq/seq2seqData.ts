// The data files of the encoder–decoder (source<TAB>target) and of the conditioned language model
// (label<TAB>text): reading them with line-numbered errors, and telling a seq2seq .tsv from a
// classification .tsv.

import { SeqLabError } from '../errors';
import { goldColumnChecker, isBlank, isComment, numberedLines } from '../tasks/taskData';

/** One line of a seq2seq file: its source, its gold target (null when the file has no target column), its 1-based line. */
export interface Seq2SeqExample {
  source: string;
  target: string | null;
  line: number;
}

/** The longest source or target, in characters, a seq2seq file may hold unless the caller says otherwise. */
export const DEFAULT_MAX_LENGTH = 200;

/** The number of characters (code points: an emoji is one) of a string. */
export function characterCount(s: string): number {
  return [...s].length;
}

/**
 * Reads a seq2seq file: one `source<TAB>target` per line (neither may contain a tab); blank and `#`
 * lines are skipped. A line without a tab is a source without a gold target (refused when
 * requireTargets): a file has targets on every line or on none. Source and target are kept as written
 * (at character level every space is part of the sequence); one that is blank is refused. A source or
 * target longer than maxLength characters (default DEFAULT_MAX_LENGTH) is refused: the decoder writes
 * at most maxLength characters, and the encoder reads as many steps as the source is long.
 */
export function parseSeq2SeqFile(
  text: string,
  name: string,
  opts: { requireTargets?: boolean; maxLength?: number } = {},
): Seq2SeqExample[] {
  const maxLength = opts.maxLength ?? DEFAULT_MAX_LENGTH;
  const examples: Seq2SeqExample[] = [];
  const checkGold = goldColumnChecker(name, 'target', 'line', 'source<TAB>target', opts.requireTargets ?? false);
  const checkLength = (what: 'source' | 'target', s: string, line: number) => {
    const n = characterCount(s);
    if (n > maxLength) {
      throw new SeqLabError(
        `${name} line ${line}: the ${what} has ${n} characters, more than the maximum length ${maxLength} (the decoder writes at most ${maxLength} characters); shorten or split the line`,
      );
    }
  };
  for (const { text: raw, line } of numberedLines(text)) {
    if (isBlank(raw) || isComment(raw)) continue;
    const columns = raw.split('\t');
    if (columns.length > 2) {
      throw new SeqLabError(
        `${name} line ${line}: ${columns.length} tab-separated columns; write source<TAB>target (neither may contain a tab)`,
      );
    }
    const hasTarget = columns.length === 2;
    checkGold(hasTarget, line);
    const source = columns[0];
    if (isBlank(source)) throw new SeqLabError(`${name} line ${line}: empty source; write source<TAB>target`);
    checkLength('source', source, line);
    const target = hasTarget ? columns[1] : null;
    if (target !== null) {
      if (isBlank(target)) throw new SeqLabError(`${name} line ${line}: empty target; write source<TAB>target`);
      checkLength('target', target, line);
    }
    examples.push({ source, target, line });
  }
  if (examples.length === 0) {
    throw new SeqLabError(`${name} has no examples: write one source<TAB>target per line`);
  }
  return examples;
}

/** A classifier has at most this many distinct labels as far as seq2seqTaskOfTsv is concerned. */
export const MAX_CLASSIFY_LABELS = 20;

/**
 * The task of a .tsv file by its second column (the CLI's --task overrides it). A classifier's labels
 * are few and repeat; a seq2seq file's targets are sentences that mostly differ. With n the content
 * lines (not blank, not `#`) that have a second column and d the distinct values of that column
 * (trimmed), the file is seq2seq when
 *   d > MAX_CLASSIFY_LABELS  and  d > n / 2,
 * else classify (also when no line has a second column: a file to predict says nothing about its task).
 * So a small seq2seq file (at most 20 distinct targets) reads as classify unless --task seq2seq says
 * otherwise, and a classifier with hundreds of labels stays classify as long as each label is, on
 * average, used at least twice.
 */
export function seq2seqTaskOfTsv(text: string): 'seq2seq' | 'classify' {
  const seconds: string[] = [];
  for (const { text: raw } of numberedLines(text)) {
    if (isBlank(raw) || isComment(raw)) continue;
    const columns = raw.split('\t');
    if (columns.length >= 2) seconds.push(columns[1].trim());
  }
  const distinct = new Set(seconds).size;
  return distinct > MAX_CLASSIFY_LABELS && distinct > seconds.length / 2 ? 'seq2seq' : 'classify';
}
