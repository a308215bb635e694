// The safetensors format: 8-byte little-endian header length N, N bytes of JSON header
// ({name: {dtype, shape, data_offsets}, "__metadata__": {string: string}}), then raw
// little-endian tensor bytes. Files are data, never code: everything is validated on read.

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { SeqLabError } from './errors';

export interface NamedTensor {
  shape: number[];
  data: Float32Array | Float64Array; // written as F32
}

export interface SafetensorsFile {
  metadata: Record<string, string>;
  tensors: Map<string, { shape: number[]; data: Float32Array }>;
}

const MAX_HEADER = 64 * 1024 * 1024;

export function encodeSafetensors(tensors: Map<string, NamedTensor>, metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = t.data.length * 4;
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const head = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of tensors.values()) {
    const f32 = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
    out.set(new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength), at);
    at += f32.byteLength;
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array, name: string): SafetensorsFile {
  const bad = (why: string) => new SeqLabError(`${name} is not a valid SeqLab checkpoint: ${why}`);
  if (bytes.length < 8) throw bad('the file is too short to hold a header (truncated?)');
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER)) throw bad(`its header claims ${n} bytes, more than the ${MAX_HEADER}-byte limit`);
  if (8n + n > BigInt(bytes.length))
    throw bad(`its header claims ${n} bytes but the file has only ${bytes.length - 8} after the length (truncated?)`);
  const headerEnd = 8 + Number(n);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, headerEnd)));
  } catch {
    throw bad('its header is not valid JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw bad('its header is not a JSON object');
  const entries = Object.entries(header as Record<string, unknown>);
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  const dataLength = bytes.length - headerEnd;
  const ranges: [number, number][] = [];
  for (const [key, value] of entries) {
    if (key === '__metadata__') {
      if (typeof value !== 'object' || value === null) throw bad('__metadata__ is not an object');
      for (const [mk, mv] of Object.entries(value)) {
        if (typeof mv !== 'string') throw bad(`metadata "${mk}" is not a string`);
        metadata[mk] = mv;
      }
      continue;
    }
    const t = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof t !== 'object' || t === null) throw bad(`tensor "${key}" is not described by an object`);
    if (t.dtype !== 'F32') throw bad(`tensor "${key}" has dtype ${JSON.stringify(t.dtype)}; only F32 is supported`);
    const shape = t.shape,
      offs = t.data_offsets;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      throw bad(`tensor "${key}" has an invalid shape`);
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((d) => Number.isSafeInteger(d) && d >= 0))
      throw bad(`tensor "${key}" has invalid data_offsets`);
    const [begin, end] = offs as number[];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end < begin || end - begin !== count * 4) throw bad(`tensor "${key}": data_offsets do not match its shape`);
    if (end > dataLength) throw bad(`tensor "${key}" points past the end of the file (truncated?)`);
    ranges.push([begin, end]);
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(bytes.subarray(headerEnd + begin, headerEnd + end));
    tensors.set(key, { shape: shape as number[], data });
  }
  ranges.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < ranges.length; i++) if (ranges[i][0] < ranges[i - 1][1]) throw bad('two tensors overlap');
  return { metadata, tensors };
}

/** Writes bytes to path atomically: a temporary file in the same folder, flushed, then renamed. */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw new SeqLabError(`cannot write ${path}: ${(e as Error).message}`);
  }
}

export function readCheckpointBytes(path: string): Uint8Array {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new SeqLabError(`cannot read ${path}: no such file`);
  }
  if (size > 4 * 1024 * 1024 * 1024)
    throw new SeqLabError(`${path} is ${size} bytes, too large for a SeqLab checkpoint`);
  return readFileSync(path);
}
