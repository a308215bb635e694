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
interface Comparison {
  cell: string;
  hidden: number;
  input: string;
  torchBest: string | null;
  seqlabOverTorchBest: number | null;
  seqlab1tOverTorch1t: number | null;
  valLossSeqlab: number | null;
  valLossTorchBest: number | null;
}
interface ResultsModule {
  RESULTS_FILE: string;
  SECTIONS: Section[];
  comparisons(results: { table: Partial<Row>[] }): Comparison[];
  readSection(text: string, name: string): string;
  replaceSection(text: string, name: string, body: string): string;
}

// An ES module (bench/ is plain Node); Node ≥ 20.19 requires it synchronously.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const bench = require(join(REPO, 'bench', 'lib', 'results.mjs')) as ResultsModule;

interface Row {
  peer: string;
  label: string;
  cell: string;
  hidden: number;
  input?: string;
  n: number;
  charsPerSec: number | null;
  valLoss: number | null;
  ratio: number | null;
  status: string | null;
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
    const row = changed.table.find((r) => !r.peer.startsWith('seqlab') && r.charsPerSec !== null); // another engine: in both sections
    assert.ok(row, 'a measured peer');
    row.charsPerSec = row.charsPerSec! * 1.5;
    for (const s of bench.SECTIONS) assert.notEqual(s.render(changed), s.render(results), s.file);
  });

  it("compares SeqLab with PyTorch's faster setting, one thread with one thread, and the lower PyTorch val loss, per configuration and input", () => {
    const row = (peer: string, input: string, charsPerSec: number | null, valLoss: number | null) => ({
      peer,
      label: peer,
      cell: 'lstm',
      hidden: 256,
      input,
      n: charsPerSec === null ? 0 : 3,
      charsPerSec,
      valLoss,
      ratio: null,
      status: charsPerSec === null ? 'skipped' : null,
    });
    const table = [
      row('seqlab', 'onehot', 300, 1.9),
      row('seqlab-1t', 'onehot', 120, 2.0),
      row('torch-1t', 'onehot', 100, 1.95),
      row('torch-best', 'onehot', 150, 1.97),
      row('tfjs-wasm', 'onehot', 500, 1.5), // not PyTorch: never "PyTorch's best"
      row('seqlab', 'embedding', 200, 1.8),
      row('seqlab-1t', 'embedding', 90, 1.9),
      row('torch-1t', 'embedding', 100, 1.85),
      row('torch-best', 'embedding', null, null), // skipped: the best is the one measured
    ];
    const [onehot, embedding] = bench.comparisons({ table });
    assert.deepEqual(onehot, {
      cell: 'lstm',
      hidden: 256,
      input: 'onehot',
      torchBest: 'torch-best',
      seqlabOverTorchBest: 2,
      seqlab1tOverTorch1t: 1.2,
      valLossSeqlab: 1.9,
      valLossTorchBest: 1.95,
    });
    assert.equal(embedding.input, 'embedding');
    assert.equal(embedding.torchBest, 'torch-1t');
    assert.equal(embedding.seqlabOverTorchBest, 2);
    assert.equal(embedding.seqlab1tOverTorch1t, 0.9);
    assert.equal(embedding.valLossTorchBest, 1.85);
  });

  it('replaces only the text between the markers', () => {
    const text = 'before\n<!-- x:start -->\nold\n<!-- x:end -->\nafter\n';
    assert.equal(bench.replaceSection(text, 'x', 'new'), 'before\n<!-- x:start -->\nnew\n<!-- x:end -->\nafter\n');
    assert.throws(() => bench.replaceSection('no markers', 'x', 'new'), /no <!-- x:start -->/);
  });
});
