// Inside the model (engine/inside/): the surprise at each character sums to eval's loss, a reading
// restarted from a kept state gives the same numbers as one from the file's start, the hover's
// alternatives are the likeliest tokens, and the pattern search and the selectivity ranking find a
// unit set by hand to track quoted passages.

import assert from 'node:assert/strict';
import { Model } from '../../src/engine/checkpoint';
import { defaultModelConfig, defaultTrainConfig, ModelConfig } from '../../src/engine/config';
import { defaultBackend } from '../../src/engine/defaultBackend';
import { evaluateTokens } from '../../src/engine/evaluate';
import { initParams } from '../../src/engine/params';
import { jsBackend } from '../../src/engine/reference';
import { Backend } from '../../src/engine/backend';
import { Rng } from '../../src/engine/rng';
import { buildCharTokenizer, buildWordTokenizer } from '../../src/engine/tokenizer';
import { alternativesAt, surprise } from '../../src/engine/inside/surprise';
import { parseSignal, signalNames } from '../../src/engine/inside/signals';
import { matchUnits, selectiveUnits, unitValues } from '../../src/engine/inside/units';
import { HAND_SET_GATES, HAND_SET_TEXT, handSetModel } from '../helpers/handSet';
import { QUOTE_UNIT, quotedText, quoteModel } from '../helpers/quotes';
import { smallText } from '../helpers/texts';

function charModel(k: Backend, text: string, over: Partial<ModelConfig>, seed = 4): Model {
  const tokenizer = buildCharTokenizer(text);
  const V = tokenizer.size;
  const config: ModelConfig = { ...defaultModelConfig, hidden: 12, vocabSize: V, classes: V, ...over };
  return { config, tokenizer, params: initParams(config, k, new Rng(seed)) };
}

