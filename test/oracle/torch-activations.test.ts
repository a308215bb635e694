// PyTorch as the oracle of what "seqlab neurons" shows: for the same exported weights and text, the
// value of a few units of every layer after each character, a<t> (h) and an LSTM's c<t>, equals what
// nn.LSTM/GRU/RNN hold after reading the same characters one at a time from a zero state (≤ 1e-4
// relative). The text is longer than one chunk of the reading (reader.ts), so the carried state is checked too.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Model } from '../../src/engine/checkpoint';
import { defaultModelConfig, ModelConfig } from '../../src/engine/config';
import { defaultBackend } from '../../src/engine/defaultBackend';
import { exportTorch } from '../../src/engine/export';
import { CHUNK } from '../../src/engine/inside/reader';
import { Probe } from '../../src/engine/inside/signals';
import { unitValues } from '../../src/engine/inside/units';
import { initParams } from '../../src/engine/params';
import { Rng } from '../../src/engine/rng';
import { buildCharTokenizer } from '../../src/engine/tokenizer';
import { relError } from '../helpers/relError';
import { TOL } from '../helpers/torchOracle';
import { quotedText } from '../helpers/quotes';

const PYTHON = '/usr/bin/python3';
const UNITS = [0, 5, 13];

const CASES: [string, Partial<ModelConfig>][] = [
  ['LSTM, 2 layers, one-hot input', { cell: 'lstm', layers: 2 }],
  ['GRU, embedding input', { cell: 'gru', input: 'embedding', embedSize: 7 }],
  ['RNN, 2 layers', { cell: 'rnn', layers: 2 }],
];

describe('inside the model: activations against PyTorch', function () {
  const dir = mkdtempSync(join(tmpdir(), 'seqlab-inside-oracle-'));
  const { text } = quotedText(CHUNK + 80, 7);
  const k = defaultBackend({ threads: 1 });
  const models: Model[] = CASES.map(([, over], i) => {
    const tokenizer = buildCharTokenizer(text),
      V = tokenizer.size;
    const config: ModelConfig = { ...defaultModelConfig, hidden: 16, vocabSize: V, classes: V, ...over };
    return { config, tokenizer, params: initParams(config, k, new Rng(20 + i)) };
  });
  let refs: { h: number[][][]; c: number[][][] | null }[] = [];

  before(function () {
    const files = models.flatMap((m, i) => {
      const weights = join(dir, `case${i}.safetensors`),
        input = join(dir, `case${i}.json`);
      exportTorch(m, weights);
      writeFileSync(input, JSON.stringify({ ids: Array.from(m.tokenizer.encode(text)) }));
      return [weights, input];
    });
    const oracle = join(__dirname, '..', '..', '..', 'test', 'oracle', 'torch_activations_oracle.py');
    refs = JSON.parse(execFileSync(PYTHON, [oracle, ...files], { maxBuffer: 64 << 20 }).toString());
  });

  CASES.forEach(([title], i) => {
    it(`${title}: units ${UNITS.join(', ')} of every layer, a<t>${title.startsWith('LSTM') ? ' and c<t>' : ''}, as PyTorch's`, () => {
      const model = models[i],
        ids = model.tokenizer.encode(text),
        ref = refs[i];
      const signals = ref.c ? ['h', 'c'] : ['h'];
      const probes: Probe[] = signals.flatMap((signal) =>
        ref.h.flatMap((_, layer) => UNITS.map((unit) => ({ layer, unit, signal }))),
      );
      const got = unitValues(model, k, ids, probes).values;
      assert.equal(ref.h.length, model.config.layers);
      probes.forEach((p, q) => {
        const want = (p.signal === 'h' ? ref.h : ref.c!)[p.layer].map((row) => row[p.unit]);
        assert.equal(want.length, ids.length);
        const e = relError(got[q], want);
        assert.ok(e < TOL, `layer ${p.layer} unit ${p.unit} ${p.signal}: relative error ${e.toExponential(2)}`);
      });
    });
  });
});
