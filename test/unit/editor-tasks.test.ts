// What the editor needs of the course's last two architectures, outside VS Code: which task a file is
// for (the palette command and the CLI share the rule), and an encoder–decoder's outputs for the hover
// and "Translate selection" (greedy as decodeSources writes it; the beams ranked by score, the best
// one beam search's output).

import assert from 'node:assert/strict';
import { jsBackend } from '../../src/engine/reference';
import { makeConditionalData, makeDateData } from '../../src/engine/seq2seq/makeSeq2Seq';
import { decodeSources, Seq2SeqTrainer } from '../../src/engine/seq2seq/seq2seqTrainer';
import { parseSeq2SeqFile } from '../../src/engine/seq2seq/seq2seqData';
import { translate } from '../../src/engine/seq2seq/translate';
import { defaultTrainConfig } from '../../src/engine/config';
import { taskOfText } from '../../src/engine/tasks/fileTask';
import { makeClassifyData } from '../../src/engine/tasks/makeData';

describe('the task of a file', () => {
  const never = () => assert.fail('a file other than a .tsv is not read');

  it('follows the extension, and a .tsv its columns', () => {
    assert.equal(taskOfText('story.txt', never), 'lm');
    assert.equal(taskOfText('names.CONLL', never), 'tag');
    assert.equal(taskOfText('names.tags', never), 'tag');
    assert.equal(
      taskOfText('reviews.tsv', () => makeClassifyData({ seed: 1 })),
      'classify',
    );
    assert.equal(
      taskOfText('dates.tsv', () => makeDateData({ seed: 1, examples: 200 }).train),
      'seq2seq',
    );
    assert.equal(
      taskOfText('styles.tsv', () => makeConditionalData({ seed: 1, lines: 200 })),
      'conditional',
    );
  });

  it('reads a .tsv with few distinct first columns and many distinct second ones as conditional', () => {
    const lines = Array.from({ length: 60 }, (_, i) => `${i % 3 === 0 ? 'poem' : 'prose'}\tline number ${i}`);
    assert.equal(
      taskOfText('x.tsv', () => lines.join('\n')),
      'conditional',
    );
    const pairs = Array.from({ length: 60 }, (_, i) => `source ${i}\ttarget ${i}`);
    assert.equal(
      taskOfText('x.tsv', () => pairs.join('\n')),
      'seq2seq',
    );
  });
});

describe("an encoder–decoder's translations", function () {
  this.timeout(60_000);
  const k = jsBackend('f32');
  const { train, heldOut } = makeDateData({ seed: 3, examples: 300 });
  const pairs = (text: string) => parseSeq2SeqFile(text, 'dates.tsv');
  const trainer = Seq2SeqTrainer.create(
    pairs(train),
    [],
    { cell: 'lstm', hidden: 24 },
    { ...defaultTrainConfig, steps: 60, lr: 0.01 },
    k,
  );
  const sources = pairs(heldOut)
    .slice(0, 5)
    .map((p) => p.source);

  before(() => trainer.run());

  it('give the greedy output decodeSources writes, and K beams best first, the first beam search’s output', () => {
    const K = 3;
    const out = translate(trainer.model, k, sources, K);
    assert.equal(out.length, sources.length);
    const encoded = sources.map((s) => trainer.model.source.encodeKnown(s));
    const maxLen = Math.min(200, 2 * Math.max(...encoded.map((s) => s.length)) + 20);
    assert.deepEqual(
      out.map((t) => t.greedy),
      decodeSources(trainer.model, k, encoded, 1, maxLen),
    );
    assert.deepEqual(
      out.map((t) => t.beams[0].text),
      decodeSources(trainer.model, k, encoded, K, maxLen),
    );
    for (const t of out) {
      assert.ok(t.beams.length >= 1 && t.beams.length <= K);
      for (let i = 1; i < t.beams.length; i++) assert.ok(t.beams[i - 1].score >= t.beams[i].score, 'best first');
      for (const b of t.beams) assert.ok(b.logProb <= 0 && Number.isFinite(b.score));
    }
  });

  it('are greedy alone with K = 1, and empty for a source of unknown characters', () => {
    const [t] = translate(trainer.model, k, [sources[0]], 1);
    assert.deepEqual(t.beams, []);
    assert.deepEqual(translate(trainer.model, k, ['☃☃'], 3), [{ greedy: '', reference: null, beams: [] }]);
  });

  it("carry each source's target as outputs are written, to compare with", () => {
    const out = translate(trainer.model, k, sources.slice(0, 2), 1, ['1979-05-03', null]);
    assert.deepEqual(
      out.map((t) => t.reference),
      ['1979-05-03', null],
    );
  });
});
