// The architecture, checked by `npm run lint` (dependency-cruiser): who may import whom.
// VS Code's API: the module 'vscode' resolves to its type declarations.
const VSCODE = '(^|/)@types/vscode/|^vscode$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles anywhere, type-only imports included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'engine-stands-alone',
      severity: 'error',
      comment:
        'The engine runs the same in the worker, the CLI, the benchmarks and the tests: it imports no VS Code, ' +
        'no webview, no worker, no extension, no protocol and no CLI code.',
      from: { path: '^src/engine/' },
      to: { path: [VSCODE, '^webview/', '^src/(worker|extension)/', '^src/protocol', '^src/cli'] },
    },
    {
      name: 'webview-draws-only',
      severity: 'error',
      comment:
        'The webview only draws: it runs no engine code (type-only imports of the payloads it draws are fine) ' +
        'and no host code.',
      from: { path: '^webview/' },
      to: { path: ['^src/engine/', '^src/(worker|extension)/', '^src/cli', VSCODE], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'protocol-is-data',
      severity: 'error',
      comment:
        'The protocol is shared by host, worker and webviews: besides its own code it imports only types and ' +
        "the engine's plain-data leaf (engine/reports.ts).",
      from: { path: '^src/protocol' },
      to: {
        path: ['^src/(engine|worker|extension)/', '^webview/', VSCODE],
        pathNot: '^src/engine/reports\\.ts$',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'host-orchestrates',
      severity: 'error',
      comment: 'The extension host talks to the worker by messages; it never imports the worker or the CLI.',
      from: { path: '^src/extension/' },
      to: { path: ['^src/worker/', '^src/cli'] },
    },
    {
      name: 'worker-no-host',
      severity: 'error',
      comment: 'The worker runs without VS Code.',
      from: { path: '^src/worker/' },
      to: { path: ['^src/extension/', '^webview/', VSCODE] },
    },
    {
      name: 'nothing-imports-tests',
      severity: 'error',
      comment: 'Product code never depends on tests.',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    exclude: { path: ['^out/', '^dist/', '\\.as\\.ts$', '/assembly/'] },
  },
};
