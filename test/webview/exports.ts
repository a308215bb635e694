// Save PNG / Save CSV as the tests read them: the message a Save button posts (checked by the
// host's validator), the CSV it carries, and the size of the PNG.

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
