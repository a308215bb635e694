// The option schema (src/engine/options.ts) is the one declaration of every option: it is
// consistent with itself, package.json's settings agree with it, and the editor's setting readers
// check only what each command uses.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelConfig, defaultTrainConfig, validateModelConfig } from '../../src/engine/config';
import {
  isAllowed,
  OPTIONS,
  OptionSpec,
  settingDefault,
  settingOptions,
  Verb,
  verbOptions,
} from '../../src/engine/options';
import { jsBackend } from '../../src/engine/reference';
import { Trainer } from '../../src/engine/train';
import { readSetting, SettingLookup, trainingSettings } from '../../src/extension/settingValues';
import { REPO, smallText } from '../helpers/texts';

const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const properties = manifest.contributes.configuration.properties as Record<string, Record<string, unknown>>;
const VERBS: Verb[] = ['train', 'sample', 'eval', 'diagnose', 'export', 'lab', 'surprise', 'neurons', 'sweep'];

/** The JSON schema of a setting as package.json must declare it. */
function expectedProperty(o: OptionSpec): Record<string, unknown> {
  const p: Record<string, unknown> = { description: o.help, default: settingDefault(o) };
  switch (o.kind) {
    case 'choice':
      Object.assign(p, { type: 'string', enum: o.choices }, o.choiceHelp ? { enumDescriptions: o.choiceHelp } : {});
      break;
    case 'switch':
      p.type = 'boolean';
      break;
    case 'text':
      p.type = 'string';
      break;
    default:
      p.type = o.kind;
      if (o.min !== undefined) p[o.minExclusive ? 'exclusiveMinimum' : 'minimum'] = o.min;
      if (o.max !== undefined) p[o.maxExclusive ? 'exclusiveMaximum' : 'maximum'] = o.max;
  }
  return p;
}

describe('option schema', () => {
  it('every default (and editor default) is a value its option allows', () => {
    for (const [key, o] of Object.entries(OPTIONS) as [string, OptionSpec][]) {
      if (o.default !== undefined) assert.ok(isAllowed(o, o.default), `${key}: default ${o.default}`);
      assert.ok(isAllowed(o, settingDefault(o)) || settingDefault(o) === undefined, `${key}: editor default`);
      if (o.kind === 'choice' && o.choiceHelp) {
        assert.equal(o.choiceHelp.length, o.choices.length, `${key}: one help per choice`);
      }
      assert.ok(o.help.length > 0 && !o.help.includes('\n'), `${key}: one line of help`);
    }
  });

  it('each verb has distinct flags; every flag belongs to a verb', () => {
    for (const verb of VERBS) {
      const flags = verbOptions(verb).map(([, o]) => o.flag);
      assert.equal(new Set(flags).size, flags.length, `${verb}: ${flags.join(' ')}`);
      assert.ok(!flags.includes('help'));
    }
    for (const [key, o] of Object.entries(OPTIONS) as [string, OptionSpec][]) {
      assert.equal(o.flag !== undefined, (o.verbs?.length ?? 0) > 0, `${key}: a flag needs verbs and verbs a flag`);
    }
  });

  it('allows exactly the values in its range', () => {
    assert.ok(isAllowed(OPTIONS.hidden, 4096) && !isAllowed(OPTIONS.hidden, 4097) && !isAllowed(OPTIONS.hidden, 12.5));
    assert.ok(isAllowed(OPTIONS.dropout, 0) && !isAllowed(OPTIONS.dropout, 1) && !isAllowed(OPTIONS.dropout, NaN));
    assert.ok(!isAllowed(OPTIONS.lr, 0) && isAllowed(OPTIONS.lr, 1e4) && !isAllowed(OPTIONS.lr, '0.1'));
    assert.ok(isAllowed(OPTIONS.cell, 'gru') && !isAllowed(OPTIONS.cell, 'GRU'));
  });

  it('the editor and the command line differ in default only where the schema says so', () => {
    const differ = settingOptions()
      .filter(([, o]) => settingDefault(o) !== o.default)
      .map(([key]) => key);
    assert.deepEqual(differ.sort(), ['evalEvery', 'length', 'maxFileSizeMB', 'seconds', 'steps', 'temperature']);
    assert.equal(defaultTrainConfig.steps, OPTIONS.steps.default);
    assert.equal(defaultTrainConfig.evalEvery, OPTIONS.evalEvery.default);
  });
});

describe("package.json's settings", () => {
  it('every seqlab.* setting has a schema entry, and every schema setting is in package.json', () => {
    const declared = settingOptions()
      .map(([, o]) => `seqlab.${o.setting}`)
      .sort();
    assert.deepEqual(
      Object.keys(properties)
        .filter((k) => k.startsWith('seqlab.'))
        .sort(),
      declared,
    );
  });

  for (const [key, o] of settingOptions()) {
    it(`seqlab.${o.setting} matches the schema's ${key}: type, default, range or choices, description`, () => {
      assert.deepEqual(properties[`seqlab.${o.setting}`], expectedProperty(o));
    });
  }
});

