import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root (tests run from out/test/...). */
export const REPO = join(__dirname, '..', '..', '..');

/** The reference corpus, committed with the repository (data/README.md). */
export function corpusPath(): string {
  return join(REPO, 'data', 'corpus-kjv.txt');
}

export function corpus(): string {
  return readFileSync(corpusPath(), 'utf8');
}

/** A small deterministic English-like text for fast tests. */
export function smallText(chars = 6000): string {
  const words = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'and', 'dog', 'ran', 'to', 'it', 'was', 'good'];
  let s = '',
    x = 7;
  while (s.length < chars) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += words[x % words.length] + ((x >> 8) % 9 === 0 ? '.\n' : ' ');
  }
  return s;
}
