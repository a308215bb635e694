// brain.js 1.6.1 peer for `npm run bench`.
//
//   node bench/peers/brain_peer.mjs --corpus FILE --cell lstm --hidden 256 --seconds 20
//
// brain.js recurrent nets train one sequence at a time (batch 1) with their own fixed recipe,
// so this peer is NOT the reference workload in several ways (reported, not hidden):
//  - batch 1: one training step = net.trainPattern(one window of T = 64 consecutive training
//    chars); windows walk through the training text in order and wrap around;
//  - each sequence starts from a zero state with brain's START token and ends with its END token
//    (no state carry between windows; brain.js has no option for it);
//  - optimiser: brain's built-in RMSProp (decay 0.999) with per-element gradient clipping at
//    `clipval` 5 and L2 `regc` 1e-6; no Adam. learningRate = --lr (2e-3);
//  - input: a learned V-dimensional embedding row per char (`inputMatrixToRow`), not one-hot;
//    output: V + 1 classes (the +1 is END);
//  - brain.js 1.6.1's LSTM has no separate cell state: its forget gate multiplies the previous
//    hidden output (`retainCell = forgetGate * previousResult`); its RNN uses relu, not tanh.
// chars/s counts T chars per trainPattern call (after warm-up, same rule as the other peers).
// Validation: brain.js exposes the output logits of each step (equation.runIndex), so the loss
// is computed here: the first --val-max chars of the validation part are cut into windows of
// T + 1 chars; each window is run from brain's zero state + START token, and the T next-char
// predictions inside the window are scored as -ln softmax(logits)[next] (nats/char; softmax
// over brain's V + 1 outputs). Without carried state this is a little pessimistic compared to
// the batched peers (each window starts cold), so the harness marks it "(no carry)".
import { createRequire } from 'node:module';
import { loadCorpus, parseArgs, PEER_DEFAULTS, makeClock, maxRssMB } from '../lib/data.mjs';

const require = createRequire(import.meta.url);
const brain = require('brain.js').default ?? require('brain.js');
const opts = parseArgs(process.argv.slice(2), PEER_DEFAULTS);
const { vocab, train, val } = loadCorpus(opts.corpus, opts.valFraction);
const V = vocab.length,
  T = opts.seqLen,
  H = opts.hidden;

const Net = { lstm: brain.recurrent.LSTM, gru: brain.recurrent.GRU, rnn: brain.recurrent.RNN }[opts.cell];
const net = new Net({ inputSize: V, inputRange: V, outputSize: V, hiddenLayers: [H], learningRate: opts.lr });
net.initialize();

const nWindows = Math.floor((train.length - 1) / T);
let w = 0,
  lossEma = null;
const clock = makeClock(opts, T);
for (;;) {
  if (w === nWindows) w = 0;
  const seq = Array.from(train.subarray(w * T, w * T + T));
  w++;
  // trainPattern(input, true) returns brain's "error": 2^(mean log2 ppl)/100; we only log it.
  const err = net.trainPattern(seq, true);
  lossEma = lossEma === null ? err : 0.95 * lossEma + 0.05 * err;
  const e = clock.step();
  const s = clock.summary().steps;
  if (s % 200 === 0) process.stderr.write(`brain step ${s} err ${err.toFixed(4)} ${e.toFixed(1)}s\n`);
  if (e >= opts.seconds) break;
}
const summary = clock.summary();

// validation from logits
const slice = val.subarray(0, Math.min(val.length, opts.valMax));
const eqs = net.model.equations;
while (eqs.length <= T + 1) net.bindEquation();
const te = performance.now();
let total = 0,
  count = 0,
  valTruncated = false;
const nValWin = Math.floor((slice.length - 1) / T);
for (let vw = 0; vw < nValWin; vw++) {
  if ((performance.now() - te) / 1000 >= opts.evalMaxSeconds) {
    valTruncated = true;
    break;
  }
  const base = vw * T;
  eqs[0].runIndex(0); // START token; its prediction (the window's first char, no context) is not scored
  for (let i = 1; i <= T; i++) {
    const logits = eqs[i].runIndex(slice[base + i - 1] + 1).weights;
    let m = -Infinity;
    for (let k = 0; k < logits.length; k++) if (logits[k] > m) m = logits[k];
    let z = 0;
    for (let k = 0; k < logits.length; k++) z += Math.exp(logits[k] - m);
    total += Math.log(z) + m - logits[slice[base + i] + 1];
    count++;
  }
}

console.log(
  JSON.stringify({
    peer: 'brain.js',
    cell: opts.cell,
    hidden: H,
    batch: 1,
    seqLen: T,
    ...summary,
    trainErrEma: lossEma,
    valLoss: count ? total / count : null,
    valChars: count,
    valTruncated,
    valNoCarry: true,
    evalSeconds: (performance.now() - te) / 1000,
    maxRssMB: maxRssMB(),
    brain: require('brain.js/package.json').version,
    optimizer: 'brain RMSProp, per-element clip 5',
    statefulCarry: false,
    input: 'brain embedding row (V-dim)',
  }),
);
