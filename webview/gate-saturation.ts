// The diagnostics panel's gate-saturation section: a histogram per gate on its own range ([0, 1] for
// Γu, Γf, Γo, Γr; [−1, 1] for c̃), its end bins coloured by what saturation there means
// (gate-meanings.ts), and as HTML text under it: per model, layer and gate the share of values near
// each end and what that end does, a legend of the colours, and for a plain RNN why it has no gates.

import { HISTOGRAM_BINS, SATURATION_MARGIN, type DiagnosticsReport } from '../src/protocol';
import { axisNumber, histogramGrid, percent, type HistogramGroup } from './canvas-charts';
import { CanvasChart, type Palette } from './charts';
import { el, setText } from './dom';
import { GATE_COLORS, gateRank } from './gate-colors';
import { endMeaning, endsText, NO_GATES_RNN, SATURATION_KINDS, type SaturationKind } from './gate-meanings';
import { panel, type ChartData } from './panel-section';
import { savePng } from './save';

const TITLE = 'Gate saturation';

const gateColor = (gate: string) => GATE_COLORS[gate] ?? ((p: Palette) => p.foreground);

/** The kind of an end of a gate of a report: what it means, or plain saturation for a gate the table does not know. */
function endKind(r: DiagnosticsReport, gate: string, end: 'low' | 'high'): SaturationKind | undefined {
  return endMeaning(r.cell, gate, end)?.kind;
}

function groupTitle(r: DiagnosticsReport, layer: number): string {
  return `${r.label} · layer ${layer + 1}`;
}

function layersOf(r: DiagnosticsReport): number[] {
  return [...new Set(r.gates.map((g) => g.layer))].sort((a, b) => a - b);
}

function gatesOf(r: DiagnosticsReport, layer: number): DiagnosticsReport['gates'] {
  return r.gates.filter((g) => g.layer === layer).sort((a, b) => gateRank(a.gate) - gateRank(b.gate));
}

function gateGroups(reports: DiagnosticsReport[]): HistogramGroup[] {
  return reports.flatMap((r) =>
    layersOf(r).map((layer) => ({
      title: groupTitle(r, layer),
      cells: gatesOf(r, layer).map((g) => {
        const endColor = (end: 'low' | 'high') => {
          const kind = endKind(r, g.gate, end);
          return kind ? SATURATION_KINDS[kind].color : gateColor(g.gate);
        };
        return {
          label: g.gate,
          range: g.range,
          histogram: g.histogram,
          color: gateColor(g.gate),
          ends: { low: endColor('low'), high: endColor('high') },
        };
      }),
    })),
  );
}

/** The chart's data, as Save CSV writes it and the data table shows it. */
function gateData(reports: DiagnosticsReport[]): ChartData {
  return {
    header: [
      'report',
      'cell',
      'layer',
      'gate',
      'range_lo',
      'range_hi',
      'low',
      'high',
      ...Array.from({ length: HISTOGRAM_BINS }, (_, i) => `bin_${i + 1}`),
    ],
    rows: reports.flatMap((r) =>
      r.gates.map((g) => [r.label, r.cell, g.layer + 1, g.gate, ...g.range, g.low, g.high, ...g.histogram]),
    ),
  };
}

function swatch(kind: SaturationKind): HTMLElement {
  const s = el('span', 'swatch');
  s.style.background = SATURATION_KINDS[kind].css;
  s.setAttribute('aria-hidden', 'true');
  return s;
}

/** "≈−1: 8%", then what that end means: the swatch of its kind, the kind, and the meaning. */
function endCell(r: DiagnosticsReport, gate: string, end: 'low' | 'high', at: number, fraction: number): HTMLElement {
  const meaning = endMeaning(r.cell, gate, end);
  const td = el('td', 'end', el('strong', 'share', `≈${axisNumber(at)}: ${percent(fraction)}`));
  if (meaning) {
    td.dataset.kind = meaning.kind;
    td.append(' ', swatch(meaning.kind), el('span', 'kind', SATURATION_KINDS[meaning.kind].name), ': ', meaning.text);
  }
  return td;
}

