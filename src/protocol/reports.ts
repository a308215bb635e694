// Validators of what training and diagnostics report (src/engine/reports.ts), as they cross an edge.

import {
  HISTOGRAM_BINS,
  type ClipEvent,
  type DiagnosticsReport,
  type GateSaturation,
  type GradNormCurve,
  type LabProgress,
  type LabResult,
  type ProgressPoint,
  type TaskScores,
  type TrainingSnapshot,
} from '../engine/reports';
import { arrayOf, arrayOfLength, bool, count, fail, Fields, nullable, num, oneOf, str, type Parse } from './validate';

export const parseProgressPoint: Parse<ProgressPoint> = (v, path) => {
  const f = new Fields(v, path);
  return {
    step: f.get('step', count),
    totalSteps: f.get('totalSteps', count),
    loss: f.get('loss', num),
    valLoss: f.get('valLoss', nullable(num)),
    charsPerSec: f.get('charsPerSec', num),
    etaSeconds: f.get('etaSeconds', num),
    lr: f.get('lr', num),
    gradNorm: f.get('gradNorm', num),
    clipped: f.get('clipped', bool),
    elapsedSeconds: f.get('elapsedSeconds', num),
  };
};

/** A square matrix of counts (a confusion matrix): as many rows as columns in each row. */
const squareCounts: Parse<number[][]> = (v, path) => {
  const rows = arrayOf(arrayOf(count))(v, path);
  return rows.every((r) => r.length === rows.length) ? rows : fail(path, 'a square matrix of counts');
};

/** A score: a fraction in [0, 1]. */
const fraction: Parse<number> = (v, path) =>
  typeof v === 'number' && v >= 0 && v <= 1 ? v : fail(path, 'a number from 0 to 1');

/** A rate: a number ≥ 0 (a character error rate passes 1 when outputs are longer than their references). */
const nonNegative: Parse<number> = (v, path) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail(path, 'a number ≥ 0');

export const parseTaskScores: Parse<TaskScores> = (v, path) => {
  const f = new Fields(v, path);
  return {
    step: f.get('step', count),
    accuracy: f.get('accuracy', nullable(fraction)),
    macroF1: f.get('macroF1', nullable(fraction)),
    entityF1: f.get('entityF1', nullable(fraction)),
    confusion: f.get('confusion', nullable(squareCounts)),
    exactMatch: f.get('exactMatch', nullable(fraction)),
    cer: f.get('cer', nullable(nonNegative)),
    bleu: f.get('bleu', nullable(fraction)),
  };
};

export const parseClipEvent: Parse<ClipEvent> = (v, path) => {
  const f = new Fields(v, path);
  return { step: f.get('step', count), norm: f.get('norm', num) };
};

export const parseGradNormCurve: Parse<GradNormCurve> = (v, path) => {
  const f = new Fields(v, path);
  return {
    clip: f.get('clip', nullable(num)),
    points: f.get(
      'points',
      arrayOf((p, at) => {
        const g = new Fields(p, at);
        return { step: g.get('step', count), norm: g.get('norm', num), clipped: g.get('clipped', bool) };
      }),
    ),
  };
};

/** A gate's range [lo, hi]: two finite numbers, lo < hi (the panel draws the gate's axis over it). */
const parseRange: Parse<[number, number]> = (v, path) => {
  const [lo, hi] = arrayOfLength(num, 2, 'ends')(v, path);
  return Number.isFinite(lo) && Number.isFinite(hi) && lo < hi ? [lo, hi] : fail(path, 'a range [lo, hi] with lo < hi');
};

/** A gate's saturation without its histogram: what a training snapshot keeps. */
const parseGateEnds: Parse<Omit<GateSaturation, 'histogram'>> = (v, path) => {
  const f = new Fields(v, path);
  return {
    layer: f.get('layer', count),
    gate: f.get('gate', str(20)),
    range: f.get('range', parseRange),
    low: f.get('low', num),
    high: f.get('high', num),
  };
};

const parseGate: Parse<GateSaturation> = (v, path) => ({
  ...parseGateEnds(v, path),
  histogram: new Fields(v, path).get('histogram', arrayOfLength(num, HISTOGRAM_BINS, 'bins')),
});

export const parseTrainingSnapshot: Parse<TrainingSnapshot> = (v, path) => {
  const f = new Fields(v, path);
  const steps = f.get('steps', count);
  const perStep = arrayOfLength(num, steps, 'time steps');
  const gradNorms = f.get('gradNorms', arrayOf(perStep));
  return {
    step: f.get('step', count),
    steps,
    gradNorms,
    ...f.optional('cellGradNorms', arrayOfLength(perStep, gradNorms.length, 'layers')),
    gates: f.get('gates', arrayOf(parseGateEnds)),
    seconds: f.get('seconds', num),
  };
};

export const parseDiagnosticsReport: Parse<DiagnosticsReport> = (v, path) => {
  const f = new Fields(v, path);
  const layers = f.get('layers', count);
  const steps = f.get('steps', count);
  const perLayerAndStep = arrayOfLength(arrayOfLength(num, steps, 'time steps'), layers, 'layers');
  return {
    label: f.get('label', str(200)),
    cell: f.get('cell', str(50)),
    level: f.get('level', oneOf(['char', 'word'] as const)),
    layers,
    steps,
    gradNorms: f.get('gradNorms', perLayerAndStep),
    ...f.optional('cellGradNorms', perLayerAndStep),
    ...f.optional('backwardGradNorms', perLayerAndStep),
    ...f.optional('backwardCellGradNorms', perLayerAndStep),
    gates: f.get('gates', arrayOf(parseGate)),
    paramGradNorms: f.get(
      'paramGradNorms',
      arrayOf((p, at) => {
        const g = new Fields(p, at);
        return { name: g.get('name', str(200)), norm: g.get('norm', num) };
      }),
    ),
    clipEvents: f.get('clipEvents', arrayOf(parseClipEvent)),
    ...f.optional(
      'lossCurve',
      arrayOf((p, at) => {
        const g = new Fields(p, at);
        return { step: g.get('step', count), loss: g.get('loss', num), valLoss: g.get('valLoss', nullable(num)) };
      }),
    ),
    ...f.optional('gradNormCurve', parseGradNormCurve),
    ...f.optional('snapshots', arrayOf(parseTrainingSnapshot)),
  };
};

export const parseLabResult: Parse<LabResult> = (v, path) => {
  const f = new Fields(v, path);
  return { cell: f.get('cell', str(20)), gap: f.get('gap', count), accuracy: f.get('accuracy', num) };
};

export const parseLabProgress: Parse<LabProgress> = (v, path) => {
  const f = new Fields(v, path);
  return {
    cell: f.get('cell', str(20)),
    gap: f.get('gap', count),
    label: f.get('label', str(200)),
    run: f.get('run', count),
    runs: f.get('runs', count),
    step: f.get('step', count),
    steps: f.get('steps', count),
  };
};
