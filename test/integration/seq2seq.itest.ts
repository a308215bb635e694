// The course's last two architectures in the editor: "Train model on this file" from the palette
// trains an encoder–decoder on a source<TAB>target .tsv (the date set of seqlab make-data seq2seq) and
// a conditional language model on a label<TAB>text .tsv (make-data conditional), each picked from the
// file's columns; the sidebar shows the encoder–decoder's exact match and CER and its outputs for
// held-out sources; the hover over a source line shows the greedy output and the best beams with their
// scores; Translate selection replaces or annotates selected lines; Sample text asks a conditional
// model for its label and writes in that label's style. This suite trains its own small models.

import * as assert from 'assert';
import { writeFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { makeConditionalData, makeDateData, recognisedStyle } from '../../src/engine/seq2seq/makeSeq2Seq';
import type { SeqLabApi } from '../../src/extension/extension';
import type { RunView } from '../../src/protocol';
import {
  hoverText,
  pageText,
  pressKey,
  runFromPalette,
  screenshot,
  typeText,
  uiBridgeAvailable,
  waitForWebviewText,
} from './screenshot';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percent = (v: number) => `${(v * 100).toFixed(1)}%`;
const unescaped = (markdown: string) => markdown.replace(/\\(.)/g, '$1');

/** The hover's markdown at a position, from every provider (VS Code's own command). */
async function hoverMarkdown(uri: vscode.Uri, at: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, at);
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

suite('Encoder–decoders and conditional models in the editor', function () {
  this.timeout(300_000);
  let api: SeqLabApi;
  const folder = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const config = () => vscode.workspace.getConfiguration('seqlab');
  const SETTINGS = { cell: 'lstm', hiddenSize: 32, batchSize: 16, steps: 300, evalEvery: 100, learningRate: 0.01 };
  let dates: vscode.TextDocument;

  /** Writes a file into the workspace, opens it, and trains from the palette (or the command). */
  async function trainOn(name: string, text: string): Promise<{ doc: vscode.TextDocument; run: RunView }> {
    const file = path.join(folder(), name);
    writeFileSync(file, text);
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    if (uiBridgeAvailable()) await runFromPalette('SeqLab: Train model on this file');
    else await vscode.commands.executeCommand('seqlab.trainChar');
    await until(`the training on ${name} to start`, () => api.runs.shownUri()?.toString() === doc.uri.toString());
    await api.runs.waitForEnd();
    return { doc, run: api.runs.view! };
  }

  /** A new file in the workspace with these lines, open in the editor, every line selected. */
  async function selectedFile(name: string, lines: string[]): Promise<vscode.TextEditor> {
    const file = path.join(folder(), name);
    writeFileSync(file, lines.join('\n') + '\n');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    editor.selection = new vscode.Selection(0, 0, lines.length, 0);
    return editor;
  }

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<SeqLabApi>('seqlab.seqlab')!.activate();
    for (const [k, v] of Object.entries(SETTINGS)) await config().update(k, v, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('seqlab.lossView.focus');
  });

  suiteTeardown(async () => {
    for (const k of Object.keys(SETTINGS)) await config().update(k, undefined, vscode.ConfigurationTarget.Global);
  });

  test('a source<TAB>target .tsv trains an encoder–decoder; the sidebar shows exact match, CER and outputs', async () => {
    const { doc, run } = await trainOn('dates.tsv', makeDateData({ seed: 1, examples: 400 }).train);
    dates = doc;
    assert.strictEqual(run.state, 'done', run.message);
    assert.strictEqual(run.task, 'seq2seq');
    assert.strictEqual(run.title, 'dates.tsv — encoder–decoder LSTM-32');
    assert.strictEqual(run.message, 'Finished: 300 steps.');
    assert.strictEqual(run.canResume, false, 'an encoder–decoder run does not resume');
    assert.deepStrictEqual(
      run.scores.map((s) => s.step),
      [100, 200, 300],
    );
    for (const s of run.scores) {
      assert.ok(s.exactMatch !== null && s.exactMatch >= 0 && s.exactMatch <= 1, JSON.stringify(s));
      assert.ok(s.cer !== null && s.cer >= 0, JSON.stringify(s));
      assert.strictEqual(s.accuracy, null);
    }
    assert.ok(run.scores[2].cer! < run.scores[0].cer!, `the CER falls: ${run.scores.map((s) => s.cer).join(', ')}`);
    const outputs = run.sample.split('\n');
    assert.strictEqual(outputs.length, 4, run.sample);
    assert.ok(
      outputs.every((l) => / → /.test(l)),
      run.sample,
    );
    if (uiBridgeAvailable()) {
      const last = run.scores[2];
      await waitForWebviewText(`Step 300: exact match ${percent(last.exactMatch!)}, CER ${percent(last.cer!)}.`);
      await waitForWebviewText(/Latest outputs for held-out sources \(greedy\)/i);
      await waitForWebviewText(outputs[0]);
    }
  });

  test('the hover over a source line shows the greedy output and the best beams with their scores', async () => {
    await vscode.window.showTextDocument(dates);
    const line = 1; // the first pair, under the comment line
    const [source, target] = dates.lineAt(line).text.split('\t');
    const expected = await api.runs.infer(dates.uri, {
      kind: 'translate',
      sources: [source],
      targets: [target],
      beam: 3,
    });
    const [{ greedy, beams }] = expected.translations;
    const md = unescaped(await hoverMarkdown(dates.uri, new vscode.Position(line, 2)));
    assert.ok(md.includes('dates.tsv — encoder–decoder LSTM-32 writes for line 2:'), md);
    assert.ok(md.includes(`${source} → ${greedy}`), md);
    assert.ok(md.includes(greedy === target ? '✓ the target, exactly' : `✗ the target is ${target}`), md);
    assert.ok(md.includes('| beam | output | log P | score |'), md);
    assert.ok(beams.length >= 1 && beams.length <= 3, JSON.stringify(beams));
    beams.forEach((b, i) =>
      assert.ok(md.includes(`| ${i + 1} | \`${b.text}\``) && md.includes(`| ${b.score.toFixed(3)} |`), md),
    );
    if (uiBridgeAvailable()) {
      // As the workbench renders it: the table's cells, the beams' outputs.
      const editor = await vscode.window.showTextDocument(dates);
      const shown = await hoverText(editor, new vscode.Position(line, 2), /score/);
      assert.ok(shown.includes(`${source} → ${greedy}`), shown);
      assert.ok(shown.includes(beams[0].text) && shown.includes(beams[0].score.toFixed(3)), shown);
      await screenshot('seq2seq-hover');
      await vscode.commands.executeCommand('editor.action.hideHover');
    }
    // A comment line has no hover of SeqLab's.
    assert.ok(!(await hoverMarkdown(dates.uri, new vscode.Position(0, 2))).includes('SeqLab'));
  });

  test('Translate selection replaces the selected lines with the outputs, or annotates them', async () => {
    const sources = ['3rd of May 1979', 'May 3, 1979'];
    const expected = (
      await api.runs.infer(dates.uri, { kind: 'translate', sources, targets: [], beam: 1 })
    ).translations.map((t) => t.greedy);
    // A plain text file has no model of its own: the sidebar's encoder–decoder translates.
    let editor = await selectedFile('to-translate.txt', sources);
    const outputs = await vscode.commands.executeCommand<string[]>('seqlab.translateSelection', { mode: 'replace' });
    assert.deepStrictEqual(outputs, expected);
    assert.strictEqual(editor.document.getText(), expected.join('\n') + '\n');

    editor = await selectedFile('to-annotate.txt', sources);
    const annotated = sources.map((s, i) => `${s} → ${expected[i]}`).join('\n') + '\n';
    if (uiBridgeAvailable()) {
      // The command asks what to do with the outputs (a quick pick the user answers).
      const translating = Promise.resolve(vscode.commands.executeCommand<string[]>('seqlab.translateSelection'));
      await until('the quick pick', async () => (await pageText('.quick-input-widget')).includes('Annotate'));
      await typeText('Annotate');
      await pressKey('Enter');
      assert.deepStrictEqual(await translating, expected);
      assert.strictEqual(editor.document.getText(), annotated);
    } else {
      await vscode.commands.executeCommand('seqlab.translateSelection', { mode: 'annotate' });
      assert.strictEqual(editor.document.getText(), annotated);
    }
  });

  test('a label<TAB>text .tsv trains a conditional model; Sample text asks for the label and writes in its style', async () => {
    const { doc, run } = await trainOn('styles.tsv', makeConditionalData({ seed: 2, lines: 300 }));
    assert.strictEqual(run.state, 'done', run.message);
    assert.strictEqual(run.task, 'conditional');
    assert.strictEqual(run.title, 'styles.tsv — conditional LSTM-32');
    assert.deepStrictEqual(run.labels.slice().sort(), ['consonantal', 'vowelish']);
    assert.match(run.message, /^Finished: 300 steps, val loss \d+\.\d{3} nats per character\.$/);
    assert.deepStrictEqual(
      run.sample.split('\n').map((l) => l.split(': ')[0]),
      run.labels,
      'the sample is a line per label',
    );
    if (uiBridgeAvailable()) await waitForWebviewText(/Latest sample, a line per label/i);
    assert.ok(!(await hoverMarkdown(doc.uri, new vscode.Position(1, 2))).includes('SeqLab'), 'no hover');

    for (const label of run.labels) {
      const sampling = Promise.resolve(
        vscode.commands.executeCommand<vscode.TextDocument | undefined>(
          'seqlab.sampleText',
          uiBridgeAvailable() && label === 'vowelish' ? { uri: doc.uri } : { uri: doc.uri, label },
        ),
      );
      if (uiBridgeAvailable() && label === 'vowelish') {
        await until('the label pick', async () => (await pageText('.quick-input-widget')).includes('consonantal'));
        await typeText(label);
        await pressKey('Enter');
      }
      const sample = (await sampling)!;
      const [title, how, blank, ...lines] = sample.getText().trimEnd().split('\n');
      assert.strictEqual(title, '# SeqLab sample of styles.tsv — LSTM-32');
      assert.match(how, new RegExp(`^# label "${label}" · temperature [\\d.]+ · seed \\d+`));
      assert.strictEqual(blank, '');
      assert.strictEqual(lines.length, 10, sample.getText());
      assert.strictEqual(recognisedStyle(lines.join(' ')), label, `the lines are in the ${label} style: ${lines}`);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
  });
});
