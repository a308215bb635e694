// Hover sampling latency, the way the hover provider sees it: the round trip from the extension
// host to the inference worker and back (dist/worker.js, a trained LSTM-256 checkpoint), primed
// with the 200 characters before the cursor, for a 200-character continuation and for the
// default 40 (seqlab.hover.length). The warm-up (the checkpoint read when the file becomes
// active, before any hover) is timed on its own, then the first hover and 40 more;
// then again while a training runs in its own worker (the usual situation in the editor).
// Prints one JSON line {"metrics": [...]} (bench/run.mjs's extras contract).

import { join } from 'node:path';
import { HoverResult } from '../../src/protocol';
import {
  HostedTraining,
  inferenceWorker,
  parseArgs,
  quantile,
  readCorpus,
  round,
  scratchDir,
  trainJob,
} from './editor-host';

const HOVERS = 40;
const PRIMER = 200;

async function main(): Promise<void> {
  const args = parseArgs();
  const text = readCorpus(args.corpus);
  const dir = scratchDir();
  const checkpoint = join(dir, 'lstm256.safetensors');

  // A trained LSTM-256 checkpoint (latency does not depend on how long it trained).
  const warmup = new HostedTraining(trainJob(text, checkpoint, { steps: 60, evalEvery: 30 }));
  await warmup.done;
  await warmup.terminate();

  const worker = inferenceWorker();
  const primers = Array.from({ length: HOVERS + 1 }, (_, i) => {
    const at = Math.floor((((i * 7919) % 1000) / 1000) * (text.length - PRIMER - 1)) + PRIMER;
    return text.slice(at - PRIMER, at);
  });
  const hover = async (prime: string, length: number) => {
    const t0 = performance.now();
    const r = await worker.request<HoverResult>(checkpoint, {
      kind: 'hover',
      prime,
      length,
      topK: 5,
      temperature: 0.8,
    });
    if (Array.from(r.continuation).length !== length || r.top.length !== 5)
      throw new Error('a hover result of the wrong shape');
    return { roundTrip: performance.now() - t0, inWorker: r.millis };
  };
  const series = async (length: number) => {
    const times = [];
    for (let i = 1; i <= HOVERS; i++) times.push(await hover(primers[i], length));
    return times;
  };
  const summary = (name: string, times: { roundTrip: number; inWorker: number }[]) => {
    const rt = times.map((t) => t.roundTrip);
    return {
      metric: name,
      value: round(quantile(rt, 0.5)),
      unit: 'ms',
      detail: {
        p50: round(quantile(rt, 0.5)),
        p95: round(quantile(rt, 0.95)),
        max: round(Math.max(...rt)),
        inWorkerP50: round(
          quantile(
            times.map((t) => t.inWorker),
            0.5,
          ),
        ),
        hovers: times.length,
        primer: PRIMER,
      },
    };
  };

  // What the extension does when a file with a model becomes active: load it ahead of the hover.
  const w0 = performance.now();
  await worker.request<string>(checkpoint, { kind: 'load' });
  const warmUp = performance.now() - w0;
  const first = await hover(primers[0], 200);
  const idle200 = await series(200);
  const idle40 = await series(40);

  const training = new HostedTraining(trainJob(text, join(dir, 'training.safetensors'), { seconds: 600 }));
  await training.started;
  const busy200 = await series(200);
  training.stop();
  await training.done;
  await training.terminate();
  await worker.terminate();

  console.log(
    JSON.stringify({
      metrics: [
        {
          metric: 'warm-up when a file with a model becomes active (reads the checkpoint; no hover waits for it)',
          value: round(warmUp),
          unit: 'ms',
        },
        { metric: 'first hover after the warm-up, 200 chars', value: round(first.roundTrip), unit: 'ms' },
        summary('p50, 200-char continuation, LSTM-256', idle200),
        summary('p50, 40-char continuation (the default), LSTM-256', idle40),
        summary('p50, 200 chars while a training runs', busy200),
        {
          metric: 'p95, 200 chars while a training runs',
          value: round(
            quantile(
              busy200.map((t) => t.roundTrip),
              0.95,
            ),
          ),
          unit: 'ms',
        },
      ],
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
