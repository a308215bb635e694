// The seqlab.* settings as each command needs them, checked against the option schema
// (engine/options.ts). A command reads and checks only the settings it uses: a bad
// seqlab.batchSize stops a training, never a hover. No VS Code here: settings.ts passes VS Code's
// configuration as a lookup, the unit tests a map.

import { defaultTrainConfig, inputFor, ModelConfig, TrainConfig, validateTrainConfig } from '../engine/config';
import { SeqLabError } from '../engine/errors';
import {
  checkOption,
  ChoiceOption,
  Choices,
  OptionKey,
  OPTIONS,
  settingDefault,
  SwitchOption,
} from '../engine/options';

/** A setting's value by its name without "seqlab." (e.g. "hover.length"); undefined when unset. */
export type SettingLookup = (name: string) => unknown;

type SettingKey = { [K in OptionKey]: (typeof OPTIONS)[K] extends { setting: string } ? K : never }[OptionKey];
type SettingValue<K extends SettingKey> = (typeof OPTIONS)[K] extends ChoiceOption
  ? Choices<K>
  : (typeof OPTIONS)[K] extends SwitchOption
    ? boolean
    : number;

function invalid(e: unknown): SeqLabError {
  return new SeqLabError(`invalid SeqLab setting: ${(e as Error).message}. Fix it in Settings (seqlab.*).`);
}

/** One setting, checked: its value, or the schema's editor default when unset. */
export function readSetting<K extends SettingKey>(get: SettingLookup, key: K): SettingValue<K> {
  const o = OPTIONS[key];
  const value = get(o.setting) ?? settingDefault(o);
  try {
    return checkOption(o, value, `seqlab.${o.setting}`) as SettingValue<K>;
  } catch (e) {
    throw invalid(e);
  }
}

export interface TrainingSettings {
  model: Partial<ModelConfig>;
  train: TrainConfig;
  maxFileSizeMB: number;
  threads: number; // 0: automatic
}

/**
 * The settings a training uses (and only those). cell: the cell a command chooses (Compare cells)
 * instead of seqlab.cell; then seqlab.peephole goes to its LSTM only. With seqlab.cell it is passed on
 * as set, and the engine refuses a peephole RNN or GRU with a message.
 */
export function trainingSettings(
  get: SettingLookup,
  level: TrainConfig['level'],
  cell?: ModelConfig['cell'],
): TrainingSettings {
  const s = <K extends SettingKey>(key: K) => readSetting(get, key);
  const budget = s('budget');
  const embedSize = s('embedSize');
  const train: TrainConfig = {
    ...defaultTrainConfig,
    level,
    seqLength: s('seqLength'),
    batchSize: s('batchSize'),
    lr: s('lr'),
    optimizer: s('optimizer'),
    clip: s('clip'),
    steps: budget === 'steps' ? s('steps') : 0,
    seconds: budget === 'seconds' ? s('seconds') : 0,
    evalEvery: s('evalEvery'),
  };
  try {
    validateTrainConfig(train);
  } catch (e) {
    throw invalid(e);
  }
  return {
    model: {
      cell: cell ?? s('cell'),
      gruForm: s('gruForm'),
      hidden: s('hidden'),
      layers: s('layers'),
      dropout: s('dropout'),
      peephole: s('peephole') && (cell === undefined || cell === 'lstm'),
      input: inputFor(embedSize),
      embedSize,
    },
    train,
    maxFileSizeMB: s('maxFileSizeMB'),
    threads: s('threads'),
  };
}
