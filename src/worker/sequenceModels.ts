// The course's last two architectures in the editor: training an encoder–decoder (source<TAB>target
// lines) or a conditional language model (label<TAB>text lines) with the same messages as the other
// trainings (progress, validation scores, checkpoints, samples), and what the editor asks of their
// checkpoints (an encoder–decoder's outputs; a conditional model's lines in a label's style).

import { statSync } from 'node:fs';
import { Backend } from '../engine/backend';
import { Checkpoint, Model, saveCheckpoint } from '../engine/checkpoint';
import { parseConditionalFile } from '../engine/conditional/conditionalData';
import { ConditionalTrainer } from '../engine/conditional/conditionalTrainer';
import { sampleConditional } from '../engine/conditional/sampleConditional';
import { SeqLabError } from '../engine/errors';
import { parseSeq2SeqFile } from '../engine/seq2seq/seq2seqData';
import {
  isSeq2SeqCheckpoint,
  loadSeq2Seq,
  saveSeq2Seq,
  Seq2SeqModel,
  Seq2SeqTrainer,
} from '../engine/seq2seq/seq2seqTrainer';
import { translate } from '../engine/seq2seq/translate';
import { splitValidation } from '../engine/tasks/taskData';
import { seq2seqModelLabel, taskModelLabel } from '../engine/tasks/taskSetup';
import type { InferenceKind, InferenceResults, InferenceTask, TrainJob } from '../protocol';
import { progressSender, send } from './channel';

/** Validation sources whose outputs the sidebar shows as the run's sample. */
const SHOWN_TRANSLATIONS = 4;

/** "source → output" per line: what the model writes for a few held-out sources. */
function translationSample(model: Seq2SeqModel, k: Backend, sources: string[]): string {
  const shown = sources.slice(0, SHOWN_TRANSLATIONS);
  return translate(model, k, shown, 1)
    .map((t, i) => `${shown[i]} → ${t.greedy}`)
    .join('\n');
}

/**
 * An encoder–decoder of the job's file: a fraction of its pairs held out, their exact match and CER
 * after each validation pass (the sidebar's scores), a checkpoint at each and at the end.
 */
export async function trainSeq2SeqJob(job: TrainJob, k: Backend, shouldStop: () => boolean): Promise<void> {
  if (job.resume) throw new SeqLabError("an encoder–decoder's training does not resume; train a new one");
  const pairs = parseSeq2SeqFile(job.text, job.name, { requireTargets: true });
  const { train, val } = splitValidation(pairs, job.train.valFraction, job.train.seed);
  const trainer = Seq2SeqTrainer.create(train, val, job.model, job.train, k);
  const { model } = trainer;
  send({
    type: 'started',
    runId: job.runId,
    label: seq2seqModelLabel(model.config),
    params: model.params.size,
    vocabSize: model.config.targetVocab,
    clip: trainer.train.clip,
    labels: [],
  });
  const progress = progressSender(job.runId);
  const sources = val.map((p) => p.source);
  const save = () => {
    saveSeq2Seq(job.checkpointPath, model);
    progress.flush();
    send({ type: 'checkpoint', runId: job.runId, step: trainer.step, clipEvents: [] });
  };
  const result = await trainer.run({
    yieldBetweenSteps: true,
    shouldStop,
    onProgress: progress.push,
    onValidation: ({ step, exactMatch, cer, bleu }) => {
      save();
      const none = { accuracy: null, macroF1: null, entityF1: null, confusion: null };
      const scores = { step, ...none, exactMatch, cer, bleu: bleu ?? null };
      send({ type: 'scores', runId: job.runId, scores });
      send({ type: 'sample', runId: job.runId, text: translationSample(model, k, sources) });
    },
  });
  save();
  send({ type: 'finished', runId: job.runId, stopped: result.stopped, step: trainer.step, valLoss: null });
}

/** One line per label, in each label's style: "label: text". */
function labelSamples(model: Model, k: Backend, seed: number): string {
  return model.labels!.map((label) => `${label}: ${sampleConditional(model, k, label, { seed })}`).join('\n');
}

/**
 * A conditional language model of the job's file: validation loss on held-out lines, a checkpoint at
 * each validation, and a line per label as the run's sample.
 */
export async function trainConditionalJob(job: TrainJob, k: Backend, shouldStop: () => boolean): Promise<void> {
  if (job.resume) throw new SeqLabError("a conditional model's training does not resume; train a new one");
  const records = parseConditionalFile(job.text, job.name);
  const { train, val } = splitValidation(records, job.train.valFraction, job.train.seed);
  const trainer = ConditionalTrainer.create(train, val, job.model, job.train, k, job.name);
  const { model } = trainer;
  send({
    type: 'started',
    runId: job.runId,
    label: taskModelLabel(model.config),
    params: model.params.size,
    vocabSize: model.config.vocabSize,
    clip: trainer.train.clip,
    labels: model.labels!,
  });
  const progress = progressSender(job.runId);
  const result = await trainer.run({
    yieldBetweenSteps: true,
    shouldStop,
    checkpointEvery: job.train.evalEvery,
    onCheckpoint: (ck: Checkpoint) => {
      saveCheckpoint(job.checkpointPath, ck);
      progress.flush();
      send({ type: 'checkpoint', runId: job.runId, step: trainer.step, clipEvents: [] });
      send({ type: 'sample', runId: job.runId, text: labelSamples(model, k, trainer.step) });
    },
    onProgress: progress.push,
  });
  progress.flush();
  send({ type: 'finished', runId: job.runId, stopped: result.stopped, step: trainer.step, valLoss: result.valLoss });
}

/** Encoder–decoder checkpoints by path and modification time; null: the file holds another model. */
const seq2seqCache = new Map<string, { mtimeMs: number; model: Seq2SeqModel | null }>();

/** The encoder–decoder a checkpoint holds, or null when it holds another kind of model. */
export function cachedSeq2Seq(path: string, k: Backend): Seq2SeqModel | null {
  const mtimeMs = statSync(path).mtimeMs;
  const hit = seq2seqCache.get(path);
  if (hit && hit.mtimeMs === mtimeMs) return hit.model;
  const model = isSeq2SeqCheckpoint(path) ? loadSeq2Seq(path, k) : null;
  seq2seqCache.set(path, { mtimeMs, model });
  return model;
}

/** What the editor asks of an encoder–decoder's checkpoint. */
export function seq2seqInference(
  model: Seq2SeqModel,
  k: Backend,
  task: InferenceTask,
): InferenceResults[InferenceKind] {
  const label = seq2seqModelLabel(model.config);
  switch (task.kind) {
    case 'describe':
      return { label, step: 0, level: model.source.spec.level, task: 'seq2seq', labels: [] };
    case 'load':
      return { label, task: 'seq2seq' };
    case 'translate': {
      const t0 = performance.now();
      const translations = translate(model, k, task.sources, task.beam, task.targets);
      return { label, translations, millis: performance.now() - t0 };
    }
    default:
      throw new SeqLabError(
        'this model is an encoder–decoder: it writes an output for each source. Hover a source line of its file, ' +
          'or select text and run "SeqLab: Translate selection"',
      );
  }
}

/** A conditional model's lines in a label's style (seeds seed, seed + 1, …), one per line. */
export function sampleLabelLines(model: Model, k: Backend, task: InferenceTask & { kind: 'sampleLabel' }): string {
  const { label, lines, length, temperature, seed } = task;
  return Array.from({ length: lines }, (_, i) =>
    sampleConditional(model, k, label, { length, temperature, seed: seed + i }),
  ).join('\n');
}
