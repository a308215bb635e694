// Scores of an encoder–decoder against gold targets: exact match, character error rate (edit
// distance over reference length) and corpus BLEU for word-level output. All are fractions ≥ 0.

function checkPairs(what: string, gold: unknown[], predicted: unknown[]): void {
  if (gold.length !== predicted.length) {
    throw new Error(`${what}: ${gold.length} gold but ${predicted.length} predicted`);
  }
  if (gold.length === 0) throw new Error(`${what}: no examples to score`);
}

/**
 * The Levenshtein distance between a and b over code points: the fewest insertions, deletions and
 * substitutions (each costing 1) that turn a into b. With D[i][j] the distance between the first i
 * characters of a and the first j of b: D[i][0] = i, D[0][j] = j,
 *   D[i][j] = min(D[i−1][j] + 1, D[i][j−1] + 1, D[i−1][j−1] + [a_i ≠ b_j]).
 */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  // One row of D at a time: previous[j] = D[i−1][j], current[j] = D[i][j].
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length];
}

/** exact match = #{i: gold_i = pred_i} / n. */
export function exactMatch(gold: string[], predicted: string[]): number {
  checkPairs('exactMatch', gold, predicted);
  let equal = 0;
  gold.forEach((g, i) => {
    if (g === predicted[i]) equal++;
  });
  return equal / gold.length;
}

/**
 * Corpus character error rate = Σ_i editDistance(gold_i, pred_i) / Σ_i |gold_i|, lengths in code
 * points: 0 for a perfect output, above 1 when the output is much longer than the reference.
 */
export function characterErrorRate(gold: string[], predicted: string[]): number {
  checkPairs('characterErrorRate', gold, predicted);
  let edits = 0;
  let length = 0;
  gold.forEach((g, i) => {
    edits += editDistance(g, predicted[i]);
    length += [...g].length;
  });
  if (length === 0) throw new Error('characterErrorRate: the references are all empty');
  return edits / length;
}

/** How often each n-gram (tokens joined by a space, which no token contains) occurs in tokens. */
function nGramCounts(tokens: string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let t = 0; t + n <= tokens.length; t++) {
    const key = tokens.slice(t, t + n).join(' ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * Corpus BLEU (Papineni et al. 2002) of tokenised outputs, one reference each, as sacreBLEU computes
 * it by default without smoothing (on tokens the caller has split). For n = 1 … maxN the modified
 * precision sums clipped matches over the whole corpus:
 *   p_n = Σ_i Σ_g min(count_pred_i(g), count_gold_i(g)) / Σ_i Σ_g count_pred_i(g)   (g: the n-grams of pred_i),
 * with c = Σ_i |pred_i| and r = Σ_i |gold_i| the brevity penalty is BP = 1 when c > r, else exp(1 − r/c), and
 *   BLEU = BP · exp((1/maxN) Σ_n log p_n),
 * a fraction in [0, 1]. It is 0 when any p_n is 0 (no matching n-gram of some order, or no n-gram of
 * that order at all because every output is shorter than n) and when c = 0.
 */
export function bleu(gold: string[][], predicted: string[][], maxN = 4): number {
  checkPairs('bleu', gold, predicted);
  if (!(Number.isInteger(maxN) && maxN >= 1)) throw new Error(`bleu: maxN must be a whole number ≥ 1 (got ${maxN})`);
  const matches = new Array<number>(maxN).fill(0);
  const totals = new Array<number>(maxN).fill(0);
  let c = 0;
  let r = 0;
  gold.forEach((reference, i) => {
    const hypothesis = predicted[i];
    c += hypothesis.length;
    r += reference.length;
    for (let n = 1; n <= maxN; n++) {
      const referenceCounts = nGramCounts(reference, n);
      for (const [g, count] of nGramCounts(hypothesis, n)) {
        matches[n - 1] += Math.min(count, referenceCounts.get(g) ?? 0);
        totals[n - 1] += count;
      }
    }
  });
  if (c === 0 || matches.some((m) => m === 0)) return 0;
  const logMean = matches.reduce((sum, m, k) => sum + Math.log(m / totals[k]), 0) / maxN;
  const brevityPenalty = c > r ? 1 : Math.exp(1 - r / c);
  return brevityPenalty * Math.exp(logMean);
}
