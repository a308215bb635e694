// Validation of the messages the webviews receive (HostToView) and of the state they restore.
// A message of the wrong shape throws ProtocolError and is never acted on.
// (src/protocol.ts validates the other direction, parseViewToHost; this is the webview's edge.)

import {
  ProtocolError,
  type DiagnosticsReport, type GateSaturation, type HostToView, type ProgressPoint, type RunState, type RunView,
} from '../src/protocol';

type Obj = Record<string, unknown>;

const RUN_STATES: readonly RunState[] = ['idle', 'training', 'stopping', 'stopped', 'done', 'failed'];
export const HISTOGRAM_BINS = 20;

function obj(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ProtocolError(`${what}: expected an object`);
  return v as Obj;
}

function arr(o: Obj, k: string): unknown[] {
  const v = o[k];
  if (!Array.isArray(v)) throw new ProtocolError(`field "${k}": expected an array`);
  return v;
}

function str(o: Obj, k: string, maxLength = 1_000_000): string {
  const v = o[k];
  if (typeof v !== 'string' || v.length > maxLength) throw new ProtocolError(`field "${k}": expected a string`);
  return v;
}

function bool(o: Obj, k: string): boolean {
  const v = o[k];
  if (typeof v !== 'boolean') throw new ProtocolError(`field "${k}": expected a boolean`);
  return v;
}

/** Any number, NaN and ±Infinity included: a diverging loss is an observation, not a bad message. */
function num(o: Obj, k: string): number {
  const v = o[k];
  if (typeof v !== 'number') throw new ProtocolError(`field "${k}": expected a number`);
  return v;
}

function count(o: Obj, k: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new ProtocolError(`field "${k}": expected a whole number ≥ 0`);
  return v;
}

function numbers(v: unknown, what: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw new ProtocolError(`${what}: expected an array of numbers`);
  return v as number[];
}

function runState(o: Obj): RunState {
  const v = o.state;
  if (typeof v !== 'string' || !RUN_STATES.includes(v as RunState)) throw new ProtocolError(`field "state": expected one of ${RUN_STATES.join(', ')}`);
  return v as RunState;
}

export function parseProgressPoint(v: unknown): ProgressPoint {
  const o = obj(v, 'progress point');
  const valLoss = o.valLoss === null ? null : num(o, 'valLoss');
  return {
    step: count(o, 'step'), totalSteps: count(o, 'totalSteps'), loss: num(o, 'loss'), valLoss,
    charsPerSec: num(o, 'charsPerSec'), etaSeconds: num(o, 'etaSeconds'), lr: num(o, 'lr'),
    gradNorm: num(o, 'gradNorm'), clipped: bool(o, 'clipped'), elapsedSeconds: num(o, 'elapsedSeconds'),
  };
}

export function parseRunView(v: unknown): RunView {
  const o = obj(v, 'run');
  return {
    runId: str(o, 'runId', 200), title: str(o, 'title', 1000), state: runState(o), message: str(o, 'message', 10_000),
    points: arr(o, 'points').map(parseProgressPoint), sample: str(o, 'sample'), canResume: bool(o, 'canResume'),
  };
}

function parseGate(v: unknown): GateSaturation {
  const o = obj(v, 'gate saturation');
  const histogram = numbers(o.histogram, 'field "histogram"');
  if (histogram.length !== HISTOGRAM_BINS) throw new ProtocolError(`field "histogram": expected ${HISTOGRAM_BINS} bins, got ${histogram.length}`);
  return { layer: count(o, 'layer'), gate: str(o, 'gate', 20), low: num(o, 'low'), high: num(o, 'high'), histogram };
}

export function parseDiagnosticsReport(v: unknown): DiagnosticsReport {
  const o = obj(v, 'diagnostics report');
  const layers = count(o, 'layers');
  const steps = count(o, 'steps');
  const gradNorms = arr(o, 'gradNorms').map((row, l) => numbers(row, `gradNorms[${l}]`));
  if (gradNorms.length !== layers) throw new ProtocolError(`field "gradNorms": expected ${layers} layers, got ${gradNorms.length}`);
  gradNorms.forEach((row, l) => {
    if (row.length !== steps) throw new ProtocolError(`gradNorms[${l}]: expected ${steps} time steps, got ${row.length}`);
  });
  return {
    label: str(o, 'label', 200), cell: str(o, 'cell', 50), layers, steps, gradNorms,
    gates: arr(o, 'gates').map(parseGate),
    paramGradNorms: arr(o, 'paramGradNorms').map((p) => {
      const q = obj(p, 'parameter gradient norm');
      return { name: str(q, 'name', 200), norm: num(q, 'norm') };
    }),
    clipEvents: arr(o, 'clipEvents').map((c) => {
      const q = obj(c, 'clip event');
      return { step: count(q, 'step'), norm: num(q, 'norm') };
    }),
    ...(o.lossCurve === undefined ? {} : {
      lossCurve: arr(o, 'lossCurve').map((c) => {
        const q = obj(c, 'loss curve point');
        return { step: count(q, 'step'), loss: num(q, 'loss'), valLoss: q.valLoss === null ? null : num(q, 'valLoss') };
      }),
    }),
  };
}

/** Validates a message sent by the host to a webview. */
export function parseHostToView(message: unknown): HostToView {
  const m = obj(message, 'host message');
  switch (m.type) {
    case 'run':
      return { type: 'run', run: m.run === null ? null : parseRunView(m.run) };
    case 'progress':
      return { type: 'progress', runId: str(m, 'runId', 200), points: arr(m, 'points').map(parseProgressPoint) };
    case 'state':
      return { type: 'state', runId: str(m, 'runId', 200), state: runState(m), message: str(m, 'message', 10_000), canResume: bool(m, 'canResume') };
    case 'sample':
      return { type: 'sample', runId: str(m, 'runId', 200), text: str(m, 'text') };
    case 'diagnostics':
      return { type: 'diagnostics', reports: arr(m, 'reports').map(parseDiagnosticsReport) };
    default:
      throw new ProtocolError(`unknown host message type ${JSON.stringify(m.type)}`);
  }
}
