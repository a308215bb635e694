// Sweeps of settings: `KEY=V1,V2,…` (a list) or `KEY=LO:HI` (a range) read against the option schema,
// expanded into a grid (every combination) or into seeded random draws, and the record of each run.
// The keys are the train verb's flag names; the budget (--steps, --seconds) is every run's, never swept.

import { inputFor, MODEL_KEYS, ModelConfig, TRAIN_KEYS, TrainConfig } from './config';
import { SeqLabError } from './errors';
import { checkOption, OptionSpec, verbOptions } from './options';
import { Rng } from './rng';

/** A sweep that cannot be expressed as typed (the CLI's usage error); a value out of its option's range is a plain SeqLabError. */
export class SweepUsageError extends SeqLabError {}

/** The most runs one sweep trains (a grid's size, or --random N). */
export const MAX_SWEEP_RUNS = 1000;

type ConfigKey = (typeof MODEL_KEYS)[number] | (typeof TRAIN_KEYS)[number];
export type SweepKey = Exclude<ConfigKey, 'steps' | 'seconds'>;
export type SweepValue = number | string | boolean;

/** One swept setting: a list of values (a grid's axis, or choices to draw from), or a range to draw from. */
export type SweepAxis = { key: SweepKey; flag: string } & (
  { values: SweepValue[] } | { range: [lo: number, hi: number]; log: boolean }
);

/** One run's swept values, by flag name, in the order of the axes. */
export type SweepPoint = Record<string, SweepValue>;

const CONFIG_KEYS: readonly string[] = [...MODEL_KEYS, ...TRAIN_KEYS];
const BUDGET: readonly string[] = ['steps', 'seconds'];

/** The settings a sweep can vary, [key, option] by flag: the sweep verb's model and training options but the budget. */
function sweepable(): Map<string, [SweepKey, OptionSpec]> {
  return new Map(
    verbOptions('sweep')
      .filter(([key]) => CONFIG_KEYS.includes(key) && !BUDGET.includes(key))
      .map(([key, o]) => [o.flag!, [key as SweepKey, o]]),
  );
}

/** The flag names a sweep can vary, in the schema's order. */
export function sweepableFlags(): string[] {
  return [...sweepable().keys()];
}

function parseValue(o: OptionSpec, typed: string, name: string): SweepValue {
  switch (o.kind) {
    case 'integer':
    case 'number': {
      const x = Number(typed);
      if (!Number.isFinite(x)) throw new SweepUsageError(`${name} expects numbers, got "${typed}"`);
      return checkOption(o, x, name);
    }
    case 'switch':
      return checkOption(o, typed === 'true' ? true : typed === 'false' ? false : typed, name);
    default:
      return checkOption(o, typed, name);
  }
}

/**
 * "hidden=64,128" → a list, "lr=1e-4:1e-2" → a range (numbers only), each value checked against the
 * option (a SeqLabError naming `--set FLAG` and the allowed values); a SweepUsageError for what cannot be read.
 */
export function parseSweepSetting(typed: string): SweepAxis {
  const eq = typed.indexOf('=');
  if (eq <= 0) throw new SweepUsageError(`--set expects KEY=V1,V2,… or KEY=LO:HI, got "${typed}"`);
  const flag = typed.slice(0, eq).trim(),
    list = typed.slice(eq + 1).trim();
  const found = sweepable().get(flag);
  if (BUDGET.includes(flag))
    throw new SweepUsageError(`--set: the budget is every run's: give --${flag} N, not --set ${flag}=…`);
  if (!found) {
    throw new SweepUsageError(`--set: a sweep cannot vary "${flag}"; it varies ${sweepableFlags().join(', ')}`);
  }
  const [key, o] = found,
    name = `--set ${flag}`;
  if (list === '') throw new SweepUsageError(`${name} lists no values: give ${flag}=V1,V2,… or ${flag}=LO:HI`);
  if (list.includes(':')) {
    if (o.kind !== 'integer' && o.kind !== 'number')
      throw new SweepUsageError(`${name}: a range LO:HI is for numbers; list the values instead (${flag}=V1,V2,…)`);
    const ends = list.split(':');
    if (ends.length !== 2) throw new SweepUsageError(`${name}: a range is LO:HI, got "${list}"`);
    const [lo, hi] = ends.map((e) => parseValue(o, e.trim(), name) as number);
    if (!(lo < hi)) throw new SweepUsageError(`${name}: a range LO:HI needs LO < HI, got "${list}"`);
    return { key, flag, range: [lo, hi], log: lo > 0 && hi >= 10 * lo };
  }
  const items = list.split(',').map((s) => s.trim());
  if (items.includes('')) throw new SweepUsageError(`${name}: an empty value in "${list}"`);
  const values = items.map((v) => parseValue(o, v, name));
  const twice = values.find((v, i) => values.indexOf(v) !== i);
  if (twice !== undefined) throw new SweepUsageError(`${name} lists ${twice} twice`);
  return { key, flag, values };
}

/** Each flag once: a setting swept twice is a SweepUsageError. */
export function parseSweepSettings(typed: readonly string[]): SweepAxis[] {
  const axes = typed.map(parseSweepSetting);
  const twice = axes.find((a, i) => axes.findIndex((b) => b.key === a.key) !== i);
  if (twice) throw new SweepUsageError(`--set ${twice.flag} is given twice: one --set per setting`);
  return axes;
}

