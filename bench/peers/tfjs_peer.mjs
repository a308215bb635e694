// TensorFlow.js peer for `npm run bench`.
//
//   node bench/peers/tfjs_peer.mjs --backend wasm|cpu --corpus FILE --cell lstm --hidden 256 --seconds 20
//
// Model (like the tfjs LSTM text-generation example, but many-to-many): one-hot input
// float32 [B, T, V] (built in JS) -> tf.layers.lstm / gru / simpleRNN(tanh)
// {returnSequences, returnState} -> tf.layers.dense(V) logits -> tf.losses.softmaxCrossEntropy.
// PyTorch-style uniform init (see below); tfjs GRU is reset-before (the only mode tfjs has). Stateful carry: YES — the final states of a window are
// passed as `initialState` to the next window (not differentiated through: tf.variableGrads
// only differentiates the current window, so it is truncated BPTT with a detached state),
// reset to zero when the streams wrap. Adam(lr) via tf.train.adam; gradients clipped by
// global norm (computed here, one sync per step) before optimizer.applyGradients.
// Backends: 'wasm' (@tensorflow/tfjs-backend-wasm, SIMD binary loaded from node_modules — no
// network; tfjs disables wasm threads under Node) and 'cpu' (plain JavaScript kernels).
// Validation: one stream (bench/lib/data.mjs), the layers applied to [1, chunk, V] with the final
// states passed on as the next chunk's initialState. One-hot input only: with --embedding E > 0 it
// prints {skipped}.
// Progress on stderr, one JSON result line on stdout.
import path from 'node:path';
import { createRequire } from 'node:module';
import { loadCorpus, streams, valChunks, parseArgs, PEER_DEFAULTS, makeClock, maxRssMB } from '../lib/data.mjs';

const require = createRequire(import.meta.url);
const opts = parseArgs(process.argv.slice(2), { ...PEER_DEFAULTS, backend: 'wasm' });
if (opts.embedding > 0) {
  console.log(
    JSON.stringify({ peer: `tfjs-${opts.backend}`, skipped: 'one-hot input only (no embedding peer for TF.js)' }),
  );
  process.exit(0);
}

// Quiet tfjs's "use tfjs-node" banner; it goes to console.warn -> stderr anyway.
const tf = require('@tensorflow/tfjs');
let wasmInfo = null;
if (opts.backend === 'wasm') {
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  const distDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
  wasm.setWasmPaths(distDir + path.sep);
  wasmInfo = { wasmDir: distDir };
}
if (!(await tf.setBackend(opts.backend))) throw new Error(`tfjs backend ${opts.backend} failed to initialise`);
await tf.ready();
if (opts.backend === 'wasm') {
  wasmInfo.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  wasmInfo.threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
}

const { vocab, train, val } = loadCorpus(opts.corpus, opts.valFraction);
const V = vocab.length,
  B = opts.batch,
  T = opts.seqLen,
  H = opts.hidden;
const tr = streams(train, B, T);

// PyTorch's init (uniform ±1/sqrt(H) for every RNN weight and bias, ±1/sqrt(H) for the head)
// instead of the tfjs-layers defaults: the default orthogonal recurrent initialiser runs a QR
// that takes minutes on the cpu backend at H = 256 (outside the timed loop, but it makes a
// quick bench slow), and the same init as the torch peer keeps the val losses comparable.
const u = (lim) => tf.initializers.randomUniform({ minval: -lim, maxval: lim, seed: opts.seed });
const init = {
  kernelInitializer: u(1 / Math.sqrt(H)),
  recurrentInitializer: u(1 / Math.sqrt(H)),
  biasInitializer: u(1 / Math.sqrt(H)),
};
const common = { units: H, returnSequences: true, returnState: true, ...init };
const rnn =
  opts.cell === 'lstm'
    ? tf.layers.lstm({ ...common, unitForgetBias: false })
    : opts.cell === 'gru'
      ? tf.layers.gru({ ...common, resetAfter: false })
      : tf.layers.simpleRNN({ ...common, activation: 'tanh' });
