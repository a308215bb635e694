// What single units do over a text: a unit's values character by character, the units most
// selective on the text, and LSTMVis's pattern search (the units that are high, or low, inside given
// spans of characters and the opposite outside). Layers and units are numbered from 0.
//
// Statistics are over the shown value v<t> (signals.ts: tanh(c<t>) for c, the value itself
// otherwise), one per character, all characters of the text:
//   selectivity   score = std_t v<t>, the spread of the unit's activity over the text (a unit stuck at
//                 one value, saturated or not, scores 0); reported with its mean and how often it is
//                 saturated (within 5 % of either end of its range, as the diagnostics count gates)
//   match         d = (μ_in − μ_out) / √(s² + ε²), ε = 0.01: the difference of the unit's mean inside
//                 and outside the spans over their pooled standard deviation
//                 s² = ((n_in − 1)·s_in² + (n_out − 1)·s_out²) / (n_in + n_out − 2) (Cohen's d; ε keeps a
//                 unit that copies the spans exactly finite); ranked by |d|, sign high (d > 0: higher
//                 inside) or low

import { Model } from '../checkpoint';
import { cellFor } from '../cells';
import { Backend } from '../backend';
import { SeqLabError } from '../errors';
import { SATURATION_MARGIN } from '../reports';
import { Chunk, ReadRange, ReadState, readText } from './reader';
import { checkProbe, parseSignal, Probe, signalReader } from './signals';

/** Values of probes at tokens [start, start + values[p].length): values[p][i] after reading token start + i. */
export interface UnitValues {
  start: number;
  values: Float32Array[];
  checkpoints: ReadState[];
}

/** The value of each probe after every token of [from.at, to): what "Show neuron…" colours (probe.signal's raw value). */
export function unitValues(
  model: Model,
  k: Backend,
  ids: Int32Array,
  probes: Probe[],
  range: ReadRange = {},
): UnitValues {
  const checked = probes.map((p) => checkProbe(model, p));
  const start = range.from?.at ?? 0,
    n = Math.max(0, (range.to ?? ids.length) - start);
  const values = checked.map(() => new Float32Array(n));
  const checkpoints = readText(model, k, ids, range, ({ net, start: p, steps }) => {
    checked.forEach((probe, q) => {
      const read = signalReader(net, probe.layer, probe.signal);
      for (let i = 0; i < steps; i++) values[q][p - start + i] = read.value(i, probe.unit);
    });
  });
  return { start, values, checkpoints };
}

/** Which units a ranking considers: one signal, of one layer or of all. */
export interface UnitSelection {
  signal: string; // as typed: h, c, gate:Γu or gate:u, …
  layer?: number; // default: every layer
  top: number; // how many units to return
}

export interface SelectiveUnit {
  layer: number;
  unit: number;
  score: number; // std of the shown value over the text
  mean: number;
  saturated: number; // fraction of characters within 5 % of either end of the value's range
}

export interface MatchedUnit {
  layer: number;
  unit: number;
  score: number; // |d|
  sign: 'high' | 'low'; // the unit is higher (high) or lower (low) inside the spans than outside
  inside: number; // μ_in
  outside: number; // μ_out
}

/** Character spans [start, end) in token indices (0-based, end exclusive). */
export interface Span {
  start: number;
  end: number;
}

/** The layers a selection reads, checked against the model, and the signal's canonical name and range. */
function selected(
  model: Model,
  s: UnitSelection,
): { layers: number[]; signal: string; range: readonly [number, number] } {
  const signal = parseSignal(model, s.signal);
  if (!Number.isInteger(s.top) || s.top < 1) throw new SeqLabError(`top must be a whole number ≥ 1 (got ${s.top})`);
  const layers =
    s.layer === undefined
      ? Array.from({ length: model.config.layers }, (_, l) => l)
      : [checkProbe(model, { layer: s.layer, unit: 0, signal }).layer];
  const block = cellFor(model.config).gateBlocks.find((b) => `gate:${b.name}` === signal);
  return { layers, signal, range: block ? block.range : [-1, 1] };
}

