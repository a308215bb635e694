// The same integration suite (index.ts + *.itest.js) in desktop VS Code through
// @vscode/test-electron, for machines with internet access: it downloads VS Code
// into .vscode-test/ on first use. On Linux without a display run it under
// `xvfb-run -a`. Offline (as on the project's CI machines) the download fails at
// once; use runInCodeServer.js there.
//
//   node out/test/integration/runElectron.js [--workspace DIR] [--version X.Y.Z|stable|insiders]
//
// Env: SEQLAB_IT_WORKSPACE, SEQLAB_VSCODE_VERSION, SEQLAB_VSCODE_EXECUTABLE (use an
// installed VS Code instead of downloading), SEQLAB_IT_GREP / SEQLAB_IT_FILES (index.ts).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { sampleWorkspace } from './workspace';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) {
    return process.argv[i + 1];
  }
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : undefined;
}

async function main(): Promise<number> {
  const extensionDevelopmentPath = REPO_ROOT;
  const extensionTestsPath = path.join(__dirname, 'index.js');
  let workspace = arg('workspace') ?? process.env.SEQLAB_IT_WORKSPACE;
  let tmp: string | undefined;
  if (!workspace) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-electron-'));
    workspace = sampleWorkspace(tmp);
  }
  const version = arg('version') ?? process.env.SEQLAB_VSCODE_VERSION;
  try {
    return await runTests({
      extensionDevelopmentPath,
      extensionTestsPath,
      launchArgs: [path.resolve(workspace), '--disable-extensions', '--disable-workspace-trust', '--skip-welcome'],
      ...(version ? { version } : {}),
      ...(process.env.SEQLAB_VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.SEQLAB_VSCODE_EXECUTABLE } : {}),
      extensionTestsEnv: {
        SEQLAB_IT_GREP: process.env.SEQLAB_IT_GREP,
        SEQLAB_IT_FILES: process.env.SEQLAB_IT_FILES,
      },
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { code?: unknown };
    const msg = e instanceof Error ? e.message : String(err);
    if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo|download/i.test(`${msg} ${String(e.code ?? '')}`)) {
      console.error(
        `[runElectron] could not download VS Code (${msg}).\n` +
          '[runElectron] This needs internet access (or SEQLAB_VSCODE_EXECUTABLE=/path/to/code).\n' +
          '[runElectron] Offline, run the same suite in code-server: npm run test:integration',
      );
      return 3;
    }
    if (typeof e.code === 'number') {
      console.error(`[runElectron] the suite failed (VS Code exit code ${e.code})`);
      return e.code || 1;
    }
    console.error(`[runElectron] failed: ${e instanceof Error ? (e.stack ?? msg) : msg}`);
    return 1;
  } finally {
    if (tmp) {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('[runElectron] fatal:', err);
    process.exit(1);
  },
);
