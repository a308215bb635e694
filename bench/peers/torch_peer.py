#!/usr/bin/python3
"""PyTorch peer for `npm run bench` (run with Debian's /usr/bin/python3, which has python3-torch).

Model: the input x<t> is either one-hot, F.one_hot(x, V).float() (a dense [B, T, V] tensor fed to
the cell, so the input projection is a real V x G·H matmul, same as the reference workload), or
with --embedding E a learned nn.Embedding(V, E); then nn.LSTM / nn.GRU / nn.RNN(tanh) (1 layer,
batch_first) + nn.Linear(H, V), modules named embed / rnn / head as in `seqlab export --format
torch`. PyTorch default init.
Training: B parallel streams, truncated BPTT over windows of T, hidden state carried and
detached between windows (reset to zero when the stream wraps), Adam(lr), clip_grad_norm_(clip).
Data and split mirror bench/lib/data.mjs exactly.
Validation, as `seqlab eval CKPT SLICE` scores SeqLab (src/engine/evaluate.ts with B = 1): ONE
stream over the first --val-max chars of the validation part, a<0> = 0 (c<0> = 0), the chars fed
in chunks of EVAL_CHUNK with (a, c) carried between them; mean cross-entropy (nats) over every
predicted char, i.e. len(slice) - 1 predictions. Stops after --eval-max-seconds (valTruncated).

Threads: --threads N calls torch.set_num_threads(N) (and set_num_threads_interop(1));
OpenBLAS threads come from the OPENBLAS_NUM_THREADS env var set by the harness.
Prints progress on stderr and one JSON result line on stdout.

  --check                 one JSON line {ok, torch, blas, blasConfig} (or {skipped})
  --score EXPORT --text F  score F with a `seqlab export --format torch` file the same way as the
                           validation slice: {loss, chars} (what the oracle test compares with
                           `seqlab eval`)
"""
import argparse
import ctypes
import json
import math
import os
import resource
import struct
import sys
import time

BLAS_LINK = "/etc/alternatives/libblas.so.3-x86_64-linux-gnu"
EVAL_CHUNK = 1024  # chars per forward call of the one-stream evaluation


def blas_info():
    try:
        return os.path.realpath(BLAS_LINK)
    except OSError as e:  # pragma: no cover
        return "unknown (%s)" % e


def blas_config():
    """OpenBLAS's own description of itself (version, kernel, threads), None for another BLAS."""
    try:
        lib = ctypes.CDLL(blas_info())
        lib.openblas_get_config.restype = ctypes.c_char_p
        return lib.openblas_get_config().decode()
    except (OSError, AttributeError):
        return None


def char_model(nn, F, cell, V, H, E):
    """embed (only when E > 0) -> rnn -> head, the names of SeqLab's torch export."""

    class CharModel(nn.Module):
        def __init__(self):
            super().__init__()
            cls = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell]
            if E > 0:
                self.embed = nn.Embedding(V, E)
            self.rnn = cls(E if E > 0 else V, H, num_layers=1, batch_first=True)
            self.head = nn.Linear(H, V)

        def forward(self, x, h):
            inp = self.embed(x) if E > 0 else F.one_hot(x, V).float()
            out, h = self.rnn(inp, h)
            return self.head(out), h

    return CharModel()


def zero_state(torch, cell, B, H):
    z = torch.zeros(1, B, H)
    return (z, z.clone()) if cell == "lstm" else z


def score_stream(torch, F, model, cell, H, V, ids, max_seconds):
    """One stream over ids from a zero state: mean cross-entropy of ids[1:] given ids[:-1],
    EVAL_CHUNK chars per call with the state carried. Returns (loss, chars scored, truncated)."""
    model.eval()
    t0 = time.perf_counter()
    total, count, truncated = 0.0, 0, False
    with torch.no_grad():
        h = zero_state(torch, cell, 1, H)
        for s in range(0, len(ids) - 1, EVAL_CHUNK):
            if time.perf_counter() - t0 >= max_seconds:
                truncated = True
                break
            e = min(s + EVAL_CHUNK, len(ids) - 1)
            x, y = ids[s:e].unsqueeze(0), ids[s + 1:e + 1]
            logits, h = model(x, h)
            total += F.cross_entropy(logits.reshape(-1, V), y, reduction="sum").item()
            count += e - s
    return (total / count if count else None), count, truncated


