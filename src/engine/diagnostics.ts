// The course's vanishing-gradient lesson, measured: for windows of text, how large is
// ‖∂L<T>/∂a<t>‖ as t goes back from T to 1 (how far back the error signal reaches through the hidden
// state), for an LSTM also ‖∂L<T>/∂c<t>‖ (through the memory cell: c<t> = Γu*c̃<t> + Γf*c<t−1>, so
// ∂L/∂c<t−1> = Γf * ∂L/∂c<t> plus what comes through a<t−1>), how often the gates are saturated (near
// either end of their range), and how large each parameter's gradient is.

import { Model } from './checkpoint';
import { modelLabel } from './config';
import { Backend } from './backend';
import { Network } from './network';
import { checkOption, OPTIONS } from './options';
import { RecurrentLayer } from './layer';
import { ClipEvent, DiagnosticsReport, GateSaturation, HISTOGRAM_BINS, SATURATION_MARGIN } from './reports';
import { Rng } from './rng';
import { globalNorm } from './optim';
import { SeqLabError } from './errors';

export interface DiagnoseOptions {
  steps: number; // T: the window length (default: OPTIONS.diagnoseSteps)
  streams: number; // windows averaged, read from evenly spaced places in the text
  label?: string;
  clipEvents?: ClipEvent[];
}

/** B windows of T steps, time-major [T·B]: the inputs and, per row, the class the loss scores ([B] for a classifier). */
export interface DiagnosticWindows {
  ids: Int32Array;
  targets: Int32Array;
  B: number;
  T: number;
}

/** The diagnostics of a language model on windows of its text (targets: the next token). */
export function diagnose(
  model: Model,
  k: Backend,
  tokens: Int32Array,
  options: Partial<DiagnoseOptions> = {},
): DiagnosticsReport {
  const T = checkOption(OPTIONS.diagnoseSteps, options.steps ?? OPTIONS.diagnoseSteps.default, 'steps');
  if (tokens.length < T + 1)
    throw new SeqLabError(
      `the text has ${tokens.length} tokens; diagnostics need at least ${T + 1} (a window of ${T} steps)`,
    );
  return diagnoseWindows(model, k, { ...diagnosticWindows(tokens, T, options.streams ?? 8), T }, options);
}

/** The diagnostics of a model on given windows (the loss of their targets). */
export function diagnoseWindows(
  model: Model,
  k: Backend,
  { ids, targets, B, T }: DiagnosticWindows,
  options: Partial<DiagnoseOptions>,
): DiagnosticsReport {
  const c = model.config;
  const net = new Network({ ...c, dropout: 0 }, model.params, k, T, B, new Rng(0));
  net.resetState();
  const g = model.params.grad;

  // Per-parameter gradient norms of the whole window's loss.
  net.forward(ids, T, false);
  net.loss(targets);
  g.fill(0);
  net.backward();
  const paramGradNorms = model.params.specs.map((s) => ({
    name: s.name,
    norm: globalNorm(g.subarray(s.offset, s.offset + s.size), k),
  }));

  return {
    label: options.label ?? modelLabel(c),
    cell: c.cell,
    level: model.tokenizer.spec.level,
    layers: c.layers,
    steps: T,
    ...gradientReach(net, ids, targets, T),
    gates: gateSaturation(net, T),
    paramGradNorms,
    clipEvents: options.clipEvents ?? [],
  };
}

/** B windows of T steps read from evenly spaced places in the text: inputs and targets, time-major [T·B]. */
export function diagnosticWindows(
  tokens: Int32Array,
  T: number,
  streams: number,
): { ids: Int32Array; targets: Int32Array; B: number } {
  const B = Math.max(1, Math.min(streams, Math.floor(tokens.length / (T + 1))));
  const ids = new Int32Array(T * B),
    targets = new Int32Array(T * B);
  const gap = Math.floor((tokens.length - T - 1) / B);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      ids[t * B + b] = tokens[b * gap + t];
      targets[t * B + b] = tokens[b * gap + t + 1];
    }
  }
  return { ids, targets, B };
}

/** How far back the error signal reaches, per layer and t = 1…T (see gradientReach). */
export interface GradientReach {
  gradNorms: number[][];
  cellGradNorms?: number[][];
  backwardGradNorms?: number[][];
  backwardCellGradNorms?: number[][];
}

