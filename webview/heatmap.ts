// Heat maps of how far back the gradient reaches as training proceeds, as a CanvasDrawing: one map
// per model and layer, x the training step (one column per snapshot, as wide as the steps it
// stands for), y the step t of the window (t = T at the top, where the loss is), colour
// log10 ‖∂L<T>/∂a<t>‖ on one scale shared by every map, with its colour bar under them. The scale
// runs through the theme's chart colours (purple → blue → green → yellow: low → high).

import { parseColor, type CanvasDrawing, type Palette } from './charts';
import { formatInt, formatPowerOfTen } from './format';

export interface Heatmap {
  title: string; // e.g. "LSTM-128 · layer 1"
  steps: number[]; // the training step of each column, increasing
  T: number; // rows: t = 1…T
  values: number[][]; // values[column][t − 1] = ‖∂L<T>/∂a<t>‖ at that step
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Where each map and the colour bar are drawn at a width, and what their axes span. */
export interface HeatmapLayout {
  maps: { title: string; plot: Rect; steps: [number, number]; columns: number; T: number }[];
  /** log10 of the smallest and largest value drawn: the ends of the colour bar. */
  scale: [number, number];
  colorBar: Rect;
  height: number;
}

const TITLE_H = 22;
const LEFT = 46;
const RIGHT = 10;
const X_AXIS_H = 36;
const MAP_GAP = 12;
const BAR_TOP = 8;
const BAR_H = 12;
const BAR_LABELS_H = 34;

const rowHeight = (T: number) => Math.max(1, Math.min(4, Math.floor(160 / T)));

/** log10 of the smallest and largest positive, finite value of every map. */
function logExtremes(maps: Heatmap[]): [number, number] {
  let lo = Infinity,
    hi = -Infinity;
  for (const m of maps)
    for (const col of m.values)
      for (const v of col) {
        if (!(v > 0) || !Number.isFinite(v)) continue;
        const e = Math.log10(v);
        if (e < lo) lo = e;
        if (e > hi) hi = e;
      }
  return lo <= hi ? [lo, hi] : [0, 0];
}

/** The colour scale in the theme's colours: a fraction f ∈ [0, 1] of it → a colour between its stops. */
function heatScale(p: Palette): (f: number) => string {
  const stops = [p.purple, p.blue, p.green, p.yellow].map((c) => parseColor(c) ?? [128, 128, 128, 1]);
  return (f) => {
    const x = Math.min(1, Math.max(0, f)) * (stops.length - 1);
    const i = Math.min(stops.length - 2, Math.floor(x)),
      u = x - i;
    const [a, b] = [stops[i], stops[i + 1]];
    const mix = (k: number) => Math.round(a[k] + (b[k] - a[k]) * u);
    return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
  };
}

/** Column edges in step units: each column reaches halfway to its neighbours. */
function columnEdges(steps: number[]): number[] {
  const n = steps.length;
  if (n === 1) return [steps[0] - 0.5, steps[0] + 0.5];
  const edges = [steps[0] - (steps[1] - steps[0]) / 2];
  for (let i = 1; i < n; i++) edges.push((steps[i - 1] + steps[i]) / 2);
  edges.push(steps[n - 1] + (steps[n - 1] - steps[n - 2]) / 2);
  return edges;
}

/** Round tick values (1, 2, 5 × 10ᵏ) between lo and hi, about one per `px` pixels of `width`. */
function niceTicks(lo: number, hi: number, width: number, px: number): number[] {
  if (hi <= lo) return [lo];
  const raw = (hi - lo) / Math.max(1, Math.floor(width / px));
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(v);
  return out;
}

export function heatmapLayout(maps: Heatmap[], width: number): HeatmapLayout {
  const plotW = Math.max(20, width - LEFT - RIGHT);
  let y = 0;
  const placed = maps.map((m, i) => {
    if (i) y += MAP_GAP;
    const plot = { x: LEFT, y: y + TITLE_H, w: plotW, h: rowHeight(m.T) * m.T };
    y = plot.y + plot.h + X_AXIS_H;
    const steps: [number, number] = [m.steps[0], m.steps[m.steps.length - 1]];
    return { title: m.title, plot, steps, columns: m.steps.length, T: m.T };
  });
  const colorBar = { x: LEFT, y: y + BAR_TOP, w: Math.min(plotW, 320), h: BAR_H };
  return { maps: placed, scale: logExtremes(maps), colorBar, height: colorBar.y + BAR_H + BAR_LABELS_H };
}

/** The maps, stacked, over one colour bar. */
export function heatmapGrid(maps: Heatmap[]): CanvasDrawing {
  return {
    height: (width) => heatmapLayout(maps, width).height,
    draw(ctx, width, _height, p) {
      const layout = heatmapLayout(maps, width);
      const [lo, hi] = layout.scale;
      const scale = heatScale(p);
      const colorOf = (v: number) => scale(hi > lo ? (Math.log10(v) - lo) / (hi - lo) : 1);
      maps.forEach((m, i) => drawMap(ctx, p, m, layout.maps[i].plot, colorOf));
      drawColorBar(ctx, p, layout.colorBar, lo, hi, scale);
    },
  };
}

function drawMap(
  ctx: CanvasRenderingContext2D,
  p: Palette,
  m: Heatmap,
  plot: Rect,
  colorOf: (v: number) => string,
): void {
  ctx.font = p.fontBold;
  ctx.fillStyle = p.foreground;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  ctx.fillText(m.title, 0, plot.y - TITLE_H + 3);

  const edges = columnEdges(m.steps);
  const x0 = edges[0],
    span = edges[edges.length - 1] - x0;
  const xOf = (step: number) => plot.x + ((step - x0) / span) * plot.w;
  const rowH = plot.h / m.T;
  m.values.forEach((col, c) => {
    const left = Math.round(xOf(edges[c])),
      right = Math.round(xOf(edges[c + 1]));
    col.forEach((v, ti) => {
      if (!(v > 0) || !Number.isFinite(v)) return; // a gradient that vanished to 0: left blank
      const top = Math.round(plot.y + (m.T - 1 - ti) * rowH); // t = ti + 1; t = T on the top row
      ctx.fillStyle = colorOf(v);
      ctx.fillRect(left, top, Math.max(1, right - left), Math.max(1, Math.round(plot.y + (m.T - ti) * rowH) - top));
    });
  });

  ctx.fillStyle = p.grid;
  ctx.fillRect(plot.x, plot.y + plot.h, plot.w, 1);
  ctx.fillRect(plot.x - 1, plot.y, 1, plot.h);
  ctx.font = p.font;
  ctx.fillStyle = p.foreground;
  // y: t = T at the top, t = 1 at the bottom
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const tTicks = [...new Set([m.T, Math.round((m.T + 1) / 2), 1])];
  for (const t of tTicks) ctx.fillText(t === m.T ? `T=${t}` : String(t), plot.x - 5, plot.y + (m.T - t + 0.5) * rowH);
  ctx.save();
  ctx.translate(10, plot.y + plot.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText('t', 0, 0);
  ctx.restore();
  // x: the training steps
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const first = m.steps[0],
    last = m.steps[m.steps.length - 1];
  for (const s of niceTicks(first, last, plot.w, 90)) {
    const x = Math.round(xOf(s)) + 0.5;
    ctx.fillStyle = p.grid;
    ctx.fillRect(x - 0.5, plot.y + plot.h, 1, 4);
    ctx.fillStyle = p.foreground;
    ctx.fillText(formatInt(s), x, plot.y + plot.h + 6);
  }
  ctx.fillStyle = p.muted;
  ctx.fillText('training step', plot.x + plot.w / 2, plot.y + plot.h + 20);
}

function drawColorBar(
  ctx: CanvasRenderingContext2D,
  p: Palette,
  bar: Rect,
  lo: number,
  hi: number,
  scale: (f: number) => string,
): void {
  for (let i = 0; i < bar.w; i++) {
    ctx.fillStyle = scale(bar.w > 1 ? i / (bar.w - 1) : 1);
    ctx.fillRect(bar.x + i, bar.y, 1, bar.h);
  }
  ctx.font = p.font;
  ctx.fillStyle = p.foreground;
  ctx.textBaseline = 'top';
  const labelY = bar.y + bar.h + 4;
  ctx.textAlign = 'left';
  ctx.fillText(formatPowerOfTen(10 ** lo), bar.x, labelY);
  ctx.textAlign = 'right';
  ctx.fillText(formatPowerOfTen(10 ** hi), bar.x + bar.w, labelY);
  ctx.textAlign = 'left';
  ctx.fillStyle = p.muted;
  ctx.fillText('‖∂L<T>/∂a<t>‖, log scale (blank: 0)', bar.x + bar.w + 12, bar.y);
}
