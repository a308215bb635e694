// seqlab — the terminal face of the engine (contract: docs/cli.md).
//   seqlab train FILE [options]      seqlab sample CKPT [options]     seqlab eval CKPT FILE
//   seqlab diagnose CKPT FILE        seqlab export CKPT --format torch|torch-project --out PATH
//   seqlab import FILE.safetensors --out CKPT
//   seqlab lab --cells rnn,gru,lstm --gaps 5,10,20,50 --steps S [--json]
//   seqlab surprise CKPT FILE        seqlab neurons CKPT FILE [--unit U | --top K | --match S:E,…]
//   seqlab sweep FILE --set KEY=V1,V2,… [--set …] [--random N] --steps S --out DIR [--json]
// Every flag, its default and its range come from the option schema (engine/options.ts, via cliArgs.ts).

import { backendLabel } from './engine/backend';
import { appendFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Checkpoint, loadCheckpoint, saveCheckpoint } from './engine/checkpoint';
import {
  defaultTrainConfig,
  inputFor,
  MODEL_KEYS,
  ModelConfig,
  modelLabel,
  TRAIN_KEYS,
  TrainConfig,
} from './engine/config';
import { diagnose } from './engine/diagnostics';
import { diagnoseTask } from './engine/tasks/taskDiagnostics';
import { SeqLabError } from './engine/errors';
import { evaluateTokens } from './engine/evaluate';
import { exportTorch } from './engine/export';
import { writeTorchProject } from './engine/torchProject';
import { importTorchCheckpoint } from './engine/torchImport';
import { LabConfig, labModelLabels, parseCells, parseGaps, runLab } from './engine/lab';
import { defaultBackend } from './engine/defaultBackend';
import { LabResult, ProgressPoint, SATURATION_MARGIN } from './engine/reports';
import { Sampler } from './engine/sample';
import { readTextFile } from './engine/text';
import { DivergedError, Trainer } from './engine/train';
import { Given, parseVerb, usage, UsageError, VERBS, verbUsage } from './cliArgs';
import { evaluateTask, predictTask, trainTask } from './cliTasks';
import { makeConditionalData, makeDateData } from './engine/seq2seq/makeSeq2Seq';
import { makeClassifyData, makeTagData } from './engine/tasks/makeData';
import { taskOfText } from './engine/tasks/fileTask';
import { isSeq2SeqCheckpoint } from './engine/seq2seq/seq2seqTrainer';
import { evaluateSeq2Seq, predictSeq2Seq, trainConditional, trainSeq2Seq } from './cliSeq2Seq';
import { sampleConditional } from './engine/conditional/sampleConditional';
import { OPTIONS, Verb } from './engine/options';
import { enableRelaxedSimd } from './engine/wasm/backend';
import { runNeurons, runSurprise } from './cliInside';
import { runSweep } from './cliSweep';

