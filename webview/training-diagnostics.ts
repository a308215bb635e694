// The diagnostics panel's view of a training as it proceeded, from the snapshots it recorded at
// each validation step (engine/snapshot.ts, kept with the run): (a) how far back the gradient
// reaches, a heat map per model and layer (heatmap.ts); (b) gate saturation over training, the
// fraction of each gate's values near 0 and near 1 at each snapshot. Two sections of the panel
// (diagnostics.ts builds the sections and calls render), each saving as PNG and CSV.

import type { DiagnosticsReport } from '../src/protocol';
import {
  CanvasChart,
  LineChart,
  legendValue,
  themedAxis,
  themedLegend,
  type Chart,
  type LineOptions,
  type Palette,
} from './charts';
import { axisNumber } from './canvas-charts';
import { setText } from './dom';
import { formatInt } from './format';
import { GATE_COLORS, gateRank } from './gate-colors';
import { endMeaning, endsText, NO_GATES_RNN, SATURATION_KINDS } from './gate-meanings';
import { panel } from './panel-section';
import { heatmapGrid, heatmapLayout, type Heatmap, type HeatmapLayout } from './heatmap';
import { savePng } from './save';

declare global {
  interface Window {
    /** For the browser tests: where the heat maps and their colour bar are drawn, and what their axes span. */
    seqlabHeatmapLayout?: () => HeatmapLayout;
  }
}

// ---------- data of each chart (shared by drawing and CSV) ----------

interface ReachMap extends Heatmap {
  report: string;
  layer: number;
  /** The path measured: the hidden state a<t>, or an LSTM's memory cell c<t>. */
  path: 'a<t>' | 'c<t>';
}

/**
 * One heat map per report and layer over the report's snapshots of its latest window length T, and for
 * an LSTM a second one per layer of ‖∂L<T>/∂c<t>‖, the memory cell's path.
 */
function reachMaps(reports: DiagnosticsReport[]): ReachMap[] {
  return reports.flatMap((r) => {
    const all = r.snapshots ?? [];
    if (!all.length) return [];
    const T = all[all.length - 1].steps; // a run resumed with another window keeps only the latest's
    const snaps = all.filter((s) => s.steps === T);
    const layers = snaps[snaps.length - 1].gradNorms.length;
    const withCells = snaps.every((s) => s.cellGradNorms);
    return Array.from({ length: layers }, (_, l) => {
      const name = layers > 1 ? `${r.label} · layer ${l + 1}` : r.label;
      const map = (path: ReachMap['path'], norms: (s: (typeof snaps)[number]) => number[] | undefined) => ({
        report: r.label,
        layer: l,
        path,
        title: path === 'a<t>' ? name : `${name} · c<t>`,
        steps: snaps.map((s) => s.step),
        T,
        values: snaps.map((s) => norms(s) ?? []),
      });
      const hidden = map('a<t>', (s) => s.gradNorms[l]);
      return withCells ? [hidden, map('c<t>', (s) => s.cellGradNorms?.[l])] : [hidden];
    }).flat();
  });
}

interface GateLine {
  label: string; // e.g. "LSTM-128 · Γf ≈ 1 (carries memory)"
  gate: string;
  layer: number;
  end: 'low' | 'high';
}

/** x: every snapshot step of every report; one line per report, layer, gate and end (≈ 1 and ≈ 0). */
function gateData(reports: DiagnosticsReport[]): { x: number[]; lines: GateLine[]; ys: (number | null)[][] } {
  const snapshotsOf = (r: DiagnosticsReport) => r.snapshots ?? [];
  const x = [...new Set(reports.flatMap((r) => snapshotsOf(r).map((s) => s.step)))].sort((a, b) => a - b);
  const lines: GateLine[] = [],
    ys: (number | null)[][] = [];
  for (const r of reports) {
    const snaps = snapshotsOf(r);
    const keys = [...new Map(snaps.flatMap((s) => s.gates).map((g) => [`${g.layer} ${g.gate}`, g])).values()].sort(
      (a, b) => a.layer - b.layer || gateRank(a.gate) - gateRank(b.gate),
    );
    const layers = new Set(keys.map((g) => g.layer)).size;
    for (const { layer, gate, range } of keys) {
      for (const end of ['high', 'low'] as const) {
        const where = layers > 1 ? ` layer ${layer + 1}` : '';
        const near = axisNumber(end === 'high' ? range[1] : range[0]); // the end of the gate's own range
        const meaning = endMeaning(r.cell, gate, end);
        const what = meaning ? ` (${SATURATION_KINDS[meaning.kind].name})` : '';
        lines.push({ label: `${r.label}${where} · ${gate} ≈ ${near}${what}`, gate, layer, end });
        const byStep = new Map(
          snaps.map((s) => [s.step, s.gates.find((g) => g.layer === layer && g.gate === gate)?.[end]]),
        );
        ys.push(
          x.map((step) => {
            const v = byStep.get(step);
            return v !== undefined && Number.isFinite(v) ? v : null;
          }),
        );
      }
    }
  }
  return { x, lines, ys };
}

// ---------- the sections ----------

