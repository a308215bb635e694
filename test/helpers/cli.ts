// Running the built CLI (dist/cli.js) as a user does, for the CLI's tests.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './texts';

const CLI = join(REPO, 'dist', 'cli.js');

/** Runs `seqlab ARGS…`: its exit code, stdout and stderr. */
export function seqlab(...args: string[]): { code: number | null; out: string; err: string } {
  return seqlabWithEnv({}, ...args);
}

/** seqlab() with these environment variables added to the test's own. */
export function seqlabWithEnv(
  env: Record<string, string>,
  ...args: string[]
): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The JSON object a successful verb printed last on stdout. */
export function lastJson(r: ReturnType<typeof seqlab>): Record<string, unknown> {
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out.trim().split('\n').at(-1)!) as Record<string, unknown>;
}
