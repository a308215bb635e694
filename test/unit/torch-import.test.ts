// The PyTorch project's checkpoint layout and seqlab import, without PyTorch: what the project starts
// from reads back as the very run; every file seqlab export writes imports as the same model; the
// models the project cannot train are refused before anything is written; and a file that is not a
// model (no vocabulary, a missing tensor, a wrong shape, a tensor of something else) is refused by name.
// Running the project itself: test/oracle/torch-project.test.ts.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Checkpoint, Model, saveCheckpoint } from '../../src/engine/checkpoint';
import { defaultModelConfig, defaultTrainConfig, ModelConfig, TrainConfig } from '../../src/engine/config';
import { encodeTorchExport, exportTorch } from '../../src/engine/export';
import { initParams } from '../../src/engine/params';
import { jsBackend } from '../../src/engine/reference';
import { Rng } from '../../src/engine/rng';
import { decodeSafetensors, encodeSafetensors } from '../../src/engine/safetensors';
import { Tokenizer } from '../../src/engine/tokenizer';
import { importTorchCheckpoint } from '../../src/engine/torchImport';
import { encodeProjectCheckpoint, writeTorchProject } from '../../src/engine/torchProject';
import { Trainer } from '../../src/engine/train';
import { seqlab } from '../helpers/cli';
import { smallText } from '../helpers/texts';

const k = jsBackend('f32');
const dir = mkdtempSync(join(tmpdir(), 'seqlab-torch-import-'));
const train = (over: Partial<TrainConfig> = {}): TrainConfig => ({
  ...defaultTrainConfig,
  seqLength: 16,
  batchSize: 4,
  evalEvery: 50,
  steps: 10,
  ...over,
});

/** A language model trained `steps` steps on the small text: weights, moments, position and state all moved. */
function trained(model: Partial<ModelConfig>, t: Partial<TrainConfig> = {}, steps = 3): Checkpoint {
  const trainer = Trainer.create(smallText(), { hidden: 8, ...model }, train(t), k);
  for (let i = 0; i < steps; i++) trainer.trainStep();
  return trainer.checkpoint();
}

/** A model with random weights under `config` and a vocabulary of single letters. */
function model(over: Partial<ModelConfig>, labels?: string[]): Model {
  const config: ModelConfig = { ...defaultModelConfig, hidden: 6, embedSize: 4, vocabSize: 7, classes: 7, ...over };
  const tokenizer = new Tokenizer({ level: 'char', vocab: Array.from('abcdefg'), lowercase: false });
  return { config, tokenizer, params: initParams(config, k, new Rng(3)), ...(labels ? { labels } : {}) };
}

let fileCount = 0;
function write(bytes: Uint8Array): string {
  const path = join(dir, `file${fileCount++}.safetensors`);
  writeFileSync(path, bytes);
  return path;
}

function assertSameModel(a: Model, b: Model): void {
  assert.deepEqual(b.config, a.config);
  assert.deepEqual(b.tokenizer.spec, a.tokenizer.spec);
  assert.deepEqual(b.labels, a.labels);
  assert.deepEqual(Array.from(b.params.data), Array.from(a.params.data));
}

