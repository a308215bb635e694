// The hover, Sample text… and Save model as… tell what they show: the hover marks where the model
// takes over (…primer▸continuation) and names the model, and can wait to be asked
// (seqlab.hover.show onDemand); Sample text asks in three titled steps and opens a document named
// after the model under a header (model, primer, temperature, seed: they draw the same text again);
// Save model as proposes <file>.<cell>-<size>.safetensors and confirms with "Reveal".
// This suite trains its own small model, on hover.txt, so that it depends on no other suite.

import * as assert from 'assert';
import { existsSync, writeFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { SeqLabApi } from '../../src/extension/extension';
import { inputValue, pageText, pressKey, typeText, uiBridgeAvailable } from './screenshot';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls a workbench element's text until it matches; returns that text (or the last one seen). */
async function pageTextMatching(selector: string, needle: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = await pageText(selector);
  while (!needle.test(text) && Date.now() < deadline) {
    await sleep(200);
    text = await pageText(selector);
  }
  return text;
}

/** The hover's markdown at a position, from every provider (VS Code's own command). */
async function hoverMarkdown(uri: vscode.Uri, at: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, at);
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

const TEXT =
  'it is published in the news of the day, and the news is published in the town. '.repeat(60) +
  'the dog ran to the park and the cat sat on the mat.\n'.repeat(40);

suite('Hover, Sample text and Save model as', function () {
  this.timeout(240_000);
  let api: SeqLabApi;
  let doc: vscode.TextDocument;
  const folder = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const config = () => vscode.workspace.getConfiguration('seqlab');

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<SeqLabApi>('seqlab.seqlab')!;
    api = await ext.activate();
    for (const [k, v] of Object.entries({
      hiddenSize: 32,
      seqLength: 32,
      batchSize: 8,
      steps: 80,
      evalEvery: 20,
      learningRate: 0.01,
    })) {
      await config().update(k, v, vscode.ConfigurationTarget.Global);
    }
    const file = path.join(folder(), 'hover.txt');
    writeFileSync(file, TEXT);
    doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('seqlab.trainChar');
    await api.runs.waitForEnd();
    assert.strictEqual(api.runs.view!.state, 'done', api.runs.view!.message);
  });

  suiteTeardown(async () => {
    await config().update('hover.show', undefined, vscode.ConfigurationTarget.Global);
  });

  test('the hover names the model and marks where it continues the primer: …primer▸continuation', async () => {
    // Inside "published" (line 0): the model continues from the middle of the word, and the hover shows that.
    const at = new vscode.Position(0, doc.lineAt(0).text.indexOf('published', 40) + 4);
    const before = doc.getText(new vscode.Range(new vscode.Position(0, 0), at));
    assert.ok(before.endsWith('publ') && before.length > 20);
    const markdown = await hoverMarkdown(doc.uri, at);
    assert.ok(markdown.includes(`…${before.slice(-20)}▸`), markdown);
    const unescaped = markdown.replace(/\\(.)/g, '$1'); // appendText escapes markdown's punctuation
    assert.ok(unescaped.includes('hover.txt — LSTM-32 would continue at ▸'), markdown);
    if (uiBridgeAvailable()) {
      const editor = await vscode.window.showTextDocument(doc);
      editor.selection = new vscode.Selection(at, at);
      await vscode.commands.executeCommand('editor.action.showHover');
      const shown = await pageTextMatching('.monaco-hover', /would continue/);
      assert.ok(shown.includes('hover.txt — LSTM-32 would continue at ▸'), shown);
      assert.ok(shown.includes(`…${before.slice(-20)}▸`), shown);
      await vscode.commands.executeCommand('editor.action.hideHover');
    }
  });

  test('seqlab.hover.show onDemand: no hover on a mouse rest, the hover through Show what the model would write here', async () => {
    await config().update('hover.show', 'onDemand', vscode.ConfigurationTarget.Global);
    const at = new vscode.Position(2, 5);
    assert.doesNotMatch(await hoverMarkdown(doc.uri, at), /SeqLab/, 'the plain hover shows no SeqLab hover');
    if (uiBridgeAvailable()) {
      const editor = await vscode.window.showTextDocument(doc);
      editor.selection = new vscode.Selection(at, at);
      await vscode.commands.executeCommand('seqlab.showHover');
      const shown = await pageTextMatching('.monaco-hover', /would continue/);
      assert.ok(shown.includes('hover.txt — LSTM-32 would continue at ▸'), shown);
      await vscode.commands.executeCommand('editor.action.hideHover');
    }
    // The request is used up: the same position on a mouse rest shows nothing again.
    assert.doesNotMatch(await hoverMarkdown(doc.uri, at), /SeqLab/);
    await config().update('hover.show', undefined, vscode.ConfigurationTarget.Global);
    assert.match(await hoverMarkdown(doc.uri, at), /SeqLab/, '"always" shows it again');
  });

  test('Sample text opens a document named after the model, under a header that draws the same text again', async () => {
    await vscode.window.showTextDocument(doc);
    const args = { prime: 'the ', length: 80, temperature: 0.8 };
    const sampled = await vscode.commands.executeCommand<vscode.TextDocument>('seqlab.sampleText', args);
    assert.strictEqual(sampled.uri.scheme, 'untitled');
    assert.strictEqual(path.basename(sampled.uri.path), 'hover.txt.lstm-32.sample.txt');
    assert.strictEqual(path.dirname(sampled.uri.path), path.dirname(doc.uri.path), 'beside the file');
    const [title, what, blank, ...rest] = sampled.getText().split('\n');
    assert.strictEqual(title, '# SeqLab sample of hover.txt — LSTM-32');
    const m = /^# primer "the " · temperature 0\.8 · seed (\d+) · length 80$/.exec(what);
    assert.ok(m, what);
    assert.strictEqual(blank, '');
    const body = rest.join('\n');
    assert.ok(body.startsWith('the '));
    assert.strictEqual(Array.from(body).length, 84);
    const again = await api.runs.infer(doc.uri, { kind: 'sample', options: { ...args, seed: Number(m[1]) } });
    assert.strictEqual(again, body.slice(4), 'the seed in the header draws the same text');

    // A second sample while the first is open gets the next free name.
    await vscode.window.showTextDocument(doc);
    const second = await vscode.commands.executeCommand<vscode.TextDocument>('seqlab.sampleText', args);
    assert.strictEqual(path.basename(second.uri.path), 'hover.txt.lstm-32.sample-2.txt');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('Sample text asks in three titled steps (1/3, 2/3, 3/3); Escape cancels them all', async function () {
    if (!uiBridgeAvailable()) this.skip();
    const widget = '.quick-input-widget';
    const title = 'SeqLab: Sample text from hover.txt — LSTM-32';
    await vscode.window.showTextDocument(doc);
    const done = Promise.resolve(vscode.commands.executeCommand<vscode.TextDocument | undefined>('seqlab.sampleText'));
    let shown = await pageTextMatching(widget, /\(1\/3\)/);
    assert.ok(shown.includes(`${title} (1/3)`), shown);
    await typeText('the dog');
    await pressKey('Enter');
    shown = await pageTextMatching(widget, /\(2\/3\)/);
    assert.ok(shown.includes(`${title} (2/3)`), shown);
    await pressKey('Control+A');
    await typeText('many');
    shown = await pageTextMatching(widget, /a whole number from 1 to 1000000/);
    assert.match(shown, /a whole number from 1 to 1000000/, 'a refused length says what is allowed');
    await pressKey('Control+A');
    await typeText('50');
    await pressKey('Enter');
    shown = await pageTextMatching(widget, /\(3\/3\)/);
    assert.ok(shown.includes(`${title} (3/3)`), shown);
    await pressKey('Control+A');
    await typeText('0.5');
    await pressKey('Enter');
    const sampled = await done;
    assert.ok(sampled, 'the three steps produced a sample');
    assert.match(sampled.getText(), /^# primer "the dog" · temperature 0\.5 · seed \d+ · length 50$/m);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

    await vscode.window.showTextDocument(doc);
    const cancelled = Promise.resolve(vscode.commands.executeCommand('seqlab.sampleText'));
    await pageTextMatching(widget, /\(1\/3\)/);
    await typeText('the');
    await pressKey('Enter');
    await pageTextMatching(widget, /\(2\/3\)/);
    await pressKey('Escape');
    assert.strictEqual(await cancelled, undefined, 'Escape at step 2 ends the command without a sample');
  });

  test('Save model as proposes <file>.<cell>-<size>.safetensors beside the file and confirms with Reveal', async function () {
    await vscode.window.showTextDocument(doc);
    const proposed = path.join(folder(), 'hover.txt.lstm-32.safetensors');
    if (uiBridgeAvailable()) {
      // code-server's save dialog is VS Code's own file dialog: a quick input whose value is the proposed path.
      const saving = Promise.resolve(vscode.commands.executeCommand<vscode.Uri | undefined>('seqlab.saveModel'));
      await pageTextMatching('.quick-input-widget', /Save hover\.txt — LSTM-32 as/);
      let value = '';
      for (let i = 0; i < 50 && !value.endsWith('.safetensors'); i++) {
        value = await inputValue('.quick-input-widget input');
        await sleep(100);
      }
      assert.strictEqual(value, proposed);
      await pressKey('Enter');
      const saved = await saving;
      assert.strictEqual(saved?.fsPath, proposed);
    } else {
      await vscode.commands.executeCommand('seqlab.saveModel', { to: vscode.Uri.file(proposed) });
    }
    assert.ok(existsSync(proposed), 'the checkpoint was written');
    if (uiBridgeAvailable()) {
      // Toasts are off in smoke-test mode; the notification centre lists the same notification, with its buttons.
      await vscode.commands.executeCommand('notifications.showList');
      const listed = await pageTextMatching('.notifications-center', /saved hover\.txt — LSTM-32 to/);
      await vscode.commands.executeCommand('notifications.hideList');
      assert.ok(listed.includes(`SeqLab: saved hover.txt — LSTM-32 to ${proposed}`), listed);
      assert.match(listed, /Reveal/);
    }
  });
});
