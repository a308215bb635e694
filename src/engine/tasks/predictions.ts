// seqlab predict / "Predict file": the task file written back with the model's tags or labels in
// place of its gold column (or added as the last column where it has none). Comments, blank lines
// and the columns between a token and its tag stay as they were.

import { isBlank, isComment, numberedLines } from './taskData';

/**
 * text: the file as read; predicted: per sentence its tags (a tagger), or per line its label (a
 * classifier: one-element arrays), in the file's order, as the model read them.
 */
export function withPredictions(text: string, predicted: string[][]): string {
  const queue = predicted.flat();
  let next = 0;
  const lines = numberedLines(text).map(({ text: raw }) => {
    if (isBlank(raw) || isComment(raw)) return raw;
    const columns = raw.split('\t');
    const value = queue[next++];
    return columns.length > 1 ? [...columns.slice(0, -1), value].join('\t') : `${raw}\t${value}`;
  });
  if (next !== queue.length) throw new Error(`predictions for ${queue.length} rows, the file has ${next}`);
  return lines.join(text.includes('\r\n') ? '\r\n' : '\n');
}
