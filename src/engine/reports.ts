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

/** A training step whose gradient was clipped, and its global norm before clipping. */
export interface ClipEvent {
  step: number;
  norm: number;
}

/** Bins of a gate-saturation histogram, over [0, 1]. */
export const HISTOGRAM_BINS = 20;

export interface GateSaturation {
  layer: number;
  gate: string; // course notation: Γu, Γf, Γo, Γr, c̃
  low: number; // fraction of values < 0.05
  high: number; // fraction of values > 0.95
  histogram: number[]; // HISTOGRAM_BINS fractions, bins of equal width over [0, 1]
}

export interface DiagnosticsReport {
  label: string; // e.g. "LSTM-128"
  cell: string;
  layers: number;
  steps: number; // T of the window
  /** gradNorms[layer][t-1] = ‖∂L<T>/∂a<t>‖ for t = 1…T */
  gradNorms: number[][];
  gates: GateSaturation[];
  paramGradNorms: { name: string; norm: number }[];
  clipEvents: ClipEvent[];
  /** Training curve of the model (set when cells were compared: curves overlaid). */
  lossCurve?: { step: number; loss: number; valLoss: number | null }[];
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
