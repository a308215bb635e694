// Charts for the webviews: uPlot line charts and plain-canvas charts behind one small interface.
// Colours come only from the theme's --vscode-* variables, read when a chart is (re)built; a
// theme change rebuilds every chart. Drawing happens at most once per animation frame, and a
// chart follows its container's width.

import uPlot from 'uplot';
import { formatPowerOfTen } from './format';

// ---------- theme ----------

export interface Palette {
  foreground: string; // axis labels, titles
  muted: string; // secondary text
  grid: string; // grid lines and ticks
  background: string; // PNG exports (the webview itself is transparent)
  blue: string;
  orange: string;
  green: string;
  purple: string;
  red: string;
  yellow: string;
  font: string; // canvas font for axis labels
  fontBold: string;
  fontFamily: string;
}

let probe: CanvasRenderingContext2D | null = null;

/** The colour as [r, g, b, a] (0–255, alpha 0–1), via the canvas's own parser; null when invalid. */
export function parseColor(color: string): [number, number, number, number] | null {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe || !color) return null;
  probe.fillStyle = '#010203';
  probe.fillStyle = color;
  const c = String(probe.fillStyle);
  if (c === '#010203' && color.replace(/\s/g, '').toLowerCase() !== '#010203') return null;
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16), 1];
  const rgba = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(c);
  if (rgba) return [Number(rgba[1]), Number(rgba[2]), Number(rgba[3]), rgba[4] === undefined ? 1 : Number(rgba[4])];
  return null;
}

/** The colour with its alpha multiplied by alpha. */
export function withAlpha(color: string, alpha: number): string {
  const c = parseColor(color);
  if (!c) return color;
  return `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${+(c[3] * alpha).toFixed(3)})`;
}

/** The first of the variables that the theme defines, else the body's text colour. */
function themeColor(style: CSSStyleDeclaration, ...names: string[]): string {
  for (const name of names) {
    const v = style.getPropertyValue(name).trim();
    if (v && parseColor(v)) return v;
  }
  return style.color;
}

/** The current theme's chart colours. backgroundVar: the surface the view sits on. */
export function readPalette(backgroundVar: string): Palette {
  const s = getComputedStyle(document.body);
  const fontFamily = s.getPropertyValue('--vscode-font-family').trim() || s.fontFamily;
  const foreground = themeColor(s, '--vscode-charts-foreground', '--vscode-foreground');
  return {
    foreground,
    muted: themeColor(s, '--vscode-descriptionForeground', '--vscode-foreground'),
    grid: withAlpha(
      themeColor(s, '--vscode-charts-lines', '--vscode-editorWidget-border', '--vscode-foreground'),
      0.45,
    ),
    background: themeColor(s, backgroundVar, '--vscode-editor-background'),
    blue: themeColor(s, '--vscode-charts-blue'),
    orange: themeColor(s, '--vscode-charts-orange'),
    green: themeColor(s, '--vscode-charts-green'),
    purple: themeColor(s, '--vscode-charts-purple'),
    red: themeColor(s, '--vscode-charts-red', '--vscode-errorForeground'),
    yellow: themeColor(s, '--vscode-charts-yellow'),
    font: `11px ${fontFamily}`,
    fontBold: `600 12px ${fontFamily}`,
    fontFamily,
  };
}

/** Colours for the n-th of several series (reports, cells). */
export function seriesColor(p: Palette, i: number): string {
  const order = [p.blue, p.orange, p.green, p.purple, p.red, p.yellow];
  return order[i % order.length];
}

// ---------- the chart registry, theme changes ----------

export interface Chart {
  readonly name: string;
  readonly title: string;
  /** The element the chart draws into; it takes its container's width. */
  readonly element: HTMLElement;
  /** Rebuilds with the current theme's colours at the next frame. */
  rebuild(): void;
  /** The chart as a PNG data URL, on the theme's background, with its title (and legend). */
  toPng(): string;
}

