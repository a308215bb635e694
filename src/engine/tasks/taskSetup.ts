// What the CLI and the editor share when they train a tagger or a classifier: holding out the task
// file's validation part, the task's model and level defaults, and the model's name.

import { ModelConfig, modelLabel, TrainConfig } from '../config';
import type { Seq2SeqConfig } from '../seq2seq/seq2seqParams';
import { splitValidation, Task, TaskRecords } from './taskData';

/** The records split into training and held-out validation records (splitValidation's rules). */
export function splitRecords(records: TaskRecords, valFraction: number, seed: number): [TaskRecords, TaskRecords] {
  if (records.task === 'tag') {
    const { train, val } = splitValidation(records.items, valFraction, seed);
    return [
      { task: 'tag', items: train },
      { task: 'tag', items: val },
    ];
  }
  const { train, val } = splitValidation(records.items, valFraction, seed);
  return [
    { task: 'classify', items: train },
    { task: 'classify', items: val },
  ];
}

/**
 * A task's defaults over the options given: a tagger reads words, through a learned embedding of 64
 * unless one is given, and is bidirectional unless `bidirectional` is given; a classifier and an
 * encoder–decoder read the level given (characters unless words are asked for); a conditional model
 * writes characters.
 */
export function taskOptions(
  task: Exclude<Task, 'lm'>,
  model: Partial<ModelConfig>,
  train: TrainConfig,
): { model: Partial<ModelConfig>; train: TrainConfig } {
  if (task === 'seq2seq') return { model, train };
  if (task === 'conditional') return { model: { ...model, task }, train: { ...train, level: 'char' } };
  if (task === 'classify') return { model: { ...model, task }, train };
  const embedding = model.input === 'embedding' ? {} : { input: 'embedding' as const, embedSize: 64 };
  return {
    model: { ...model, ...embedding, task, bidirectional: model.bidirectional ?? true },
    train: { ...train, level: 'word' },
  };
}

/** An encoder–decoder's name in titles, e.g. "encoder–decoder LSTM-64 (bidirectional encoder)". */
export function seq2seqModelLabel(c: Seq2SeqConfig): string {
  return `encoder–decoder ${modelLabel(c)}${c.bidirectional ? ' (bidirectional encoder)' : ''}`;
}

/**
 * A model's name in titles: a language model's modelLabel ("LSTM-128"); a task model's with its role
 * and what sets it apart, e.g. "tagger LSTM-32 (bidirectional)", "classifier GRU-64 (mean over time)",
 * "conditional LSTM-128".
 */
export function taskModelLabel(
  c: Pick<ModelConfig, 'cell' | 'gruForm' | 'peephole' | 'hidden' | 'layers' | 'task' | 'bidirectional' | 'pool'>,
): string {
  if (c.task === 'lm') return modelLabel(c);
  const notes = [
    ...(c.bidirectional ? ['bidirectional'] : []),
    ...(c.task === 'classify' && c.pool === 'mean' ? ['mean over time'] : []),
  ];
  const role = { tag: 'tagger', classify: 'classifier', conditional: 'conditional' }[c.task];
  return `${role} ${modelLabel(c)}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}
