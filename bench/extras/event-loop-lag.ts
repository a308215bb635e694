// Event-loop lag of the extension host while a training runs: the host thread keeps only a
// WorkerClient (the extension's own class) that receives, validates, stores and serialises the
// worker's progress messages, exactly what Runs does; the engine runs in dist/worker.js.
// Measured with perf_hooks.monitorEventLoopDelay (10 ms sampling) over S seconds of an LSTM-256
// training on the corpus, after the same measurement with nothing running (the floor).
// Prints one JSON line {"metrics": [...]} (bench/run.mjs's extras contract).

import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HostedTraining, parseArgs, readCorpus, round, scratchDir, trainJob } from './editor-host';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Lag beyond the 10 ms sampling interval, in ms: p50, p99, max. */
async function lagFor(seconds: number): Promise<{ p50: number; p99: number; max: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  await sleep(seconds * 1000);
  h.disable();
  const ms = (ns: number) => round(Math.max(0, ns / 1e6 - 10), 3);
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
}

async function main(): Promise<void> {
  const args = parseArgs();
  const text = readCorpus(args.corpus);
  const seconds = Math.max(5, args.seconds);

  const idle = await lagFor(Math.min(5, seconds));
  const training = new HostedTraining(trainJob(text, join(scratchDir(), 'lag.safetensors'), { seconds: seconds + 30 }));
  await training.started;
  const busy = await lagFor(seconds);
  training.stop();
  await training.done;
  await training.terminate();
  if (training.points.length < 2) throw new Error('the training reported no progress');
  const steps = training.points.at(-1)!.step;

  console.log(
    JSON.stringify({
      metrics: [
        { metric: 'p50 while training LSTM-256', value: busy.p50, unit: 'ms' },
        {
          metric: 'p99 while training LSTM-256',
          value: busy.p99,
          unit: 'ms',
          detail: {
            max: busy.max,
            seconds,
            steps,
            messages: training.messages,
            points: training.points.length,
            serialisedKB: round(training.serialisedBytes / 1024, 1),
          },
        },
        { metric: 'p99 with nothing running (floor)', value: idle.p99, unit: 'ms', detail: idle },
      ],
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
