// What the comparison panel reads of its runs' settings and results: the settings that differ, a
// run's value of one, the best validation loss. Shared by the table, the charts and the CSVs.

import type { ComparedRun } from '../src/protocol';

export type SettingValue = string | number | boolean | undefined;

export function finiteOrNull(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}

/** Every setting name, in the order the runs first name them. */
export function settingNames(runs: readonly ComparedRun[]): string[] {
  return [...new Set(runs.flatMap((r) => Object.keys(r.settings)))];
}

export function settingOf(run: ComparedRun, name: string): SettingValue {
  return Object.hasOwn(run.settings, name) ? run.settings[name] : undefined;
}

/** The settings whose values are not the same in every run (one a run lacks counts as different). */
export function differingSettings(runs: readonly ComparedRun[]): string[] {
  return settingNames(runs).filter((name) => new Set(runs.map((r) => settingOf(r, name))).size > 1);
}

/** The lowest best validation loss of the runs, or null when none has one. */
export function bestOfRuns(runs: readonly ComparedRun[]): number | null {
  const vals = runs.map((r) => finiteOrNull(r.results.bestVal)).filter((v) => v !== null);
  return vals.length ? Math.min(...vals) : null;
}

export function settingText(v: SettingValue): string {
  return v === undefined ? '—' : String(v);
}
