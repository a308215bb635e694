// "SeqLab: Sweep settings…": one to three settings and their values (a grid), or ranges with a number of
// random draws (engine/sweep.ts, as `seqlab sweep` reads them), and a step budget per run; the runs
// train one after another in the training worker, each kept as a run of the file (the Runs view), and
// the comparison panel fills in as each one ends (curves overlaid, the swept settings and results in
// its table, the best highlighted). Cancel (or Stop training) stops the run in progress and skips the
// rest; the finished runs stay. Each run becomes the file's model in turn; Make this the file's model puts the best back.

import * as vscode from 'vscode';
import { SeqLabError } from '../engine/errors';
import { checkOption, OPTIONS } from '../engine/options';
import { parseSweepSetting, SweepAxis, sweepableFlags, sweepPoints, sweptConfig } from '../engine/sweep';
import { CompareRunsPanel } from './compareRunsPanel';
import { ArchivedRun } from './runArchive';
import { documentName, Runs } from './runs';
import { setting } from './settings';

/** Settings swept at most at once. */
const MAX_SETTINGS = 3;

/** What the tests pass instead of the questions: the --set texts, random draws, steps per run. */
export interface SweepArgs {
  set?: string[];
  random?: number;
  steps?: number;
}

async function askAxes(): Promise<SweepAxis[] | undefined> {
  const picked = await vscode.window.showQuickPick(sweepableFlags(), {
    title: 'SeqLab: Sweep settings — choose one to three settings',
    canPickMany: true,
  });
  if (!picked?.length) return undefined;
  if (picked.length > MAX_SETTINGS) throw new SeqLabError(`sweep at most ${MAX_SETTINGS} settings at once.`);
  const axes: SweepAxis[] = [];
  for (const flag of picked) {
    const typed = await vscode.window.showInputBox({
      title: `SeqLab: Sweep ${flag}`,
      prompt: `values of ${flag}: a list (e.g. 64,128) or a range LO:HI for random draws`,
      validateInput: (v) => {
        try {
          parseSweepSetting(`${flag}=${v}`);
          return undefined;
        } catch (e) {
          return (e as Error).message;
        }
      },
    });
    if (typed === undefined) return undefined;
    axes.push(parseSweepSetting(`${flag}=${typed}`));
  }
  return axes;
}

async function askNumber(title: string, prompt: string, value: number, key: 'sweepRandom' | 'steps') {
  const typed = await vscode.window.showInputBox({
    title,
    prompt,
    value: String(value),
    validateInput: (v) => {
      try {
        checkOption(OPTIONS[key], Number(v), key);
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    },
  });
  return typed === undefined ? undefined : Number(typed);
}

/** Runs the sweep on the active document; returns its kept runs in the order trained (undefined: cancelled before any). */
export async function sweepSettings(
  extensionUri: vscode.Uri,
  runs: Runs,
  doc: vscode.TextDocument,
  args: SweepArgs = {},
): Promise<ArchivedRun[] | undefined> {
  const axes = args.set ? args.set.map(parseSweepSetting) : await askAxes();
  if (!axes) return undefined;
  const ranged = axes.some((a) => 'range' in a);
  const random =
    args.random ??
    (ranged ? await askNumber('SeqLab: Sweep — random draws', 'how many runs to draw', 8, 'sweepRandom') : undefined);
  if (ranged && random === undefined) return undefined;
  const steps =
    args.steps ?? (await askNumber('SeqLab: Sweep — budget', 'training steps per run', setting('steps'), 'steps'));
  if (steps === undefined) return undefined;
  const points = sweepPoints(axes, random, OPTIONS.seed.default); // the CLI's default seed: the same draws as `seqlab sweep`
  const folder = runs.store.folder(doc.uri);
  const kept: ArchivedRun[] = [];
  await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `SeqLab sweep on ${documentName(doc.uri)}`,
      cancellable: true,
    },
    async (progress, token) => {
      let cancelled = false;
      token.onCancellationRequested(() => {
        cancelled = true;
        runs.stop();
      });
      for (const [i, point] of points.entries()) {
        if (cancelled) break;
        const what = Object.entries(point)
          .map(([k, v]) => `${k} ${String(v)}`)
          .join(', ');
        progress.report({ message: `run ${i + 1} of ${points.length}: ${what}` });
        const { model, train } = sweptConfig(axes, point);
        await runs.start(doc, 'char', false, { overrides: { model, train: { ...train, steps, seconds: 0 } } });
        await runs.waitForEnd();
        const run = runs.archive.list(folder).find((r) => r.id === runs.view?.runId);
        if (run) kept.push(runs.archive.update(folder, run.id, { name: what })); // named by its swept values
        if (runs.view?.state === 'stopped' || runs.view?.state === 'failed') cancelled = true; // Stop ends the sweep
        if (kept.length) CompareRunsPanel.show(extensionUri, kept);
      }
    },
  );
  return kept;
}
