// Every training kept as a run: two trainings of one file with different settings show as two runs in
// the Runs view (newest first); Compare selected opens the panel with both curves and the setting that
// differs; Make this the file's model puts the older one back; Rename, Pin, Delete and Re-run with
// changes… act on the view; the runs are files that a new window finds again.

import * as assert from 'assert';
import { writeFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { SeqLabApi } from '../../src/extension/extension';
import { RunArchive } from '../../src/extension/runArchive';
import type { FileNode, RunNode } from '../../src/extension/runsTree';
import type { CompareView } from '../../src/protocol';
import { screenshot, uiBridgeAvailable, waitForWebviewText } from './screenshot';

const TEXT = 'the dog ran to the park and the cat sat on the mat.\n'.repeat(60);

suite('Runs: every training kept, compared, made the model again', function () {
  this.timeout(240_000);
  let api: SeqLabApi;
  let doc: vscode.TextDocument;
  const folder = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const config = () => vscode.workspace.getConfiguration('seqlab');
  const SETTINGS = { cell: 'gru', hiddenSize: 16, seqLength: 32, batchSize: 8, steps: 40, evalEvery: 20 };

  async function train(hidden: number): Promise<void> {
    await config().update('hiddenSize', hidden, vscode.ConfigurationTarget.Global);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('seqlab.trainChar', { ifModelExists: 'replace' });
    await api.runs.waitForEnd();
    assert.strictEqual(api.runs.view!.state, 'done', api.runs.view!.message);
  }

  /** The file's node and its runs, as the view lists them. */
  function listed(): { file: FileNode; runs: RunNode[] } {
    const file = api.runsTree.getChildren().find((n) => n.kind === 'file' && n.uri === doc.uri.toString()) as FileNode;
    assert.ok(file, 'the file is in the Runs view');
    return { file, runs: api.runsTree.getChildren(file) as RunNode[] };
  }

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<SeqLabApi>('seqlab.seqlab')!.activate();
    for (const [k, v] of Object.entries(SETTINGS)) await config().update(k, v, vscode.ConfigurationTarget.Global);
    const file = path.join(folder(), 'runs.txt');
    writeFileSync(file, TEXT);
    doc = await vscode.workspace.openTextDocument(file);
    await train(16);
    await train(24);
  });

  suiteTeardown(async () => {
    for (const k of Object.keys(SETTINGS)) await config().update(k, undefined, vscode.ConfigurationTarget.Global);
  });

  test('two trainings are two runs, newest first, each with its settings, curves and checkpoint', () => {
    const { file, runs } = listed();
    assert.strictEqual(runs.length, 2);
    assert.deepStrictEqual(
      runs.map((r) => r.run.settings.model.hidden),
      [24, 16],
    );
    for (const r of runs) {
      assert.strictEqual(r.run.ended, 'finished');
      assert.strictEqual(r.run.view.points.at(-1)!.step, 40);
      const item = api.runsTree.getTreeItem(r);
      assert.match(String(item.description), /^40 steps · best val \d+\.\d{3} · \d+s$/);
      assert.strictEqual(item.contextValue, 'seqlab.run');
    }
    assert.strictEqual(api.runsTree.getTreeItem(file).label, 'runs.txt');
    // A new window reads the same files.
    const again = new RunArchive(() => undefined).list(file.folder);
    assert.deepStrictEqual(
      again.map((r) => r.id),
      runs.map((r) => r.run.id),
    );
  });

  test('Compare selected shows both curves and the setting that differs', async () => {
    const { runs } = listed();
    const view = await vscode.commands.executeCommand<CompareView>('seqlab.runs.compare', runs[0], runs);
    assert.strictEqual(view.runs.length, 2);
    assert.deepStrictEqual(
      view.runs.map((r) => r.settings.hidden),
      [24, 16],
    );
    assert.ok(view.runs.every((r) => r.points.length > 0 && r.results.bestVal !== null));
    if (uiBridgeAvailable()) {
      await waitForWebviewText('2 runs compared');
      await waitForWebviewText(/hidden/);
      await screenshot('runs-compare');
    }
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test("Make this the file's model puts the older run back; rename, pin, delete act on the view", async () => {
    const { runs } = listed();
    const older = runs[1];
    await vscode.commands.executeCommand('seqlab.runs.makeModel', older);
    assert.strictEqual(api.runs.view!.title, older.run.view.title);
    assert.deepStrictEqual(api.runs.view!.points, older.run.view.points, "the file's model shows the run's curves");

    await vscode.commands.executeCommand('seqlab.runs.rename', older, undefined, { name: 'narrow' });
    await vscode.commands.executeCommand('seqlab.runs.pin', older);
    let now = listed().runs;
    const renamed = now.find((r) => r.run.id === older.run.id)!;
    assert.strictEqual(api.runsTree.getTreeItem(renamed).label, 'narrow');
    assert.strictEqual(api.runsTree.getTreeItem(renamed).contextValue, 'seqlab.run.pinned');

    await vscode.commands.executeCommand('seqlab.runs.delete', now[0], undefined, { confirmed: true });
    now = listed().runs;
    assert.deepStrictEqual(
      now.map((r) => r.run.id),
      [older.run.id],
    );
  });

  test('Re-run with changes… trains the file again with one setting changed, kept as a new run', async () => {
    const [only] = listed().runs;
    await vscode.commands.executeCommand('seqlab.runs.rerun', only, undefined, {
      change: { key: 'hidden', value: 20 },
    });
    await api.runs.waitForEnd();
    const runs = listed().runs;
    assert.strictEqual(runs.length, 2);
    assert.strictEqual(runs[0].run.settings.model.hidden, 20);
    assert.strictEqual(runs[0].run.settings.model.cell, 'gru', 'the other settings are the run’s');
  });

  test('Sweep settings… trains one run per value and fills the comparison; Stop ends a sweep, the finished runs stay', async () => {
    await vscode.window.showTextDocument(doc);
    const kept = await vscode.commands.executeCommand<{ id: string; settings: { model: { hidden?: number } } }[]>(
      'seqlab.sweep',
      { set: ['hidden=8,12'], steps: 20 },
    );
    assert.deepStrictEqual(
      kept.map((r) => r.settings.model.hidden),
      [8, 12],
    );
    assert.deepStrictEqual(
      kept.map((r) => (r as unknown as { name: string }).name),
      ['hidden 8', 'hidden 12'],
      'each run is named by its swept values',
    );
    const ids = listed().runs.map((r) => r.run.id);
    assert.ok(
      kept.every((r) => ids.includes(r.id)),
      'each sweep run is in the Runs view',
    );
    if (uiBridgeAvailable()) await waitForWebviewText('2 runs compared');

    // Four runs, stopped during the third: the two finished ones and the stopped one stay, the fourth never trains.
    await vscode.window.showTextDocument(doc); // the comparison panel took the focus
    const before = new Set(listed().runs.map((r) => r.run.id));
    const sweeping = Promise.resolve(
      vscode.commands.executeCommand<{ ended: string; name: string }[]>('seqlab.sweep', {
        set: ['hidden=8,12,16,20'],
        steps: 400,
      }),
    );
    const deadline = Date.now() + 120_000;
    const third = () =>
      listed().runs.filter((r) => !before.has(r.run.id)).length === 2 &&
      api.runs.view?.state === 'training' &&
      (api.runs.view.points.at(-1)?.step ?? 0) > 5;
    while (!third() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await vscode.commands.executeCommand('seqlab.stop');
    const stopped = await sweeping;
    assert.ok(stopped, `the sweep ran: ${api.shownErrors().slice(-2).join(' | ')}`);
    assert.deepStrictEqual(
      stopped.map((r) => [r.name, r.ended]),
      [
        ['hidden 8', 'finished'],
        ['hidden 12', 'finished'],
        ['hidden 16', 'stopped'],
      ],
      'the finished runs and the stopped one are kept; the rest are not trained',
    );
  });
});