/** Every live chart by name: for theme changes, and for the browser tests to inspect. */
export const charts = new Map<string, Chart>();
declare global {
  interface Window {
    seqlabCharts?: Map<string, Chart>;
  }
}
window.seqlabCharts = charts;

let themeObserver: MutationObserver | undefined;

/** VS Code switches themes by changing the body's class and the <html> element's variables. */
function watchTheme(): void {
  if (themeObserver) return;
  let scheduled = false;
  themeObserver = new MutationObserver(() => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      for (const c of charts.values()) c.rebuild();
    });
  });
  themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}

/** Runs fn once at the next animation frame however often it is asked for before then. */
function frameScheduler(fn: () => void): () => void {
  let scheduled = false;
  return () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      fn();
    });
  };
}

function measureText(font: string, text: string): number {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return text.length * 7;
  probe.font = font;
  return probe.measureText(text).width;
}

// ---------- uPlot line charts ----------

export type LineOptions = Omit<uPlot.Options, 'width' | 'height'>;

export interface AxisStyle {
  label?: string;
  log?: boolean;
  format?: (v: number) => string;
}

/** Axis options in the theme's colours; the y axis sizes itself to its widest label. */
export function themedAxis(p: Palette, style: AxisStyle, side: 'x' | 'y'): uPlot.Axis {
  const axis: uPlot.Axis = {
    stroke: p.foreground,
    font: p.font,
    labelFont: p.font,
    label: style.label,
    labelSize: style.label ? 16 : 0,
    grid: { stroke: p.grid, width: 1 },
    ticks: { stroke: p.grid, width: 1, size: 4 },
    gap: 3,
  };
  const format = style.format ?? (style.log ? formatPowerOfTen : undefined);
  if (format) axis.values = (_u, splits) => splits.map((v) => (v === null || v === undefined ? '' : format(v)));
  if (style.log) axis.splits = decadeSplits;
  if (side === 'y') {
    axis.size = (_self, values) => {
      const widest = Math.max(0, ...(values ?? []).map((v) => measureText(p.font, String(v ?? ''))));
      return Math.ceil(widest) + 12 + (style.label ? 4 : 0);
    };
  } else {
    axis.size = 22 + (style.label ? 12 : 0);
  }
  return axis;
}

/** A log10 scale whose range is whole decades around the data. */
export function logScale(): uPlot.Scale {
  return {
    distr: 3,
    log: 10,
    range: (_u, min, max) => {
      if (!(min > 0) || !(max > 0)) return [0.1, 1];
      const lo = Math.floor(Math.log10(min));
      const hi = Math.max(lo + 1, Math.ceil(Math.log10(max)));
      return [10 ** lo, 10 ** hi];
    },
  };
}

/** Grid lines at powers of ten only, thinned so that labels stay at least 22 px apart. */
function decadeSplits(u: uPlot, _axis: number, min: number, max: number): number[] {
  const lo = Math.round(Math.log10(min));
  const hi = Math.round(Math.log10(max));
  const px = u.bbox.height / uPlot.pxRatio;
  const step = Math.max(1, Math.ceil((22 * (hi - lo)) / Math.max(1, px)));
  const out: number[] = [];
  for (let k = hi; k >= lo; k -= step) out.unshift(10 ** k);
  return out;
}

/** A linear x range with a little room at both ends, so that points at the edges show whole. */
export function paddedRange(fraction = 0.03): uPlot.Range.Function {
  return (_u, min, max) => {
    const pad = Math.max(1, (max - min) * fraction);
    return [min - pad, max + pad];
  };
}

/** The colour a series is drawn in: its line, or its points when it has no line. */
function seriesStroke(u: uPlot, i: number): string {
  const s = u.series[i];
  const stroke = s.width ? s.stroke : s.points?.stroke;
  return String(typeof stroke === 'function' ? stroke(u, i) : (stroke ?? ''));
}

