// The one message protocol between the extension host, the training worker and the webviews.
// Every receiving edge calls the matching parse* function: a message of the wrong shape is
// rejected with a clear error, never acted on.

// ---------- shared payloads ----------

import type { ModelConfig, TrainConfig } from './engine/config';
import type { DiagnosticsReport, ProgressPoint } from './engine/reports';
import type { SampleOptions } from './engine/sample';
export type { DiagnosticsReport, GateSaturation, ProgressPoint } from './engine/reports';

export type RunState = 'idle' | 'training' | 'stopping' | 'stopped' | 'done' | 'failed';

/** Everything the sidebar shows for one training run. */
export interface RunView {
  runId: string;
  title: string;            // file name and model, e.g. "README.md — LSTM-128" (built by runTitle in runs.ts)
  state: RunState;
  message: string;          // why it stopped or failed, or ''
  points: ProgressPoint[];
  sample: string;
  canResume: boolean;
}

// ---------- host → sidebar / panel ----------

export type HostToView =
  | { type: 'run'; run: RunView | null }
  | { type: 'progress'; runId: string; points: ProgressPoint[] }
  | { type: 'state'; runId: string; state: RunState; message: string; canResume: boolean }
  | { type: 'sample'; runId: string; text: string }
  | { type: 'diagnostics'; reports: DiagnosticsReport[] };

// ---------- sidebar / panel → host ----------

export type ViewToHost =
  | { type: 'ready' }
  | { type: 'command'; command: 'train' | 'stop' | 'resume' | 'sample' | 'diagnostics' }
  | { type: 'save'; format: 'png' | 'csv'; name: string; data: string };

// ---------- validation ----------

export class ProtocolError extends Error {}

type Obj = Record<string, unknown>;

function obj(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ProtocolError(`${what}: expected an object`);
  return v as Obj;
}

function str(o: Obj, k: string, maxLength = 10_000_000): string {
  const v = o[k];
  if (typeof v !== 'string' || v.length > maxLength) throw new ProtocolError(`field "${k}": expected a string`);
  return v;
}

function oneOf<T extends string>(o: Obj, k: string, options: readonly T[]): T {
  const v = o[k];
  if (typeof v !== 'string' || !options.includes(v as T)) throw new ProtocolError(`field "${k}": expected one of ${options.join(', ')}`);
  return v as T;
}

/** Validates a message sent by a webview to the host. */
export function parseViewToHost(message: unknown): ViewToHost {
  const m = obj(message, 'webview message');
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'command':
      return { type: 'command', command: oneOf(m, 'command', ['train', 'stop', 'resume', 'sample', 'diagnostics'] as const) };
    case 'save': {
      const name = str(m, 'name', 200);
      if (!/^[\w.-]+$/.test(name)) throw new ProtocolError('field "name": only letters, digits, "-", "_" and "." are allowed');
      return { type: 'save', format: oneOf(m, 'format', ['png', 'csv'] as const), name, data: str(m, 'data', 50_000_000) };
    }
    default:
      throw new ProtocolError(`unknown webview message type ${JSON.stringify(m.type)}`);
  }
}

// ---------- host ↔ worker ----------


export interface TrainJob {
  runId: string;
  text: string;
  model: Partial<ModelConfig>;
  train: TrainConfig;
  checkpointPath: string;
  resume: boolean;           // continue the checkpoint at checkpointPath
  sampleEvery: number;       // steps between samples shown in the sidebar
}

export type InferenceTask =
  | { kind: 'sample'; options: Partial<SampleOptions> }
  | { kind: 'hover'; prime: string; length: number; topK: number; temperature: number }
  | { kind: 'diagnose'; text: string; steps: number; clipEvents: { step: number; norm: number }[] }
  | { kind: 'export'; outPath: string }
  | { kind: 'describe' }
  | { kind: 'load' };     // read the checkpoint into the worker's cache, so that the next hover is instant

export type HostToWorker =
  | { type: 'train'; job: TrainJob }
  | { type: 'stop' }
  | { type: 'infer'; requestId: number; checkpointPath: string; task: InferenceTask };

export interface HoverResult {
  continuation: string;
  top: { token: string; p: number }[];
  label: string;
  millis: number;
}

export type WorkerToHost =
  | { type: 'started'; runId: string; label: string; params: number; vocabSize: number }   // label: modelLabel()
  | { type: 'progress'; runId: string; points: ProgressPoint[] }
  | { type: 'sample'; runId: string; text: string }
  | { type: 'checkpoint'; runId: string; step: number; clipEvents: { step: number; norm: number }[] }
  | { type: 'finished'; runId: string; stopped: boolean; step: number; valLoss: number | null }
  | { type: 'failed'; runId: string; message: string }
  | { type: 'result'; requestId: number; value: unknown }
  | { type: 'error'; requestId: number; message: string };

/** Validates a message from the worker (a crashed or mismatched worker must not confuse the host). */
export function parseWorkerToHost(message: unknown): WorkerToHost {
  const m = obj(message, 'worker message');
  const known = ['started', 'progress', 'sample', 'checkpoint', 'finished', 'failed', 'result', 'error'];
  if (typeof m.type !== 'string' || !known.includes(m.type)) throw new ProtocolError(`unknown worker message type ${JSON.stringify(m.type)}`);
  if (m.type === 'result' || m.type === 'error') {
    if (typeof m.requestId !== 'number') throw new ProtocolError('field "requestId": expected a number');
    if (m.type === 'error') str(m, 'message');
  } else {
    str(m, 'runId', 200);
    if (m.type === 'progress' && !Array.isArray(m.points)) throw new ProtocolError('field "points": expected an array');
    if (m.type === 'sample') str(m, 'text');
    if (m.type === 'failed') str(m, 'message');
  }
  return m as unknown as WorkerToHost;
}

/** Validates a message from the host, at the worker's edge. */
export function parseHostToWorker(message: unknown): HostToWorker {
  const m = obj(message, 'host message');
  switch (m.type) {
    case 'stop':
      return { type: 'stop' };
    case 'train': {
      const job = obj(m.job, 'job');
      str(job, 'runId', 200); str(job, 'text'); str(job, 'checkpointPath', 4096);
      obj(job.model, 'job.model'); obj(job.train, 'job.train');
      return m as unknown as HostToWorker;
    }
    case 'infer': {
      if (typeof m.requestId !== 'number') throw new ProtocolError('field "requestId": expected a number');
      str(m, 'checkpointPath', 4096);
      const task = obj(m.task, 'task');
      oneOf(task, 'kind', ['sample', 'hover', 'diagnose', 'export', 'describe', 'load'] as const);
      return m as unknown as HostToWorker;
    }
    default:
      throw new ProtocolError(`unknown host message type ${JSON.stringify(m.type)}`);
  }
}

/** What a worker thread is started with (its workerData). */
export interface WorkerData {
  threads: number;           // the engine's thread count (seqlab.threads); 0 = automatic
}
