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
// Validation: one stream (bench/lib/data.mjs) scored from brain's logits (equation.runIndex):
// from brain's zero state, its START token (its prediction, the first char without context, is not
// scored), then every char of the first --val-max chars of the validation part, each next char
// scored as -ln softmax(logits)[next] (nats/char; softmax over brain's V + 1 outputs). The chars go
// through EVAL_CHUNK bound equations at a time; between chunks the last equation's hidden output is
// copied into brain's initial hidden state (the matrix the first equation reads), so the state is
// carried to the end of the stream. The harness marks the row "own recipe" (training is not the
// reference workload, above). With --embedding E > 0 it prints {skipped}: the
// embedding rows compare SeqLab with PyTorch's nn.Embedding(V, E) only.
import { createRequire } from 'node:module';
import { loadCorpus, valChunks, EVAL_CHUNK, parseArgs, PEER_DEFAULTS, makeClock, maxRssMB } from '../lib/data.mjs';

const require = createRequire(import.meta.url);
const brain = require('brain.js').default ?? require('brain.js');
const opts = parseArgs(process.argv.slice(2), PEER_DEFAULTS);
if (opts.embedding > 0) {
  console.log(JSON.stringify({ peer: 'brain.js', skipped: 'its own V-dim input row only (no size-E embedding)' }));
  process.exit(0);
}
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

// validation from logits: one stream, the hidden state carried across chunks of equations
const eqs = net.model.equations;
while (eqs.length < EVAL_CHUNK) net.bindEquation();
const initial = net.initialLayerInputs[0].weights; // a<0>, read by eqs[0]
const hiddenOut = (j) => net.model.equationConnections[j][0].weights; // a<j+1> after eqs[j] ran
initial.fill(0);
eqs[0].runIndex(0); // START token; its prediction (the first char, no context) is not scored
initial.set(hiddenOut(0));
/** -ln softmax(logits)[target + 1] (brain's output 0 is END). */
function nll(logits, target) {
  let m = -Infinity;
  for (let k = 0; k < logits.length; k++) if (logits[k] > m) m = logits[k];
  let z = 0;
  for (let k = 0; k < logits.length; k++) z += Math.exp(logits[k] - m);
  return Math.log(z) + m - logits[target + 1];
}
const te = performance.now();
let total = 0,
  count = 0,
  valTruncated = false;
for (const { x, y } of valChunks(val, opts.valMax)) {
  if ((performance.now() - te) / 1000 >= opts.evalMaxSeconds) {
    valTruncated = true;
    break;
  }
  for (let i = 0; i < x.length; i++) total += nll(eqs[i].runIndex(x[i] + 1).weights, y[i]);
  count += x.length;
  initial.set(hiddenOut(x.length - 1));
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
    valStreams: 1,
    ownRecipe: true,
    evalSeconds: (performance.now() - te) / 1000,
    maxRssMB: maxRssMB(),
    brain: require('brain.js/package.json').version,
    optimizer: 'brain RMSProp, per-element clip 5',
    statefulCarry: false,
    input: 'brain embedding row (V-dim)',
  }),
);
