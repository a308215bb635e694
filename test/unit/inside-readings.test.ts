// The editor's readings of a document (worker/insideReadings.ts): what an edit leaves valid is kept and
// the rest is read again, and the numbers equal those of a reading from scratch; characters the model
// does not know are skipped and have no value; the whole file's mean is the engine's.

import assert from 'node:assert/strict';
import { jsBackend } from '../../src/engine/reference';
import { surprise } from '../../src/engine/inside/surprise';
import { insideInference } from '../../src/worker/insideReadings';
import type { SurpriseValues, UnitActivity } from '../../src/protocol';
import { quotedText, quoteModel, QUOTE_UNIT } from '../helpers/quotes';

describe("the editor's readings of a document", function () {
  this.timeout(60_000);
  const k = jsBackend('f32');
  const { text } = quotedText(3000);
  const model = quoteModel(k, text);
  const n = Array.from(text).length;
  const read = (key: string, t: string, from = 0, to = Array.from(t).length) =>
    insideInference(model, k, key, { kind: 'surprise', doc: key, text: t, from, to }) as SurpriseValues;
  const unit = (key: string, t: string, from: number, to: number) =>
    insideInference(model, k, key, {
      kind: 'unitValues',
      doc: key,
      text: t,
      from,
      to,
      layer: 0,
      unit: QUOTE_UNIT,
      signal: 'h',
    }) as UnitActivity;

  it("give the engine's surprise, reading only up to the end of what is asked", () => {
    const part = read('a', text, 100, 500);
    assert.equal(part.readTo, 500);
    const whole = surprise(model, k, model.tokenizer.encode(text));
    assert.deepEqual(part.values, Array.from(whole.surprise.subarray(100, 500)));
    const all = read('a', text);
    assert.equal(all.readTo, n);
    assert.ok(Math.abs(all.mean! - whole.mean) <= 1e-12 * whole.mean, `${all.mean} vs ${whole.mean}`);
  });

  it('after an edit, equal a reading from scratch (what came before the edit kept)', () => {
    const before = read('b', text);
    const at = 1500;
    const edited = text.slice(0, at) + '"' + text.slice(at + 1);
    const again = read('b', edited);
    const fresh = read('fresh', edited);
    assert.deepEqual(again.values, fresh.values);
    assert.deepEqual(again.values.slice(0, at), before.values.slice(0, at), 'before the edit nothing changed');
    assert.notEqual(again.values[at], before.values[at], 'the edited character is read again');
    // An edit at a kept state's position (every 1,024 characters) is read again too.
    const atState = edited.slice(0, 2048) + '"' + edited.slice(2049);
    assert.deepEqual(read('b', atState).values, read('fresh3', atState).values);

    const u1 = unit('b', edited, 1000, 2000);
    assert.deepEqual(unit('b', edited, 1000, 2000), u1, 'kept values come back the same');
    assert.deepEqual(u1, unit('fresh', edited, 1000, 2000));
    const reEdited = edited.slice(0, 1800) + 'x' + edited.slice(1801);
    assert.deepEqual(unit('b', reEdited, 1000, 2000), unit('fresh2', reEdited, 1000, 2000));
  });

  it('skip characters the model does not know: no value for them, the rest as without them', () => {
    const withUnknown = text.slice(0, 200) + '☃' + text.slice(200);
    const r = read('c', withUnknown, 0, 400);
    assert.equal(r.values[200], null);
    const plain = read('d', text, 0, 399);
    assert.deepEqual([...r.values.slice(0, 200), ...r.values.slice(201)], plain.values);
  });
});
