// The encoder–decoder's tokens (seq2seqVocab.ts): word level with <UNK>, one vocabulary shared by
// sources and targets, BLEU on word-level validation, and checkpoints that record the tokens (a
// character-level checkpoint written before word level loads as one).

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultTrainConfig, TrainConfig } from '../../src/engine/config';
import { jsBackend } from '../../src/engine/reference';
import { decodeSafetensors, encodeSafetensors } from '../../src/engine/safetensors';
import {
  decodeSources,
  encodePairs,
  loadSeq2Seq,
  saveSeq2Seq,
  Seq2SeqTrainer,
} from '../../src/engine/seq2seq/seq2seqTrainer';
import { BOS, EOS, outputText, referenceText } from '../../src/engine/seq2seq/seq2seqVocab';
import { UNK } from '../../src/engine/tokenizer';

const WORDS: Record<string, string> = { red: 'rouge', green: 'vert', blue: 'bleu', cat: 'chat', dog: 'chien' };

/**
 * Every phrase of four words and its translation in reverse order ("red cat blue dog" → "chien bleu
 * chat rouge"): 625 pairs, four words each (BLEU counts n-grams up to 4).
 */
function phrases(): { source: string; target: string }[] {
  const en = Object.keys(WORDS);
  const all = en.flatMap((a) => en.flatMap((b) => en.map((c) => [a, b, c])));
  return all.flatMap((p) =>
    en.map((d) => ({
      source: [...p, d].join(' '),
      target: [...p, d]
        .reverse()
        .map((w) => WORDS[w])
        .join(' '),
    })),
  );
}

const k = jsBackend('f32');
const model = { cell: 'gru' as const, hidden: 16, bidirectional: true, input: 'embedding' as const, embedSize: 8 };
const words: TrainConfig = { ...defaultTrainConfig, level: 'word', minCount: 1, batchSize: 16, lr: 0.01, steps: 1000 };

function trainer(train: TrainConfig, sharedVocab?: boolean) {
  const pairs = phrases();
  return Seq2SeqTrainer.create(pairs, pairs.slice(0, 50), model, train, k, { sharedVocab });
}

/** A file in a fresh directory. */
function tempPath(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'seqlab-s2s-word-')), name);
}

