// seqlab — the terminal face of the engine (contract: DESIGN.md §5).
//   seqlab train FILE [options]      seqlab sample CKPT [options]     seqlab eval CKPT FILE
//   seqlab diagnose CKPT FILE        seqlab export CKPT --format torch --out FILE

import { appendFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs, ParseArgsConfig } from 'node:util';
import { Checkpoint, loadCheckpoint, saveCheckpoint } from './engine/checkpoint';
import { defaultModelConfig, defaultTrainConfig, ModelConfig, TrainConfig } from './engine/config';
import { diagnose } from './engine/diagnostics';
import { SeqLabError } from './engine/errors';
import { evaluateTokens } from './engine/evaluate';
import { exportTorch } from './engine/export';
import { defaultBackend } from './engine/backend';
import { ProgressPoint } from './engine/reports';
import { Sampler } from './engine/sample';
import { DEFAULT_MAX_BYTES, readTextFile } from './engine/text';
import { DivergedError, Trainer } from './engine/train';
import { enableRelaxedSimd } from './engine/wasm/backend';

const USAGE = `seqlab — train and sample RNN / GRU / LSTM language models

Usage:
  seqlab train FILE [options]            train on a text file, write a checkpoint
  seqlab sample CKPT [options]           print text sampled from a checkpoint
  seqlab eval CKPT FILE                  loss per token on FILE, as JSON
  seqlab diagnose CKPT FILE [--json]     vanishing-gradient and gate diagnostics
  seqlab export CKPT --format torch --out FILE.safetensors

train options:
  --cell rnn|gru|lstm (lstm)   --gru-form torch|course (torch)   --hidden N (128)   --layers N (1)
  --level char|word (char)     --min-count N (2)   --lowercase    --embedding N (one-hot input when absent)
  --dropout P (0)              --forget-bias X (1)   --init-state zeros|random (zeros)
  --seq-len N (64)   --batch N (32)   --lr X (0.002)   --optimizer adam|sgd|rmsprop|adagrad (adam)
  --momentum X (0.9)   --clip X (5; 0 = off)   --lr-decay X (1)   --lr-decay-every N (1000)
  --steps N (1000) | --seconds S   --val-fraction F (0.1)   --eval-every N (100)   --seed N (1)
  --out CKPT (NAME.CELL.safetensors)   --resume CKPT   --log METRICS.jsonl   --max-mb N (64)
sample options:
  --prime TEXT   --length N (200)   --temperature T (1)   --top-k K   --top-p P   --greedy
  --seed N (1)   --stop-at-eos   --no-unk
diagnose options:
  --steps N (50)   --json
`;

class UsageError extends Error {}

function num(v: string | undefined, flag: string, fallback: number): number {
  if (v === undefined) return fallback;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new UsageError(`${flag} expects a number, got "${v}"`);
  return x;
}

function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true } as const);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

const s = { type: 'string' } as const;
const b = { type: 'boolean' } as const;

function positionals(p: string[], names: string[]): string[] {
  if (p.length !== names.length) throw new UsageError(`expected ${names.join(' ')}, got ${p.length ? p.join(' ') : 'nothing'}`);
  return p;
}

