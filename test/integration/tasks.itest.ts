// Tagging and classification in the editor: "Train model on this file" from the palette trains a
// bidirectional tagger on a .conll file and a classifier on a .tsv file (files written by the
// engine's own generators), the sidebar shows the validation scores of each (and the classifier's
// confusion matrix) as the host recorded them, a task run offers no resume, and a bad task file
// fails once with its line number. This suite trains its own small models: it depends on no other.

import * as assert from 'assert';
import { writeFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { makeClassifyData, makeTagData } from '../../src/engine/tasks/makeData';
import type { SeqLabApi } from '../../src/extension/extension';
import type { RunView } from '../../src/protocol';
import { runFromPalette, uiBridgeAvailable, waitForWebviewText, webviewTexts } from './screenshot';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const percent = (v: number) => `${(v * 100).toFixed(1)}%`;

suite('Tagging and classification in the editor', function () {
  this.timeout(240_000);
  let api: SeqLabApi;
  const folder = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const config = () => vscode.workspace.getConfiguration('seqlab');
  const SETTINGS = { cell: 'lstm', hiddenSize: 32, batchSize: 8, steps: 80, evalEvery: 20, learningRate: 0.01 };

  /** Writes a file into the workspace, opens it in the editor, and trains from the palette (or the command). */
  async function trainOn(name: string, text: string): Promise<{ doc: vscode.TextDocument; run: RunView }> {
    const file = path.join(folder(), name);
    writeFileSync(file, text);
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    if (uiBridgeAvailable()) await runFromPalette('SeqLab: Train model on this file');
    else await vscode.commands.executeCommand('seqlab.trainChar');
    const deadline = Date.now() + 30_000;
    while (api.runs.shownUri()?.toString() !== doc.uri.toString()) {
      if (Date.now() > deadline) throw new Error(`the training on ${name} did not start`);
      await sleep(100);
    }
    await api.runs.waitForEnd();
    return { doc, run: api.runs.view! };
  }

  /** The text of the sidebar's elements that match `selector`, once one of them reads `needle`. */
  async function sidebarText(selector: string, needle: string): Promise<string> {
    const deadline = Date.now() + 20_000;
    let seen: string[] = [];
    while (Date.now() < deadline) {
      seen = (await webviewTexts(selector)).map((w) => w.text);
      const hit = seen.find((t) => t.includes(needle));
      if (hit !== undefined) return hit;
      await sleep(250);
    }
    throw new Error(`no webview showed ${selector} with "${needle}"; saw ${JSON.stringify(seen)}`);
  }

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<SeqLabApi>('seqlab.seqlab')!;
    api = await ext.activate();
    for (const [k, v] of Object.entries(SETTINGS)) await config().update(k, v, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('seqlab.lossView.focus');
  });

  suiteTeardown(async () => {
    for (const k of Object.keys(SETTINGS)) await config().update(k, undefined, vscode.ConfigurationTarget.Global);
  });

  test('a .conll file trains a bidirectional tagger; the sidebar shows its accuracy, macro-F1 and entity F1', async () => {
    const { doc, run } = await trainOn('names.conll', makeTagData({ seed: 1, sentences: 200 }));
    assert.strictEqual(run.state, 'done', run.message);
    assert.strictEqual(run.task, 'tag');
    assert.strictEqual(run.title, 'names.conll — tagger LSTM-32 (bidirectional)');
    assert.deepStrictEqual(run.labels.slice().sort(), ['B-LOC', 'B-PER', 'I-PER', 'O']);
    // A validation every 20 steps (and at the end), each with its scores; B-/I- tags have entities.
    assert.deepStrictEqual(
      run.scores.map((s) => s.step),
      [20, 40, 60, 80],
    );
    const last = run.scores[run.scores.length - 1];
    assert.ok(last.entityF1 !== null && last.confusion === null, JSON.stringify(last));
    assert.ok(last.accuracy! > 0.9, `a bidirectional tagger learns the right-context set: accuracy ${last.accuracy}`);
    assert.match(run.message, /^Finished: 80 steps, val loss \d+\.\d{3} nats per tag\.$/);
    assert.strictEqual(run.canResume, false, 'a task run does not resume');
    assert.ok(api.runs.store.hasModel(doc.uri), 'the tagger was saved as the file’s model');

    const note = `Step 80: accuracy ${percent(last.accuracy!)}, macro-F1 ${percent(last.macroF1!)}, entity F1 ${percent(last.entityF1!)}.`;
    assert.strictEqual(await sidebarText('.scores-note', 'Step 80'), note);
    await waitForWebviewText('names.conll — tagger LSTM-32 (bidirectional)');
    await waitForWebviewText(/loss \(nats per tag\)/i); // section titles are upper-cased by the style sheet

    // Resume refuses a task run by name (one message), and the sidebar offers none.
    const before = api.shownErrors().length;
    await vscode.commands.executeCommand('seqlab.resume');
    const shown = api.shownErrors().slice(before);
    assert.strictEqual(shown.length, 1, JSON.stringify(shown));
    assert.match(shown[0], /continues language models only: train a new tagger \(SeqLab: Train model on this file\)/);
  });

  test('a .tsv file trains a classifier; the sidebar shows its scores and the confusion matrix of its last validation', async () => {
    const { run } = await trainOn('reviews.tsv', makeClassifyData({ seed: 2, lines: 200, length: 16 }));
    assert.strictEqual(run.state, 'done', run.message);
    assert.strictEqual(run.task, 'classify');
    assert.strictEqual(run.title, 'reviews.tsv — classifier LSTM-32');
    assert.deepStrictEqual(run.labels.slice().sort(), ['neg', 'pos']);
    const last = run.scores[run.scores.length - 1];
    assert.strictEqual(last.step, 80);
    assert.strictEqual(last.entityF1, null);
    const confusion = last.confusion!;
    // 200 lines, 10 % held out: every validation line is counted once.
    assert.strictEqual(
      confusion.flat().reduce((a, b) => a + b, 0),
      20,
    );
    assert.match(run.message, /nats per line\.$/);

    const note = `Step 80: accuracy ${percent(last.accuracy!)}, macro-F1 ${percent(last.macroF1!)}.`;
    assert.strictEqual(await sidebarText('.scores-note', 'Step 80'), note);
    const table = await sidebarText('.confusion', 'predicted');
    const rows = table
      .trim()
      .split('\n')
      .map((r) => r.split('\t').map((c) => c.trim()));
    assert.deepStrictEqual(rows, [
      ['gold \\ predicted', ...run.labels],
      ...run.labels.map((label, i) => [label, ...confusion[i].map(String)]),
    ]);
  });

  test('a task file with a bad line fails once, naming the line', async () => {
    const before = api.shownErrors().length;
    const { run } = await trainOn('bad.conll', 'Teddy\tB-PER\nRoosevelt\tI-PER\nsaw\t\n');
    assert.strictEqual(run.state, 'failed');
    assert.match(run.message, /^bad\.conll line 3: empty tag after "saw"; write token<TAB>tag$/);
    const shown = api.shownErrors().slice(before);
    assert.deepStrictEqual(shown.length, 1, JSON.stringify(shown));
    assert.match(shown[0], /bad\.conll line 3: empty tag/);
  });
});