def load_safetensors(torch, path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, t in header.items():
        b, e = t["data_offsets"]
        buf = bytearray(raw[8 + n + b:8 + n + e])
        tensors[name] = torch.frombuffer(buf, dtype=torch.float32).reshape(t["shape"]).clone()
    return tensors, meta


def score_export(torch, nn, F, export_path, text_path):
    tensors, meta = load_safetensors(torch, export_path)
    config = json.loads(meta["config"])
    vocab = json.loads(meta["vocab"])
    V, H = len(vocab), config["hidden"]
    E = config["embedSize"] if meta["input"] == "embedding" else 0
    model = char_model(nn, F, config["cell"], V, H, E)
    model.load_state_dict(tensors)
    index = {c: i for i, c in enumerate(vocab)}
    with open(text_path, encoding="utf-8") as f:
        ids = torch.tensor([index[c] for c in f.read()], dtype=torch.long)
    loss, count, _ = score_stream(torch, F, model, config["cell"], H, V, ids, math.inf)
    print(json.dumps({"loss": loss, "chars": count}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus")
    ap.add_argument("--cell", default="lstm", choices=["rnn", "gru", "lstm"])
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--embedding", type=int, default=0, help="E > 0: nn.Embedding(V, E) input; 0: one-hot")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq-len", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--clip", type=float, default=5.0)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--val-fraction", type=float, default=0.1)
    ap.add_argument("--val-max", type=int, default=65536)
    ap.add_argument("--warmup-steps", type=int, default=5)
    ap.add_argument("--warmup-seconds", type=float, default=2.0)
    ap.add_argument("--eval-max-seconds", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--check", action="store_true", help="only check that torch imports")
    ap.add_argument("--score", help="a `seqlab export --format torch` file to score --text with")
    ap.add_argument("--text", help="the text --score reads")
    a = ap.parse_args()

    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except Exception as e:  # noqa: BLE001
        print(json.dumps({"skipped": "cannot import torch in %s: %s" % (sys.executable, e)}))
        return
    if a.check:
        print(json.dumps({"ok": True, "torch": torch.__version__, "blas": blas_info(), "blasConfig": blas_config()}))
        return
    if a.score:
        score_export(torch, nn, F, a.score, a.text)
        return

    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass

    with open(a.corpus, encoding="utf-8") as f:
        text = f.read()
    vocab = sorted(set(text))
    index = {c: i for i, c in enumerate(vocab)}
    ids = torch.tensor([index[c] for c in text], dtype=torch.long)
    n = len(ids)
    val_len = int(math.floor(n * a.val_fraction))
    split = n - val_len
    train, val = ids[:split], ids[split:]
    V, B, T, H = len(vocab), a.batch, a.seq_len, a.hidden

    stream_len = (len(train) - 1) // B
    n_win = stream_len // T
    if n_win < 1:
        raise SystemExit("text too short for %d streams of %d" % (B, T))
    # [B, stream_len + 1] view of the streams (the +1 is the last window's target)
    train_rows = torch.stack([train[b * stream_len: b * stream_len + stream_len + 1] for b in range(B)])

    model = char_model(nn, F, a.cell, V, H, a.embedding)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    params = list(model.parameters())

    def detach(h):
        return tuple(t.detach() for t in h) if isinstance(h, tuple) else h.detach()

    warm_s = min(a.warmup_seconds, 0.1 * a.seconds)
    h = zero_state(torch, a.cell, B, H)
    steps, w = 0, 0
    w_steps, w_time = -1, 0.0
    loss_ema = None
    t0 = time.perf_counter()
    last = 0.0
    while True:
        if w == n_win:
            w, h = 0, zero_state(torch, a.cell, B, H)
        s = w * T
        x, y = train_rows[:, s:s + T], train_rows[:, s + 1:s + T + 1]
        w += 1
        logits, h = model(x, h)
        h = detach(h)
        loss = F.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, a.clip)
        opt.step()
        lv = loss.item()
        loss_ema = lv if loss_ema is None else 0.95 * loss_ema + 0.05 * lv
        steps += 1
        last = time.perf_counter() - t0
        if w_steps < 0 and steps >= a.warmup_steps and last >= warm_s:
            w_steps, w_time = steps, last
        if steps % 50 == 0:
            print("torch step %d loss %.3f %.1fs" % (steps, lv, last), file=sys.stderr)
        if last >= a.seconds:
            break

    cpb = B * T
    if w_steps >= 0 and steps > w_steps:
        cps = cpb * (steps - w_steps) / (last - w_time)
    else:
        cps = cpb * steps / last
    te = time.perf_counter()
    val_loss, val_chars, val_truncated = score_stream(
        torch, F, model, a.cell, H, V, val[: min(len(val), a.val_max)], a.eval_max_seconds)
    eval_s = time.perf_counter() - te
    print(json.dumps({
        "peer": "torch", "cell": a.cell, "hidden": H, "batch": B, "seqLen": T,
        "steps": steps, "trainSeconds": last, "warmupSteps": w_steps if w_steps >= 0 else None,
        "charsPerSec": cps, "trainLossEma": loss_ema,
        "valLoss": val_loss, "valChars": val_chars, "valTruncated": val_truncated, "evalSeconds": eval_s,
        "valStreams": 1,
        "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "torch": torch.__version__, "blas": blas_info(),
        "torchThreads": torch.get_num_threads(),
        "openblasThreads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "input": "nn.Embedding(V, %d)" % a.embedding if a.embedding > 0 else "F.one_hot(x, V).float() dense [B,T,V]",
    }))


if __name__ == "__main__":
    main()