/** How many runs the grid of these axes holds (ranges have no grid: NaN). */
export function gridSize(axes: readonly SweepAxis[]): number {
  return axes.reduce((n, a) => n * ('values' in a ? a.values.length : NaN), 1);
}

/** Every combination of the lists, the first axis varying slowest (nested loops in the order given). */
export function sweepGrid(axes: readonly SweepAxis[]): SweepPoint[] {
  const ranged = axes.find((a) => 'range' in a);
  if (ranged) {
    throw new SweepUsageError(
      `--set ${ranged.flag} is a range: give --random N to draw from it, or list values (${ranged.flag}=V1,V2,…)`,
    );
  }
  const n = gridSize(axes);
  if (n > MAX_SWEEP_RUNS) {
    const sizes = axes.map((a) => ('values' in a ? a.values.length : 0)).join(' × ');
    throw new SweepUsageError(
      `the grid has ${n} runs (${sizes}), more than ${MAX_SWEEP_RUNS}: list fewer values, or draw --random N`,
    );
  }
  return axes.reduce<SweepPoint[]>(
    (points, a) => points.flatMap((p) => ('values' in a ? a.values : []).map((v) => ({ ...p, [a.flag]: v }))),
    [{}],
  );
}

/**
 * `count` draws, the same for the same seed: a value picked from each list, a number drawn from each
 * range — log-uniformly when 0 < LO and HI ≥ 10·LO (a range over decades, like a learning rate's),
 * uniformly otherwise; whole numbers for an integer option, 3 significant digits for others.
 */
export function sweepRandom(axes: readonly SweepAxis[], count: number, seed: number): SweepPoint[] {
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_SWEEP_RUNS))
    throw new SweepUsageError(`--random must be a whole number from 1 to ${MAX_SWEEP_RUNS} (got ${count})`);
  const n = gridSize(axes);
  if (n <= count) {
    throw new SweepUsageError(
      `--random ${count} draws from lists alone, whose grid has only ${n} runs: leave out --random to train each once`,
    );
  }
  const integer = new Map([...sweepable().values()].map(([key, o]) => [key, o.kind === 'integer']));
  const rng = new Rng(seed);
  return Array.from({ length: count }, () =>
    Object.fromEntries(
      axes.map((a) => [
        a.flag,
        'values' in a ? a.values[rng.nextU32() % a.values.length] : drawRange(a, integer.get(a.key)!, rng.next()),
      ]),
    ),
  );
}

/** A value of a range at u ∈ [0, 1): lo·(hi/lo)^u on a log scale, lo + (hi − lo)·u otherwise. */
function drawRange(a: { range: [number, number]; log: boolean }, integer: boolean, u: number): number {
  const [lo, hi] = a.range;
  if (integer && !a.log) return lo + Math.floor(u * (hi - lo + 1));
  const x = a.log ? lo * (hi / lo) ** u : lo + (hi - lo) * u;
  return integer ? Math.round(x) : Math.min(hi, Math.max(lo, Number(x.toPrecision(3))));
}

/** The grid, or `random` draws when given. */
export function sweepPoints(axes: readonly SweepAxis[], random: number | undefined, seed: number): SweepPoint[] {
  return random === undefined ? sweepGrid(axes) : sweepRandom(axes, random, seed);
}

/** What a point changes in the model and training configurations (an embedding size sets the input too). */
export function sweptConfig(
  axes: readonly SweepAxis[],
  point: SweepPoint,
): { model: Partial<ModelConfig>; train: Partial<TrainConfig> } {
  const model: Record<string, SweepValue> = {},
    train: Record<string, SweepValue> = {};
  for (const a of axes) ((MODEL_KEYS as readonly string[]).includes(a.key) ? model : train)[a.key] = point[a.flag];
  if (typeof model.embedSize === 'number') model.input = inputFor(model.embedSize);
  return { model: model as Partial<ModelConfig>, train: train as Partial<TrainConfig> };
}

/** One run of a sweep, as results.jsonl holds it (docs/cli.md). */
export interface SweepResult {
  run: number; // 1, 2, … in the order trained
  settings: SweepPoint; // the swept values, by flag name
  config: { model: ModelConfig; train: TrainConfig }; // everything it trained with
  status: 'finished' | 'diverged';
  bestValLoss: number | null; // the lowest validation loss of its passes (nats per token)
  finalValLoss: number | null; // the last pass's; null when it diverged
  steps: number;
  seconds: number;
  charsPerSec: number;
  checkpoint: string | null; // the last (good) checkpoint; null when it diverged before the first
}

/** The index of the run with the lowest best validation loss; -1 when none has one. */
export function bestRun(results: readonly SweepResult[]): number {
  let best = -1;
  results.forEach((r, i) => {
    if (r.bestValLoss !== null && (best < 0 || r.bestValLoss < results[best].bestValLoss!)) best = i;
  });
  return best;
}

export const SWEEP_RESULT_COLUMNS = [
  'status',
  'bestValLoss',
  'finalValLoss',
  'steps',
  'seconds',
  'charsPerSec',
  'checkpoint',
] as const;

function csvCell(v: SweepValue | null): string {
  const s = v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** results.csv: a header, then a row per run — the run, one column per swept flag, the results. */
export function sweepCsv(results: readonly SweepResult[], flags: readonly string[]): string {
  const rows = results.map((r) => [
    r.run,
    ...flags.map((f) => r.settings[f]),
    ...SWEEP_RESULT_COLUMNS.map((c) => r[c]),
  ]);
  return (
    [['run', ...flags, ...SWEEP_RESULT_COLUMNS], ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n'
  );
}