describe('inside the model: surprise', () => {
  const text = smallText(1500);
  const backends: [string, () => Backend][] = [
    ['TypeScript float32', () => jsBackend('f32')],
    ['default (WebAssembly)', () => defaultBackend({ threads: 1 })],
  ];
  const cases: [string, Partial<ModelConfig>][] = [
    ['LSTM, 2 layers', { cell: 'lstm', layers: 2 }],
    ['GRU, embedding input', { cell: 'gru', input: 'embedding', embedSize: 5 }],
    ['RNN, random a<0>', { cell: 'rnn', initState: 'random' }],
  ];
  for (const [backendName, make] of backends) {
    for (const [title, over] of cases) {
      it(`${title}, ${backendName} backend: the mean surprise is eval's loss (≤ 1e-6 relative)`, () => {
        const k = make(),
          model = charModel(k, text, over),
          ids = model.tokenizer.encode(text);
        const r = surprise(model, k, ids);
        const ev = evaluateTokens(model, k, ids, 1, defaultTrainConfig.seqLength);
        assert.equal(r.surprise.length, ids.length);
        assert.ok(Number.isNaN(r.surprise[0]), 'the first character has no prediction');
        assert.equal(r.predicted, ev.tokens);
        assert.ok(r.surprise.slice(1).every((s) => Number.isFinite(s) && s > 0));
        assert.ok(Math.abs(r.mean - ev.loss) / ev.loss <= 1e-6, `mean ${r.mean} vs eval ${ev.loss}`);
      });
    }
  }

  it('a reading restarted from a kept state gives the numbers of the reading from the start', () => {
    const k = jsBackend('f32'),
      model = charModel(k, text, { cell: 'lstm' }),
      ids = model.tokenizer.encode(text);
    const whole = surprise(model, k, ids, { checkpointEvery: 100, top: 3 });
    assert.deepEqual(
      whole.checkpoints.map((c) => c.at),
      Array.from({ length: Math.floor((ids.length - 1) / 100) }, (_, i) => (i + 1) * 100),
    );
    const from = whole.checkpoints[6]; // at 700
    const part = surprise(model, k, ids, { from, to: 1234, top: 3 });
    assert.equal(part.start, 700);
    assert.equal(part.surprise.length, 534);
    assert.ok(Number.isNaN(part.surprise[0]), 'token 700 was predicted by the pass that read token 699');
    assert.deepEqual(Array.from(part.surprise.slice(1)), Array.from(whole.surprise.slice(701, 1234)));
    assert.deepEqual(Array.from(part.top!.ids.slice(3)), Array.from(whole.top!.ids.slice(701 * 3, 1234 * 3)));
    // the values of a unit likewise
    const probe = { layer: 0, unit: 5, signal: 'c' };
    const all = unitValues(model, k, ids, [probe]).values[0];
    const restarted = unitValues(model, k, ids, [probe], { from, to: 900 });
    assert.deepEqual(Array.from(restarted.values[0]), Array.from(all.slice(700, 900)));
  });

  it('the hover alternatives are the likeliest tokens, and hold the one that came when it is among them', () => {
    const k = jsBackend('f32'),
      model = charModel(k, text, { cell: 'gru' }),
      ids = model.tokenizer.encode(text);
    const r = surprise(model, k, ids, { top: 5 });
    assert.deepEqual(alternativesAt(r, 0), [], 'no prediction for the first character');
    let found = 0;
    for (let t = 1; t < ids.length; t++) {
      const alt = alternativesAt(r, t);
      assert.equal(alt.length, 5);
      for (let i = 1; i < 5; i++) assert.ok(alt[i - 1].p >= alt[i].p, `sorted at ${t}`);
      assert.equal(new Set(alt.map((a) => a.token)).size, 5);
      const p = Math.exp(-r.surprise[t]);
      const came = alt.find((a) => a.token === ids[t]);
      if (came) {
        found++;
        assert.ok(Math.abs(came.p - p) <= 1e-6 * p, `p of the token that came at ${t}`);
      } else assert.ok(p <= alt[4].p, `a token likelier than the fifth alternative is missing at ${t}`);
    }
    assert.ok(found > 0);
  });

  it('refuses a word-level model and reads nothing outside the text', () => {
    const k = jsBackend('f32'),
      tokenizer = buildWordTokenizer(text, 1, false),
      V = tokenizer.size;
    const config: ModelConfig = { ...defaultModelConfig, hidden: 4, vocabSize: V, classes: V };
    const words: Model = { config, tokenizer, params: initParams(config, k, new Rng(1)) };
    assert.throws(() => surprise(words, k, tokenizer.encode(text)), /character-level models .* this model reads words/);
    const model = charModel(k, text, {}),
      ids = model.tokenizer.encode(text);
    assert.throws(
      () => surprise(model, k, ids, { to: ids.length + 1 }),
      new RegExp(`cannot read tokens 0 to ${ids.length + 1} of a text of ${ids.length}`),
    );
  });
});

