// What the extension host does around a training, without VS Code: a WorkerClient on
// dist/worker.js (the same class and bundle the extension uses), the settings' default job, and
// the host's own work per progress message (validate, keep the points, serialise them for the
// sidebar webview). The editor measurements in this folder build on it.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultTrainConfig, TrainConfig } from '../../src/engine/config';
import { WorkerClient } from '../../src/extension/workerClient';
import { ProgressPoint, TrainJob, WorkerToHost } from '../../src/protocol';

export const REPO = resolve(__dirname, '..', '..');

export interface Args {
  corpus: string;
  seconds: number;
}

export function parseArgs(argv = process.argv.slice(2)): Args {
  const a: Args = { corpus: resolve(REPO, 'data', 'corpus-kjv.txt'), seconds: 20 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--corpus') a.corpus = resolve(argv[++i]);
    else if (argv[i] === '--seconds') a.seconds = Number(argv[++i]);
    else throw new Error(`unknown option ${argv[i]} (--corpus FILE --seconds S)`);
  }
  if (!(a.seconds > 0)) throw new Error('--seconds must be positive');
  return a;
}

export const readCorpus = (file: string) => readFileSync(file, 'utf8');
export const scratchDir = () => mkdtempSync(join(tmpdir(), 'seqlab-bench-'));

/** A training the way Runs starts one: LSTM-256 here, the other settings at their defaults. */
export function trainJob(text: string, checkpointPath: string, budget: Partial<TrainConfig>): TrainJob {
  return {
    runId: `bench-${Date.now()}`,
    text,
    name: 'corpus',
    task: 'lm',
    checkpointPath,
    resume: false,
    untilStep: 0,
    sampleEvery: 100,
    model: { cell: 'lstm', hidden: 256, layers: 1, dropout: 0 },
    train: {
      ...defaultTrainConfig,
      level: 'char',
      seqLength: 64,
      batchSize: 32,
      lr: 0.002,
      optimizer: 'adam',
      clip: 5,
      evalEvery: 50,
      steps: 0,
      seconds: 0,
      ...budget,
    },
  };
}

/** A training worker with the host's per-message work; `done` resolves at 'finished'. */
export class HostedTraining {
  readonly points: ProgressPoint[] = [];
  messages = 0;
  serialisedBytes = 0;
  started!: Promise<void>;
  done: Promise<WorkerToHost>;
  private readonly client: WorkerClient;

  constructor(job: TrainJob) {
    let onStarted!: () => void, onDone!: (m: WorkerToHost) => void, onFail!: (e: Error) => void;
    this.started = new Promise((r) => (onStarted = r));
    this.done = new Promise((r, j) => {
      onDone = r;
      onFail = j;
    });
    this.client = new WorkerClient(
      REPO,
      (m) => {
        this.messages++;
        if (m.type === 'started') onStarted();
        if (m.type === 'progress') this.points.push(...m.points);
        if (m.type === 'failed') onFail(new Error(m.message));
        if (m.type === 'finished') onDone(m);
        this.serialisedBytes += JSON.stringify(m).length; // webview.postMessage serialises every update
      },
      (why) => onFail(new Error(why)),
      0,
      true, // a training's worker, as the extension starts it
    );
    this.client.post({ type: 'train', job });
  }

  stop(): void {
    this.client.post({ type: 'stop' });
  }
  terminate(): Promise<void> {
    return this.client.terminate();
  }
}

/** The inference worker the hover talks to. */
export const inferenceWorker = () =>
  new WorkerClient(
    REPO,
    () => undefined,
    (why) => {
      throw new Error(why);
    },
    0,
    false,
  );

export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export const round = (x: number, digits = 2) => Number(x.toFixed(digits));
