// What the panel tests read back from a view: the message a Save button posts, the CSV and PNG it
// carries, and the pixels a canvas chart painted.

import * as assert from 'node:assert/strict';
import { parseViewToHost } from '../../src/protocol';
import type { View } from './harness';

/** Clicks a Save button and returns the save message it posted, checked by the host's validator. */
export async function save(view: View, button: string): Promise<{ format: string; name: string; data: string }> {
  const before = (await view.posted()).length;
  await view.page.locator(`[data-save="${button}"]`).click();
  await view.page.waitForFunction((n) => window.__posted.length > n, before);
  const message = parseViewToHost((await view.posted())[before]);
  assert.equal(message.type, 'save');
  return message as { format: string; name: string; data: string };
}

/** Minimal RFC 4180 reader: the views quote fields with commas or quotes. */
export function parseCsv(text: string): string[][] {
  assert.ok(text.endsWith('\n'));
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const cells: string[] = [];
      let cell = '';
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (quoted) {
          if (c === '"' && line[i + 1] === '"') {
            cell += '"';
            i++;
          } else if (c === '"') quoted = false;
          else cell += c;
        } else if (c === '"') quoted = true;
        else if (c === ',') {
          cells.push(cell);
          cell = '';
        } else cell += c;
      }
      cells.push(cell);
      return cells;
    });
}

export function pngSize(dataUrl: string): { width: number; height: number } {
  assert.match(dataUrl, /^data:image\/png;base64,/);
  const bytes = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Pixels of the first canvas under `selector`: painted ones, or those within ±2 of `hex` and opaque. */
export function canvasPixels(view: View, selector: string, hex?: string): Promise<number> {
  const target = hex ? [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) : null;
  return view.page
    .locator(`${selector} canvas`)
    .first()
    .evaluate((c: HTMLCanvasElement, t) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (!t ? d[i + 3] > 0 : d[i + 3] === 255 && [0, 1, 2].every((k) => Math.abs(d[i + k] - t[k]) <= 2)) n++;
      }
      return n;
    }, target);
}

/** A section's data table, shown on demand: closed (no table in the page) until its summary is clicked, then read back. */
export async function dataTable(
  view: View,
  id: string,
): Promise<{ caption: string; header: string[]; rows: string[][] }> {
  const details = view.page.locator(`details[data-table="${id}"]`);
  assert.equal(await details.evaluate((d: HTMLDetailsElement) => d.open), false, `${id}: closed at first`);
  assert.equal(await details.locator('table').count(), 0, `${id}: no table until asked for`);
  await details.locator('summary').click();
  await details.locator('table').waitFor();
  return details.locator('table').evaluate((t: HTMLTableElement) => ({
    caption: t.caption?.innerText ?? '',
    header: Array.from(t.tHead!.rows[0].cells, (c) => c.innerText),
    rows: Array.from(t.tBodies[0].rows, (r) => Array.from(r.cells, (c) => c.innerText)),
  }));
}

/** A number as a data table shows it (6 significant digits) is the number, to that precision. */
export function sameNumber(shown: string, value: number | null, what: string): void {
  if (value === null) return assert.equal(shown, '', what);
  const v = Number(shown);
  assert.ok(shown !== '' && Math.abs(v - value) <= 5e-6 * Math.abs(value), `${what}: ${shown} is not ${value}`);
}

/** A data table holds what Save CSV writes: the same header, rows and cells (numbers to 6 significant digits). */
export function sameAsCsv(table: { header: string[]; rows: string[][] }, csv: string[][]): void {
  assert.deepEqual(table.header, csv[0]);
  assert.equal(table.rows.length, csv.length - 1);
  table.rows.forEach((row, i) =>
    row.forEach((cell, j) => {
      const c = csv[i + 1][j];
      if (c !== '' && Number.isFinite(Number(c))) sameNumber(cell, Number(c), `row ${i + 1}, ${csv[0][j]}`);
      else assert.equal(cell, c, `row ${i + 1}, ${csv[0][j]}`);
    }),
  );
}
