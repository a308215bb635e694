// seqlab's encoder–decoder and conditioned language model, run as a user runs them (dist/cli.js):
// a .tsv of many distinct targets trains an encoder–decoder (here: reversing short words), eval's JSON
// contract, predict with greedy and beam decoding; at word level (translating phrases) with BLEU, and
// with one shared vocabulary; a label<TAB>text file trains a conditional model
// whose samples for each label are recognised as that label's style.

import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastJson, seqlab } from '../helpers/cli';
import { decodeSafetensors } from '../../src/engine/safetensors';
import { Rng } from '../../src/engine/rng';
import { recognisedStyle } from '../../src/engine/seq2seq/makeSeq2Seq';

/** Words of 3–4 letters and their reversal: many distinct targets, so a .tsv of them is an encoder–decoder's file. */
function reversals(n: number, seed: number): string {
  const rng = new Rng(seed);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const word = Array.from({ length: 3 + (rng.nextU32() % 2) }, () => 'abcdef'[rng.nextU32() % 6]).join('');
    lines.push(`${word}\t${[...word].reverse().join('')}`);
  }
  return lines.join('\n') + '\n';
}

const FRENCH: Record<string, string> = {
  red: 'rouge',
  green: 'vert',
  blue: 'bleu',
  cat: 'chat',
  dog: 'chien',
  bird: 'oiseau',
};

/** Phrases of 2–5 words and their word-for-word translation in reverse order ("red cat" → "chat rouge"). */
function translations(n: number, seed: number): string {
  const rng = new Rng(seed),
    english = Object.keys(FRENCH);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const words = Array.from({ length: 2 + (rng.nextU32() % 4) }, () => english[rng.nextU32() % english.length]);
    lines.push(
      `${words.join(' ')}\t${words
        .map((w) => FRENCH[w])
        .reverse()
        .join(' ')}`,
    );
  }
  return lines.join('\n') + '\n';
}

