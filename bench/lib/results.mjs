// The results of `npm run bench` as text: the console table of a run, and the two sections of the
// docs that are written from bench/results/latest.json (never by hand): the full tables in
// bench/README.md and the headline ratios in README.md. `node bench/run.mjs --render` rewrites both
// from the committed file alone; test/unit/bench-results.test.ts checks that they match it.
import fs from 'node:fs';
import path from 'node:path';

export const RESULTS_FILE = path.join('bench', 'results', 'latest.json');

/** Marked sections: file (relative to the repo root) → marker name → renderer of a results object. */
export const SECTIONS = [
  { file: path.join('bench', 'README.md'), name: 'bench:results', render: (r) => markdownTables(r) },
  { file: 'README.md', name: 'bench:headline', render: (r) => headline(r) },
];

export const fmtNum = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');
const day = (iso) => iso.slice(0, 10);

/** One table row per peer and configuration: the cells both the console and the markdown show, and their notes. */
export function tableRows(results) {
  const notes = new Set();
  const header = ['peer', 'cell', 'hidden', 'chars/s', 'val loss', 'peak RSS MB', 'SeqLab/peer', 'runs'];
  const rows = results.table.map((r) => {
    if (r.status) return [r.label, r.cell, String(r.hidden), r.status, '', '', '', '0'];
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
    if (r.valNoCarry) {
      vl += '‡';
      notes.add(
        '‡ brain.js: 64-char windows from a zero state (no carry), RMSProp, batch 1 — ' + 'not the reference recipe',
      );
    }
    if (r.valOwnRule) {
      vl += '§';
      notes.add("§ SeqLab `eval` on the slice failed; value is the final log line (SeqLab's own validation rule)");
    }
    const ratio = r.peer === 'seqlab' ? '1.00×' : r.ratio == null ? 'n/a' : `${r.ratio.toFixed(2)}×`;
    return [r.label, r.cell, String(r.hidden), cps, vl, fmtNum(r.peakRssMB), ratio, String(r.n)];
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
      const off = results.table.find((x) => x.peer === 'seqlab-nosnap' && x.cell === r.cell && x.hidden === r.hidden);
      const ratio = off && Number.isFinite(off.ratio) ? `; chars/s with/without them ${off.ratio.toFixed(3)}×` : '';
      return (
        `${r.cell.toUpperCase()}-${r.hidden}: a training snapshot takes ${r.snapshotMs.toFixed(1)} ms, ` +
        `${(100 * r.snapshotShare).toFixed(2)} % of the training time${ratio}`
      );
    });
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
  const torch = m.torch?.ok ? `, PyTorch ${m.torch.version} on ${m.blas}` : '';
  return `${m.cpuModel} (${m.cpus} cores, ${m.memGB} GB), ${m.platform}, Node ${m.node}${torch}`;
}

function command(results) {
  const argv = results.meta.argv;
  return `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
}

export function consoleTable(results) {
  const { header, rows, notes } = tableRows(results);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  const o = results.meta.options;
  const out = [
    `Reference workload: char level, one-hot, 1 layer, B=32, T=64, Adam 2e-3, clip 5, ${o.seconds} s per run;`,
    `val loss = nats/char on the first ${o.valMax} chars of the last 10 % (32 streams, state carried); ` +
      'chars/s after warm-up.',
    `${o.repeat > 1 ? `medians of ${o.repeat} alternating rounds; ` : ''}` +
      'runs vary by about ±15 % — compare ratios within one run. ' +
      `BLAS (torch): ${results.meta.blas}`,
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    ...notes,
    ...snapshotCost(results).map((l) => `training snapshots, ${l}`),
  ];
  const busy = busyWarning(results);
  if (busy) out.push(busy);
  for (const r of results.table.filter((x) => x.status && x.why)) {
    out.push(`${r.label} ${r.cell}-${r.hidden}: ${r.status}: ${r.why}`);
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
      `val loss on the first ${o.valMax.toLocaleString('en-US')} chars of the last 10 %.`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i >= 2 ? '---:' : '---')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
  if (notes.length) out.push('', ...notes.map((n) => `- ${n}`));
  const snapshots = snapshotCost(results);
  if (snapshots.length)
    out.push('', 'Training snapshots (one per validation pass):', '', ...snapshots.map((l) => `- ${l}`));
  const busy = busyWarning(results);
  if (busy) out.push('', `**${busy}**`);
  const failed = results.table.filter((x) => x.status && x.why);
  if (failed.length) out.push('', ...failed.map((r) => `- ${r.label} ${r.cell}-${r.hidden}: ${r.status}: ${r.why}`));
  if (results.extras.length) {
    out.push('', 'Editor measurements (`bench/extras`, LSTM-256):', '', '| measurement | value |', '|---|---:|');
    for (const x of results.extras) {
      if (x.status) out.push(`| ${x.label} | ${x.status} |`);
      else for (const m of x.metrics) out.push(`| ${x.label}: ${m.metric} | ${m.value} ${m.unit ?? ''} |`);
    }
  }
  return out.join('\n');
}

/** README.md's section: SeqLab's speed and its ratio to every peer, per configuration. */
export function headline(results) {
  const configs = [...new Set(results.table.map((r) => `${r.cell}-${r.hidden}`))];
  const lines = configs.map((c) => {
    const group = results.table.filter((r) => `${r.cell}-${r.hidden}` === c);
    const seqlab = group.find((r) => r.peer === 'seqlab');
    const name = `${group[0].cell.toUpperCase()}-${group[0].hidden}`;
    if (!seqlab || seqlab.status) return `- ${name}: SeqLab not measured`;
    // Against the other engines only: SeqLab's own variants (1 thread, a baseline build) are in bench/README.md.
    const ratios = group
      .filter((r) => !r.peer.startsWith('seqlab') && r.ratio != null)
      .map((r) => `${r.ratio.toFixed(2)}× ${r.label}`);
    return `- ${name}: ${fmtNum(seqlab.charsPerSec)} chars/s${ratios.length ? `, ${ratios.join(', ')}` : ''}`;
  });
  const out = [
    `SeqLab's speed over each peer's (chars/s ratio, same run; \`${command(results)}\`, ` +
      `${results.meta.options.seconds} s per run) on ${day(results.meta.date)}, commit ${results.meta.git}, ` +
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
