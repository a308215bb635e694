// What the editor colours on a document's text (engine/inside/): the model's surprise at each
// character, a unit's activity, the most selective units and those that follow selected spans. A
// reading of each document is kept between requests: on an edit only what comes after the first
// changed character is read again, from the last state kept before it (a state every CHECKPOINT_EVERY
// characters), so colouring the visible range after the first pass reads only the new part.
//
// Characters are the document's code points (what Array.from gives); a character the model's vocabulary
// lacks is skipped when reading (as encodeKnown does for eval) and has no value (null).

import { Backend } from '../engine/backend';
import { Model } from '../engine/checkpoint';
import { checkReadable, ReadState } from '../engine/inside/reader';
import { signalNames } from '../engine/inside/signals';
import { surprise } from '../engine/inside/surprise';
import { matchUnits, selectiveUnits, unitValues } from '../engine/inside/units';
import type { CharInfo, InsideTask, SurpriseValues, UnitActivity, UnitChoices } from '../protocol';

/** Characters between the states kept for restarts. */
const CHECKPOINT_EVERY = 1024;
/** Alternatives kept per prediction (the hover's top 5). */
const TOP = 5;
/** The most selective units are ranked on at most this many characters of the document (its start). */
const RANKED_CHARS = 20_000;

interface Reading {
  model: Model;
  text: string;
  ids: Int32Array; // the known characters' ids
  tokenOf: Int32Array; // character i → its token, −1 for a character the model does not know
  surprise: Float64Array; // per token, NaN where not predicted (the first) or not read yet
  topIds: Int32Array;
  topProbs: Float32Array;
  readTo: number; // tokens [0, readTo) have their surprise
  checkpoints: ReadState[];
  units: Map<string, Float32Array>; // a unit's value per token ("layer unit signal"), NaN where not read yet
}

const readings = new Map<string, Reading>();

function tokens(model: Model, text: string): { ids: Int32Array; tokenOf: Int32Array } {
  const chars = Array.from(text);
  const tokenOf = new Int32Array(chars.length).fill(-1);
  const ids: number[] = [];
  chars.forEach((c, i) => {
    const id = model.tokenizer.id(c);
    if (id >= 0) {
      tokenOf[i] = ids.length;
      ids.push(id);
    }
  });
  return { ids: Int32Array.from(ids), tokenOf };
}

/** The document's reading, with what an edit left valid kept (key: the document and its model's checkpoint). */
function readingOf(key: string, model: Model, text: string): Reading {
  checkReadable(model);
  const old = readings.get(key);
  if (old && old.model === model && old.text === text) return old;
  const { ids, tokenOf } = tokens(model, text);
  const n = ids.length;
  const r: Reading = {
    model,
    text,
    ids,
    tokenOf,
    surprise: new Float64Array(n).fill(NaN),
    topIds: new Int32Array(n * TOP).fill(-1),
    topProbs: new Float32Array(n * TOP).fill(NaN),
    readTo: 0,
    checkpoints: [],
    units: new Map(),
  };
  if (old && old.model === model) {
    // Token t's surprise depends on tokens 0 … t: those before the first changed token e stay.
    let e = 0;
    while (e < n && e < old.ids.length && ids[e] === old.ids[e]) e++;
    const keep = Math.min(old.readTo, e, n);
    r.surprise.set(old.surprise.subarray(0, keep));
    r.topIds.set(old.topIds.subarray(0, keep * TOP));
    r.topProbs.set(old.topProbs.subarray(0, keep * TOP));
    r.readTo = keep;
    r.checkpoints = old.checkpoints.filter((c) => c.at < keep);
    // A unit's value after token t depends on tokens up to t: those before e stay.
    for (const [probe, values] of old.units) {
      const kept = new Float32Array(n).fill(NaN);
      kept.set(values.subarray(0, Math.min(e, n)));
      r.units.set(probe, kept);
    }
  }
  readings.set(key, r);
  return r;
}

/** Reads the text's surprise up to token `to` (exclusive), from the last kept state before what is missing. */
function readUpTo(r: Reading, k: Backend, to: number): void {
  const end = Math.min(to, r.ids.length);
  if (r.readTo >= end) return;
  const from = r.checkpoints.filter((c) => c.at < r.readTo).at(-1);
  const pass = surprise(r.model, k, r.ids, { from, to: end, checkpointEvery: CHECKPOINT_EVERY, top: TOP });
  const s = pass.start;
  pass.surprise.forEach((v, i) => {
    if (i === 0 && s > 0) return; // predicted by the pass before
    r.surprise[s + i] = v;
    for (let j = 0; j < TOP; j++) {
      r.topIds[(s + i) * TOP + j] = pass.top!.ids[i * TOP + j] ?? -1;
      r.topProbs[(s + i) * TOP + j] = pass.top!.probs[i * TOP + j] ?? NaN;
    }
  });
  r.readTo = end;
  const known = new Set(r.checkpoints.map((c) => c.at));
  r.checkpoints = [...r.checkpoints, ...pass.checkpoints.filter((c) => !known.has(c.at))].sort((a, b) => a.at - b.at);
}

