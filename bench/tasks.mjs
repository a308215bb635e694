// npm run tasks: what each architecture reaches on the generated sets (seqlab make-data), for every
// cell, one direction against two: the table the README quotes. Validation metrics after a fixed
// step budget, seeds fixed (repeatable on one machine; relaxed-SIMD rounding may differ across CPUs).
//
//   node bench/tasks.mjs [--steps N] [--hidden H]

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { steps: { type: 'string', default: '300' }, hidden: { type: 'string', default: '32' } },
});
const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'seqlab-tasks-'));
const seqlab = (...args) =>
  JSON.parse(
    execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split('\n')
      .at(-1),
  );
const pct = (x) => `${(100 * x).toFixed(1)} %`;

const tags = join(dir, 'names.conll'),
  cues = join(dir, 'cue.tsv');
execFileSync(process.execPath, [cli, 'make-data', 'tag', '--seed', '1', '--out', tags]);
execFileSync(process.execPath, [cli, 'make-data', 'classify', '--seed', '2', '--out', cues]);
const budget = ['--steps', values.steps, '--hidden', values.hidden, '--seed', '1', '--out', join(dir, 'm.safetensors')];

const rows = [];
for (const cell of ['rnn', 'gru', 'lstm']) {
  for (const bidirectional of [false, true]) {
    const direction = bidirectional ? '--bidirectional' : '--no-bidirectional';
    const tag = seqlab('train', tags, '--cell', cell, direction, ...budget).val;
    const cls = seqlab('train', cues, '--cell', cell, direction, ...budget).val;
    rows.push(
      `| ${cell.toUpperCase()}-${values.hidden} | ${bidirectional ? 'bidirectional' : 'one direction'} | ${pct(tag.accuracy)} | ${tag.entity_f1.toFixed(3)} | ${pct(cls.accuracy)} | ${cls.macro_f1.toFixed(3)} |`,
    );
  }
}
console.log(
  `Validation metrics after ${values.steps} steps (hidden ${values.hidden}, seed 1), sets from seqlab make-data (tag --seed 1, classify --seed 2):\n`,
);
console.log(
  '| model | direction | tagging: token accuracy | tagging: entity F1 | classification: accuracy | classification: macro-F1 |',
);
console.log('|---|---|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
