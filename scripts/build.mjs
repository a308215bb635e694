// Bundles the extension host, the training worker, the CLI and the webviews with esbuild.
// Usage: node scripts/build.mjs [--watch] [--minify]
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify,
  external: ['vscode'],
  logLevel: 'warning',
};
const browser = {
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  sourcemap: true,
  minify,
  logLevel: 'warning',
};

const builds = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  { ...node, entryPoints: ['src/worker/worker.ts'], outfile: 'dist/worker.js' },
  { ...node, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...browser, entryPoints: ['webview/sidebar.ts'], outfile: 'dist/webview/sidebar.js' },
  { ...browser, entryPoints: ['webview/diagnostics.ts'], outfile: 'dist/webview/diagnostics.js' },
  { ...browser, entryPoints: ['webview/lab.ts'], outfile: 'dist/webview/lab.js' },
  { ...browser, entryPoints: ['webview/compare.ts'], outfile: 'dist/webview/compare.js' },
].filter((b) => existsSync(b.entryPoints[0]));

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
