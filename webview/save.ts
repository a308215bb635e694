// "Save PNG" and "Save CSV": the view builds the file's content and the host writes it.

import { post } from './host';

export type CsvCell = string | number | null | undefined;

function csvCell(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  const s =
    typeof v === 'number'
      ? Number.isFinite(v)
        ? String(v)
        : Number.isNaN(v)
          ? 'NaN'
          : v > 0
            ? 'Infinity'
            : '-Infinity'
      : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV: a header line, one line per row, CRLF-free. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

/** File names the host accepts: letters, digits, "-", "_" and ".". */
export function safeName(name: string): string {
  return name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'seqlab';
}

export function saveCsv(name: string, header: readonly string[], rows: readonly (readonly CsvCell[])[]): void {
  post({ type: 'save', format: 'csv', name: safeName(`${name}.csv`), data: toCsv(header, rows) });
}

/** dataUrl: canvas.toDataURL('image/png'). */
export function savePng(name: string, dataUrl: string): void {
  post({ type: 'save', format: 'png', name: safeName(`${name}.png`), data: dataUrl });
}
