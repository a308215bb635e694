// What the code-server runner concludes from a finished suite: the exit code the workbench handed to
// codeAutomationExit and the counts index.ts logged ('[seqlab-it] result: N passed, N failed, N skipped').
// A run passes only when both say so: exit code 0, counts reported, no failure and at least one pass.

export interface SuiteCounts {
  passed: number;
  failed: number;
  skipped: number;
}

export interface SuiteVerdict {
  /** The runner's exit code: 0 when the suite passed, the suite's own code or 1 otherwise. */
  code: number;
  /** The closing line CI reads. */
  line: string;
  /** Why a run that did not report a failure still fails; undefined when the verdict follows the suite. */
  reason?: string;
}

const RESULT_LINE = /\[seqlab-it\] result: (\d+) passed, (\d+) failed, (\d+) skipped/;

/** The counts in one log line of the suite, if it is index.ts's result line. */
export function parseSuiteCounts(text: string): SuiteCounts | undefined {
  const m = RESULT_LINE.exec(text);
  return m ? { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3]) } : undefined;
}

export function suiteVerdict(exitCode: unknown, counts: SuiteCounts | undefined): SuiteVerdict {
  const shown = counts ? `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped` : 'no counts';
  const line = `integration: ${shown}`;
  if (typeof exitCode !== 'number' || !Number.isInteger(exitCode)) {
    return { code: 1, line, reason: `the workbench reported exit code ${JSON.stringify(exitCode)}, not an integer` };
  }
  if (exitCode !== 0) return { code: exitCode, line };
  if (!counts) return { code: 1, line, reason: 'the suite exited 0 but never reported its counts' };
  if (counts.failed > 0) return { code: 1, line, reason: `the suite exited 0 with ${counts.failed} failed test(s)` };
  if (counts.passed === 0) return { code: 1, line, reason: 'the suite exited 0 but no test passed' };
  return { code: 0, line };
}
