// The data files of the tagging and classification tasks: which task a file is for, reading it with
// line-numbered errors, the held-out validation split and the vocabularies of words, tags and labels.

import { SeqLabError } from '../errors';
import { Rng } from '../rng';

/**
 * lm: a language model on plain text; tag: many-to-many (one tag per token); classify: many-to-one
 * (one label per line); seq2seq: many-to-many of other lengths (an encoder–decoder of source<TAB>target
 * lines); conditional: one-to-many (a language model of label<TAB>text lines, conditioned on the label).
 */
export type Task = 'lm' | 'tag' | 'classify' | 'seq2seq' | 'conditional';

/** The tasks of a tagger or a classifier (TaskTrainer's). */
export type LabelTask = 'tag' | 'classify';

/** The padding entry of a vocabulary: index 0 when a caller puts it first, so padded batches can be zero-filled. */
export const PAD = '<PAD>';

/** The task a file is for by its extension (case-insensitive): .conll/.tags → tag, .tsv → classify, else lm. The CLI's --task overrides it. */
export function taskOfFile(path: string): Task {
  const dot = path.lastIndexOf('.');
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const ext = dot > slash ? path.slice(dot + 1).toLowerCase() : '';
  if (ext === 'conll' || ext === 'tags') return 'tag';
  if (ext === 'tsv') return 'classify';
  return 'lm';
}

/** One sentence of a tagging file: its tokens, their gold tags (null when the file has no tag column), the 1-based line of its first token. */
export interface TaggedSentence {
  tokens: string[];
  tags: string[] | null;
  line: number;
}

/** One line of a classification file: its text, its gold label (null when the file has no label column), its 1-based line. */
export interface LabelledText {
  text: string;
  label: string | null;
  line: number;
}

/** A task file's examples: a tagger's sentences or a classifier's lines. */
export type TaskRecords = { task: 'tag'; items: TaggedSentence[] } | { task: 'classify'; items: LabelledText[] };

/** Reads a task file's text as the task says (gold column required when `gold`; see parseTagFile, parseClassifyFile). */
export function parseTaskText(text: string, task: 'tag' | 'classify', name: string, gold: boolean): TaskRecords {
  return task === 'tag'
    ? { task, items: parseTagFile(text, name, { requireTags: gold }) }
    : { task, items: parseClassifyFile(text, name, { requireLabels: gold }) };
}

/** The lines of a file with their 1-based numbers; CRLF and LF both end a line. */
export function numberedLines(text: string): { text: string; line: number }[] {
  return text.split(/\r?\n/).map((t, i) => ({ text: t, line: i + 1 }));
}

export const isBlank = (s: string) => s.trim() === '';
export const isComment = (s: string) => s.startsWith('#');

/**
 * Every content line of a file must agree on having the gold column (a tag, label or target, each
 * `unit` written as `format`): the first content line decides, and a line without it is refused when
 * `required`. Returns a checker called with each line's answer; it throws at the first line that disagrees.
 */
export function goldColumnChecker(name: string, column: string, unit: string, format: string, required: boolean) {
  let first: { has: boolean; line: number } | null = null;
  return (has: boolean, line: number) => {
    if (!has && required) {
      throw new SeqLabError(`${name} line ${line}: no ${column}; write ${format} (columns separated by a tab)`);
    }
    if (first === null) first = { has, line };
    else if (first.has !== has) {
      const [withIt, without] = has ? [line, first.line] : [first.line, line];
      throw new SeqLabError(
        `${name} line ${line}: line ${withIt} has a ${column} but line ${without} has none; give every ${unit} a ${column} (${format}), or none`,
      );
    }
  };
}

/**
 * Reads a CoNLL-style tagging file: one `token<TAB>tag` per line, the token the first column and the
 * tag the last (columns between them are ignored); a blank line between sentences; `#` lines are
 * comments. A line with one column is a token without a gold tag (refused when requireTags): a file
 * has tags on every token line or on none. Tokens and tags are trimmed of surrounding spaces.
 */
