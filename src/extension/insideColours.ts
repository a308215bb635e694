// The colour scales of what the model does at each character (insideView.ts draws them): surprise on
// a sequential scale (none below 0.5 nats, then warmer and stronger up to 6+ nats) and a unit's value
// on a diverging one (blue below 0, red above; a gate's [0, 1] read around 0.5, c<t> squashed by tanh).
// Pure functions and the legends, with no VS Code in them (tested in test/unit).

/** Upper edges of the surprise buckets in nats; bucket i holds values in [EDGES[i−1], EDGES[i]). Bucket 0 is left uncoloured. */
export const SURPRISE_EDGES = [0.5, 1, 1.5, 2, 3, 4, 6, Infinity];

/** Background colours of the surprise buckets (index 0: none). */
export const SURPRISE_COLOURS = [
  '',
  'rgba(255, 200, 0, 0.14)',
  'rgba(255, 180, 0, 0.22)',
  'rgba(255, 150, 0, 0.30)',
  'rgba(255, 120, 0, 0.38)',
  'rgba(250, 90, 0, 0.46)',
  'rgba(240, 60, 20, 0.55)',
  'rgba(225, 30, 30, 0.65)',
];

export function surpriseBucket(nats: number): number {
  return SURPRISE_EDGES.findIndex((edge) => nats < edge);
}

/** Upper edges of the diverging buckets over [−1, 1]. */
export const UNIT_EDGES = [-0.75, -0.5, -0.25, -0.05, 0.05, 0.25, 0.5, 0.75, Infinity];

export const UNIT_COLOURS = [
  'rgba(40, 110, 240, 0.60)',
  'rgba(40, 110, 240, 0.42)',
  'rgba(40, 110, 240, 0.26)',
  'rgba(40, 110, 240, 0.12)',
  '',
  'rgba(235, 60, 40, 0.12)',
  'rgba(235, 60, 40, 0.26)',
  'rgba(235, 60, 40, 0.42)',
  'rgba(235, 60, 40, 0.60)',
];

/** A signal's value on the diverging scale's [−1, 1]: a<t> as it is, c<t> through tanh, a gate's [0, 1] as 2v − 1. */
export function shownValue(signal: string, v: number): number {
  if (signal === 'c') return Math.tanh(v);
  if (signal.startsWith('gate:') && signal !== 'gate:c̃') return 2 * v - 1;
  return Math.max(-1, Math.min(1, v));
}

export function unitBucket(signal: string, v: number): number {
  const x = shownValue(signal, v);
  return UNIT_EDGES.findIndex((edge) => x < edge);
}

/** A swatch of a colour in a Markdown tooltip (VS Code keeps span colours in hovers and tooltips). */
function swatch(colour: string): string {
  return `<span style="background-color:${colour || 'transparent'};">&nbsp;&nbsp;&nbsp;&nbsp;</span>`;
}

/** The surprise scale's legend: a swatch per bucket with its range in nats. */
export function surpriseLegend(): string {
  const rows = SURPRISE_COLOURS.map((c, i) => {
    const lo = i === 0 ? 0 : SURPRISE_EDGES[i - 1],
      hi = SURPRISE_EDGES[i];
    return `${swatch(c)} ${hi === Infinity ? `${lo}+` : `${lo}–${hi}`} nats`;
  });
  return rows.join('<br>');
}

/** The diverging scale's legend, in the signal's own units. */
export function unitLegend(signal: string): string {
  const gate = signal.startsWith('gate:') && signal !== 'gate:c̃';
  const label = (x: number) => (gate ? ((x + 1) / 2).toFixed(2) : signal === 'c' ? `tanh(c) ${x}` : String(x));
  return UNIT_COLOURS.map((c, i) => {
    const lo = i === 0 ? -1 : UNIT_EDGES[i - 1],
      hi = Math.min(1, UNIT_EDGES[i]);
    return `${swatch(c)} ${label(lo)} … ${label(hi)}`;
  }).join('<br>');
}
