// Inside the model (engine/inside/), the editor's costs on the corpus with an LSTM-256 (weights at
// their initialisation: the time does not depend on training): the first pass of surprise over the
// whole file (a ReadState kept every 1024 characters), then recomputing a visible range after it — 60
// lines in the middle of the file, from the last kept state before them: surprise with the hover's
// top 5, then one unit's values (two passes). A window of 10,000 lines is more than the corpus's 7,824:
// its cost is the first pass's. Printed, never asserted. Prints one JSON line {"metrics": [...]} (bench/run.mjs's extras contract).

import { defaultModelConfig, ModelConfig } from '../../src/engine/config';
import { defaultBackend } from '../../src/engine/defaultBackend';
import { ReadState } from '../../src/engine/inside/reader';
import { surprise } from '../../src/engine/inside/surprise';
import { unitValues } from '../../src/engine/inside/units';
import { initParams } from '../../src/engine/params';
import { Rng } from '../../src/engine/rng';
import { buildCharTokenizer } from '../../src/engine/tokenizer';
import { parseArgs, readCorpus, round } from './editor-host';

const EVERY = 1024;

function main(): void {
  const text = readCorpus(parseArgs().corpus);
  const k = defaultBackend();
  const tokenizer = buildCharTokenizer(text),
    V = tokenizer.size;
  const config: ModelConfig = { ...defaultModelConfig, cell: 'lstm', hidden: 256, vocabSize: V, classes: V };
  const model = { config, tokenizer, params: initParams(config, k, new Rng(1)) };
  const ids = tokenizer.encode(text);

  const t0 = performance.now();
  const first = surprise(model, k, ids, { checkpointEvery: EVERY });
  const firstPass = performance.now() - t0;

  // Token index of the start of each line (a character-level model: tokens are code points).
  const lineStarts = [0];
  Array.from(text).forEach((c, i) => c === '\n' && lineStarts.push(i + 1));
  const windowOf = (lines: number) => {
    const from = Math.max(0, Math.floor(lineStarts.length / 2) - Math.floor(lines / 2));
    const to = Math.min(lineStarts.length - 1, from + lines);
    return { start: lineStarts[from], end: lineStarts[to], lines: to - from };
  };
  const colour = (lines: number) => {
    const w = windowOf(lines);
    const t = performance.now();
    // the last kept state before the range (a restart from it predicts the range's first character too)
    const from: ReadState | undefined = first.checkpoints.filter((c) => c.at < w.start).at(-1);
    surprise(model, k, ids, { from, to: w.end, top: 5 });
    unitValues(model, k, ids, [{ layer: 0, unit: 7, signal: 'h' }], { from, to: w.end });
    return { ms: performance.now() - t, ...w, restartedAt: from?.at ?? 0 };
  };
  colour(60); // warm-up
  const visible = colour(60);

  console.log(
    JSON.stringify({
      metrics: [
        {
          metric: `first pass of surprise over the file, LSTM-256 (${ids.length.toLocaleString('en-US')} chars)`,
          value: round(firstPass),
          unit: 'ms',
          detail: { chars: ids.length, charsPerSec: Math.round(ids.length / (firstPass / 1000)), backend: k.name },
        },
        {
          metric: `recomputing ${visible.lines} visible lines after it (surprise with top 5, then one unit), LSTM-256`,
          value: round(visible.ms),
          unit: 'ms',
          detail: { chars: visible.end - visible.start, recomputedFrom: visible.restartedAt, checkpointEvery: EVERY },
        },
      ],
    }),
  );
}

main();
