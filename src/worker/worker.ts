// The worker thread: owns at most one training run (or the long-memory lab) and answers inference
// requests (sampling, hover, diagnostics, a task model's predictions, export) from checkpoints. The extension host never runs the engine itself.

import { statSync } from 'node:fs';
import { platform, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { defaultBackend } from '../engine/defaultBackend';
import { Checkpoint, loadCheckpoint, Model, saveCheckpoint } from '../engine/checkpoint';
import { modelLabel } from '../engine/config';
import { diagnose } from '../engine/diagnostics';
import { SeqLabError } from '../engine/errors';
import { predictText } from '../engine/tasks/predictions';
import { diagnoseTask } from '../engine/tasks/taskDiagnostics';
import { exportTorch } from '../engine/export';
import { importTorchCheckpoint } from '../engine/torchImport';
import { writeTorchProject } from '../engine/torchProject';
import { runLab } from '../engine/lab';
import { checkOption, OPTIONS } from '../engine/options';
import { Sampler } from '../engine/sample';
import { Trainer } from '../engine/train';
import { LabelTask, parseTaskText } from '../engine/tasks/taskData';
import { splitRecords, taskModelLabel } from '../engine/tasks/taskSetup';
import { progressSender, send } from './channel';
import { insideInference } from './insideReadings';
import {
  cachedSeq2Seq,
  sampleLabelLines,
  seq2seqInference,
  trainConditionalJob,
  trainSeq2SeqJob,
} from './sequenceModels';
import { TaskTrainer } from '../engine/tasks/taskTrainer';
import {
  HostToWorker,
  HoverResult,
  InferenceKind,
  InferenceResults,
  InferenceTask,
  INSIDE_KINDS,
  InsideTask,
  LabJob,
  parseHostToWorker,
  TrainJob,
  WorkerData,
} from '../protocol';
import { enableRelaxedSimd } from '../engine/wasm/backend';

enableRelaxedSimd(); // fused multiply-add in the WebAssembly kernels (a V8 flag on Node 20)
const { threads, background } = workerData as WorkerData;
// A training's threads yield to the editor's: on Linux a nice value belongs to a thread, and the
// engine's helper threads (started later, from this one) inherit it. Elsewhere it would lower the
// whole extension host, so it is left alone there.
if (background === true && platform() === 'linux') {
  try {
    setPriority(10);
  } catch {
    // not allowed here: the training runs at the editor's priority
  }
}
const k = defaultBackend({ threads: checkOption(OPTIONS.threads, threads, 'workerData.threads') });
let stopRequested = false;

function train(job: TrainJob): Promise<void> {
  stopRequested = false;
  const shouldStop = () => stopRequested;
  switch (job.task) {
    case 'lm':
      return trainLanguageModel(job);
    case 'seq2seq':
      return trainSeq2SeqJob(job, k, shouldStop);
    case 'conditional':
      return trainConditionalJob(job, k, shouldStop);
    default:
      return trainTaskModel(job, job.task);
  }
}

/** The checkpoint's run, going on until job.untilStep (counted from the checkpoint's step), or for job.train's budget. */
function resumed(job: TrainJob): Trainer {
  const ck = loadCheckpoint(job.checkpointPath, k);
  const from = ck.training?.step ?? 0;
  const steps = job.untilStep > 0 ? Math.max(1, job.untilStep - from) : job.train.steps;
  return Trainer.resume(
    ck,
    job.text,
    { steps, seconds: job.untilStep > 0 ? 0 : job.train.seconds, lr: job.train.lr },
    k,
  );
}

async function trainLanguageModel(job: TrainJob): Promise<void> {
  const trainer = job.resume ? resumed(job) : Trainer.create(job.text, job.model, job.train, k, { fit: true });
  const { config, params } = trainer.model;
  send({
    type: 'started',
    runId: job.runId,
    label: taskModelLabel(config),
    params: params.size,
    vocabSize: config.vocabSize,
    clip: trainer.train.clip,
    labels: [],
  });
  const sampler = new Sampler(trainer.model, k);
  const progress = progressSender(job.runId);
  const save = (ck: Checkpoint) => {
    saveCheckpoint(job.checkpointPath, ck);
    progress.flush(); // the host holds every point up to the checkpoint before it hears of it (a crash loses none)
    send({ type: 'checkpoint', runId: job.runId, step: trainer.step, clipEvents: trainer.clipEvents.slice(-500) });
  };
  const result = await trainer.run({
    yieldBetweenSteps: true,
    shouldStop: () => stopRequested,
    checkpointEvery: job.train.evalEvery,
    onCheckpoint: save,
    onSnapshot: (snapshot) => send({ type: 'snapshot', runId: job.runId, snapshot }),
    onProgress: (p) => {
      if (job.sampleEvery > 0 && p.step % job.sampleEvery === 0) {
        progress.push(p);
        progress.flush();
        send({
          type: 'sample',
          runId: job.runId,
          text: sampler.generate({ length: 200, temperature: 0.8, seed: p.step }),
        });
      } else progress.push(p);
    },
  });
  progress.flush();
  send({
    type: 'sample',
    runId: job.runId,
    text: sampler.generate({ length: 300, temperature: 0.8, seed: trainer.step }),
  });
  send({ type: 'finished', runId: job.runId, stopped: result.stopped, step: trainer.step, valLoss: result.valLoss });
}

/**
 * A tagger or a classifier of the job's task file: its gold column required, a fraction of its
 * sentences or lines held out (seqlab.* settings, the CLI's defaults), its scores after each validation.
 */
async function trainTaskModel(job: TrainJob, task: LabelTask): Promise<void> {
  if (job.resume)
    throw new SeqLabError(`a ${task === 'tag' ? 'tagger' : 'classifier'}'s training does not resume; train a new one`);
  const [records, val] = splitRecords(
    parseTaskText(job.text, task, job.name, true),
    job.train.valFraction,
    job.train.seed,
  );
  const trainer = TaskTrainer.create(records, val, job.model, job.train, k, job.name);
  const { config, params, labels } = trainer.model;
  send({
    type: 'started',
    runId: job.runId,
    label: taskModelLabel(config),
    params: params.size,
    vocabSize: config.vocabSize,
    clip: trainer.train.clip,
    labels: labels!,
  });
  const progress = progressSender(job.runId);
  const result = await trainer.run({
    yieldBetweenSteps: true,
    shouldStop: () => stopRequested,
    checkpointEvery: job.train.evalEvery,
    onCheckpoint: (ck) => {
      saveCheckpoint(job.checkpointPath, ck);
      progress.flush();
      send({ type: 'checkpoint', runId: job.runId, step: trainer.step, clipEvents: [] });
    },
    onProgress: progress.push,
    onValidation: (scores) => {
      progress.flush(); // the validation's point before its scores
      send({ type: 'scores', runId: job.runId, scores });
    },
  });
  progress.flush();
  send({ type: 'finished', runId: job.runId, stopped: result.stopped, step: trainer.step, valLoss: result.valLoss });
}

/** The long-memory lab: a result as each (cell, gap) is scored, progress at most 10 times a second. */
async function lab(job: LabJob): Promise<void> {
  stopRequested = false;
  let lastProgress = 0;
  const { stopped } = await runLab(job.config, k, {
    yieldBetweenSteps: true,
    shouldStop: () => stopRequested,
    onProgress: (progress) => {
      if (performance.now() - lastProgress < 100 && progress.step < progress.steps) return;
      lastProgress = performance.now();
      send({ type: 'labProgress', runId: job.runId, progress });
    },
    onResult: (result) => send({ type: 'labResult', runId: job.runId, result }),
  });
  send({ type: 'labFinished', runId: job.runId, stopped });
}

// Inference: checkpoints are cached by path and modification time.
const cache = new Map<string, { mtimeMs: number; model: Model; sampler: Sampler }>();

function load(path: string) {
  const mtimeMs = statSync(path).mtimeMs;
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === mtimeMs) return hit;
  const { model } = loadCheckpoint(path, k);
  const entry = { mtimeMs, model, sampler: new Sampler(model, k) };
  cache.set(path, entry);
  return entry;
}