const dense = tf.layers.dense({
  units: V,
  kernelInitializer: u(1 / Math.sqrt(H)),
  biasInitializer: u(1 / Math.sqrt(H)),
});
const nStates = opts.cell === 'lstm' ? 2 : 1;
const zeroState = (b = B) => Array.from({ length: nStates }, () => tf.zeros([b, H]));

// One-hot built on the JS side: tfjs-backend-wasm 4.22's OneHot kernel ignores dtype 'float32'
// and writes int32 bit patterns into a float32 tensor (1 reads as 1.4e-45), so tf.oneHot is avoided.
function oneHot(ids, shape) {
  const a = new Float32Array(ids.length * V);
  for (let i = 0; i < ids.length; i++) a[i * V + ids[i]] = 1;
  return tf.tensor(a, shape, 'float32');
}

/** b streams of t steps (x row-major [b][t]) from state: logits [b*t, V] and the final states. */
function forward(x, state, b = B, t = T) {
  const xs = oneHot(x, [b, t, V]);
  const [seq, ...newState] = rnn.apply(xs, { initialState: state });
  const logits = dense.apply(seq.reshape([b * t, H]));
  return { logits, newState };
}
const ceMean = (logits, y) => tf.losses.softmaxCrossEntropy(oneHot(y, [y.length, V]), logits);

// build the layers once so that their variables exist before we list them
tf.tidy(() => {
  forward(new Int32Array(B * T), zeroState());
});
const vars = [...rnn.trainableWeights, ...dense.trainableWeights].map((w) => w.read());
const optimizer = tf.train.adam(opts.lr);

let state = zeroState();
let w = 0,
  lossEma = null;
const clock = makeClock(opts, B * T);
for (;;) {
  if (w === tr.nWindows) {
    w = 0;
    tf.dispose(state);
    state = zeroState();
  }
  const { x, y } = tr.window(w++);
  let kept;
  const { value, grads } = tf.variableGrads(() => {
    const { logits, newState } = forward(x, state);
    kept = newState.map((s) => tf.keep(s));
    return ceMean(logits, y);
  }, vars);
  tf.dispose(state);
  state = kept;
  const norm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))));
  const n = norm.dataSync()[0];
  norm.dispose();
  let applied = grads;
  if (n > opts.clip) {
    applied = tf.tidy(() => Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, opts.clip / n)])));
    tf.dispose(grads);
  }
  optimizer.applyGradients(applied);
  tf.dispose(applied);
  const lv = value.dataSync()[0];
  value.dispose();
  lossEma = lossEma === null ? lv : 0.95 * lossEma + 0.05 * lv;
  const e = clock.step();
  const s = clock.summary().steps;
  if (s % 20 === 0) process.stderr.write(`tfjs-${opts.backend} step ${s} loss ${lv.toFixed(3)} ${e.toFixed(1)}s\n`);
  if (e >= opts.seconds) break;
}
const summary = clock.summary();
tf.dispose(state);

const te = performance.now();
let total = 0,
  count = 0;
state = zeroState(1);
let valTruncated = false;
for (const { x, y } of valChunks(val, opts.valMax)) {
  if ((performance.now() - te) / 1000 >= opts.evalMaxSeconds) {
    valTruncated = true;
    break;
  }
  const out = tf.tidy(() => {
    const { logits, newState } = forward(x, state, 1, x.length);
    return [ceMean(logits, y), ...newState];
  });
  tf.dispose(state);
  const [ce, ...ns] = out;
  state = ns;
  total += ce.dataSync()[0] * y.length;
  count += y.length;
  ce.dispose();
}
tf.dispose(state);

console.log(
  JSON.stringify({
    peer: `tfjs-${opts.backend}`,
    cell: opts.cell,
    hidden: H,
    batch: B,
    seqLen: T,
    ...summary,
    trainLossEma: lossEma,
    valLoss: total / count,
    valChars: count,
    valTruncated,
    valStreams: 1,
    evalSeconds: (performance.now() - te) / 1000,
    maxRssMB: maxRssMB(),
    tfjs: tf.version.tfjs,
    backend: tf.getBackend(),
    wasm: wasmInfo,
    statefulCarry: true,
    input: 'one-hot float32 [B,T,V] built in JS',
  }),
);
