// The README documents every contributed command and setting, and its set-up commands exist.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/texts';

const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const readme = readFileSync(join(REPO, 'README.md'), 'utf8');

describe('README', () => {
  it('names every command of the palette with its title', () => {
    for (const c of manifest.contributes.commands as { command: string; title: string }[]) {
      assert.ok(
        readme.includes(`${c.title} (\`${c.command}\`)`),
        `${c.command} "${c.title}" is not in the README's command table`,
      );
    }
  });

  it('describes every setting with its default', () => {
    for (const [key, spec] of Object.entries(
      manifest.contributes.configuration.properties as Record<string, { default: unknown }>,
    )) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${key}\` |`));
      assert.ok(row, `${key} is not in the README's settings table`);
      const shown = row.split('|')[2].trim().replace(/`/g, '');
      assert.equal(
        shown,
        String(spec.default),
        `${key}: the README says ${shown}, package.json ${String(spec.default)}`,
      );
    }
  });

  it('gives set-up commands that are npm scripts of this package', () => {
    for (const script of [
      'demo',
      'test',
      'package',
      'bench',
      'tour',
      'test:unit',
      'test:webview',
      'test:integration',
      'test:electron',
    ]) {
      assert.ok(manifest.scripts[script], `npm run ${script} is in the README but not in package.json`);
      assert.ok(
        readme.includes(script === 'test' ? 'npm test' : `npm run ${script}`),
        `the README does not mention npm run ${script}`,
      );
    }
  });
});
