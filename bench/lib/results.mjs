// The results of `npm run bench` as text: the console table of a run, and the two sections of the
// docs that are written from bench/results/latest.json (never by hand): the full tables in
// bench/README.md and the headline ratios in README.md. `node bench/run.mjs --render` rewrites both
// from the committed file alone; test/unit/bench-results.test.ts checks that they match it.
import fs from 'node:fs';
import path from 'node:path';
import { describeMachine } from './machine.mjs';

export const RESULTS_FILE = path.join('bench', 'results', 'latest.json');

/** Marked sections: file (relative to the repo root) → marker name → renderer of a results object. */
export const SECTIONS = [
  { file: path.join('bench', 'README.md'), name: 'bench:results', render: (r) => markdownTables(r) },
  { file: 'README.md', name: 'bench:headline', render: (r) => headline(r) },
];

export const fmtNum = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');
const day = (iso) => iso.slice(0, 10);
const fmtRatio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : 'n/a');
const fmtLoss = (x) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
// Results from before the input dimension have no `input`: they were one-hot.
const inputOf = (r) => r.input ?? 'onehot';
const sameConfig = (a, b) => a.cell === b.cell && a.hidden === b.hidden && inputOf(a) === inputOf(b);
/** "LSTM-256 one-hot", "LSTM-512 embedding". */
export const configLabel = (r) =>
  `${r.cell.toUpperCase()}-${r.hidden} ${inputOf(r) === 'onehot' ? 'one-hot' : 'embedding'}`;
/** The configurations of a results table, in its order: their first rows. */
const configsOf = (table) => table.filter((r, i) => table.findIndex((x) => sameConfig(x, r)) === i);
const isTorch = (r) => r.peer.startsWith('torch');
const measured = (r) => r && !r.status && Number.isFinite(r.charsPerSec);

/**
 * Per configuration, issue 13's comparisons: SeqLab (default threads) over PyTorch's best 2-core
 * setting (the faster of the torch peers' medians), SeqLab 1 thread over PyTorch 1 thread, and the
 * validation losses (SeqLab's against the lowest of the torch peers').
 */
export function comparisons(results) {
  return configsOf(results.table).map((c) => {
    const group = results.table.filter((r) => sameConfig(r, c));
    const find = (id) => group.find((r) => r.peer === id && measured(r));
    const seqlab = find('seqlab'),
      seqlab1t = find('seqlab-1t'),
      torch1t = find('torch-1t');
    const torch = group.filter((r) => isTorch(r) && measured(r));
    const best = torch.reduce((a, r) => (!a || r.charsPerSec > a.charsPerSec ? r : a), null);
    const torchVal = torch.map((r) => r.valLoss).filter(Number.isFinite);
    return {
      cell: c.cell,
      hidden: c.hidden,
      input: inputOf(c),
      torchBest: best?.peer ?? null,
      seqlabOverTorchBest: seqlab && best ? seqlab.charsPerSec / best.charsPerSec : null,
      seqlab1tOverTorch1t: seqlab1t && torch1t ? seqlab1t.charsPerSec / torch1t.charsPerSec : null,
      valLossSeqlab: seqlab?.valLoss ?? null,
      valLossTorchBest: torchVal.length ? Math.min(...torchVal) : null,
    };
  });
}

