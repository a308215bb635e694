// "SeqLab: Long-memory lab": the lab (engine/lab.ts) in a training worker of its own, holding the
// one training slot, with a cancellable progress notification (Cancel, or SeqLab: Stop training,
// stops after the current step) and the panel filling in as each (cell, gap) is scored.

import * as vscode from 'vscode';
import { SeqLabError } from '../engine/errors';
import { LabConfig, labModelLabels, validateLabConfig } from '../engine/lab';
import { LabResult, LabView, WorkerToHost } from '../protocol';
import { LabPanel } from './labPanel';
import { Runs } from './runs';
import { setting } from './settings';
import { WorkerClient } from './workerClient';

export interface LabOutcome {
  results: LabResult[];
  stopped: boolean;
}

/** The panel's view of a lab that starts now. */
function plannedView(config: LabConfig): LabView {
  return {
    cells: config.cells,
    labels: labModelLabels(config),
    gaps: config.gaps,
    steps: config.steps,
    results: [],
    state: 'running',
    message: '',
  };
}

export async function runLongMemoryLab(
  context: vscode.ExtensionContext,
  runs: Runs,
  config: LabConfig,
): Promise<LabOutcome> {
  validateLabConfig(config);
  const threads = setting('threads');
  let worker: WorkerClient | undefined;
  const stop = () => worker?.post({ type: 'stop' });
  const release = runs.reserve('the long-memory lab', stop);
  const view = plannedView(config);
  const runId = `lab-${Date.now().toString(36)}`;
  const total = config.cells.length * config.gaps.length * config.steps;
  try {
    LabPanel.show(context.extensionUri, view);
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'SeqLab long-memory lab', cancellable: true },
      (progress, token) =>
        new Promise<LabOutcome>((resolve, reject) => {
          let reported = 0; // steps done, of total
          const onMessage = (m: WorkerToHost) => {
            if (!('runId' in m) || m.runId !== runId) return;
            if (m.type === 'labProgress') {
              const p = m.progress,
                done = (p.run - 1) * p.steps + p.step;
              progress.report({
                message: `${p.label}, gap N = ${p.gap}: step ${p.step}/${p.steps} (${p.run} of ${p.runs})`,
                increment: (100 * (done - reported)) / total,
              });
              reported = done;
            } else if (m.type === 'labResult') {
              view.results = [...view.results, m.result];
              LabPanel.update(view);
            } else if (m.type === 'labFinished') {
              resolve({ results: view.results, stopped: m.stopped });
            } else if (m.type === 'failed') {
              reject(new SeqLabError(m.message));
            }
          };
          worker = new WorkerClient(
            context.extensionPath,
            onMessage,
            (why) => reject(new SeqLabError(why)),
            threads,
            true,
          );
          token.onCancellationRequested(stop);
          worker.post({ type: 'lab', job: { runId, config } });
        }),
    );
    const runsTotal = config.cells.length * config.gaps.length;
    view.state = outcome.stopped ? 'stopped' : 'done';
    view.message = outcome.stopped ? `Stopped after ${outcome.results.length} of ${runsTotal} results.` : '';
    return outcome;
  } catch (e) {
    view.state = 'failed';
    view.message = (e as Error).message;
    throw e;
  } finally {
    void worker?.terminate();
    release();
    LabPanel.update(view);
  }
}
