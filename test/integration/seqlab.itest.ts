// SeqLab in a real VS Code: the palette command trains, the sidebar receives decreasing loss,
// Stop, Sample text, the hover, Sample from cursor, diagnostics, restore, and the bad inputs.

import * as assert from 'assert';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { SeqLabApi } from '../../src/extension/extension';
import type { DiagnosticsReport } from '../../src/protocol';
import { Runs } from '../../src/extension/runs';
import { formatInt, formatNumber } from '../../webview/format';
import { DEFAULT_SMOOTHING, debiasedEma } from '../../webview/smoothing';
import {
  hoverText,
  pageText,
  pageTexts,
  runFromPalette,
  screenshot,
  uiBridgeAvailable,
  waitForWebviewText,
  webviewClick,
  webviewTexts,
  type WebviewText,
} from './screenshot';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function englishish(chars: number): string {
  const words = [
    'the',
    'cat',
    'sat',
    'on',
    'a',
    'mat',
    'and',
    'the',
    'dog',
    'ran',
    'to',
    'it',
    'was',
    'good',
    'when',
    'then',
  ];
  let s = '',
    x = 11;
  while (s.length < chars) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += words[(x >>> 16) % words.length] + ((x >>> 8) % 11 === 0 ? '.\n' : ' ');
  }
  return s;
}

