// A task model's predictions scored against its examples' gold classes: what eval prints and what a
// training reports at each validation.

import { Model } from '../checkpoint';
import { TaskScores } from '../reports';
import { classifyMetrics, tagMetrics } from './metrics';

export type ExampleScores =
  | { task: 'tag'; metrics: ReturnType<typeof tagMetrics> }
  | { task: 'classify'; labels: string[]; metrics: ReturnType<typeof classifyMetrics> };

/**
 * The metrics of a tagger or classifier: gold[e] the gold classes of example e (an example's targets),
 * predicted[e] the model's (predictExamples'), as indices into model.labels.
 */
export function scoreExamples(model: Model, gold: Int32Array[], predicted: Int32Array[]): ExampleScores {
  const labels = model.labels!;
  const name = (ids: ArrayLike<number>) => Array.from(ids, (i) => labels[i]);
  if (model.config.task === 'tag') {
    return {
      task: 'tag',
      metrics: tagMetrics(gold.map(name), predicted.map(name)),
    };
  }
  return {
    task: 'classify',
    labels,
    metrics: classifyMetrics(
      gold.map((g) => labels[g[0]]),
      predicted.map((p) => labels[p[0]]),
      labels,
    ),
  };
}

/** The scores a training reports for a validation at `step`. */
export function validationScores(step: number, scored: ExampleScores): TaskScores {
  const { accuracy, macroF1 } = scored.metrics;
  return scored.task === 'tag'
    ? {
        step,
        accuracy,
        macroF1,
        entityF1: scored.metrics.entityF1,
        confusion: null,
        exactMatch: null,
        cer: null,
        bleu: null,
      }
    : {
        step,
        accuracy,
        macroF1,
        entityF1: null,
        confusion: scored.metrics.confusion,
        exactMatch: null,
        cer: null,
        bleu: null,
      };
}