/** One table row per peer and configuration: the cells both the console and the markdown show, and their notes. */
export function tableRows(results) {
  const notes = new Set();
  const header = ['peer', 'cell', 'hidden', 'input', 'chars/s', 'val loss', 'peak RSS MB', 'SeqLab/peer', 'runs'];
  const embedSize = results.meta.workload?.embedSize ?? 64;
  const rows = results.table.map((r) => {
    const input = inputOf(r) === 'onehot' ? 'one-hot' : `embedding ${embedSize}`;
    if (r.status) return [r.label, r.cell, String(r.hidden), input, r.status, '', '', '', '0'];
    let cps = fmtNum(r.charsPerSec);
    if (r.warmupIncluded) {
      cps = `~${cps}`;
      notes.add('~ fewer steps than the warm-up: chars/s includes warm-up');
    }
    let vl = r.valLoss == null ? 'n/a' : !(r.valLoss < 50) ? 'diverged' : r.valLoss.toFixed(3);
    if (vl === 'diverged') {
      notes.add('diverged: val loss not finite or above 50 nats/char (the raw value is in the JSON)');
    }
    if (r.valTruncated) {
      vl += '†';
      const cap = results.meta.options.evalMaxSeconds;
      notes.add(`† validation stopped at the ${cap} s evaluation cap (fewer chars than the slice)`);
    }
    if (r.ownRecipe) {
      vl += '‡';
      notes.add(
        '‡ brain.js: its own recipe (batch 1, 64-char windows from a zero state, RMSProp) — not the reference workload',
      );
    }
    if (r.valOwnRule) {
      vl += '§';
      notes.add("§ SeqLab `eval` on the slice failed; value is the final log line (SeqLab's own validation rule)");
    }
    const ratio = r.peer === 'seqlab' ? '1.00×' : r.ratio == null ? 'n/a' : `${r.ratio.toFixed(2)}×`;
    return [r.label, r.cell, String(r.hidden), input, cps, vl, fmtNum(r.peakRssMB), ratio, String(r.n)];
  });
  return { header, rows, notes: [...notes] };
}

/**
 * What the training snapshots cost SeqLab, per configuration measured (none for results without
 * them): the share of the training time they took, and the chars/s with them over without.
 */
export function snapshotCost(results) {
  return results.table
    .filter((r) => r.peer === 'seqlab' && Number.isFinite(r.snapshotShare))
    .map((r) => {
      const off = results.table.find((x) => x.peer === 'seqlab-nosnap' && sameConfig(x, r));
      const ratio = off && Number.isFinite(off.ratio) ? `; chars/s with/without them ${off.ratio.toFixed(3)}×` : '';
      return (
        `${configLabel(r)}: a training snapshot takes ${r.snapshotMs.toFixed(1)} ms, ` +
        `${(100 * r.snapshotShare).toFixed(2)} % of the training time${ratio}`
      );
    });
}

/**
 * What validation inside the training loop cost each SeqLab row that reports it (none for results
 * from a CLI without `validationSeconds` in its log): the share of the training wall time, and the
 * chars/s without it.
 */
export function validationCost(results) {
  return results.table
    .filter((r) => r.peer.startsWith('seqlab') && Number.isFinite(r.validationShare))
    .map(
      (r) =>
        `${r.label}, ${configLabel(r)}: ${(100 * r.validationShare).toFixed(1)} % of the training wall time; ` +
        `${fmtNum(r.charsPerSecExcludingValidation)} chars/s without it`,
    );
}

/** The comparisons as table rows: header and cells. */
function comparisonRows(results) {
  const label = (id) => results.table.find((r) => r.peer === id)?.label ?? id;
  return {
    header: ['configuration', "SeqLab / PyTorch's best", 'SeqLab 1t / PyTorch 1t', 'val SeqLab', 'val PyTorch (best)'],
    rows: comparisons(results).map((c) => [
      configLabel(c),
      `${fmtRatio(c.seqlabOverTorchBest)}${c.torchBest ? ` (${label(c.torchBest)})` : ''}`,
      fmtRatio(c.seqlab1tOverTorch1t),
      fmtLoss(c.valLossSeqlab),
      fmtLoss(c.valLossTorchBest),
    ]),
  };
}

/** How the validation loss was scored, in words. */
function valRule(results) {
  const o = results.meta.options;
  const streams =
    results.meta.workload?.valStreams === 1
      ? 'one stream, state carried from zero, as `seqlab eval`'
      : '32 streams, state carried';
  return `val loss = nats/char on the first ${o.valMax.toLocaleString('en-US')} chars of the last 10 % (${streams})`;
}

