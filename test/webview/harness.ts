// Loads the built webviews in Debian's chromium, as VS Code would show them: the HTML from
// webview/page.ts (the very CSP the extension uses) served from 127.0.0.1, a stub
// acquireVsCodeApi that records posted messages and keeps setState's state across reloads, and
// the theme's --vscode-* variables and body class applied the way VS Code applies them.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { HostToView } from '../../src/protocol';
import { WEBVIEW_ASSETS, webviewHtml, type WebviewName } from '../../webview/page';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../helpers/chromium';
import { THEMES, type Theme, type ThemeName } from './themes';

export const REPO = path.resolve(__dirname, '../../..');
export const SCREENSHOTS = path.join(REPO, '.artifacts', 'screenshots');
export const NONCE = 'c2VxbGFiLXRlc3Qtbm9uY2U';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
  '.html': 'text/html',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Fails early, with the fix, when a bundle is missing or stale: its source map must hold the
 * current text of every file of ours it was built from (mtimes would not do: esbuild leaves an
 * unchanged output file alone).
 */
export function checkBundles(): void {
  for (const name of Object.keys(WEBVIEW_ASSETS) as WebviewName[]) {
    const bundle = path.join(REPO, WEBVIEW_ASSETS[name].script);
    const fix = 'run "node scripts/build.mjs" first';
    if (!fs.existsSync(`${bundle}.map`)) throw new Error(`${WEBVIEW_ASSETS[name].script} is missing: ${fix}`);
    const map = JSON.parse(fs.readFileSync(`${bundle}.map`, 'utf8')) as {
      sources: string[];
      sourcesContent?: string[];
    };
    map.sources.forEach((source, i) => {
      const file = path.resolve(path.dirname(bundle), source);
      if (file.includes(`${path.sep}node_modules${path.sep}`) || !fs.existsSync(file)) return;
      if (map.sourcesContent?.[i] !== fs.readFileSync(file, 'utf8')) {
        throw new Error(`${WEBVIEW_ASSETS[name].script} is older than ${path.relative(REPO, file)}: ${fix}`);
      }
    });
  }
}

export interface Server {
  origin: string;
  close(): Promise<void>;
}

/** Serves /<view>.html (built by webviewHtml) and the files under dist/ and media/. */
export async function startServer(): Promise<Server> {
  let origin = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end(); // chromium asks for one; a webview never does
      return;
    }
    const view = /^\/(\w+)\.html$/.exec(url.pathname)?.[1] as WebviewName | undefined;
    if (view && view in WEBVIEW_ASSETS) {
      const assets = WEBVIEW_ASSETS[view];
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        webviewHtml({
          cspSource: origin,
          nonce: NONCE,
          scriptUri: `${origin}/${assets.script}`,
          styleUris: assets.styles.map((s) => `${origin}/${s}`),
          title: `SeqLab ${view}`,
        }),
      );
      return;
    }
    const file = path.normalize(path.join(REPO, decodeURIComponent(url.pathname)));
    const allowed = [path.join(REPO, 'dist') + path.sep, path.join(REPO, 'media') + path.sep].some((d) =>
      file.startsWith(d),
    );
    if (!allowed || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH))
    throw new Error(`no chromium at ${CHROMIUM_PATH}: apt-get install -y chromium, or set SEQLAB_CHROMIUM`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
}

export interface View {
  page: Page;
  /** console errors, uncaught exceptions and CSP violations, in order */
  errors: string[];
  warnings: string[];
  /** Every message the view posted to the host since the page (re)loaded. */
  posted(): Promise<Posted[]>;
  /** Delivers a message to the view as the host would (window message event). */
  send(message: HostToView): Promise<void>;
  /** Delivers a message of any shape, as a broken host would: the view must ignore it. */
  sendMalformed(message: unknown): Promise<void>;
  setTheme(name: ThemeName): Promise<void>;
  /** The state saved by setState, as VS Code would keep it. */
  savedState(): Promise<Posted>;
  close(): Promise<void>;
}

/** The parts of a uPlot chart the tests read, as the page holds them (every series' stroke is a function there). */
export interface ProbedPlot {
  series: {
    label: string;
    stroke(u?: ProbedPlot, i?: number): string;
    dash?: number[];
    width: number;
    points: { stroke(u?: ProbedPlot, i?: number): string };
  }[];
  data: (number | null)[][];
  scales: Record<string, { distr: number; min: number; max: number }>;
  axes: { label?: string }[];
  width: number;
  ctx: CanvasRenderingContext2D;
}

