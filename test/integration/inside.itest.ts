// The model's insides on the editor's text: Show surprise colours the characters (the extension's own
// record of what it painted, and a screenshot), its mean over the file is seqlab eval's loss, the hover
// gives a character's probability and the model's five likeliest characters; Show neuron… colours by a
// unit (its quick pick lists the most selective units first); Find neurons like this selection ranks
// units against the selected quoted passages; the toggle and Hide turn it off.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { writeFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { SeqLabApi } from '../../src/extension/extension';
import { quotedText } from '../helpers/quotes';
import { pageText, pressKey, screenshot, uiBridgeAvailable, waitForWebviewText, webviewScroll } from './screenshot';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function hoverMarkdown(uri: vscode.Uri, at: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, at);
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

suite('Surprise and neurons on the text', function () {
  this.timeout(240_000);
  let api: SeqLabApi;
  let doc: vscode.TextDocument;
  let editor: vscode.TextEditor;
  const { text, spans } = quotedText(3000);
  const folder = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const config = () => vscode.workspace.getConfiguration('seqlab');
  const SETTINGS = { cell: 'lstm', hiddenSize: 32, seqLength: 32, batchSize: 8, steps: 150, learningRate: 0.01 };

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<SeqLabApi>('seqlab.seqlab')!.activate();
    for (const [k, v] of Object.entries(SETTINGS)) await config().update(k, v, vscode.ConfigurationTarget.Global);
    const file = path.join(folder(), 'quotes.txt');
    writeFileSync(file, text);
    doc = await vscode.workspace.openTextDocument(file);
    editor = await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('seqlab.trainChar');
    await api.runs.waitForEnd();
    assert.strictEqual(api.runs.view!.state, 'done', api.runs.view!.message);
  });

  suiteTeardown(async () => {
    for (const k of Object.keys(SETTINGS)) await config().update(k, undefined, vscode.ConfigurationTarget.Global);
  });

  test('Show surprise colours the characters; its mean is seqlab eval’s loss; the hover gives the top 5', async () => {
    editor = await vscode.window.showTextDocument(doc);
    const painted =
      (await vscode.commands.executeCommand<ReturnType<typeof api.inside.paintedOf>>('seqlab.showSurprise'))!;
    assert.strictEqual(painted.colouring.kind, 'surprise');
    assert.strictEqual(painted.from, 0);
    assert.strictEqual(painted.to, Array.from(text).length, 'a short file is painted whole');
    assert.strictEqual(painted.values[0], null, 'nothing predicts the first character');
    assert.ok(
      painted.values.slice(1).every((v) => v !== null && v >= 0),
      'every other character has its surprise',
    );
    const coloured = painted.buckets.reduce((a, b) => a + b, 0);
    assert.ok(coloured > 100, `characters coloured: ${painted.buckets.join(', ')}`);
    assert.ok(painted.buckets.filter((n) => n > 0).length >= 3, `several colours: ${painted.buckets.join(', ')}`);

    const root = vscode.extensions.getExtension('seqlab.seqlab')!.extensionPath;
    const evaluated = spawnSync(
      process.execPath,
      [path.join(root, 'dist', 'cli.js'), 'eval', api.runs.store.checkpointPath(doc.uri), doc.uri.fsPath],
      { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
    );
    assert.strictEqual(evaluated.status, 0, evaluated.stderr);
    const loss = (JSON.parse(evaluated.stdout) as { loss: number }).loss;
    assert.ok(Math.abs(painted.mean! - loss) <= 1e-6 * loss, `mean surprise ${painted.mean} vs eval ${loss}`);

    const at = new vscode.Position(0, 2); // inside the first word
    const md = (await hoverMarkdown(doc.uri, at)).replace(/\\(.)/g, '$1');
    assert.match(md, /p = \d+\.\d %, surprise \d+\.\d\d nats/);
    const rows = md.split('\n').filter((l) => /^\| .+ \| \d+\.\d % \|$/.test(l));
    assert.strictEqual(rows.length, 5, md);
    if (uiBridgeAvailable()) {
      assert.match(await pageText('.statusbar'), /surprise: mean \d+\.\d{3} nats/);
      await screenshot('inside-surprise');
    }
    // Again: off.
    await vscode.commands.executeCommand('seqlab.showSurprise');
    assert.strictEqual(api.inside.colouringOf(doc.uri), undefined);
  });

  test('Show neuron… colours the text by a unit; its quick pick offers the most selective units first', async () => {
    editor = await vscode.window.showTextDocument(doc);
    let painted = (await vscode.commands.executeCommand<ReturnType<typeof api.inside.paintedOf>>('seqlab.showNeuron', {
      layer: 0,
      unit: 3,
      signal: 'c',
    }))!;
    assert.deepStrictEqual(painted.colouring, { kind: 'unit', layer: 0, unit: 3, signal: 'c' });
    assert.ok(painted.values.every((v) => v !== null && Number.isFinite(v)));
    assert.ok(painted.buckets.reduce((a, b) => a + b, 0) > 0, `coloured: ${painted.buckets.join(', ')}`);
    const md = (await hoverMarkdown(doc.uri, new vscode.Position(0, 2))).replace(/\\(.)/g, '$1');
    assert.ok(md.includes(`layer 0 · unit 3 · c after this character: **${painted.values[2]!.toFixed(3)}**`), md);

    if (uiBridgeAvailable()) {
      const choosing = Promise.resolve(vscode.commands.executeCommand('seqlab.showNeuron'));
      const deadline = Date.now() + 30_000;
      while (!(await pageText('.quick-input-widget')).includes('std ')) {
        if (Date.now() > deadline) throw new Error('no quick pick of units');
        await sleep(200);
      }
      const offered = await pageText('.quick-input-widget');
      assert.match(offered, /layer 0 · unit \d+ · h/);
      assert.ok(offered.includes('Another unit or signal'), offered);
      await pressKey('Enter'); // the most selective one
      await choosing;
      painted = api.inside.paintedOf(doc.uri)!;
      assert.strictEqual(painted.colouring.kind, 'unit');
      assert.ok(offered.includes(`layer 0 · unit ${(painted.colouring as { unit: number }).unit} · h`), offered);
      await screenshot('inside-neuron');
    }
  });

  test('Find neurons like this selection ranks units against the quoted passages and colours by the one picked', async () => {
    editor = await vscode.window.showTextDocument(doc);
    const offset = (i: number) => doc.positionAt(i); // the quoted text is ASCII: code points are offsets
    editor.selections = spans.slice(0, 6).map((s) => new vscode.Selection(offset(s.start), offset(s.end)));
    const found = await vscode.commands.executeCommand<{ units: { layer: number; unit: number; score: number }[] }>(
      'seqlab.findNeurons',
      { pick: 0 },
    );
    assert.ok(found.units.length > 0 && found.units.length <= 10, JSON.stringify(found.units));
    const scores = found.units.map((u) => u.score);
    assert.deepStrictEqual(
      scores,
      [...scores].sort((a, b) => b - a),
      'best first',
    );
    const painted = api.inside.paintedOf(doc.uri)!;
    assert.deepStrictEqual(painted.colouring, {
      kind: 'unit',
      layer: found.units[0].layer,
      unit: found.units[0].unit,
      signal: 'h',
    });
    await vscode.commands.executeCommand('seqlab.hideColouring');
    assert.strictEqual(api.inside.colouringOf(doc.uri), undefined);
  });

  test('the sidebar’s activity strip shows the most selective units along the line at the cursor', async () => {
    editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(3, 4, 3, 4);
    const activity = (await api.activity.update(editor))!;
    const line = doc.lineAt(3).text;
    assert.strictEqual(activity.where, 'quotes.txt, line 4');
    assert.deepStrictEqual(activity.chars, Array.from(line).slice(0, 160));
    assert.strictEqual(activity.units.length, 6);
    for (const u of activity.units) {
      assert.match(u.label, /^layer 0 · unit \d+ · h$/);
      assert.ok(u.values.length === activity.chars.length && u.values.every((v) => v !== null && Math.abs(v) <= 1));
    }
    if (uiBridgeAvailable()) {
      await vscode.commands.executeCommand('seqlab.lossView.focus');
      await waitForWebviewText(/Units on this line/i);
      await waitForWebviewText(activity.units[0].label);
      await webviewScroll('.activity-strip', { text: activity.units[0].label }); // section titles are upper-cased by CSS
      await screenshot('inside-activity', '.part.sidebar');
    }
  });
});