/** A Sample text… document's text under its header (the "#" lines and a blank line; hover-sample.itest.ts checks the header). */
const sampleBody = (d: vscode.TextDocument) => d.getText().replace(/^(#.*\n)+\n/, '');

async function until(what: string, ok: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Waits until a webview shows `text` as its number `stat` (a sidebar stat: data-stat="step", "loss", …). */
async function waitForSidebarStat(stat: string, text: string, timeoutMs = 20_000): Promise<WebviewText> {
  const deadline = Date.now() + timeoutMs;
  let seen: WebviewText[] = [];
  while (Date.now() < deadline) {
    seen = await webviewTexts(`[data-stat="${stat}"]`);
    const hit = seen.find((w) => w.text === text);
    if (hit) return hit;
    await sleep(250);
  }
  throw new Error(`no webview showed ${stat} "${text}" within ${timeoutMs} ms; saw ${JSON.stringify(seen)}`);
}

async function sidebarStat(webview: number, stat: string): Promise<string> {
  const texts = await webviewTexts(`[data-stat="${stat}"]`);
  return texts[webview].text;
}

/**
 * Runs a command that must fail: it resolves (a command never rejects, so VS Code adds no second
 * message) after showing exactly one error, which matches `pattern`.
 */
async function expectError(api: SeqLabApi, command: string, pattern: RegExp, ...args: unknown[]): Promise<void> {
  const before = api.shownErrors().length;
  const result = await vscode.commands.executeCommand(command, ...args);
  const shown = api.shownErrors().slice(before);
  assert.strictEqual(result, undefined, `${command} returned a result instead of failing`);
  assert.strictEqual(shown.length, 1, `${command} should show one error, showed ${JSON.stringify(shown)}`);
  assert.match(shown[0], pattern);
}

suite('SeqLab in VS Code', function () {
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
    const file = path.join(folder(), 'story.txt');
    writeFileSync(file, englishish(12000));
    doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('seqlab.lossView.focus');
    await vscode.window.showTextDocument(doc);
  });

  test('the palette command trains, the loss decreases, and the sidebar shows the finished run', async () => {
    if (uiBridgeAvailable()) await runFromPalette('SeqLab: Train model on this file');
    else await vscode.commands.executeCommand('seqlab.trainChar');
    await until('the training to start', () => api.runs.view !== null);
    await api.runs.waitForEnd();
    const run = api.runs.view!;
    assert.strictEqual(run.state, 'done', run.message);
    // The run's curve as the host keeps it: saved with the checkpoint, sent whole to a sidebar that opens.
    assert.deepStrictEqual(
      run.points.map((p) => p.step),
      Array.from({ length: 80 }, (_, i) => i + 1),
    );
    const losses = run.points.map((p) => p.loss);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(
      mean(losses.slice(-10)) < mean(losses.slice(0, 10)) - 0.3,
      `loss went from ${mean(losses.slice(0, 10))} to ${mean(losses.slice(-10))}`,
    );
    assert.ok(api.runs.store.hasModel(doc.uri), 'a checkpoint was saved into the extension storage');
    // A diagnostics snapshot at every validation step (evalEvery 20), window T = min(50, seqLength 32).
    const snapshots = api.runs.trainingRun(doc.uri)!.snapshots;
    assert.deepStrictEqual(
      snapshots.map((s) => [s.step, s.steps, s.gradNorms[0].length]),
      [20, 40, 60, 80].map((step) => [step, 32, 32]),
    );
    if (uiBridgeAvailable()) {
      // What the user reads in the sidebar, computed by the view from the points it received.
      const step = await waitForSidebarStat('step', '80 / 80');
      const smoothed = debiasedEma(losses, DEFAULT_SMOOTHING).at(-1)!;
      assert.strictEqual(await sidebarStat(step.index, 'loss'), formatNumber(smoothed));
      assert.strictEqual(await sidebarStat(step.index, 'clips'), formatInt(run.points.filter((p) => p.clipped).length));
      // The status bar names the model and shows the sidebar's "Val loss", under that name.
      const val = await sidebarStat(step.index, 'val');
      assert.strictEqual(val, run.points.at(-1)!.valLoss!.toFixed(3));
      const status = await pageText('.statusbar');
      assert.ok(status.includes(`SeqLab done: story.txt — LSTM-32 · val loss ${val}`), status);
      await screenshot('sidebar-after-training');
    }
  });

  test('Sample text opens a document with text from the model', async () => {
    const sampled = await vscode.commands.executeCommand<vscode.TextDocument>('seqlab.sampleText', {
      prime: 'the ',
      length: 120,
      temperature: 0.8,
    });
    assert.ok(sampled);
    const text = sampleBody(sampled);
    assert.ok(text.startsWith('the '));
    assert.strictEqual(Array.from(text).length, 124);
    const vocab = new Set(Array.from(doc.getText()));
    assert.ok(
      Array.from(text).every((c) => vocab.has(c)),
      'only characters of the training text',
    );
    await vscode.window.showTextDocument(doc);
  });

  test('the hover provider returns the continuation and the top-5 next characters', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      doc.uri,
      new vscode.Position(3, 4),
    );
    const text = hovers
      .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value)))
      .join('\n');
    assert.match(text, /SeqLab/);
    assert.strictEqual((text.match(/^\| `/gm) ?? []).length, 5, text);
    const r = await api.runs.infer(doc.uri, { kind: 'hover', prime: 'the ca', length: 40, topK: 5, temperature: 0.8 });
    assert.strictEqual(Array.from(r.continuation).length, 40);
    assert.ok(r.top[0].p >= r.top[4].p);
    if (uiBridgeAvailable()) {
      // The hover as the user sees it, from the mouse-free command.
      const shown = await hoverText(
        await vscode.window.showTextDocument(doc),
        new vscode.Position(5, 12),
        /would continue/,
      );
      assert.match(shown, /would continue/);
      await screenshot('hover');
      await vscode.commands.executeCommand('editor.action.hideHover').then(undefined, () => undefined);
    }
  });

  test('Sample from cursor offers the continuation as an inline suggestion that Tab accepts', async () => {
    const editor = await vscode.window.showTextDocument(doc);
    const end = doc.lineAt(2).range.end;
    editor.selection = new vscode.Selection(end, end);
    const before = doc.getText();
    const suggestion = await vscode.commands.executeCommand<string>('seqlab.sampleFromCursor');
    assert.ok(suggestion && suggestion.length > 0);
    await sleep(500);
    await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
    await until('the suggestion to be accepted', () => doc.getText() !== before, 10_000);
    assert.strictEqual(
      doc.getText(),
      before.slice(0, doc.offsetAt(end)) + suggestion + before.slice(doc.offsetAt(end)),
    );
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('diagnostics: the panel shows ‖∂L<T>/∂a<t>‖ for 50 steps and the gates', async () => {
    const reports = await vscode.commands.executeCommand<DiagnosticsReport[]>('seqlab.openDiagnostics');
    assert.strictEqual(reports[0].gradNorms[0].length, 50);
    assert.deepStrictEqual(
      reports[0].snapshots?.map((s) => s.step),
      [20, 40, 60, 80],
      'the training snapshots of the model, for the heat map',
    );
    assert.deepStrictEqual(
      reports[0].gates.map((g) => g.gate),
      ['Γu', 'Γf', 'c̃', 'Γo'],
    );
    // The gradient norm over the model's run, as the sidebar drew it, with the threshold it trained with.
    const curve = reports[0].gradNormCurve!;
    assert.strictEqual(curve.clip, 5);
    assert.deepStrictEqual(
      curve.points,
      api.runs.view!.points.map((p) => ({ step: p.step, norm: p.gradNorm, clipped: p.clipped })),
    );
    const panels = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('seqlab.diagnostics'));
    await until('the diagnostics panel to open', () => panels().length === 1, 10_000);
    if (uiBridgeAvailable()) {
      await waitForWebviewText(/How far back the gradient reaches/);
      const panel = await waitForWebviewText(/story\.txt — LSTM-32, trained \d+ \w+ \d{4}, \d\d:\d\d/);
      assert.doesNotMatch(panel.text, /changed since/);
      await screenshot('diagnostics');
    }
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('Compare cells trains RNN, GRU and LSTM with one budget and overlays their curves in diagnostics', async () => {
    await config().update('compareSteps', 40, vscode.ConfigurationTarget.Global);
    await vscode.window.showTextDocument(doc);
    const ownModel = api.runs.view!.title;
    assert.strictEqual(ownModel, 'story.txt — LSTM-32');
    const reports = await vscode.commands.executeCommand<DiagnosticsReport[]>('seqlab.compareCells');
    // Afterwards the views show the file's own model again: the one the hover and Sample text use.
    assert.strictEqual(api.runs.view!.title, ownModel);
    assert.strictEqual(api.runs.store.load(doc.uri)!.view.title, ownModel, "the file's run record is its own");
    assert.deepStrictEqual(
      reports.map((r) => r.cell),
      ['rnn', 'gru', 'lstm'],
    );
    for (const r of reports) {
      assert.ok((r.lossCurve ?? []).length >= 10, `${r.label}: ${r.lossCurve?.length} curve points`);
      assert.strictEqual(r.lossCurve!.at(-1)!.step, 40);
      assert.strictEqual(r.gradNormCurve?.clip, 5, `${r.label} trained with seqlab.clip`);
      assert.strictEqual(r.gradNormCurve!.points.length, r.lossCurve!.length);
      assert.deepStrictEqual(
        r.snapshots?.map((s) => s.step),
        [20, 40],
        `${r.label}: its own training snapshots`,
      );
    }
    assert.deepStrictEqual(reports[0].gates, [], 'a plain RNN has no gates');
    if (uiBridgeAvailable()) {
      await waitForWebviewText(/Training curves, overlaid/);
      await waitForWebviewText(/Compare cells on story\.txt: RNN, GRU and LSTM, 40 steps each/);
      await screenshot('diagnostics-compare');
    }
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test("Compare cells in progress names the model and its place; Stop keeps what finished and shows the file's model", async () => {
    await vscode.window.showTextDocument(doc);
    const ownModel = api.runs.view!.title;
    const comparing = Promise.resolve(
      vscode.commands.executeCommand<DiagnosticsReport[]>('seqlab.compareCells', { steps: 1_000_000 }),
    );
    try {
      await until('the first model to train', () => (api.runs.view!.points.at(-1)?.step ?? 0) > 5);
      assert.strictEqual(api.runs.view!.title, 'story.txt — RNN-32 (Compare cells, model 1 of 3)');
      if (uiBridgeAvailable()) {
        // The panel, open from the start, says which model trains; so does the progress notification.
        const panel = await waitForWebviewText(/Training RNN: model 1 of 3, step \d+\/1000000/);
        assert.match(panel.text, /Compare cells on story\.txt: RNN, GRU and LSTM, 1000000 steps each/);
        await vscode.commands.executeCommand('notifications.showList'); // smoke-test mode shows no toasts
        await sleep(500);
        const progress = await pageText('.notifications-center');
        await vscode.commands.executeCommand('notifications.hideList');
        assert.match(progress, /SeqLab Compare cells: model 1 of 3 \(RNN\)/);
      }
    } finally {
      await vscode.commands.executeCommand('seqlab.stop');
    }
    assert.deepStrictEqual(await comparing, [], 'stopped during the first model');
    assert.strictEqual(api.runs.view!.title, ownModel, "the view shows the file's own model again");
    if (uiBridgeAvailable()) await waitForWebviewText(/RNN: model 1 of 3 stopped: Stopped at step \d+\./);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('Compare cells without gradient clipping trains the three cells with clip 0 and the panel says so', async () => {
    await vscode.window.showTextDocument(doc);
    const reports = await vscode.commands.executeCommand<DiagnosticsReport[]>('seqlab.compareCellsWithoutClipping', {
      steps: 30,
    });
    assert.deepStrictEqual(
      reports.map((r) => r.cell),
      ['rnn', 'gru', 'lstm'],
    );
    for (const r of reports) {
      const curve = r.gradNormCurve!;
      assert.strictEqual(curve.clip, 0, `${r.label} trained with clipping off`);
      assert.deepStrictEqual(
        curve.points.map((p) => p.step),
        Array.from({ length: 30 }, (_, i) => i + 1),
      );
      assert.ok(
        curve.points.every((p) => !p.clipped && p.norm > 0),
        `${r.label}: no step clipped`,
      );
      assert.deepStrictEqual(r.clipEvents, [], `${r.label}: no clip events`);
    }
    // The comparison's runs, saved beside the file's own, record the threshold they trained with.
    assert.strictEqual(api.runs.store.load(doc.uri, 'lstm')!.view.clip, 0);
    assert.strictEqual(api.runs.store.load(doc.uri)!.view.clip, 5, "the file's own model keeps its own");
    assert.strictEqual(config().get('clip'), 5, 'the seqlab.clip setting is left as it was');
    if (uiBridgeAvailable()) {
      await waitForWebviewText(/LSTM-32: clipping off/);
      await screenshot('diagnostics-compare-no-clip');
    }
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('Long-memory lab: results arrive in its panel; a training waits for it; Stop ends it after the current step', async () => {
    type Outcome = { results: { cell: string; gap: number; accuracy: number }[]; stopped: boolean };
    const small = { cells: ['rnn', 'lstm'], gaps: [2, 4], steps: 20, hidden: 8 };
    const done = await vscode.commands.executeCommand<Outcome>('seqlab.longMemoryLab', small);
    assert.strictEqual(done.stopped, false);
    assert.deepStrictEqual(
      done.results.map((r) => `${r.cell}@${r.gap}`),
      ['rnn@2', 'lstm@2', 'rnn@4', 'lstm@4'],
    );
    for (const r of done.results) assert.ok(r.accuracy >= 0 && r.accuracy <= 1, `${r.cell}@${r.gap}: ${r.accuracy}`);
    const panels = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('seqlab.lab'));
    await until('the lab panel to open', () => panels().length === 1, 10_000);
    if (uiBridgeAvailable()) {
      await waitForWebviewText(/Done: 4 results/);
      await screenshot('long-memory-lab');
    }

    await vscode.window.showTextDocument(doc);
    const long = Promise.resolve(
      vscode.commands.executeCommand<Outcome>('seqlab.longMemoryLab', { ...small, steps: 1_000_000 }),
    );
    await sleep(500);
    await expectError(api, 'seqlab.trainChar', /one model at a time and is running the long-memory lab/, {
      ifModelExists: 'replace',
    });
    await sleep(2000); // a few hundred steps of the first run
    await vscode.commands.executeCommand('seqlab.stop');
    const stopped = await long;
    assert.strictEqual(stopped.stopped, true);
    assert.deepStrictEqual(stopped.results, [], 'stopped during its first run of a million steps');
    for (const tab of panels()) await vscode.window.tabGroups.close(tab);
  });

  test('Stop ends a long training after the current step and keeps the checkpoint', async () => {
    await config().update('steps', 100000, vscode.ConfigurationTarget.Global);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('seqlab.trainChar', { ifModelExists: 'replace' });
    const runId = api.runs.view!.runId;
    await until('a checkpoint', () => api.runs.view!.canResume && (api.runs.view!.points.length ?? 0) > 25);
    await vscode.commands.executeCommand('seqlab.stop');
    await api.runs.waitForEnd();
    assert.strictEqual(api.runs.view!.runId, runId);
    assert.strictEqual(api.runs.view!.state, 'stopped');
    assert.ok(existsSync(api.runs.store.checkpointPath(doc.uri)));
    await config().update('steps', 80, vscode.ConfigurationTarget.Global);
  });

  test('a second training of the same file is refused while one runs', async () => {
    await config().update('steps', 100000, vscode.ConfigurationTarget.Global);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('seqlab.trainChar', { ifModelExists: 'replace' });
    await expectError(api, 'seqlab.trainChar', /already training a model on this file/);
    // Editing the file meanwhile is harmless: the run trains on the text it started with.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(0, 0), 'edited while training\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const before = api.runs.view!.points.length;
    await until('more progress after the edit', () => api.runs.view!.points.length > before + 3);
    assert.strictEqual(api.runs.view!.state, 'training');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('seqlab.stop');
    await api.runs.waitForEnd();
    await config().update('steps', 80, vscode.ConfigurationTarget.Global);
  });

  test('a killed worker gives a clear error and leaves the last checkpoint intact', async () => {
    await config().update('steps', 100000, vscode.ConfigurationTarget.Global);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('seqlab.trainChar', { ifModelExists: 'replace' });
    await until('a checkpoint', () => api.runs.view!.canResume && api.runs.view!.points.length > 25);
    const active = (api.runs as unknown as { active: { worker: { worker: { terminate(): Promise<number> } } } }).active;
    await active.worker.worker.terminate(); // what a crash looks like from the host: the thread is gone
    await api.runs.waitForEnd();
    assert.strictEqual(api.runs.view!.state, 'failed');
    assert.match(api.runs.view!.message, /worker stopped unexpectedly.*checkpoint is intact/);
    const sample = await api.runs.infer(doc.uri, { kind: 'sample', options: { length: 10 } });
    assert.strictEqual(Array.from(sample).length, 10, 'the kept checkpoint still loads');
    await config().update('steps', 80, vscode.ConfigurationTarget.Global);
  });

  // What a window reload does to the extension's state, not a reload itself: a new Runs (the object
  // activate() builds) over the same workspace storage. Reloading the window would also end the
  // extension host that runs this suite.
  test('a new Runs over the same storage finds the model, its curves and its sample again', async () => {
    const context = (api.runs as unknown as { context: vscode.ExtensionContext }).context;
    const restored = new Runs(context, api.runs.store);
    assert.strictEqual(restored.view?.runId, api.runs.view?.runId);
    assert.ok(restored.view!.points.length > 25, 'the curves are restored');
    assert.deepStrictEqual(restored.view!.points.slice(0, 25), api.runs.view!.points.slice(0, 25));
    assert.strictEqual(restored.view!.sample, api.runs.view!.sample);
    assert.strictEqual(restored.view!.canResume, true);
    assert.ok(restored.trainingRun(doc.uri)!.snapshots.length > 0, 'the training snapshots are restored');
    assert.deepStrictEqual(restored.trainingRun(doc.uri), api.runs.trainingRun(doc.uri));
    restored.dispose();
  });

  test("a training's background save of its run record never replaces a later save", async () => {
    const store = api.runs.store;
    const run = store.load(doc.uri)!;
    const folder = store.folder(doc.uri);
    const older = store.saveInBackground({ ...run, view: { ...run.view, message: 'an older record' } });
    store.save(run); // the run's end: saved at once, while the background write is still on its way
    await older;
    assert.deepStrictEqual(
      readdirSync(folder).filter((n) => n.endsWith('.tmp')),
      [],
    );
    assert.strictEqual(store.load(doc.uri)!.view.message, run.view.message);
  });

  test('Resume continues the stopped run from its checkpoint', async () => {
    await config().update('steps', 100000, vscode.ConfigurationTarget.Global);
    await vscode.window.showTextDocument(doc);
    const before = api.runs.view!.points.slice();
    const { step: checkpointStep } = await api.runs.infer(doc.uri, { kind: 'describe' });
    assert.ok(checkpointStep > 20, `the stopped run kept a checkpoint (step ${checkpointStep})`);
    // A run cut short goes on to the end of its own budget, and says so.
    assert.strictEqual(api.runs.view!.resumeLabel, 'Resume to step 100000');
    const startedAt = api.runs.view!.startedAt;
    await vscode.commands.executeCommand('seqlab.resume');
    try {
      // Past the killed run's last point too: those points are the killed run's until the resumed run's replace them.
      const beyond = Math.max(checkpointStep, before.at(-1)!.step) + 5;
      await until('progress after the resume', () => api.runs.view!.points.at(-1)!.step > beyond);
    } finally {
      // Never leave a training, or its long budget, to the next tests.
      await vscode.commands.executeCommand('seqlab.stop');
      await api.runs.waitForEnd();
      await config().update('steps', 80, vscode.ConfigurationTarget.Global);
    }
    assert.strictEqual(api.runs.view!.state, 'stopped');
    const after = api.runs.view!.points;
    const steps = after.map((p) => p.step);
    assert.ok(
      steps.every((step, i) => i === 0 || step > steps[i - 1]),
      `one curve, no step twice (checkpoint at step ${checkpointStep}): ${steps.join(',')}`,
    );
    // The resumed run goes on from the checkpoint's step, step by step. (Points between the host's last one
    // and a checkpoint written just before a crash can be missing: the worker saved them but died before telling.)
    const resumed = steps.filter((step) => step > checkpointStep);
    assert.ok(resumed.length > 5, `the resumed run's own points: ${resumed.length}`);
    assert.deepStrictEqual(
      resumed,
      Array.from({ length: resumed.length }, (_, i) => checkpointStep + 1 + i),
    );
    const kept = before.filter((p) => p.step <= checkpointStep);
    assert.deepStrictEqual(after.slice(0, kept.length), kept, 'the points up to the checkpoint are kept as they were');
    assert.ok(
      after.every((p, i) => i === 0 || p.elapsedSeconds >= after[i - 1].elapsedSeconds),
      'the elapsed time goes on across the resume',
    );
    assert.strictEqual(after.at(-1)!.totalSteps, 100000, 'the same budget');
    assert.strictEqual(api.runs.view!.startedAt, startedAt, 'the same run');
  });

  test('a finished run offers "Train N more steps": one step axis and clock; the diagnostics panel says it is out of date', async () => {
    await config().update('steps', 30, vscode.ConfigurationTarget.Global);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('seqlab.trainChar', { ifModelExists: 'replace' });
    await api.runs.waitForEnd();
    assert.strictEqual(api.runs.view!.state, 'done', api.runs.view!.message);
    assert.strictEqual(api.runs.view!.resumeLabel, 'Train 30 more steps');
    await vscode.commands.executeCommand('seqlab.openDiagnostics');
    const first = api.runs.view!.points.slice();
    await vscode.commands.executeCommand('seqlab.resume');
    await api.runs.waitForEnd();
    await config().update('steps', 80, vscode.ConfigurationTarget.Global);
    const points = api.runs.view!.points;
    assert.deepStrictEqual(
      points.map((p) => p.step),
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
    assert.deepStrictEqual(points.slice(0, 30), first);
    assert.ok(points[30].elapsedSeconds >= first[29].elapsedSeconds, 'the clock goes on');
    assert.strictEqual(points.at(-1)!.totalSteps, 60);
    if (uiBridgeAvailable()) {
      await waitForWebviewText(/The file's model changed since \(now story\.txt — LSTM-32\)/);
      await webviewClick('[data-command="refresh"]', { text: 'changed since' });
      const deadline = Date.now() + 20_000;
      let texts = await webviewTexts();
      while (texts.some((w) => w.text.includes('changed since')) && Date.now() < deadline) {
        await sleep(250);
        texts = await webviewTexts();
      }
      assert.ok(!texts.some((w) => w.text.includes('changed since')), 'Refresh shows the new model');
    }
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('Save model as…, Load model… into another file, Export model for PyTorch…', async () => {
    await vscode.window.showTextDocument(doc);
    const saved = vscode.Uri.file(path.join(folder(), 'saved.safetensors'));
    await vscode.commands.executeCommand('seqlab.saveModel', { to: saved });
    assert.ok(existsSync(saved.fsPath));

    const exported = vscode.Uri.file(path.join(folder(), 'torch.safetensors'));
    await vscode.commands.executeCommand('seqlab.exportTorch', { to: exported });
    const bytes = readFileSync(exported.fsPath);
    const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8'));
    for (const name of [
      'rnn.weight_ih_l0',
      'rnn.weight_hh_l0',
      'rnn.bias_ih_l0',
      'rnn.bias_hh_l0',
      'head.weight',
      'head.bias',
    ])
      assert.ok(header[name], `${name} exported`);

    const other = path.join(folder(), 'other.txt');
    writeFileSync(other, englishish(3000));
    const otherDoc = await vscode.workspace.openTextDocument(other);
    await vscode.window.showTextDocument(otherDoc);
    await vscode.commands.executeCommand('seqlab.loadModel', { from: saved });
    assert.ok(api.runs.store.hasModel(otherDoc.uri));
    assert.match(api.runs.view!.title, /other\.txt — LSTM-32/);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      otherDoc.uri,
      new vscode.Position(1, 3),
    );
    assert.match(
      hovers.map((h) => h.contents.map((c) => (c as vscode.MarkdownString).value).join('')).join(''),
      /SeqLab/,
    );

    writeFileSync(path.join(folder(), 'not-a-model.safetensors'), 'hello');
    await expectError(api, 'seqlab.loadModel', /not a valid SeqLab checkpoint/, {
      from: vscode.Uri.file(path.join(folder(), 'not-a-model.safetensors')),
    });
    assert.ok(api.runs.store.hasModel(otherDoc.uri), 'a refused load keeps the model there was');
  });

  test('training a file that has a model asks first; Keep both saves it beside the file', async () => {
    await config().update('steps', 20, vscode.ConfigurationTarget.Global);
    await vscode.window.showTextDocument(doc);
    const checkpoint = api.runs.store.checkpointPath(doc.uri);
    const previous = readFileSync(checkpoint);
    const runId = api.runs.view!.runId;
    // The question is a modal dialog, which a workbench under test refuses to show: it rejects the
    // request, with the dialog's text, and SeqLab reports that as its one error. Nothing starts or changes.
    await expectError(
      api,
      'seqlab.trainChar',
      /refused to show dialog in tests\. Contents: story\.txt — LSTM-32 is this file's model\. A new training replaces it\./,
    );
    assert.strictEqual(api.runs.view!.runId, runId, 'no training started');
    assert.deepStrictEqual(readFileSync(checkpoint), previous, 'the model is as it was');
    const kept = path.join(folder(), 'story.txt.lstm-32.safetensors');
    rmSync(kept, { force: true });
    await vscode.commands.executeCommand('seqlab.trainChar', { ifModelExists: 'keepBoth' });
    await api.runs.waitForEnd();
    await config().update('steps', 80, vscode.ConfigurationTarget.Global);
    assert.strictEqual(api.runs.view!.state, 'done', api.runs.view!.message);
    assert.deepStrictEqual(readFileSync(kept), previous, 'the previous model is kept beside the file');
    assert.notDeepStrictEqual(readFileSync(checkpoint), previous, 'the file has its new model');
  });

  test('Train word model trains on words and samples words', async () => {
    const words = path.join(folder(), 'words.txt');
    writeFileSync(words, englishish(8000));
    const wordsDoc = await vscode.workspace.openTextDocument(words);
    await vscode.window.showTextDocument(wordsDoc);
    await vscode.commands.executeCommand('seqlab.trainWord');
    await api.runs.waitForEnd();
    assert.strictEqual(api.runs.view!.state, 'done', api.runs.view!.message);
    assert.strictEqual(api.runs.view!.level, 'word');
    assert.match(api.runs.view!.message, /val loss \d+\.\d{3} nats per word\.$/);
    const sampled = await vscode.commands.executeCommand<vscode.TextDocument>('seqlab.sampleText', {
      prime: 'the',
      length: 30,
      temperature: 0.8,
    });
    const vocabulary = new Set(
      wordsDoc
        .getText()
        .split(/\s+/)
        .map((w) => w.replace(/\.$/, '')),
    );
    const drawn = sampleBody(sampled)
      .split(/\s+/)
      .map((w) => w.replace(/\.$/, ''))
      .filter(Boolean);
    assert.ok(drawn.length >= 10, sampled.getText());
    assert.ok(
      drawn.every((w) => vocabulary.has(w) || w === '<UNK>' || w === '.'),
      sampled.getText(),
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('an error run from the palette is one notification, without a second "resulted in an error"', async () => {
    const empty = path.join(folder(), 'nothing.txt');
    writeFileSync(empty, '');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(empty));
    const before = api.shownErrors().length;
    if (!uiBridgeAvailable()) {
      // Desktop VS Code without the browser bridge: what the extension showed, not the workbench's DOM.
      await vscode.commands.executeCommand('seqlab.trainChar');
      assert.deepStrictEqual(api.shownErrors().slice(before), [
        'nothing.txt is empty: there is nothing to learn from.',
      ]);
      return;
    }
    await vscode.commands.executeCommand('notifications.clearAll');
    await runFromPalette('SeqLab: Train model on this file');
    await until('the error', () => api.shownErrors().length > before, 20_000);
    await sleep(2_000); // time for a second notification, were there one
    // The suite's workbench runs in smoke-test mode, which shows no toasts: the notification centre lists them all.
    await vscode.commands.executeCommand('notifications.showList');
    await sleep(500);
    const listed = await pageTexts('.notifications-center .notification-list-item');
    const dialogs = await pageTexts('.monaco-dialog-box');
    await vscode.commands.executeCommand('notifications.hideList');
    assert.strictEqual(listed.length, 1, `one notification: ${JSON.stringify(listed)}`);
    assert.match(listed[0], /SeqLab: nothing\.txt is empty: there is nothing to learn from\./);
    assert.deepStrictEqual(dialogs, [], 'no dialog');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  test('bad inputs: empty, binary, untitled, other schemes, invalid settings, corrupt checkpoint', async () => {
    const empty = path.join(folder(), 'empty.txt');
    writeFileSync(empty, '');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(empty));
    await expectError(api, 'seqlab.trainChar', /empty\.txt is empty/);

    await vscode.window.showTextDocument(
      await vscode.workspace.openTextDocument({ content: 'abc\u0000def'.repeat(100) }),
    );
    await expectError(api, 'seqlab.trainChar', /looks binary: it contains a NUL character at line 1, column 4;/);

    const provider = vscode.workspace.registerTextDocumentContentProvider('seqlab-test', {
      provideTextDocumentContent: () => englishish(3000),
    });
    await vscode.window.showTextDocument(
      await vscode.workspace.openTextDocument(vscode.Uri.parse('seqlab-test:/virtual.txt')),
    );
    await expectError(api, 'seqlab.trainChar', /seqlab-test: documents are not supported/);
    provider.dispose();

    await config().update('hiddenSize', 0, vscode.ConfigurationTarget.Global);
    await vscode.window.showTextDocument(doc);
    await expectError(
      api,
      'seqlab.trainChar',
      /invalid SeqLab setting: seqlab\.hiddenSize must be a whole number from 1/,
    );
    await config().update('hiddenSize', 32, vscode.ConfigurationTarget.Global);
    // A bad training setting stops trainings, not the hover (which reads only its own settings).
    await config().update('batchSize', 0, vscode.ConfigurationTarget.Global);
    await expectError(
      api,
      'seqlab.trainChar',
      /invalid SeqLab setting: seqlab\.batchSize must be a whole number from 1/,
    );
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      doc.uri,
      new vscode.Position(3, 4),
    );
    const hoverMarkdown = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)));
    assert.ok(
      hoverMarkdown.some((m) => /SeqLab/.test(m)),
      `the hover still works with a bad seqlab.batchSize: ${hoverMarkdown}`,
    );
    await config().update('batchSize', undefined, vscode.ConfigurationTarget.Global);
    await config().update('threads', 2.5, vscode.ConfigurationTarget.Global);
    await expectError(api, 'seqlab.trainChar', /invalid SeqLab setting: seqlab\.threads must be a whole number from 0/);
    await config().update('threads', undefined, vscode.ConfigurationTarget.Global);

    await config().update('maxFileSizeMB', 1, vscode.ConfigurationTarget.Global);
    const big = path.join(folder(), 'big.txt');
    writeFileSync(big, englishish(1.2 * 1048576));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(big));
    await expectError(api, 'seqlab.trainChar', /over the seqlab\.maxFileSizeMB limit of 1 MB/);
    await config().update('maxFileSizeMB', undefined, vscode.ConfigurationTarget.Global);

    // An untitled document trains on its text.
    const untitled = await vscode.workspace.openTextDocument({ content: englishish(4000) });
    await vscode.window.showTextDocument(untitled);
    await vscode.commands.executeCommand('seqlab.trainChar');
    await api.runs.waitForEnd();
    assert.strictEqual(api.runs.view!.state, 'done', api.runs.view!.message);

    // A corrupt checkpoint in storage: one clear error, nothing else breaks.
    writeFileSync(api.runs.store.checkpointPath(untitled.uri), Buffer.from('{"not": "a checkpoint"}'));
    await assert.rejects(
      api.runs.infer(untitled.uri, { kind: 'sample', options: { length: 5 } }),
      /not a valid SeqLab checkpoint/,
    );
  });
});