/**
 * ‖∂L<T>/∂a<t>‖ per layer for t = 1…T and, for cells with a memory cell, ‖∂L<T>/∂c<t>‖: the loss of the
 * last step alone, back through time, on a network sized for the window (dropout 0). For a
 * bidirectional network the same of the backward direction a←<t>, which reads the sequence from T down
 * to 1: for a tagger from the loss of the first step alone, L<1> (the mirror of L<T>: the loss a←<t>
 * carries furthest), for a classifier from its one loss L. Its parameter gradients are scratch (zeroed
 * after); the window's forward pass stays in the network for gateSaturation.
 */
export function gradientReach(net: Network, ids: Int32Array, targets: Int32Array, T: number): GradientReach {
  const fromLast = reachFrom(net, ids, targets, T, 'last');
  const forward = (norms: Float64Array[][]) => norms.map((dirs) => Array.from(dirs[0]));
  const reach: GradientReach = {
    gradNorms: forward(fromLast.dh),
    ...(fromLast.cell ? { cellGradNorms: forward(fromLast.cell) } : {}),
  };
  if (!net.config.bidirectional) return reach;
  const fromFirst = net.config.task === 'classify' ? fromLast : reachFrom(net, ids, targets, T, 'first');
  // The backward direction records its steps in its own order (t = T first): back to t = 1…T.
  const backward = (norms: Float64Array[][]) => norms.map((dirs) => Array.from(dirs[1]).reverse());
  return {
    ...reach,
    backwardGradNorms: backward(fromFirst.dh),
    ...(fromFirst.cell ? { backwardCellGradNorms: backward(fromFirst.cell) } : {}),
  };
}

/** ‖∂L/∂a<t>‖ (and ‖∂L/∂c<t>‖) [layer][direction][step] of the loss of one step alone (a classifier: its loss). */
function reachFrom(
  net: Network,
  ids: Int32Array,
  targets: Int32Array,
  T: number,
  step: 'first' | 'last',
): { dh: Float64Array[][]; cell?: Float64Array[][] } {
  const D = net.config.bidirectional ? 2 : 1,
    g = net.params.grad;
  net.forward(ids, T, false);
  net.loss(targets);
  g.fill(0);
  const perStep = () => net.layers.map(() => Array.from({ length: D }, () => new Float64Array(T)));
  const dh = perStep();
  const cell = net.layers[0].cell.hasCellState ? perStep() : undefined;
  net.backward({ onlyStep: step, dhNorms: dh, cellNorms: cell });
  g.fill(0);
  return { dh, ...(cell ? { cell } : {}) };
}

/** How saturated each gate of each layer was in the network's last forward pass (T steps of its B streams). */
export function gateSaturation(net: Network, T: number): GateSaturation[] {
  return net.layers.flatMap((layer, l) => layerGates(layer, l, T * net.B));
}

/**
 * The gates of one layer over the last forward pass's rows (T·B), each read as the course's quantity
 * (Γu = 1 − z for PyTorch's GRU) on its own range: how often it sits near either end, and its histogram.
 */
function layerGates(layer: RecurrentLayer, l: number, rows: number): GateSaturation[] {
  const H = layer.H,
    G = layer.cell.gates * H;
  return layer.cell.gateBlocks.map((block, gi) => {
    const [lo, hi] = block.range,
      width = hi - lo;
    const histogram = new Array<number>(HISTOGRAM_BINS).fill(0);
    let low = 0,
      high = 0;
    for (const dir of layer.dirs) {
      const v = dir.s.gates;
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < H; j++) {
          const stored = v[r * G + gi * H + j];
          const x = block.stores === 'complement' ? 1 - stored : stored;
          const at = (x - lo) / width; // 0 … 1 across the range
          if (at < SATURATION_MARGIN) low++;
          else if (at > 1 - SATURATION_MARGIN) high++;
          histogram[Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor(at * HISTOGRAM_BINS)))]++;
        }
      }
    }
    const n = rows * H * layer.dirs.length;
    return {
      layer: l,
      gate: block.name,
      range: [lo, hi],
      low: low / n,
      high: high / n,
      histogram: histogram.map((h) => h / n),
    };
  });
}
