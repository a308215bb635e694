// SeqLab peer for `npm run bench`: drives the CLI (docs/cli.md) and turns its metrics log into
// the same JSON result line as the other peers.
//
//   node bench/peers/seqlab_peer.mjs --corpus FILE --cell lstm --hidden 256 --seconds 20 [--threads N]
//     [--embedding E] [--cli dist/cli.js] [--no-snapshots]
//
// 1. `node CLI train CORPUS --cell C --hidden H --seq-len T --batch B --lr LR --optimizer adam
//     --clip 5 --seconds S --val-fraction 0.1 --seed 1 --threads N --out TMP/model.safetensors --log TMP/metrics.jsonl`
//    (--threads only when N > 0; without it the CLI picks its automatic count; --embedding E only
//    when E > 0, a learned embedding of size E as the input; --no-snapshots passed on),
//    wrapped in /usr/bin/time (when present) so that peak RSS is the training process's own.
// 2. chars/s from the log's step lines, validation's share of the training wall time and the speed
//    without it: bench/lib/seqlabLog.mjs. The training snapshots (the {"snapshot": {...}} log lines,
//    one per validation pass) report what they cost: snapshots, snapshotSeconds (their sum) and
//    snapshotShare = snapshotSeconds / trainSeconds.
// 3. validation loss, same rule as the peers where possible: the first --val-max chars of the
//    validation part are written to a temp file and scored with `node CLI eval CKPT SLICE` (one stream)
//    ({loss, perplexity, chars} — `tokens` is accepted for `chars`); if that fails, the `"final": true` log line's valLoss is used
//    and valSource says so.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs, PEER_DEFAULTS } from '../lib/data.mjs';
import { trainingSpeed } from '../lib/seqlabLog.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cliDefaults = { cli: path.join(repoRoot, 'dist', 'cli.js'), keep: false, threads: 0, noSnapshots: false };
const opts = parseArgs(process.argv.slice(2), { ...PEER_DEFAULTS, ...cliDefaults });
// 0 (automatic) is the CLI's own default: left out, so that builds from before --threads run too (--baseline-cli).
const threadsFlag = Number(opts.threads) > 0 ? ['--threads', String(opts.threads)] : [];
const TIME = '/usr/bin/time';
const B = opts.batch,
  T = opts.seqLen;

function out(obj) {
  console.log(JSON.stringify({ peer: 'seqlab', cell: opts.cell, hidden: opts.hidden, batch: B, seqLen: T, ...obj }));
}

if (!fs.existsSync(opts.cli)) {
  out({ skipped: `${path.relative(repoRoot, opts.cli) || opts.cli} not found — run \`npm run build\` first` });
  process.exit(0);
}

function run(args, { timeoutS, rssFile, passStderr }) {
  return new Promise((resolve) => {
    const useTime = rssFile && fs.existsSync(TIME);
    const cmd = useTime ? TIME : process.execPath;
    const argv = useTime ? ['-f', '%M', '-o', rssFile, process.execPath, ...args] : args;
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '',
      stderrTail = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      if (passStderr) process.stderr.write(d);
      stderrTail = (stderrTail + d).slice(-4000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let rssMB = null;
      if (useTime) {
        try {
          const kb = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop());
          if (kb > 0) rssMB = kb / 1024;
        } catch {
          /* none */
        }
      }
      resolve({ code, signal, stdout, stderrTail, rssMB });
    });
  });
}

const lastLine = (s) => s.trim().split('\n').filter(Boolean).pop() ?? '';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-bench-'));
const ckpt = path.join(tmp, 'model.safetensors'),
  log = path.join(tmp, 'metrics.jsonl');
