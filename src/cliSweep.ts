// seqlab sweep FILE --set KEY=V1,V2,… [--set …] [--random N] --steps S --out DIR: a language model
// trained once per point of the sweep (engine/sweep.ts), as `seqlab train` trains one (contract in docs/cli.md).

import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Checkpoint, saveCheckpoint } from './engine/checkpoint';
import { defaultTrainConfig, inputFor, MODEL_KEYS, ModelConfig, TRAIN_KEYS, TrainConfig } from './engine/config';
import { defaultBackend } from './engine/defaultBackend';
import { SeqLabError } from './engine/errors';
import {
  bestRun,
  parseSweepSettings,
  SweepAxis,
  sweepCsv,
  sweepPoints,
  SweepPoint,
  SweepResult,
  sweptConfig,
  SweepUsageError,
} from './engine/sweep';
import { taskOfText } from './engine/tasks/fileTask';
import { readTextFile } from './engine/text';
import { DivergedError, Trainer } from './engine/train';
import { Backend, backendLabel } from './engine/backend';
import { Given, UsageError } from './cliArgs';

/** The engine's reading of the sweep; what it cannot read is a usage error (exit 2). */
function plan(given: Given): { axes: SweepAxis[]; points: SweepPoint[] } {
  try {
    const axes = parseSweepSettings(given.texts('sweepSet'));
    const fixed = axes.find((a) => given.has(a.key));
    if (fixed) throw new SweepUsageError(`--${fixed.flag} is swept by --set ${fixed.flag}=…: give one or the other`);
    const random = given.has('sweepRandom') ? given.number('sweepRandom') : undefined;
    return { axes, points: sweepPoints(axes, random, given.number('seed')) };
  } catch (e) {
    throw e instanceof SweepUsageError ? new UsageError(e.message) : e;
  }
}

const formatPoint = (p: SweepPoint) =>
  Object.entries(p)
    .map(([flag, v]) => `${flag}=${v}`)
    .join(' ');

/** Trains one point as `seqlab train` would with these flags; a divergence ends the run, not the sweep. */
async function trainPoint(
  text: string,
  given: Given,
  axes: SweepAxis[],
  point: SweepPoint,
  run: number,
  out: string,
  k: Backend,
): Promise<SweepResult> {
  const swept = sweptConfig(axes, point);
  // A time budget alone means no step budget (as train).
  const steps = given.has('seconds') && !given.has('steps') ? { steps: 0 } : {};
  const model: Partial<ModelConfig> = {
    ...given.pick<ModelConfig>(MODEL_KEYS),
    input: inputFor(given.number('embedSize')),
    ...swept.model,
  };
  const train: TrainConfig = {
    ...defaultTrainConfig,
    ...given.pick<TrainConfig>(TRAIN_KEYS),
    ...steps,
    ...swept.train,
  };
  let trainer: Trainer;
  try {
    trainer = Trainer.create(text, model, train, k);
  } catch (e) {
    throw e instanceof SeqLabError ? new SeqLabError(`run ${run} (${formatPoint(point)}): ${e.message}`) : e;
  }
  const checkpoint = join(out, `run-${String(run).padStart(3, '0')}.safetensors`);
  let best: number | null = null,
    rate = 0,
    saved = false;
  const start = performance.now();
  const record = (status: SweepResult['status'], finalValLoss: number | null, charsPerSec: number): SweepResult => ({
    run,
    settings: point,
    config: { model: trainer.model.config, train: trainer.train },
    status,
    bestValLoss: best,
    finalValLoss,
    steps: trainer.step,
    seconds: Math.round(performance.now() - start) / 1000,
    charsPerSec,
    checkpoint: saved ? checkpoint : null,
  });
  try {
    const result = await trainer.run({
      checkpointEvery: trainer.train.evalEvery,
      onCheckpoint: (ck: Checkpoint) => {
        saveCheckpoint(checkpoint, ck);
        saved = true;
      },
      onProgress: (p) => {
        rate = p.charsPerSec;
        if (p.valLoss !== null && (best === null || p.valLoss < best)) best = p.valLoss;
      },
    });
    return record('finished', result.valLoss, Math.round(result.charsPerSec));
  } catch (e) {
    if (!(e instanceof DivergedError)) throw e;
    return record('diverged', null, Math.round(rate));
  }
}

const loss = (x: number | null) => (x === null ? '—' : x.toFixed(4));

/** One row per run, the swept settings then the results; `*` marks the lowest best validation loss. */
export function sweepTable(results: readonly SweepResult[], flags: readonly string[]): string {
  const best = bestRun(results);
  const head = ['', 'run', ...flags, 'best val', 'final val', 'steps', 'seconds', 'chars/s', 'status'];
  const rows = results.map((r, i) => [
    i === best ? '*' : '',
    String(r.run),
    ...flags.map((f) => String(r.settings[f])),
    loss(r.bestValLoss),
    loss(r.finalValLoss),
    String(r.steps),
    r.seconds.toFixed(2),
    r.charsPerSec.toLocaleString('en-US'),
    r.status,
  ]);
  const widths = head.map((_, c) => Math.max(...[head, ...rows].map((row) => row[c].length)));
  const line = (row: string[]) =>
    row
      .map((cell, c) => (c <= 1 + flags.length ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

export async function runSweep(file: string, given: Given): Promise<void> {
  const { axes, points } = plan(given);
  const task = taskOfText(file, () => readTextFile(file));
  if (task !== 'lm') {
    throw new SeqLabError(
      `seqlab sweep trains language models, and ${file} holds a ${task} task: sweep it with one seqlab train per setting`,
    );
  }
  const text = readTextFile(file, given.number('maxFileSizeMB') * 1048576);
  const out = given.text('sweepOut')!;
  mkdirSync(out, { recursive: true });
  const jsonl = join(out, 'results.jsonl'),
    csv = join(out, 'results.csv');
  writeFileSync(jsonl, '');
  const k = defaultBackend({ threads: given.number('threads') });
  const flags = axes.map((a) => a.flag);
  process.stderr.write(
    `seqlab sweep: ${points.length} run${points.length === 1 ? '' : 's'} of ${flags.join(', ')}, backend ${backendLabel(k)}\n`,
  );
  const results: SweepResult[] = [];
  for (const [i, point] of points.entries()) {
    const r = await trainPoint(text, given, axes, point, i + 1, out, k);
    results.push(r);
    // Each run is on disk as soon as it ends: an interrupted sweep keeps the finished runs.
    appendFileSync(jsonl, JSON.stringify(r) + '\n');
    writeFileSync(csv, sweepCsv(results, flags));
    process.stderr.write(
      `[${r.run}/${points.length}] ${formatPoint(point)}: ${r.status === 'finished' ? `best val ${loss(r.bestValLoss)}` : `diverged at step ${r.steps}`} (${r.seconds.toFixed(1)} s)\n`,
    );
  }
  process.stdout.write(given.on('json') ? JSON.stringify(results) + '\n' : sweepTable(results, flags));
}