describe('inside the model: units', () => {
  const { text, spans } = quotedText(3000);

  it('a unit set by hand to flip at every quote is high exactly inside the quoted passages', () => {
    const k = jsBackend('f32'),
      model = quoteModel(k, text),
      ids = model.tokenizer.encode(text);
    const v = unitValues(model, k, ids, [{ layer: 0, unit: QUOTE_UNIT, signal: 'h' }]).values[0];
    const inside = new Uint8Array(ids.length);
    for (const s of spans) inside.fill(1, s.start, s.end);
    for (let t = 0; t < ids.length; t++) {
      if (inside[t]) assert.ok(Math.abs(v[t] - 0.7616) < 0.01, `inside at ${t}: ${v[t]}`);
      else assert.ok(v[t] < 0.01, `outside at ${t}: ${v[t]}`);
    }
  });

  it('the pattern search ranks the quote unit first, high inside the quotes and low inside the rest', () => {
    const k = defaultBackend({ threads: 1 }),
      model = quoteModel(k, text),
      ids = model.tokenizer.encode(text);
    const found = matchUnits(model, k, ids, spans, { signal: 'h', top: 3 });
    assert.equal(found.length, 3);
    assert.deepEqual([found[0].layer, found[0].unit, found[0].sign], [0, QUOTE_UNIT, 'high']);
    assert.ok(found[0].score > 5 && found[0].score > 3 * found[1].score, JSON.stringify(found));
    assert.ok(found[0].inside > 0.75 && found[0].outside < 0);
    // the complement: the spans between the quoted passages
    const between = spans.map((s, i) => ({ start: i === 0 ? 0 : spans[i - 1].end, end: s.start }));
    const low = matchUnits(model, k, ids, between, { signal: 'h', top: 1 })[0];
    assert.deepEqual([low.unit, low.sign], [QUOTE_UNIT, 'low']);
    // c<t> (as tanh(c<t>)) tracks them too
    assert.equal(matchUnits(model, k, ids, spans, { signal: 'c', top: 1 })[0].unit, QUOTE_UNIT);
  });

  it("the selectivity score is the std of a unit's activity over the text, and ranks the quote unit first", () => {
    const k = jsBackend('f32'),
      model = quoteModel(k, text),
      ids = model.tokenizer.encode(text);
    const ranked = selectiveUnits(model, k, ids, { signal: 'h', top: 6 });
    assert.equal(ranked[0].unit, QUOTE_UNIT);
    const values = unitValues(
      model,
      k,
      ids,
      ranked.map((u) => ({ layer: 0, unit: u.unit, signal: 'h' })),
    ).values;
    ranked.forEach((u, i) => {
      const x = Array.from(values[i]),
        mean = x.reduce((a, b) => a + b, 0) / x.length;
      const std = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length);
      assert.ok(Math.abs(u.score - std) < 1e-6 && Math.abs(u.mean - mean) < 1e-6, `unit ${u.unit}`);
      assert.equal(u.saturated, x.filter((y) => Math.abs(y) > 0.9).length / x.length);
      if (i > 0) assert.ok(ranked[i - 1].score >= u.score);
    });
  });

  it("gates read as the course's quantities: PyTorch's GRU's Γu is 1 − z", () => {
    const k = jsBackend('f32');
    for (const h of HAND_SET_GATES.filter((g) => g.gate !== 'c̃')) {
      const model = handSetModel(h),
        ids = model.tokenizer.encode(HAND_SET_TEXT);
      const v = unitValues(model, k, ids, [{ layer: 0, unit: 3, signal: `gate:${h.gate}` }]).values[0];
      const end = h.end === 'low' ? 0 : 1;
      assert.ok(
        v.every((x) => Math.abs(x - end) < 1e-6),
        `${h.title}: ${v[0]}`,
      );
    }
  });

  it('names the signals of each cell, takes their ASCII spellings and refuses the others with the list', () => {
    const k = jsBackend('f32');
    assert.deepEqual(signalNames(charModel(k, text, { cell: 'lstm' })), [
      'h',
      'c',
      'gate:Γu',
      'gate:Γf',
      'gate:c̃',
      'gate:Γo',
    ]);
    const gru = charModel(k, text, { cell: 'gru' });
    assert.deepEqual(signalNames(gru), ['h', 'gate:Γr', 'gate:Γu', 'gate:c̃']);
    assert.equal(parseSignal(gru, 'gate:u'), 'gate:Γu');
    assert.equal(parseSignal(gru, 'gate:c~'), 'gate:c̃');
    assert.throws(
      () => parseSignal(gru, 'c'),
      /the GRU has no signal "c": h, gate:Γr, gate:Γu, gate:c̃, gate:r, gate:u, gate:c~/,
    );
    const ids = gru.tokenizer.encode(text);
    assert.throws(
      () => unitValues(gru, k, ids, [{ layer: 1, unit: 0, signal: 'h' }]),
      /layer 1 does not exist: the model has 1 layer, numbered from 0/,
    );
    assert.throws(
      () => unitValues(gru, k, ids, [{ layer: 0, unit: 12, signal: 'h' }]),
      /unit 12 does not exist: layer 0 has 12 units, numbered 0 to 11/,
    );
    assert.throws(
      () => matchUnits(gru, k, ids, [{ start: 5, end: 5 }], { signal: 'h', top: 1 }),
      /not a non-empty range/,
    );
    assert.throws(
      () => matchUnits(gru, k, ids, [{ start: 0, end: ids.length }], { signal: 'h', top: 1 }),
      /at least 2 characters inside and 2 outside/,
    );
  });
});
