// The training runs: one at a time, each in its own worker thread. Keeps what the sidebar shows
// (RunView), saves it with the checkpoint, and reports every change to the views and status bar.

import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { defaultModelConfig, ModelConfig, TrainConfig } from '../engine/config';
import { SeqLabError } from '../engine/errors';
import { binaryError } from '../engine/text';
import { addSnapshot } from '../engine/reports';
import { taskOfText } from '../engine/tasks/fileTask';
import { Task } from '../engine/tasks/taskData';
import { taskModelLabel, taskOptions } from '../engine/tasks/taskSetup';
import {
  appendToCurve,
  ClipEvent,
  GradNormCurve,
  HostToView,
  InferenceKind,
  InferenceResults,
  lossUnit,
  ProgressPoint,
  RunView,
  TaskOf,
  TrainingSnapshot,
  WorkerToHost,
} from '../protocol';
import { showError } from './errors';
import { ArchivedRun, RunArchive, runEnding } from './runArchive';
import { ModelStore, StoredRun } from './modelStore';
import { readTrainingSettings, setting } from './settings';
import { WorkerClient } from './workerClient';

export interface StartOptions {
  cell?: 'rnn' | 'gru' | 'lstm';
  steps?: number;
  clip?: number; // the gradient-clipping threshold instead of seqlab.clip's (0: off)
  tag?: string; // a separate checkpoint beside the file's own model (Compare cells)
  comparison?: { index: number; count: number }; // a model of Compare cells: its place among them (1-based)
  confirm?: () => Promise<boolean>; // asked once the training could start (it would replace a model); false: cancel
  overrides?: { model?: Partial<ModelConfig>; train?: Partial<TrainConfig> }; // over the settings (Re-run with changes…)
}

/** What continuing a run's checkpoint does: until a step (the rest of its budget), or for the steps or seconds given; its name on the button. */
interface Continuation {
  untilStep: number; // 0: none
  steps: number;
  seconds: number;
  label: string;
}

interface ActiveRun {
  uri: vscode.Uri;
  checkpointPath: string;
  comparison: StartOptions['comparison'];
  progressTitle: string; // what the progress notification says the run is, e.g. "Compare cells: model 2 of 3 (GRU)"
  elapsedBefore: number; // seconds the run's earlier segments took: its points' elapsed time goes on from there
  savedAt: number; // when its run record was last saved (performance.now())
  settings: { model: Partial<ModelConfig>; train: TrainConfig }; // what it trains with, kept with the run
  textSha256: string;
  worker: WorkerClient;
  finished: Promise<void>;
  finish: () => void;
}

const ALLOWED_SCHEMES = ['file', 'untitled', 'vscode-remote'];

/** A document's name as the user knows it: the file name, or the path of an untitled document. */
export function documentName(uri: vscode.Uri): string {
  return uri.scheme === 'untitled' ? uri.path : basename(uri.fsPath);
}

/** What a document trains (taskOfText: its extension, a .tsv's columns); an untitled one, a language model. */
export function documentTask(doc: vscode.TextDocument): Task {
  return doc.isUntitled ? 'lm' : taskOfText(doc.uri.path, () => doc.getText());
}

/** What a task model is called in messages. */
const TASK_MODEL_NAMES: Record<Exclude<Task, 'lm'>, string> = {
  tag: 'tagger',
  classify: 'classifier',
  seq2seq: 'encoder–decoder',
  conditional: 'conditional language model',
};

/**
 * The title of a run in the sidebar, e.g. "README.md — LSTM-128", or for a model of Compare cells
 * "README.md — GRU-128 (Compare cells, model 2 of 3)": the one place it is built.
 */
function runTitle(uri: vscode.Uri, label: string, comparison?: StartOptions['comparison']): string {
  const role = comparison ? ` (Compare cells, model ${comparison.index} of ${comparison.count})` : '';
  return `${documentName(uri)} — ${label}${role}`;
}

/**
 * What continuing a run does: a stopped (or failed) run goes on to the end of its step budget; a finished one
 * (or one with a time budget) trains a new budget of the settings' size, named for what it is.
 */
