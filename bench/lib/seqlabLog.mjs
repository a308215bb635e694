// SeqLab's training speed from its `train --log` lines (docs/cli.md), by the warm-up rule every peer
// uses (bench/lib/data.mjs makeClock): drop the first warmupSteps steps and min(warmupSeconds, 10 %
// of the budget) seconds, then B·T·(lastStep − warmStep) / (lastElapsed − warmElapsed). This is wall
// time of the training loop, so the validation passes inside it count against SeqLab.
// Every step line also carries validationSeconds (the wall seconds of the validation passes so far):
// validationShare = validationSeconds / elapsedSeconds of the last step line, and
// charsPerSecExcludingValidation = the same chars over the same interval less the validation seconds
// inside it. Both null when the log has no validationSeconds (a CLI from before it, --baseline-cli).

/** lines: the log's JSON objects; opts: {batch, seqLen, warmupSteps, warmupSeconds, seconds}. null without step lines. */
export function trainingSpeed(lines, { batch, seqLen, warmupSteps, warmupSeconds, seconds }) {
  const timed = lines.filter((l) => Number.isFinite(l.step) && Number.isFinite(l.elapsedSeconds));
  if (!timed.length) return null;
  const warmS = Math.min(warmupSeconds, 0.1 * seconds);
  const last = timed.reduce((a, b) =>
    b.step > a.step || (b.step === a.step && b.elapsedSeconds > a.elapsedSeconds) ? b : a,
  );
  const warm = timed.find((l) => l.step >= warmupSteps && l.elapsedSeconds >= warmS && l.step < last.step);
  const from = warm ?? { step: 0, elapsedSeconds: 0, validationSeconds: 0 };
  const chars = batch * seqLen * (last.step - from.step);
  const span = last.elapsedSeconds - from.elapsedSeconds;
  const withValidation = Number.isFinite(last.validationSeconds) && Number.isFinite(from.validationSeconds);
  return {
    steps: last.step,
    trainSeconds: last.elapsedSeconds,
    warmupSteps: warm ? warm.step : null,
    charsPerSec: span > 0 ? chars / span : null,
    charsPerSecIncludesWarmup: !warm,
    validationSeconds: withValidation ? last.validationSeconds : null,
    validationShare: withValidation && last.elapsedSeconds > 0 ? last.validationSeconds / last.elapsedSeconds : null,
    charsPerSecExcludingValidation: withValidation
      ? chars / (span - (last.validationSeconds - from.validationSeconds))
      : null,
  };
}
