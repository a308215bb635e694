// The helper threads as they ship: bundled and minified by esbuild, as scripts/build.mjs --minify
// builds the vsix's dist/worker.js. A helper's program is text (threads.ts); anything it borrowed from
// the bundle by name would be renamed there, the helper would stop after saying it is ready, and a
// split call would wait on it. Run in a child process with a time limit, so that a hang fails the test.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { REPO } from '../helpers/texts';
import { wasmSuite } from '../helpers/wasm';

const ENTRY = `
import { wasmBackend } from ${JSON.stringify(join(REPO, 'src', 'engine', 'wasm', 'backend'))};
const k = wasmBackend({ threads: 2, splitWork: 1 });
const v = k.alloc(1000);
v.fill(2);
k.scale(v, 1.5); // any split call starts the helpers
const pause = new Int32Array(new SharedArrayBuffer(4));
for (let i = 0; i < 4000 && k.threadsInUse() < 2; i++) Atomics.wait(pause, 0, 0, 5);
const threads = k.threadsInUse();
k.scale(v, 2); // split over both threads now
console.log(JSON.stringify({ threads, sumOfSquares: k.sumOfSquares(v) }));
`;

wasmSuite('wasm-simd helper threads in a minified bundle', () => {
  it('start, split a call and end it: no name of the bundle is needed by the helper', function () {
    this.timeout(60000);
    const dir = mkdtempSync(join(tmpdir(), 'seqlab-bundle-'));
    writeFileSync(join(dir, 'entry.ts'), ENTRY);
    buildSync({
      entryPoints: [join(dir, 'entry.ts')],
      bundle: true,
      minify: true,
      platform: 'node',
      outfile: join(dir, 'entry.js'),
      logLevel: 'error',
    });
    const r = spawnSync(process.execPath, [join(dir, 'entry.js')], { encoding: 'utf8', timeout: 30000 });
    assert.equal(r.signal, null, `the bundled run did not finish within 30 s (stderr: ${r.stderr})`);
    assert.equal(r.status, 0, r.stderr);
    // every element 2 · 1.5 · 2 = 6: a sum of squares of 1000 · 36
    assert.deepEqual(JSON.parse(r.stdout), { threads: 2, sumOfSquares: 36000 });
  });
});
