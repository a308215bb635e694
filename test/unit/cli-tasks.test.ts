// seqlab's tagging and classification verbs, run as a user runs them (the built dist/cli.js):
// make-data, train --task, eval's JSON contract (docs/cli.md), and the behaviour each architecture
// is for: a bidirectional tagger beats a left-to-right one on tags decided by the next word; an LSTM
// classifier carries a cue across a long line that a plain RNN loses.

import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastJson, seqlab } from '../helpers/cli';
import { decodeSafetensors } from '../../src/engine/safetensors';

describe('seqlab CLI: tagging and classification', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'seqlab-tasks-'));
  const tags = join(dir, 'names.conll'),
    cues = join(dir, 'cue.tsv');
  const small = ['--hidden', '32', '--steps', '300', '--eval-every', '100'];

  before(() => {
    assert.equal(seqlab('make-data', 'tag', '--seed', '1', '--out', tags).code, 0);
    assert.equal(seqlab('make-data', 'classify', '--seed', '2', '--out', cues).code, 0);
  });

  it('make-data seq2seq writes a training set and its held-out dates beside it; conditional writes label<TAB>text lines', () => {
    const out = join(dir, 'dates.tsv');
    const r = lastJson(seqlab('make-data', 'seq2seq', '--seed', '3', '--out', out));
    assert.deepEqual(r, { train: out, heldOut: join(dir, 'dates.heldout.tsv') });
    const rows = (f: string) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => l.includes('\t'))
        .map((l) => l.split('\t'));
    const train = rows(out),
      held = rows(join(dir, 'dates.heldout.tsv'));
    assert.ok(train.length > 1000 && held.length > 100, `${train.length} / ${held.length}`);
    const seen = new Set(train.map(([, iso]) => iso));
    assert.ok(
      held.every(([, iso]) => /^\d{4}-\d\d-\d\d$/.test(iso) && !seen.has(iso)),
      'held-out dates are new',
    );
    const cond = seqlab('make-data', 'conditional', '--seed', '3');
    assert.equal(cond.out, seqlab('make-data', 'conditional', '--seed', '3').out);
    const labels = new Set(
      cond.out
        .split('\n')
        .filter((l) => l.includes('\t'))
        .map((l) => l.split('\t')[0]),
    );
    assert.deepEqual([...labels].sort(), ['consonantal', 'vowelish']);
  });

  it('make-data is deterministic by seed and writes stdout without --out', () => {
    assert.equal(seqlab('make-data', 'tag', '--seed', '1').out, readFileSync(tags, 'utf8'));
    assert.notEqual(seqlab('make-data', 'tag', '--seed', '2').out, readFileSync(tags, 'utf8'));
    assert.match(seqlab('make-data', 'words').err, /make-data makes "tag", "classify", "seq2seq" or "conditional"/);
  });

  it('a bidirectional tagger (the default for .conll) beats a left-to-right one on right-context tags', () => {
    const bi = join(dir, 'bi.safetensors'),
      uni = join(dir, 'uni.safetensors');
    lastJson(seqlab('train', tags, ...small, '--out', bi));
    lastJson(seqlab('train', tags, ...small, '--no-bidirectional', '--out', uni));
    const b = lastJson(seqlab('eval', bi, tags)),
      u = lastJson(seqlab('eval', uni, tags));
    assert.deepEqual(Object.keys(b).sort(), ['accuracy', 'entity_f1', 'macro_f1', 'per_tag', 'task', 'tokens']);
    assert.equal(b.task, 'tag');
    assert.deepEqual(Object.keys(b.per_tag as object).sort(), ['B-LOC', 'B-PER', 'I-PER', 'O']);
    assert.ok((b.accuracy as number) > 0.98, `bidirectional accuracy ${b.accuracy}`);
    assert.ok(
      (b.entity_f1 as number) > (u.entity_f1 as number) + 0.1,
      `entity F1: bidirectional ${b.entity_f1}, one direction ${u.entity_f1}`,
    );
  });

  it('an LSTM classifier carries the cue to the end of the line; a plain RNN does measurably worse', () => {
    const acc: Record<string, number> = {};
    for (const cell of ['lstm', 'rnn']) {
      const out = join(dir, `cls-${cell}.safetensors`);
      lastJson(seqlab('train', cues, ...small, '--cell', cell, '--out', out));
      const m = lastJson(seqlab('eval', out, cues));
      assert.deepEqual(Object.keys(m).sort(), ['accuracy', 'confusion', 'examples', 'labels', 'macro_f1', 'task']);
      assert.deepEqual(m.labels, ['neg', 'pos']);
      const confusion = m.confusion as number[][];
      assert.equal(
        confusion.flat().reduce((a, b) => a + b, 0),
        m.examples,
      );
      acc[cell] = m.accuracy as number;
    }
    assert.ok(acc.lstm >= 0.95, `LSTM accuracy ${acc.lstm}`);
    assert.ok(acc.rnn < acc.lstm - 0.2, `RNN ${acc.rnn} against LSTM ${acc.lstm}`);
  });

  it("predict writes the file back with the model's tags (appended where it has no gold column)", () => {
    const raw = join(dir, 'raw.tags');
    writeFileSync(raw, '# no gold\njack\nknife\n\nteddy\nroosevelt\nsaid\n');
    const model = join(dir, 'bi.safetensors');
    const r = seqlab('predict', model, raw);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '# no gold\njack\tO\nknife\tO\n\nteddy\tB-PER\nroosevelt\tI-PER\nsaid\tO\n');
    const out = join(dir, 'predicted.conll');
    assert.equal(seqlab('predict', model, tags, '--out', out).code, 0);
    const gold = readFileSync(tags, 'utf8').split('\n'),
      predicted = readFileSync(out, 'utf8').split('\n');
    assert.equal(predicted.length, gold.length);
    const same = gold.filter((l, i) => l === predicted[i]).length;
    assert.ok(same / gold.length > 0.98, `${same} of ${gold.length} lines as gold`);
    const lm = seqlab('predict', join(dir, 'cls-lstm.safetensors'), cues);
    assert.equal(lm.code, 0, lm.err);
    assert.match(lm.out.split('\n')[1], /\t(pos|neg)$/);
  });

  it("export for PyTorch says a classifier's task, labels and read-out", () => {
    const out = join(dir, 'cls.torch.safetensors');
    assert.equal(seqlab('export', join(dir, 'cls-lstm.safetensors'), '--format', 'torch', '--out', out).code, 0);
    const meta = decodeSafetensors(readFileSync(out), 'export').metadata;
    assert.deepEqual([meta.task, meta.pool, meta.labels], ['classify', 'last', '["neg","pos"]']);
  });

  it("diagnose reads a task checkpoint's file: the gold tags' loss, each direction of a bidirectional layer", () => {
    const bi = join(dir, 'bi.safetensors');
    const r = lastJson(seqlab('diagnose', bi, tags, '--json'));
    const T = r.steps as number;
    assert.ok(T > 3 && T < 50, `T = ${T}: the longest sentence, below the default 50`);
    for (const field of ['gradNorms', 'backwardGradNorms']) {
      const rows = r[field] as number[][];
      assert.equal(rows.length, 1, field);
      assert.equal(rows[0].length, T, field);
    }
    const text = seqlab('diagnose', bi, tags).out;
    assert.match(text, /layer 0 → ‖∂L<T>\/∂a<t>‖/);
    assert.match(text, /layer 0 ← ‖∂L\/∂a←<t>‖ \(hidden state\): t=1: /);
    const cls = lastJson(seqlab('diagnose', join(dir, 'cls-lstm.safetensors'), cues, '--json'));
    assert.equal(cls.backwardGradNorms, undefined);
    assert.equal((cls.gradNorms as number[][])[0].length, 40, 'a whole line of the classification set');
  });

  it('mean pooling and a separate --val file train too; the summary carries the validation metrics', () => {
    const val = join(dir, 'val.tsv');
    assert.equal(seqlab('make-data', 'classify', '--seed', '9', '--out', val).code, 0);
    const s = lastJson(
      seqlab('train', cues, ...small, '--pool', 'mean', '--val', val, '--out', join(dir, 'mean.safetensors')),
    );
    assert.equal(s.task, 'classify');
    assert.equal(
      (s.val as { examples: number }).examples,
      readFileSync(val, 'utf8')
        .split('\n')
        .filter((l) => l.includes('\t')).length,
    );
  });

  it('bad files: line-numbered errors; a label the model never saw is named at eval', () => {
    const bad = join(dir, 'bad.tsv');
    writeFileSync(bad, 'a fine line\tpos\n\tneg\n');
    const r = seqlab('train', bad, ...small);
    assert.equal(r.code, 1);
    assert.match(r.err, /bad\.tsv line 2: empty text/);
    const unseen = join(dir, 'unseen.tsv');
    writeFileSync(unseen, 'fun abc def\tmaybe\n');
    const e = seqlab('eval', join(dir, 'cls-lstm.safetensors'), unseen);
    assert.equal(e.code, 1);
    assert.match(e.err, /line 1: "maybe" is not one of the model's labels \(neg, pos\)/);
  });
});
