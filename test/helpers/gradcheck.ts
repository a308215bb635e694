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
}

export function smallConfig(over: Partial<ModelConfig>): ModelConfig {
  return { ...defaultModelConfig, hidden: 4, vocabSize: 5, embedSize: 3, ...over };
}

export function gradCheck(config: ModelConfig, T = 5, B = 2, opts: { onlyLastStep?: boolean } = {}): GradCheckResult {
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
  const ids = Int32Array.from({ length: T * B }, () => Math.floor(data.next() * config.vocabSize));
  const targets = Int32Array.from({ length: T * B }, () => Math.floor(data.next() * config.vocabSize));
  // A fresh network per evaluation: same initial state, same dropout masks.
  const lossAt = (p: Params): number => {
    const net = new Network(config, p, k, T, B, new Rng(3));
    net.resetState();
    net.forward(ids, T, true);
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
  net.forward(ids, T, true);
  net.loss(targets);
  params.grad.fill(0);
  net.backward({ onlyLastStep: opts.onlyLastStep });
  const analytic = Float64Array.from(params.grad);
  const eps = 1e-5;
  let worst = 0,
    worstName = '',
    checked = 0;
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
    if (rel > worst) {
      worst = rel;
      worstName = spec.name;
    }
  }
  return { worstName, worstRelError: worst, checked };
}
