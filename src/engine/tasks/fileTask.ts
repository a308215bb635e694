// Which task a file is for, from its name and, for a .tsv, its columns: the one rule the CLI (when
// --task is not given) and the editor's palette command follow.
//
//   .conll, .tags                         → tag
//   .tsv: few distinct second columns     → classify     (text<TAB>label)
//   .tsv: few distinct first columns      → conditional  (label<TAB>text)
//   .tsv: both columns vary               → seq2seq      (source<TAB>target)
//   anything else                         → lm

import { seq2seqTaskOfTsv } from '../seq2seq/seq2seqData';
import { isBlank, isComment, numberedLines, Task, taskOfFile } from './taskData';

/** At most this many distinct labels make a column a label column (as seq2seqTaskOfTsv counts a classifier's). */
const MAX_LABELS = 20;

/**
 * The task of a file with this path and text (read only for a .tsv). A .tsv whose second column is not a label column
 * (seq2seqTaskOfTsv) is a conditional model's when its first column is one: d ≤ 20 distinct values,
 * each used at least twice on average; else an encoder–decoder's.
 */
export function taskOfText(path: string, readText: () => string): Task {
  const task = taskOfFile(path);
  if (task !== 'classify') return task;
  const text = readText();
  if (seq2seqTaskOfTsv(text) === 'classify') return task;
  const firsts: string[] = [];
  for (const { text: raw } of numberedLines(text)) {
    if (isBlank(raw) || isComment(raw)) continue;
    const columns = raw.split('\t');
    if (columns.length >= 2) firsts.push(columns[0].trim());
  }
  const distinct = new Set(firsts).size;
  return distinct <= MAX_LABELS && distinct <= firsts.length / 2 ? 'conditional' : 'seq2seq';
}
