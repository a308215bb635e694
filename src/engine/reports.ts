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
  layers: number;
  steps: number; // T of the window
  /** gradNorms[layer][t-1] = ‖∂L<T>/∂a<t>‖ for t = 1…T */
  gradNorms: number[][];
  /** LSTM only: cellGradNorms[layer][t-1] = ‖∂L<T>/∂c<t>‖ for t = 1…T, the memory cell's path */
  cellGradNorms?: number[][];
  gates: GateSaturation[];
  paramGradNorms: { name: string; norm: number }[];
  clipEvents: ClipEvent[];
  /** Training curve of the model (set when cells were compared: curves overlaid). */
  lossCurve?: { step: number; loss: number; valLoss: number | null }[];
}
