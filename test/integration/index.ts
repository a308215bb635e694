// Entry point of the integration suite, called by VS Code inside the extension
// host (code-server's, through runInCodeServer.ts, or desktop VS Code's, through
// runElectron.ts): `extensionTestsPath` points at the compiled out/test/integration/index.js.
//
// Loads every *.itest.js beside this file into one Mocha (tdd UI: suite/test/
// suiteSetup, 60 s a test) and resolves when all pass, rejects otherwise; VS Code
// turns that into the process's / the runner's exit code.
//
// Env (read in the extension host):
//   SEQLAB_IT_GREP   only tests whose full title matches this regular expression
//   SEQLAB_IT_FILES  comma-separated file-name filters (substring match, e.g. "smoke")
//   SEQLAB_IT_TOUR=1 the README tour (*.tour.js: screenshots of a realistic session) instead
import * as fs from 'fs';
import * as path from 'path';

type MochaCtor = typeof import('mocha');

function loadMocha(): MochaCtor {
  // mocha 12 is an ES module whose CommonJS build is lib/mocha.cjs; both
  // require('mocha') (require(esm), Node >= 20.19) and the .cjs give the constructor.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const m = require('mocha') as { default?: MochaCtor; Mocha?: MochaCtor } & MochaCtor;
  return m.default ?? m.Mocha ?? m;
}

export function run(): Promise<void> {
  const Mocha = loadMocha();
  const mocha = new Mocha({
    ui: 'tdd',
    timeout: 60_000,
    color: false,
    reporter: 'spec',
  });
  if (process.env.SEQLAB_IT_GREP) {
    mocha.grep(new RegExp(process.env.SEQLAB_IT_GREP));
  }
  const filters = (process.env.SEQLAB_IT_FILES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

  const dir = __dirname;
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(process.env.SEQLAB_IT_TOUR === '1' ? '.tour.js' : '.itest.js'))
    .filter((f) => filters.length === 0 || filters.some((flt) => f.includes(flt)))
    .sort();
  for (const f of files) {
    mocha.addFile(path.join(dir, f));
  }
  console.log(`[seqlab-it] ${files.length} test file(s) in ${dir}: ${files.join(', ') || '(none)'}`);

  return new Promise<void>((resolve, reject) => {
    if (files.length === 0) {
      reject(new Error(`no *.itest.js files in ${dir}`));
      return;
    }
    try {
      const runner = mocha.run((failures) => {
        const st = runner.stats;
        // the runner repeats this as its closing line: 'integration: N passed, N failed, N skipped'
        console.log(`[seqlab-it] result: ${st?.passes ?? 0} passed, ${failures} failed, ${st?.pending ?? 0} skipped`);
        if (failures > 0) {
          reject(new Error(`${failures} integration test(s) failed`));
        } else {
          resolve();
        }
      });
    } catch (err) {
      console.error('[seqlab-it] mocha crashed:', err);
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
