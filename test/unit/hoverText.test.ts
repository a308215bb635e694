// The text of a tagger's and a classifier's hover: tags aligned under their tokens, wrapped; a label
// with its probability and the runner-up.

import assert from 'node:assert/strict';
import { alignedTags, escapeMarkdown, rankedLabel } from '../../src/extension/hoverText';

const row = (text: string, label: string, p: number) => ({ text, top: [{ label, p }] });

describe('hover text of task models', () => {
  it('aligns each tag and its probability under its token, with ▲ under the hovered one', () => {
    const block = alignedTags(
      { line: 1, rows: [row('Teddy', 'B-PER', 0.98), row('Roosevelt', 'I-PER', 0.9512), row('said', 'O', 1)] },
      1,
    );
    assert.equal(
      block,
      ['Teddy  Roosevelt  said', 'B-PER  I-PER      O', '98.0%  95.1%      100%', '       ▲'].join('\n'),
    );
  });

  it('wraps a long sentence into groups of columns, each group aligned on its own', () => {
    const rows = Array.from({ length: 20 }, (_, i) => row(`token${i}`, i % 2 ? 'O' : 'B-LOC', 0.5));
    const groups = alignedTags({ line: 1, rows }, 19).split('\n\n');
    assert.ok(groups.length >= 2, `${groups.length} groups`);
    for (const [i, g] of groups.entries()) {
      const lines = g.split('\n');
      assert.equal(lines.length, i === groups.length - 1 ? 4 : 3, 'the ▲ row under the last group alone');
      assert.ok(lines[0].length <= 72, lines[0]);
      // every tag starts where its token starts
      const starts = (s: string) => [...s.matchAll(/\S+/g)].map((m) => m.index);
      assert.deepEqual(starts(lines[1]), starts(lines[0]));
    }
    assert.equal(groups.join(' ').match(/token\d+/g)?.length, 20, 'every token once');
    assert.match(groups[groups.length - 1].split('\n')[3], /▲$/, 'the hovered token is the last');
  });

  it('names the label with its probability and the runner-up', () => {
    const top = [
      { label: 'pos', p: 0.971 },
      { label: 'neg', p: 0.029 },
    ];
    assert.equal(rankedLabel({ line: 3, rows: [{ text: 'win x', top }] }), 'pos 97.1% · runner-up neg 2.9%');
    assert.equal(rankedLabel({ line: 3, rows: [{ text: 'win x', top: top.slice(0, 1) }] }), 'pos 97.1%');
  });

  it('escapes markdown so that a file name or tag shows as written', () => {
    assert.equal(escapeMarkdown('names_1.conll — I-PER'), 'names\\_1\\.conll — I\\-PER');
  });
});
