// The signals of a unit that a reading can show, per layer l (0-based) and unit j (0-based):
//   h          a<t>[j], the hidden state the layer hands upward (and the head reads at the top)
//   c          c<t>[j], an LSTM's memory cell (raw; its statistics and colours use tanh(c<t>), in [−1, 1])
//   gate:NAME  a gate in the course's notation, as the diagnostics name them (cell.gateBlocks):
//              Γu, Γf, Γo (LSTM), Γr, Γu (GRU; PyTorch's GRU stores z = 1 − Γu: read as Γu), and the
//              candidate c̃<t>; typed in ASCII as gate:u, gate:f, gate:o, gate:r, gate:c~
// Each is the value right after the network has read the character (block i + 1 of the chunk's h and
// c buffers, row i of its gates).

import { Model } from '../checkpoint';
import { cellFor } from '../cells';
import { GateBlock } from '../cells/cell';
import { SeqLabError } from '../errors';
import { Network } from '../network';

/** One unit's signal: what a probe reads. */
export interface Probe {
  layer: number;
  unit: number;
  signal: string; // a name from signalNames(model)
}

/** The ASCII spelling of a gate's name: Γu → u, c̃ → c~. */
function asciiName(block: GateBlock): string {
  return block.name.replace('Γ', '').replace('c̃', 'c~');
}

/** The signals this model's cell has, in their canonical names: h, c (LSTM), then gate:… in the cell's order. */
export function signalNames(model: Model): string[] {
  const cell = cellFor(model.config);
  return ['h', ...(cell.hasCellState ? ['c'] : []), ...cell.gateBlocks.map((b) => `gate:${b.name}`)];
}

/** The canonical name of a signal as typed (gate:u reads as gate:Γu); an error listing the model's signals otherwise. */
export function parseSignal(model: Model, typed: string): string {
  const cell = cellFor(model.config);
  if (typed === 'h' || (typed === 'c' && cell.hasCellState)) return typed;
  if (typed.startsWith('gate:')) {
    const name = typed.slice(5);
    const block = cell.gateBlocks.find((b) => b.name === name || asciiName(b) === name);
    if (block) return `gate:${block.name}`;
  }
  const ascii = cell.gateBlocks.map((b) => `gate:${asciiName(b)}`);
  throw new SeqLabError(
    `the ${model.config.cell.toUpperCase()} has no signal "${typed}": ${[...signalNames(model), ...ascii].join(', ')}`,
  );
}

/** Checks that a probe names a layer, a unit and a signal of the model; returns it with the canonical signal name. */
export function checkProbe(model: Model, p: Probe): Probe {
  const { layers, hidden } = model.config;
  if (!Number.isInteger(p.layer) || p.layer < 0 || p.layer >= layers)
    throw new SeqLabError(
      `layer ${p.layer} does not exist: the model has ${layers} layer${layers > 1 ? 's' : ''}, numbered from 0`,
    );
  if (!Number.isInteger(p.unit) || p.unit < 0 || p.unit >= hidden)
    throw new SeqLabError(
      `unit ${p.unit} does not exist: layer ${p.layer} has ${hidden} units, numbered 0 to ${hidden - 1}`,
    );
  return { ...p, signal: parseSignal(model, p.signal) };
}

/** Reads one signal of one layer in the chunk just read: value(i, j) of unit j after the chunk's token i. */
export interface SignalReader {
  value(i: number, j: number): number;
  /** The value on the colour scale [−1, 1] (or [0, 1] for a gate): tanh(c<t>) for c, the value itself otherwise. */
  shown(i: number, j: number): number;
}

export function signalReader(net: Network, layer: number, signal: string): SignalReader {
  const l = net.layers[layer],
    s = l.dirs[0].s,
    H = l.H;
  if (signal === 'h') {
    const value = (i: number, j: number) => s.h[(i + 1) * H + j];
    return { value, shown: value };
  }
  if (signal === 'c') {
    const value = (i: number, j: number) => s.c[(i + 1) * H + j];
    return { value, shown: (i, j) => Math.tanh(value(i, j)) };
  }
  const gi = l.cell.gateBlocks.findIndex((b) => `gate:${b.name}` === signal),
    G = l.cell.gates * H,
    block = l.cell.gateBlocks[gi];
  const value =
    block.stores === 'complement'
      ? (i: number, j: number) => 1 - s.gates[i * G + gi * H + j]
      : (i: number, j: number) => s.gates[i * G + gi * H + j];
  return { value, shown: value };
}