/** Runs that started while other processes held the CPUs (1-min load average above the core count). */
function busyWarning(results) {
  const busy = results.runs.filter((r) => r.loadAvg1mAtStart > results.meta.cpus);
  if (!busy.length) return null;
  const max = Math.max(...busy.map((r) => r.loadAvg1mAtStart)).toFixed(1);
  return (
    `WARNING: ${busy.length} run(s) started with a 1-min load average above ${results.meta.cpus} (max ${max}): ` +
    'other processes were competing for the CPUs; the numbers are unreliable.'
  );
}

/** What a run measured on, in one sentence. */
function machine(results) {
  const m = results.meta;
  const blas = m.torch?.blasConfig ? ` (${m.torch.blasConfig})` : '';
  const torch = m.torch?.ok ? `, PyTorch ${m.torch.version} on ${m.blas}${blas}` : '';
  const cpu = m.machine
    ? `${describeMachine(m.machine)}; ${m.memGB} GB`
    : `${m.cpuModel} (${m.cpus} cores, ${m.memGB} GB)`;
  return `${cpu}, ${m.platform}, Node ${m.node}${torch}`;
}

function command(results) {
  const argv = results.meta.argv;
  return `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
}

export function consoleTable(results) {
  const { header, rows, notes } = tableRows(results);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 2 || i >= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  const o = results.meta.options;
  const cmp = comparisonRows(results);
  const cmpWidths = cmp.header.map((h, i) => Math.max(h.length, ...cmp.rows.map((row) => row[i].length)));
  const cmpLine = (cells) =>
    cells.map((c, i) => (i >= 1 ? c.padStart(cmpWidths[i]) : c.padEnd(cmpWidths[i]))).join('  ');
  const out = [
    `Machine: ${machine(results)}`,
    `Reference workload: char level, 1 layer, B=32, T=64, Adam 2e-3, clip 5, ${o.seconds} s per run;`,
    `${valRule(results)}; chars/s after warm-up.`,
    `${o.repeat > 1 ? `medians of ${o.repeat} alternating rounds; ` : ''}` +
      'runs vary by about ±15 % — compare ratios within one run.',
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    ...notes,
    '',
    cmpLine(cmp.header),
    cmpWidths.map((w) => '-'.repeat(w)).join('  '),
    ...cmp.rows.map(cmpLine),
    '',
    ...validationCost(results).map((l) => `validation inside training, ${l}`),
    ...snapshotCost(results).map((l) => `training snapshots, ${l}`),
  ];
  const busy = busyWarning(results);
  if (busy) out.push(busy);
  for (const r of results.table.filter((x) => x.status && x.why)) {
    out.push(`${r.label} ${configLabel(r)}: ${r.status}: ${r.why}`);
  }
  return out.join('\n');
}

/** bench/README.md's section: the run's command, machine, date and commit, every row, the extras. */
export function markdownTables(results) {
  const { header, rows, notes } = tableRows(results);
  const o = results.meta.options;
  const out = [
    `\`${command(results)}\` on ${day(results.meta.date)}, commit ${results.meta.git}: ${machine(results)}. ` +
      `${o.seconds} s per run${o.repeat > 1 ? `, medians of ${o.repeat} alternating rounds` : ''}; ` +
      `${valRule(results)}.`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 2 || i >= 4 ? '---:' : '---')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
  if (notes.length) out.push('', ...notes.map((n) => `- ${n}`));
  const cmp = comparisonRows(results);
  out.push(
    '',
    "Per configuration: SeqLab (default threads) over PyTorch's best 2-core setting (the faster torch peer), " +
      "SeqLab 1 thread over PyTorch 1 thread, and the validation losses (PyTorch's: the lower of its peers'):",
    '',
    `| ${cmp.header.join(' | ')} |`,
    `|${cmp.header.map((_, i) => (i >= 1 ? '---:' : '---')).join('|')}|`,
    ...cmp.rows.map((row) => `| ${row.join(' | ')} |`),
  );
  const validation = validationCost(results);
  if (validation.length) out.push('', 'Validation inside training (SeqLab):', '', ...validation.map((l) => `- ${l}`));
  const snapshots = snapshotCost(results);
  if (snapshots.length)
    out.push('', 'Training snapshots (one per validation pass):', '', ...snapshots.map((l) => `- ${l}`));
  const busy = busyWarning(results);
  if (busy) out.push('', `**${busy}**`);
  const failed = results.table.filter((x) => x.status && x.why);
  if (failed.length) out.push('', ...failed.map((r) => `- ${r.label} ${configLabel(r)}: ${r.status}: ${r.why}`));
  if (results.extras.length) {
    out.push('', 'Editor measurements (`bench/extras`, LSTM-256):', '', '| measurement | value |', '|---|---:|');
    for (const x of results.extras) {
      if (x.status) out.push(`| ${x.label} | ${x.status} |`);
      else for (const m of x.metrics) out.push(`| ${x.label}: ${m.metric} | ${m.value} ${m.unit ?? ''} |`);
    }
  }
  return out.join('\n');
}

