// The sha-256 of what src/engine/wasm/kernels.wasm.ts is generated from: the AssemblyScript sources
// (every file in src/engine/wasm/assembly/) and the generator with its compile options
// (scripts/build-wasm.mjs). build-wasm.mjs writes it into the generated file; a unit test recomputes
// it, so a source changed without `npm run build:wasm` fails the tests. CommonJS so both can load it.
const { createHash } = require('node:crypto');
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const ASSEMBLY = 'src/engine/wasm/assembly';
const GENERATOR = 'scripts/build-wasm.mjs';

/** Hex sha-256 over (path, contents) of each input, paths relative to the repository root `root`. */
function wasmSourceHash(root) {
  const files = [
    GENERATOR,
    ...readdirSync(join(root, ASSEMBLY))
      .sort()
      .map((f) => `${ASSEMBLY}/${f}`),
  ];
  const hash = createHash('sha256');
  for (const f of files)
    hash
      .update(`${f}\0`)
      .update(readFileSync(join(root, f)))
      .update('\0');
  return hash.digest('hex');
}

module.exports = { wasmSourceHash };
