// The code-server runner's verdict on a finished integration suite (test/integration/suiteVerdict.ts).

import * as assert from 'node:assert/strict';
import { parseSuiteCounts, suiteVerdict } from '../integration/suiteVerdict';

describe('integration runner verdict', () => {
  const counts = (passed: number, failed: number, skipped = 0) => ({ passed, failed, skipped });

  it("reads index.ts's result line and nothing else", () => {
    assert.deepEqual(parseSuiteCounts('[seqlab-it] result: 12 passed, 1 failed, 2 skipped'), counts(12, 1, 2));
    assert.equal(parseSuiteCounts('  ✔ 12 passing (3s)'), undefined);
  });

  it('passes a suite that exited 0 with passing tests and no failure', () => {
    const line = 'integration: 14 passed, 0 failed, 1 skipped';
    assert.deepEqual(suiteVerdict(0, counts(14, 0, 1)), { code: 0, line });
  });

  it("keeps a failing suite's own exit code", () => {
    assert.equal(suiteVerdict(1, counts(13, 1)).code, 1);
    assert.equal(suiteVerdict(3, undefined).code, 3);
  });

  it('fails a suite that exited 0 without reporting its counts', () => {
    const v = suiteVerdict(0, undefined);
    assert.equal(v.code, 1);
    assert.equal(v.line, 'integration: no counts');
    assert.match(v.reason ?? '', /never reported its counts/);
  });

  it('fails a suite that exited 0 with no passing test', () => {
    const v = suiteVerdict(0, counts(0, 0, 5));
    assert.equal(v.code, 1);
    assert.match(v.reason ?? '', /no test passed/);
  });

  it('fails a suite that exited 0 while its counts show a failure', () => {
    assert.equal(suiteVerdict(0, counts(10, 2)).code, 1);
  });

  it('fails on an exit code that is not an integer', () => {
    for (const code of [undefined, null, '0', Number.NaN, 0.5]) {
      const v = suiteVerdict(code, counts(10, 0));
      assert.equal(v.code, 1, `exit code ${String(code)}`);
      assert.match(v.reason ?? '', /not an integer/);
    }
  });
});