export function parseTagFile(text: string, name: string, opts: { requireTags?: boolean } = {}): TaggedSentence[] {
  const sentences: TaggedSentence[] = [];
  const checkGold = goldColumnChecker(name, 'tag', 'token', 'token<TAB>tag', opts.requireTags ?? false);
  let current: TaggedSentence | null = null;
  for (const { text: raw, line } of numberedLines(text)) {
    if (isBlank(raw)) {
      current = null;
      continue;
    }
    if (isComment(raw)) continue;
    const columns = raw.split('\t');
    const token = columns[0].trim();
    if (token === '') throw new SeqLabError(`${name} line ${line}: empty token; write token<TAB>tag`);
    if (/\s/.test(token)) {
      throw new SeqLabError(
        `${name} line ${line}: the token "${token}" contains a space; one token per line, columns separated by a tab`,
      );
    }
    const hasTag = columns.length > 1;
    checkGold(hasTag, line);
    const tag = hasTag ? columns[columns.length - 1].trim() : null;
    if (tag === '') throw new SeqLabError(`${name} line ${line}: empty tag after "${token}"; write token<TAB>tag`);
    if (current === null) {
      current = { tokens: [], tags: hasTag ? [] : null, line };
      sentences.push(current);
    }
    current.tokens.push(token);
    if (tag !== null) current.tags!.push(tag);
  }
  if (sentences.length === 0) {
    throw new SeqLabError(
      `${name} has no sentences: write one token<TAB>tag per line, with a blank line between sentences`,
    );
  }
  return sentences;
}

/**
 * Reads a classification file: one `text<TAB>label` per line (the text may contain no tab); blank and
 * `#` lines are skipped. A line without a tab is a text without a gold label (refused when
 * requireLabels): a file has labels on every line or on none. The text is kept as written, the
 * label trimmed of surrounding spaces.
 */
export function parseClassifyFile(text: string, name: string, opts: { requireLabels?: boolean } = {}): LabelledText[] {
  const examples: LabelledText[] = [];
  const checkGold = goldColumnChecker(name, 'label', 'line', 'text<TAB>label', opts.requireLabels ?? false);
  for (const { text: raw, line } of numberedLines(text)) {
    if (isBlank(raw) || isComment(raw)) continue;
    const columns = raw.split('\t');
    if (columns.length > 2) {
      throw new SeqLabError(
        `${name} line ${line}: ${columns.length} tab-separated columns; write text<TAB>label (the text may not contain a tab)`,
      );
    }
    const hasLabel = columns.length === 2;
    checkGold(hasLabel, line);
    const body = columns[0];
    if (isBlank(body)) throw new SeqLabError(`${name} line ${line}: empty text; write text<TAB>label`);
    const label = hasLabel ? columns[1].trim() : null;
    if (label === '') throw new SeqLabError(`${name} line ${line}: empty label; write text<TAB>label`);
    examples.push({ text: body, label, line });
  }
  if (examples.length === 0) {
    throw new SeqLabError(`${name} has no examples: write one text<TAB>label per line`);
  }
  return examples;
}

/**
 * Holds out round(n·valFraction) items (at least 1 when valFraction > 0, at most n − 1) chosen by a
 * seeded shuffle; both parts keep the file's order. val is empty when valFraction is 0 or n < 2.
 */
export function splitValidation<T>(items: T[], valFraction: number, seed: number): { train: T[]; val: T[] } {
  if (!(valFraction >= 0 && valFraction < 1)) {
    throw new SeqLabError(`the validation fraction must be at least 0 and below 1 (got ${valFraction})`);
  }
  const n = items.length;
  if (valFraction === 0 || n < 2) return { train: items.slice(), val: [] };
  const nVal = Math.min(n - 1, Math.max(1, Math.round(n * valFraction)));
  const order = new Rng(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const held = new Set(order.slice(0, nVal));
  return { train: items.filter((_, i) => !held.has(i)), val: items.filter((_, i) => held.has(i)) };
}

/**
 * A vocabulary: `extra` first, in its order (for words and characters [PAD, UNK], so padding is index 0
 * and anything unknown or rarer than minCount maps to UNK; for tags and labels []), then every other
 * item seen at least minCount times, by descending count, ties in code-unit order.
 */
export function buildVocab(items: string[], minCount: number, extra: string[]): string[] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  const reserved = new Set(extra);
  const kept = [...counts]
    .filter(([item, n]) => n >= minCount && !reserved.has(item))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([item]) => item);
  return [...extra, ...kept];
}

/** Each entry's index in a vocabulary (entries are distinct). */
export function indexOf(vocab: string[]): Map<string, number> {
  const index = new Map<string, number>();
  vocab.forEach((entry, i) => {
    if (index.has(entry)) throw new Error(`vocabulary entry "${entry}" appears twice`);
    index.set(entry, i);
  });
  return index;
}

/** The distinct tags or labels of `gold` that are not in `known` (those seen in training), sorted. */
export function unseenLabels(gold: string[], known: string[]): string[] {
  const knownSet = new Set(known);
  return [...new Set(gold.filter((g) => !knownSet.has(g)))].sort();
}
