// The long-memory lab: the course's "The cat, which already ate …, was full" made measurable. A
// generated text of lines
//
//     <cue> <N distractors> <answer> "\n"        e.g. N = 5:  "Xqhbwe" + "x" + "\n"
//
// where the cue (X or Y) decides the answer (x or y) N tokens later and the distractors are random
// lowercase letters that never are a cue or an answer. A language model learns it like any text
// (next-token prediction, truncated BPTT), with the window T = N + 3 = one line, aligned to the
// lines: every window holds a cue and its answer, so ∂L<answer>/∂a<cue> is inside one window and
// only the cell decides whether it survives the N steps between them. Each cell trains at each gap
// with the same budget; its score is the fraction of held-out lines whose answer it predicts,
// argmax over {x, y} of ŷ at the step before the answer (the last distractor): 50 % is chance.

import { Backend } from './backend';
import { defaultModelConfig, defaultTrainConfig, modelLabel, TrainConfig } from './config';
import { SeqLabError } from './errors';
import { Network } from './network';
import { checkOption, OPTIONS } from './options';
import { LabProgress, LabResult } from './reports';
import { Rng } from './rng';
import { DivergedError, Trainer } from './train';
import { CELL_KINDS, CellKind } from './types';

const LAB_CUES = ['X', 'Y'] as const;
export const LAB_ANSWERS = ['x', 'y'] as const;
/** Lowercase letters other than the answers. */
export const LAB_DISTRACTORS = 'abcdefghijklmnopqrstuvw';
/**
 * Held-out lines scored per (cell, gap), read on by the streams that trained: a model that learns
 * with a<t> carried across hundreds of lines may rely on where that state has drifted to, and
 * misses lines read from a<0> = 0 that it gets right in the middle of a stream.
 */
const LAB_EVAL_LINES = 512;
/** The training text is at most about this long; longer budgets read it again (fresh lines would only cost memory). */
const LAB_TEXT_CHARS = 1 << 21;
/** The largest gap N (its window T = N + 3 must be a seqLength the engine allows). */
const MAX_GAP = 1000;

export interface LabConfig {
  cells: CellKind[];
  gaps: number[]; // N, distractors between cue and answer
  steps: number; // the budget of every (cell, gap)
  hidden: number;
  lr: number;
  batchSize: number;
  seed: number;
}

export const defaultLabConfig: LabConfig = {
  cells: parseCells(OPTIONS.labCells.default, 'cells'),
  gaps: parseGaps(OPTIONS.labGaps.default, 'gaps'),
  steps: OPTIONS.labSteps.default,
  hidden: OPTIONS.labHidden.default,
  lr: OPTIONS.labLr.default,
  batchSize: OPTIONS.labBatch.default,
  seed: OPTIONS.seed.default,
};

/** "rnn,gru,lstm" → the cells, each once; a SeqLabError naming `name` otherwise. */
export function parseCells(list: string, name: string): CellKind[] {
  const cells = list.split(',').map((s) => s.trim());
  const bad = cells.find((c) => !(CELL_KINDS as readonly string[]).includes(c));
  if (bad !== undefined || new Set(cells).size !== cells.length) {
    throw new SeqLabError(
      `${name} must be a comma-separated list of distinct cells among ${CELL_KINDS.join(', ')} (got "${list}")`,
    );
  }
  return cells as CellKind[];
}

/** "5,10,20" → the gaps, each once, in increasing order; a SeqLabError naming `name` otherwise. */
export function parseGaps(list: string, name: string): number[] {
  const gaps = list.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
  if (!gaps.every((g) => Number.isInteger(g) && g >= 1 && g <= MAX_GAP) || new Set(gaps).size !== gaps.length) {
    throw new SeqLabError(
      `${name} must be a comma-separated list of distinct whole numbers from 1 to ${MAX_GAP} (got "${list}")`,
    );
  }
  return gaps.sort((a, b) => a - b);
}

export function validateLabConfig(c: LabConfig): LabConfig {
  // The lists the CLI parses, checked by the same rules (a config may also come from the host).
  parseCells(c.cells.join(','), 'cells');
  parseGaps(c.gaps.join(','), 'gaps');
  checkOption(OPTIONS.labSteps, c.steps, 'steps');
  checkOption(OPTIONS.labHidden, c.hidden, 'hidden');
  checkOption(OPTIONS.labLr, c.lr, 'lr');
  checkOption(OPTIONS.labBatch, c.batchSize, 'batchSize');
  checkOption(OPTIONS.seed, c.seed, 'seed');
  return c;
}

/** The model each cell trains, e.g. "LSTM-64": one per cell, in the order of config.cells. */
export function labModelLabels(c: Pick<LabConfig, 'cells' | 'hidden'>): string[] {
  return c.cells.map((cell) => modelLabel({ ...defaultModelConfig, cell, hidden: c.hidden }));
}

/**
 * `count` lines of the task with gap N, drawn from `rng`: each cue X or Y with probability ½, each
 * distractor uniformly from `letters` (all independent: nothing but the cue predicts the answer).
 */
export function labLines(gap: number, count: number, rng: Rng, letters: string = LAB_DISTRACTORS): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const c = rng.next() < 0.5 ? 0 : 1;
    let line = LAB_CUES[c];
    for (let j = 0; j < gap; j++) line += letters[Math.floor(rng.next() * letters.length)];
    lines.push(`${line}${LAB_ANSWERS[c]}\n`);
  }
  return lines.join('');
}