/** The tokens of characters [from, to): the first token at or after from, and the one after the last before to. */
function tokenRange(r: Reading, from: number, to: number): [number, number] {
  let a = from;
  while (a < to && r.tokenOf[a] < 0) a++;
  let b = to - 1;
  while (b >= from && r.tokenOf[b] < 0) b--;
  return a >= to ? [0, 0] : [r.tokenOf[a], r.tokenOf[b] + 1];
}

const finite = (v: number) => (Number.isFinite(v) ? v : null);

function surpriseValues(r: Reading, k: Backend, from: number, to: number): SurpriseValues {
  const [, tb] = tokenRange(r, from, to);
  readUpTo(r, k, tb);
  const values = Array.from({ length: Math.max(0, to - from) }, (_, i) => {
    const t = r.tokenOf[from + i];
    return t < 0 || t >= r.readTo ? null : finite(r.surprise[t]);
  });
  let total = 0,
    n = 0;
  for (let t = 1; t < r.readTo; t++) {
    total += r.surprise[t];
    n++;
  }
  return { values, mean: n ? total / n : null, readTo: r.readTo, tokens: r.ids.length };
}

function charInfo(r: Reading, k: Backend, at: number): CharInfo {
  const char = Array.from(r.text)[at] ?? '';
  const t = r.tokenOf[at] ?? -1;
  if (t < 0) return { char, known: false, p: null, surprise: null, top: [] };
  readUpTo(r, k, t + 1);
  const s = finite(r.surprise[t]);
  const top =
    s === null
      ? []
      : Array.from({ length: TOP }, (_, j) => ({
          token: r.model.tokenizer.token(r.topIds[t * TOP + j]),
          p: r.topProbs[t * TOP + j],
        })).filter((a) => Number.isFinite(a.p));
  return { char, known: true, p: s === null ? null : Math.exp(-s), surprise: s, top };
}

/** A unit's values over tokens [ta, tb): those kept from before, the rest read from the last kept state before them. */
function unitActivity(r: Reading, k: Backend, task: InsideTask & { kind: 'unitValues' }): UnitActivity {
  const [ta, tb] = tokenRange(r, task.from, task.to);
  const probe = { layer: task.layer, unit: task.unit, signal: task.signal };
  const key = `${probe.layer} ${probe.unit} ${probe.signal}`;
  let kept = r.units.get(key);
  if (!kept) r.units.set(key, (kept = new Float32Array(r.ids.length).fill(NaN)));
  let missing = ta;
  while (missing < tb && !Number.isNaN(kept[missing])) missing++;
  if (missing < tb) {
    readUpTo(r, k, missing); // the state before what is missing, kept on the way
    const start = r.checkpoints.filter((c) => c.at <= missing).at(-1);
    const { values } = unitValues(r.model, k, r.ids, [probe], { from: start, to: tb });
    kept.set(values[0], start?.at ?? 0);
  }
  const read = kept;
  return {
    values: Array.from({ length: Math.max(0, task.to - task.from) }, (_, i) => {
      const t = r.tokenOf[task.from + i];
      return t < ta || t >= tb ? null : finite(read[t]);
    }),
  };
}

/** Answers an inside task on the model of a document (key: its document and checkpoint). */
export function insideInference(model: Model, k: Backend, key: string, task: InsideTask) {
  const r = readingOf(key, model, task.text);
  switch (task.kind) {
    case 'surprise':
      return surpriseValues(r, k, task.from, task.to);
    case 'charInfo':
      return charInfo(r, k, task.at);
    case 'unitValues':
      return unitActivity(r, k, task);
    case 'selectiveUnits': {
      const ranked = r.ids.subarray(0, RANKED_CHARS);
      const units = selectiveUnits(model, k, ranked, { signal: task.signal, top: task.top });
      const choices: UnitChoices = {
        signals: signalNames(model),
        layers: model.config.layers,
        hidden: model.config.hidden,
        units,
      };
      return choices;
    }
    case 'matchUnits': {
      const spans = task.spans.map((s) => {
        const [start, end] = tokenRange(r, s.start, s.end);
        return { start, end };
      });
      return matchUnits(model, k, r.ids, spans, { signal: task.signal, top: task.top });
    }
  }
}