describe('settings: each command reads and checks only what it uses', () => {
  const lookup =
    (values: Record<string, unknown>): SettingLookup =>
    (name) =>
      values[name];

  it('unset settings read as the editor defaults', () => {
    const s = trainingSettings(lookup({}), 'char');
    assert.equal(s.train.steps, 2000);
    assert.equal(s.train.evalEvery, 50);
    assert.equal(s.train.seconds, 0);
    assert.equal(s.maxFileSizeMB, 16);
    assert.deepEqual(s.model, {
      cell: 'lstm',
      gruForm: 'torch',
      hidden: 128,
      layers: 1,
      dropout: 0,
      peephole: false,
      input: 'onehot',
      embedSize: 0,
    });
    assert.equal(readSetting(lookup({}), 'temperature'), 0.8);
  });

  it('a bad seqlab.batchSize stops a training with a message naming it, and leaves the hover settings readable', () => {
    const get = lookup({ batchSize: 0 });
    assert.throws(() => trainingSettings(get, 'char'), {
      message:
        'invalid SeqLab setting: seqlab.batchSize must be a whole number from 1 to 1024 (got 0). ' +
        'Fix it in Settings (seqlab.*).',
    });
    assert.equal(readSetting(get, 'hoverShow'), 'always');
    assert.equal(readSetting(get, 'hoverPrimerLength'), 200);
    assert.equal(readSetting(get, 'hoverLength'), 40);
    assert.equal(readSetting(get, 'temperature'), 0.8);
  });

  it('a bad hover setting is reported by the hover reader, naming it', () => {
    assert.throws(
      () => readSetting(lookup({ 'hover.length': 'long' }), 'hoverLength'),
      /seqlab\.hover\.length must be a whole number from 1 to 500 \(got "long"\)/,
    );
  });

  it('the budget decides which of seqlab.steps and seqlab.seconds a training reads', () => {
    const s = trainingSettings(lookup({ budget: 'seconds', seconds: 30, steps: -1 }), 'word');
    assert.deepEqual([s.train.steps, s.train.seconds, s.train.level], [0, 30, 'word']);
    assert.throws(() => trainingSettings(lookup({ budget: 'steps', steps: -1 }), 'char'), /seqlab\.steps must be/);
    assert.throws(() => trainingSettings(lookup({ steps: 0 }), 'char'), /invalid SeqLab setting: give a budget/);
  });

  it('seqlab.peephole goes to an LSTM, and to no other cell a command chooses (Compare cells)', () => {
    const get = lookup({ peephole: true });
    assert.equal(trainingSettings(get, 'char').model.peephole, true);
    assert.equal(trainingSettings(get, 'char', 'lstm').model.peephole, true);
    for (const cell of ['rnn', 'gru'] as const) {
      assert.deepEqual(
        [trainingSettings(get, 'char', cell).model.cell, trainingSettings(get, 'char', cell).model.peephole],
        [cell, false],
      );
    }
    // Set by hand beside seqlab.cell gru: passed on, and the engine refuses the model (config.ts).
    assert.equal(trainingSettings(lookup({ peephole: true, cell: 'gru' }), 'char').model.peephole, true);
    assert.throws(
      () => trainingSettings(lookup({ peephole: 'yes' }), 'char'),
      /invalid SeqLab setting: seqlab\.peephole must be true or false \(got "yes"\)/,
    );
  });

  it('seqlab.embeddingSize N trains on a learned embedding of size N; 0 is one-hot input', async () => {
    const text = smallText(3000);
    const trained = async (embeddingSize: number) => {
      const s = trainingSettings(lookup({ embeddingSize, hiddenSize: 8, seqLength: 8, batchSize: 2 }), 'char');
      const trainer = Trainer.create(text, s.model, { ...s.train, steps: 1 }, jsBackend('f32'));
      await trainer.run();
      return { model: s.model, config: trainer.model.config, params: trainer.model.params.specs };
    };
    const embedded = await trained(12);
    assert.deepEqual([embedded.model.input, embedded.model.embedSize], ['embedding', 12]);
    assert.deepEqual([embedded.config.input, embedded.config.embedSize], ['embedding', 12]);
    const embed = embedded.params.find((p) => p.name === 'embed.weight');
    assert.deepEqual(embed?.shape, [embedded.config.vocabSize, 12]);
    const oneHot = await trained(0);
    assert.deepEqual([oneHot.config.input, oneHot.config.embedSize], ['onehot', 0]);
    assert.equal(
      oneHot.params.find((p) => p.name === 'embed.weight'),
      undefined,
    );
    assert.throws(
      () => trainingSettings(lookup({ embeddingSize: -1 }), 'char'),
      /invalid SeqLab setting: seqlab\.embeddingSize must be a whole number from 0 to 4096 \(got -1\)/,
    );
  });

  it('an embedding input of size 0 is refused by the engine (0 means one-hot)', () => {
    const config = { ...defaultModelConfig, vocabSize: 10, classes: 10, input: 'embedding' as const, embedSize: 0 };
    assert.throws(() => validateModelConfig(config), /embedding input needs embedSize ≥ 1/);
    assert.equal(validateModelConfig({ ...config, embedSize: 1 }).embedSize, 1);
  });

  it('seqlab.threads is checked where it is read', () => {
    assert.equal(trainingSettings(lookup({ threads: 1 }), 'char').threads, 1);
    assert.throws(
      () => readSetting(lookup({ threads: 2.5 }), 'threads'),
      /seqlab\.threads must be a whole number from 0 to 16 \(got 2\.5\)/,
    );
  });
});
