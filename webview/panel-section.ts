// One section of a panel (the diagnostics and comparison panels): a title with Save PNG / Save CSV buttons, a caption, a note
// (shown when there is nothing to draw), the body the chart goes in, and the chart's text
// alternative: its data as a table, shown on demand ("Show data as table"). The table and the CSV
// come from one builder, so they hold the same numbers. Every section is built here.

import { el } from './dom';
import { saveCsv, type CsvCell } from './save';
import { button, setEnabled } from './toolkit';

/** A chart's data: what Save CSV writes and the data table shows. */
export interface ChartData {
  header: readonly string[];
  rows: readonly (readonly CsvCell[])[];
}

/** A section of the panel; its Save buttons carry data-save="<id>-png" / "<id>-csv", its table data-table="<id>". */
export interface Panel {
  section: HTMLElement;
  /** The caption under the title (a section whose words depend on the data sets it at render). */
  caption: HTMLElement;
  body: HTMLElement;
  note: HTMLElement;
  /** Enables saving and the data table when there is something to show, disables and hides them when not. */
  setAvailable(available: boolean): void;
  /** Refills the data table from the data builder when it is open (after new data). */
  refreshTable(): void;
}

/** How a number reads in a data table: whole numbers as they are, others to 6 significant digits. */
export function tableNumber(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'number') return v;
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '∞' : '−∞';
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

function dataTable(data: ChartData, caption: string): HTMLTableElement {
  const head = el('tr', '', ...data.header.map((h) => el('th', '', h)));
  const body = el(
    'tbody',
    '',
    ...data.rows.map((r) =>
      el('tr', '', ...r.map((c) => el('td', typeof c === 'number' ? 'number' : '', tableNumber(c)))),
    ),
  );
  const table = el('table', 'data', el('caption', '', caption), el('thead', '', head), body);
  return table;
}

export function panel(
  id: string,
  title: string,
  caption: string,
  onPng: () => void,
  csv: { name: string; data: () => ChartData },
): Panel {
  const saveButtons = [
    button('Save PNG', onPng, { title: `Save this chart as a PNG image`, data: { save: `${id}-png` } }),
    button(
      'Save CSV',
      () => {
        const { header, rows } = csv.data();
        saveCsv(csv.name, header, rows);
      },
      { title: `Save this chart's data as CSV`, data: { save: `${id}-csv` } },
    ),
  ];
  const body = el('div', 'panel-body');
  const captionEl = el('p', 'caption', caption);
  const note = el('p', 'panel-note');
  const tableBox = el('div', 'table-scroll');
  const details = el('details', 'data-table', el('summary', '', 'Show data as table'), tableBox);
  details.dataset.table = id;
  const refreshTable = () => {
    if (details.open) tableBox.replaceChildren(dataTable(csv.data(), `${title}: the data of the chart`));
  };
  details.addEventListener('toggle', () => (details.open ? refreshTable() : tableBox.replaceChildren()));
  const section = el(
    'section',
    'panel',
    el('div', 'panel-head', el('h2', '', title), el('div', 'toolbar', ...saveButtons)),
    captionEl,
    note,
    body,
    details,
  );
  section.id = id;
  const setAvailable = (available: boolean) => {
    saveButtons.forEach((b) => setEnabled(b, available));
    details.hidden = !available;
  };
  return { section, caption: captionEl, body, note, setAvailable, refreshTable };
}
