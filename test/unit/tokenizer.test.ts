import assert from 'node:assert/strict';
import { buildCharTokenizer, buildWordTokenizer, EOS, UNK } from '../../src/engine/tokenizer';
import { decodeText } from '../../src/engine/text';

describe('tokenizers', () => {
  it('char level counts Unicode code points: an emoji and an accented letter are one token each', () => {
    const t = buildCharTokenizer('café 🙂 café');
    assert.equal(t.encode('é🙂').length, 2);
    assert.equal(t.decode(t.encode('café 🙂')), 'café 🙂');
  });

  it('char vocabulary is in a stable code-point order, whatever the text order', () => {
    assert.deepEqual(buildCharTokenizer('cab').spec.vocab, ['a', 'b', 'c']);
    assert.deepEqual(buildCharTokenizer('bca').spec.vocab, buildCharTokenizer('abc').spec.vocab);
  });

  it('char encode names the characters a vocabulary does not know', () => {
    assert.throws(() => buildCharTokenizer('abc').encode('abz'), /"z"/);
  });

  it('word level: rare words become <UNK>, each line ends with <EOS>, optional lower-casing', () => {
    const t = buildWordTokenizer('The cat sat.\nthe cat ran.\nA dog\n', 2, true);
    assert.deepEqual(t.spec.vocab.slice(0, 2), [UNK, EOS]);
    const ids = t.encode('the dog sat.\n');
    assert.deepEqual(
      Array.from(ids, (i) => t.token(i)),
      ['the', UNK, UNK, '.', EOS],
    );
    assert.equal(t.decode(t.encode('the cat.\n')), 'the cat.\n');
  });

  it('word level decodes a continuation spaced to follow the text before it', () => {
    const t = buildWordTokenizer('the cat sat.\nthe cat ran.\n', 1, false);
    const cat = t.encode('cat ran.');
    assert.equal(t.decode(cat, 'the'), ' cat ran.');
    assert.equal(t.decode(cat, 'the '), 'cat ran.', 'after a space: none added');
    assert.equal(t.decode(cat, 'sat.\n'), 'cat ran.', 'at a line start: none added');
    assert.equal(t.decode(t.encode('.'), 'the cat'), '.', 'no space before punctuation');
    const chars = buildCharTokenizer('abc');
    assert.equal(chars.decode(chars.encode('bc'), 'a'), 'bc', 'char level: the text as it is');
  });

  it('word vocabulary orders words by frequency, then alphabetically', () => {
    const t = buildWordTokenizer('b b b a a c c', 1, false);
    assert.deepEqual(t.spec.vocab.slice(2), ['b', 'a', 'c']);
  });
});

describe('reading text', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  it('refuses an empty file with a clear message', () => {
    assert.throws(() => decodeText(new Uint8Array(0), 'x.txt'), /x\.txt is empty/);
  });
  it('refuses binary content', () => {
    assert.throws(
      () => decodeText(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 0, 1), 'img.png'),
      /img\.png looks binary: it contains a NUL character at line 1, column 5/,
    );
    // Lines and columns count characters, not bytes: "é" is two bytes and one column.
    assert.throws(() => decodeText(bytes('ab\ncdé\u0000x'), 'x.txt'), /at line 2, column 4;/);
    assert.throws(() => decodeText(Uint8Array.of(0xff, 0xfe, 0x41, 0xc3), 'latin.txt'), /not valid UTF-8/);
  });
  it('refuses a file over the size limit, and strips a byte-order mark', () => {
    assert.throws(() => decodeText(bytes('abcdef'), 'big.txt', 4), /over the .* limit/);
    assert.equal(decodeText(bytes('\ufeffhi'), 'bom.txt'), 'hi');
  });
});
