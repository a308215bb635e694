// The two hand-drawn chart types of the diagnostics panel, as CanvasDrawings for CanvasChart:
// small-multiple histograms (gate saturation) and grouped horizontal bars on a log axis
// (per-parameter gradient norms). Colours are functions of the palette, resolved at draw time.

import type { CanvasDrawing, Palette } from './charts';
import { formatNumber, formatPowerOfTen } from './format';

export type ColorOf = (p: Palette) => string;

// ---------- histograms ----------

export interface HistogramCell {
  label: string; // the gate, e.g. "Γf"
  range: [number, number]; // the gate's axis: [0, 1] for Γ, [−1, 1] for c̃
  histogram: number[]; // fractions per bin, bins of equal width over the range
  color: ColorOf;
  /** The colours of the two end bins (saturated near range[0], near range[1]): what saturation there means. */
  ends: { low: ColorOf; high: ColorOf };
}

export interface HistogramGroup {
  title: string; // e.g. "LSTM-128 · layer 1"
  cells: HistogramCell[];
}

const GROUP_TITLE_H = 22;
const GROUP_GAP = 14;
const CELL_H = 100;
const CELL_GAP_X = 18;
const CELL_GAP_Y = 10;
const MIN_CELL_W = 150;
const BARS_TOP = 22;
const BARS_H = 52;
const END_BAND_H = 3;

/** A fraction as a whole percentage, "<1%" for a small one that is not 0. */
export function percent(f: number): string {
  if (!Number.isFinite(f)) return '—';
  const p = f * 100;
  return p > 0 && p < 1 ? '<1%' : `${Math.round(p)}%`;
}

/** An end or the middle of a gate's range, with a true minus sign: "−1", "0", "0.5", "1". */
export function axisNumber(v: number): string {
  return v < 0 ? `−${-v}` : String(v);
}

function gridColumns(width: number, groups: HistogramGroup[]): number {
  const widest = Math.max(1, ...groups.map((g) => g.cells.length));
  return Math.max(1, Math.min(widest, Math.floor((width + CELL_GAP_X) / (MIN_CELL_W + CELL_GAP_X))));
}

/**
 * One block per (report, layer), one small histogram per gate on its own range, its ends labelled.
 * All histograms share one y scale, so a tall bar means the same fraction everywhere; the saturated
 * end bins are drawn in their ends' colours, with a band under the axis. The percentages and what
 * they mean are HTML text beside the chart (gate-saturation.ts).
 */
export function histogramGrid(groups: HistogramGroup[]): CanvasDrawing {
  const ymax = Math.max(1e-9, ...groups.flatMap((g) => g.cells.flatMap((c) => c.histogram.filter(Number.isFinite))));
  const rowsOf = (g: HistogramGroup, cols: number) => Math.max(1, Math.ceil(g.cells.length / cols));
  return {
    height(width) {
      const cols = gridColumns(width, groups);
      return groups.reduce((h, g, i) => {
        const rows = rowsOf(g, cols);
        return h + (i ? GROUP_GAP : 0) + GROUP_TITLE_H + rows * CELL_H + (rows - 1) * CELL_GAP_Y;
      }, 0);
    },
    draw(ctx, width, _height, p) {
      const cols = gridColumns(width, groups);
      const cellW = (width - CELL_GAP_X * (cols - 1)) / cols;
      let y = 0;
      groups.forEach((g, gi) => {
        if (gi) y += GROUP_GAP;
        ctx.font = p.fontBold;
        ctx.fillStyle = p.foreground;
        ctx.textBaseline = 'top';
        ctx.textAlign = 'left';
        ctx.fillText(g.title, 0, y + 2);
        y += GROUP_TITLE_H;
        g.cells.forEach((c, ci) => {
          const x = (ci % cols) * (cellW + CELL_GAP_X);
          const cy = y + Math.floor(ci / cols) * (CELL_H + CELL_GAP_Y);
          drawHistogram(ctx, p, c, x, cy, cellW, ymax);
        });
        const rows = rowsOf(g, cols);
        y += rows * CELL_H + (rows - 1) * CELL_GAP_Y;
      });
    },
  };
}

function drawHistogram(
  ctx: CanvasRenderingContext2D,
  p: Palette,
  c: HistogramCell,
  x: number,
  y: number,
  w: number,
  ymax: number,
): void {
  ctx.textBaseline = 'top';
  ctx.font = p.fontBold;
  ctx.fillStyle = c.color(p);
  ctx.textAlign = 'left';
  ctx.fillText(c.label, x, y + 2);
  const [lo, hi] = c.range;

  const n = c.histogram.length;
  const bw = w / n;
  const base = y + BARS_TOP + BARS_H;
  const colorOf = (i: number) => (i === 0 ? c.ends.low(p) : i === n - 1 ? c.ends.high(p) : c.color(p));
  c.histogram.forEach((f, i) => {
    if (!Number.isFinite(f) || f <= 0) return;
    const h = Math.max(1, (f / ymax) * BARS_H);
    ctx.fillStyle = colorOf(i);
    ctx.fillRect(x + i * bw + 0.5, base - h, Math.max(1, bw - 1), h);
  });
  ctx.fillStyle = p.grid;
  ctx.fillRect(x, base, w, 1);
  for (const i of [0, n - 1]) {
    ctx.fillStyle = colorOf(i);
    ctx.fillRect(x + i * bw + 0.5, base + 1, Math.max(1, bw - 1), END_BAND_H);
  }
  ctx.fillStyle = p.muted;
  ctx.font = p.font;
  ctx.textBaseline = 'top';
  for (const [at, align] of [
    [0, 'left'],
    [0.5, 'center'],
    [1, 'right'],
  ] as const) {
    ctx.textAlign = align;
    ctx.fillText(axisNumber(lo + at * (hi - lo)), x + at * w, base + END_BAND_H + 3);
  }
  ctx.textAlign = 'left';
}

