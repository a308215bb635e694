// The bench's SeqLab peer reads its speed from the CLI's --log lines (bench/lib/seqlabLog.mjs): chars/s
// after warm-up, and validation's share of the training wall time with the speed without it.

import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO } from '../helpers/texts';

interface Speed {
  steps: number;
  warmupSteps: number | null;
  charsPerSec: number | null;
  charsPerSecIncludesWarmup: boolean;
  validationSeconds: number | null;
  validationShare: number | null;
  charsPerSecExcludingValidation: number | null;
}
type Line = Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { trainingSpeed } = require(join(REPO, 'bench', 'lib', 'seqlabLog.mjs')) as {
  trainingSpeed(lines: Line[], opts: Record<string, number>): Speed | null;
};

const opts = { batch: 2, seqLen: 5, warmupSteps: 2, warmupSeconds: 1, seconds: 20 };
/** Step s at s seconds; a validation pass of 0.5 s at step 4 (counted from that line on). */
const log = (withValidation: boolean): Line[] =>
  Array.from({ length: 10 }, (_, i) => {
    const step = i + 1;
    const line: Line = { step, loss: 3, elapsedSeconds: step };
    if (withValidation) line.validationSeconds = step >= 4 ? 0.5 : 0;
    return line;
  });

describe('bench: the SeqLab peer reads its log', () => {
  it('chars/s from the first step past the warm-up to the last, and validation separately', () => {
    const s = trainingSpeed([...log(true), { final: true, steps: 10, valLoss: 2.5 }], opts)!;
    assert.equal(s.steps, 10);
    assert.equal(s.warmupSteps, 2); // step 2 at 2 s ≥ min(1, 10 % of 20)
    assert.equal(s.charsPerSec, (2 * 5 * 8) / 8);
    assert.equal(s.charsPerSecIncludesWarmup, false);
    assert.equal(s.validationSeconds, 0.5);
    assert.equal(s.validationShare, 0.05);
    assert.equal(s.charsPerSecExcludingValidation, (2 * 5 * 8) / 7.5);
  });

  it('without validationSeconds in the log (an older CLI) the validation fields are null, the speed the same', () => {
    const s = trainingSpeed(log(false), opts)!;
    assert.equal(s.charsPerSec, 10);
    assert.equal(s.validationShare, null);
    assert.equal(s.charsPerSecExcludingValidation, null);
  });

  it('a run shorter than the warm-up counts from its start, and says so; no step lines: null', () => {
    const s = trainingSpeed(log(true).slice(0, 1), { ...opts, warmupSteps: 5 })!;
    assert.equal(s.charsPerSecIncludesWarmup, true);
    assert.equal(s.charsPerSec, 10);
    assert.equal(trainingSpeed([{ snapshot: { seconds: 1 } }], opts), null);
  });
});