describe('seqlab CLI: encoder–decoder and conditioned generation', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'seqlab-s2s-'));

  it('an encoder–decoder learns to reverse words; eval prints exact match and CER; predict writes source<TAB>output', () => {
    const file = join(dir, 'reverse.tsv'),
      held = join(dir, 'held.tsv'),
      ckpt = join(dir, 'rev.safetensors');
    writeFileSync(file, reversals(1000, 1));
    writeFileSync(held, reversals(60, 2));
    const s = lastJson(
      seqlab(
        'train',
        file,
        '--bidirectional',
        '--hidden',
        '32',
        '--embedding',
        '8',
        '--lr',
        '0.005',
        '--batch',
        '16',
        '--steps',
        '2000',
        '--eval-every',
        '1000',
        '--out',
        ckpt,
      ),
    );
    assert.equal(s.task, 'seq2seq');
    const greedy = lastJson(seqlab('eval', ckpt, held));
    assert.deepEqual(Object.keys(greedy), ['task', 'exact_match', 'cer', 'examples']);
    assert.equal(greedy.examples, 60);
    assert.ok((greedy.exact_match as number) >= 0.9, `exact match ${greedy.exact_match}`);
    const beam = lastJson(seqlab('eval', ckpt, held, '--beam', '5'));
    assert.ok((beam.exact_match as number) >= 0.9, `beam 5: exact match ${beam.exact_match}`);
    const p = seqlab('predict', ckpt, held);
    assert.equal(p.code, 0, p.err);
    const rows = p.out
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    assert.equal(rows.length, 60);
    const gold = readFileSync(held, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    assert.deepEqual(
      rows.map((r) => r[0]),
      gold.map((g) => g[0]),
      'one line per source, in order',
    );
    // A file of sources alone is accepted.
    writeFileSync(join(dir, 'sources.tsv'), 'abc\nfed\n');
    assert.equal(seqlab('predict', ckpt, join(dir, 'sources.tsv')).out.split('\n')[0].split('\t')[0], 'abc');
    assert.match(seqlab('eval', ckpt, join(dir, 'sources.tsv')).err, /lines without a target/);
    assert.match(seqlab('sample', ckpt).err, /is an encoder–decoder checkpoint: use seqlab eval or seqlab predict/);
  });

  it('at word level (--level word, with and without --shared-vocab) eval adds BLEU; predict writes the words spaced, also for a source with an unknown word', () => {
    const file = join(dir, 'phrases.tsv'),
      held = join(dir, 'phrases.held.tsv'),
      ckpt = join(dir, 'phrases.safetensors');
    writeFileSync(file, translations(800, 3));
    writeFileSync(held, translations(60, 4));
    for (const shared of [false, true]) {
      const r = seqlab(
        'train',
        file,
        '--task',
        'seq2seq',
        '--level',
        'word',
        '--min-count',
        '1',
        ...(shared ? ['--shared-vocab'] : []),
        '--bidirectional',
        '--hidden',
        '32',
        '--embedding',
        '8',
        '--lr',
        '0.005',
        '--batch',
        '16',
        '--steps',
        '1500',
        '--eval-every',
        '1500',
        '--out',
        ckpt,
      );
      const s = lastJson(r);
      assert.deepEqual(Object.keys(s.val as object), ['exact_match', 'cer', 'bleu']);
      // 6 words each side (with <UNK>; <BOS>, <EOS> in the targets), or one table of both sides' words.
      assert.match(r.err, shared ? /a shared vocabulary of 15 words/ : /7 source and 9 target words/);
      const config = JSON.parse(decodeSafetensors(readFileSync(ckpt), ckpt).metadata.config) as Record<string, unknown>;
      assert.equal(config.level, 'word');
      assert.equal(config.sharedVocab, shared ? true : undefined);
      for (const beam of ['1', '5']) {
        const m = lastJson(seqlab('eval', ckpt, held, '--beam', beam));
        assert.deepEqual(Object.keys(m), ['task', 'exact_match', 'cer', 'bleu', 'examples']);
        assert.equal(m.examples, 60);
        const bleu = m.bleu as number;
        // Training seeds 1–3 reach BLEU 0.71–1 and exact match 0.78–1 (greedy and beam 5); an untrained model ~0.
        assert.ok(bleu >= 0.6 && bleu <= 1, `shared ${shared}, beam ${beam}: BLEU ${bleu}`);
        assert.ok((m.exact_match as number) >= 0.6, `shared ${shared}, beam ${beam}: exact match ${m.exact_match}`);
      }
      writeFileSync(join(dir, 'unknown.tsv'), 'red zebra cat\n');
      const p = seqlab('predict', ckpt, join(dir, 'unknown.tsv'));
      assert.equal(p.code, 0, p.err);
      const [source, output] = p.out.trimEnd().split('\t');
      assert.equal(source, 'red zebra cat');
      assert.match(output, /^\S+( \S+)*$/, `words joined by single spaces: ${JSON.stringify(output)}`);
    }
  });

  it('an LSTM encoder–decoder learns the dates of make-data seq2seq: ≥ 95 % exact match on the held-out dates in 4,000 steps', () => {
    // The behaviour test: "3rd of May 1979" → "1979-05-03" on 4,500 training and 500 held-out dates,
    // greedy and beam 5. (Before the context joined every decoder step, this run reached 6 % exact match.)
    const file = join(dir, 'dates.tsv'),
      held = join(dir, 'dates.heldout.tsv'),
      ckpt = join(dir, 'dates.safetensors');
    assert.equal(seqlab('make-data', 'seq2seq', '--seed', '1', '--out', file).code, 0);
    const s = lastJson(
      seqlab(
        'train',
        file,
        '--cell',
        'lstm',
        '--bidirectional',
        '--hidden',
        '64',
        '--embedding',
        '16',
        '--lr',
        '0.005',
        '--steps',
        '4000',
        '--eval-every',
        '4000',
        '--val',
        held,
        '--out',
        ckpt,
      ),
    );
    assert.equal(s.steps, 4000);
    for (const beam of ['1', '5']) {
      const m = lastJson(seqlab('eval', ckpt, held, '--beam', beam));
      assert.equal(m.examples, 500);
      assert.ok((m.exact_match as number) >= 0.95, `beam ${beam}: exact match ${m.exact_match}`);
    }
  });

  it("a conditional model's samples for each label are in that label's style", () => {
    const file = join(dir, 'styles.tsv'),
      ckpt = join(dir, 'cond.safetensors');
    assert.equal(seqlab('make-data', 'conditional', '--seed', '1', '--out', file).code, 0);
    const s = lastJson(
      seqlab('train', file, '--task', 'conditional', '--hidden', '32', '--steps', '300', '--out', ckpt),
    );
    assert.deepEqual(s.labels, ['consonantal', 'vowelish']);
    for (const label of ['consonantal', 'vowelish'] as const) {
      let right = 0;
      for (let seed = 1; seed <= 10; seed++) {
        const line = seqlab('sample', ckpt, '--label', label, '--seed', String(seed), '--length', '60').out.trim();
        if (recognisedStyle(line) === label) right++;
      }
      assert.ok(right >= 8, `${label}: ${right} of 10 samples recognised`);
    }
    assert.match(seqlab('sample', ckpt).err, /give --label \(consonantal, vowelish\)/);
    assert.match(seqlab('sample', ckpt, '--label', 'klingon').err, /"klingon" is not one of the model's labels/);
  });
});
