// The data of a conditioned language model: `label<TAB>text` lines, read with line-numbered errors,
// and each line encoded as one training sequence at character level:
//   inputs  x<1…n+1> = 0 (id −1), c1 … cn
//   targets y<1…n+1> = c1 … cn, end of line ("\n")

import { Model } from '../checkpoint';
import { SeqLabError } from '../errors';
import { buildCharTokenizer, Tokenizer } from '../tokenizer';
import { isBlank, isComment, numberedLines } from '../tasks/taskData';

/** One line of a conditional file: its label, its text (as written), its 1-based line. */
export interface ConditionalRecord {
  label: string;
  text: string;
  line: number;
}

/** One line, encoded: its label's index, inputs and targets (n + 1 steps each). */
export interface ConditionalExample {
  label: number;
  ids: Int32Array;
  targets: Int32Array;
  line: number;
}

/** The token that ends every line: the last target of each sequence; sampling stops at it. */
export const END_OF_LINE = '\n';

/**
 * Reads a conditional file: one `label<TAB>text` per line; the label is trimmed, the text is everything
 * after the first tab, kept as written. Blank and `#` lines are skipped.
 */
export function parseConditionalFile(text: string, name: string): ConditionalRecord[] {
  const records: ConditionalRecord[] = [];
  for (const { text: raw, line } of numberedLines(text)) {
    if (isBlank(raw) || isComment(raw)) continue;
    const tab = raw.indexOf('\t');
    if (tab < 0) throw new SeqLabError(`${name} line ${line}: no tab; write label<TAB>text`);
    const label = raw.slice(0, tab).trim();
    const body = raw.slice(tab + 1);
    if (label === '') throw new SeqLabError(`${name} line ${line}: empty label; write label<TAB>text`);
    if (body === '') throw new SeqLabError(`${name} line ${line}: empty text after the label "${label}"`);
    records.push({ label, text: body, line });
  }
  if (records.length === 0) throw new SeqLabError(`${name} has no examples: write one label<TAB>text per line`);
  return records;
}

/** The character vocabulary of the texts, the end of line included. */
export function conditionalTokenizer(records: ConditionalRecord[]): Tokenizer {
  return buildCharTokenizer(records.map((r) => r.text).join(END_OF_LINE) + END_OF_LINE);
}

/** The index of a label in the model's labels; an unknown one is an error that lists the known labels. */
export function labelIndex(model: Model, label: string, where: string): number {
  const labels = model.labels ?? [];
  const i = labels.indexOf(label);
  if (i < 0) throw new SeqLabError(`${where}"${label}" is not one of the model's labels (${labels.join(', ')})`);
  return i;
}

/** Encodes records with a model's vocabulary and labels; an unknown label or character names its line. */
export function encodeConditional(model: Model, records: ConditionalRecord[], name: string): ConditionalExample[] {
  const tok = model.tokenizer,
    eol = tok.id(END_OF_LINE);
  return records.map((r) => {
    const label = labelIndex(model, r.label, `${name} line ${r.line}: `);
    let chars: Int32Array;
    try {
      chars = tok.encode(r.text);
    } catch (e) {
      throw new SeqLabError(`${name} line ${r.line}: ${(e as Error).message}`);
    }
    const ids = new Int32Array(chars.length + 1),
      targets = new Int32Array(chars.length + 1);
    ids[0] = -1;
    ids.set(chars, 1);
    targets.set(chars);
    targets[chars.length] = eol;
    return { label, ids, targets, line: r.line };
  });
}