function formatSeconds(x: number): string {
  if (!Number.isFinite(x)) return '?';
  const m = Math.floor(x / 60),
    sec = Math.round(x % 60);
  return m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

function progressLine(p: ProgressPoint, lastVal: number | null): string {
  const frac = p.totalSteps > 0 ? p.step / p.totalSteps : 0;
  const bar = p.totalSteps > 0 ? `[${'#'.repeat(Math.round(frac * 20)).padEnd(20, '.')}] ` : '';
  const total = p.totalSteps > 0 ? `/${p.totalSteps}` : '';
  const val = lastVal === null ? '' : ` val ${lastVal.toFixed(3)}`;
  return `${bar}step ${p.step}${total} loss ${p.loss.toFixed(3)}${val} ${Math.round(p.charsPerSec).toLocaleString('en-US')} chars/s ETA ${formatSeconds(p.etaSeconds)}`;
}

async function train(file: string, given: Given): Promise<void> {
  const task = given.choice('task') ?? taskOfText(file, () => readTextFile(file));
  if (task === 'seq2seq') return trainSeq2Seq(file, given, defaultBackend({ threads: given.number('threads') }));
  if (task === 'conditional')
    return trainConditional(file, given, defaultBackend({ threads: given.number('threads') }));
  if (task === 'tag' || task === 'classify')
    return trainTask(file, task, given, defaultBackend({ threads: given.number('threads') }));
  const trainOptions = given.pick<TrainConfig>(TRAIN_KEYS);
  const text = readTextFile(file, given.number('maxFileSizeMB') * 1048576);
  const k = defaultBackend({ threads: given.number('threads') });
  const resume = given.text('resume');
  let trainer: Trainer;
  if (resume) {
    // Only the options given on the command line change; the rest continue from the checkpoint.
    trainer = Trainer.resume(loadCheckpoint(resume, k), text, trainOptions, k);
  } else {
    // A time budget alone means no step budget.
    const steps = given.has('seconds') && !given.has('steps') ? { steps: 0 } : {};
    const input = inputFor(given.number('embedSize'));
    const model: Partial<ModelConfig> = { ...given.pick<ModelConfig>(MODEL_KEYS), input };
    trainer = Trainer.create(text, model, { ...defaultTrainConfig, ...trainOptions, ...steps }, k);
  }
  const c = trainer.model.config;
  const out = given.text('out') ?? resume ?? `${basename(file).replace(/\.[^.]*$/, '')}.${c.cell}.safetensors`;
  const tty = process.stderr.isTTY;
  const log = given.text('log');
  if (log) writeFileSync(log, '');
  process.stderr.write(
    `seqlab: ${modelLabel(c)}, vocabulary ${c.vocabSize} ${trainer.model.tokenizer.spec.level === 'char' ? 'characters' : 'words'}, ${trainer.model.params.size.toLocaleString('en-US')} parameters, backend ${backendLabel(k)}\n`,
  );
  if (k.fallbacks.length) process.stderr.write(`seqlab: ${k.name} runs in TypeScript: ${k.fallbacks.join(', ')}\n`);
  let lastVal: number | null = null,
    lastPrint = 0,
    savedStep = -1;
  try {
    const result = await trainer.run({
      checkpointEvery: trainer.train.evalEvery,
      onCheckpoint: (ck: Checkpoint) => {
        saveCheckpoint(out, ck);
        savedStep = ck.training!.step;
      },
      onSnapshot:
        log && !given.on('noSnapshots')
          ? (snapshot) => appendFileSync(log, JSON.stringify({ snapshot }) + '\n')
          : undefined,
      onProgress: (p) => {
        if (p.valLoss !== null) lastVal = p.valLoss;
        if (log) appendFileSync(log, JSON.stringify({ ...p, validationSeconds: trainer.validationSeconds }) + '\n');
        const now = performance.now();
        if (tty && now - lastPrint > 100) {
          process.stderr.write(`\r\x1b[K${progressLine(p, lastVal)}`);
          lastPrint = now;
        }
        if (!tty && (p.valLoss !== null || p.step === 1)) process.stderr.write(progressLine(p, lastVal) + '\n');
      },
    });
    if (tty) process.stderr.write('\n');
    const summary = {
      steps: trainer.step,
      valLoss: result.valLoss,
      charsPerSec: Math.round(result.charsPerSec),
      checkpoint: out,
    };
    if (log)
      appendFileSync(
        log,
        JSON.stringify({ final: true, ...summary, validationSeconds: trainer.validationSeconds }) + '\n',
      );
    process.stdout.write(JSON.stringify(summary) + '\n');
  } catch (e) {
    if (tty) process.stderr.write('\n');
    if (e instanceof DivergedError) {
      throw new SeqLabError(
        `${e.message}. ${savedStep >= 0 ? `The last good checkpoint (step ${savedStep}) is kept at ${out}.` : 'No checkpoint was written.'}`,
      );
    }
    throw e;
  }
}

function sample(ckpt: string, given: Given): void {
  const k = defaultBackend({ threads: given.number('threads') });
  const { model } = loadCheckpoint(ckpt, k);
  const label = given.text('label');
  if (label !== undefined || model.config.task === 'conditional') {
    if (label === undefined)
      throw new SeqLabError(
        `a conditional model writes in a label's style: give --label (${model.labels!.join(', ')})`,
      );
    const line = sampleConditional(model, k, label, {
      length: given.number('length'),
      temperature: given.number('temperature'),
      seed: given.number('seed'),
    });
    process.stdout.write(line + '\n');
    return;
  }
  const prime = given.text('prime') ?? '';
  const text = new Sampler(model, k).generate({
    prime,
    length: given.number('length'),
    temperature: given.number('temperature'),
    topK: given.number('topK'),
    topP: given.number('topP'),
    greedy: given.on('greedy'),
    seed: given.number('seed'),
    stopAtEos: given.on('stopAtEos'),
    allowUnk: !given.on('noUnk'),
  });
  process.stdout.write(prime + text + '\n');
}

function evaluate(ckpt: string, file: string, given: Given): void {
  if (isSeq2SeqCheckpoint(ckpt)) {
    process.stdout.write(
      JSON.stringify(evaluateSeq2Seq(ckpt, file, given, defaultBackend({ threads: given.number('threads') }))) + '\n',
    );
    return;
  }
  const k = defaultBackend({ threads: given.number('threads') });
  const { model, training } = loadCheckpoint(ckpt, k);
  if (model.config.task !== 'lm') {
    process.stdout.write(JSON.stringify(evaluateTask(model, file, k)) + '\n');
    return;
  }
  const tokens = model.tokenizer.encode(readTextFile(file));
  if (tokens.length < 2) throw new SeqLabError(`${file} has ${tokens.length} token; eval needs at least 2`);
  const r = evaluateTokens(model, k, tokens, 1, training?.train.seqLength ?? defaultTrainConfig.seqLength);
  // docs/cli.md: {loss, perplexity, chars}; a word-level model counts words.
  const counted = model.tokenizer.spec.level === 'word' ? 'words' : 'chars';
  process.stdout.write(JSON.stringify({ loss: r.loss, perplexity: r.perplexity, [counted]: r.tokens }) + '\n');
}

function runDiagnose(ckpt: string, file: string, given: Given): void {
  const k = defaultBackend({ threads: given.number('threads') });
  const { model } = loadCheckpoint(ckpt, k);
  const text = readTextFile(file),
    options = { steps: given.number('diagnoseSteps') };
  const r =
    model.config.task === 'lm'
      ? diagnose(model, k, model.tokenizer.encode(text), options)
      : diagnoseTask(model, k, text, basename(file), options);
  if (given.on('json')) {
    process.stdout.write(JSON.stringify(r) + '\n');
    return;
  }
  const lines = [`${r.label}: how far back the gradient reaches over a window of T = ${r.steps} steps`];
  // from: the step whose loss reaches back (T; 1 for a backward direction's), the marks counted away from it.
  const curve = (name: string, norms: number[], from: 'T' | '1' = 'T') => {
    const T = norms.length,
      at = (t: number) => norms[t - 1].toExponential(2);
    const [near, far] = from === 'T' ? [T, 1] : [1, T];
    const marks = [0, 1, 5, 10, 25, T - 1]
      .filter((d, i, a) => d < T && a.indexOf(d) === i)
      .map((d) => (from === 'T' ? T - d : 1 + d));
    return `${name}: ${marks.map((t) => `t=${t}: ${at(t)}`).join('  ')}   ratio t=${far}/t=${near}: ${(norms[far - 1] / norms[near - 1]).toExponential(2)}`;
  };
  const direction = r.backwardGradNorms ? ' →' : '';
  r.gradNorms.forEach((norms, l) => {
    lines.push(curve(`  layer ${l}${direction} ‖∂L<T>/∂a<t>‖ (hidden state)`, norms));
    const cell = r.cellGradNorms?.[l];
    if (cell) lines.push(curve(`  layer ${l}${direction} ‖∂L<T>/∂c<t>‖ (memory cell)`, cell));
  });
  // The backward direction reads from T down to 1: its reach is measured from t = 1 (see gradientReach).
  r.backwardGradNorms?.forEach((norms, l) => {
    lines.push(curve(`  layer ${l} ← ‖∂L/∂a←<t>‖ (hidden state)`, norms, '1'));
    const cell = r.backwardCellGradNorms?.[l];
    if (cell) lines.push(curve(`  layer ${l} ← ‖∂L/∂c←<t>‖ (memory cell)`, cell, '1'));
  });
  if (r.gates.length)
    lines.push(
      `gate saturation in the course's terms (fraction within ${SATURATION_MARGIN * 100}% of either end of each gate's range):`,
    );
  for (const g of r.gates) {
    const [lo, hi] = g.range;
    lines.push(
      `  layer ${g.layer} ${g.gate}: ${(g.low * 100).toFixed(1)}% near ${lo} | ${(g.high * 100).toFixed(1)}% near ${hi}`,
    );
  }
  lines.push('gradient norm per parameter (loss of the whole window):');
  for (const p of r.paramGradNorms) lines.push(`  ${p.name.padEnd(24)} ${p.norm.toExponential(3)}`);
  process.stdout.write(lines.join('\n') + '\n');
}

function runExport(ckpt: string, given: Given): void {
  const out = given.text('exportOut')!;
  const ck = loadCheckpoint(ckpt, defaultBackend({ threads: given.number('threads') }));
  if (given.choice('format') === 'torch-project') {
    const files = writeTorchProject(ck, out);
    process.stdout.write(JSON.stringify({ exported: out, files }) + '\n');
    return;
  }
  exportTorch(ck.model, out);
  process.stdout.write(JSON.stringify({ exported: out }) + '\n');
}

function runImport(file: string, given: Given): void {
  const out = given.text('importOut')!;
  const ck = importTorchCheckpoint(file, defaultBackend({ threads: given.number('threads') }));
  saveCheckpoint(out, ck);
  const summary = { imported: out, model: modelLabel(ck.model.config), step: ck.training?.step ?? null };
  process.stdout.write(JSON.stringify(summary) + '\n');
}

/** The lab's table: one row per cell, one column per gap, accuracy in %. */
function labTable(config: LabConfig, results: LabResult[]): string {
  const labels = labModelLabels(config);
  const head = ['gap N', ...config.gaps.map(String)];
  const rows = config.cells.map((cell, i) => [
    labels[i],
    ...config.gaps.map((gap) => {
      const r = results.find((x) => x.cell === cell && x.gap === gap);
      return r ? `${(r.accuracy * 100).toFixed(1)}%` : '—';
    }),
  ]);
  const width = Math.max(...[head, ...rows].map((r) => r[0].length));
  const line = (r: string[]) => [r[0].padEnd(width), ...r.slice(1).map((c) => c.padStart(7))].join(' ');
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

async function lab(given: Given): Promise<void> {
  const config: LabConfig = {
    cells: parseCells(given.text('labCells') ?? OPTIONS.labCells.default, '--cells'),
    gaps: parseGaps(given.text('labGaps') ?? OPTIONS.labGaps.default, '--gaps'),
    steps: given.number('labSteps'),
    hidden: given.number('labHidden'),
    lr: given.number('labLr'),
    batchSize: given.number('labBatch'),
    seed: given.number('seed'),
  };
  const k = defaultBackend({ threads: given.number('threads') });
  const tty = process.stderr.isTTY;
  let lastPrint = 0,
    runStart = performance.now(),
    label = '';
  process.stderr.write(
    `seqlab lab: ${config.cells.length} cells × ${config.gaps.length} gaps, ${config.steps} steps each (hidden ${config.hidden}, lr ${config.lr}, batch ${config.batchSize}), backend ${backendLabel(k)}\n`,
  );
  const { results } = await runLab(config, k, {
    onProgress: (p) => {
      if (p.step === 1) [runStart, label] = [performance.now(), p.label];
      const now = performance.now();
      if (tty && now - lastPrint > 100) {
        process.stderr.write(`\r\x1b[K[${p.run}/${p.runs}] ${p.label} N = ${p.gap}: step ${p.step}/${p.steps}`);
        lastPrint = now;
      }
    },
    onResult: (r) => {
      const seconds = ((performance.now() - runStart) / 1000).toFixed(1);
      const what = `${label} N = ${r.gap}: ${(r.accuracy * 100).toFixed(1)}% (${seconds} s)`;
      process.stderr.write(tty ? `\r\x1b[K${what}\n` : `${what}\n`);
    },
  });
  process.stdout.write(given.on('json') ? JSON.stringify(results) + '\n' : labTable(config, results));
}

function predict(ckpt: string, file: string, given: Given): void {
  if (isSeq2SeqCheckpoint(ckpt))
    return predictSeq2Seq(ckpt, file, given, defaultBackend({ threads: given.number('threads') }));
  const k = defaultBackend({ threads: given.number('threads') });
  const text = predictTask(loadCheckpoint(ckpt, k).model, file, k);
  const out = given.text('dataOut');
  if (out) writeFileSync(out, text);
  else process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

/** seqlab make-data tag|classify: the synthetic sets that show what each architecture is for. */
function makeData(kind: string, given: Given): void {
  const seed = given.number('seed');
  const out = given.text('dataOut');
  if (kind === 'seq2seq') {
    // Two files: the training set at --out (default dates.tsv) and its held-out dates beside it.
    const { train, heldOut } = makeDateData({ seed });
    const trainPath = out ?? 'dates.tsv';
    const heldOutPath = trainPath.replace(/(\.[^./]*)?$/, (ext) => `.heldout${ext || '.tsv'}`);
    writeFileSync(trainPath, train);
    writeFileSync(heldOutPath, heldOut);
    process.stdout.write(JSON.stringify({ train: trainPath, heldOut: heldOutPath }) + '\n');
    return;
  }
  const make = { tag: makeTagData, classify: makeClassifyData, conditional: makeConditionalData }[kind];
  if (!make) throw new UsageError(`make-data makes "tag", "classify", "seq2seq" or "conditional", not "${kind}"`);
  const text = make({ seed });
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
}

/** Runs a verb on its parsed command line; --help prints the verb's options. */
async function runVerb(verb: Verb, argv: string[]): Promise<void> {
  const parsed = parseVerb(verb, argv);
  if (!parsed) {
    process.stdout.write(verbUsage(verb));
    return;
  }
  const {
    positionals: [first, second],
    given,
  } = parsed;
  switch (verb) {
    case 'train':
      return train(first, given);
    case 'sample':
      return sample(first, given);
    case 'eval':
      return evaluate(first, second, given);
    case 'diagnose':
      return runDiagnose(first, second, given);
    case 'export':
      return runExport(first, given);
    case 'import':
      return runImport(first, given);
    case 'lab':
      return lab(given);
    case 'make-data':
      return makeData(first, given);
    case 'predict':
      return predict(first, second, given);
    case 'surprise':
      return runSurprise(first, second, given);
    case 'neurons':
      return runNeurons(first, second, given);
    case 'sweep':
      return runSweep(first, given);
  }
}

export async function main(argv: string[]): Promise<number> {
  enableRelaxedSimd(); // fused multiply-add in the WebAssembly kernels (a V8 flag on Node 20)
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'train':
      case 'sample':
      case 'eval':
      case 'diagnose':
      case 'export':
      case 'import':
      case 'lab':
      case 'make-data':
      case 'predict':
      case 'surprise':
      case 'neurons':
      case 'sweep':
        await runVerb(command, rest);
        break;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(usage());
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      const help = command && command in VERBS ? `seqlab ${command} --help` : 'seqlab --help';
      process.stderr.write(`seqlab: ${e.message}\nRun "${help}" for usage.\n`);
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
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