/** Per report, layer and gate: its range and both ends; a plain RNN gets one row saying it has none. */
function saturationTable(reports: DiagnosticsReport[]): HTMLTableElement {
  const head = el(
    'tr',
    '',
    ...['model · layer', 'gate', 'range', 'near the low end', 'near the high end'].map((h) => el('th', '', h)),
  );
  const rows = reports.flatMap((r) => {
    if (!r.gates.length) {
      const note = el('td', 'no-gates', NO_GATES_RNN);
      note.colSpan = 4;
      return [el('tr', '', el('th', '', r.label), note)];
    }
    return layersOf(r).flatMap((layer) =>
      gatesOf(r, layer).map((g) => {
        const tr = el(
          'tr',
          '',
          el('th', '', groupTitle(r, layer)),
          el('td', 'gate', g.gate),
          el('td', 'range', `${axisNumber(g.range[0])} … ${axisNumber(g.range[1])}`),
          endCell(r, g.gate, 'low', g.range[0], g.low),
          endCell(r, g.gate, 'high', g.range[1], g.high),
        );
        tr.dataset.gate = g.gate;
        return tr;
      }),
    );
  });
  return el(
    'table',
    'saturation',
    el(
      'caption',
      '',
      `The share of each gate's values within ${SATURATION_MARGIN * 100}% of either end of its range, and what that end means`,
    ),
    el('thead', '', head),
    el('tbody', '', ...rows),
  );
}

function legend(): HTMLElement {
  return el(
    'ul',
    'saturation-legend',
    ...(Object.keys(SATURATION_KINDS) as SaturationKind[]).map((k) =>
      el('li', '', swatch(k), SATURATION_KINDS[k].name),
    ),
  );
}

const CAPTION =
  `Each gate over the window in the course's terms, ${HISTOGRAM_BINS} bins over its own range: ` +
  "[0, 1] for the gates Γu, Γf, Γo, Γr, [−1, 1] for the candidate c̃ (for PyTorch's GRU, Γu = 1 − z). " +
  `The end bins (the outer ${SATURATION_MARGIN * 100}% of the range, marked under the axis) are coloured by what saturation there means, ` +
  `not by whether it is bad: ${endsText('carries')} carry memory, the path the gradient travels far along; ` +
  `${endsText('cuts')} cut a path; ${endsText('blocks')} block learning. ` +
  'Any gate stuck at either end also has σ′ ≈ 0, so its own weights barely learn from those steps. The table under the chart says it per gate.';

/** The section: the histograms, the saturation table under them; a note instead when no model has gates. */
export function gateSaturationSection(background: string): {
  section: HTMLElement;
  render(reports: DiagnosticsReport[]): void;
} {
  let reports: DiagnosticsReport[] = [];
  const view = panel('gates', TITLE, CAPTION, () => savePng('seqlab-gate-saturation', chart.toPng()), {
    name: 'seqlab-gate-saturation',
    data: () => gateData(reports),
  });
  const chart = new CanvasChart('gates', TITLE, view.body, histogramGrid([]), background);
  const text = el('div', 'saturation-text');
  view.body.append(text);

  function render(next: DiagnosticsReport[]): void {
    reports = next;
    const groups = gateGroups(reports);
    const any = groups.length > 0;
    chart.setDrawing(histogramGrid(groups));
    chart.element.hidden = !any;
    text.hidden = !any;
    text.replaceChildren(...(any ? [legend(), saturationTable(reports)] : []));
    setText(view.note, any ? '' : `None of these models has gates: ${NO_GATES_RNN}`);
    view.note.hidden = any;
    view.setAvailable(any);
    view.refreshTable();
  }

  return { section: view.section, render };
}