/** A message a view posted to the host, as the tests read it back. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read whatever fields the message has
export type Posted = Record<string, any>;

declare global {
  interface Window {
    __posted: unknown[];
    __applyTheme(theme: Theme, background: string): void;
    /** The views' charts by name (webview/charts.ts registers them for theme changes). */
    seqlabCharts?: Map<string, { uplot: ProbedPlot }>;
    /** Set by an inline script, if the CSP ever let one run. */
    inlineScriptRan?: boolean;
  }
}

/** The stub VS Code API and theming, installed before the page's own script runs. */
function initScript({ theme, background }: { theme: Theme; background: string }): void {
  const STATE_KEY = 'seqlab-test-state';
  window.__posted = [];
  let acquired = false;
  (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may only be called once');
    acquired = true;
    return {
      postMessage: (m: unknown) => {
        window.__posted.push(JSON.parse(JSON.stringify(m)));
      },
      getState: () => {
        const s = sessionStorage.getItem(STATE_KEY);
        return s === null ? undefined : JSON.parse(s);
      },
      setState: <T>(s: T): T => {
        sessionStorage.setItem(STATE_KEY, JSON.stringify(s));
        return s;
      },
    };
  };
  document.addEventListener('securitypolicyviolation', (e) => {
    console.error(
      `CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${e.sample}`,
    );
  });
  // VS Code sets the variables on <html> and the theme class on <body> through the CSSOM.
  window.__applyTheme = (t: Theme, bg: string) => {
    const html = document.documentElement;
    for (const k of Array.from(html.style)) if (k.startsWith('--vscode-')) html.style.removeProperty(k);
    for (const [k, v] of Object.entries(t.vars)) html.style.setProperty(k, v);
    html.style.background = `var(${bg})`;
    if (document.body) {
      document.body.classList.remove('vscode-dark', 'vscode-light', 'vscode-high-contrast');
      document.body.classList.add(t.bodyClass);
      document.body.dataset.vscodeThemeKind = t.kind;
    }
  };
  const whenReady = new MutationObserver(() => {
    if (!document.documentElement || !document.body) return;
    whenReady.disconnect();
    window.__applyTheme(theme, background);
  });
  whenReady.observe(document, { childList: true, subtree: true });
}

export interface OpenOptions {
  theme?: ThemeName;
  width?: number;
  height?: number;
}

/** One context per test file; each view gets its own page (and so its own sessionStorage state). */
export function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext();
}

/** Opens a view in a new page and waits until it posted 'ready'. */
export async function openView(
  context: BrowserContext,
  server: Server,
  name: WebviewName,
  options: OpenOptions = {},
): Promise<View> {
  const background = name === 'sidebar' ? '--vscode-sideBar-background' : '--vscode-editor-background';
  const page = await context.newPage();
  await page.setViewportSize({ width: options.width ?? 340, height: options.height ?? 800 });
  const errors: string[] = [];
  const warnings: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
    if (m.type() === 'warning') warnings.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.addInitScript(initScript, { theme: THEMES[options.theme ?? 'dark'], background });
  await page.goto(`${server.origin}/${name}.html`);
  await waitForReady(page);
  return {
    page,
    errors,
    warnings,
    posted: () => page.evaluate(() => window.__posted as Posted[]),
    send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message as unknown),
    sendMalformed: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    setTheme: (theme) => page.evaluate(({ t, bg }) => window.__applyTheme(t, bg), { t: THEMES[theme], bg: background }),
    savedState: () => page.evaluate(() => JSON.parse(sessionStorage.getItem('seqlab-test-state') ?? 'null')),
    close: () => page.close(),
  };
}

/**
 * The mocha hooks of a suite about one webview: chromium and the file server for the whole suite,
 * a fresh view for every test (handed to `onView`), which must end without console errors or CSP
 * violations.
 */
export function eachTestOpens(name: WebviewName, options: OpenOptions, onView: (view: View) => void): void {
  let browser: Browser;
  let context: BrowserContext;
  let server: Server;
  let view: View;
  before(async () => {
    checkBundles();
    server = await startServer();
    browser = await launchBrowser();
    context = await newContext(browser);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    view = await openView(context, server, name, options);
    onView(view);
  });
  afterEach(async function () {
    const errors = view.errors;
    await view.close();
    if (this.currentTest?.state === 'passed') assert.deepEqual(errors, [], 'console errors or CSP violations');
  });
}

export async function waitForReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__posted.some((m) => (m as { type?: string }).type === 'ready'));
}

/** Resolves after the view has had two animation frames to draw. */
export async function settled(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

export async function screenshot(page: Page, file: string, fullPage = true): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, file), fullPage });
}