/** Why a model does not do what a task asks: what it is, and what to run instead. */
function refusal(model: Model, kind: InferenceKind): SeqLabError {
  const task = model.config.task;
  if (task === 'conditional')
    return new SeqLabError(
      kind === 'sample' || kind === 'hover'
        ? 'this model is a conditional language model: it writes in a label\'s style. Run "SeqLab: Sample text…", which asks for the label'
        : `this model is a conditional language model: it samples text for a label, and has no ${kind === 'diagnose' ? 'diagnostics' : kind} in the editor`,
    );
  if (task !== 'lm' && (kind === 'sample' || kind === 'hover'))
    return new SeqLabError(
      `this model is a ${task === 'tag' ? 'tagger' : 'classifier'}: it predicts ${task === 'tag' ? 'tags' : 'labels'} and writes no text; run "SeqLab: Predict file"`,
    );
  if (kind === 'translate')
    return new SeqLabError(
      `this model is a ${taskModelLabel(model.config)}, not an encoder–decoder: it translates nothing`,
    );
  return new SeqLabError(
    `this model is a ${taskModelLabel(model.config)}: only a conditional language model samples for a label`,
  );
}

function isInsideTask(task: InferenceTask): task is InsideTask {
  return (INSIDE_KINDS as readonly string[]).includes(task.kind);
}

