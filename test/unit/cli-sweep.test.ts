// seqlab sweep as docs/cli.md states it: a 4-run grid of tiny models writes results.jsonl, results.csv
// and a checkpoint per run, prints a table (or --json), and every bad input gets one clear line.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseVerb } from '../../src/cliArgs';
import { lastJson, seqlab } from '../helpers/cli';
import { smallText } from '../helpers/texts';

describe('seqlab sweep', function () {
  const dir = mkdtempSync(join(tmpdir(), 'seqlab-sweep-'));
  const text = join(dir, 'text.txt');
  const out = join(dir, 'grid');
  const tiny = ['--seq-len', '16', '--batch', '4', '--steps', '20', '--eval-every', '10'];
  const grid = ['--set', 'hidden=8,16', '--set', 'lr=1e-3,3e-3'];
  let table: ReturnType<typeof seqlab>;

  before(() => {
    writeFileSync(text, smallText(3000));
    table = seqlab('sweep', text, ...grid, ...tiny, '--out', out);
  });

  const jsonl = () =>
    readFileSync(join(out, 'results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));

  it('results.jsonl: a line per run with its swept values, full config, finite losses and checkpoint', () => {
    assert.equal(table.code, 0, table.err);
    const runs = jsonl();
    assert.equal(runs.length, 4);
    assert.deepEqual(
      runs.map((r) => r.settings),
      [
        { hidden: 8, lr: 0.001 },
        { hidden: 8, lr: 0.003 },
        { hidden: 16, lr: 0.001 },
        { hidden: 16, lr: 0.003 },
      ],
    );
    runs.forEach((r, i) => {
      assert.deepEqual(Object.keys(r), [
        'run',
        'settings',
        'config',
        'status',
        'bestValLoss',
        'finalValLoss',
        'steps',
        'seconds',
        'charsPerSec',
        'checkpoint',
      ]);
      assert.equal(r.run, i + 1);
      assert.equal(r.status, 'finished');
      assert.equal(r.config.model.hidden, r.settings.hidden);
      assert.equal(r.config.train.lr, r.settings.lr);
      assert.equal(r.config.train.seqLength, 16, 'the fixed flags apply to every run');
      assert.equal(r.config.model.cell, 'lstm');
      assert.equal(r.steps, 20);
      assert.ok(Number.isFinite(r.bestValLoss) && r.bestValLoss > 0);
      assert.ok(Number.isFinite(r.finalValLoss) && r.bestValLoss <= r.finalValLoss);
      assert.ok(r.seconds > 0 && r.charsPerSec > 0);
      assert.equal(r.checkpoint, join(out, `run-00${i + 1}.safetensors`));
    });
  });

  it("each checkpoint loads with seqlab eval, with the run's hidden size", () => {
    for (const r of jsonl()) {
      assert.ok(existsSync(r.checkpoint));
      const ev = lastJson(seqlab('eval', r.checkpoint, text));
      assert.ok(Number.isFinite(ev.loss) && (ev.loss as number) > 0);
      const sample = seqlab('sample', r.checkpoint, '--length', '5');
      assert.equal(sample.code, 0, sample.err);
    }
    // The 16-unit model's tensors are bigger than the 8-unit one's.
    const [small, , big] = jsonl().map((r) => readFileSync(r.checkpoint).length);
    assert.ok(big > small);
  });

  it('results.csv: a header and a row per run, the same numbers', () => {
    const lines = readFileSync(join(out, 'results.csv'), 'utf8').trimEnd().split('\n');
    assert.equal(lines[0], 'run,hidden,lr,status,bestValLoss,finalValLoss,steps,seconds,charsPerSec,checkpoint');
    assert.equal(lines.length, 5);
    jsonl().forEach((r, i) => {
      assert.deepEqual(
        lines[i + 1].split(','),
        [
          r.run,
          r.settings.hidden,
          r.settings.lr,
          r.status,
          r.bestValLoss,
          r.finalValLoss,
          r.steps,
          r.seconds,
          r.charsPerSec,
          r.checkpoint,
        ].map(String),
      );
    });
  });

  it('prints a table: a row per run, the best run starred', () => {
    const lines = table.out.trimEnd().split('\n');
    assert.equal(lines.length, 5);
    assert.match(lines[0], /^ +run +hidden +lr +best val +final val +steps +seconds +chars\/s +status$/);
    const runs = jsonl();
    const best = runs.reduce((b, r) => (r.bestValLoss < b.bestValLoss ? r : b));
    runs.forEach((r, i) => {
      const cells = lines[i + 1].trim().split(/ +/);
      const starred = r === best;
      assert.equal(lines[i + 1].startsWith('*'), starred, lines[i + 1]);
      const [run, hidden, lr, bestVal] = starred ? cells.slice(1) : cells;
      assert.deepEqual(
        [run, hidden, lr, bestVal],
        [String(r.run), String(r.settings.hidden), String(r.settings.lr), r.bestValLoss.toFixed(4)],
      );
    });
    assert.match(table.err, /^seqlab sweep: 4 runs of hidden, lr/);
    assert.match(table.err, /\[4\/4\] hidden=16 lr=0\.003: best val /);
  });

  it('--json prints the results as one JSON array, the same runs for the same seed', () => {
    const again = join(dir, 'again');
    const r = seqlab('sweep', text, ...grid, ...tiny, '--out', again, '--json');
    const results = lastJson(r) as unknown as Record<string, unknown>[];
    assert.ok(Array.isArray(results));
    assert.equal(results.length, 4);
    const strip = (x: Record<string, unknown>) => ({ ...x, seconds: 0, charsPerSec: 0, checkpoint: '' });
    assert.deepEqual(results.map(strip), jsonl().map(strip));
    assert.equal(results[2].checkpoint, join(again, 'run-003.safetensors'));
  });

  it('--random N trains N seeded draws', () => {
    const drawn = join(dir, 'drawn');
    const args = ['--set', 'lr=1e-4:1e-2', '--set', 'cell=rnn,gru', '--random', '2', '--seed', '5'];
    const results = lastJson(seqlab('sweep', text, ...args, ...tiny, '--hidden', '8', '--out', drawn, '--json'));
    const runs = results as unknown as {
      settings: { lr: number; cell: string };
      config: { train: { seed: number } };
    }[];
    assert.equal(runs.length, 2);
    for (const r of runs) {
      assert.ok(r.settings.lr >= 1e-4 && r.settings.lr <= 1e-2);
      assert.ok(['rnn', 'gru'].includes(r.settings.cell));
      assert.equal(r.config.train.seed, 5, '--seed seeds the draws and the trainings');
    }
  });

  it('a diverging run is recorded as diverged, and the sweep goes on', () => {
    const diverge = join(dir, 'diverge');
    const args = ['--cell', 'rnn', '--optimizer', 'sgd', '--clip', '0', '--hidden', '8', '--set', 'lr=1e4,1e-3'];
    const r = seqlab('sweep', text, ...args, ...tiny, '--out', diverge, '--json');
    const [bad, good] = lastJson(r) as unknown as Record<string, unknown>[];
    assert.equal(bad.status, 'diverged');
    assert.equal(bad.finalValLoss, null);
    assert.ok((bad.steps as number) < 20);
    assert.equal(good.status, 'finished');
    assert.match(r.err, /\[1\/2\] lr=10000: diverged at step \d+/);
  });

  describe('bad input: one line, exit 2 for what cannot be read, 1 for a value out of range', () => {
    const fails = (args: string[], pattern: RegExp, code: number) => {
      const r = seqlab('sweep', text, ...tiny, '--out', join(dir, 'bad'), ...args);
      assert.equal(r.code, code, `exit code (stderr: ${r.err})`);
      assert.match(r.err, pattern);
      assert.doesNotMatch(r.err, /internal error|\n\s+at /, 'no stack trace');
      assert.ok(!existsSync(join(dir, 'bad')), 'nothing written');
    };

    it('an unknown key', () => fails(['--set', 'colour=1,2'], /^seqlab: --set: a sweep cannot vary "colour"/, 2));
    it('an empty list', () => fails(['--set', 'hidden='], /^seqlab: --set hidden lists no values/, 2));
    it('a value out of range', () =>
      fails(
        ['--set', 'hidden=8,0'],
        /^seqlab: error: --set hidden must be a whole number from 1 to 4096 \(got 0\)$/m,
        1,
      ));
    it('a grid over 1000 runs', () => {
      const many = Array.from({ length: 200 }, (_, i) => i + 1).join(',');
      fails(['--set', `hidden=${many}`, '--set', 'layers=1,2,3,4,5,6,7,8'], /the grid has 1600 runs \(200 × 8\)/, 2);
    });
    it('a range without --random', () => fails(['--set', 'lr=1e-4:1e-2'], /--set lr is a range: give --random N/, 2));
    it('--random over lists a grid covers', () =>
      fails(['--set', 'hidden=8,16', '--random', '5'], /--random 5 draws from lists alone/, 2));
    it('a swept setting also given as a flag', () =>
      fails(
        ['--set', 'hidden=8,16', '--hidden', '8'],
        /--hidden is swept by --set hidden=…: give one or the other/,
        2,
      ));
    it('no --set', () => fails([], /--set KEY=V1,V2,…\|KEY=LO:HI is required/, 2));
    it('a task file is refused: sweeps train language models', () => {
      const conll = join(dir, 'tags.conll');
      writeFileSync(conll, 'the\tDET\ncat\tNOUN\n\na\tDET\ndog\tNOUN\n');
      const r = seqlab('sweep', conll, '--set', 'hidden=8,16', ...tiny, '--out', join(dir, 'bad'));
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, /^seqlab: error: seqlab sweep trains language models, and .*tags\.conll holds a tag task/);
    });
  });

  it('--set may be repeated: the values in the order given', () => {
    const parsed = parseVerb('sweep', [text, '--set', 'lr=1', '--set', 'hidden=2', '--out', dir])!;
    assert.deepEqual(parsed.given.texts('sweepSet'), ['lr=1', 'hidden=2']);
  });
});
