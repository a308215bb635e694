// The worker's side of the channel to the extension host: typed sending, progress points batched.

import { parentPort } from 'node:worker_threads';
import type { ProgressPoint } from '../engine/reports';
import type { WorkerToHost } from '../protocol';

export function send(m: WorkerToHost): void {
  parentPort!.postMessage(m);
}

/** Progress points go out at most 10 times a second (flush sends those held at once). */
export function progressSender(runId: string) {
  let pending: ProgressPoint[] = [],
    lastFlush = 0;
  const flush = () => {
    if (pending.length) send({ type: 'progress', runId, points: pending });
    pending = [];
    lastFlush = performance.now();
  };
  const push = (p: ProgressPoint) => {
    pending.push(p);
    if (performance.now() - lastFlush >= 100) flush();
  };
  return { push, flush };
}
