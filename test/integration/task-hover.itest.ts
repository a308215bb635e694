// A tagger and a classifier in the editor, trained in a terminal (seqlab train) and loaded into their
// files with Load model…: the hover shows a tagger's tags under the tokens of the hovered sentence and
// a classifier's label with its probability and the runner-up, exactly what seqlab predict writes;
// Predict file opens the file's predictions in a document named after the model; a language model's
// file gets a message instead; the diagnostics panel's report has each direction of the tagger.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { makeClassifyData, makeTagData } from '../../src/engine/tasks/makeData';
import type { DiagnosticsReport } from '../../src/protocol';
import type { SeqLabApi } from '../../src/extension/extension';

/** The hover's markdown at a position, from every provider (VS Code's own command). */
async function hoverMarkdown(uri: vscode.Uri, at: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, at);
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

const unescaped = (markdown: string) => markdown.replace(/\\(.)/g, '$1');

suite('Taggers and classifiers: hover, Predict file, diagnostics', function () {
  this.timeout(240_000);
  let api: SeqLabApi;
  const folder = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const config = () => vscode.workspace.getConfiguration('seqlab');
  const file = (name: string) => path.join(folder(), name);

  /** Runs the CLI of this extension (dist/cli.js) with the extension host's Node; returns its stdout. */
  function seqlab(...args: string[]): string {
    const root = vscode.extensions.getExtension('seqlab.seqlab')!.extensionPath;
    const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      timeout: 180_000,
    });
    assert.strictEqual(r.status, 0, `seqlab ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  /** Opens a file and makes a checkpoint its model, as Load model… does. */
  async function withModel(name: string, checkpoint: string): Promise<vscode.TextDocument> {
    const doc = await vscode.workspace.openTextDocument(file(name));
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('seqlab.loadModel', { from: vscode.Uri.file(checkpoint) });
    assert.ok(api.runs.store.hasModel(doc.uri), `${name} has its model`);
    return doc;
  }

  /** What seqlab predict writes for a file with a checkpoint. */
  function predicted(checkpoint: string, name: string): string {
    const out = file(`${name}.cli-predicted`);
    seqlab('predict', checkpoint, file(name), '--out', out);
    return readFileSync(out, 'utf8');
  }

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<SeqLabApi>('seqlab.seqlab')!.activate();
    writeFileSync(file('hover-names.conll'), makeTagData({ seed: 1, sentences: 80 }));
    writeFileSync(file('hover-cues.tsv'), makeClassifyData({ seed: 2, lines: 80, length: 24 }));
    writeFileSync(file('plain.txt'), 'the cat sat on the mat and the dog ran to the park.\n'.repeat(20));
    const small = ['--hidden', '16', '--eval-every', '100'];
    seqlab('train', file('hover-names.conll'), ...small, '--steps', '200', '--out', file('tagger.safetensors'));
    seqlab('train', file('hover-cues.tsv'), ...small, '--steps', '200', '--out', file('classifier.safetensors'));
    seqlab(
      'train',
      file('plain.txt'),
      ...small,
      '--steps',
      '20',
      '--seq-len',
      '16',
      '--batch',
      '4',
      '--out',
      file('lm.safetensors'),
    );
  });

  suiteTeardown(async () => {
    await config().update('hover.show', undefined, vscode.ConfigurationTarget.Global);
  });

  test("a tagger's hover: the hovered sentence's tokens with the predicted tags under them, as seqlab predict tags them", async () => {
    const doc = await withModel('hover-names.conll', file('tagger.safetensors'));
    const cli = predicted(file('tagger.safetensors'), 'hover-names.conll').split('\n');
    // The second sentence: the lines after the first blank one.
    const lines = doc.getText().split('\n');
    const start = lines.indexOf('') + 1;
    const end = lines.indexOf('', start);
    const hovered = start + 1;
    const markdown = unescaped(await hoverMarkdown(doc.uri, new vscode.Position(hovered, 1)));
    assert.ok(
      markdown.includes(
        `hover-names.conll — LSTM-16 tags the sentence of lines ${start + 1}–${end} (▲ line ${hovered + 1})`,
      ),
      markdown,
    );
    const block = /```text\n([\s\S]*?)\n```/.exec(markdown)?.[1];
    assert.ok(block, markdown);
    // Rows of tokens, tags, probabilities and (under the hovered token) ▲, wrapped in groups for a long sentence.
    const groups = block.split('\n\n').map((g) => g.split('\n'));
    const words = (row: number) => groups.flatMap((g) => g[row].trim().split(/\s+/));
    assert.deepStrictEqual(
      words(0),
      lines.slice(start, end).map((l) => l.split('\t')[0]),
    );
    assert.deepStrictEqual(
      words(1),
      cli.slice(start, end).map((l) => l.split('\t')[1]),
      'the tags seqlab predict writes',
    );
    assert.ok(
      words(2).every((p) => /^\d+(\.\d)?%$/.test(p) && parseFloat(p) >= 25),
      `each tag's probability, at least a quarter (four tags): ${words(2).join(' ')}`,
    );
    const [tokens, , , marker] = groups[0];
    assert.strictEqual(
      marker.indexOf('▲'),
      tokens.indexOf(words(0)[1], words(0)[0].length),
      '▲ under the hovered token',
    );
    assert.strictEqual(await hoverMarkdown(doc.uri, new vscode.Position(end, 0)), '', 'no hover on a blank line');
  });

  test("a classifier's hover: the line's label with its probability and the runner-up; onDemand waits to be asked", async () => {
    const doc = await withModel('hover-cues.tsv', file('classifier.safetensors'));
    const cli = predicted(file('classifier.safetensors'), 'hover-cues.tsv').split('\n');
    const line = 4;
    const markdown = unescaped(await hoverMarkdown(doc.uri, new vscode.Position(line, 3)));
    const m =
      /cues\.tsv — LSTM-16 labels line 5: \*\*(pos|neg) (\d+(?:\.\d)?)% · runner-up (pos|neg) (\d+(?:\.\d)?)%\*\*/.exec(
        markdown,
      );
    assert.ok(m, markdown);
    assert.strictEqual(m[1], cli[line].split('\t')[1], 'the label seqlab predict writes');
    assert.notStrictEqual(m[3], m[1]);
    assert.ok(Math.abs(parseFloat(m[2]) + parseFloat(m[4]) - 100) < 0.2, `${m[2]} + ${m[4]} ≈ 100`);
    await config().update('hover.show', 'onDemand', vscode.ConfigurationTarget.Global);
    assert.doesNotMatch(await hoverMarkdown(doc.uri, new vscode.Position(line, 3)), /SeqLab/);
    await config().update('hover.show', undefined, vscode.ConfigurationTarget.Global);
  });

  test('Predict file opens the predictions in a document named after the model; a language model gets a message', async () => {
    const doc = await withModel('hover-names.conll', file('tagger.safetensors'));
    const out = await vscode.commands.executeCommand<vscode.TextDocument>('seqlab.predictFile');
    assert.ok(out, `no document; errors: ${JSON.stringify(api.shownErrors())}`);
    assert.strictEqual(out.uri.scheme, 'untitled');
    assert.strictEqual(path.basename(out.uri.path), 'hover-names.conll.lstm-16.predicted.conll');
    assert.strictEqual(path.dirname(out.uri.path), path.dirname(doc.uri.path), 'beside the file');
    assert.strictEqual(out.getText(), predicted(file('tagger.safetensors'), 'hover-names.conll'));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

    await withModel('plain.txt', file('lm.safetensors'));
    const before = api.shownErrors().length;
    assert.strictEqual(await vscode.commands.executeCommand('seqlab.predictFile'), undefined);
    const shown = api.shownErrors().slice(before);
    assert.strictEqual(shown.length, 1, JSON.stringify(shown));
    assert.match(shown[0], /Predict file is for taggers and classifiers; this file's model is a language model/);
  });

  test("the diagnostics of a bidirectional tagger: each direction's reach over its sentences", async () => {
    const doc = await withModel('hover-names.conll', file('tagger.safetensors'));
    const [report] = (await vscode.commands.executeCommand<DiagnosticsReport[]>('seqlab.openDiagnostics', {
      uri: doc.uri,
    }))!;
    assert.strictEqual(report.level, 'word');
    assert.ok(report.steps > 3 && report.steps < 50, `T = ${report.steps}, a sentence`);
    assert.strictEqual(report.backwardGradNorms?.[0].length, report.steps);
    assert.strictEqual(report.gradNorms[0].length, report.steps);
  });
});