describe('the PyTorch project checkpoint and seqlab import', () => {
  for (const [title, over, t] of [
    ['a char LSTM of 2 layers, Adam', { cell: 'lstm', layers: 2 }, {}],
    ['a GRU with an embedding, SGD with momentum', { cell: 'gru', embedSize: 5 }, { optimizer: 'sgd', lr: 0.1 }],
    ['an RNN, RMSprop', { cell: 'rnn' }, { optimizer: 'rmsprop' }],
    [
      'a word-level LSTM, Adagrad',
      { cell: 'lstm', embedSize: 6 },
      { optimizer: 'adagrad', level: 'word', minCount: 1 },
    ],
  ] as [string, Partial<ModelConfig>, Partial<TrainConfig>][]) {
    it(`the project's initial checkpoint imports as the very run: ${title}`, () => {
      const ck = trained(over, t);
      const back = importTorchCheckpoint(write(encodeProjectCheckpoint(ck)), k);
      assertSameModel(ck.model, back.model);
      const a = ck.training!,
        b = back.training!;
      assert.deepEqual(b.train, a.train);
      assert.deepEqual([b.step, b.position, b.textHash], [a.step, a.position, a.textHash]);
      assert.ok(a.position > 0 && a.step === 3);
      assert.deepEqual([b.optimizer.kind, b.optimizer.t], [a.optimizer.kind, 3]);
      assert.deepEqual(Array.from(b.optimizer.m), Array.from(a.optimizer.m));
      assert.deepEqual(Array.from(b.optimizer.v), Array.from(a.optimizer.v));
      assert.ok(a.optimizer.m.some((x) => x !== 0) || a.optimizer.v.some((x) => x !== 0));
      assert.deepEqual(
        b.hidden.map((h) => Array.from(h)),
        a.hidden.map((h) => Array.from(h)),
      );
      assert.ok(
        a.hidden[0].some((x) => x !== 0),
        'the carried state is not zero',
      );
    });
  }

  it("the project's checkpoint keeps the export's tensors and metadata, and PyTorch's names for the optimizer's state", () => {
    const ck = trained({ cell: 'lstm' });
    const project = decodeSafetensors(encodeProjectCheckpoint(ck), 'project');
    const plain = decodeSafetensors(encodeTorchExport(ck.model), 'export');
    for (const [name, t] of plain.tensors) assert.deepEqual(project.tensors.get(name), t, name);
    for (const [key, v] of Object.entries(plain.metadata)) assert.equal(project.metadata[key], v, key);
    assert.deepEqual(project.tensors.get('optimizer.exp_avg_sq.rnn.weight_hh_l0')!.shape, [32, 8]);
    assert.deepEqual(project.tensors.get('state.c')!.shape, [1, 4, 8]);
    assert.deepEqual(JSON.parse(project.metadata.optimizer), { kind: 'adam', t: 3 });
  });

  it('a checkpoint saved without its training state exports with the default training settings, and imports without one', () => {
    const ck: Checkpoint = { model: trained({ cell: 'gru' }).model, training: null };
    const meta = decodeSafetensors(encodeProjectCheckpoint(ck), 'project').metadata;
    assert.deepEqual([JSON.parse(meta.train), meta.step, meta.optimizer], [defaultTrainConfig, '0', undefined]);
    const back = importTorchCheckpoint(write(encodeTorchExport(ck.model)), k);
    assertSameModel(ck.model, back.model);
    assert.equal(back.training, null);
  });

  for (const [title, m] of [
    [
      'a bidirectional tagger',
      model({ task: 'tag', bidirectional: true, classes: 3, input: 'embedding' }, ['A', 'B', 'C']),
    ],
    ['a classifier (mean read-out)', model({ task: 'classify', pool: 'mean', classes: 2 }, ['no', 'yes'])],
    ['a conditional model', model({ task: 'conditional', labelCount: 3, layers: 2 }, ['x', 'y', 'z'])],
  ] as [string, Model][]) {
    it(`seqlab export --format torch of ${title} imports as the same model`, () => {
      const path = join(dir, `export${fileCount++}.safetensors`);
      exportTorch(m, path);
      assertSameModel(m, importTorchCheckpoint(path, k).model);
    });
  }

  it('a bare state_dict with a vocabulary imports: the configuration from the shapes, the tokenizer from the vocabulary', () => {
    const m = model({ cell: 'gru', layers: 2, input: 'embedding' });
    const bare = decodeSafetensors(encodeTorchExport(m), 'export');
    const path = write(encodeSafetensors(bare.tensors, { vocab: bare.metadata.vocab }));
    assertSameModel(m, importTorchCheckpoint(path, k).model);
    const words = ['<UNK>', '<EOS>', 'the', 'cat', 'sat', 'on', 'mat'];
    const wordPath = write(encodeSafetensors(bare.tensors, { vocab: JSON.stringify(words) }));
    assert.equal(importTorchCheckpoint(wordPath, k).model.tokenizer.spec.level, 'word');
  });

  describe('refusals', () => {
    const m = model({ cell: 'lstm' });
    const parts = () => decodeSafetensors(encodeTorchExport(m), 'export');

    it('a file without a vocabulary', () => {
      const { tensors, metadata } = parts();
      delete metadata.vocab;
      const path = write(encodeSafetensors(tensors, metadata));
      assert.throws(() => importTorchCheckpoint(path, k), /cannot be imported: it has no "vocab" metadata/);
    });

    it('a missing tensor, named', () => {
      const { tensors, metadata } = parts();
      tensors.delete('rnn.bias_hh_l0');
      const path = write(encodeSafetensors(tensors, metadata));
      assert.throws(() => importTorchCheckpoint(path, k), /tensor "rnn\.bias_hh_l0" is missing/);
    });

    it('a tensor of the wrong shape, named with the shape it needs', () => {
      const { tensors, metadata } = parts();
      tensors.set('head.weight', { shape: [6, 6], data: new Float32Array(36) });
      const path = write(encodeSafetensors(tensors, metadata));
      assert.throws(
        () => importTorchCheckpoint(path, k),
        /tensor "head\.weight" has shape \[6,6\], and this model needs \[7,6\]/,
      );
    });

    it('a vocabulary of another size than the weights', () => {
      const path = write(encodeSafetensors(parts().tensors, { vocab: JSON.stringify(Array.from('abcdefgh')) }));
      assert.throws(
        () => importTorchCheckpoint(path, k),
        /tensor "head\.weight" has 7 rows, and "vocab" lists 8 tokens/,
      );
    });

    it('a recurrent weight that is no RNN, GRU or LSTM, and tensors of something else', () => {
      const { tensors, metadata } = parts();
      const bare = { vocab: metadata.vocab };
      tensors.set('rnn.weight_hh_l0', { shape: [12, 6], data: new Float32Array(72) });
      const odd = write(encodeSafetensors(tensors, bare));
      assert.throws(() => importTorchCheckpoint(odd, k), /"rnn\.weight_hh_l0" has shape \[12, 6\], not \[G·H, H\]/);
      const extra = parts();
      extra.tensors.set('decoder.weight', { shape: [2], data: new Float32Array(2) });
      const path = write(encodeSafetensors(extra.tensors, extra.metadata));
      assert.throws(() => importTorchCheckpoint(path, k), /has tensors this model does not: decoder\.weight/);
    });

    it('a SeqLab checkpoint, which needs no import', () => {
      const path = join(dir, 'seqlab.safetensors');
      saveCheckpoint(path, { model: m, training: null });
      assert.throws(() => importTorchCheckpoint(path, k), /is a SeqLab checkpoint already/);
    });

    it('the project refuses a course GRU, a peephole LSTM and task models before writing anything', () => {
      for (const [ck, pattern] of [
        [
          { model: model({ cell: 'gru', gruForm: 'course' }), training: null },
          /course GRU.*Train with --gru-form torch/,
        ],
        [{ model: model({ cell: 'lstm', peephole: true }), training: null }, /PyTorch has no peephole LSTM/],
        [
          { model: model({ task: 'classify', classes: 2 }, ['a', 'b']), training: null },
          /trains language models.*a classifier.*--format torch/,
        ],
        [
          { model: model({ task: 'tag', classes: 3, input: 'embedding' }, ['A', 'B', 'C']), training: null },
          /a tagger/,
        ],
      ] as [Checkpoint, RegExp][]) {
        const out = join(dir, `refused${fileCount++}`);
        assert.throws(() => writeTorchProject(ck, out), pattern);
        assert.equal(existsSync(out), false, 'no folder is created');
      }
    });
  });

  describe('on the command line', () => {
    it('export --format torch-project writes the project; import writes a checkpoint that eval reads; a bad file is one clear line', () => {
      const ckpt = join(dir, 'cli.safetensors'),
        text = join(dir, 'text.txt'),
        project = join(dir, 'project');
      writeFileSync(text, smallText());
      saveCheckpoint(ckpt, trained({ cell: 'lstm' }));
      const exported = seqlab('export', ckpt, '--format', 'torch-project', '--out', project);
      assert.equal(exported.code, 0, exported.err);
      assert.deepEqual(JSON.parse(exported.out), {
        exported: project,
        files: ['train.py', 'README.md', 'initial.safetensors'].map((f) => join(project, f)),
      });
      const imported = seqlab('import', join(project, 'initial.safetensors'), '--out', join(dir, 'back.safetensors'));
      assert.equal(imported.code, 0, imported.err);
      assert.deepEqual(JSON.parse(imported.out), { imported: join(dir, 'back.safetensors'), model: 'LSTM-8', step: 3 });
      const evaluated = seqlab('eval', join(dir, 'back.safetensors'), text);
      assert.equal(evaluated.code, 0, evaluated.err);
      assert.ok(JSON.parse(evaluated.out).loss > 0);
      const refused = seqlab('import', ckpt, '--out', join(dir, 'never.safetensors'));
      assert.equal(refused.code, 1);
      assert.match(refused.err, /^seqlab: error: .* is a SeqLab checkpoint already/);
      assert.equal(existsSync(join(dir, 'never.safetensors')), false);
      const usage = seqlab('import', join(project, 'initial.safetensors'));
      assert.equal(usage.code, 2);
      assert.match(usage.err, /--out CKPT is required/);
    });
  });
});
