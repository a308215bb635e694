// A task model's validation scores in the sidebar: a tagger's or a classifier's accuracy, macro-F1 and
// (for B-/I- tags) entity F1, an encoder–decoder's exact match, character error rate and (word level)
// BLEU, as curves over
// the steps on a 0–100 % axis (higher when a CER passes 100 %); a line with the latest values;
// and a classifier's confusion matrix of its latest validation as a table (rows: gold label,
// columns: predicted label; the diagonal is what it got right).

import type { RunView, TaskScores } from '../src/protocol';
import { legendValue, themedAxis, themedLegend, type LineOptions, type Palette } from './charts';
import { el } from './dom';
import { formatInt } from './format';

/** One curve of the chart: its legend name, its colour and its value in a validation's scores. */
interface ScoreSeries {
  label: string;
  color: (p: Palette) => string;
  value: (s: TaskScores) => number | null;
}

const ACCURACY: ScoreSeries = { label: 'accuracy', color: (p) => p.blue, value: (s) => s.accuracy };
const MACRO_F1: ScoreSeries = { label: 'macro-F1', color: (p) => p.orange, value: (s) => s.macroF1 };
const ENTITY_F1: ScoreSeries = { label: 'entity F1', color: (p) => p.green, value: (s) => s.entityF1 };
const EXACT_MATCH: ScoreSeries = { label: 'exact match', color: (p) => p.blue, value: (s) => s.exactMatch };
const CER: ScoreSeries = { label: 'CER', color: (p) => p.red, value: (s) => s.cer };
const BLEU: ScoreSeries = { label: 'BLEU', color: (p) => p.green, value: (s) => s.bleu };

/**
 * The curves of a run's scores: an encoder–decoder's exact match and CER (and BLEU at word level); else accuracy and macro-F1,
 * and entity F1 when the tagger's tags are B-/I-.
 */
export function scoreSeries(scores: TaskScores[]): ScoreSeries[] {
  if (scores.some((s) => s.exactMatch !== null))
    return scores.some((s) => s.bleu !== null) ? [EXACT_MATCH, CER, BLEU] : [EXACT_MATCH, CER];
  return scores.some((s) => s.entityF1 !== null) ? [ACCURACY, MACRO_F1, ENTITY_F1] : [ACCURACY, MACRO_F1];
}

/** A fraction as a percentage with one decimal: 0.9312 → "93.1%". */
export function percent(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}

/** x: the validation steps; per series its fraction at each (null where a validation has none). */
export function scoresData(scores: TaskScores[], series: ScoreSeries[]): [number[], ...(number | null)[][]] {
  return [scores.map((s) => s.step), ...series.map((c) => scores.map((s) => c.value(s)))];
}

export function scoresChartOptions(p: Palette, series: ScoreSeries[], cursorSync: string): LineOptions {
  const value = legendValue(percent);
  return {
    scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    legend: themedLegend(),
    cursor: { drag: { x: true, y: false }, points: { size: 6 }, sync: { key: cursorSync } },
    series: [
      { label: '', value: legendValue((v) => `step ${formatInt(v)}`) },
      ...series.map((c) => ({
        label: c.label,
        stroke: c.color(p),
        width: 1.5,
        value,
        points: { show: true, size: 5, width: 1, stroke: c.color(p), fill: c.color(p) },
      })),
    ],
    axes: [themedAxis(p, {}, 'x'), themedAxis(p, { format: (v) => `${Math.round(v * 100)}%` }, 'y')],
  };
}

/** What the latest validation scored, e.g. "Step 200: accuracy 93.1%, macro-F1 91.2%, entity F1 88.0%." */
export function scoresSummary(scores: TaskScores[]): string {
  const last = scores[scores.length - 1];
  if (!last) return 'No validation yet.';
  const values = scoreSeries(scores)
    .map((c) => ({ label: c.label, v: c.value(last) }))
    .filter((c): c is { label: string; v: number } => c.v !== null)
    .map((c) => `${c.label} ${percent(c.v)}`);
  return `Step ${formatInt(last.step)}: ${values.join(', ')}.`;
}

/**
 * The confusion matrix of a classifier's latest validation, labels as the headers: rows the gold
 * label, columns the predicted one; null when the run has none (a tagger, or no validation yet).
 */
export function confusionTable(run: Pick<RunView, 'labels' | 'scores'>): HTMLTableElement | null {
  const confusion = run.scores[run.scores.length - 1]?.confusion;
  if (!confusion) return null;
  const header = (text: string, scope: 'col' | 'row') => {
    const th = el('th', '', text);
    th.scope = scope;
    return th;
  };
  const corner = el('th', 'corner', 'gold \\ predicted');
  const head = el('tr', '', corner, ...run.labels.map((l) => header(l, 'col')));
  const rows = confusion.map((row, i) =>
    el(
      'tr',
      '',
      header(run.labels[i], 'row'),
      ...row.map((n, j) => {
        const td = el('td', i === j ? 'hit' : n > 0 ? 'miss' : '', String(n));
        td.title = `gold ${run.labels[i]}, predicted ${run.labels[j]}: ${n}`;
        return td;
      }),
    ),
  );
  return el('table', 'confusion', el('thead', '', head), el('tbody', '', ...rows));
}