/** README.md's section: per configuration, SeqLab's speed, its ratios to PyTorch's best and 1-thread settings and to every other engine, and the validation losses. */
export function headline(results) {
  const cmp = comparisons(results);
  const lines = configsOf(results.table).map((c, i) => {
    const group = results.table.filter((r) => sameConfig(r, c));
    const seqlab = group.find((r) => r.peer === 'seqlab' && measured(r));
    if (!seqlab) return `- ${configLabel(c)}: SeqLab not measured`;
    const { seqlabOverTorchBest, torchBest, seqlab1tOverTorch1t, valLossSeqlab, valLossTorchBest } = cmp[i];
    const parts = [`${fmtNum(seqlab.charsPerSec)} chars/s`];
    const label = (id) => group.find((r) => r.peer === id).label;
    if (torchBest) parts.push(`${fmtRatio(seqlabOverTorchBest)} PyTorch's best 2-core setting (${label(torchBest)})`);
    // Against the other engines only: SeqLab's own variants (1 thread, a baseline build) are in bench/README.md.
    for (const r of group.filter((x) => !x.peer.startsWith('seqlab') && x.peer !== torchBest && measured(x)))
      parts.push(`${fmtRatio(seqlab.charsPerSec / r.charsPerSec)} ${r.label}`);
    const oneThread = Number.isFinite(seqlab1tOverTorch1t)
      ? `; 1 thread: ${fmtRatio(seqlab1tOverTorch1t)} PyTorch 1 thread`
      : '';
    const val = Number.isFinite(valLossTorchBest)
      ? `; val loss ${fmtLoss(valLossSeqlab)} (PyTorch ${fmtLoss(valLossTorchBest)})`
      : '';
    return `- ${configLabel(c)}: ${parts.join(', ')}${oneThread}${val}`;
  });
  const out = [
    `SeqLab's speed over each peer's (chars/s ratio, same run; \`${command(results)}\`, ` +
      `${results.meta.options.seconds} s per run${results.meta.options.repeat > 1 ? `, medians of ${results.meta.options.repeat} alternating rounds` : ''}) on ${day(results.meta.date)}, commit ${results.meta.git}, ` +
      `${machine(results)}:`,
    '',
    ...lines,
  ];
  const busy = busyWarning(results);
  if (busy) out.push('', `**${busy}**`);
  return out.join('\n');
}

const markers = (name) => [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];

/** The text between a file's markers for `name` (without the newlines next to them). */
export function readSection(text, name) {
  const [start, end] = markers(name);
  const a = text.indexOf(start),
    b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`no ${start} … ${end} section`);
  return text
    .slice(a + start.length, b)
    .replace(/^\n/, '')
    .replace(/\n$/, '');
}

export function replaceSection(text, name, body) {
  const [start, end] = markers(name);
  readSection(text, name); // throws without the markers
  return text.slice(0, text.indexOf(start) + start.length) + `\n${body}\n` + text.slice(text.indexOf(end));
}

/** Writes every marked section from `results`. */
export function renderSections(repoRoot, results) {
  for (const s of SECTIONS) {
    const file = path.join(repoRoot, s.file);
    fs.writeFileSync(file, replaceSection(fs.readFileSync(file, 'utf8'), s.name, s.render(results)));
  }
}
