// The seqlab.* settings, read from VS Code's configuration and checked by settingValues.ts.

import * as vscode from 'vscode';
import { ModelConfig, TrainConfig } from '../engine/config';
import { readSetting, SettingLookup, trainingSettings, TrainingSettings } from './settingValues';

const lookup: SettingLookup = (name) => vscode.workspace.getConfiguration('seqlab').get(name);

/** One setting, checked (an invalid value is a SeqLabError naming it). */
export const setting = <K extends Parameters<typeof readSetting>[1]>(key: K) => readSetting(lookup, key);

/** The settings of a training (of `cell` instead of seqlab.cell when a command chooses it). */
export const readTrainingSettings = (level: TrainConfig['level'], cell?: ModelConfig['cell']): TrainingSettings =>
  trainingSettings(lookup, level, cell);