const NO_SNAPSHOTS =
  'No training snapshots for this model. A training records one at every validation step; ' +
  'models trained before this version or loaded from a file have none. Train or resume to see them.';
const NO_GATES = `None of these models has gates: ${NO_GATES_RNN}`;

export function trainingSections(backgroundVar: string): {
  sections: HTMLElement[];
  render(reports: DiagnosticsReport[]): void;
} {
  let reports: DiagnosticsReport[] = [];
  let maps: ReachMap[] = [];
  const png = (chart: Chart, name: string) => savePng(name, chart.toPng());

  const reach = panel(
    'reach-over-training',
    'How far back the gradient reaches, as training proceeds',
    'One column per validation step of the training, one row per step t of a fixed window of the validation ' +
      'text (t = T at the top: the step whose loss is measured). The colour is ‖∂L<T>/∂a<t>‖ on a log scale ' +
      '(for an LSTM also ‖∂L<T>/∂c<t>‖, its memory cell, in the maps marked c<t>): ' +
      'where it fades towards t = 1 the error signal vanishes before it gets that far back. ' +
      'Watch how far down the bright band reaches as the model learns.',
    () => png(reachChart, 'seqlab-gradient-reach-over-training'),
    {
      name: 'seqlab-gradient-reach-over-training',
      data: () => ({
        header: ['report', 'layer', 'path', 'step', 't', 'norm'],
        rows: maps.flatMap((m) =>
          m.values.flatMap((col, c) => col.map((v, ti) => [m.report, m.layer + 1, m.path, m.steps[c], ti + 1, v])),
        ),
      }),
    },
  );

  const gates = panel(
    'gates-over-training',
    'Gate saturation over training',
    'The fraction of each gate’s values on the same window that are saturated, at each validation step: within ' +
      '5 % of the upper end of its range (solid: Γ above 0.95, c̃ above 0.9) or of the lower end (dashed: Γ below ' +
      '0.05, c̃ below −0.9). Each line names what its end means, as the gate-saturation table says: an end that ' +
      `carries memory (${endsText('carries')}) is a path the gradient travels far along; one that cuts a path or ` +
      `blocks learning (${endsText('blocks')}) stops it. Any gate stuck at an end also passes almost no gradient to its own weights.`,
    () => png(gateChart, 'seqlab-gate-saturation-over-training'),
    {
      name: 'seqlab-gate-saturation-over-training',
      data: () => {
        const { x, lines, ys } = gateData(reports);
        return {
          header: ['step', ...lines.map((l) => l.label)],
          rows: x.map((step, i) => [step, ...ys.map((y) => y[i])]),
        };
      },
    },
  );

  const reachChart = new CanvasChart(
    'reach-over-training',
    'How far back the gradient reaches, as training proceeds: ‖∂L<T>/∂a<t>‖',
    reach.body,
    heatmapGrid([]),
    backgroundVar,
  );
  window.seqlabHeatmapLayout = () => heatmapLayout(maps, parseFloat(reachChart.canvas.style.width) || 0);

  const gateOptions = (p: Palette): LineOptions => {
    const { lines } = gateData(reports);
    const percent = (v: number) => `${Math.round(v * 100)}%`;
    return {
      scales: { x: { time: false }, y: { range: [0, 1] } },
      legend: themedLegend(),
      cursor: { drag: { x: true, y: false } },
      series: [
        { label: '', value: legendValue((v) => `step ${formatInt(v)}`) },
        ...lines.map((l) => ({
          label: l.label,
          stroke: (GATE_COLORS[l.gate] ?? ((q: Palette) => q.foreground))(p),
          width: l.layer === 0 ? 2 : 1.25,
          dash: l.end === 'low' ? [5, 4] : [],
          spanGaps: true,
          value: legendValue(percent),
          points: { show: false },
        })),
      ],
      axes: [
        themedAxis(p, { label: 'training step', format: (v) => formatInt(v) }, 'x'),
        themedAxis(p, { label: 'fraction saturated', format: percent }, 'y'),
      ],
    };
  };
  const gateChart = new LineChart(
    'gates-over-training',
    'Gate saturation over training',
    gates.body,
    gateOptions,
    240,
    backgroundVar,
  );

  function render(next: DiagnosticsReport[]): void {
    reports = next;
    maps = reachMaps(reports);
    const any = maps.length > 0;
    reachChart.setDrawing(heatmapGrid(maps));
    reachChart.element.hidden = !any;
    setText(reach.note, any ? '' : NO_SNAPSHOTS);
    reach.note.hidden = any;
    reach.setAvailable(any);
    reach.refreshTable();

    const gd = gateData(reports);
    const anyGates = gd.lines.length > 0;
    gates.section.hidden = !any; // without snapshots, the section above says so
    gateChart.element.hidden = !anyGates;
    setText(gates.note, anyGates ? '' : NO_GATES);
    gates.note.hidden = anyGates;
    gates.setAvailable(anyGates);
    gates.refreshTable();
    if (anyGates) {
      gateChart.rebuild();
      gateChart.setData([gd.x, ...gd.ys]);
    }
  }

  return { sections: [reach.section, gates.section], render };
}
