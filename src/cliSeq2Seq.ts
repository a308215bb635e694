// The CLI's verbs for the course's last two architectures (docs/cli.md): the encoder–decoder (train on
// `source<TAB>target` pairs, eval's JSON — exact match, character error rate, BLEU at word level — and predict's
// `source<TAB>output` lines, greedy or with a beam) and the conditioned language model (train on
// `label<TAB>text` lines; seqlab sample --label writes in a label's style).

import { basename } from 'node:path';
import { writeFileSync } from 'node:fs';
import { Backend, backendLabel } from './engine/backend';
import {
  defaultTrainConfig,
  inputFor,
  MODEL_KEYS,
  ModelConfig,
  modelLabel,
  TRAIN_KEYS,
  TrainConfig,
} from './engine/config';
import { parseSeq2SeqFile } from './engine/seq2seq/seq2seqData';
import {
  decodeSources,
  encodePairs,
  loadSeq2Seq,
  saveSeq2Seq,
  Seq2SeqTrainer,
  seq2seqMetrics,
  Seq2SeqMetrics,
} from './engine/seq2seq/seq2seqTrainer';
import { referenceText } from './engine/seq2seq/seq2seqVocab';
import { saveCheckpoint } from './engine/checkpoint';
import { parseConditionalFile } from './engine/conditional/conditionalData';
import { ConditionalTrainer } from './engine/conditional/conditionalTrainer';
import { SeqLabError } from './engine/errors';
import { splitValidation } from './engine/tasks/taskData';
import { readTextFile } from './engine/text';
import { Given } from './cliArgs';

/** The longest output an eval or predict writes beyond the longest target the model trained on. */
const EXTRA_LENGTH = 20;

export async function trainSeq2Seq(file: string, given: Given, k: Backend): Promise<void> {
  if (given.text('resume'))
    throw new SeqLabError('--resume continues language models only; train the encoder–decoder anew');
  const train: TrainConfig = { ...defaultTrainConfig, ...given.pick<TrainConfig>(TRAIN_KEYS) };
  if (given.has('seconds') && !given.has('steps')) train.steps = 0;
  const pairs = parseSeq2SeqFile(readTextFile(file), basename(file), { requireTargets: true });
  const valFile = given.text('valFile');
  const { train: trainPairs, val } = valFile
    ? { train: pairs, val: parseSeq2SeqFile(readTextFile(valFile), basename(valFile), { requireTargets: true }) }
    : splitValidation(pairs, train.valFraction, train.seed);
  const model: Partial<ModelConfig> = {
    ...given.pick<ModelConfig>(MODEL_KEYS),
    input: inputFor(given.number('embedSize')),
  };
  const trainer = Seq2SeqTrainer.create(trainPairs, val, model, train, k, { sharedVocab: given.on('sharedVocab') });
  const c = trainer.model.config;
  const out = given.text('out') ?? `${basename(file).replace(/\.[^.]*$/, '')}.${c.cell}.safetensors`;
  const unit = train.level === 'char' ? 'characters' : 'words';
  const vocabulary = c.sharedVocab
    ? `a shared vocabulary of ${c.targetVocab} ${unit}`
    : `${c.sourceVocab} source and ${c.targetVocab} target ${unit}`;
  process.stderr.write(
    `seqlab: encoder–decoder ${modelLabel({ ...c, gruForm: c.gruForm, peephole: c.peephole })}${c.bidirectional ? ' (bidirectional encoder)' : ''}, ` +
      `${vocabulary}, ${trainer.model.params.size.toLocaleString('en-US')} parameters, backend ${backendLabel(k)}\n`,
  );
  const result = await trainer.run({
    onProgress: (p) => {
      if (p.step === 1 || p.step % train.evalEvery === 0)
        process.stderr.write(`step ${p.step}${p.totalSteps ? `/${p.totalSteps}` : ''} loss ${p.loss.toFixed(3)}\n`);
    },
    onValidation: (v) =>
      process.stderr.write(
        `step ${v.step} exact match ${(100 * v.exactMatch).toFixed(1)} % CER ${v.cer.toFixed(4)}${v.bleu === undefined ? '' : ` BLEU ${v.bleu.toFixed(4)}`}\n`,
      ),
  });
  saveSeq2Seq(out, trainer.model);
  const summary = {
    task: 'seq2seq',
    steps: trainer.step,
    ...(result.val ? { val: metricsJson(result.val) } : {}),
    checkpoint: out,
  };
  process.stdout.write(JSON.stringify(summary) + '\n');
}