function continuation(view: RunView, settings: { steps: number; seconds: number }): Continuation {
  const last = view.points[view.points.length - 1];
  if (view.state !== 'done' && last && last.totalSteps > last.step)
    return { untilStep: last.totalSteps, steps: 0, seconds: 0, label: `Resume to step ${last.totalSteps}` };
  if (settings.steps > 0) return { untilStep: 0, ...settings, label: `Train ${settings.steps} more steps` };
  return { untilStep: 0, ...settings, label: `Train ${settings.seconds} more seconds` };
}

export class Runs implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<HostToView>();
  readonly onDidChange = this.changed.event;
  private readonly modelChanged = new vscode.EventEmitter<{ uri: string; tag: string }>();
  /** A training of a document's model (tag: a Compare cell's) ended, or a model was loaded into it: its checkpoint changed. */
  readonly onDidChangeModel = this.modelChanged.event;
  private active: ActiveRun | null = null;
  private shown: StoredRun | null;
  private inference: WorkerClient | null = null;
  private stopTimer: NodeJS.Timeout | undefined;
  /** Points the views have not had yet: they go out at most 10 times a second, however often the worker reports. */
  private unsent: ProgressPoint[] = [];
  private sendTimer: NodeJS.Timeout | undefined;
  private sentAt = 0;
  /** Every training kept as a run (the Runs view). */
  readonly archive = new RunArchive((m) => void vscode.window.showWarningMessage(m));
  private readonly archived = new vscode.EventEmitter<string>();
  /** A document's runs changed (one was kept); with its URI. */
  readonly onDidArchive = this.archived.event;
  /** What holds the one training slot instead of a run (the long-memory lab), and how to stop it. */
  private reserved: { what: string; stop: () => void } | null = null;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly store: ModelStore,
  ) {
    this.shown = store.latest();
    if (this.shown && ['training', 'stopping'].includes(this.shown.view.state)) {
      // The window was reloaded mid-training: the checkpoint on disk is the last good state.
      const v = this.shown.view;
      v.state = 'stopped';
      if (v.task === 'lm') {
        v.message = 'The window was reloaded during training; resume to continue from the last checkpoint.';
        v.resumeLabel = 'Resume';
      } else {
        v.message = `The window was reloaded during training; the last checkpoint is the ${TASK_MODEL_NAMES[v.task]}.`;
        Object.assign(v, { canResume: false, resumeLabel: '' });
      }
    }
  }

  get view(): RunView | null {
    return this.shown?.view ?? null;
  }

  /** The text of a document SeqLab can train on, or a clear error. */
  static trainableText(doc: vscode.TextDocument, maxMB: number): string {
    const name = doc.isUntitled ? 'the untitled document' : documentName(doc.uri);
    if (!ALLOWED_SCHEMES.includes(doc.uri.scheme)) {
      throw new SeqLabError(
        `SeqLab trains on files and untitled documents; ${doc.uri.scheme}: documents are not supported. Save the text to a file first.`,
      );
    }
    const text = doc.getText();
    if (text.length === 0) throw new SeqLabError(`${name} is empty: there is nothing to learn from.`);
    if (text.includes('\u0000')) throw binaryError(name, text);
    const mb = Buffer.byteLength(text) / 1048576;
    if (mb > maxMB)
      throw new SeqLabError(
        `${name} is ${mb.toFixed(1)} MB, over the seqlab.maxFileSizeMB limit of ${maxMB} MB. Raise the setting or train on a smaller file.`,
      );
    return text;
  }

  async start(
    doc: vscode.TextDocument,
    level: 'char' | 'word',
    resume = false,
    options: StartOptions = {},
  ): Promise<void> {
    const task = documentTask(doc);
    const settings = readTrainingSettings(level, options.cell);
    if (task !== 'lm') Object.assign(settings, taskOptions(task, settings.model, settings.train));
    const tag = options.tag ?? (resume ? (this.shown?.tag ?? '') : '');
    if (resume && task !== 'lm')
      throw new SeqLabError(
        `SeqLab continues language models only: train a new ${TASK_MODEL_NAMES[task]} (SeqLab: Train model on this file).`,
      );
    if (options.steps) Object.assign(settings.train, { steps: options.steps, seconds: 0 });
    if (options.clip !== undefined) settings.train.clip = options.clip;
    Object.assign(settings.model, options.overrides?.model);
    Object.assign(settings.train, options.overrides?.train);
    const text = Runs.trainableText(doc, settings.maxFileSizeMB);
    this.checkSlotFree(doc.uri);
    const checkpointPath = this.store.checkpointPath(doc.uri, tag);
    if (resume && !existsSync(checkpointPath))
      throw new SeqLabError('there is no saved model for this file to resume; train one first.');
    if (options.confirm) {
      if (!(await options.confirm())) return;
      this.checkSlotFree(doc.uri); // taken while the user was asked
    }
    const previous = resume ? this.store.load(doc.uri, tag) : null;
    // The checkpoint may be older than the last point (a crash between checkpoints): the worker counts
    // the rest of a stopped run's budget from the checkpoint's own step.
    const { untilStep, ...budget } = previous
      ? continuation(previous.view, settings.train)
      : { untilStep: 0, steps: settings.train.steps, seconds: settings.train.seconds };
    if (!untilStep) Object.assign(settings.train, { steps: budget.steps, seconds: budget.seconds });
    const runId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    // Until the worker reports the model it built: the resumed run's title, or the model the settings ask for.
    const title =
      previous?.view.title ??
      runTitle(doc.uri, taskModelLabel({ ...defaultModelConfig, ...settings.model }), options.comparison);
    const points = previous?.view.points ?? [];
    this.shown = {
      uri: doc.uri.toString(),
      tag,
      clipEvents: previous?.clipEvents ?? [],
      snapshots: previous?.snapshots ?? [],
      view: {
        runId,
        title,
        level: previous?.view.level ?? level,
        startedAt: previous?.view.startedAt || Date.now(),
        state: 'training',
        message: '',
        points,
        sample: previous?.view.sample ?? '',
        canResume: false,
        resumeLabel: '',
        // Until the worker reports the threshold it trains with: the resumed run's, or the settings'.
        clip: previous ? previous.view.clip : settings.train.clip,
        task,
        labels: [], // the worker names them once it has read the file
        scores: [],
      },
    };
    this.unsent = [];
    let finish!: () => void;
    const finished = new Promise<void>((r) => (finish = r));
    const worker = new WorkerClient(
      this.context.extensionPath,
      (m) => this.onWorker(m),
      (why) => this.onCrash(runId, why),
      settings.threads,
      true,
    );
    const cell = (options.cell ?? '').toUpperCase();
    this.active = {
      uri: doc.uri,
      checkpointPath,
      comparison: options.comparison,
      progressTitle: options.comparison
        ? `SeqLab Compare cells: model ${options.comparison.index} of ${options.comparison.count} (${cell})`
        : 'SeqLab',
      elapsedBefore: points[points.length - 1]?.elapsedSeconds ?? 0,
      savedAt: 0,
      settings: { model: { ...settings.model }, train: { ...settings.train } },
      textSha256: createHash('sha256').update(text).digest('hex'),
      worker,
      finished,
      finish,
    };
    worker.post({
      type: 'train',
      job: {
        runId,
        text,
        name: documentName(doc.uri),
        task,
        model: settings.model,
        train: settings.train,
        checkpointPath,
        resume,
        untilStep,
        sampleEvery: 100,
      },
    });
    this.changed.fire({ type: 'run', run: this.shown.view });
    this.showProgress(runId);
  }

  /** Refuses a training while the one training slot is taken, naming what holds it. */
  private checkSlotFree(uri: vscode.Uri): void {
    if (this.reserved) {
      throw new SeqLabError(
        `SeqLab trains one model at a time and is running ${this.reserved.what}. Stop it first (SeqLab: Stop training).`,
      );
    }
    if (this.active) {
      const same = this.active.uri.toString() === uri.toString();
      throw new SeqLabError(
        same
          ? 'SeqLab is already training a model on this file. Stop it first (SeqLab: Stop training).'
          : `SeqLab trains one model at a time and is training on ${documentName(this.active.uri)}. ` +
              'Stop it first (SeqLab: Stop training).',
      );
    }
  }

  private showProgress(runId: string): void {
    const active = this.active!;
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: active.progressTitle, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => this.stop());
        const sub = this.onDidChange((m) => {
          if (m.type === 'progress' && m.runId === runId) {
            const p = m.points[m.points.length - 1];
            progress.report({
              message: `step ${p.step}${p.totalSteps ? `/${p.totalSteps}` : ''} · loss ${p.loss.toFixed(3)}`,
            });
          }
        });
        return active.finished.finally(() => sub.dispose());
      },
    );
  }

  private onWorker(m: WorkerToHost): void {
    const run = this.shown;
    // A run that ended (a crash, a stop that timed out) takes no more messages from its worker: what the
    // host saved at its end is the run.
    if (!this.active || !run || !('runId' in m) || m.runId !== run.view.runId) return;
    const v = run.view;
    switch (m.type) {
      case 'started':
        v.title = runTitle(vscode.Uri.parse(run.uri), m.label, this.active?.comparison);
        v.clip = m.clip;
        v.labels = m.labels;
        this.changed.fire({ type: 'run', run: v });
        break;
      case 'progress': {
        // A resumed run goes on from its checkpoint: its points replace those the stopped run had after
        // it, and its clock goes on from the time its earlier segments took.
        const before = this.active?.elapsedBefore ?? 0;
        const points = m.points.map((p) => ({ ...p, elapsedSeconds: before + p.elapsedSeconds }));
        appendToCurve(v.points, points);
        this.unsent.push(...points);
        const wait = 100 - (performance.now() - this.sentAt);
        if (wait <= 0) this.sendPoints(v.runId);
        else this.sendTimer ??= setTimeout(() => this.sendPoints(v.runId), wait);
        break;
      }
      case 'sample':
        v.sample = m.text;
        this.changed.fire({ type: 'sample', runId: v.runId, text: m.text });
        break;
      case 'snapshot':
        run.snapshots = addSnapshot(run.snapshots, m.snapshot);
        break;
      case 'scores':
        this.sendPoints(v.runId); // the views have the validation's point before its scores
        v.scores.push(m.scores);
        this.changed.fire({ type: 'scores', runId: v.runId, scores: m.scores });
        break;
      case 'checkpoint':
        run.clipEvents = m.clipEvents;
        v.canResume = v.task === 'lm'; // a task model's training does not resume
        // The record follows the checkpoint at most once a second (a small model checkpoints hundreds of
        // times a second, and the record grows with its curve), written in the background so the editor
        // never waits on the disk; the run's end always saves it.
        if (performance.now() - (this.active?.savedAt ?? 0) >= 1000) {
          void this.store.saveInBackground(run);
          if (this.active) this.active.savedAt = performance.now();
        }
        break;
      case 'finished':
        this.end(
          m.stopped ? 'stopped' : 'done',
          m.stopped
            ? `Stopped at step ${m.step}.`
            : `Finished: ${m.step} steps${m.valLoss !== null ? `, val loss ${m.valLoss.toFixed(3)} ${lossUnit(v.level, v.task)}` : ''}.`,
        );
        break;
      case 'failed':
        this.end('failed', m.message);
        showError(m.message);
        break;
    }
  }

  private sendPoints(runId: string): void {
    clearTimeout(this.sendTimer);
    this.sendTimer = undefined;
    if (!this.unsent.length) return;
    const points = this.unsent;
    this.unsent = [];
    this.sentAt = performance.now();
    this.changed.fire({ type: 'progress', runId, points });
  }

  private onCrash(runId: string, why: string): void {
    if (!this.active || this.shown?.view.runId !== runId) return;
    const kept = existsSync(this.active.checkpointPath) ? ' The last checkpoint is intact; resume to continue.' : '';
    this.end('failed', `${why}.${kept}`);
    showError(`${why}.${kept}`);
  }

  private end(state: 'done' | 'stopped' | 'failed', message: string): void {
    clearTimeout(this.stopTimer);
    const active = this.active;
    this.active = null;
    const run = this.shown;
    if (run) {
      const v = run.view;
      this.sendPoints(v.runId); // every point before the end
      v.state = state;
      v.message = message;
      v.canResume = v.task === 'lm' && (active ? existsSync(active.checkpointPath) : v.canResume);
      v.resumeLabel = v.canResume ? this.continuationLabel(v) : '';
      this.store.save(run);
      const { resumeLabel, canResume } = v;
      this.changed.fire({ type: 'state', runId: v.runId, state, message, canResume, resumeLabel });
      if (active) {
        this.modelChanged.fire({ uri: run.uri, tag: run.tag });
        this.keepRun(active, run, state, message);
      }
    }
    if (active) {
      void active.worker.terminate();
      active.finish();
      this.warmUp(active.uri);
    }
  }

  /** Keeps a training that ended as a run of its file (RunArchive), with a copy of its checkpoint. */
  private keepRun(active: ActiveRun, run: StoredRun, state: 'done' | 'stopped' | 'failed', message: string): void {
    if (!existsSync(active.checkpointPath)) return; // it failed before its first checkpoint: nothing to keep
    try {
      const archived: ArchivedRun = {
        id: run.view.runId,
        uri: run.uri,
        fileName: documentName(active.uri),
        textSha256: active.textSha256,
        name: '',
        pinned: false,
        endedAt: Date.now(),
        ended: runEnding(state, message),
        settings: active.settings,
        view: structuredClone(run.view),
      };
      this.archive.add(this.store.folder(active.uri), archived, active.checkpointPath, setting('runsKeep'));
      this.archived.fire(run.uri);
    } catch (e) {
      showError(`SeqLab could not keep the run in the Runs view: ${(e as Error).message}`);
    }
  }

  /** The continue button's name for a run that ended, with the budget the settings give now. */
  private continuationLabel(v: RunView): string {
    try {
      const { train } = readTrainingSettings(v.level);
      return continuation(v, train).label;
    } catch {
      return 'Resume'; // an invalid setting: the command names it when the user continues
    }
  }

  /**
   * Holds the one training slot for something that is not a run (the long-memory lab) until the
   * returned release is called; trainings are refused meanwhile, and Stop calls `stop`.
   */
  reserve(what: string, stop: () => void): () => void {
    if (this.active || this.reserved) {
      const busy = this.reserved?.what ?? `a model on ${documentName(this.active!.uri)}`;
      throw new SeqLabError(
        `SeqLab trains one model at a time and is training ${busy}. Stop it first (SeqLab: Stop training).`,
      );
    }
    const held = { what, stop };
    this.reserved = held;
    return () => {
      if (this.reserved === held) this.reserved = null;
    };
  }

  /** Asks the worker to stop after the current step (a stop never cuts a step in half). */
  stop(): void {
    if (this.reserved) {
      this.reserved.stop();
      return;
    }
    if (!this.active || !this.shown) return;
    const v = this.shown.view;
    v.state = 'stopping';
    this.changed.fire({
      type: 'state',
      runId: v.runId,
      state: 'stopping',
      message: '',
      canResume: false,
      resumeLabel: '',
    });
    this.active.worker.post({ type: 'stop' });
    // A worker that does not answer in time is terminated; the last checkpoint stays.
    this.stopTimer = setTimeout(
      () => this.end('stopped', 'Stopped (the worker did not answer in time; the last checkpoint is kept).'),
      15000,
    );
  }

  async waitForEnd(): Promise<void> {
    await this.active?.finished;
  }

  /** Runs an inference task on the checkpoint of a document, in a worker of its own. */
  infer<K extends InferenceKind>(uri: vscode.Uri, task: TaskOf<K>, tag = ''): Promise<InferenceResults[K]> {
    if (!this.store.hasModel(uri, tag))
      throw new SeqLabError(
        'there is no trained model for this file yet; run "SeqLab: Train model on this file" first.',
      );
    return this.inferOn<K>(this.store.checkpointPath(uri, tag), task);
  }

  /** Reads a document's model into the inference worker ahead of its first hover; quiet when there is none. */
  warmUp(uri: vscode.Uri): void {
    if (this.store.hasModel(uri)) this.inferOn(this.store.checkpointPath(uri), { kind: 'load' }).catch(() => undefined);
  }

  /**
   * Makes a checkpoint in SeqLab's PyTorch export layout the model of a document: the worker turns it
   * into a SeqLab checkpoint beside the document's (engine/torchImport.ts), which is then adopted.
   */
  async importTorch(doc: vscode.TextDocument, path: string): Promise<void> {
    const converted = this.store.checkpointPath(doc.uri) + '.imported';
    try {
      await this.inferOn(path, { kind: 'importTorch', outPath: converted });
      await this.adopt(doc, converted, basename(path));
    } finally {
      rmSync(converted, { force: true });
    }
  }

  /** Makes a kept run the model of its document (the Runs view's Make this the file's model): its checkpoint and its curves. */
  async adoptRun(uri: vscode.Uri, checkpointPath: string, view: RunView): Promise<void> {
    if (this.active?.uri.toString() === uri.toString())
      throw new SeqLabError('stop the training on this file before making another run its model.');
    await this.inferOn(checkpointPath, { kind: 'describe' }); // validated before it replaces anything
    // Its own run id, so that a late message of an earlier training never lands on it.
    this.installModel(uri, checkpointPath, { ...view, runId: `kept-${Date.now().toString(36)}` });
  }

  /** Makes a checkpoint from disk the model of a document (Load model…), after the worker validated it. */
  async adopt(doc: vscode.TextDocument, path: string, name = basename(path)): Promise<void> {
    if (this.active?.uri.toString() === doc.uri.toString())
      throw new SeqLabError('stop the training on this file before loading another model into it.');
    const model = await this.inferOn(path, { kind: 'describe' });
    this.installModel(doc.uri, path, {
      runId: `loaded-${Date.now().toString(36)}`,
      title: runTitle(doc.uri, model.label),
      level: model.level,
      startedAt: 0,
      state: 'stopped',
      message: `Loaded ${name} (step ${model.step}).`,
      points: [],
      sample: '',
      canResume: false,
      resumeLabel: '',
      clip: null,
      task: model.task, // the checkpoint's own task (describe reads it)
      labels: model.labels,
      scores: [],
    });
  }

  /** Makes a (validated) checkpoint the model of a document, with the run view the sidebar shows for it. */
  private installModel(uri: vscode.Uri, checkpointPath: string, view: RunView): void {
    const target = this.store.checkpointPath(uri);
    copyFileSync(checkpointPath, `${target}.loading`);
    renameSync(`${target}.loading`, target);
    this.shown = { uri: uri.toString(), tag: '', clipEvents: [], snapshots: [], view };
    this.store.save(this.shown);
    this.changed.fire({ type: 'run', run: view });
    this.modelChanged.fire({ uri: this.shown.uri, tag: '' });
  }

  private inferOn<K extends InferenceKind>(checkpointPath: string, task: TaskOf<K>): Promise<InferenceResults[K]> {
    const threads = setting('threads');
    if (this.inference && this.inference.threads !== threads) {
      void this.inference.terminate(); // seqlab.threads changed: a new worker with the new count
      this.inference = null;
    }
    if (!this.inference) {
      const onCrash = () => {
        this.inference = null;
      };
      this.inference = new WorkerClient(this.context.extensionPath, () => undefined, onCrash, threads, false);
    }
    return this.inference.request<K>(checkpointPath, task);
  }

  /**
   * What the run that trained the model of `uri` (and tag: a Compare cell) kept: its gradient norm
   * before clipping, its training snapshots and its clip events; null when the host no longer keeps that run.
   */
  trainingRun(
    uri: vscode.Uri,
    tag = '',
  ): { gradNormCurve: GradNormCurve; snapshots: TrainingSnapshot[]; clipEvents: ClipEvent[] } | null {
    const ofModel = (r: StoredRun | null): r is StoredRun => r !== null && r.uri === uri.toString() && r.tag === tag;
    const run = ofModel(this.shown) ? this.shown : this.store.load(uri);
    if (!ofModel(run) || run.view.points.length === 0) return null;
    const points = run.view.points.map((p) => ({ step: p.step, norm: p.gradNorm, clipped: p.clipped }));
    return { gradNormCurve: { clip: run.view.clip, points }, snapshots: run.snapshots, clipEvents: run.clipEvents };
  }

  /**
   * Shows the run of a document's own model again (after Compare cells trained models beside it),
   * when it has one; otherwise the last comparison model stays on screen, labelled as such.
   */
  showModelOf(uri: vscode.Uri): void {
    const own = this.store.load(uri);
    if (!own || this.active) return;
    this.shown = own;
    this.changed.fire({ type: 'run', run: own.view });
  }

  /** The run record of a document's own model: the one on screen when it is, else the stored one. */
  modelRun(uri: vscode.Uri): StoredRun | null {
    const shown = this.shown;
    return shown && shown.uri === uri.toString() && shown.tag === '' ? shown : this.store.load(uri);
  }

  /** The document URI of the run the sidebar shows. */
  shownUri(): vscode.Uri | null {
    return this.shown ? vscode.Uri.parse(this.shown.uri) : null;
  }

  dispose(): void {
    clearTimeout(this.stopTimer);
    clearTimeout(this.sendTimer);
    void this.active?.worker.terminate();
    void this.inference?.terminate();
    this.changed.dispose();
    this.modelChanged.dispose();
    this.archived.dispose();
  }
}
