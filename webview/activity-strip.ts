// The sidebar's activity strip: the most selective units of the file's model after each character of
// the line at the cursor, as a small heat map under the characters (a table: a row per unit, a cell
// per character, blue for −1 through transparent at 0 to red for +1, the theme's chart colours; each
// cell's title gives the exact value).

import type { LineActivity } from '../src/protocol';
import { el, setText } from './dom';

/** A cell's background for a value in [−1, 1]: the theme's red above 0, blue below, stronger further out. */
export function activityColour(v: number | null): string {
  if (v === null) return 'transparent';
  const x = Math.max(-1, Math.min(1, v));
  const colour = x >= 0 ? 'var(--vscode-charts-red)' : 'var(--vscode-charts-blue)';
  return `color-mix(in srgb, ${colour} ${Math.round(Math.abs(x) * 85)}%, transparent)`;
}

/** What a character looks like in the strip's header: spaces and tabs made visible. */
function shownChar(c: string): string {
  return c === ' ' ? '·' : c === '\t' ? '→' : c;
}

export function activitySection(): { section: HTMLElement; render(activity: LineActivity | null): void } {
  const where = el('p', 'chart-note activity-where');
  const table = el('table', 'activity');
  const section = el(
    'div',
    'activity-strip',
    el('div', 'section-title', 'Units on this line'),
    where,
    el('div', 'activity-scroll', table),
  );
  section.hidden = true;
  return {
    section,
    render(activity) {
      section.hidden = activity === null;
      if (!activity) return;
      setText(
        where,
        `${activity.where}: a<t> of the file's most selective units after each character (−1 blue … +1 red)`,
      );
      const head = el('tr', '', el('th', 'corner', ''), ...activity.chars.map((c) => el('th', 'char', shownChar(c))));
      const rows = activity.units.map((u) =>
        el(
          'tr',
          '',
          el('th', 'unit', u.label),
          ...u.values.map((v, i) => {
            const td = el('td', '');
            td.style.backgroundColor = activityColour(v);
            td.title = `${u.label} after "${activity.chars[i]}": ${v === null ? 'not read' : v.toFixed(3)}`;
            return td;
          }),
        ),
      );
      table.replaceChildren(el('thead', '', head), el('tbody', '', ...rows));
    },
  };
}
