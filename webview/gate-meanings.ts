// What a saturated gate means, per cell, gate and end of its range, in the course's terms: the one
// table the gate histograms (the colour of their end bins), their text table and the captions read.
// GRU (PyTorch's z reported as Γu = 1 − z; the course's c<t> = a<t>):
//   c̃<t> = tanh(Wc[Γr * c<t−1>, x<t>] + bc),  c<t> = Γu * c̃<t> + (1 − Γu) * c<t−1>
// LSTM:
//   c<t> = Γu * c̃<t> + Γf * c<t−1>,  a<t> = Γo * tanh(c<t>)
// Any sigmoid or tanh stuck at an end also has a near-zero derivative (σ′ = σ(1 − σ), tanh′ = 1 − c̃²):
// its own weights barely learn there. The kinds say what the end does to the memory and the gradient.

import type { Palette } from './charts';

/** carries: memory kept, the gradient travels back; opens: a path let through in full; cuts: a path closed; blocks: the gradient stops in a saturated tanh. */
export type SaturationKind = 'carries' | 'opens' | 'cuts' | 'blocks';

export interface SaturationKindStyle {
  name: string;
  /** The end bins' colour in the canvas (the palette reads the same theme variable as `css`). */
  color: (p: Palette) => string;
  /** The swatch's colour in the HTML text. */
  css: string;
}

export const SATURATION_KINDS: Record<SaturationKind, SaturationKindStyle> = {
  carries: { name: 'carries memory', color: (p) => p.green, css: 'var(--vscode-charts-green)' },
  opens: {
    name: 'lets through',
    color: (p) => p.foreground,
    css: 'var(--vscode-charts-foreground, var(--vscode-foreground))',
  },
  cuts: { name: 'cuts a path', color: (p) => p.orange, css: 'var(--vscode-charts-orange)' },
  blocks: {
    name: 'blocks learning',
    color: (p) => p.red,
    css: 'var(--vscode-charts-red, var(--vscode-errorForeground))',
  },
};

export interface EndMeaning {
  kind: SaturationKind;
  /** What the gate does at that end, in the course's notation. */
  text: string;
}

type Ends = { low: EndMeaning; high: EndMeaning };

const TANH_SATURATED: EndMeaning = {
  kind: 'blocks',
  text: 'tanh saturated: tanh′ = 1 − c̃² ≈ 0 stops the gradient to Wc and to everything c̃<t> was computed from',
};
const CANDIDATE: Ends = { low: TANH_SATURATED, high: TANH_SATURATED };

const GRU: Record<string, Ends> = {
  Γu: {
    low: { kind: 'carries', text: 'keeps the memory: c<t> ≈ c<t−1>, so ∂c<t>/∂c<t−1> ≈ 1 carries the gradient back' },
    high: { kind: 'cuts', text: 'overwrites: c<t> ≈ c̃<t>; c<t−1> reaches c<t> only through c̃' },
  },
  Γr: {
    low: { kind: 'cuts', text: 'ignores the past in c̃: c̃<t> is computed from x<t> alone' },
    high: { kind: 'opens', text: 'lets all of c<t−1> into c̃<t>' },
  },
  c̃: CANDIDATE,
};

const LSTM: Record<string, Ends> = {
  Γu: {
    low: { kind: 'cuts', text: 'writes nothing new: c<t> ≈ Γf*c<t−1>, and c̃<t> gets no gradient' },
    high: { kind: 'opens', text: 'writes all of c̃<t> into c<t>' },
  },
  Γf: {
    low: { kind: 'cuts', text: 'forgets: c<t> ≈ Γu*c̃<t>; the gradient along the memory cell stops at t' },
    high: {
      kind: 'carries',
      text: 'keeps the memory: c<t> ≈ Γu*c̃<t> + c<t−1>, so ∂c<t>/∂c<t−1> ≈ 1 carries the gradient back',
    },
  },
  Γo: {
    low: { kind: 'cuts', text: 'hides the cell: a<t> ≈ 0, so c<t> reaches neither the output nor the next step' },
    high: { kind: 'opens', text: 'shows the cell: a<t> ≈ tanh(c<t>)' },
  },
  c̃: CANDIDATE,
};

const BY_CELL: Record<string, Record<string, Ends>> = { gru: GRU, lstm: LSTM };

/** What `gate` of a `cell` model means at an end of its range; undefined for a gate the table does not know. */
export function endMeaning(cell: string, gate: string, end: 'low' | 'high'): EndMeaning | undefined {
  return BY_CELL[cell]?.[gate]?.[end];
}

/** Where a gate's ends are: 0 and 1 for a gate, −1 and 1 for the candidate c̃. */
function endsOf(gate: string): { low: string; high: string; both: string } {
  return gate === 'c̃' ? { low: '−1', high: '1', both: '±1' } : { low: '0', high: '1', both: '0 and 1' };
}

/** Every (cell, gate, end) of a kind, in table order, e.g. carries: GRU Γu at 0, LSTM Γf at 1. */
function endsOfKind(kind: SaturationKind): { cell: string; gate: string; at: string }[] {
  return Object.entries(BY_CELL).flatMap(([cell, gates]) =>
    Object.entries(gates).flatMap(([gate, { low, high }]) => {
      const at = endsOf(gate);
      const ends = [low.kind === kind && at.low, high.kind === kind && at.high].filter((e) => e !== false);
      return ends.length ? [{ cell, gate, at: ends.length === 2 ? at.both : ends[0] }] : [];
    }),
  );
}

/** The ends of a kind for a caption, from the table: carries → "Γu ≈ 0 (GRU), Γf ≈ 1 (LSTM)". */
export function endsText(kind: SaturationKind): string {
  const cellsOf = new Map<string, string[]>();
  for (const { cell, gate, at } of endsOfKind(kind)) {
    const key = `${gate} ≈ ${at}`;
    cellsOf.set(key, [...(cellsOf.get(key) ?? []), cell.toUpperCase()]);
  }
  return [...cellsOf].map(([key, cells]) => `${key} (${cells.join(', ')})`).join(', ');
}

/** Said of a plain RNN, which has no gates. */
export const NO_GATES_RNN =
  'a plain RNN has no gates: a<t> = tanh(Waa·a<t−1> + Wax·x<t> + ba), so every step back multiplies the gradient by ' +
  'Waa and tanh′ = 1 − a<t>²; nothing can hold a path open, and the gradient vanishes (or explodes) step by step.';
