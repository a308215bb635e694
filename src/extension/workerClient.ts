// The host's side of a worker thread: typed messages in and out, request/response for inference,
// and a clear error when the worker crashes.

import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  HostToWorker,
  InferenceKind,
  InferenceResults,
  parseInferenceResult,
  parseWorkerToHost,
  TaskOf,
  WorkerData,
  WorkerToHost,
} from '../protocol';

interface PendingRequest {
  kind: InferenceKind;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** Resolves a request with its answer, or rejects it when the answer is not of its task's kind. */
function settle(request: PendingRequest, value: unknown): void {
  try {
    request.resolve(parseInferenceResult(request.kind, value));
  } catch (e) {
    request.reject(e as Error);
  }
}

export class WorkerClient {
  private worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, PendingRequest>();
  private exited = false;

  /**
   * threads: the engine's thread count in this worker (seqlab.threads), 0 = automatic; background: a
   * training's worker, which yields the CPU to the editor first. Both sent as workerData.
   */
  constructor(
    extensionPath: string,
    onMessage: (m: WorkerToHost) => void,
    onCrash: (message: string) => void,
    readonly threads: number,
    background: boolean,
  ) {
    const data: WorkerData = { threads, background };
    this.worker = new Worker(join(extensionPath, 'dist', 'worker.js'), { workerData: data });
    this.worker.on('message', (raw) => {
      let m: WorkerToHost;
      try {
        m = parseWorkerToHost(raw);
      } catch (e) {
        console.error(`SeqLab: ignored a malformed worker message: ${(e as Error).message}`);
        return;
      }
      if (m.type === 'result' || m.type === 'error') {
        const p = this.pending.get(m.requestId);
        this.pending.delete(m.requestId);
        if (!p) return;
        if (m.type === 'error') p.reject(new Error(m.message));
        else settle(p, m.value);
      } else {
        onMessage(m);
      }
    });
    const fail = (why: string) => {
      if (this.exited) return;
      this.exited = true;
      this.rejectPending(why);
      onCrash(why);
    };
    this.worker.on('error', (e) => fail(`the SeqLab worker crashed: ${e.message}`));
    this.worker.on('exit', (code) => fail(`the SeqLab worker stopped unexpectedly (exit code ${code})`));
  }

  post(m: HostToWorker): void {
    this.worker.postMessage(m);
  }

  /** Runs an inference task; the answer is checked for the task's kind before it is handed on. */
  request<K extends InferenceKind>(checkpointPath: string, task: TaskOf<K>): Promise<InferenceResults[K]> {
    if (this.exited) return Promise.reject(new Error('the SeqLab worker is not running'));
    const requestId = this.nextId++;
    return new Promise<InferenceResults[K]>((resolve, reject) => {
      this.pending.set(requestId, { kind: task.kind, resolve: resolve as (v: unknown) => void, reject });
      this.post({ type: 'infer', requestId, checkpointPath, task });
    });
  }

  private rejectPending(why: string): void {
    for (const p of this.pending.values()) p.reject(new Error(why));
    this.pending.clear();
  }

  /** Ends the worker; requests still waiting for an answer fail. */
  async terminate(): Promise<void> {
    this.exited = true;
    this.rejectPending('the SeqLab worker was stopped');
    await this.worker.terminate();
  }
}
