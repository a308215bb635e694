// Reading a training text: clear errors for the files a model cannot learn from.

import { readFileSync, statSync } from 'node:fs';
import { SeqLabError } from './errors';
import { OPTIONS } from './options';

export const DEFAULT_MAX_BYTES = OPTIONS.maxFileSizeMB.default * 1048576;

/** The error for a text with a NUL character: where the first one is (1-based line and column), since text has none. */
export function binaryError(name: string, text: string): SeqLabError {
  const nul = text.indexOf('\u0000');
  const before = text.slice(0, nul);
  const line = before.split('\n').length;
  const column = nul - before.lastIndexOf('\n');
  return new SeqLabError(
    `${name} looks binary: it contains a NUL character at line ${line}, column ${column}; SeqLab trains on text`,
  );
}

/** Decodes bytes as UTF-8 text, refusing empty and binary content. `name` is used in messages. */
export function decodeText(bytes: Uint8Array, name: string, maxBytes = DEFAULT_MAX_BYTES): string {
  if (bytes.length === 0) throw new SeqLabError(`${name} is empty: there is nothing to learn from`);
  if (bytes.length > maxBytes) {
    throw new SeqLabError(
      `${name} is ${(bytes.length / 1048576).toFixed(1)} MB, over the ${(maxBytes / 1048576).toFixed(0)} MB limit; use a smaller file or raise the limit`,
    );
  }
  const nul = bytes.subarray(0, 65536).indexOf(0);
  if (nul >= 0) throw binaryError(name, new TextDecoder().decode(bytes.subarray(0, nul + 1)));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SeqLabError(`${name} is not valid UTF-8 text (binary or another encoding); convert it to UTF-8 first`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length === 0) throw new SeqLabError(`${name} is empty: there is nothing to learn from`);
  return text;
}

export function readTextFile(path: string, maxBytes = DEFAULT_MAX_BYTES): string {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new SeqLabError(`${path} is not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof SeqLabError) throw e;
    throw new SeqLabError(`cannot read ${path}: no such file`);
  }
  if (size > maxBytes) {
    throw new SeqLabError(
      `${path} is ${(size / 1048576).toFixed(1)} MB, over the ${(maxBytes / 1048576).toFixed(0)} MB limit; use a smaller file or raise the limit`,
    );
  }
  return decodeText(readFileSync(path), path, maxBytes);
}
