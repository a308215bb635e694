// Central finite differences in float64 against the analytic gradient of the whole model.

import { ModelConfig, defaultModelConfig } from '../../src/engine/config';
import { jsBackend } from '../../src/engine/reference';
import { Network } from '../../src/engine/network';
import { initParams, Params } from '../../src/engine/params';
import { Rng } from '../../src/engine/rng';

export interface GradCheckResult {
  worstName: string;
  worstRelError: number; // max over tensors of ‖analytic − numeric‖ / (‖analytic‖ + ‖numeric‖)
  checked: number;
  errors: Map<string, number>; // each tensor's relative error
}

export function smallConfig(over: Partial<ModelConfig>): ModelConfig {
  const vocabSize = over.vocabSize ?? 5;
  return { ...defaultModelConfig, hidden: 4, vocabSize, classes: vocabSize, embedSize: 3, ...over };
}

/**
 * opts.window: the streams of the checked window when fewer than the network's B (a length bucket
 * that does not fill a batch); the rest of the network's buffers must not matter.
 */
export function gradCheck(
  config: ModelConfig,
  T = 5,
  B = 2,
  opts: { onlyLastStep?: boolean; window?: number } = {},
): GradCheckResult {
  const k = jsBackend('f64');
  const params = initParams(config, k, new Rng(7));
  // Peephole weights start at zero (params.ts), where the terms they enter would vanish: draw them.
  const peep = new Rng(13);
  for (const s of params.specs) {
    if (!s.name.startsWith('rnn.weight_peephole')) continue;
    const v = params.value(s.name);
    for (let i = 0; i < v.length; i++) v[i] = peep.uniform(-0.8, 0.8);
  }
  const data = new Rng(11);
  const b = opts.window ?? B;
  const ids = Int32Array.from({ length: T * b }, () => Math.floor(data.next() * config.vocabSize));
  const rows = config.task === 'classify' ? b : T * b;
  const targets = Int32Array.from({ length: rows }, () => Math.floor(data.next() * config.classes));
  // A fresh network per evaluation: same initial state, same dropout masks.
  const lossAt = (p: Params): number => {
    const net = new Network(config, p, k, T, B, new Rng(3));
    net.resetState();
    net.forward(ids, T, true, b);
    const probs = net.loss(targets);
    if (!opts.onlyLastStep) return probs;
    const V = config.vocabSize;
    let l = 0;
    for (let b = 0; b < B; b++) {
      const r = (T - 1) * B + b;
      l -= Math.log(net.logits[r * V + targets[r]]);
    }
    return l / B;
  };
  const net = new Network(config, params, k, T, B, new Rng(3));
  net.resetState();
  net.forward(ids, T, true, b);
  net.loss(targets);
  params.grad.fill(0);
  net.backward({ onlyStep: opts.onlyLastStep ? 'last' : undefined });
  return compareWithDifferences(params, Float64Array.from(params.grad), lossAt);
}

/** The worst relative error over tensors of an analytic gradient against central differences of lossAt. */
export function compareWithDifferences(
  params: Params,
  analytic: Float64Array,
  lossAt: (p: Params) => number,
): GradCheckResult {
  const eps = 1e-5;
  let worst = 0,
    worstName = '',
    checked = 0;
  const errors = new Map<string, number>();
  for (const spec of params.specs) {
    let dd = 0,
      aa = 0,
      nn = 0;
    for (let i = spec.offset; i < spec.offset + spec.size; i++) {
      const x = params.data[i];
      params.data[i] = x + eps;
      const up = lossAt(params);
      params.data[i] = x - eps;
      const down = lossAt(params);
      params.data[i] = x;
      const numeric = (up - down) / (2 * eps);
      dd += (analytic[i] - numeric) ** 2;
      aa += analytic[i] ** 2;
      nn += numeric ** 2;
      checked++;
    }
    const rel = Math.sqrt(dd) / Math.max(Math.sqrt(aa) + Math.sqrt(nn), 1e-12);
    errors.set(spec.name, rel);
    if (rel > worst) {
      worst = rel;
      worstName = spec.name;
    }
  }
  return { worstName, worstRelError: worst, checked, errors };
}

/** One norm of ∂L<T>/∂(a state at step t): as backpropagation measures it, and by central differences. */
export interface NormPair {
  analytic: number;
  numeric: number;
}

/** ‖∂L<T>/∂a<t>‖ and, for an LSTM, ‖∂L<T>/∂c<t>‖ of the top layer at step t (the diagnostics' curves). */
export interface StateGradients {
  t: number;
  hidden: NormPair;
  cell?: NormPair;
}

