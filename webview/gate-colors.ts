// The gates in the order the panel shows them, and the theme colour of each: one gate, one colour
// in every chart of the diagnostics panel.

import type { ColorOf } from './canvas-charts';

export const GATE_ORDER = ['Γu', 'Γf', 'Γo', 'Γr', 'c̃'];

export const GATE_COLORS: Record<string, ColorOf> = {
  Γu: (p) => p.blue,
  Γf: (p) => p.green,
  Γo: (p) => p.purple,
  Γr: (p) => p.orange,
  c̃: (p) => p.yellow,
};

/** Sorts gates into GATE_ORDER (unknown names last). */
export function gateRank(gate: string): number {
  return GATE_ORDER.indexOf(gate) + 1 || 99;
}
