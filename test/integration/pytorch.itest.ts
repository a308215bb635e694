// Outgrowing the editor and coming back: a language model trained from the palette is exported as a
// PyTorch project (Export run for PyTorch (project)…), its train.py goes on training in PyTorch (one
// process here; torchrun with two is tested in test/oracle), and Import PyTorch checkpoint… makes the
// result the file's model: the sidebar names it, the hover and Sample text use it. A file in another
// layout is refused with one message and the file's model stays.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { SeqLabApi } from '../../src/extension/extension';

/** The hover's markdown at a position, from every provider (VS Code's own command). */
async function hoverMarkdown(uri: vscode.Uri, at: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, at);
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

const TEXT = 'the dog ran to the park and the cat sat on the mat.\n'.repeat(80);

suite('PyTorch: export the run as a project, train it there, import it back', function () {
  this.timeout(240_000);
  let api: SeqLabApi;
  let doc: vscode.TextDocument;
  const folder = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const config = () => vscode.workspace.getConfiguration('seqlab');
  const SETTINGS = { cell: 'lstm', hiddenSize: 32, seqLength: 32, batchSize: 8, steps: 60, evalEvery: 20 };

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<SeqLabApi>('seqlab.seqlab')!.activate();
    for (const [k, v] of Object.entries(SETTINGS)) await config().update(k, v, vscode.ConfigurationTarget.Global);
    const file = path.join(folder(), 'torch.txt');
    writeFileSync(file, TEXT);
    doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('seqlab.trainChar');
    await api.runs.waitForEnd();
    assert.strictEqual(api.runs.view!.state, 'done', api.runs.view!.message);
  });

  suiteTeardown(async () => {
    for (const k of Object.keys(SETTINGS)) await config().update(k, undefined, vscode.ConfigurationTarget.Global);
  });

  test('the exported project trains in PyTorch, and its checkpoint comes back as the file’s model', async () => {
    const project = path.join(folder(), 'torch-project');
    mkdirSync(project, { recursive: true });
    const files = await vscode.commands.executeCommand<string[]>('seqlab.exportTorchProject', {
      to: vscode.Uri.file(project),
    });
    assert.ok(files && files.length >= 2, JSON.stringify(files));
    for (const name of ['train.py', 'README.md']) assert.ok(existsSync(path.join(project, name)), name);
    assert.match(readFileSync(path.join(project, 'README.md'), 'utf8'), /torchrun --nproc_per_node/);

    // PyTorch goes on from the run's checkpoint (one process, CPU).
    const checkpoint = path.join(project, 'checkpoint.safetensors');
    const log = path.join(project, 'metrics.jsonl');
    const run = spawnSync(
      '/usr/bin/python3',
      [path.join(project, 'train.py'), '--data', doc.uri.fsPath, '--steps', '20', '--out', checkpoint, '--log', log],
      { encoding: 'utf8', timeout: 180_000 },
    );
    assert.strictEqual(run.status, 0, `train.py: ${run.stderr}`);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    assert.ok(lines.length >= 1, 'train.py logged its steps');

    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('seqlab.importTorch', { from: vscode.Uri.file(checkpoint) });
    const view = api.runs.view!;
    assert.strictEqual(view.title, 'torch.txt — LSTM-32');
    assert.match(view.message, /^Loaded checkpoint\.safetensors \(step \d+\)\.$/);
    const step = Number(/step (\d+)/.exec(view.message)![1]);
    assert.ok(step >= 60, `the imported model goes on from the run's step 60: step ${step}`);

    const md = (await hoverMarkdown(doc.uri, new vscode.Position(0, 8))).replace(/\\(.)/g, '$1');
    assert.ok(md.includes('torch.txt — LSTM-32 would continue at ▸'), md);
    const sample = await vscode.commands.executeCommand<vscode.TextDocument>('seqlab.sampleText', {
      uri: doc.uri,
      prime: 'the ',
      length: 40,
      temperature: 0.5,
    });
    assert.ok(sample && sample.getText().length > 40, 'Sample text writes from the imported model');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('a file in another layout is refused with one message, and the file’s model stays', async () => {
    await vscode.window.showTextDocument(doc);
    const before = api.runs.view!.title;
    const bad = path.join(folder(), 'not-a-model.safetensors');
    writeFileSync(bad, 'not a safetensors file');
    const shownBefore = api.shownErrors().length;
    await vscode.commands.executeCommand('seqlab.importTorch', { from: vscode.Uri.file(bad) });
    const shown = api.shownErrors().slice(shownBefore);
    assert.strictEqual(shown.length, 1, JSON.stringify(shown));
    assert.match(shown[0], /not-a-model\.safetensors/);
    assert.strictEqual(api.runs.view!.title, before);
    assert.ok(
      !readdirSync(path.dirname(api.runs.store.checkpointPath(doc.uri))).some((f) => f.endsWith('.imported')),
      'no half-converted file is left',
    );
  });
});