/**
 * A legend of labels with filled colour markers; while the cursor is over the plot it adds the
 * values there (the x series shows only then, as its value, e.g. "step 1,240").
 */
export function themedLegend(): uPlot.Legend {
  return { show: true, live: true, markers: { fill: seriesStroke, stroke: seriesStroke, width: 1 } };
}

/** Formats a series value for the live legend: nothing when the cursor is away. */
export function legendValue(format: (v: number) => string): (u: uPlot, v: number | null) => string {
  return (_u, v) => (v === null || v === undefined ? '' : format(v));
}

/** A uPlot chart that is rebuilt (not patched) when its series or the theme change. */
/**
 * What every chart has: an accessible box appended to `parent` that redraws (at most once a frame)
 * when its width changes, registered for theme changes (and for the tests, as window.seqlabCharts).
 */
abstract class SizedChart implements Chart {
  readonly element: HTMLElement;
  protected width = 0;
  protected readonly schedule = frameScheduler(() => this.draw());

  constructor(
    readonly name: string,
    readonly title: string,
    parent: HTMLElement,
    protected readonly backgroundVar: string,
  ) {
    this.element = document.createElement('div');
    this.element.className = 'chart';
    this.element.setAttribute('role', 'img');
    this.element.setAttribute('aria-label', title);
    parent.append(this.element);
    new ResizeObserver((entries) => {
      const w = Math.floor(entries[entries.length - 1].contentRect.width);
      if (w !== this.width) {
        this.width = w;
        this.schedule();
      }
    }).observe(this.element);
    charts.set(name, this);
    watchTheme();
  }

  protected abstract draw(): void;
  abstract rebuild(): void;
  abstract toPng(): string;
}

export class LineChart extends SizedChart {
  private plot: uPlot | undefined;
  private data: uPlot.AlignedData = [[]];
  private dataDirty = false;
  private needsRebuild = true;

  constructor(
    name: string,
    title: string,
    parent: HTMLElement,
    private readonly options: (palette: Palette) => LineOptions,
    private readonly height: number,
    backgroundVar = '--vscode-sideBar-background',
  ) {
    super(name, title, parent, backgroundVar);
  }

  /** The uPlot instance once the chart has been drawn (it waits for a non-zero width). */
  get uplot(): uPlot | undefined {
    return this.plot;
  }

  /** New data for the next frame; a different number of series rebuilds the chart. */
  setData(data: uPlot.AlignedData): void {
    if (this.plot && this.plot.series.length !== data.length) this.needsRebuild = true;
    this.data = data;
    this.dataDirty = true;
    this.schedule();
  }

  /** Rebuilds with fresh options at the next frame (theme change, other series). */
  rebuild(): void {
    this.needsRebuild = true;
    this.schedule();
  }

  protected draw(): void {
    if (this.width <= 0) return;
    if (this.needsRebuild || !this.plot) {
      this.plot?.destroy();
      const palette = readPalette(this.backgroundVar);
      this.plot = new uPlot(
        { ...this.options(palette), width: this.width, height: this.height },
        this.data,
        this.element,
      );
      this.needsRebuild = false;
      this.dataDirty = false;
      return;
    }
    if (this.plot.width !== this.width) this.plot.setSize({ width: this.width, height: this.height });
    if (this.dataDirty) {
      this.plot.setData(this.data);
      this.dataDirty = false;
    }
  }

  toPng(): string {
    const u = this.plot;
    const palette = readPalette(this.backgroundVar);
    if (!u) return blankPng(palette);
    const legend = u.series
      .slice(1)
      .map((s, i) => ({
        label: String(s.label ?? ''),
        color: typeof s.stroke === 'function' ? String(s.stroke(u, i + 1)) : String(s.stroke ?? palette.foreground),
        dash: s.dash ?? [],
        show: s.show !== false,
      }))
      .filter((s) => s.show);
    return composePng(palette, this.title, u.ctx.canvas, u.width, u.height, legend);
  }
}

