#!/usr/bin/env node
// `npm run bench` — SeqLab against its peers on the reference workload (docs/design.md, "The
// reference workload"), all in the same run, one child process per peer run (sequential; the
// machine has 2 cores). Every run writes bench/results/latest.json and, from it, the results
// section of bench/README.md and the speed headline of README.md (bench/lib/results.mjs).
//
//   node bench/run.mjs                 # the issue's targets (DEFAULT_CONFIGS), 4 peers, median of 3 rounds
//   node bench/run.mjs --cells lstm --hidden 256 --input onehot --repeat 1 --seconds 10 --no-extras
//   node bench/run.mjs --peers seqlab,torch-1t,tfjs-wasm --seconds 30 --repeat 3
//   node bench/run.mjs --render        # rewrite those sections from bench/results/latest.json, run nothing
//   node bench/run.mjs --list          # peers and options
//
// See bench/README.md for what is measured and how.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { comparisons, consoleTable, fmtNum, renderSections, RESULTS_FILE } from './lib/results.mjs';
import { describeMachine, machineInfo } from './lib/machine.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, '..');
const PY = '/usr/bin/python3';
const TIME = '/usr/bin/time';
const BLAS_LINK = '/etc/alternatives/libblas.so.3-x86_64-linux-gnu';
// The learned embedding's size for the `embedding` input (SeqLab `--embedding 64`, PyTorch nn.Embedding(V, 64)).
const EMBED_SIZE = 64;
// The default configurations: issue 13's targets (LSTM 256 and 512 with one-hot and embedding input,
// GRU and RNN 256 one-hot). --cells / --hidden / --input instead measure their cross product.
const DEFAULT_CONFIGS = [
  { cell: 'lstm', hidden: 256, input: 'onehot' },
  { cell: 'lstm', hidden: 256, input: 'embedding' },
  { cell: 'lstm', hidden: 512, input: 'onehot' },
  { cell: 'lstm', hidden: 512, input: 'embedding' },
  { cell: 'gru', hidden: 256, input: 'onehot' },
  { cell: 'rnn', hidden: 256, input: 'onehot' },
];
const DEFAULT_PEERS = ['seqlab', 'seqlab-1t', 'torch-1t', 'torch-best'];
// Wall seconds a run takes beyond its --seconds (process start, corpus load, the one-stream
// evaluation of 16,384 chars), about, on the 2-core development machine: for the printed estimate.
const RUN_OVERHEAD_S = 7;

