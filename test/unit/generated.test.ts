import assert from 'node:assert/strict';
import { join } from 'node:path';
import { WASM_SOURCE_HASH } from '../../src/engine/wasm/kernels.wasm';
import { REPO } from '../helpers/texts';

// src/engine/wasm/kernels.wasm.ts is generated from src/engine/wasm/assembly/ by scripts/build-wasm.mjs,
// which writes the sha-256 of its inputs into it (scripts/wasm-source-hash.cjs, shared with this test).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script shared with the generator
const { wasmSourceHash } = require(join(REPO, 'scripts', 'wasm-source-hash.cjs')) as {
  wasmSourceHash(root: string): string;
};

describe('generated code', () => {
  it('kernels.wasm.ts was generated from the AssemblyScript sources and generator as they are now', () => {
    const stale = 'src/engine/wasm/assembly/ or scripts/build-wasm.mjs changed since kernels.wasm.ts was generated';
    assert.equal(WASM_SOURCE_HASH, wasmSourceHash(REPO), `${stale}: run \`npm run build:wasm\``);
  });
});
