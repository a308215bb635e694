// The README's screenshot tour, as a user would take it (npm run tour): a 300 KB excerpt of the
// King James Bible, a file outside the repository, trained from the palette with an LSTM-256;
// the extension's activation time; the live sidebar mid-run (and the extension host's event-loop
// lag meanwhile); the hover; Sample text…; Compare cells and its diagnostics. Every step asserts
// what the picture is meant to show, so a broken feature never becomes a picture.

import * as assert from 'assert';
import { readFileSync, writeFileSync } from 'fs';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import * as path from 'path';
import * as vscode from 'vscode';
import type { SeqLabApi } from '../../src/extension/extension';
import type { CompareView, DiagnosticsReport } from '../../src/protocol';
import { corpusPath } from '../helpers/texts';
import {
  hoverText,
  runFromPalette,
  screenshot,
  uiBridgeAvailable,
  waitForWebviewText,
  webviewScroll,
} from './screenshot';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

suite('README tour', function () {
  this.timeout(900_000);
  let api: SeqLabApi;
  let doc: vscode.TextDocument;
  const config = () => vscode.workspace.getConfiguration('seqlab');

  suiteSetup(async () => {
    assert.ok(uiBridgeAvailable(), 'the tour takes screenshots: run it through runInCodeServer');
    api = await vscode.extensions.getExtension<SeqLabApi>('seqlab.seqlab')!.activate();
    for (const [k, v] of Object.entries({
      hiddenSize: 256,
      steps: 800,
      evalEvery: 50,
      compareSteps: 150,
      threads: Number(process.env.SEQLAB_TOUR_THREADS ?? 0),
    })) {
      await config().update(k, v, vscode.ConfigurationTarget.Global);
    }
    const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'genesis.txt');
    writeFileSync(file, readFileSync(corpusPath(), 'utf8').slice(0, 300_000));
    doc = await vscode.workspace.openTextDocument(file);
    await vscode.commands.executeCommand('seqlab.lossView.focus');
    await vscode.window.showTextDocument(doc);
  });

  test("the extension's activation: code-server's own timing (Developer: Startup Performance)", async () => {
    // The workbench's table of extension activations: the time to load dist/extension.js ("Load Code"),
    // to run activate() ("Call Activate") and until its result settled ("Finish Activate"), in ms.
    await vscode.commands.executeCommand('perfview.show');
    const row = () =>
      vscode.workspace.textDocuments
        .filter((d) => d.uri.scheme === 'perf')
        .flatMap((d) => d.getText().split('\n'))
        .find((l) => /^\|\s*seqlab\.seqlab\s*\|/.test(l));
    await until('SeqLab in the startup performance table', () => row() !== undefined, 60_000);
    const [, , eager, load, call, finish, event] = row()!
      .split('|')
      .map((c) => c.trim());
    assert.ok(
      [load, call, finish].every((n) => /^\d+$/.test(n)),
      row(),
    );
    console.log(
      `[seqlab-tour] measured: activation (${eager === 'true' ? 'at startup' : 'on demand'}, ${event}): load code ${load} ms, activate() ${call} ms, finished ${finish} ms; total ${Number(load) + Number(call)} ms`,
    );
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('train from the palette: the live sidebar', async () => {
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    await runFromPalette('SeqLab: Train model on this file');
    await until('half of the training', () => (api.runs.view?.points.at(-1)?.step ?? 0) >= 400, 600_000);
    await waitForWebviewText(/chars\/s/i);
    await screenshot('tour-training');
    await api.runs.waitForEnd();
    lag.disable();
    const ms = (ns: number) => Math.max(0, ns / 1e6 - 10).toFixed(2);
    console.log(
      `[seqlab-tour] measured: extension-host event-loop lag during the training (beyond the 10 ms sampling): p50 ${ms(lag.percentile(50))} ms, p99 ${ms(lag.percentile(99))} ms, max ${ms(lag.max)} ms`,
    );
    assert.strictEqual(api.runs.view?.state, 'done', api.runs.view?.message);
    const points = api.runs.view!.points;
    assert.ok(points.at(-1)!.loss < points[0].loss - 1, `loss ${points[0].loss} → ${points.at(-1)!.loss}`);
  });

  test('the hover: what the model would write next, and the top-5', async () => {
    // Timed through the real hover provider with a 200-character continuation (printed, never asserted).
    await config().update('hover.length', 200, vscode.ConfigurationTarget.Global);
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        doc.uri,
        new vscode.Position(40 + i * 7, 20),
      );
      times.push(performance.now() - t0);
      assert.ok(hovers.length > 0);
    }
    times.sort((a, b) => a - b);
    console.log(
      `[seqlab-tour] measured: hover with a 200-character continuation, LSTM-256, 20 hovers: p50 ${times[9].toFixed(1)} ms, p95 ${times[18].toFixed(1)} ms, max ${times[19].toFixed(1)} ms`,
    );
    await config().update('hover.length', undefined, vscode.ConfigurationTarget.Global);
    const at = new vscode.Position(12, Math.min(30, doc.lineAt(12).text.length));
    assert.match(await hoverText(await vscode.window.showTextDocument(doc), at, /would continue/), /would continue/);
    await screenshot('tour-hover');
    await vscode.commands.executeCommand('editor.action.hideHover').then(undefined, () => undefined);
  });

  test('Sample text…: novel text in a new document', async () => {
    const sampled = await vscode.commands.executeCommand<vscode.TextDocument>('seqlab.sampleText', {
      prime: 'And God said',
      length: 1200,
      temperature: 0.7,
    });
    assert.match(sampled.getText(), /^# SeqLab sample of .*\n# primer "And God said" .*\n\nAnd God said/);
    await sleep(500);
    await screenshot('tour-sample');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('Show surprise: the text coloured by what the model did not expect', async () => {
    await vscode.window.showTextDocument(doc);
    const painted =
      await vscode.commands.executeCommand<ReturnType<typeof api.inside.paintedOf>>('seqlab.showSurprise');
    assert.ok(painted && painted.buckets.filter((n) => n > 0).length >= 4, JSON.stringify(painted?.buckets));
    assert.ok(painted.mean !== null && painted.mean > 0);
    await sleep(500);
    await screenshot('tour-surprise');
    await vscode.commands.executeCommand('seqlab.hideColouring');
  });

  test('Show neuron…: the text coloured by the most selective unit', async () => {
    await vscode.window.showTextDocument(doc);
    const { units } = await api.runs.infer(doc.uri, {
      kind: 'selectiveUnits',
      doc: doc.uri.toString(),
      text: doc.getText(),
      signal: 'h',
      top: 1,
    });
    const painted = await vscode.commands.executeCommand<ReturnType<typeof api.inside.paintedOf>>('seqlab.showNeuron', {
      layer: units[0].layer,
      unit: units[0].unit,
      signal: 'h',
    });
    assert.ok(painted && painted.buckets.filter((n) => n > 0).length >= 2, JSON.stringify(painted?.buckets));
    console.log(
      `[tour] the most selective unit: layer ${units[0].layer} unit ${units[0].unit}, std ${units[0].score.toFixed(3)}`,
    );
    await sleep(500);
    await screenshot('tour-neuron');
    await vscode.commands.executeCommand('seqlab.hideColouring');
  });

  test('Compare cells: RNN, GRU and LSTM on one budget, curves overlaid, gradients side by side', async () => {
    await vscode.window.showTextDocument(doc);
    const reports = await vscode.commands.executeCommand<DiagnosticsReport[]>('seqlab.compareCells');
    assert.deepStrictEqual(
      reports.map((r) => r.cell),
      ['rnn', 'gru', 'lstm'],
    );
    await waitForWebviewText(/Training curves, overlaid/);
    await sleep(1000);
    await screenshot('tour-compare');
    await webviewScroll('#vanishing', { text: 'Training curves, overlaid' });
    await sleep(500);
    await screenshot('tour-vanishing');
    await webviewScroll('#gates', { text: 'Training curves, overlaid' });
    await sleep(500);
    await screenshot('tour-gates');
  });

  test('Runs: every training kept; Compare selected; a sweep', async () => {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('seqlab.runsView.focus');
    const [file] = api.runsTree.getChildren().filter((n) => n.kind === 'file' && n.uri === doc.uri.toString());
    const kept = api.runsTree.getChildren(file);
    assert.ok(kept.length >= 4, `the tour's training and Compare cells' three models are runs: ${kept.length}`);
    await sleep(500);
    await screenshot('tour-runs');
    const view = await vscode.commands.executeCommand<CompareView>('seqlab.runs.compare', kept[0], kept.slice(0, 3));
    assert.strictEqual(view.runs.length, 3);
    await waitForWebviewText('3 runs compared');
    await sleep(1000);
    await screenshot('tour-runs-compare');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.window.showTextDocument(doc);
    const swept = await vscode.commands.executeCommand<unknown[]>('seqlab.sweep', {
      set: ['hidden=32,64', 'lr=0.002,0.01'],
      steps: 60,
    });
    assert.strictEqual(swept.length, 4);
    await waitForWebviewText('4 runs compared');
    await sleep(1000);
    await screenshot('tour-sweep');
  });
});
