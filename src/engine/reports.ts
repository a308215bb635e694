// What training and diagnostics report: plain data, shared with the extension host and the webviews.

export interface ProgressPoint {
  step: number;
  totalSteps: number; // 0 when the budget is a time
  loss: number; // training loss of this step, nats per token
  valLoss: number | null; // set on steps that ran a validation pass
  charsPerSec: number; // tokens per second, averaged since the start
  etaSeconds: number;
  lr: number;
  gradNorm: number; // global gradient norm before clipping
  clipped: boolean;
  elapsedSeconds: number;
}

/**
 * A task model's scores on its validation examples at a step of its training (null where the task
 * has none). A tagger's or a classifier's (fractions in [0, 1]; tasks/metrics.ts defines them): token
 * or line accuracy, macro-F1, CoNLL entity F1 (a tagger whose tags are B-/I-, else null) and a
 * classifier's confusion matrix (else null), confusion[i][j] = the validation lines of gold label i
 * predicted as label j, in the model's label order. An encoder–decoder's (seq2seq/metrics.ts): the
 * exact match of its greedy outputs (a fraction), their character error rate (≥ 0, may pass 1) and,
 * at word level, their BLEU.
 */
export interface TaskScores {
  step: number;
  accuracy: number | null;
  macroF1: number | null;
  entityF1: number | null;
  confusion: number[][] | null;
  exactMatch: number | null;
  cer: number | null;
  bleu: number | null; // a word-level encoder–decoder's corpus BLEU (a fraction), else null
}

/** A training step whose gradient was clipped, and its global norm before clipping. */
export interface ClipEvent {
  step: number;
  norm: number;
}

/** The global gradient norm before clipping at each step of a run, and the threshold it was clipped at. */
export interface GradNormCurve {
  clip: number | null; // the run's TrainConfig.clip; 0: clipping off; null: not recorded (a run saved before it was)
  points: { step: number; norm: number; clipped: boolean }[];
}

/** Bins of a gate-saturation histogram, over the gate's range. */
export const HISTOGRAM_BINS = 20;

/** Saturated: within this fraction of the range from either end (a gate below 0.05 or above 0.95; c̃ beyond ±0.9). */
export const SATURATION_MARGIN = 0.05;

/** One gate of one layer in the course's terms (the GRU's Γu, not PyTorch's z = 1 − Γu). */
export interface GateSaturation {
  layer: number;
  gate: string; // course notation: Γu, Γf, Γo, Γr, c̃
  range: [number, number]; // where the quantity lives: [0, 1] for a gate, [−1, 1] for c̃
  low: number; // fraction of values near range[0] (within SATURATION_MARGIN of the range)
  high: number; // fraction of values near range[1]
  histogram: number[]; // HISTOGRAM_BINS fractions, bins of equal width over the range
}

export interface DiagnosticsReport {
  label: string; // e.g. "LSTM-128"
  cell: string;
  /** The model's tokens: characters or words (what a step t of the window and a nat of loss are per). */
  level: 'char' | 'word';
  layers: number;
  steps: number; // T of the window
  /** gradNorms[layer][t-1] = ‖∂L<T>/∂a<t>‖ for t = 1…T */
  gradNorms: number[][];
  /** LSTM only: cellGradNorms[layer][t-1] = ‖∂L<T>/∂c<t>‖ for t = 1…T, the memory cell's path */
  cellGradNorms?: number[][];
  /**
   * Bidirectional only: gradNorms (and cellGradNorms) are then the forward direction's, and these the
   * backward direction's, backwardGradNorms[layer][t-1] = ‖∂L/∂a←<t>‖ for t = 1…T, where L is a tagger's
   * L<1> (the backward direction reads from T down to 1: the mirror of L<T>) or a classifier's one loss.
   */
  backwardGradNorms?: number[][];
  /** Bidirectional LSTM only: ‖∂L/∂c←<t>‖ of the backward direction, as backwardGradNorms. */
  backwardCellGradNorms?: number[][];
  gates: GateSaturation[];
  paramGradNorms: { name: string; norm: number }[];
  clipEvents: ClipEvent[];
  /** Training curve of the model (set when cells were compared: curves overlaid). */
  lossCurve?: { step: number; loss: number; valLoss: number | null }[];
  /** The gradient norm over the run that trained the model (set by the extension when it keeps that run). */
  gradNormCurve?: GradNormCurve;
  /** The snapshots its training recorded at its validation steps (set by the host from the stored run). */
  snapshots?: TrainingSnapshot[];
}

/**
 * The diagnostics of one fixed window of the validation text, recorded at a validation step of a
 * training (snapshot.ts): how far back the gradient reaches and how saturated the gates are, then.
 */
export interface TrainingSnapshot {
  step: number; // the training step it was recorded at
  steps: number; // T of the window
  /** gradNorms[layer][t-1] = ‖∂L<T>/∂a<t>‖ for t = 1…T */
  gradNorms: number[][];
  /** LSTM only: cellGradNorms[layer][t-1] = ‖∂L<T>/∂c<t>‖, the memory cell's path */
  cellGradNorms?: number[][];
  gates: Omit<GateSaturation, 'histogram'>[];
  seconds: number; // how long recording it took: its cost to the training
}

/** Snapshots a run keeps (run.json): more are thinned evenly over the steps. */
export const MAX_SNAPSHOTS = 200;

/**
 * Adds a snapshot to a run's list, in step order: one recorded again after a resume replaces those
 * from its step on. The snapshots stay spread over the steps at least `gap` = (span of the steps) /
 * (max / 2) apart: the latest is kept until the next one comes, then only if it keeps that spacing,
 * and past `max` the whole list is thinned to it (the first and the latest always kept).
 */
export function addSnapshot(list: TrainingSnapshot[], s: TrainingSnapshot, max = MAX_SNAPSHOTS): TrainingSnapshot[] {
  const kept = list.filter((x) => x.step < s.step);
  const gap = (s.step - (kept[0]?.step ?? s.step)) / Math.max(1, Math.floor(max / 2));
  const n = kept.length;
  if (n >= 2 && kept[n - 1].step - kept[n - 2].step < gap) kept.pop();
  kept.push(s);
  if (kept.length <= max) return kept;
  const thinned = [kept[0]];
  for (const x of kept.slice(1, -1)) if (x.step - thinned[thinned.length - 1].step >= gap) thinned.push(x);
  thinned.push(s);
  return thinned;
}

/** One (cell, gap) of the long-memory lab (engine/lab.ts). */
export interface LabResult {
  cell: string; // rnn, gru or lstm
  gap: number; // N: distractors between the cue and the answer
  accuracy: number; // fraction of held-out lines whose answer the model predicts; 0.5 is chance
}

/** Where the long-memory lab is: run `run` of `runs` (one per cell and gap), at `step` of `steps`. */
export interface LabProgress {
  cell: string;
  gap: number;
  label: string; // the model, e.g. "LSTM-64"
  run: number; // 1-based
  runs: number;
  step: number;
  steps: number;
}
