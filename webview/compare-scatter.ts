// The comparison panel's charts of the validation metric against each swept setting: for every
// setting that differs between the runs and is a number in each, one point per run at (its value of
// the setting, its best validation loss), in the run's colour (that of its curves). The x axis is
// logarithmic when the values are all > 0 and span a factor of 10 or more (learning rates).
// Runs without a validation loss are left out, and the chart's note names them.

import type { ComparedRun } from '../src/protocol';
import {
  LineChart,
  legendValue,
  logScale,
  seriesColor,
  themedAxis,
  themedLegend,
  type LineOptions,
  type Palette,
} from './charts';
import { finiteOrNull, settingOf } from './compare-runs';
import { el, setText } from './dom';
import { formatNumber } from './format';
import { panel, type Panel } from './panel-section';
import { savePng } from './save';

const BACKGROUND = '--vscode-editor-background';

/** One run's point: its index among all the runs gives its colour. */
interface RunPoint {
  run: ComparedRun;
  index: number;
  x: number;
  y: number;
}

/** The settings that get a chart: those that differ whose value is a number in every run. */
export function numericSettings(runs: readonly ComparedRun[], differing: readonly string[]): string[] {
  return differing.filter((n) => runs.every((r) => typeof settingOf(r, n) === 'number'));
}

function pointsOf(runs: readonly ComparedRun[], setting: string): RunPoint[] {
  return runs.flatMap((run, index) => {
    const y = finiteOrNull(run.results.bestVal);
    const x = settingOf(run, setting);
    return y === null || typeof x !== 'number' ? [] : [{ run, index, x, y }];
  });
}

function isLogSpread(xs: readonly number[]): boolean {
  return xs.length > 0 && xs.every((x) => x > 0) && Math.max(...xs) >= 10 * Math.min(...xs);
}

/** A linear range with 8% room at both ends (of the value itself when there is one value). */
function roomyRange(_u: unknown, min: number, max: number): [number, number] {
  const pad = (max - min || Math.abs(max) || 1) * 0.08;
  return [min - pad, max + pad];
}

class SettingChart {
  readonly panel: Panel;
  private readonly chart: LineChart;
  private points: RunPoint[] = [];
  private log = false;

  constructor(readonly setting: string) {
    const title = `Best validation loss against ${setting}`;
    const id = `val-against-${setting}`;
    const fileName = `seqlab-compare-val-against-${setting}`;
    this.panel = panel(
      id,
      title,
      `Each run's best validation loss in nats (y) at its ${setting} (x), one point per run in its colour.`,
      () => savePng(fileName, this.chart.toPng()),
      {
        name: fileName,
        data: () => ({
          header: [this.setting, 'run', 'best val'],
          rows: this.points.map((p) => [p.x, p.run.name, p.y]),
        }),
      },
    );
    this.chart = new LineChart(`compare-${id}`, title, this.panel.body, (p) => this.options(p), 220, BACKGROUND);
  }

  private options(p: Palette): LineOptions {
    return {
      scales: {
        x: this.log ? { ...logScale(), time: false } : { time: false, range: roomyRange },
        y: { range: roomyRange }, // room above and below, so that the highest and lowest points show whole
      },
      legend: themedLegend(),
      cursor: { drag: { x: false, y: false }, points: { size: 9 } },
      series: [
        { label: '', value: legendValue((v) => `${this.setting} ${formatNumber(v)}`) },
        ...this.points.map((pt) => {
          const colour = seriesColor(p, pt.index);
          return {
            label: pt.run.name,
            stroke: colour,
            width: 0,
            value: legendValue(formatNumber),
            points: { show: true, size: 8, width: 1, stroke: colour, fill: colour },
          };
        }),
      ],
      axes: [
        { ...themedAxis(p, { label: this.setting, log: this.log }, 'x'), space: 60 },
        themedAxis(p, { label: 'best val loss (nats)' }, 'y'),
      ],
    };
  }

  show(runs: readonly ComparedRun[]): void {
    this.points = pointsOf(runs, this.setting);
    const withoutVal = runs.filter((r) => finiteOrNull(r.results.bestVal) === null);
    setText(
      this.panel.note,
      withoutVal.length ? `Left out, no validation loss: ${withoutVal.map((r) => r.name).join(', ')}.` : '',
    );
    this.log = isLogSpread(this.points.map((p) => p.x));
    // x must ascend: the distinct values, and each run's series holds its loss at its own value only.
    const xs = [...new Set(this.points.map((p) => p.x))].sort((a, b) => a - b);
    const ys = this.points.map((pt) => xs.map((x) => (x === pt.x ? pt.y : null)));
    this.panel.setAvailable(this.points.length > 0);
    this.chart.element.hidden = this.points.length === 0;
    this.chart.rebuild();
    this.chart.setData([xs, ...ys]);
    this.panel.refreshTable();
  }
}

/** The charts, one per numeric setting that differs, in the table's order; a chart no longer needed hides. */
export class SettingCharts {
  readonly element = el('div', 'setting-charts');
  private readonly bySetting = new Map<string, SettingChart>();

  show(runs: readonly ComparedRun[], differing: readonly string[]): void {
    const wanted = numericSettings(runs, differing);
    for (const [name, c] of this.bySetting) c.panel.section.hidden = !wanted.includes(name);
    const shown = wanted.map((name) => {
      let c = this.bySetting.get(name);
      if (!c) {
        c = new SettingChart(name);
        this.bySetting.set(name, c);
      }
      c.panel.section.hidden = false;
      return c;
    });
    this.element.prepend(...shown.map((c) => c.panel.section));
    shown.forEach((c) => c.show(runs));
  }
}
