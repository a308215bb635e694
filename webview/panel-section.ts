// One section of the diagnostics panel: a title with Save PNG / Save CSV buttons, a caption, a note
// (shown when there is nothing to draw) and the body the chart goes in. Every section is built here.

import { el } from './dom';
import { button } from './toolkit';

/** A section of the panel; its Save buttons carry data-save="<id>-png" / "<id>-csv". */
export interface Panel {
  section: HTMLElement;
  body: HTMLElement;
  note: HTMLElement;
  saveButtons: HTMLElement[];
}

export function panel(id: string, title: string, caption: string, onPng: () => void, onCsv: () => void): Panel {
  const saveButtons = [
    button('Save PNG', onPng, { title: `Save this chart as a PNG image`, data: { save: `${id}-png` } }),
    button('Save CSV', onCsv, { title: `Save this chart's data as CSV`, data: { save: `${id}-csv` } }),
  ];
  const body = el('div', 'panel-body');
  const note = el('p', 'panel-note');
  const section = el(
    'section',
    'panel',
    el('div', 'panel-head', el('h2', '', title), el('div', 'toolbar', ...saveButtons)),
    el('p', 'caption', caption),
    note,
    body,
  );
  section.id = id;
  return { section, body, note, saveButtons };
}
