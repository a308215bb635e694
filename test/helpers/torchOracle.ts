// PyTorch as the numeric oracle: runs an oracle script of test/oracle on the cases' files (Debian's
// python3-torch, importable only by /usr/bin/python3) and checks that each case's logits, loss and
// every gradient equal PyTorch's within TOL. The parity suites share it.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { relError } from './relError';

const PYTHON = '/usr/bin/python3';
export const TOL = 1e-4;

/** One case: what the engine computed, and the two files (weights, inputs) the oracle reads. */
export interface OracleCase {
  title: string;
  logits: Float32Array; // batch-first
  loss: number;
  grads: Map<string, Float32Array>;
  files: [string, string];
}

/**
 * Defines one test per case against the oracle script `script` (a file name in test/oracle). check:
 * what a case must also satisfy, asserted before the numbers are compared (e.g. that PyTorch computed
 * the same tensors).
 */
export function compareWithTorch(
  script: string,
  cases: OracleCase[],
  check?: (c: OracleCase, torchGrads: Record<string, number[]>) => void,
): void {
  let refs: { loss: number; logits: number[]; grads: Record<string, number[]> }[] = [];
  before(function () {
    try {
      execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    } catch {
      throw new Error(
        `${PYTHON} cannot import torch: install it with "apt-get install -y python3-torch" (.ci/run does)`,
      );
    }
    const oracle = join(__dirname, '..', '..', '..', 'test', 'oracle', script);
    refs = JSON.parse(
      execFileSync(PYTHON, [oracle, ...cases.flatMap((c) => c.files)], { maxBuffer: 256 << 20 }).toString(),
    );
  });
  cases.forEach((c, i) => {
    it(c.title, () => {
      const ref = refs[i];
      assert.ok(relError(c.logits, ref.logits) < TOL, `logits differ: ${relError(c.logits, ref.logits)}`);
      assert.ok(Math.abs(c.loss - ref.loss) / ref.loss < TOL, `loss ${c.loss} vs torch ${ref.loss}`);
      check?.(c, ref.grads);
      for (const [name, g] of c.grads) {
        const e = relError(g, ref.grads[name]);
        assert.ok(e < TOL, `gradient of ${name} differs: relative error ${e.toExponential(2)}`);
      }
    });
  });
}
