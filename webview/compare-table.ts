// The comparison panel's table of runs: one row per run, the settings that differ between the runs,
// then how each did, the best validation loss highlighted. A click on a column's header (or Enter /
// Space on it: each header is a button) sorts the rows by that column, a second click reverses them;
// numbers sort numerically, text alphabetically, and runs without a value go last either way.

import type { ComparedRun } from '../src/protocol';
import { bestOfRuns, finiteOrNull, settingOf, settingText, type SettingValue } from './compare-runs';
import { el } from './dom';
import { formatDuration, formatInt, formatNumber, formatRate } from './format';

type Result = ComparedRun['results'];

interface Column {
  key: string; // data-sort of its header: "run", "setting:<name>", or a result's name
  label: string;
  className: string;
  value: (run: ComparedRun) => SettingValue | null;
}

const RESULT_COLUMNS: { key: keyof Result; label: string }[] = [
  { key: 'bestVal', label: 'best val' },
  { key: 'finalVal', label: 'final val' },
  { key: 'steps', label: 'steps' },
  { key: 'seconds', label: 'time' },
  { key: 'charsPerSec', label: 'chars/s' },
  { key: 'ended', label: 'ended' },
];

function columnsOf(differing: readonly string[]): Column[] {
  return [
    { key: 'run', label: 'run', className: 'name', value: (r) => r.name },
    ...differing.map((n) => ({
      key: `setting:${n}`,
      label: n,
      className: 'setting',
      value: (r: ComparedRun) => settingOf(r, n),
    })),
    ...RESULT_COLUMNS.map(({ key, label }) => ({
      key,
      label,
      className: key === 'ended' ? 'ended' : '',
      value: (r: ComparedRun) => {
        const v = r.results[key];
        return typeof v === 'number' ? finiteOrNull(v) : v;
      },
    })),
  ];
}

/** Ascending order of two values: numbers by size, anything else by its text (numbers before text). */
function compareValues(a: string | number | boolean, b: string | number | boolean): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/** The runs sorted by `column`, reversed when `descending`; runs without a value last, ties in their order. */
function sortRuns(runs: readonly ComparedRun[], column: Column, descending: boolean): ComparedRun[] {
  const sign = descending ? -1 : 1;
  return runs
    .map((run, i) => ({ run, i, v: column.value(run) }))
    .sort((a, b) => {
      const missingA = a.v === null || a.v === undefined;
      const missingB = b.v === null || b.v === undefined;
      if (missingA || missingB) return missingA === missingB ? a.i - b.i : missingA ? 1 : -1;
      return sign * compareValues(a.v!, b.v!) || a.i - b.i;
    })
    .map(({ run }) => run);
}

function cells(run: ComparedRun, differing: readonly string[], best: number | null): HTMLElement[] {
  const s = run.results;
  const isBest = best !== null && s.bestVal === best;
  const bestCell = el('td', isBest ? 'best-value' : '', formatNumber(s.bestVal));
  if (isBest) bestCell.title = 'The best validation loss of these runs';
  return [
    el('th', '', run.name),
    ...differing.map((n) => el('td', 'setting', settingText(settingOf(run, n)))),
    bestCell,
    el('td', '', formatNumber(s.finalVal)),
    el('td', '', formatInt(s.steps)),
    el('td', '', formatDuration(s.seconds)),
    el('td', '', formatRate(s.charsPerSec)),
    el('td', 'ended', s.ended),
  ];
}

/** The table, sorted as the user last chose (until a column it sorted by is gone). */
export class RunsTable {
  private sort: { key: string; descending: boolean } | null = null;
  private runs: readonly ComparedRun[] = [];
  private differing: readonly string[] = [];

  constructor(readonly table: HTMLTableElement) {}

  show(runs: readonly ComparedRun[], differing: readonly string[]): void {
    this.runs = runs;
    this.differing = differing;
    this.render();
  }

  private sortBy(key: string): void {
    this.sort = { key, descending: this.sort?.key === key && !this.sort.descending };
    this.render();
    this.table.querySelector<HTMLElement>(`thead button[data-sort="${CSS.escape(key)}"]`)?.focus();
  }

  private render(): void {
    const columns = columnsOf(this.differing);
    const sorted = columns.find((c) => c.key === this.sort?.key);
    const descending = this.sort?.descending ?? false;
    const head = el(
      'tr',
      '',
      ...columns.map((c) => {
        const sortButton = el('button', 'sort', c.label);
        sortButton.type = 'button';
        sortButton.dataset.sort = c.key;
        sortButton.title = `Sort the runs by ${c.label}`;
        sortButton.addEventListener('click', () => this.sortBy(c.key));
        const th = el('th', c.className, sortButton);
        th.scope = 'col';
        if (c === sorted) th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
        return th;
      }),
    );
    const best = this.runs.length > 1 ? bestOfRuns(this.runs) : null;
    const order = sorted ? sortRuns(this.runs, sorted, descending) : this.runs;
    const rows = order.map((r) => {
      const isBest = best !== null && r.results.bestVal === best;
      const row = el('tr', isBest ? 'best' : '', ...cells(r, this.differing, best));
      row.dataset.run = r.id;
      return row;
    });
    this.table.replaceChildren(el('thead', '', head), el('tbody', '', ...rows));
  }
}