describe('encoder–decoder tokens: word level and a shared vocabulary', function () {
  this.timeout(60_000);

  it('word level: <UNK> first in the source vocabulary, <BOS> <EOS> <UNK> in the target, the words by count', () => {
    const { source, target } = trainer(words).model;
    assert.deepEqual(source.spec.vocab, [UNK, 'blue', 'cat', 'dog', 'green', 'red']);
    assert.deepEqual(target.spec.vocab, [BOS, EOS, UNK, 'bleu', 'chat', 'chien', 'rouge', 'vert']);
    const t = trainer(words);
    assert.deepEqual(t.model.config.level, 'word');
    assert.equal(t.model.config.sharedVocab, undefined);
  });

  it('word level: an unknown source word reads as <UNK>; words rarer than --min-count too, in training', () => {
    const m = trainer(words).model;
    const [p] = encodePairs(m, [{ source: 'red zebra cat', target: null }]);
    assert.deepEqual(
      Array.from(p.source, (id) => m.source.token(id)),
      ['red', UNK, 'cat'],
    );
    const pairs = [...phrases(), { source: 'red zebra', target: 'zèbre rouge' }];
    const rare = Seq2SeqTrainer.create(pairs, [], model, { ...words, minCount: 2 }, k).model;
    assert.ok(!rare.source.spec.vocab.includes('zebra') && !rare.target.spec.vocab.includes('zèbre'));
    assert.deepEqual(
      Array.from(encodePairs(rare, pairs.slice(-1))[0].target, (id) => rare.target.token(id)),
      [UNK, 'rouge'],
    );
    assert.throws(
      () => Seq2SeqTrainer.create(pairs, [], model, { ...words, minCount: 10_000 }, k),
      /no source word occurs at least 10000 time\(s\) in the training pairs: lower --min-count/,
    );
  });

  it('outputs at word level are the words joined by single spaces; gold targets are scored written so', () => {
    const m = trainer({ ...words, lowercase: true }).model;
    const ids = ['chat', 'rouge'].map((w) => m.target.id(w));
    assert.equal(outputText(m.target, ids), 'chat rouge');
    assert.equal(referenceText(m.target, 'Chat,  ROUGE!'), 'chat , rouge !');
    const chars = trainer(defaultTrainConfig).model;
    assert.equal(referenceText(chars.target, 'Chat,  ROUGE!'), 'Chat,  ROUGE!');
  });

  it('a word-level model learns the phrases; validation reports exact match, CER and BLEU in [0, 1]', async () => {
    const t = trainer(words);
    const before = t.validate()!;
    const { val } = await t.run();
    assert.ok(val !== null && val.bleu !== undefined && before.bleu !== undefined);
    assert.ok(
      val.bleu >= 0 && val.bleu <= 1 && before.bleu >= 0 && before.bleu <= 1,
      `BLEU ${before.bleu} → ${val.bleu}`,
    );
    // Seeds 1–4, with and without a shared vocabulary, reach 0.74–1 exact match and BLEU 0.83–1.
    assert.ok(val.exactMatch >= 0.6, `exact match after 1000 steps: ${val.exactMatch}`);
    assert.ok(val.bleu >= 0.7 && val.bleu > before.bleu, `BLEU ${before.bleu} → ${val.bleu}`);
    const out = decodeSources(t.model, k, [t.model.source.encodeKnown('red cat')], 1, 4);
    assert.match(out[0], /^\S+( \S+)*$/, 'words joined by single spaces');
  });

  it('a character-level model validates without BLEU', () => {
    const v = trainer({ ...defaultTrainConfig, steps: 1 }).validate()!;
    assert.deepEqual(Object.keys(v).sort(), ['cer', 'exactMatch']);
  });

  it('a shared vocabulary: one table for both sides, <BOS> <EOS> first; the tensors are those of two tables of that size', () => {
    for (const level of ['char', 'word'] as const) {
      const train = { ...words, level };
      const shared = trainer(train, true).model;
      assert.equal(shared.source, shared.target);
      assert.deepEqual(shared.target.spec.vocab.slice(0, 2), [BOS, EOS]);
      assert.ok(shared.source.spec.vocab.includes(level === 'char' ? 'd' : 'dog'));
      assert.ok(shared.target.spec.vocab.includes(level === 'char' ? 'v' : 'vert'));
      assert.equal(shared.config.sourceVocab, shared.config.targetVocab);
      assert.equal(shared.config.sharedVocab, true);
      const embed = shared.params.spec('encoder.embed.weight').shape;
      assert.deepEqual(embed, shared.params.spec('decoder.embed.weight').shape);
      assert.deepEqual(embed, [shared.config.targetVocab, 8]);
    }
  });

  it('checkpoints round-trip the level, lowercasing and the shared vocabulary; decoding is unchanged', () => {
    for (const [train, shared] of [
      [{ ...words, lowercase: true }, false],
      [words, true],
      [{ ...words, level: 'char' }, true],
    ] as const) {
      const t = trainer(train, shared);
      t.trainStep();
      const path = tempPath('model.safetensors');
      saveSeq2Seq(path, t.model);
      const loaded = loadSeq2Seq(path, k);
      assert.deepEqual(loaded.config, t.model.config);
      assert.deepEqual(loaded.source.spec, t.model.source.spec);
      assert.deepEqual(loaded.target.spec, t.model.target.spec);
      assert.equal(loaded.source === loaded.target, shared);
      assert.deepEqual(loaded.params.data, t.model.params.data);
      const sources = encodePairs(loaded, phrases()).map((p) => p.source);
      assert.deepEqual(decodeSources(loaded, k, sources, 1, 4), decodeSources(t.model, k, sources, 1, 4));
    }
  });

  it('a character-level checkpoint has the config of before word level, and one without level loads as characters', () => {
    const t = trainer({ ...defaultTrainConfig, steps: 1 });
    const path = tempPath('chars.safetensors');
    saveSeq2Seq(path, t.model);
    const meta = decodeSafetensors(readFileSync(path), path).metadata;
    assert.deepEqual(Object.keys(JSON.parse(meta.config) as object).sort(), [
      'bidirectional',
      'cell',
      'embedSize',
      'forgetBias',
      'gruForm',
      'hidden',
      'input',
      'layers',
      'peephole',
      'sourceVocab',
      'targetVocab',
    ]);
    const loaded = loadSeq2Seq(path, k);
    assert.equal(loaded.source.spec.level, 'char');
    assert.equal(loaded.target.spec.level, 'char');
    assert.notEqual(loaded.source, loaded.target);
    assert.deepEqual(loaded.target.spec.vocab.slice(0, 2), [BOS, EOS]);
  });

  it('refuses a checkpoint whose level, sharedVocab or shared vocabularies are wrong', () => {
    const t = trainer(words, true);
    const path = tempPath('bad.safetensors');
    saveSeq2Seq(path, t.model);
    const file = decodeSafetensors(readFileSync(path), path);
    const rewrite = (change: Record<string, string>) => {
      writeFileSync(path, encodeSafetensors(file.tensors, { ...file.metadata, ...change }));
      return () => loadSeq2Seq(path, k);
    };
    const config = JSON.parse(file.metadata.config) as Record<string, unknown>;
    assert.throws(
      rewrite({ config: JSON.stringify({ ...config, level: 'klingon' }) }),
      /its level "klingon" is not word/,
    );
    assert.throws(
      rewrite({ config: JSON.stringify({ ...config, sharedVocab: 'yes' }) }),
      /sharedVocab is not true or false/,
    );
    const source = JSON.parse(file.metadata.source) as string[];
    assert.throws(
      rewrite({ source: JSON.stringify([...source.slice(1), source[0]]) }),
      /its vocabulary is shared but its source and target vocabularies differ/,
    );
  });
});
