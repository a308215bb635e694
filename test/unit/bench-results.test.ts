// The speed numbers in the docs are produced by code: the marked sections of bench/README.md and
// README.md are exactly what bench/lib/results.mjs renders from the committed bench/results/latest.json.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/texts';

interface Section {
  file: string;
  name: string;
  render(results: unknown): string;
}
interface ResultsModule {
  RESULTS_FILE: string;
  SECTIONS: Section[];
  readSection(text: string, name: string): string;
  replaceSection(text: string, name: string, body: string): string;
}

// An ES module (bench/ is plain Node); Node ≥ 20.19 requires it synchronously.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const bench = require(join(REPO, 'bench', 'lib', 'results.mjs')) as ResultsModule;

interface Row {
  peer: string;
  cell: string;
  hidden: number;
  n: number;
  charsPerSec: number | null;
  ratio: number | null;
}
interface Results {
  meta: Record<string, unknown>;
  table: Row[];
  runs: unknown[];
  extras: unknown[];
}

describe('bench results in the docs', () => {
  const results = JSON.parse(readFileSync(join(REPO, bench.RESULTS_FILE), 'utf8')) as Results;

  for (const s of bench.SECTIONS) {
    it(`${s.file}'s ${s.name} section is what \`node bench/run.mjs --render\` writes from the results`, () => {
      const committed = bench.readSection(readFileSync(join(REPO, s.file), 'utf8'), s.name);
      assert.equal(committed, s.render(results), `run \`node bench/run.mjs --render\` and commit ${s.file}`);
    });
  }

  it('the results name the machine, the date, the commit and the versions, and every row its medians and runs', () => {
    const m = results.meta;
    for (const key of ['cpuModel', 'cpus', 'memGB', 'date', 'git', 'node', 'platform', 'blas']) {
      assert.ok(m[key], `meta.${key}`);
    }
    assert.ok(results.table.length > 0);
    for (const r of results.table) {
      assert.ok(Number.isInteger(r.n), `${r.peer} ${r.cell}-${r.hidden}: number of runs`);
      if (r.n > 0) assert.ok(Number.isFinite(r.charsPerSec), `${r.peer} ${r.cell}-${r.hidden}: chars/s`);
    }
    assert.ok(
      results.table.some((r) => r.peer === 'seqlab' && r.n > 0),
      'SeqLab was measured',
    );
  });

  it('a different number in the results renders a different section', () => {
    const changed = structuredClone(results);
    const row = changed.table.find((r) => !r.peer.startsWith('seqlab') && r.ratio !== null); // another engine: in both sections
    assert.ok(row, 'a peer with a ratio');
    row.ratio = row.ratio! + 0.5;
    for (const s of bench.SECTIONS) assert.notEqual(s.render(changed), s.render(results), s.file);
  });

  it('replaces only the text between the markers', () => {
    const text = 'before\n<!-- x:start -->\nold\n<!-- x:end -->\nafter\n';
    assert.equal(bench.replaceSection(text, 'x', 'new'), 'before\n<!-- x:start -->\nnew\n<!-- x:end -->\nafter\n');
    assert.throws(() => bench.replaceSection('no markers', 'x', 'new'), /no <!-- x:start -->/);
  });
});
