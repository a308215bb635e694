// Suite-side half of the UI bridge to runInCodeServer.ts.
//
// The suite runs in the extension host (a Node process beside code-server), the
// browser is driven by the runner (playwright-core), so they talk through files:
//
//   $SEQLAB_IT_CONTROL_DIR/requests/<id>.json    written by the suite (atomic rename)
//   $SEQLAB_IT_CONTROL_DIR/responses/<id>.json   written by the runner: { ok, result | error }
//
// Request kinds (one at a time, in order):
//   screenshot    { name, selector? }   -> absolute path of <artifacts>/screenshots/<name>.png
//   webviewTexts  { selector? }         -> [{ index, text }] for every `iframe.webview.ready`,
//                                          text of `selector` (default body) in its #active-frame
//   webviewClick  { selector, index?, text? } -> clicks inside a webview (the first webview
//                                          whose text contains `text`, or number `index`)
//   press         { key }               -> page.keyboard.press (e.g. 'F1', 'Enter', 'Escape')
//   type          { text }              -> page.keyboard.type
//   palette       { title }             -> F1, type the command title, Enter
//   pageText      { selector }          -> innerText of a workbench element ('' if none)
//   pageTexts     { selector }          -> innerText of every matching workbench element
//   inputValue    { selector }          -> value of a workbench <input> ('' if none)
//   webviewScroll { selector, index?, text? } -> scrolls an element inside a webview into view
//
// Without the runner (desktop VS Code through runElectron.ts) SEQLAB_IT_CONTROL_DIR is
// unset: screenshot() does nothing and returns undefined, the others throw
// UiBridgeUnavailable. Use uiBridgeAvailable() to skip UI-only tests there.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

export class UiBridgeUnavailable extends Error {
  constructor(what: string) {
    super(`UI bridge unavailable for ${what}: run the suite through out/test/integration/runInCodeServer.js`);
    this.name = 'UiBridgeUnavailable';
  }
}

export interface WebviewText {
  index: number;
  text: string;
}

let counter = 0;

export function uiBridgeAvailable(): boolean {
  const dir = process.env.SEQLAB_IT_CONTROL_DIR;
  return !!dir && fs.existsSync(path.join(dir, 'requests'));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends one request to the runner and waits for its answer. */
export async function uiRequest<T = unknown>(
  kind: string,
  args: Record<string, unknown> = {},
  timeoutMs = 30_000,
): Promise<T> {
  const dir = process.env.SEQLAB_IT_CONTROL_DIR;
  if (!dir || !uiBridgeAvailable()) {
    throw new UiBridgeUnavailable(kind);
  }
  const id = `${Date.now()}-${process.pid}-${++counter}-${kind}`;
  const reqFile = path.join(dir, 'requests', `${id}.json`);
  const resFile = path.join(dir, 'responses', `${id}.json`);
  fs.writeFileSync(`${reqFile}.tmp`, JSON.stringify({ id, kind, args }));
  fs.renameSync(`${reqFile}.tmp`, reqFile);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(resFile)) {
      const res = JSON.parse(fs.readFileSync(resFile, 'utf8')) as { ok: boolean; result?: T; error?: string };
      fs.rmSync(resFile, { force: true });
      if (!res.ok) {
        throw new Error(`UI request ${kind} failed: ${res.error}`);
      }
      return res.result as T;
    }
    await sleep(50);
  }
  throw new Error(`UI request ${kind} ${JSON.stringify(args)}: no answer from the runner within ${timeoutMs} ms`);
}

/**
 * Screenshot of the whole workbench (or of `selector`, e.g. '.part.sidebar') into
 * <artifacts>/screenshots/<name>.png. Returns the path, or undefined without the runner.
 */
export async function screenshot(name: string, selector?: string): Promise<string | undefined> {
  if (!uiBridgeAvailable()) {
    console.log(`[seqlab-it] screenshot '${name}' skipped (no UI bridge)`);
    return undefined;
  }
  return uiRequest<string>('screenshot', { name, selector });
}

/** Text of every ready webview (sidebar views and panels), in DOM order. */
export function webviewTexts(selector = 'body'): Promise<WebviewText[]> {
  return uiRequest<WebviewText[]>('webviewTexts', { selector });
}

/** Polls webviewTexts() until one contains `needle`; returns that webview's text. */
export async function waitForWebviewText(needle: string | RegExp, timeoutMs = 20_000): Promise<WebviewText> {
  const deadline = Date.now() + timeoutMs;
  let last: WebviewText[] = [];
  while (Date.now() < deadline) {
    last = await webviewTexts();
    const hit = last.find((w) => (typeof needle === 'string' ? w.text.includes(needle) : needle.test(w.text)));
    if (hit) {
      return hit;
    }
    await sleep(250);
  }
  throw new Error(
    `no webview text matched ${String(needle)} within ${timeoutMs} ms; saw: ${JSON.stringify(last.map((w) => w.text.slice(0, 600)))}`,
  );
}

/** Clicks `selector` inside a webview: the one containing `text`, else number `index` (default 0). */
export function webviewClick(selector: string, where: { index?: number; text?: string } = {}): Promise<void> {
  return uiRequest<void>('webviewClick', { selector, ...where });
}

/** Scrolls `selector` inside a webview (found as in webviewClick) to the top of its view. */
export function webviewScroll(selector: string, where: { index?: number; text?: string } = {}): Promise<void> {
  return uiRequest<void>('webviewScroll', { selector, ...where });
}

export function pressKey(key: string): Promise<void> {
  return uiRequest<void>('press', { key });
}

export function typeText(text: string): Promise<void> {
  return uiRequest<void>('type', { text });
}

/** Runs a command the way a user does: F1, its title, Enter. */
export function runFromPalette(title: string): Promise<void> {
  return uiRequest<void>('palette', { title });
}

/** innerText of a workbench element (outside webviews), '' when absent. */
export function pageText(selector: string): Promise<string> {
  return uiRequest<string>('pageText', { selector });
}

/** innerText of every workbench element (outside webviews) that matches, in DOM order. */
export function pageTexts(selector: string): Promise<string[]> {
  return uiRequest<string[]>('pageTexts', { selector });
}

/** The value of a workbench <input> (e.g. '.quick-input-widget input'), '' when absent. */
export function inputValue(selector: string): Promise<string> {
  return uiRequest<string>('inputValue', { selector });
}

/** Opens the editor hover at `at` the way a user's mouse-free command does and returns its text once it contains `needle`. */
export async function hoverText(
  editor: vscode.TextEditor,
  at: vscode.Position,
  needle: RegExp,
  timeoutMs = 10_000,
): Promise<string> {
  editor.selection = new vscode.Selection(at, at);
  await vscode.commands.executeCommand('editor.action.showHover');
  const deadline = Date.now() + timeoutMs;
  let shown = '';
  while (!needle.test(shown) && Date.now() < deadline) {
    await sleep(200);
    shown = await pageText('.monaco-hover');
  }
  return shown;
}
