// The one message protocol between the extension host, the training worker and the webviews.
// Every receiving edge calls the matching parse* function: a message of the wrong shape is
// rejected with a clear error, never acted on.

// ---------- shared payloads ----------

import type { DiagnosticsReport, ProgressPoint } from './engine/reports';
export type { DiagnosticsReport, GateSaturation, ProgressPoint } from './engine/reports';

export type RunState = 'idle' | 'training' | 'stopping' | 'stopped' | 'done' | 'failed';

/** Everything the sidebar shows for one training run. */
export interface RunView {
  runId: string;
  title: string;            // file name and model, e.g. "README.md — LSTM-128"
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
