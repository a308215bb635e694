// Training snapshots: at every validation step of a training, the diagnostics of one fixed window of
// the validation text — how far back the gradient reaches, ‖∂L<T>/∂a<t>‖ for t = 1…T per layer, and
// how saturated each gate is — so that the panel can show them change as the model learns. They are
// computed by diagnose()'s own functions (diagnostics.ts) on a network of their own (dropout 0, the
// training's parameters): the training's carried state a<T>, its optimizer and its random numbers
// are never touched, so a run with snapshots trains exactly as one without.

import { Model } from './checkpoint';
import { Backend } from './backend';
import { diagnosticWindows, gateSaturation, gradientReach } from './diagnostics';
import { Network } from './network';
import { TrainingSnapshot } from './reports';
import { Rng } from './rng';

/** Streams B of a snapshot's window: few, so that a snapshot costs little next to the steps between validations. */
export const SNAPSHOT_STREAMS = 4;

export class SnapshotRecorder {
  private readonly net: Network;
  private readonly ids: Int32Array;
  private readonly targets: Int32Array;
  private readonly T: number;

  /** tokens: the validation text (at least 3 tokens); T: the window, shortened to fit the text. */
  constructor(model: Model, k: Backend, tokens: Int32Array, T: number) {
    this.T = Math.max(1, Math.min(T, tokens.length - 1));
    const { ids, targets, B } = diagnosticWindows(tokens, this.T, SNAPSHOT_STREAMS);
    this.ids = ids;
    this.targets = targets;
    this.net = new Network({ ...model.config, dropout: 0 }, model.params, k, this.T, B, new Rng(0));
  }

  /** The snapshot of the model as it is now, labelled with the training step. */
  record(step: number): TrainingSnapshot {
    const start = performance.now();
    this.net.resetState(undefined, new Rng(0)); // every snapshot starts from the same a<0>
    const { gradNorms, cellGradNorms } = gradientReach(this.net, this.ids, this.targets, this.T);
    const gates = gateSaturation(this.net, this.T).map(({ layer, gate, range, low, high }) => ({
      layer,
      gate,
      range,
      low,
      high,
    }));
    const seconds = (performance.now() - start) / 1000;
    return { step, steps: this.T, gradNorms, ...(cellGradNorms ? { cellGradNorms } : {}), gates, seconds };
  }
}
