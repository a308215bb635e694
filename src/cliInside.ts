// seqlab surprise and seqlab neurons: a character-level language model read over a whole file
// (engine/inside/; contract in docs/cli.md).

import { loadCheckpoint } from './engine/checkpoint';
import { defaultBackend } from './engine/defaultBackend';
import { SeqLabError } from './engine/errors';
import { checkReadable } from './engine/inside/reader';
import { parseSignal } from './engine/inside/signals';
import { surprise } from './engine/inside/surprise';
import { matchUnits, selectiveUnits, Span, unitValues } from './engine/inside/units';
import { readTextFile } from './engine/text';
import { Given, UsageError } from './cliArgs';

/** The model and the file's characters and token ids (a character-level language model only). */
function read(ckpt: string, file: string, given: Given) {
  const k = defaultBackend({ threads: given.number('threads') });
  const { model } = loadCheckpoint(ckpt, k);
  checkReadable(model);
  const text = readTextFile(file);
  return { k, model, chars: Array.from(text), ids: model.tokenizer.encode(text) };
}

export function runSurprise(ckpt: string, file: string, given: Given): void {
  const { k, model, chars, ids } = read(ckpt, file, given);
  if (ids.length < 2) throw new SeqLabError(`${file} has ${ids.length} character; surprise needs at least 2`);
  const r = surprise(model, k, ids);
  const values = Array.from(r.surprise, (s) => (Number.isNaN(s) ? null : s));
  if (given.on('json')) {
    process.stdout.write(JSON.stringify({ chars, surprise: values, mean: r.mean }) + '\n');
    return;
  }
  const lines = chars.map((c, i) => `${i}\t${JSON.stringify(c)}\t${values[i] === null ? '-' : values[i]!.toFixed(4)}`);
  lines.push(`mean ${r.mean.toFixed(6)} nats over ${r.predicted} predicted characters`);
  process.stdout.write(lines.join('\n') + '\n');
}

/** "START:END,START:END" → spans (checked against the text by the engine). */
export function parseSpans(typed: string): Span[] {
  return typed.split(',').map((part) => {
    const m = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(part);
    if (!m) throw new UsageError(`--match expects START:END[,START:END…] (0-based character indices), got "${part}"`);
    return { start: Number(m[1]), end: Number(m[2]) };
  });
}

export function runNeurons(ckpt: string, file: string, given: Given): void {
  const { k, model, chars, ids } = read(ckpt, file, given);
  const json = given.on('json'),
    signal = parseSignal(model, given.text('signal') ?? 'h'),
    layer = given.has('neuronLayer') ? given.number('neuronLayer') : undefined;
  const match = given.text('match');
  if (given.has('neuronUnit')) {
    if (match !== undefined || given.has('neuronTop'))
      throw new UsageError('--unit prints one unit; --top and --match rank units: give one or the other');
    const probe = { layer: layer ?? 0, unit: given.number('neuronUnit'), signal };
    const values = Array.from(unitValues(model, k, ids, [probe]).values[0]);
    if (json) process.stdout.write(JSON.stringify({ ...probe, values }) + '\n');
    else
      process.stdout.write(
        chars.map((c, i) => `${i}\t${JSON.stringify(c)}\t${values[i].toFixed(4)}`).join('\n') + '\n',
      );
    return;
  }
  const selection = { signal, layer, top: given.number('neuronTop') };
  if (match !== undefined) {
    const spans = parseSpans(match);
    const units = matchUnits(model, k, ids, spans, selection);
    if (json) {
      const report = { signal, score: 'd', spans: spans.map((s) => [s.start, s.end]), units };
      process.stdout.write(JSON.stringify(report) + '\n');
    } else {
      const head = `units of ${signal} that separate the spans, by |d| = |μ_in − μ_out| / pooled std:`;
      const rows = units.map(
        (u) =>
          `  layer ${u.layer} unit ${String(u.unit).padStart(4)}  |d| ${u.score.toFixed(3)}  ${u.sign.padEnd(4)} inside  μ_in ${u.inside.toFixed(3)}  μ_out ${u.outside.toFixed(3)}`,
      );
      process.stdout.write([head, ...rows].join('\n') + '\n');
    }
    return;
  }
  const units = selectiveUnits(model, k, ids, selection);
  if (json) {
    process.stdout.write(JSON.stringify({ signal, score: 'std', units }) + '\n');
    return;
  }
  const head = `most selective units of ${signal} on ${chars.length} characters, by the std of their activity:`;
  const rows = units.map(
    (u) =>
      `  layer ${u.layer} unit ${String(u.unit).padStart(4)}  std ${u.score.toFixed(3)}  mean ${u.mean.toFixed(3)}  saturated ${(u.saturated * 100).toFixed(1)}%`,
  );
  process.stdout.write([head, ...rows].join('\n') + '\n');
}