// ---------------------------------------------------------------- peers
// Each peer: a script printing one JSON result line on stdout (see bench/README.md).
const PEERS = [
  { id: 'seqlab', label: 'SeqLab', cmd: [process.execPath, 'bench/peers/seqlab_peer.mjs'] }, // its default: min(2, cores) threads
  {
    id: 'seqlab-1t',
    label: 'SeqLab 1 thread',
    cmd: [process.execPath, 'bench/peers/seqlab_peer.mjs', '--threads', '1'],
  },
  {
    id: 'seqlab-nosnap',
    label: 'SeqLab, snapshots off',
    cmd: [process.execPath, 'bench/peers/seqlab_peer.mjs', '--no-snapshots'],
  },
  {
    id: 'torch-1t',
    label: 'PyTorch 1 thread',
    cmd: [PY, 'bench/peers/torch_peer.py', '--threads', '1'],
    env: { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    needsTorch: true,
  },
  {
    id: 'torch-best',
    label: 'PyTorch 2 BLAS threads',
    cmd: [PY, 'bench/peers/torch_peer.py', '--threads', '1'],
    env: { OPENBLAS_NUM_THREADS: '2', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    needsTorch: true,
  },
  {
    id: 'tfjs-wasm',
    label: 'TF.js wasm SIMD',
    cmd: [process.execPath, 'bench/peers/tfjs_peer.mjs', '--backend', 'wasm'],
  },
  { id: 'tfjs-cpu', label: 'TF.js cpu', cmd: [process.execPath, 'bench/peers/tfjs_peer.mjs', '--backend', 'cpu'] },
  { id: 'brain', label: 'brain.js (B=1)', cmd: [process.execPath, 'bench/peers/brain_peer.mjs'] },
];

// ---------------------------------------------------------------- extras
// Editor measurements (bench/extras/*.ts, bundled with esbuild into out/bench/ before they run).
// Contract: `node SCRIPT --corpus FILE --seconds S` prints one JSON line
// {"metric": "...", "value": NUMBER, "unit": "ms", "detail": {...}} (or {"metrics": [ ...such objects ]}).
const EXTRAS = [
  { id: 'hover-latency', label: 'hover latency', script: 'bench/extras/hover-latency.ts' },
  { id: 'event-loop-lag', label: 'extension-host event-loop lag', script: 'bench/extras/event-loop-lag.ts' },
  { id: 'inside', label: 'surprise and neurons', script: 'bench/extras/inside.ts' },
];

// ---------------------------------------------------------------- options
function parse(argv) {
  const o = {
    seconds: 25,
    cells: null,
    hidden: null,
    inputs: null,
    peers: null,
    repeat: 3,
    corpus: process.env.SEQLAB_BENCH_CORPUS || path.join(repoRoot, 'data', 'corpus-kjv.txt'),
    out: path.join(repoRoot, 'bench-results'),
    cli: path.join(repoRoot, 'dist', 'cli.js'),
    valMax: 16384,
    warmupSteps: 5,
    warmupSeconds: 2,
    evalMaxSeconds: null,
    extras: true,
    list: false,
    render: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i],
      v = () => {
        if (i + 1 >= argv.length) die(`${a} needs a value`);
        return argv[++i];
      };
    switch (a) {
      case '--seconds':
        o.seconds = Number(v());
        break;
      case '--cells':
      case '--cell':
        o.cells = v().split(',');
        break;
      case '--hidden':
        o.hidden = v().split(',').map(Number);
        break;
      case '--input':
      case '--inputs':
        o.inputs = v().split(',');
        break;
      case '--peers':
      case '--peer':
        o.peers = v().split(',');
        break;
      case '--repeat':
        o.repeat = Math.max(1, Number(v()));
        break;
      case '--corpus':
        o.corpus = path.resolve(v());
        break;
      case '--out':
        o.out = path.resolve(v());
        break;
      case '--cli':
        o.cli = path.resolve(v());
        break;
      case '--baseline-cli':
        o.baselineCli = path.resolve(v());
        break;
      case '--val-max':
        o.valMax = Number(v());
        break;
      case '--warmup-steps':
        o.warmupSteps = Number(v());
        break;
      case '--warmup-seconds':
        o.warmupSeconds = Number(v());
        break;
      case '--eval-max-seconds':
        o.evalMaxSeconds = Number(v());
        break;
      case '--no-extras':
        o.extras = false;
        break;
      case '--render':
        o.render =
          argv[i + 1] && !argv[i + 1].startsWith('--') ? path.resolve(argv[++i]) : path.join(repoRoot, RESULTS_FILE);
        break;
      case '--list':
      case '--help':
      case '-h':
        o.list = true;
        break;
      default:
        die(`unknown option ${a} (try --list)`);
    }
  }
  o.configs =
    o.cells || o.hidden || o.inputs
      ? (o.cells ?? ['lstm']).flatMap((cell) =>
          (o.hidden ?? [256]).flatMap((hidden) => (o.inputs ?? ['onehot']).map((input) => ({ cell, hidden, input }))),
        )
      : DEFAULT_CONFIGS;
  o.evalMaxSeconds ??= Math.max(30, o.seconds);
  // Another build of SeqLab measured in the same run (e.g. the last release's dist/cli.js): peer seqlab-baseline.
  if (o.baselineCli) {
    const cmd = [process.execPath, 'bench/peers/seqlab_peer.mjs'];
    PEERS.splice(1, 0, { id: 'seqlab-baseline', label: 'SeqLab baseline build', cmd, cli: o.baselineCli });
  }
  o.peers ??= DEFAULT_PEERS;
  for (const id of o.peers)
    if (!PEERS.some((p) => p.id === id)) die(`unknown peer ${id}; peers: ${PEERS.map((p) => p.id).join(', ')}`);
  for (const c of o.configs) {
    if (!['rnn', 'gru', 'lstm'].includes(c.cell)) die(`unknown cell ${c.cell}`);
    if (!['onehot', 'embedding'].includes(c.input)) die(`unknown input ${c.input} (onehot or embedding)`);
    if (!(c.hidden > 0)) die(`bad hidden size ${c.hidden}`);
  }
  return o;
}
function configName({ cell, hidden, input }) {
  return `${cell}-${hidden}-${input}`;
}
function die(msg) {
  console.error(`bench: ${msg}`);
  process.exit(2);
}

const opts = parse(process.argv.slice(2));
if (opts.list) {
  console.log(`peers: ${PEERS.map((p) => `${p.id} (${p.label})`).join(', ')}
default peers: ${DEFAULT_PEERS.join(', ')}
default configurations: ${DEFAULT_CONFIGS.map(configName).join(', ')}
options: --seconds 25 | --repeat 3 (1: one round) | --peers ids
         --cells lstm,gru,rnn | --hidden 256,512 | --input onehot,embedding (any of the three: their
           cross product instead of the default configurations; the others default to lstm, 256, onehot)
         --corpus FILE (or SEQLAB_BENCH_CORPUS) | --out DIR | --cli dist/cli.js | --val-max 16384
         --baseline-cli OTHER/cli.js (adds peer seqlab-baseline: another SeqLab build, same run)
         --warmup-steps 5 | --warmup-seconds 2 | --eval-max-seconds (default max(30, S)) | --no-extras
         --render [RESULTS.json] (rewrite the docs' sections from ${RESULTS_FILE} or the file given; runs nothing)`);
  process.exit(0);
}
if (opts.render) {
  renderSections(repoRoot, JSON.parse(fs.readFileSync(opts.render, 'utf8')));
  console.log(`bench/README.md and README.md: sections rewritten from ${path.relative(process.cwd(), opts.render)}`);
  process.exit(0);
}
if (!fs.existsSync(opts.corpus)) die(`corpus not found: ${opts.corpus} (use --corpus FILE or SEQLAB_BENCH_CORPUS)`);

// ---------------------------------------------------------------- environment
function blasInfo() {
  try {
    return fs.realpathSync(BLAS_LINK);
  } catch {
    return `unknown (${BLAS_LINK} missing)`;
  }
}
function torchCheck() {
  if (!fs.existsSync(PY)) return { ok: false, reason: `${PY} not found` };
  const r = spawnSync(PY, ['bench/peers/torch_peer.py', '--check', '--corpus', opts.corpus], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  try {
    const j = JSON.parse(r.stdout.trim().split('\n').pop());
    if (j.ok) return { ok: true, version: j.torch, blasConfig: j.blasConfig };
    return { ok: false, reason: j.skipped };
  } catch {
    return {
      ok: false,
      reason: `${PY} could not run the torch check: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`,
    };
  }
}

// Paths relative to the repository: the results are committed.
const rel = (p) => path.relative(repoRoot, p);
const machine = machineInfo();
const meta = {
  date: new Date().toISOString(),
  cpus: machine.logicalCpus,
  cpuModel: machine.cpuModel,
  machine,
  memGB: +(os.totalmem() / 2 ** 30).toFixed(1),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  argv: process.argv.slice(2),
  corpus: rel(opts.corpus),
  workload: {
    batch: 32,
    seqLen: 64,
    lr: 0.002,
    optimizer: 'adam',
    clip: 5,
    valFraction: 0.1,
    layers: 1,
    level: 'char',
    embedSize: EMBED_SIZE,
    valStreams: 1,
  },
  options: {
    ...opts,
    corpus: rel(opts.corpus),
    out: rel(opts.out),
    cli: rel(opts.cli),
    ...(opts.baselineCli ? { baselineCli: rel(opts.baselineCli) } : {}),
  },
  blas: blasInfo(),
  git: gitCommit(),
};
/** The commit measured, with `-dirty` when tracked files had changes. */
function gitCommit() {
  const git = (...args) => spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).stdout.trim();
  return git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--untracked-files=no') ? '-dirty' : '');
}
const selected = PEERS.filter((p) => opts.peers.includes(p.id));
console.log(`machine: ${describeMachine(machine)}; ${meta.memGB} GB; ${meta.platform}; Node ${meta.node}`);
let torch = null;
if (selected.some((p) => p.needsTorch)) {
  torch = torchCheck();
  meta.torch = torch;
  if (torch.ok) {
    console.log(`PyTorch ${torch.version} (${PY}); BLAS: ${meta.blas} (${torch.blasConfig ?? 'not OpenBLAS'})`);
    if (!/openblas/i.test(meta.blas))
      console.log(
        '  WARNING: torch is not on OpenBLAS (apt-get install -y libopenblas0-pthread) — the PyTorch comparison is void.',
      );
  } else console.log(`PyTorch peers skipped: ${torch.reason}`);
}
if (selected.some((p) => p.id.startsWith('seqlab') && !p.cli) && !fs.existsSync(opts.cli)) {
  console.log(`SeqLab skipped: ${path.relative(repoRoot, opts.cli)} not found — run \`npm run build\` first.`);
}

// ---------------------------------------------------------------- running
function runPeer(peer, { cell, hidden, input }) {
  const args = [
    ...peer.cmd.slice(1),
    '--corpus',
    opts.corpus,
    '--cell',
    cell,
    '--hidden',
    String(hidden),
    '--embedding',
    String(input === 'embedding' ? EMBED_SIZE : 0),
    '--batch',
    '32',
    '--seq-len',
    '64',
    '--lr',
    '0.002',
    '--clip',
    '5',
    '--seconds',
    String(opts.seconds),
    '--val-fraction',
    '0.1',
    '--val-max',
    String(opts.valMax),
    '--warmup-steps',
    String(opts.warmupSteps),
    '--warmup-seconds',
    String(opts.warmupSeconds),
    '--eval-max-seconds',
    String(opts.evalMaxSeconds),
    '--seed',
    '1',
  ];
  if (peer.id.startsWith('seqlab')) args.push('--cli', peer.cli ?? opts.cli);
  const rssFile = path.join(os.tmpdir(), `seqlab-bench-rss-${process.pid}-${Date.now()}`);
  const useTime = fs.existsSync(TIME);
  const [cmd, argv] = useTime ? [TIME, ['-f', '%M', '-o', rssFile, peer.cmd[0], ...args]] : [peer.cmd[0], args];
  const started = performance.now(),
    load = os.loadavg()[0];
  // startup + training + evaluation (capped per peer) + slack; SeqLab's own eval is not capped
  const killAfterS = opts.seconds * 2 + opts.evalMaxSeconds * 3 + 300;
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, {
      cwd: repoRoot,
      env: { ...process.env, ...(peer.env ?? {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-8000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let treeMaxRssMB = null;
      try {
        const kb = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop());
        if (kb > 0) treeMaxRssMB = kb / 1024;
      } catch {
        /* no time */
      }
      fs.rmSync(rssFile, { force: true });
      let result = null;
      for (const line of stdout.trim().split('\n').reverse()) {
        try {
          const j = JSON.parse(line);
          if (j && typeof j === 'object') {
            result = j;
            break;
          }
        } catch {
          /* progress line */
        }
      }
      const rec = {
        peer: peer.id,
        label: peer.label,
        cell,
        hidden,
        input,
        seconds: opts.seconds,
        loadAvg1mAtStart: load,
        wallSeconds: (performance.now() - started) / 1000,
        exit: code ?? signal,
        treeMaxRssMB,
        env: peer.env ?? {},
      };
      if (!result)
        rec.error = `no JSON result (exit ${code ?? signal}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
      else Object.assign(rec, result, { peer: peer.id, input });
      // peak RSS: the training process's own (peers self-report; SeqLab's via /usr/bin/time on the CLI)
      rec.peakRssMB = Number.isFinite(result?.maxRssMB) ? result.maxRssMB : treeMaxRssMB;
      resolve(rec);
    });
  });
}

function fmtRun(r) {
  if (r.skipped) return `skipped: ${r.skipped}`;
  if (r.error) return `ERROR: ${r.error}`;
  const share = Number.isFinite(r.validationShare) ? `, validation ${(100 * r.validationShare).toFixed(1)} %` : '';
  return `${fmtNum(r.charsPerSec)} chars/s, val ${r.valLoss?.toFixed?.(3) ?? 'n/a'}${share}, ${fmtNum(r.peakRssMB)} MB, ${r.steps} steps, wall ${r.wallSeconds.toFixed(0)} s`;
}

const runs = [];
const configs = opts.configs;
const totalRuns = configs.length * selected.length * opts.repeat;
const minutes = (sec) => `${Math.round(sec / 60)} min`;
console.log(
  `bench: ${totalRuns} runs (${configs.length} configurations × ${selected.length} peers × ${opts.repeat} rounds) ` +
    `of ${opts.seconds} s, sequential; estimated ${minutes(totalRuns * (opts.seconds + RUN_OVERHEAD_S))} ` +
    `(+ extras); corpus ${path.relative(process.cwd(), opts.corpus)}`,
);
let n = 0,
  wallSoFar = 0;
for (let round = 0; round < opts.repeat; round++) {
  // alternate the peer order between rounds so that drift (thermal, other load) spreads evenly
  const order = round % 2 === 0 ? selected : [...selected].reverse();
  for (const config of configs) {
    const { cell, hidden, input } = config;
    for (const peer of order) {
      n++;
      const pre = `[${n}/${totalRuns}] ${peer.id} ${configName(config)}${opts.repeat > 1 ? ` round ${round + 1}` : ''}`;
      const skip = (why) => {
        runs.push({ peer: peer.id, label: peer.label, cell, hidden, input, round, skipped: why });
        console.log(`${pre}: skipped (${why})`);
      };
      if (peer.needsTorch && torch && !torch.ok) {
        skip(torch.reason);
        continue;
      }
      if (peer.id.startsWith('seqlab') && !fs.existsSync(peer.cli ?? opts.cli)) {
        skip('dist/cli.js missing — run `npm run build`');
        continue;
      }
      process.stdout.write(`${pre} (load ${os.loadavg()[0].toFixed(1)}) ... `);
      const rec = await runPeer(peer, config);
      rec.round = round;
      runs.push(rec);
      wallSoFar += rec.wallSeconds;
      console.log(`${fmtRun(rec)}; about ${minutes((wallSoFar / n) * (totalRuns - n))} left`);
    }
  }
}

// ---------------------------------------------------------------- table
const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const rows = [];
for (const { cell, hidden, input } of configs) {
  const group = selected.map((peer) => {
    const rs = runs.filter((r) => r.peer === peer.id && r.cell === cell && r.hidden === hidden && r.input === input);
    const ok = rs.filter((r) => !r.skipped && !r.error && Number.isFinite(r.charsPerSec));
    return {
      peer: peer.id,
      label: peer.label,
      cell,
      hidden,
      input,
      n: ok.length,
      charsPerSec: median(ok.map((r) => r.charsPerSec)),
      charsPerSecExcludingValidation: median(ok.map((r) => r.charsPerSecExcludingValidation)),
      validationShare: median(ok.map((r) => r.validationShare)),
      valLoss: median(ok.map((r) => r.valLoss)),
      peakRssMB: ok.length ? Math.max(...ok.map((r) => r.peakRssMB).filter(Number.isFinite)) : null,
      warmupIncluded: ok.some((r) => r.charsPerSecIncludesWarmup),
      valTruncated: ok.some((r) => r.valTruncated),
      ownRecipe: ok.some((r) => r.ownRecipe),
      valOwnRule: ok.some((r) => r.valSource && !/slice/.test(r.valSource)),
      snapshotShare: median(ok.filter((r) => r.snapshots > 0).map((r) => r.snapshotShare)),
      snapshotMs: median(ok.filter((r) => r.snapshots > 0).map((r) => (1000 * r.snapshotSeconds) / r.snapshots)),
      status: ok.length ? null : rs.find((r) => r.skipped)?.skipped ? 'skipped' : rs.length ? 'error' : 'not run',
      why: ok.length ? null : (rs.find((r) => r.skipped)?.skipped ?? rs.find((r) => r.error)?.error ?? null),
    };
  });
  const sl = group.find((g) => g.peer === 'seqlab');
  for (const g of group)
    g.ratio =
      sl && Number.isFinite(sl.charsPerSec) && Number.isFinite(g.charsPerSec) ? sl.charsPerSec / g.charsPerSec : null;
  rows.push(...group);
}

const extras = [];
console.log(`\n${consoleTable({ meta, table: rows, runs, extras })}`);
const ratios = comparisons({ table: rows });

// ---------------------------------------------------------------- extras
if (opts.extras) {
  console.log('\nExtras (SeqLab editor measurements):');
  for (const x of EXTRAS) {
    const file = path.join(repoRoot, 'out', 'bench', `${x.id}.js`);
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: [path.join(repoRoot, x.script)],
      bundle: true,
      platform: 'node',
      target: 'node20',
      outfile: file,
      logLevel: 'warning',
    });
    const r = spawnSync(
      process.execPath,
      [file, '--corpus', opts.corpus, '--seconds', String(Math.min(opts.seconds, 30))],
      { cwd: repoRoot, encoding: 'utf8', timeout: 600_000 },
    );
    let res = null;
    for (const l of (r.stdout ?? '').trim().split('\n').reverse()) {
      try {
        res = JSON.parse(l);
        break;
      } catch {
        /* skip */
      }
    }
    if (!res) {
      extras.push({
        id: x.id,
        label: x.label,
        status: `error (exit ${r.status ?? r.signal}): ${(r.stderr ?? '').trim().split('\n').pop()}`,
      });
      console.log(`  ${x.label}: error — ${extras.at(-1).status}`);
      continue;
    }
    const metrics = Array.isArray(res.metrics) ? res.metrics : [res];
    extras.push({ id: x.id, label: x.label, metrics });
    for (const m of metrics) console.log(`  ${x.label}: ${m.metric ?? ''} ${m.value} ${m.unit ?? ''}`);
  }
}

// ---------------------------------------------------------------- results files and docs
const results = { meta, table: rows, comparisons: ratios, runs, extras };
fs.mkdirSync(opts.out, { recursive: true });
const stamp = meta.date.replace(/[:.]/g, '-').replace(/-\d+Z$/, 'Z');
const file = path.join(opts.out, `bench-${stamp}.json`);
const json = JSON.stringify(results, null, 2) + '\n';
fs.writeFileSync(file, json);
fs.writeFileSync(path.join(repoRoot, RESULTS_FILE), json);
renderSections(repoRoot, results);
console.log(
  `\nresults: ${path.relative(process.cwd(), file)} and ${RESULTS_FILE} (commit it), ` +
    "from which bench/README.md's results and README.md's speed headline were rewritten",
);
