// The diagnostics (diagnostics.ts) of a tagger or classifier: the windows are examples of its task
// file, the targets their gold tags or labels.

import { Backend } from '../backend';
import { Model } from '../checkpoint';
import { DiagnoseOptions, diagnoseWindows } from '../diagnostics';
import { checkOption, OPTIONS } from '../options';
import { DiagnosticsReport } from '../reports';
import { parseTaskText } from './taskData';
import { encodeRecords } from './taskTrainer';

/**
 * The diagnostics of a tagger or classifier on examples of a task file's text (with its gold column).
 * The windows are whole examples of at least T steps, read from evenly spaced places in the file and
 * cut to their first T tokens, where T is the asked length or the longest example's, whichever is
 * shorter. The loss L<T> whose reach is measured is the course's: for a tagger the cross-entropy of
 * the gold tag at step T; for a classifier the cross-entropy of the example's label, which it reads
 * after the last step (that loss is L<T>).
 */
export function diagnoseTask(
  model: Model,
  k: Backend,
  text: string,
  name: string,
  options: Partial<DiagnoseOptions> = {},
): DiagnosticsReport {
  const task = model.config.task;
  if (task === 'lm' || task === 'conditional') throw new Error('diagnoseTask is for taggers and classifiers');
  const examples = encodeRecords(model, parseTaskText(text, task, name, true), name);
  const asked = checkOption(OPTIONS.diagnoseSteps, options.steps ?? OPTIONS.diagnoseSteps.default, 'steps');
  const T = Math.min(asked, Math.max(...examples.map((e) => e.ids.length)));
  const long = examples.filter((e) => e.ids.length >= T);
  const B = Math.min(options.streams ?? 8, long.length);
  const ids = new Int32Array(T * B),
    targets = new Int32Array(task === 'tag' ? T * B : B);
  for (let b = 0; b < B; b++) {
    const e = long[Math.floor((b * long.length) / B)];
    for (let t = 0; t < T; t++) ids[t * B + b] = e.ids[t];
    if (task === 'classify') targets[b] = e.targets[0];
    else for (let t = 0; t < T; t++) targets[t * B + b] = e.targets[t];
  }
  return diagnoseWindows(model, k, { ids, targets, B, T }, options);
}
