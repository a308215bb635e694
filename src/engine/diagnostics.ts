// The course's vanishing-gradient lesson, measured: for windows of text, how large is
// ‖∂L<T>/∂a<t>‖ as t goes back from T to 1 (how far back the error signal reaches), how often
// are the gates saturated (near 0 or 1), and how large is each parameter's gradient.

import { Model } from './checkpoint';
import { modelLabel } from './config';
import { Backend } from './backend';
import { Network } from './network';
import { checkOption, OPTIONS } from './options';
import { ClipEvent, DiagnosticsReport, GateSaturation, HISTOGRAM_BINS } from './reports';
import { Rng } from './rng';
import { globalNorm } from './optim';
import { SeqLabError } from './errors';

export interface DiagnoseOptions {
  steps: number; // T: the window length (default: OPTIONS.diagnoseSteps)
  streams: number; // windows averaged, read from evenly spaced places in the text
  label?: string;
  clipEvents?: ClipEvent[];
}

export function diagnose(
  model: Model,
  k: Backend,
  tokens: Int32Array,
  options: Partial<DiagnoseOptions> = {},
): DiagnosticsReport {
  const c = model.config;
  const T = checkOption(OPTIONS.diagnoseSteps, options.steps ?? OPTIONS.diagnoseSteps.default, 'steps');
  if (tokens.length < T + 1)
    throw new SeqLabError(
      `the text has ${tokens.length} tokens; diagnostics need at least ${T + 1} (a window of ${T} steps)`,
    );
  const { ids, targets, B } = diagnosticWindows(tokens, T, options.streams ?? 8);
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
    norm: globalNorm(g.subarray(s.offset, s.offset + s.size)),
  }));

  const gradNorms = gradientReach(net, ids, targets, T);
  return {
    label: options.label ?? modelLabel(c),
    cell: c.cell,
    layers: c.layers,
    steps: T,
    gradNorms,
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

/**
 * ‖∂L<T>/∂a<t>‖ per layer for t = 1…T: the loss of the last step alone, back through time, on a
 * network sized for the window (dropout 0). Its parameter gradients are scratch (zeroed after);
 * the window's forward pass stays in the network for gateSaturation.
 */
export function gradientReach(net: Network, ids: Int32Array, targets: Int32Array, T: number): number[][] {
  const D = net.config.bidirectional ? 2 : 1,
    g = net.params.grad;
  net.forward(ids, T, false);
  net.loss(targets);
  g.fill(0);
  const dhNorms = net.layers.map(() => Array.from({ length: D }, () => new Float64Array(T)));
  net.backward({ onlyLastStep: true, dhNorms });
  g.fill(0);
  return dhNorms.map((dirs) => Array.from(dirs[0]));
}

/** How saturated each gate of each layer was in the network's last forward pass (T steps of its B streams). */
export function gateSaturation(net: Network, T: number): GateSaturation[] {
  const c = net.config,
    B = net.B;
  const gates: GateSaturation[] = [];
  net.layers.forEach((layer, l) => {
    const cell = layer.cell,
      H = c.hidden,
      G = cell.gates * H;
    cell.gateNames.forEach((gate, gi) => {
      const histogram = new Array(HISTOGRAM_BINS).fill(0);
      let low = 0,
        high = 0,
        n = 0;
      for (const dir of layer.dirs) {
        const v = dir.s.gates;
        for (let r = 0; r < T * B; r++) {
          for (let j = 0; j < H; j++) {
            // c̃ is a tanh in (−1, 1): map it to (0, 1) so the same bins and thresholds apply.
            let x = v[r * G + gi * H + j];
            if (gate === 'c̃') x = (x + 1) / 2;
            if (x < 0.05) low++;
            else if (x > 0.95) high++;
            histogram[Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor(x * HISTOGRAM_BINS)))]++;
            n++;
          }
        }
      }
      gates.push({ layer: l, gate, low: low / n, high: high / n, histogram: histogram.map((h) => h / n) });
    });
  });
  return gates;
}
