// seqlab predict / "Predict file": the task file written back with the model's tags or labels in
// place of its gold column (or added as the last column where it has none). Comments, blank lines
// and the columns between a token and its tag stay as they were.

import { Backend } from '../backend';
import { Model } from '../checkpoint';
import { SeqLabError } from '../errors';
import { isBlank, isComment, numberedLines, parseTaskText, TaskRecords } from './taskData';
import { encodeRecords, predictExamples } from './taskTrainer';

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

/** A class and the model's probability of it. */
export interface RankedClass {
  label: string;
  p: number;
}

/** One example of a task file as the model sees it: per row (a tagger's token, a classifier's text) its classes by probability. */
export interface PredictedExample {
  line: number; // 1-based line of the example's first row in the text read
  rows: { text: string; top: RankedClass[] }[];
}

/**
 * The predictions of a tagger or classifier for a task file's text: for each example and row its topK
 * most probable classes, most probable first. Gold columns in the text are read past, not used (a tag
 * or label the model never saw is no error here).
 */
export function predictText(model: Model, k: Backend, text: string, name: string, topK: number): PredictedExample[] {
  const task = model.config.task;
  if (task === 'lm' || task === 'conditional')
    throw new SeqLabError(
      `predict is for taggers and classifiers; sample from a ${task === 'lm' ? 'language' : 'conditional'} model`,
    );
  const records = parseTaskText(text, task, name, false);
  const unlabelled: TaskRecords =
    records.task === 'tag'
      ? { task: 'tag', items: records.items.map((s) => ({ ...s, tags: null })) }
      : { task: 'classify', items: records.items.map((x) => ({ ...x, label: null })) };
  const examples = encodeRecords(model, unlabelled, name);
  const { probabilities } = predictExamples(model, k, examples, 32);
  const labels = model.labels!,
    C = model.config.classes;
  const rank = (p: Float32Array, row: number): RankedClass[] =>
    Array.from(p.subarray(row * C, (row + 1) * C), (v, c) => ({ label: labels[c], p: v }))
      .sort((a, b) => b.p - a.p)
      .slice(0, topK);
  return examples.map((e, i) => {
    const texts = records.task === 'tag' ? records.items[i].tokens : [records.items[i].text];
    return { line: e.line, rows: texts.map((t, row) => ({ text: t, top: rank(probabilities[i], row) })) };
  });
}

/** The most probable class of every row, per example: what withPredictions writes. */
export function predictedLabels(examples: PredictedExample[]): string[][] {
  return examples.map((e) => e.rows.map((r) => r.top[0].label));
}