/** The seed of the lines of one gap: training text (part 0) or held-out lines (part 1). */
function textSeed(seed: number, gap: number, part: 0 | 1): number {
  return (Math.imul(seed, 0x9e3779b1) ^ Math.imul(gap, 0x85ebca6b) ^ Math.imul(part + 1, 0xc2b2ae35)) >>> 0;
}

/** The training configuration of one gap: windows of one line, no validation split, the lab's budget. */
export function labTrainConfig(c: LabConfig, gap: number): TrainConfig {
  return {
    ...defaultTrainConfig,
    seqLength: gap + 3,
    batchSize: c.batchSize,
    lr: c.lr,
    steps: c.steps,
    seconds: 0,
    valFraction: 0,
    seed: c.seed,
  };
}

/**
 * The training text of one gap: batchSize streams of whole lines, each stream's length a multiple of
 * the line, so that the batcher's windows of T = N + 3 start at a cue. One step reads one line per
 * stream; a stream holds steps + 1 lines (the batcher needs one token past its last window), fewer
 * when that would exceed LAB_TEXT_CHARS.
 */
export function labTrainingText(c: LabConfig, gap: number): string {
  const L = gap + 3,
    B = c.batchSize;
  const cap = Math.floor(LAB_TEXT_CHARS / (B * L));
  const perStream = Math.max(Math.min(c.steps + 1, cap), 2);
  return labLines(gap, B * perStream, new Rng(textSeed(c.seed, gap, 0)));
}

/**
 * The fraction of held-out lines of gap N whose answer the trained model predicts: argmax over
 * {x, y} of ŷ<N+1>, the output at the last distractor (the step before the answer). The lines are
 * read on by the training's B streams, each from the state a<t> (and c<t>) its training left, one
 * line per window as in training; their distractors are the letters the model saw (a tiny training
 * text may lack some).
 */
function labAccuracy(trainer: Trainer, gap: number, seed: number): number {
  const { model, k } = trainer,
    L = gap + 3,
    B = trainer.train.batchSize,
    perStream = Math.ceil(LAB_EVAL_LINES / B),
    V = model.config.vocabSize;
  const letters = [...LAB_DISTRACTORS].filter((l) => model.tokenizer.spec.vocab.includes(l)).join('');
  const tokens = model.tokenizer.encode(labLines(gap, B * perStream, new Rng(textSeed(seed, gap, 1)), letters));
  const [x, y] = LAB_ANSWERS.map((a) => model.tokenizer.encode(a)[0]);
  const net = new Network({ ...model.config, dropout: 0 }, model.params, k, L, B, new Rng(0));
  const carried = trainer.checkpoint().training!.hidden;
  net.stateVectors().forEach((v, i) => v.set(carried[i]));
  const ids = new Int32Array(L * B);
  let correct = 0;
  for (let line = 0; line < perStream; line++) {
    for (let b = 0; b < B; b++) {
      const start = (b * perStream + line) * L;
      for (let t = 0; t < L; t++) ids[t * B + b] = tokens[start + t];
    }
    const logits = net.forward(ids, L, false);
    for (let b = 0; b < B; b++) {
      const row = (gap * B + b) * V; // input x<t> = the last distractor; ŷ predicts the answer
      const predicted = logits[row + x] >= logits[row + y] ? x : y;
      if (predicted === ids[(gap + 1) * B + b]) correct++;
    }
    net.carryState();
  }
  return correct / (B * perStream);
}

export interface LabHooks {
  onProgress?(p: LabProgress): void;
  /** Each (cell, gap) as soon as it is scored. */
  onResult?(r: LabResult): void;
  /** Polled between steps: a stop never interrupts a step half-way; the (cell, gap) it stops gets no result. */
  shouldStop?(): boolean;
  /** Hands control back to the event loop between steps (the worker needs it to receive "stop"). */
  yieldBetweenSteps?: boolean;
}

/**
 * Trains every cell at every gap (gap by gap, the cells in their order on the same text) and scores
 * each; a training that diverges is scored with its last good weights.
 */
export async function runLab(
  config: LabConfig,
  k: Backend,
  hooks: LabHooks = {},
): Promise<{ results: LabResult[]; stopped: boolean }> {
  const c = validateLabConfig(config);
  const results: LabResult[] = [];
  const runs = c.cells.length * c.gaps.length,
    labels = labModelLabels(c);
  for (const [gi, gap] of c.gaps.entries()) {
    const text = labTrainingText(c, gap);
    for (const [ci, cell] of c.cells.entries()) {
      const trainer = Trainer.create(text, { cell, hidden: c.hidden }, labTrainConfig(c, gap), k);
      const label = labels[ci],
        run = gi * c.cells.length + ci + 1;
      const stopped = await trainer
        .run({
          shouldStop: hooks.shouldStop,
          yieldBetweenSteps: hooks.yieldBetweenSteps,
          onProgress: (p) => hooks.onProgress?.({ cell, gap, label, run, runs, step: p.step, steps: c.steps }),
        })
        .then(
          (r) => r.stopped,
          (e: unknown) => {
            // An exploding gradient is one way not to learn the task: score the last good weights.
            if (e instanceof DivergedError) return false;
            throw e;
          },
        );
      if (stopped) return { results, stopped: true };
      const result: LabResult = { cell, gap, accuracy: labAccuracy(trainer, gap, c.seed) };
      results.push(result);
      hooks.onResult?.(result);
    }
  }
  return { results, stopped: false };
}