/**
 * The diagnostics' curves (Network.backward with onlyStep 'last', dhNorms and cellNorms) against finite
 * differences of L<T> = (1/B) Σ_b −log ŷ<T>[y<T>] with respect to the top layer's a<t> or c<t>, for
 * 1 ≤ t < T. L<T> as a function of the state at step t: the window's steps t+1 … T run afresh from the
 * stored states at step t, the top layer's replaced. Perturbing c<t> also changes a<t> = Γo<t> * tanh(c<t>)
 * (the node c<t> feeds both), with Γo<t> as the forward pass computed it. One direction, no dropout.
 */
export function stateGradCheck(config: ModelConfig, T: number, B: number, steps: number[]): StateGradients[] {
  const k = jsBackend('f64');
  const params = initParams(config, k, new Rng(7));
  const data = new Rng(11);
  const ids = Int32Array.from({ length: T * B }, () => Math.floor(data.next() * config.vocabSize));
  const targets = Int32Array.from({ length: T * B }, () => Math.floor(data.next() * config.vocabSize));
  const V = config.vocabSize,
    H = config.hidden,
    BH = B * H,
    top = config.layers - 1;

  const net = new Network(config, params, k, T, B, new Rng(3));
  net.resetState();
  net.forward(ids, T, false);
  net.loss(targets);
  let lossT = 0; // L<T> of the whole window's pass
  for (let b = 0; b < B; b++) lossT -= Math.log(net.logits[((T - 1) * B + b) * V + targets[(T - 1) * B + b]]) / B;
  const perStep = () => net.layers.map(() => [new Float64Array(T)]);
  const dhNorms = perStep();
  const cellNorms = net.layers[top].cell.hasCellState ? perStep() : undefined;
  net.backward({ onlyStep: 'last', dhNorms, cellNorms });
  const states = net.layers.map((l) => ({ h: Float64Array.from(l.dirs[0].s.h), c: Float64Array.from(l.dirs[0].s.c) }));
  const G = net.layers[top].cell.gates * H,
    gates = Float64Array.from(net.layers[top].dirs[0].s.gates);

  const lossFrom = (t: number, a: Float64Array, c: Float64Array): number => {
    const rest = new Network(config, params, k, T - t, B, new Rng(3));
    rest.layers.forEach((layer, l) => {
      const s = layer.dirs[0].s;
      s.h.set(l === top ? a : states[l].h.subarray(t * BH, (t + 1) * BH));
      if (s.c.length) s.c.set(l === top ? c : states[l].c.subarray(t * BH, (t + 1) * BH));
    });
    rest.forward(ids.subarray(t * B), T - t, false);
    rest.loss(targets.subarray(t * B)); // the logits become probabilities ŷ
    let l = 0;
    for (let b = 0; b < B; b++) l -= Math.log(rest.logits[((T - t - 1) * B + b) * V + targets[(T - 1) * B + b]]);
    return l / B;
  };
  const differenceNorm = (f: (x: Float64Array) => number, x0: Float64Array): number => {
    const eps = 1e-5,
      x = Float64Array.from(x0);
    let sq = 0;
    for (let i = 0; i < x.length; i++) {
      x[i] = x0[i] + eps;
      const up = f(x);
      x[i] = x0[i] - eps;
      const down = f(x);
      x[i] = x0[i];
      sq += ((up - down) / (2 * eps)) ** 2;
    }
    return Math.sqrt(sq);
  };

  /** The restart must reproduce the window's L<T> before its derivatives mean anything. */
  const checkRestart = (t: number, loss: number) => {
    if (Math.abs(loss - lossT) > 1e-12 * Math.max(1, lossT))
      throw new Error(`L<T> from the state at t = ${t} is ${loss}, the window's ${lossT}`);
  };
  return steps.map((t) => {
    const a = states[top].h.slice(t * BH, (t + 1) * BH),
      c = states[top].c.slice(t * BH, (t + 1) * BH);
    checkRestart(t, lossFrom(t, a, c));
    const hidden = { analytic: dhNorms[top][0][t - 1], numeric: differenceNorm((x) => lossFrom(t, x, c), a) };
    if (!cellNorms) return { t, hidden };
    const outputGate = (i: number) => gates[((t - 1) * B + Math.floor(i / H)) * G + 3 * H + (i % H)]; // Γo<t>
    const hiddenOf = (cx: Float64Array) => cx.map((v, i) => outputGate(i) * Math.tanh(v)); // a<t> = Γo<t> * tanh(c<t>)
    checkRestart(t, lossFrom(t, hiddenOf(c), c));
    const cell = { analytic: cellNorms[top][0][t - 1], numeric: differenceNorm((x) => lossFrom(t, hiddenOf(x), x), c) };
    return { t, hidden, cell };
  });
}
