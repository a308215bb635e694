// The CLI's tagging and classification verbs (docs/cli.md): train on a task file, and eval's JSON
// for a task model. The language model's verbs stay in cli.ts.

import { appendFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Backend, backendLabel } from './engine/backend';
import { Model, saveCheckpoint } from './engine/checkpoint';
import {
  defaultTrainConfig,
  inputFor,
  MODEL_KEYS,
  ModelConfig,
  modelLabel,
  TRAIN_KEYS,
  TrainConfig,
} from './engine/config';
import { SeqLabError } from './engine/errors';
import { scoreExamples } from './engine/tasks/scores';
import { parseTaskText, TaskRecords } from './engine/tasks/taskData';
import { splitRecords, taskOptions } from './engine/tasks/taskSetup';
import { encodeRecords, predictExamples, TaskTrainer } from './engine/tasks/taskTrainer';
import { predictedLabels, predictText, withPredictions } from './engine/tasks/predictions';
import { readTextFile } from './engine/text';
import { Given } from './cliArgs';

/** The records of a task file (gold column required when `gold`). */
export function readTaskFile(path: string, task: 'tag' | 'classify', gold: boolean): TaskRecords {
  return parseTaskText(readTextFile(path), task, basename(path), gold);
}

export async function trainTask(file: string, task: 'tag' | 'classify', given: Given, k: Backend): Promise<void> {
  if (given.text('resume'))
    throw new SeqLabError(
      `--resume continues language models only; train the ${task === 'tag' ? 'tagger' : 'classifier'} anew`,
    );
  const givenTrain: TrainConfig = { ...defaultTrainConfig, ...given.pick<TrainConfig>(TRAIN_KEYS) };
  if (given.has('seconds') && !given.has('steps')) givenTrain.steps = 0;
  // A tagger reads words through an embedding and is bidirectional unless --no-bidirectional; a
  // classifier reads characters unless --level word.
  const { model, train } = taskOptions(
    task,
    { ...given.pick<ModelConfig>(MODEL_KEYS), input: inputFor(given.number('embedSize')) },
    givenTrain,
  );
  const all = readTaskFile(file, task, true);
  const valFile = given.text('valFile');
  const [records, val] = valFile
    ? [all, readTaskFile(valFile, task, true)]
    : splitRecords(all, train.valFraction, train.seed);
  const trainer = TaskTrainer.create(records, val, model, train, k, basename(file));
  const c = trainer.model.config;
  const out = given.text('out') ?? `${basename(file).replace(/\.[^.]*$/, '')}.${c.cell}.safetensors`;
  const log = given.text('log');
  if (log) writeFileSync(log, '');
  process.stderr.write(
    `seqlab: ${task === 'tag' ? 'tagger' : 'classifier'} ${modelLabel(c)}${c.bidirectional ? ' bidirectional' : ''}, ` +
      `${c.vocabSize} ${train.level === 'char' ? 'characters' : 'words'}, ${c.classes} ${task === 'tag' ? 'tags' : 'labels'}, ` +
      `${trainer.model.params.size.toLocaleString('en-US')} parameters, backend ${backendLabel(k)}\n`,
  );
  const result = await trainer.run({
    checkpointEvery: train.evalEvery,
    onCheckpoint: (ck) => saveCheckpoint(out, ck),
    onProgress: (p) => {
      if (log) appendFileSync(log, JSON.stringify(p) + '\n');
      if (p.valLoss !== null || p.step === 1)
        process.stderr.write(
          `step ${p.step}${p.totalSteps ? `/${p.totalSteps}` : ''} loss ${p.loss.toFixed(3)}` +
            `${p.valLoss !== null ? ` val ${p.valLoss.toFixed(3)}` : ''}\n`,
        );
    },
  });
  const metrics = trainer.val.length ? taskMetrics(trainer.model, k, trainer.val, train.batchSize) : null;
  const summary = {
    task,
    steps: trainer.step,
    valLoss: result.valLoss,
    ...(metrics ? { val: metrics } : {}),
    checkpoint: out,
  };
  if (log) appendFileSync(log, JSON.stringify({ final: true, ...summary }) + '\n');
  process.stdout.write(JSON.stringify(summary) + '\n');
}

/** eval's JSON for a task model on its examples (the contract in docs/cli.md). */
export function taskMetrics(model: Model, k: Backend, examples: ReturnType<typeof encodeRecords>, B: number): object {
  const { predicted } = predictExamples(model, k, examples, B);
  const scored = scoreExamples(
    model,
    examples.map((e) => e.targets),
    predicted,
  );
  if (scored.task === 'tag') {
    const m = scored.metrics;
    return {
      task: 'tag',
      accuracy: m.accuracy,
      macro_f1: m.macroF1,
      per_tag: Object.fromEntries(
        Object.entries(m.perTag).map(([t, p]) => [t, { precision: p.precision, recall: p.recall, f1: p.f1 }]),
      ),
      tokens: m.tokens,
      ...(m.entityF1 !== null ? { entity_f1: m.entityF1 } : {}),
    };
  }
  const m = scored.metrics;
  return {
    task: 'classify',
    accuracy: m.accuracy,
    macro_f1: m.macroF1,
    labels: scored.labels,
    confusion: m.confusion,
    examples: m.examples,
  };
}

/** seqlab predict CKPT FILE: the file with the model's tags or labels in place of its gold column. */
export function predictTask(model: Model, file: string, k: Backend): string {
  const text = readTextFile(file);
  return withPredictions(text, predictedLabels(predictText(model, k, text, basename(file), 1)));
}

/** seqlab eval CKPT FILE for a tagger or classifier. */
export function evaluateTask(model: Model, file: string, k: Backend): object {
  const task = model.config.task;
  if (task !== 'tag' && task !== 'classify')
    throw new SeqLabError(
      `a ${task === 'lm' ? 'language' : 'conditional'} model is evaluated by its loss, not by task metrics`,
    );
  const examples = encodeRecords(model, readTaskFile(file, task, true), basename(file));
  return taskMetrics(model, k, examples, 32);
}
