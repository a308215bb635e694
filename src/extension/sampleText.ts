// "Sample text…": primer, length and temperature in one titled three-step input (Escape cancels it
// all), then the model's text in a new untitled document named after the model, under a header that
// says what drew it (model, primer, temperature, seed, length: the same ones draw the same text).
// A conditional model asks for the label instead and writes lines in its style.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { allowedValues, isAllowed, NumberOption, OPTIONS } from '../engine/options';
import { documentFolder, modelDocumentUri, ModelName, modelName } from './modelDocument';
import { freeName } from './modelFileNames';
import { Runs } from './runs';
import { setting } from './settings';

/** Values that skip their step of the input (the tests pass them), and whose model (the sidebar's). */
export interface SampleArgs {
  uri?: vscode.Uri;
  label?: string; // a conditional model's: the label whose style it writes in
  prime?: string;
  length?: number;
  temperature?: number;
}

interface Step {
  step: number;
  prompt: string;
  value: string;
  check: (value: string) => string | undefined; // why the value is refused; undefined: accepted
}

const STEPS = 3;

/** One step of the input: the accepted value, or undefined when the user pressed Escape. */
function ask(title: string, s: Step): Promise<string | undefined> {
  const box = vscode.window.createInputBox();
  Object.assign(box, { title, step: s.step, totalSteps: STEPS, prompt: s.prompt, value: s.value });
  return new Promise((resolve) => {
    let answered = false;
    const answer = (value: string | undefined) => {
      if (answered) return;
      answered = true;
      resolve(value);
      box.dispose();
    };
    box.onDidChangeValue((v) => (box.validationMessage = s.check(v)));
    box.onDidAccept(() => {
      box.validationMessage = s.check(box.value);
      if (box.validationMessage === undefined) answer(box.value);
    });
    box.onDidHide(() => answer(undefined));
    box.show();
  });
}

const numberCheck = (option: NumberOption) => (v: string) =>
  v.trim() !== '' && isAllowed(option, Number(v)) ? undefined : allowedValues(option);

/** A number the option allows, from its step of the input (proposing `value`), or undefined on Escape. */
async function askNumber(title: string, step: number, prompt: string, value: number, option: NumberOption) {
  const s = await ask(title, { step, prompt, value: String(value), check: numberCheck(option) });
  return s === undefined ? undefined : Number(s);
}

/** The header of a sample: what drew it, in lines that start with "#", then a blank line. */
function sampleHeader(model: string, prime: string, temperature: number, seed: number, length: number): string {
  return (
    `# SeqLab sample of ${model}\n` +
    `# primer ${JSON.stringify(prime)} · temperature ${temperature} · seed ${seed} · length ${length}\n\n`
  );
}

/** An untitled document named after the model, beside its file: "story.txt.lstm-128.sample.txt" (then -2, -3…). */
function sampleUri(model: ModelName, source: vscode.Uri): vscode.Uri {
  const folder = documentFolder(source);
  const uriOf = (name: string) =>
    vscode.Uri.from({ scheme: 'untitled', path: folder ? join(folder.path, name) : name });
  const name = freeName(
    `${model.stem}.sample`,
    '.txt',
    (n) =>
      vscode.workspace.textDocuments.some((d) => d.uri.toString() === uriOf(n).toString()) ||
      (folder?.scheme === 'file' && existsSync(join(folder.fsPath, n))),
  );
  return uriOf(name);
}

/** Opens an untitled document beside the model's file with the text. */
async function openSample(model: ModelName, uri: vscode.Uri, text: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(sampleUri(model, uri));
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  if (!(await editor.edit((b) => b.insert(new vscode.Position(0, 0), text))))
    throw new Error(`could not write the sample into ${doc.uri.path}`);
  return doc;
}

/** Lines a conditional model writes per sample. */
const LABEL_LINES = 10;

/**
 * A conditional model's sample: the label from a quick pick (or args.label), then LABEL_LINES lines in
 * its style at the seqlab.temperature setting, each at most seqlab.length characters.
 */
async function sampleForLabel(
  runs: Runs,
  uri: vscode.Uri,
  model: ModelName,
  labels: string[],
  args: SampleArgs,
): Promise<vscode.TextDocument | undefined> {
  const label =
    args.label ??
    (await vscode.window.showQuickPick(labels, {
      title: `SeqLab: Sample text from ${model.title}`,
      placeHolder: 'The label whose style the model writes in',
    }));
  if (label === undefined) return undefined;
  const length = args.length ?? setting('length'),
    temperature = args.temperature ?? setting('temperature'),
    seed = Date.now() % 1e9;
  const text = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `SeqLab: sampling "${label}" from ${model.title}…` },
    () => runs.infer(uri, { kind: 'sampleLabel', label, lines: LABEL_LINES, length, temperature, seed }),
  );
  const header =
    `# SeqLab sample of ${model.title}\n` +
    `# label ${JSON.stringify(label)} · temperature ${temperature} · seed ${seed} (one per line, then +1) · at most ${length} characters a line\n\n`;
  return openSample(model, uri, `${header}${text}\n`);
}

/** Asks what is not in args, samples, and opens the sample. Undefined when the user cancelled. */
export async function sampleText(runs: Runs, args: SampleArgs = {}): Promise<vscode.TextDocument | undefined> {
  const uri = args.uri ?? modelDocumentUri(runs);
  const model = await modelName(runs, uri);
  const { task, labels } = model.description;
  if (task === 'conditional') return sampleForLabel(runs, uri, model, labels, args);
  const title = `SeqLab: Sample text from ${model.title}`;
  const prime =
    args.prime ??
    (await ask(title, {
      step: 1,
      prompt: 'Primer text (empty: start from nothing)',
      value: '',
      check: () => undefined,
    }));
  if (prime === undefined) return undefined;
  const length =
    args.length ??
    (await askNumber(
      title,
      2,
      'Length: characters to sample (words, for a word model)',
      setting('length'),
      OPTIONS.length,
    ));
  if (length === undefined) return undefined;
  const temperature =
    args.temperature ??
    (await askNumber(
      title,
      3,
      'Temperature (lower: safer, higher: wilder)',
      setting('temperature'),
      OPTIONS.temperature,
    ));
  if (temperature === undefined) return undefined;
  const seed = Date.now() % 1e9;
  const text = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `SeqLab: sampling from ${model.title}…` },
    () => runs.infer(uri, { kind: 'sample', options: { prime, length, temperature, seed } }),
  );
  return openSample(model, uri, sampleHeader(model.title, prime, temperature, seed, length) + prime + text);
}
