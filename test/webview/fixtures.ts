// Plausible data for the views: a loss curve that falls like a char model's, and diagnostics
// reports shaped like those of an RNN, a GRU and an LSTM on one window.

import {
  HISTOGRAM_BINS,
  type DiagnosticsReport,
  type DiagnosticsView,
  type GateSaturation,
  type GradNormCurve,
  type HostToView,
  type ProgressPoint,
  type RunView,
} from '../../src/protocol';

/** A deterministic stream of numbers in [0, 1) (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function point(step: number, loss: number, extra: Partial<ProgressPoint> = {}): ProgressPoint {
  return {
    step,
    totalSteps: 2000,
    loss,
    valLoss: null,
    charsPerSec: 14_250,
    etaSeconds: 95,
    lr: 2e-3,
    gradNorm: 1.5,
    clipped: false,
    elapsedSeconds: step / 7,
    ...extra,
  };
}

/** Steps from..to of a run that learns: noisy loss from ln(65) ≈ 4.2 down towards 1.4. */
export function lossCurve(from: number, to: number, every = 5): ProgressPoint[] {
  const rnd = random(7);
  const points: ProgressPoint[] = [];
  for (let step = every; step <= to; step += every) {
    const mean = 1.38 + 2.8 * Math.exp(-step / 230) + 0.25 * Math.exp(-step / 1500);
    const loss = mean + (rnd() - 0.5) * 0.32 * (0.4 + mean / 4);
    const gradNorm = 0.8 + 7 * Math.exp(-step / 120) + rnd() * (step < 400 ? 3 : 0.8);
    if (step < from) continue;
    points.push(
      point(step, loss, {
        valLoss: step % 100 === 0 ? mean + 0.06 + 0.05 * (step / 2000) : null,
        gradNorm,
        clipped: gradNorm > 5,
        charsPerSec: 14_250 + Math.round(rnd() * 800),
        etaSeconds: (2000 - step) / 7,
        elapsedSeconds: step / 7,
        lr: 2e-3,
      }),
    );
  }
  return points;
}

/** The diagnostics panel's message showing `reports` of one file, complete (no Compare in progress), up to date. */
export function diagnosticsMessage(reports: DiagnosticsReport[], extra: Partial<DiagnosticsView> = {}): HostToView {
  const subject = 'tiny-shakespeare.txt — ' + reports.map((r) => r.label).join(', ');
  return { type: 'diagnostics', view: { subject, status: '', outdated: '', reports, ...extra } };
}

export function run(extra: Partial<RunView> = {}): RunView {
  return {
    runId: 'run-1',
    title: 'tiny-shakespeare.txt — LSTM-128',
    state: 'training',
    message: '',
    points: [],
    sample: '',
    canResume: false,
    resumeLabel: '',
    level: 'char',
    startedAt: Date.UTC(2026, 11, 2, 9, 41),
    clip: 5,
    task: 'lm',
    labels: [],
    scores: [],
    ...extra,
  };
}

/** The gradient norm over a run of `lossCurve`'s shape, its norms scaled, clipped at `clip` (0: off). */
export function gradNormCurve(clip: number, scale = 1, to = 400): GradNormCurve {
  return {
    clip,
    points: lossCurve(0, to).map((p) => {
      const norm = p.gradNorm * scale;
      return { step: p.step, norm, clipped: clip > 0 && norm > clip };
    }),
  };
}

export const SAMPLE = `KING HENRY:
What says the lord of the sea and the heart
That shall be so, and then the proud of men,
And therefore will I be thy lord and death.

GLOUCESTER:
Thou art a soldier and the king's true heart.`;

function histogram(center: number, spread: number, saturate: [number, number]): number[] {
  const bins = Array.from({ length: HISTOGRAM_BINS }, (_, i) =>
    Math.exp(-(((i + 0.5) / HISTOGRAM_BINS - center) ** 2) / (2 * spread ** 2)),
  );
  const sum = bins.reduce((a, b) => a + b, 0);
  const rest = 1 - saturate[0] - saturate[1];
  const h = bins.map((b) => (b / sum) * rest);
  h[0] += saturate[0];
  h[19] += saturate[1];
  return h;
}

function gate(layer: number, name: string, center: number, spread: number, low: number, high: number): GateSaturation {
  const h = histogram(center, spread, [low, high]);
  return { layer, gate: name, range: name === 'c̃' ? [-1, 1] : [0, 1], low: h[0], high: h[19], histogram: h };
}

/** ‖∂L<T>/∂a<t>‖ = g0 · decay^(T − t), with a little wobble. */
function gradNorms(T: number, g0: number, decay: number, seed: number): number[] {
  const rnd = random(seed);
  return Array.from({ length: T }, (_, i) => g0 * decay ** (T - 1 - i) * (0.8 + 0.4 * rnd()));
}

function params(cell: string, layers: number, scale: number, seed: number): { name: string; norm: number }[] {
  const rnd = random(seed);
  const out: { name: string; norm: number }[] = [];
  for (let l = 0; l < layers; l++) {
    for (const n of ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'])
      out.push({ name: `${n}_l${l}`, norm: ((scale * (0.2 + rnd())) / (l + 1)) * (n.startsWith('bias') ? 0.1 : 1) });
  }
  out.push({ name: 'head.weight', norm: scale * 2.1 }, { name: 'head.bias', norm: scale * 0.3 });
  void cell;
  return out;
}

export function reports(T = 64): DiagnosticsReport[] {
  return [
    {
      label: 'RNN-128',
      cell: 'rnn',
      level: 'char',
      layers: 1,
      steps: T,
      gradNorms: [gradNorms(T, 0.9, 0.72, 1)],
      gates: [],
      paramGradNorms: params('rnn', 1, 0.9, 11),
      clipEvents: [
        { step: 40, norm: 48.2 },
        { step: 41, norm: 12.5 },
        { step: 95, norm: 7.1 },
        { step: 230, norm: 5.6 },
      ],
    },
    {
      label: 'GRU-128',
      cell: 'gru',
      level: 'char',
      layers: 2,
      steps: T,
      gradNorms: [gradNorms(T, 0.6, 0.93, 2), gradNorms(T, 0.8, 0.95, 3)],
      gates: [0, 1].flatMap((l) => [
        gate(l, 'Γr', 0.45, 0.18, 0.03, 0.02),
        gate(l, 'Γu', 0.3, 0.2, 0.12, 0.04),
        gate(l, 'c̃', 0.5, 0.3, 0.08, 0.07),
      ]),
      paramGradNorms: params('gru', 2, 0.4, 12),
      clipEvents: [{ step: 40, norm: 6.3 }],
    },
    {
      label: 'LSTM-128',
      cell: 'lstm',
      level: 'char',
      layers: 2,
      steps: T,
      gradNorms: [gradNorms(T, 0.5, 0.975, 4), gradNorms(T, 0.7, 0.98, 5)],
      cellGradNorms: [gradNorms(T, 0.3, 0.995, 6), gradNorms(T, 0.4, 0.997, 7)],
      gates: [0, 1].flatMap((l) => [
        gate(l, 'Γu', 0.35, 0.2, 0.06, 0.03),
        gate(l, 'Γf', 0.8, 0.12, 0.0, 0.21),
        gate(l, 'Γo', 0.55, 0.2, 0.02, 0.05),
        gate(l, 'c̃', 0.5, 0.28, 0.1, 0.09),
      ]),
      paramGradNorms: params('lstm', 2, 0.3, 13),
      clipEvents: [],
    },
  ];
}
