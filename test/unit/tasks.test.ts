import assert from 'node:assert/strict';
import { SeqLabError } from '../../src/engine/errors';
import {
  buildVocab,
  indexOf,
  parseClassifyFile,
  parseTagFile,
  splitValidation,
  taskOfFile,
  unseenLabels,
} from '../../src/engine/tasks/taskData';
import { classifyMetrics, tagMetrics } from '../../src/engine/tasks/metrics';
import { makeClassifyData, makeTagData } from '../../src/engine/tasks/makeData';
import { withPredictions } from '../../src/engine/tasks/predictions';

/** Asserts that fn throws a SeqLabError whose message matches every pattern. */
function throwsSeqLab(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SeqLabError, `expected a SeqLabError, got ${String(e)}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

describe('tasks: which task a file is for', () => {
  it('.conll and .tags are tagging, .tsv classification, anything else a language model', () => {
    assert.equal(taskOfFile('data/ner.conll'), 'tag');
    assert.equal(taskOfFile('x.TAGS'), 'tag');
    assert.equal(taskOfFile('C:\\data\\reviews.tsv'), 'classify');
    assert.equal(taskOfFile('corpus.txt'), 'lm');
    assert.equal(taskOfFile('README'), 'lm');
    assert.equal(taskOfFile('sets.conll/notes'), 'lm', 'a dot in a folder name is no extension');
  });
});

describe('tasks: tagging files', () => {
  it('reads sentences with their first line, skipping comments and extra blank lines; CRLF; extra columns ignored', () => {
    const text = [
      '# a comment',
      'Teddy\tNNP\tB-PER',
      'Roosevelt\tNNP\tI-PER',
      '',
      '',
      '# another',
      'teddy\tO',
      ' bears \t O ',
      '',
    ].join('\r\n');
    assert.deepEqual(parseTagFile(text, 'a.conll'), [
      { tokens: ['Teddy', 'Roosevelt'], tags: ['B-PER', 'I-PER'], line: 2 },
      { tokens: ['teddy', 'bears'], tags: ['O', 'O'], line: 7 },
    ]);
  });

  it('a file without a tag column gives sentences with tags null; requireTags refuses it at its first line', () => {
    const text = '\nthe\ncat\n\nsat\n';
    assert.deepEqual(parseTagFile(text, 'a.tags'), [
      { tokens: ['the', 'cat'], tags: null, line: 2 },
      { tokens: ['sat'], tags: null, line: 5 },
    ]);
    throwsSeqLab(
      () => parseTagFile(text, 'a.tags', { requireTags: true }),
      /^a\.tags line 2: no tag; write token<TAB>tag/,
    );
  });

  it('a file mixing tagged and untagged lines is refused with both line numbers', () => {
    throwsSeqLab(
      () => parseTagFile('the\tO\ncat\tO\n\nsat\n', 'm.conll'),
      /^m\.conll line 4: line 1 has a tag but line 4 has none; give every token a tag/,
    );
    throwsSeqLab(
      () => parseTagFile('the\ncat\tO\n', 'm.conll'),
      /^m\.conll line 2: line 2 has a tag but line 1 has none/,
    );
  });

  it('names the line of an empty token, an empty tag and a token with a space', () => {
    throwsSeqLab(() => parseTagFile('a\tO\n\tO\n', 'e.conll'), /^e\.conll line 2: empty token/);
    throwsSeqLab(() => parseTagFile('a\tO\n\nb\tO\nc\t\n', 'e.conll'), /^e\.conll line 4: empty tag after "c"/);
    throwsSeqLab(() => parseTagFile('a\tNN\t  \n', 'e.conll'), /^e\.conll line 1: empty tag/);
    throwsSeqLab(
      () => parseTagFile('a\tO\nEU NNP B-ORG\tO\n', 'e.conll'),
      /^e\.conll line 2: the token "EU NNP B-ORG" contains a space; one token per line, columns separated by a tab/,
    );
  });

  it('refuses a file with no sentences', () => {
    throwsSeqLab(() => parseTagFile('', 'n.conll'), /^n\.conll has no sentences/);
    throwsSeqLab(() => parseTagFile('# only a comment\r\n\r\n  \n', 'n.conll'), /^n\.conll has no sentences/);
  });
});

describe('tasks: classification files', () => {
  it('reads text and label per line, keeping the text as written; comments, blank lines and CRLF', () => {
    const text = '# reviews\r\ngreat  film, loved it\tpos\r\n\r\nawful\t neg \r\n';
    assert.deepEqual(parseClassifyFile(text, 'r.tsv'), [
      { text: 'great  film, loved it', label: 'pos', line: 2 },
      { text: 'awful', label: 'neg', line: 4 },
    ]);
  });

  it('a text with a tab (more than two columns) is refused with its line and column count', () => {
    throwsSeqLab(
      () => parseClassifyFile('ok\tpos\nnot\tok\tneg\n', 'r.tsv'),
      /^r\.tsv line 2: 3 tab-separated columns; write text<TAB>label \(the text may not contain a tab\)/,
    );
  });

  it('lines without a label are texts to predict; requireLabels and mixed files are refused', () => {
    assert.deepEqual(parseClassifyFile('one\ntwo\n', 'u.tsv'), [
      { text: 'one', label: null, line: 1 },
      { text: 'two', label: null, line: 2 },
    ]);
    throwsSeqLab(() => parseClassifyFile('one\ntwo\n', 'u.tsv', { requireLabels: true }), /^u\.tsv line 1: no label/);
    throwsSeqLab(
      () => parseClassifyFile('one\tpos\n# c\ntwo\n', 'u.tsv'),
      /^u\.tsv line 3: line 1 has a label but line 3 has none; give every line a label/,
    );
  });

  it('names the line of an empty text and an empty label; refuses a file with no examples', () => {
    throwsSeqLab(() => parseClassifyFile('ok\tpos\n  \tneg\n', 'e.tsv'), /^e\.tsv line 2: empty text/);
    throwsSeqLab(() => parseClassifyFile('ok\tpos\n\nbad\t \n', 'e.tsv'), /^e\.tsv line 3: empty label/);
    throwsSeqLab(() => parseClassifyFile('# nothing\n\n', 'e.tsv'), /^e\.tsv has no examples/);
  });
});

describe('tasks: validation split', () => {
  const items = Array.from({ length: 100 }, (_, i) => i);

  it('holds out round(n·fraction) items, disjoint from train, both in file order, the same for the same seed', () => {
    const a = splitValidation(items, 0.1, 7);
    assert.equal(a.val.length, 10);
    assert.equal(a.train.length, 90);
    assert.deepEqual(
      [...a.train, ...a.val].sort((x, y) => x - y),
      items,
    );
    assert.deepEqual(
      a.val,
      [...a.val].sort((x, y) => x - y),
    );
    assert.deepEqual(
      a.train,
      [...a.train].sort((x, y) => x - y),
    );
    assert.deepEqual(splitValidation(items, 0.1, 7), a);
    assert.notDeepEqual(splitValidation(items, 0.1, 8).val, a.val, 'another seed holds out other items');
  });

  it('keeps at least one item in train and one in val when asked; none held out for fraction 0 or one item', () => {
    assert.deepEqual(splitValidation(items, 0, 1), { train: items, val: [] });
    assert.deepEqual(splitValidation(['only'], 0.5, 1), { train: ['only'], val: [] });
    const two = splitValidation(['a', 'b'], 0.9, 1);
    assert.equal(two.train.length, 1);
    assert.equal(two.val.length, 1);
    assert.equal(splitValidation(items.slice(0, 5), 0.01, 1).val.length, 1);
  });

  it('refuses a fraction outside [0, 1)', () => {
    throwsSeqLab(() => splitValidation(items, 1, 1), /validation fraction/);
    throwsSeqLab(() => splitValidation(items, -0.1, 1), /validation fraction/);
  });
});

describe('tasks: vocabularies', () => {
  it('puts the extra entries first, then items by descending count, ties in code-unit order', () => {
    assert.deepEqual(buildVocab(['b', 'c', 'a', 'c', 'B', 'b', 'c'], 1, ['<PAD>', '<UNK>']), [
      '<PAD>',
      '<UNK>',
      'c',
      'b',
      'B',
      'a',
    ]);
  });

  it('drops items seen fewer than minCount times and never repeats an extra entry', () => {
    assert.deepEqual(buildVocab(['x', 'y', 'y', '<UNK>', '<UNK>', 'z', 'z', 'z'], 2, ['<UNK>']), ['<UNK>', 'z', 'y']);
    assert.deepEqual(buildVocab(['O', 'B-PER'], 1, []), ['B-PER', 'O']);
  });

  it('indexOf maps each entry to its position and refuses duplicates', () => {
    assert.deepEqual(
      [...indexOf(['<UNK>', 'z', 'y'])],
      [
        ['<UNK>', 0],
        ['z', 1],
        ['y', 2],
      ],
    );
    assert.throws(() => indexOf(['a', 'b', 'a']), /"a" appears twice/);
  });

  it('unseenLabels lists the distinct gold labels training never saw, sorted', () => {
    assert.deepEqual(unseenLabels(['pos', 'meh', 'neg', 'angry', 'meh'], ['pos', 'neg']), ['angry', 'meh']);
    assert.deepEqual(unseenLabels(['pos'], ['pos', 'neg']), []);
  });
});

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);

describe('tasks: tagging metrics', () => {
  // Checked with conlleval.pl (CoNLL-2000): 6 tokens, 3 phrases, found 3, correct 2; accuracy 66.67 %, FB1 66.67.
  const gold = [
    ['B-PER', 'I-PER', 'O', 'B-LOC'],
    ['O', 'B-PER'],
  ];
  const predicted = [
    ['B-PER', 'O', 'O', 'B-LOC'],
    ['O', 'I-PER'],
  ];

  it('token accuracy, per-tag precision / recall / F1 and macro-F1 of a hand-worked example', () => {
    const m = tagMetrics(gold, predicted);
    assert.equal(m.tokens, 6);
    close(m.accuracy, 4 / 6, 'accuracy');
    assert.deepEqual(Object.keys(m.perTag), ['B-LOC', 'B-PER', 'I-PER', 'O']);
    assert.deepEqual(m.perTag['B-LOC'], { precision: 1, recall: 1, f1: 1, support: 1 });
    // B-PER: tp 1, fp 0, fn 1.
    assert.deepEqual(m.perTag['B-PER'], { precision: 1, recall: 0.5, f1: 2 / 3, support: 2 });
    // I-PER: tp 0, fp 1, fn 1 → precision + recall = 0, so F1 = 0.
    assert.deepEqual(m.perTag['I-PER'], { precision: 0, recall: 0, f1: 0, support: 1 });
    // O: tp 2, fp 1, fn 0.
    close(m.perTag.O.precision, 2 / 3, 'O precision');
    close(m.perTag.O.f1, 0.8, 'O F1');
    close(m.macroF1, (1 + 2 / 3 + 0 + 0.8) / 4, 'macro-F1');
    // Entities: gold PER[0,2) LOC[3,4) | PER[1,2); predicted PER[0,1) LOC[3,4) | PER[1,2) (I-PER after O starts one).
    close(m.entityF1!, 2 / 3, 'entity F1');
  });

  it('entity F1 by conlleval: I-X after another type starts a chunk, B-X B-X are two, chunks end at sentence ends', () => {
    // conlleval.pl: 4 phrases, found 3, correct 2 → precision 2/3, recall 1/2, FB1 57.14.
    const g = [['B-PER', 'I-LOC', 'I-LOC', 'B-PER', 'B-PER']];
    close(tagMetrics(g, g).entityF1!, 1, 'perfect');
    close(tagMetrics(g, [['B-PER', 'B-LOC', 'I-LOC', 'B-PER', 'I-PER']]).entityF1!, 4 / 7, 'one merged chunk');
    // conlleval.pl: the I-PER opening the second sentence is a chunk of its own: 2 phrases, found 1, correct 1.
    const across = [
      ['O', 'B-PER'],
      ['I-PER', 'O'],
    ];
    close(tagMetrics(across, across).entityF1!, 1, 'same chunks');
    close(
      tagMetrics(across, [
        ['O', 'B-PER'],
        ['O', 'O'],
      ]).entityF1!,
      2 / 3,
      'second-sentence chunk missed',
    );
  });

  it('tags only predicted are scored but left out of macro-F1; no B-/I- tags in gold → entityF1 null', () => {
    const m = tagMetrics([['N', 'V']], [['N', 'X']]);
    assert.deepEqual(m.perTag.X, { precision: 0, recall: 0, f1: 0, support: 0 });
    assert.equal(m.macroF1, (1 + 0) / 2, 'mean over N (F1 1) and V (F1 0)');
    assert.equal(m.entityF1, null);
  });

  it('refuses mismatched lengths', () => {
    assert.throws(() => tagMetrics(gold, predicted.slice(1)), /2 gold but 1 predicted/);
    assert.throws(() => tagMetrics([['O', 'O']], [['O']]), /sentence 0: 2 gold but 1 predicted/);
  });
});

describe('tasks: classification metrics', () => {
  const gold = ['a', 'a', 'a', 'b', 'b', 'c'];
  const predicted = ['a', 'b', 'a', 'b', 'c', 'c'];

  it('accuracy, per-label scores, macro-F1 and the confusion matrix (rows gold, columns predicted)', () => {
    const m = classifyMetrics(gold, predicted, ['a', 'b', 'c', 'd']);
    assert.equal(m.examples, 6);
    close(m.accuracy, 4 / 6, 'accuracy');
    assert.deepEqual(m.confusion, [
      [2, 1, 0, 0],
      [0, 1, 1, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 0],
    ]);
    // a: tp 2, fp 0, fn 1; b: tp 1, fp 1, fn 1; c: tp 1, fp 1, fn 0; d never occurs.
    close(m.perLabel.a.f1, 0.8, 'a F1');
    assert.deepEqual(m.perLabel.b, { precision: 0.5, recall: 0.5, f1: 0.5, support: 1 + 1 });
    close(m.perLabel.c.f1, 2 / 3, 'c F1');
    assert.deepEqual(m.perLabel.d, { precision: 0, recall: 0, f1: 0, support: 0 });
    close(m.macroF1, (0.8 + 0.5 + 2 / 3) / 3, 'macro-F1 over the labels in gold');
  });

  it('refuses mismatched lengths and labels missing from the list', () => {
    assert.throws(() => classifyMetrics(gold, predicted.slice(1), ['a', 'b', 'c']), /6 gold but 5 predicted/);
    assert.throws(() => classifyMetrics(gold, predicted, ['a', 'b']), /label "c" is not in the label list/);
  });
});

describe('tasks: generated tagging set', () => {
  const text = makeTagData({ seed: 1 });
  const sentences = parseTagFile(text, 'gen.conll', { requireTags: true });
  const pairs = sentences.flatMap((s) => s.tokens.map((w, t) => ({ w, tag: s.tags![t], s, t })));

  it('is deterministic by seed, ~600 sentences of 4–12 tokens over a few dozen words', () => {
    assert.equal(makeTagData({ seed: 1 }), text);
    assert.notEqual(makeTagData({ seed: 2 }), text);
    assert.equal(sentences.length, 600);
    assert.equal(parseTagFile(makeTagData({ seed: 3, sentences: 25 }), 'g').length, 25);
    for (const s of sentences) assert.ok(s.tokens.length >= 4 && s.tokens.length <= 12, s.tokens.join(' '));
    const vocabulary = new Set(pairs.map((p) => p.w)).size;
    assert.ok(vocabulary >= 30 && vocabulary <= 80, `${vocabulary} words`);
  });

  it('ambiguous words take B-PER or O by the NEXT word alone, about half each', () => {
    const tagsOf = new Map<string, Set<string>>();
    for (const p of pairs) tagsOf.set(p.w, (tagsOf.get(p.w) ?? new Set()).add(p.tag));
    const ambiguous = [...tagsOf].filter(([, tags]) => tags.size > 1).map(([w]) => w);
    assert.ok(ambiguous.length >= 4, `ambiguous words: ${ambiguous.join(', ')}`);
    for (const word of ambiguous) {
      assert.deepEqual([...tagsOf.get(word)!].sort(), ['B-PER', 'O'], word);
      const byNext = new Map<string, string>();
      let names = 0;
      let all = 0;
      for (const p of pairs.filter((q) => q.w === word)) {
        const next = p.s.tokens[p.t + 1];
        assert.ok(next !== undefined, `"${word}" never ends a sentence`);
        assert.equal(byNext.get(next) ?? p.tag, p.tag, `"${word} ${next}" always has the same tag`);
        byNext.set(next, p.tag);
        all++;
        if (p.tag === 'B-PER') names++;
      }
      assert.ok(names / all > 0.35 && names / all < 0.65, `"${word}": ${names} of ${all} are names`);
    }
  });

  it('the word and its left neighbour leave the tag open where the word and its right neighbour decide it', () => {
    // The best accuracy of a tagger that sees (context, word), choosing each context's most frequent tag.
    const bestAccuracy = (context: (p: (typeof pairs)[number]) => string) => {
      const counts = new Map<string, Map<string, number>>();
      for (const p of pairs) {
        const key = `${context(p)} ${p.w}`;
        const m = counts.get(key) ?? new Map<string, number>();
        counts.set(key, m.set(p.tag, (m.get(p.tag) ?? 0) + 1));
      }
      let best = 0;
      for (const m of counts.values()) best += Math.max(...m.values());
      return best / pairs.length;
    };
    const right = bestAccuracy((p) => p.s.tokens[p.t + 1] ?? '</s>');
    const left = bestAccuracy((p) => p.s.tokens[p.t - 1] ?? '<s>');
    assert.equal(right, 1);
    assert.ok(left < 0.95, `left context: ${left}`);
    // The stated ceiling of a left-to-right tagger: 1 − a/2, a = the fraction of ambiguous tokens.
    const ambiguousTokens = pairs.filter((p) => ['teddy', 'rose', 'jack', 'bill', 'grace', 'mark'].includes(p.w));
    const ceiling = 1 - ambiguousTokens.length / pairs.length / 2;
    assert.ok(ceiling > 0.9 && ceiling < 0.93, `ceiling ${ceiling}`);
  });

  it('refuses a sentence count below 1', () => {
    throwsSeqLab(() => makeTagData({ seed: 1, sentences: 0 }), /number of sentences must be a whole number ≥ 1/);
  });
});

describe('tasks: generated classification set', () => {
  const text = makeClassifyData({ seed: 1 });
  const examples = parseClassifyFile(text, 'gen.tsv', { requireLabels: true });

  it('is deterministic by seed: 800 distinct lines of exactly 40 lower-case letters and single spaces', () => {
    assert.equal(makeClassifyData({ seed: 1 }), text);
    assert.notEqual(makeClassifyData({ seed: 2 }), text);
    assert.equal(examples.length, 800);
    assert.equal(new Set(examples.map((e) => e.text)).size, 800);
    for (const e of examples) {
      assert.equal(e.text.length, 40, e.text);
      assert.match(e.text, /^[a-z]+( [a-z]+)*$/);
    }
    const long = parseClassifyFile(makeClassifyData({ seed: 1, lines: 10, length: 64 }), 'g');
    assert.deepEqual(
      long.map((e) => e.text.length),
      Array(10).fill(64),
    );
  });

  it('labels are balanced and decided by the first word alone', () => {
    const count = (l: string) => examples.filter((e) => e.label === l).length;
    assert.deepEqual([count('pos'), count('neg')], [400, 400]);
    const odd = parseClassifyFile(makeClassifyData({ seed: 5, lines: 7 }), 'g');
    assert.equal(odd.filter((e) => e.label === 'pos').length, 4);
    const byCue = new Map<string, string>();
    for (const e of examples) {
      const cue = e.text.split(' ')[0];
      assert.equal(byCue.get(cue) ?? e.label, e.label, `"${cue}" always means one label`);
      byCue.set(cue, e.label!);
    }
    assert.deepEqual([...new Set(byCue.values())].sort(), ['neg', 'pos']);
  });

  it('refuses too few lines or too short a line', () => {
    throwsSeqLab(() => makeClassifyData({ seed: 1, lines: 1 }), /number of lines must be a whole number ≥ 2/);
    throwsSeqLab(() => makeClassifyData({ seed: 1, length: 5 }), /line length must be a whole number ≥ 8/);
  });
});

describe('predictions written into a task file', () => {
  it('replaces the last column, appends where there is none, keeps comments, blank lines, middle columns and CRLF', () => {
    assert.equal(
      withPredictions('# c\nA\tNNP\tB-PER\nb\n\nc\tO\n', [['I-PER', 'O'], ['B-LOC']]),
      '# c\nA\tNNP\tI-PER\nb\tO\n\nc\tB-LOC\n',
    );
    assert.equal(withPredictions('one\tpos\r\ntwo\r\n', [['neg'], ['pos']]), 'one\tneg\r\ntwo\tpos\r\n');
    assert.throws(() => withPredictions('a\nb\n', [['x']]), /predictions for 1 rows, the file has 2/);
  });
});
