// Mini-batches for truncated BPTT: the token stream is cut into B contiguous streams that are
// read side by side, seqLength tokens at a time, so the hidden state a<T> of one window is the
// right a<0> for the next (min-char-rnn's hprev, for B streams).

import { SeqLabError } from './errors';

export class StreamBatcher {
  readonly streamLength: number;
  position = 0; // offset inside every stream of the next window

  constructor(
    readonly tokens: Int32Array,
    readonly B: number,
    readonly T: number,
  ) {
    this.streamLength = Math.floor(tokens.length / B);
    if (this.streamLength < T + 1) {
      const need = B * (T + 1);
      throw new SeqLabError(
        `the training text has ${tokens.length} tokens, fewer than batchSize × (seqLength + 1) = ${need}; lower seqLength or batchSize, or use a longer text`,
      );
    }
  }

  /**
   * Fills inputs/targets [T·B] (time-major) with the next window.
   * Returns true when the streams wrapped round to their start (the hidden state must be reset).
   */
  next(inputs: Int32Array, targets: Int32Array): boolean {
    let wrapped = false;
    if (this.position + this.T + 1 > this.streamLength) {
      this.position = 0;
      wrapped = true;
    }
    const { B, T, tokens } = this;
    for (let b = 0; b < B; b++) {
      const start = b * this.streamLength + this.position;
      for (let t = 0; t < T; t++) {
        inputs[t * B + b] = tokens[start + t];
        targets[t * B + b] = tokens[start + t + 1];
      }
    }
    this.position += T;
    return wrapped;
  }
}

/** Splits tokens into training and validation parts (validation from the end of the text). */
export function splitTokens(tokens: Int32Array, valFraction: number): { train: Int32Array; val: Int32Array } {
  const nVal = Math.floor(tokens.length * valFraction);
  if (valFraction > 0 && nVal < 2) return { train: tokens, val: tokens.subarray(0, 0) };
  return { train: tokens.subarray(0, tokens.length - nVal), val: tokens.subarray(tokens.length - nVal) };
}
