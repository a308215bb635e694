// The types (and their value lists) several parts of the engine share. A leaf: it imports nothing, so any
// module may use it.

/** Flat numeric arrays: the engine's only data structure (llm.c style). Training runs in float32;
 * gradient checks run the same code in float64. */
export type Vec = Float32Array | Float64Array;
export type DType = 'f32' | 'f64';

export const CELL_KINDS = ['rnn', 'gru', 'lstm'] as const;
export type CellKind = (typeof CELL_KINDS)[number];
/** GRU equations: PyTorch's (reset after the recurrent product) or the course's (reset before). */
export const GRU_FORMS = ['torch', 'course'] as const;
export type GruForm = (typeof GRU_FORMS)[number];

/** A recurrent cell's own weights (the layer keeps the input side W_ih, b_ih). */
export interface CellWeights {
  whh: Vec; // [G·H, H]   W_hh (PyTorch weight_hh_l*)
  bhh: Vec; // [G·H]      b_hh
  dwhh: Vec; // gradients, accumulated
  dbhh: Vec;
  peep: Vec; // [3·H]      p_u ‖ p_f ‖ p_o: peephole weights (peephole LSTM only; empty otherwise)
  dpeep: Vec; // its gradient, accumulated
}

/**
 * Per-direction buffers, sized for the longest window, laid out time-major: index ((t·B) + b)·F + f.
 * G·H is the width of a cell's pre-activations (G gate blocks of H).
 */
export interface CellBuffers {
  h: Vec; // [(T+1)·B·H]  a<0> … a<T>          (block 0 is the initial state)
  c: Vec; // [(T+1)·B·H]  c<0> … c<T>          (LSTM only; empty otherwise)
  gates: Vec; // [T·B·G·H]    activated gate values (diagnostics read them)
  extra: Vec; // [T·B·H]      what a cell keeps for its backward pass (see each cell)
  dxw: Vec; // [T·B·G·H]    ∂L/∂xw<t>: gradient of the input-side pre-activations
  dhh: Vec; // [T·B·G·H]    ∂L/∂(recurrent pre-activations); equals dxw except in the GRU
  dh: Vec; // [B·H]        running ∂L/∂a<t>; after backward: ∂L/∂a<0>
  dc: Vec; // [B·H]        running ∂L/∂c<t> (LSTM)
  tmp: Vec; // [B·G·H]      scratch
}