/** The model's output for every source of FILE: [sources, gold targets (null where none), outputs]. */
function decodeFile(ckpt: string, file: string, given: Given, k: Backend) {
  const model = loadSeq2Seq(ckpt, k);
  const pairs = parseSeq2SeqFile(readTextFile(file), basename(file));
  const encoded = encodePairs(model, pairs);
  const maxLen = Math.max(...encoded.map((p) => p.target.length), 0) + EXTRA_LENGTH;
  const outputs = decodeSources(
    model,
    k,
    encoded.map((p) => p.source),
    given.number('beam'),
    maxLen,
  );
  return { model, pairs, outputs };
}

/** The metrics as eval and train print them: exact_match, cer, and bleu at word level. */
function metricsJson(m: Seq2SeqMetrics): object {
  return { exact_match: m.exactMatch, cer: m.cer, ...(m.bleu === undefined ? {} : { bleu: m.bleu }) };
}

/**
 * seqlab eval CKPT FILE for an encoder–decoder: {"task": "seq2seq", "exact_match", "cer", "examples"},
 * with "bleu" before "examples" at word level (the gold targets' words joined by spaces, as outputs are).
 */
export function evaluateSeq2Seq(ckpt: string, file: string, given: Given, k: Backend): object {
  const { model, pairs, outputs } = decodeFile(ckpt, file, given, k);
  if (pairs.some((p) => p.target === null))
    throw new SeqLabError(`${basename(file)} has lines without a target: eval needs source<TAB>target on every line`);
  const m = seq2seqMetrics(
    pairs.map((p) => referenceText(model.target, p.target!)),
    outputs,
    model.target.spec.level,
  );
  return { task: 'seq2seq', ...metricsJson(m), examples: pairs.length };
}

/** seqlab predict CKPT FILE for an encoder–decoder: one `source<TAB>output` line per source (a line without a target is fine). */
export function predictSeq2Seq(ckpt: string, file: string, given: Given, k: Backend): void {
  const { pairs, outputs } = decodeFile(ckpt, file, given, k);
  const text = pairs.map((p, i) => `${p.source}\t${outputs[i]}`).join('\n') + '\n';
  const out = given.text('dataOut');
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
}

/** seqlab train FILE --task conditional: a language model whose a<0> a label sets (label<TAB>text lines). */
export async function trainConditional(file: string, given: Given, k: Backend): Promise<void> {
  if (given.text('resume'))
    throw new SeqLabError('--resume continues language models only; train the conditional model anew');
  const train: TrainConfig = { ...defaultTrainConfig, ...given.pick<TrainConfig>(TRAIN_KEYS) };
  if (given.has('seconds') && !given.has('steps')) train.steps = 0;
  const records = parseConditionalFile(readTextFile(file), basename(file));
  const valFile = given.text('valFile');
  const { train: trainRecords, val } = valFile
    ? { train: records, val: parseConditionalFile(readTextFile(valFile), basename(valFile)) }
    : splitValidation(records, train.valFraction, train.seed);
  const model: Partial<ModelConfig> = {
    ...given.pick<ModelConfig>(MODEL_KEYS),
    input: inputFor(given.number('embedSize')),
  };
  const trainer = ConditionalTrainer.create(trainRecords, val, model, train, k, basename(file));
  const c = trainer.model.config;
  const out = given.text('out') ?? `${basename(file).replace(/\.[^.]*$/, '')}.${c.cell}.safetensors`;
  process.stderr.write(
    `seqlab: conditional ${modelLabel(c)}, ${c.vocabSize} characters, labels ${trainer.model.labels!.join(', ')}, backend ${backendLabel(k)}\n`,
  );
  const result = await trainer.run({
    checkpointEvery: train.evalEvery,
    onCheckpoint: (ck) => saveCheckpoint(out, ck),
    onProgress: (p) => {
      if (p.valLoss !== null || p.step === 1)
        process.stderr.write(
          `step ${p.step}${p.totalSteps ? `/${p.totalSteps}` : ''} loss ${p.loss.toFixed(3)}${p.valLoss !== null ? ` val ${p.valLoss.toFixed(3)}` : ''}\n`,
        );
    },
  });
  process.stdout.write(
    JSON.stringify({
      task: 'conditional',
      steps: trainer.step,
      valLoss: result.valLoss,
      labels: trainer.model.labels,
      checkpoint: out,
    }) + '\n',
  );
}