/** Which kinds of inference each model answers (what a reading shows aside: insideReadings.ts). */
const ANSWERS: Record<Model['config']['task'], InferenceKind[]> = {
  lm: ['load', 'sample', 'hover', 'diagnose', 'export'],
  tag: ['load', 'diagnose', 'predict', 'export'],
  classify: ['load', 'diagnose', 'predict', 'export'],
  conditional: ['load', 'sampleLabel'],
};

function infer(path: string, task: InferenceTask): InferenceResults[InferenceKind] {
  if (task.kind === 'importTorch') {
    saveCheckpoint(task.outPath, importTorchCheckpoint(path, k));
    return task.outPath;
  }
  if (task.kind === 'exportProject') return writeTorchProject(loadCheckpoint(path, k), task.outDir);
  const seq2seq = cachedSeq2Seq(path, k);
  if (seq2seq) return seq2seqInference(seq2seq, k, task);
  if (task.kind === 'describe') {
    const { model, training } = loadCheckpoint(path, k);
    return {
      label: modelLabel(model.config),
      step: training?.step ?? 0,
      level: model.tokenizer.spec.level,
      task: model.config.task,
      labels: model.labels ?? [],
    };
  }
  const { model, sampler } = load(path);
  // What a reading shows (a character-level language model's; checkReadable refuses others by name).
  if (isInsideTask(task)) return insideInference(model, k, `${path}|${task.doc}`, task);
  if (!ANSWERS[model.config.task].includes(task.kind)) throw refusal(model, task.kind);
  switch (task.kind) {
    case 'load': // asked before every hover (which hover the model has): from the cache
      return { label: modelLabel(model.config), task: model.config.task };
    case 'sample':
      return sampler.generate(task.options);
    case 'sampleLabel':
      return sampleLabelLines(model, k, task);
    case 'hover': {
      const t0 = performance.now();
      sampler.prime(task.prime);
      const top = sampler.top(task.topK);
      const continuation = sampler.continue({ length: task.length, temperature: task.temperature, seed: 1 });
      const r: HoverResult = { continuation, top, label: modelLabel(model.config), millis: performance.now() - t0 };
      return r;
    }
    case 'diagnose': {
      const options = { steps: task.steps, clipEvents: task.clipEvents };
      return model.config.task === 'lm'
        ? diagnose(model, k, model.tokenizer.encodeKnown(task.text), options)
        : diagnoseTask(model, k, task.text, task.name, options);
    }
    case 'predict': {
      const t0 = performance.now();
      const examples = predictText(model, k, task.text, task.name, task.topK);
      return { label: modelLabel(model.config), examples, millis: performance.now() - t0 };
    }
    case 'export':
      exportTorch(model, task.outPath);
      return task.outPath;
    case 'translate':
      throw refusal(model, task.kind); // ANSWERS lists it for no model of this kind
  }
}

parentPort!.on('message', (raw: unknown) => {
  let m: HostToWorker;
  try {
    m = parseHostToWorker(raw);
  } catch (e) {
    console.error(`seqlab worker: ignored a malformed message: ${(e as Error).message}`);
    return;
  }
  if (m.type === 'stop') {
    stopRequested = true;
  } else if (m.type === 'train') {
    train(m.job).catch((e: Error) => send({ type: 'failed', runId: m.job.runId, message: e.message }));
  } else if (m.type === 'lab') {
    lab(m.job).catch((e: Error) => send({ type: 'failed', runId: m.job.runId, message: e.message }));
  } else {
    try {
      send({ type: 'result', requestId: m.requestId, value: infer(m.checkpointPath, m.task) });
    } catch (e) {
      send({ type: 'error', requestId: m.requestId, message: (e as Error).message });
    }
  }
});