try {
  const trainArgs = [
    opts.cli,
    'train',
    opts.corpus,
    '--cell',
    opts.cell,
    '--hidden',
    String(opts.hidden),
    '--seq-len',
    String(T),
    '--batch',
    String(B),
    '--lr',
    String(opts.lr),
    '--optimizer',
    'adam',
    '--clip',
    String(opts.clip),
    '--seconds',
    String(opts.seconds),
    '--val-fraction',
    String(opts.valFraction),
    '--seed',
    String(opts.seed),
    ...threadsFlag,
    ...(opts.embedding > 0 ? ['--embedding', String(opts.embedding)] : []),
    ...(opts.noSnapshots ? ['--no-snapshots'] : []),
    '--out',
    ckpt,
    '--log',
    log,
  ];
  const tr = await run(trainArgs, {
    timeoutS: opts.seconds * 3 + 300,
    rssFile: path.join(tmp, 'rss-train'),
    passStderr: true,
  });
  if (tr.code !== 0) {
    out({
      error: `seqlab train exited ${tr.code ?? tr.signal}: ${lastLine(tr.stderrTail) || '(no stderr)'}`,
      command: `node ${trainArgs.join(' ')}`,
    });
    process.exit(0);
  }
  const lines = fs.existsSync(log)
    ? fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .flatMap((l) => {
          try {
            return [JSON.parse(l)];
          } catch {
            return [];
          }
        })
    : [];
  const speed = trainingSpeed(lines, { ...opts, batch: B, seqLen: T });
  if (!speed) {
    out({ error: `no {"step","elapsedSeconds"} lines in the --log file (${lines.length} JSON lines)` });
    process.exit(0);
  }
  const logged = lines
    .map((l) => l.charsPerSec)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const finalLine = [...lines].reverse().find((l) => l.final === true);
  const snapshots = lines.filter((l) => Number.isFinite(l.snapshot?.seconds)).map((l) => l.snapshot);
  const snapshotSeconds = snapshots.reduce((a, s) => a + s.seconds, 0);
  const losses = lines
    .filter((l) => !l.final && Number.isFinite(l.loss))
    .slice(-20)
    .map((l) => l.loss);

  // validation slice, same chars as the other peers see
  const chars = Array.from(fs.readFileSync(opts.corpus, 'utf8'));
  const split = chars.length - Math.floor(chars.length * opts.valFraction);
  const slicePath = path.join(tmp, 'val-slice.txt');
  fs.writeFileSync(slicePath, chars.slice(split, split + opts.valMax).join(''));
  let valLoss = null,
    valChars = null,
    valSource = null,
    evalError = null,
    evalSeconds = null;
  const t0 = performance.now();
  const evalArgs = [opts.cli, 'eval', ckpt, slicePath, ...threadsFlag];
  const ev = await run(evalArgs, { timeoutS: opts.evalMaxSeconds * 2 + 120 });
  evalSeconds = (performance.now() - t0) / 1000;
  try {
    if (ev.code !== 0) throw new Error(`exit ${ev.code ?? ev.signal}: ${lastLine(ev.stderrTail)}`);
    const r = JSON.parse(lastLine(ev.stdout));
    if (!Number.isFinite(r.loss)) throw new Error(`no numeric "loss" in ${lastLine(ev.stdout).slice(0, 200)}`);
    valLoss = r.loss;
    valChars = r.chars ?? r.tokens ?? null;
    valSource = 'seqlab eval on the validation slice';
  } catch (e) {
    evalError = String(e.message ?? e);
    if (finalLine && Number.isFinite(finalLine.valLoss)) {
      valLoss = finalLine.valLoss;
      valSource = "final log line (SeqLab's own validation rule)";
    }
  }
  out({
    ...speed,
    charsPerSecLoggedMedian: logged.length ? logged[Math.floor(logged.length / 2)] : null,
    trainLossLast20: losses.length ? losses.reduce((a, b) => a + b, 0) / losses.length : null,
    valLoss,
    valChars,
    valSource,
    valStreams: valSource === 'seqlab eval on the validation slice' ? 1 : null,
    valLossFinalLine: finalLine?.valLoss ?? null,
    evalError,
    evalSeconds,
    maxRssMB: tr.rssMB,
    rssNote:
      tr.rssMB == null
        ? `${TIME} missing: peak RSS of the CLI unknown`
        : 'peak RSS of the `seqlab train` process (/usr/bin/time)',
    snapshots: snapshots.length,
    snapshotSeconds,
    snapshotShare: speed.trainSeconds > 0 ? snapshotSeconds / speed.trainSeconds : null,
    logLines: lines.length,
    input: opts.embedding > 0 ? `--embedding ${opts.embedding}` : 'one-hot',
    cli: path.relative(repoRoot, opts.cli) || opts.cli,
  });
} finally {
  if (!opts.keep) fs.rmSync(tmp, { recursive: true, force: true });
  else process.stderr.write(`seqlab peer: kept ${tmp}\n`);
}