/** Runs the text once, handing every shown value v<t> of the selected units to `add(unitIndex, token, v)`. */
function visitUnits(
  model: Model,
  k: Backend,
  ids: Int32Array,
  layers: number[],
  signal: string,
  add: (u: number, token: number, v: number) => void,
): void {
  const H = model.config.hidden;
  readText(model, k, ids, {}, ({ net, start, steps }: Chunk) => {
    layers.forEach((l, li) => {
      const read = signalReader(net, l, signal);
      for (let i = 0; i < steps; i++) for (let j = 0; j < H; j++) add(li * H + j, start + i, read.shown(i, j));
    });
  });
}

/** The `top` units of the selection with the largest spread of activity over the text. */
export function selectiveUnits(model: Model, k: Backend, ids: Int32Array, selection: UnitSelection): SelectiveUnit[] {
  const { layers, signal, range } = selected(model, selection);
  const H = model.config.hidden,
    U = layers.length * H,
    [lo, hi] = range,
    margin = SATURATION_MARGIN * (hi - lo);
  const sum = new Float64Array(U),
    squares = new Float64Array(U),
    saturated = new Float64Array(U);
  visitUnits(model, k, ids, layers, signal, (u, _t, v) => {
    sum[u] += v;
    squares[u] += v * v;
    if (v < lo + margin || v > hi - margin) saturated[u]++;
  });
  const n = ids.length;
  const units = Array.from({ length: U }, (_, u): SelectiveUnit => {
    const mean = sum[u] / n;
    return {
      layer: layers[Math.floor(u / H)],
      unit: u % H,
      score: Math.sqrt(Math.max(0, squares[u] / n - mean * mean)),
      mean,
      saturated: saturated[u] / n,
    };
  });
  return units.sort((a, b) => b.score - a.score || a.layer - b.layer || a.unit - b.unit).slice(0, selection.top);
}

const EPSILON = 0.01;

/** Token i is inside a span: mask[i] = 1. Spans must lie in the text, be non-empty and leave some token outside. */
export function spanMask(spans: Span[], n: number): Uint8Array {
  if (spans.length === 0) throw new SeqLabError('give at least one span START:END');
  const mask = new Uint8Array(n);
  for (const { start, end } of spans) {
    if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start < end && end <= n))
      throw new SeqLabError(
        `the span ${start}:${end} is not a non-empty range of characters of this text (0 ≤ START < END ≤ ${n})`,
      );
    mask.fill(1, start, end);
  }
  const inside = mask.reduce((a, b) => a + b, 0);
  if (inside < 2 || n - inside < 2)
    throw new SeqLabError(
      `the spans cover ${inside} of ${n} characters: a match needs at least 2 characters inside and 2 outside`,
    );
  return mask;
}

/** LSTMVis's pattern search: the `top` units whose activity best separates the spans from the rest of the text. */
export function matchUnits(
  model: Model,
  k: Backend,
  ids: Int32Array,
  spans: Span[],
  selection: UnitSelection,
): MatchedUnit[] {
  const { layers, signal } = selected(model, selection);
  const mask = spanMask(spans, ids.length);
  const H = model.config.hidden,
    U = layers.length * H;
  // [inside, outside] sums and sums of squares
  const sum = [new Float64Array(U), new Float64Array(U)],
    squares = [new Float64Array(U), new Float64Array(U)];
  visitUnits(model, k, ids, layers, signal, (u, t, v) => {
    const side = mask[t] ? 0 : 1;
    sum[side][u] += v;
    squares[side][u] += v * v;
  });
  const nIn = mask.reduce((a, b) => a + b, 0),
    nOut = ids.length - nIn;
  const units = Array.from({ length: U }, (_, u): MatchedUnit => {
    const mIn = sum[0][u] / nIn,
      mOut = sum[1][u] / nOut;
    // (n − 1)·s² = Σ v² − n·μ² on each side
    const within = Math.max(0, squares[0][u] - nIn * mIn * mIn) + Math.max(0, squares[1][u] - nOut * mOut * mOut);
    const d = (mIn - mOut) / Math.sqrt(within / (nIn + nOut - 2) + EPSILON * EPSILON);
    return {
      layer: layers[Math.floor(u / H)],
      unit: u % H,
      score: Math.abs(d),
      sign: d > 0 ? 'high' : 'low',
      inside: mIn,
      outside: mOut,
    };
  });
  return units.sort((a, b) => b.score - a.score || a.layer - b.layer || a.unit - b.unit).slice(0, selection.top);
}
