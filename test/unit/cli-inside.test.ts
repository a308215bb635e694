// seqlab surprise and seqlab neurons as docs/cli.md states them: their JSON, the pattern search on a
// model with a hand-set quote unit, and one clear line for each bad input.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveCheckpoint } from '../../src/engine/checkpoint';
import { defaultModelConfig, ModelConfig } from '../../src/engine/config';
import { initParams } from '../../src/engine/params';
import { jsBackend } from '../../src/engine/reference';
import { Rng } from '../../src/engine/rng';
import { buildWordTokenizer } from '../../src/engine/tokenizer';
import { lastJson, seqlab } from '../helpers/cli';
import { QUOTE_UNIT, quotedText, quoteModel } from '../helpers/quotes';

describe('seqlab surprise and seqlab neurons', function () {
  const dir = mkdtempSync(join(tmpdir(), 'seqlab-inside-'));
  const { text, spans } = quotedText(2000);
  const file = join(dir, 'quotes.txt'),
    ckpt = join(dir, 'quotes.safetensors'),
    words = join(dir, 'words.safetensors');
  const chars = Array.from(text);

  before(() => {
    writeFileSync(file, text);
    saveCheckpoint(ckpt, { model: quoteModel(jsBackend('f32'), text), training: null });
    const tokenizer = buildWordTokenizer(text, 1, false),
      V = tokenizer.size;
    const config: ModelConfig = { ...defaultModelConfig, hidden: 4, vocabSize: V, classes: V };
    const params = initParams(config, jsBackend('f32'), new Rng(1));
    saveCheckpoint(words, { model: { config, tokenizer, params }, training: null });
  });

  const failure = (r: ReturnType<typeof seqlab>, pattern: RegExp, code: number) => {
    assert.equal(r.code, code, `exit code (stderr: ${r.err})`);
    assert.match(r.err, pattern);
    assert.doesNotMatch(r.err, /internal error|\n\s+at /, 'no stack trace');
  };

  it('surprise --json: one value per character, null for the first, and the mean that eval prints as its loss', () => {
    const r = lastJson(seqlab('surprise', ckpt, file, '--json'));
    assert.deepEqual(Object.keys(r), ['chars', 'surprise', 'mean']);
    assert.deepEqual(r.chars, chars);
    const s = r.surprise as (number | null)[];
    assert.equal(s.length, chars.length);
    assert.equal(s[0], null);
    assert.ok(s.slice(1).every((x) => typeof x === 'number' && x > 0));
    const mean = s.slice(1).reduce((a, b) => a! + b!, 0)! / (s.length - 1);
    assert.ok(Math.abs(mean - (r.mean as number)) < 1e-9);
    const ev = lastJson(seqlab('eval', ckpt, file));
    assert.ok(Math.abs((r.mean as number) - (ev.loss as number)) / (ev.loss as number) <= 1e-6);
  });

  it('surprise without --json: a line per character, then the mean', () => {
    const r = seqlab('surprise', ckpt, file);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines.length, chars.length + 1);
    assert.equal(lines[0], `0\t${JSON.stringify(chars[0])}\t-`);
    assert.match(lines[1], /^1\t".*"\t\d+\.\d{4}$/);
    assert.match(lines.at(-1)!, new RegExp(`^mean \\d+\\.\\d{6} nats over ${chars.length - 1} predicted characters$`));
  });

  it("neurons --unit --json: the unit's value after every character", () => {
    const r = lastJson(seqlab('neurons', ckpt, file, '--layer', '0', '--unit', String(QUOTE_UNIT), '--json'));
    assert.deepEqual(Object.keys(r), ['layer', 'unit', 'signal', 'values']);
    assert.deepEqual([r.layer, r.unit, r.signal], [0, QUOTE_UNIT, 'h']);
    const v = r.values as number[];
    assert.equal(v.length, chars.length);
    const open = spans[0].start;
    assert.ok(v[open - 1] < 0.01 && v[open] > 0.75, 'on from the opening quote');
    const gate = lastJson(seqlab('neurons', ckpt, file, '--unit', String(QUOTE_UNIT), '--signal', 'gate:f', '--json'));
    assert.equal(gate.signal, 'gate:Γf');
    assert.ok((gate.values as number[])[open] < 0.01, 'Γf ≈ 0 at a quote');
  });

  it('neurons --match --json: the quote unit first, with its score and sign', () => {
    const match = spans.map((s) => `${s.start}:${s.end}`).join(',');
    const r = lastJson(seqlab('neurons', ckpt, file, '--match', match, '--top', '2', '--json'));
    assert.deepEqual(Object.keys(r), ['signal', 'score', 'spans', 'units']);
    assert.deepEqual(
      r.spans,
      spans.map((s) => [s.start, s.end]),
    );
    const units = r.units as { layer: number; unit: number; score: number; sign: string }[];
    assert.equal(units.length, 2);
    assert.deepEqual(Object.keys(units[0]), ['layer', 'unit', 'score', 'sign', 'inside', 'outside']);
    assert.deepEqual([units[0].layer, units[0].unit, units[0].sign], [0, QUOTE_UNIT, 'high']);
    assert.ok(units[0].score > 3 * units[1].score);
  });

  it('neurons --top --json: the K most selective units with their scores', () => {
    const r = lastJson(seqlab('neurons', ckpt, file, '--top', '4', '--signal', 'c', '--json'));
    assert.deepEqual([r.signal, r.score], ['c', 'std']);
    const units = r.units as { layer: number; unit: number; score: number }[];
    assert.equal(units.length, 4);
    assert.deepEqual(Object.keys(units[0]), ['layer', 'unit', 'score', 'mean', 'saturated']);
    for (let i = 1; i < 4; i++) assert.ok(units[i - 1].score >= units[i].score);
  });

  it('bad inputs: one clear line each', () => {
    failure(seqlab('neurons', ckpt, file, '--unit', '6'), /unit 6 does not exist: layer 0 has 6 units/, 1);
    failure(seqlab('neurons', ckpt, file, '--layer', '1', '--unit', '0'), /layer 1 does not exist/, 1);
    failure(seqlab('neurons', ckpt, file, '--signal', 'gate:r'), /the LSTM has no signal "gate:r": h, c, gate:Γu/, 1);
    failure(
      seqlab('neurons', ckpt, file, '--unit', '1', '--match', '0:5'),
      /--unit prints one unit; --top and --match/,
      2,
    );
    failure(seqlab('neurons', ckpt, file, '--match', '5-9'), /--match expects START:END/, 2);
    failure(
      seqlab('neurons', ckpt, file, '--match', `0:${chars.length + 1}`),
      /not a non-empty range of characters/,
      1,
    );
    failure(seqlab('neurons', ckpt, file, '--top', '0'), /--top must be a whole number from 1/, 1);
    failure(seqlab('surprise', words, file), /character-level models .* this model reads words/, 1);
    failure(seqlab('surprise', ckpt), /expected CKPT FILE/, 2);
    const other = join(dir, 'other.txt');
    writeFileSync(other, 'Zebra');
    failure(seqlab('surprise', ckpt, other), /does not know: "Z"/, 1);
  });
});
