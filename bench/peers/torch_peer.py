#!/usr/bin/python3
"""PyTorch peer for `npm run bench` (run with Debian's /usr/bin/python3, which has python3-torch).

Model: one-hot input built with F.one_hot(x, V).float() (a dense [B, T, V] tensor fed to the
cell, so the input projection is a real V x 4H matmul, same as the reference workload), then
nn.LSTM / nn.GRU / nn.RNN(tanh) (1 layer, batch_first) + nn.Linear(H, V). PyTorch default init.
Training: B parallel streams, truncated BPTT over windows of T, hidden state carried and
detached between windows (reset to zero when the stream wraps), Adam(lr), clip_grad_norm_(clip).
Data, split and validation rules mirror bench/lib/data.mjs exactly.

Threads: --threads N calls torch.set_num_threads(N) (and set_num_threads_interop(1));
OpenBLAS threads come from the OPENBLAS_NUM_THREADS env var set by the harness.
Prints progress on stderr and one JSON result line on stdout.
"""
import argparse
import json
import math
import os
import resource
import sys
import time

BLAS_LINK = "/etc/alternatives/libblas.so.3-x86_64-linux-gnu"


def blas_info():
    try:
        return os.path.realpath(BLAS_LINK)
    except OSError as e:  # pragma: no cover
        return "unknown (%s)" % e


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--cell", default="lstm", choices=["rnn", "gru", "lstm"])
    ap.add_argument("--hidden", type=int, default=256)
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
    a = ap.parse_args()

    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except Exception as e:  # noqa: BLE001
        print(json.dumps({"skipped": "cannot import torch in %s: %s" % (sys.executable, e)}))
        return
    if a.check:
        print(json.dumps({"ok": True, "torch": torch.__version__, "blas": blas_info()}))
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

    def layout(arr):
        stream_len = (len(arr) - 1) // B
        n_win = stream_len // T
        if n_win < 1:
            raise SystemExit("text too short for %d streams of %d" % (B, T))
        # [B, stream_len + 1] view of the streams (the +1 is the last window's target)
        rows = torch.stack([arr[b * stream_len: b * stream_len + stream_len + 1] for b in range(B)])
        return rows, n_win

    train_rows, n_win = layout(train)

    class CharModel(nn.Module):
        def __init__(self):
            super().__init__()
            cls = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[a.cell]
            self.rnn = cls(V, H, num_layers=1, batch_first=True)
            self.head = nn.Linear(H, V)

        def forward(self, x, h):
            out, h = self.rnn(F.one_hot(x, V).float(), h)
            return self.head(out), h

    model = CharModel()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    params = list(model.parameters())

    def zero_state():
        z = torch.zeros(1, B, H)
        return (z, z.clone()) if a.cell == "lstm" else z

    def detach(h):
        return tuple(t.detach() for t in h) if isinstance(h, tuple) else h.detach()

    def window(rows, w):
        s = w * T
        return rows[:, s:s + T], rows[:, s + 1:s + T + 1]

    warm_s = min(a.warmup_seconds, 0.1 * a.seconds)
    h = zero_state()
    steps, w = 0, 0
    w_steps, w_time = -1, 0.0
    loss_ema = None
    t0 = time.perf_counter()
    last = 0.0
    while True:
        if w == n_win:
            w, h = 0, zero_state()
        x, y = window(train_rows, w)
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
    # validation: first val_max chars of the validation part, B streams, carried state
    val_rows, val_win = layout(val[: min(len(val), a.val_max)])
    model.eval()
    te = time.perf_counter()
    total, count = 0.0, 0
    val_truncated = False
    with torch.no_grad():
        h = zero_state()
        for vw in range(val_win):
            if time.perf_counter() - te >= a.eval_max_seconds:
                val_truncated = True
                break
            x, y = window(val_rows, vw)
            logits, h = model(x, h)
            total += F.cross_entropy(logits.reshape(-1, V), y.reshape(-1), reduction="sum").item()
            count += y.numel()
    eval_s = time.perf_counter() - te
    print(json.dumps({
        "peer": "torch", "cell": a.cell, "hidden": H, "batch": B, "seqLen": T,
        "steps": steps, "trainSeconds": last, "warmupSteps": w_steps if w_steps >= 0 else None,
        "charsPerSec": cps, "trainLossEma": loss_ema,
        "valLoss": total / count, "valChars": count, "valTruncated": val_truncated, "evalSeconds": eval_s,
        "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "torch": torch.__version__, "blas": blas_info(),
        "torchThreads": torch.get_num_threads(),
        "openblasThreads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "input": "F.one_hot(x, V).float() dense [B,T,V]",
    }))


if __name__ == "__main__":
    main()
