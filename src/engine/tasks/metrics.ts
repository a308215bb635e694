// Scores of a tagger and a classifier against gold data: accuracy, per-tag / per-label precision,
// recall and F1, macro-F1, CoNLL entity-level F1 and the confusion matrix. All are fractions in [0, 1].

/** Precision, recall and F1 of one tag or label; support = how often it is the gold answer. */
export interface PRF {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/**
 * From true positives, false positives and false negatives:
 *   precision = tp / (tp + fp),  recall = tp / (tp + fn),  F1 = 2·precision·recall / (precision + recall),
 * each 0 where its denominator is 0; support = tp + fn.
 */
function prf(tp: number, fp: number, fn: number): PRF {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, support: tp + fn };
}

function checkSameLength(what: string, gold: unknown[], predicted: unknown[]): void {
  if (gold.length !== predicted.length) {
    throw new Error(`${what}: ${gold.length} gold but ${predicted.length} predicted`);
  }
}

/**
 * Per-class scores over paired answers, one entry per class in `classes`: for class k,
 * tp = #{i: gold_i = k ∧ pred_i = k}, fp = #{i: gold_i ≠ k ∧ pred_i = k}, fn = #{i: gold_i = k ∧ pred_i ≠ k}.
 * macroF1 = the mean F1 over the classes that occur in gold (support > 0).
 */
function perClass(
  gold: string[],
  predicted: string[],
  classes: string[],
): { scores: Record<string, PRF>; macroF1: number } {
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  gold.forEach((g, i) => {
    const p = predicted[i];
    if (g === p) add(tp, g);
    else {
      add(fn, g);
      add(fp, p);
    }
  });
  const scores: Record<string, PRF> = {};
  let sum = 0;
  let inGold = 0;
  for (const k of classes) {
    scores[k] = prf(tp.get(k) ?? 0, fp.get(k) ?? 0, fn.get(k) ?? 0);
    if (scores[k].support > 0) {
      sum += scores[k].f1;
      inGold++;
    }
  }
  return { scores, macroF1: inGold > 0 ? sum / inGold : 0 };
}

/** accuracy = #{i: gold_i = pred_i} / n. */
function accuracyOf(gold: string[], predicted: string[]): number {
  let correct = 0;
  gold.forEach((g, i) => {
    if (g === predicted[i]) correct++;
  });
  return correct / gold.length;
}

/** A chunk (entity) of a tagged sentence: tokens [start, end) of one type. */
interface Chunk {
  start: number;
  end: number;
  type: string;
}

/**
 * The chunks of one sentence's B-/I- tags, by conlleval's rules: B-X starts a chunk of type X; I-X
 * continues the chunk before it when that chunk has type X and starts one otherwise (after O, at the
 * sentence start, or after a chunk of another type); any other tag (O, or one without a B-/I- prefix) is outside.
 */
function chunksOf(tags: string[]): Chunk[] {
  const chunks: Chunk[] = [];
  let open: Chunk | null = null;
  tags.forEach((tag, t) => {
    const m = /^([BI])-(.+)$/.exec(tag);
    if (m === null) {
      open = null;
      return;
    }
    const [, prefix, type] = m;
    if (prefix === 'I' && open !== null && open.type === type) {
      open.end = t + 1;
      return;
    }
    open = { start: t, end: t + 1, type };
    chunks.push(open);
  });
  return chunks;
}

/**
 * CoNLL entity-level F1 (conlleval's overall FB1, as a fraction): a predicted chunk is correct when a
 * gold chunk has the same start, end and type; precision = correct / predicted chunks, recall =
 * correct / gold chunks, F1 = 2PR / (P + R) (0 when P + R = 0).
 */
function entityF1(gold: string[][], predicted: string[][]): number {
  let correct = 0;
  let nGold = 0;
  let nPredicted = 0;
  gold.forEach((goldTags, s) => {
    const goldChunks = chunksOf(goldTags);
    const predictedChunks = chunksOf(predicted[s]);
    const key = (c: Chunk) => `${c.start}:${c.end}:${c.type}`;
    const goldKeys = new Set(goldChunks.map(key));
    for (const c of predictedChunks) if (goldKeys.has(key(c))) correct++;
    nGold += goldChunks.length;
    nPredicted += predictedChunks.length;
  });
  return prf(correct, nPredicted - correct, nGold - correct).f1;
}

/**
 * Scores of a tagger over sentences (gold[s][t] against predicted[s][t]): token accuracy; per-tag
 * precision / recall / F1 for every tag in gold or predictions (keys sorted); macroF1 = the mean F1
 * over the tags that occur in gold; tokens = the number of tokens scored; entityF1 = CoNLL entity-level
 * F1 when any gold tag starts with "B-" or "I-", else null.
 */
export function tagMetrics(
  gold: string[][],
  predicted: string[][],
): { accuracy: number; macroF1: number; perTag: Record<string, PRF>; tokens: number; entityF1: number | null } {
  checkSameLength('tagMetrics sentences', gold, predicted);
  gold.forEach((g, s) => checkSameLength(`tagMetrics sentence ${s}`, g, predicted[s]));
  const goldFlat = gold.flat();
  const predictedFlat = predicted.flat();
  if (goldFlat.length === 0) throw new Error('tagMetrics: no tokens to score');
  const tags = [...new Set([...goldFlat, ...predictedFlat])].sort();
  const { scores, macroF1 } = perClass(goldFlat, predictedFlat, tags);
  const hasChunks = goldFlat.some((t) => t.startsWith('B-') || t.startsWith('I-'));
  return {
    accuracy: accuracyOf(goldFlat, predictedFlat),
    macroF1,
    perTag: scores,
    tokens: goldFlat.length,
    entityF1: hasChunks ? entityF1(gold, predicted) : null,
  };
}

/**
 * Scores of a classifier: accuracy; per-label precision / recall / F1 for every entry of `labels`;
 * macroF1 = the mean F1 over the labels that occur in gold; confusion[i][j] = the number of examples
 * with gold labels[i] predicted as labels[j] (rows: gold, columns: predicted). Every gold and predicted
 * label must be in `labels` (append unseenLabels(gold, known) to score a set with labels unseen in training).
 */
export function classifyMetrics(
  gold: string[],
  predicted: string[],
  labels: string[],
): { accuracy: number; macroF1: number; perLabel: Record<string, PRF>; confusion: number[][]; examples: number } {
  checkSameLength('classifyMetrics', gold, predicted);
  if (gold.length === 0) throw new Error('classifyMetrics: no examples to score');
  const index = new Map(labels.map((l, i) => [l, i]));
  const confusion = labels.map(() => labels.map(() => 0));
  gold.forEach((g, i) => {
    const row = index.get(g);
    const column = index.get(predicted[i]);
    if (row === undefined || column === undefined) {
      throw new Error(`classifyMetrics: label "${row === undefined ? g : predicted[i]}" is not in the label list`);
    }
    confusion[row][column]++;
  });
  const { scores, macroF1 } = perClass(gold, predicted, labels);
  return { accuracy: accuracyOf(gold, predicted), macroF1, perLabel: scores, confusion, examples: gold.length };
}