// ---------- plain canvas charts ----------

export interface CanvasDrawing {
  /** The height in CSS pixels the chart needs at this width. */
  height(width: number, palette: Palette): number;
  /** Draws in CSS pixel coordinates (the device pixel ratio is already applied). */
  draw(ctx: CanvasRenderingContext2D, width: number, height: number, palette: Palette): void;
}

/** A chart drawn by hand on one canvas: histograms, horizontal bars. */
export class CanvasChart extends SizedChart {
  readonly canvas: HTMLCanvasElement;

  constructor(
    name: string,
    title: string,
    parent: HTMLElement,
    private drawing: CanvasDrawing,
    backgroundVar = '--vscode-editor-background',
  ) {
    super(name, title, parent, backgroundVar);
    this.canvas = document.createElement('canvas');
    this.element.append(this.canvas);
  }

  setDrawing(drawing: CanvasDrawing): void {
    this.drawing = drawing;
    this.schedule();
  }

  rebuild(): void {
    this.schedule();
  }

  protected draw(): void {
    if (this.width <= 0) return;
    const palette = readPalette(this.backgroundVar);
    const h = Math.ceil(this.drawing.height(this.width, palette));
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(this.width * dpr);
    this.canvas.height = Math.round(h * dpr);
    this.canvas.style.width = `${this.width}px`;
    this.canvas.style.height = `${h}px`;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.width, h);
    this.drawing.draw(ctx, this.width, h, palette);
  }

  toPng(): string {
    const palette = readPalette(this.backgroundVar);
    if (this.width <= 0) return blankPng(palette);
    return composePng(
      palette,
      this.title,
      this.canvas,
      this.width,
      this.canvas.height / (window.devicePixelRatio || 1),
      [],
    );
  }
}

// ---------- PNG export ----------

const PNG_PAD = 16;

/** The chart on the theme background under its title, with a legend line when there is one. */
function composePng(
  p: Palette,
  title: string,
  source: HTMLCanvasElement,
  width: number,
  height: number,
  legend: { label: string; color: string; dash: number[] }[],
): string {
  const dpr = window.devicePixelRatio || 1;
  const titleH = 24;
  const legendH = legend.length ? 22 : 0;
  const out = document.createElement('canvas');
  const w = width + 2 * PNG_PAD;
  const h = PNG_PAD + titleH + legendH + height + PNG_PAD;
  out.width = Math.round(w * dpr);
  out.height = Math.round(h * dpr);
  const ctx = out.getContext('2d');
  if (!ctx) return out.toDataURL('image/png');
  ctx.scale(dpr, dpr);
  ctx.fillStyle = p.background;
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = p.foreground;
  ctx.font = `600 14px ${p.fontFamily}`;
  ctx.textBaseline = 'top';
  ctx.fillText(title, PNG_PAD, PNG_PAD);
  let x = PNG_PAD;
  ctx.font = p.font;
  for (const item of legend) {
    ctx.strokeStyle = item.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(item.dash.map((d) => d / 1.5));
    ctx.beginPath();
    ctx.moveTo(x, PNG_PAD + titleH + 4.5);
    ctx.lineTo(x + 14, PNG_PAD + titleH + 4.5);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = p.foreground;
    ctx.fillText(item.label, x + 18, PNG_PAD + titleH - 2);
    x += 18 + ctx.measureText(item.label).width + 14;
  }
  ctx.drawImage(source, PNG_PAD, PNG_PAD + titleH + legendH, width, height);
  return out.toDataURL('image/png');
}

function blankPng(p: Palette): string {
  const c = document.createElement('canvas');
  c.width = c.height = 1;
  const ctx = c.getContext('2d');
  if (ctx) {
    ctx.fillStyle = p.background;
    ctx.fillRect(0, 0, 1, 1);
  }
  return c.toDataURL('image/png');
}