// ---------- horizontal bars on a log axis ----------

export interface BarRow {
  label: string;
  bars: { value: number; color: ColorOf }[];
}

const BAR_H = 9;
const BAR_GAP = 2;
const ROW_GAP = 7;
const LEGEND_H = 22;
const AXIS_H = 22;
const LABEL_GAP = 10;
const VALUE_GAP = 8;
const MIN_PLOT_W = 40;

/** Decades [lo, hi] (log10) that hold every positive value. */
function logDomain(values: number[]): [number, number] {
  const pos = values.filter((v) => Number.isFinite(v) && v > 0);
  if (!pos.length) return [-1, 0];
  const lo = Math.floor(Math.log10(Math.min(...pos)));
  let hi = Math.ceil(Math.log10(Math.max(...pos)));
  if (hi <= lo) hi = lo + 1;
  return [lo, hi];
}

/**
 * One row per label, one bar per series in it, a log x axis at the bottom, a legend on top. The names
 * and values get the room they measure; a chart too narrow for them draws a shorter plot, not shorter names.
 */
export function horizontalBars(rows: BarRow[], legend: { label: string; color: ColorOf }[]): CanvasDrawing {
  const [lo, hi] = logDomain(rows.flatMap((r) => r.bars.map((b) => b.value)));
  const legendH = legend.length > 1 ? LEGEND_H : 0;
  const rowH = (r: BarRow) => Math.max(1, r.bars.length) * (BAR_H + BAR_GAP) - BAR_GAP;
  return {
    height() {
      return legendH + rows.reduce((h, r) => h + rowH(r) + ROW_GAP, 0) + AXIS_H;
    },
    draw(ctx, width, height, p) {
      ctx.font = p.font;
      ctx.textBaseline = 'middle';
      // Room for every name in full and every value after its bar: the names are measured, never cut.
      const widest = (texts: string[]) => Math.ceil(Math.max(0, ...texts.map((t) => ctx.measureText(t).width)));
      const labelW = widest(rows.map((r) => r.label)) + LABEL_GAP;
      const left = labelW;
      const valueW = widest(rows.flatMap((r) => r.bars.map((b) => formatNumber(b.value)))) + VALUE_GAP;
      const plotW = Math.max(MIN_PLOT_W, width - left - valueW);
      const xOf = (v: number) => left + ((Math.log10(v) - lo) / (hi - lo)) * plotW;

      let lx = 0;
      for (const item of legendH ? legend : []) {
        ctx.fillStyle = item.color(p);
        ctx.fillRect(lx, 6, 10, 10);
        ctx.fillStyle = p.foreground;
        ctx.textAlign = 'left';
        ctx.fillText(item.label, lx + 14, 11);
        lx += 14 + ctx.measureText(item.label).width + 16;
      }

      const plotTop = legendH;
      const plotBottom = height - AXIS_H;
      const every = Math.max(1, Math.ceil((hi - lo) / Math.max(1, Math.floor(plotW / 48))));
      ctx.textBaseline = 'top';
      ctx.textAlign = 'center';
      for (let k = lo; k <= hi; k++) {
        const x = Math.round(xOf(10 ** k)) + 0.5;
        ctx.fillStyle = p.grid;
        ctx.fillRect(x - 0.5, plotTop, 1, plotBottom - plotTop + 3);
        if ((k - lo) % every === 0) {
          ctx.fillStyle = p.foreground;
          ctx.fillText(formatPowerOfTen(10 ** k), x, plotBottom + 6);
        }
      }

      let y = plotTop;
      ctx.textBaseline = 'middle';
      for (const r of rows) {
        const h = rowH(r);
        ctx.fillStyle = p.foreground;
        ctx.textAlign = 'right';
        ctx.fillText(r.label, labelW - LABEL_GAP, y + h / 2);
        r.bars.forEach((b, i) => {
          const by = y + i * (BAR_H + BAR_GAP);
          const positive = Number.isFinite(b.value) && b.value > 0;
          const end = positive ? xOf(b.value) : left;
          ctx.fillStyle = b.color(p);
          if (positive) ctx.fillRect(left, by, Math.max(1, end - left), BAR_H);
          ctx.fillStyle = p.muted;
          ctx.textAlign = 'left';
          ctx.fillText(formatNumber(b.value), end + 4, by + BAR_H / 2);
        });
        y += h + ROW_GAP;
      }
      ctx.fillStyle = p.grid;
      ctx.fillRect(left, plotBottom, plotW, 1);
      ctx.textAlign = 'left';
    },
  };
}