function formatSeconds(x: number): string {
  if (!Number.isFinite(x)) return '?';
  const m = Math.floor(x / 60), sec = Math.round(x % 60);
  return m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

function progressLine(p: ProgressPoint, lastVal: number | null): string {
  const frac = p.totalSteps > 0 ? p.step / p.totalSteps : 0;
  const bar = p.totalSteps > 0 ? `[${'#'.repeat(Math.round(frac * 20)).padEnd(20, '.')}] ` : '';
  const total = p.totalSteps > 0 ? `/${p.totalSteps}` : '';
  const val = lastVal === null ? '' : ` val ${lastVal.toFixed(3)}`;
  return `${bar}step ${p.step}${total} loss ${p.loss.toFixed(3)}${val} ${Math.round(p.charsPerSec).toLocaleString('en-US')} chars/s ETA ${formatSeconds(p.etaSeconds)}`;
}

async function train(argv: string[]): Promise<void> {
  const { values: v, positionals: pos } = parse(argv, {
    cell: s, 'gru-form': s, hidden: s, layers: s, level: s, 'min-count': s, lowercase: b, embedding: s, dropout: s,
    'forget-bias': s, 'init-state': s, 'seq-len': s, batch: s, lr: s, optimizer: s, momentum: s, clip: s,
    'lr-decay': s, 'lr-decay-every': s, steps: s, seconds: s, 'val-fraction': s, 'eval-every': s, seed: s,
    out: s, resume: s, log: s, 'max-mb': s, bidirectional: b,
  });
  const [file] = positionals(pos, ['FILE']);
  const seconds = num(v.seconds, '--seconds', 0);
  const trainOptions: Partial<TrainConfig> = {
    seqLength: num(v['seq-len'], '--seq-len', defaultTrainConfig.seqLength),
    batchSize: num(v.batch, '--batch', defaultTrainConfig.batchSize),
    lr: num(v.lr, '--lr', defaultTrainConfig.lr),
    momentum: num(v.momentum, '--momentum', defaultTrainConfig.momentum),
    clip: num(v.clip, '--clip', defaultTrainConfig.clip),
    lrDecay: num(v['lr-decay'], '--lr-decay', defaultTrainConfig.lrDecay),
    lrDecayEvery: num(v['lr-decay-every'], '--lr-decay-every', defaultTrainConfig.lrDecayEvery),
    steps: num(v.steps, '--steps', seconds > 0 ? 0 : defaultTrainConfig.steps),
    seconds,
    valFraction: num(v['val-fraction'], '--val-fraction', defaultTrainConfig.valFraction),
    evalEvery: num(v['eval-every'], '--eval-every', defaultTrainConfig.evalEvery),
    seed: num(v.seed, '--seed', defaultTrainConfig.seed),
  };
  if (v.optimizer !== undefined) trainOptions.optimizer = v.optimizer as TrainConfig['optimizer'];
  if (v.level !== undefined) trainOptions.level = v.level as TrainConfig['level'];
  if (v['min-count'] !== undefined) trainOptions.minCount = num(v['min-count'], '--min-count', 2);
  if (v.lowercase) trainOptions.lowercase = true;
  const text = readTextFile(file, num(v['max-mb'], '--max-mb', DEFAULT_MAX_BYTES / 1048576) * 1048576);
  const k = defaultBackend();
  let trainer: Trainer;
  if (v.resume) {
    // Only the options given on the command line change; the rest continue from the checkpoint.
    const given = Object.fromEntries(Object.entries(trainOptions).filter(([key]) => flagGiven(argv, key)));
    trainer = Trainer.resume(loadCheckpoint(v.resume, k), text, given, k);
  } else {
    const model: Partial<ModelConfig> = {
      cell: (v.cell ?? defaultModelConfig.cell) as ModelConfig['cell'],
      gruForm: (v['gru-form'] ?? defaultModelConfig.gruForm) as ModelConfig['gruForm'],
      hidden: num(v.hidden, '--hidden', defaultModelConfig.hidden),
      layers: num(v.layers, '--layers', defaultModelConfig.layers),
      input: v.embedding !== undefined ? 'embedding' : 'onehot',
      embedSize: num(v.embedding, '--embedding', defaultModelConfig.embedSize),
      dropout: num(v.dropout, '--dropout', defaultModelConfig.dropout),
      forgetBias: num(v['forget-bias'], '--forget-bias', defaultModelConfig.forgetBias),
      initState: (v['init-state'] ?? defaultModelConfig.initState) as ModelConfig['initState'],
      bidirectional: v.bidirectional ?? false,
    };
    trainer = Trainer.create(text, model, { ...defaultTrainConfig, ...trainOptions }, k);
  }
  const c = trainer.model.config;
  const out = v.out ?? v.resume ?? `${basename(file).replace(/\.[^.]*$/, '')}.${c.cell}.safetensors`;
  const tty = process.stderr.isTTY;
  if (v.log) writeFileSync(v.log, '');
  process.stderr.write(`seqlab: ${c.cell.toUpperCase()}-${c.hidden}×${c.layers}, vocabulary ${c.vocabSize} ${trainer.model.tokenizer.spec.level === 'char' ? 'characters' : 'words'}, ${trainer.model.params.size.toLocaleString('en-US')} parameters, backend ${k.name}\n`);
  if (k.fallbacks.length) process.stderr.write(`seqlab: ${k.name} runs in TypeScript: ${k.fallbacks.join(', ')}\n`);
  let lastVal: number | null = null, lastPrint = 0, savedStep = -1;
  try {
    const result = await trainer.run({
      checkpointEvery: trainer.train.evalEvery,
      onCheckpoint: (ck: Checkpoint) => { saveCheckpoint(out, ck); savedStep = ck.training!.step; },
      onProgress: (p) => {
        if (p.valLoss !== null) lastVal = p.valLoss;
        if (v.log) appendFileSync(v.log, JSON.stringify(p) + '\n');
        const now = performance.now();
        if (tty && now - lastPrint > 100) { process.stderr.write(`\r\x1b[K${progressLine(p, lastVal)}`); lastPrint = now; }
        if (!tty && (p.valLoss !== null || p.step === 1)) process.stderr.write(progressLine(p, lastVal) + '\n');
      },
    });
    if (tty) process.stderr.write('\n');
    const summary = { steps: trainer.step, valLoss: result.valLoss, charsPerSec: Math.round(result.charsPerSec), checkpoint: out };
    if (v.log) appendFileSync(v.log, JSON.stringify({ final: true, ...summary }) + '\n');
    process.stdout.write(JSON.stringify(summary) + '\n');
  } catch (e) {
    if (tty) process.stderr.write('\n');
    if (e instanceof DivergedError) {
      throw new SeqLabError(`${e.message}. ${savedStep >= 0 ? `The last good checkpoint (step ${savedStep}) is kept at ${out}.` : 'No checkpoint was written.'}`);
    }
    throw e;
  }
}

/** Whether the command line gave the option that sets this TrainConfig key. */
function flagGiven(argv: string[], key: string): boolean {
  const flags: Record<string, string> = {
    seqLength: '--seq-len', batchSize: '--batch', lr: '--lr', momentum: '--momentum', clip: '--clip', lrDecay: '--lr-decay',
    lrDecayEvery: '--lr-decay-every', steps: '--steps', seconds: '--seconds', valFraction: '--val-fraction', evalEvery: '--eval-every', seed: '--seed',
  };
  const f = flags[key];
  return f !== undefined && argv.some((a) => a === f || a.startsWith(`${f}=`));
}

function sample(argv: string[]): void {
  const { values: v, positionals: pos } = parse(argv, {
    prime: s, length: s, temperature: s, 'top-k': s, 'top-p': s, greedy: b, seed: s, 'stop-at-eos': b, 'no-unk': b,
  });
  const [ckpt] = positionals(pos, ['CKPT']);
  const k = defaultBackend();
  const { model } = loadCheckpoint(ckpt, k);
  const prime = v.prime ?? '';
  const text = new Sampler(model, k).generate({
    prime, length: num(v.length, '--length', 200), temperature: num(v.temperature, '--temperature', 1),
    topK: num(v['top-k'], '--top-k', 0), topP: num(v['top-p'], '--top-p', 1), greedy: v.greedy ?? false,
    seed: num(v.seed, '--seed', 1), stopAtEos: v['stop-at-eos'] ?? false, allowUnk: !v['no-unk'],
  });
  process.stdout.write(prime + text + '\n');
}

function evaluate(argv: string[]): void {
  const { positionals: pos } = parse(argv, {});
  const [ckpt, file] = positionals(pos, ['CKPT', 'FILE']);
  const k = defaultBackend();
  const { model, training } = loadCheckpoint(ckpt, k);
  const tokens = model.tokenizer.encode(readTextFile(file));
  if (tokens.length < 2) throw new SeqLabError(`${file} has ${tokens.length} token; eval needs at least 2`);
  const r = evaluateTokens(model, k, tokens, 1, training?.train.seqLength ?? 64);
  // DESIGN §5: {loss, perplexity, chars}; a word-level model counts words.
  const counted = model.tokenizer.spec.level === 'word' ? 'words' : 'chars';
  process.stdout.write(JSON.stringify({ loss: r.loss, perplexity: r.perplexity, [counted]: r.tokens }) + '\n');
}

function runDiagnose(argv: string[]): void {
  const { values: v, positionals: pos } = parse(argv, { steps: s, json: b });
  const [ckpt, file] = positionals(pos, ['CKPT', 'FILE']);
  const k = defaultBackend();
  const { model } = loadCheckpoint(ckpt, k);
  const tokens = model.tokenizer.encode(readTextFile(file));
  const r = diagnose(model, k, tokens, { steps: num(v.steps, '--steps', 50) });
  if (v.json) {
    process.stdout.write(JSON.stringify(r) + '\n');
    return;
  }
  const lines = [`${r.label}: ‖∂L<T>/∂a<t>‖ over a window of T = ${r.steps} steps`];
  r.gradNorms.forEach((norms, l) => {
    const T = norms.length, at = (t: number) => norms[t - 1].toExponential(2);
    const marks = [T, T - 1, T - 5, T - 10, T - 25, 1].filter((t, i, a) => t >= 1 && a.indexOf(t) === i);
    lines.push(`  layer ${l}: ${marks.map((t) => `t=${t}: ${at(t)}`).join('  ')}   ratio t=1/t=T: ${(norms[0] / norms[T - 1]).toExponential(2)}`);
  });
  if (r.gates.length) lines.push('gate saturation (fraction < 0.05 | > 0.95):');
  for (const g of r.gates) lines.push(`  layer ${g.layer} ${g.gate}: ${(g.low * 100).toFixed(1)}% | ${(g.high * 100).toFixed(1)}%`);
  lines.push('gradient norm per parameter (loss of the whole window):');
  for (const p of r.paramGradNorms) lines.push(`  ${p.name.padEnd(24)} ${p.norm.toExponential(3)}`);
  process.stdout.write(lines.join('\n') + '\n');
}

function runExport(argv: string[]): void {
  const { values: v, positionals: pos } = parse(argv, { format: s, out: s });
  const [ckpt] = positionals(pos, ['CKPT']);
  if (v.format !== 'torch') throw new UsageError('--format torch is required (the only export format)');
  if (!v.out) throw new UsageError('--out FILE.safetensors is required');
  exportTorch(loadCheckpoint(ckpt, defaultBackend()).model, v.out);
  process.stdout.write(JSON.stringify({ exported: v.out }) + '\n');
}

export async function main(argv: string[]): Promise<number> {
  enableRelaxedSimd(); // fused multiply-add in the WebAssembly kernels (a V8 flag on Node 20)
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'train': await train(rest); break;
      case 'sample': sample(rest); break;
      case 'eval': evaluate(rest); break;
      case 'diagnose': runDiagnose(rest); break;
      case 'export': runExport(rest); break;
      case undefined: case '-h': case '--help': case 'help':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default: throw new UsageError(`unknown command "${command}"`);
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`seqlab: ${e.message}\nRun "seqlab --help" for usage.\n`);
      return 2;
    }
    if (e instanceof SeqLabError) {
      process.stderr.write(`seqlab: error: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(`seqlab: internal error: ${(e as Error).stack ?? e}\n`);
    return 70;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
