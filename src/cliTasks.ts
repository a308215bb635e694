// The CLI's tagging and classification verbs (docs/cli.md): train on a task file, and eval's JSON
// for a task model. The language model's verbs stay in cli.ts.

import { appendFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Backend } from './engine/backend';
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
import { classifyMetrics, tagMetrics } from './engine/tasks/metrics';
import { parseTaskText, splitValidation, TaskRecords } from './engine/tasks/taskData';
import { encodeRecords, predictExamples, TaskTrainer } from './engine/tasks/taskTrainer';
import { predictedLabels, predictText, withPredictions } from './engine/tasks/predictions';
import { readTextFile } from './engine/text';
import { Given } from './cliArgs';

/** The records of a task file (gold column required when `gold`). */
export function readTaskFile(path: string, task: 'tag' | 'classify', gold: boolean): TaskRecords {
  return parseTaskText(readTextFile(path), task, basename(path), gold);
}

function split(records: TaskRecords, valFraction: number, seed: number): [TaskRecords, TaskRecords] {
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

export async function trainTask(file: string, task: 'tag' | 'classify', given: Given, k: Backend): Promise<void> {
  if (given.text('resume'))
    throw new SeqLabError(
      `--resume continues language models only; train the ${task === 'tag' ? 'tagger' : 'classifier'} anew`,
    );
  const train: TrainConfig = { ...defaultTrainConfig, ...given.pick<TrainConfig>(TRAIN_KEYS) };
  if (given.has('seconds') && !given.has('steps')) train.steps = 0;
  // A tagger reads words by default; a classifier characters unless --level word.
  if (task === 'tag') train.level = 'word';
  const all = readTaskFile(file, task, true);
  const valFile = given.text('valFile');
  const [records, val] = valFile ? [all, readTaskFile(valFile, task, true)] : split(all, train.valFraction, train.seed);
  // Tagging is bidirectional unless --no-bidirectional... the schema's default (off) holds unless given.
  const model: Partial<ModelConfig> = {
    ...given.pick<ModelConfig>(MODEL_KEYS),
    input: inputFor(given.number('embedSize')),
  };
  if (task === 'tag' && !given.has('bidirectional')) model.bidirectional = true;
  if (task === 'tag' && model.input === 'onehot') Object.assign(model, { input: 'embedding', embedSize: 64 });
  const trainer = TaskTrainer.create(records, val, model, train, k, basename(file));
  const c = trainer.model.config;
  const out = given.text('out') ?? `${basename(file).replace(/\.[^.]*$/, '')}.${c.cell}.safetensors`;
  const log = given.text('log');
  if (log) writeFileSync(log, '');
  process.stderr.write(
    `seqlab: ${task === 'tag' ? 'tagger' : 'classifier'} ${modelLabel(c)}${c.bidirectional ? ' bidirectional' : ''}, ` +
      `${c.vocabSize} ${train.level === 'char' ? 'characters' : 'words'}, ${c.classes} ${task === 'tag' ? 'tags' : 'labels'}, ` +
      `${trainer.model.params.size.toLocaleString('en-US')} parameters, backend ${k.name}\n`,
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
  const labels = model.labels!;
  const name = (ids: ArrayLike<number>) => Array.from(ids, (i) => labels[i]);
  if (model.config.task === 'tag') {
    const m = tagMetrics(
      examples.map((e) => name(e.targets)),
      predicted.map(name),
    );
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
  const m = classifyMetrics(
    examples.map((e) => labels[e.targets[0]]),
    predicted.map((p) => labels[p[0]]),
    labels,
  );
  return {
    task: 'classify',
    accuracy: m.accuracy,
    macro_f1: m.macroF1,
    labels,
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
  if (task === 'lm') throw new SeqLabError('a language model is evaluated by its loss, not by task metrics');
  const examples = encodeRecords(model, readTaskFile(file, task, true), basename(file));
  return taskMetrics(model, k, examples, 32);
}
