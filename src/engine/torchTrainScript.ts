// The train.py of an exported PyTorch project (torchProject.ts writes it as it is): Python 3 and torch
// alone. Kept as text so that the engine's bundles carry it; the torch-project oracle tests run it.

export const TRAIN_PY = String.raw`"""Continue a SeqLab run on PyTorch: one process, or many with torchrun (DistributedDataParallel).

    python train.py --data FILE --steps S                       one process (a GPU when there is one)
    torchrun --nproc_per_node=N train.py --data FILE --steps S   N processes: gloo on CPU, nccl on GPUs

The model, its tokens, its batches and its updates are SeqLab's (README.md says which):
    x<t> = one_hot(token) or embed(token)  ->  nn.RNN | nn.GRU | nn.LSTM  ->  nn.Linear  ->  logits
    L = mean over the B.T predictions of -log softmax(logits)[next token]
The text is cut into B contiguous streams read side by side, T tokens at a time: the state a<T> (and
c<T>) of one window is a<0> of the next, and it is reset when the streams wrap round to their start.
With N processes each reads B/N of the streams; DDP averages the gradients, so N processes make the
same updates as one. Checkpoints are safetensors files, read and written below with json + struct.
"""

import argparse
import ctypes
import hashlib
import json
import math
import os
import re
import struct
import sys
import time

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_VAL_TOKENS = 65536  # validation reads at most this many tokens from the start of its text
UNK, EOS = "<UNK>", "<EOS>"
# The optimizer's state tensors as PyTorch names them: the first and second moment slots of SeqLab.
MOMENTS = {"adam": ("exp_avg", "exp_avg_sq"), "sgd": ("momentum_buffer", None),
           "rmsprop": (None, "square_avg"), "adagrad": (None, "sum")}


def fail(message):
    print("train.py: error: " + message, file=sys.stderr)
    sys.exit(1)


# ---------- safetensors: 8-byte length, a JSON header, raw little-endian float32 tensors ----------

def read_safetensors(path):
    try:
        with open(path, "rb") as f:
            (n,) = struct.unpack("<Q", f.read(8))
            header = json.loads(f.read(n))
            data = f.read()
    except (OSError, struct.error, ValueError) as e:
        fail("cannot read %s as safetensors: %s" % (path, e))
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, t in header.items():
        if t["dtype"] != "F32":
            fail("%s: tensor %s is %s; this script reads F32" % (path, name, t["dtype"]))
        a, b = t["data_offsets"]
        flat = torch.frombuffer(bytearray(data[a:b]), dtype=torch.float32) if b > a else torch.zeros(0)
        tensors[name] = flat.reshape(t["shape"])
    return tensors, meta


def write_safetensors(path, tensors, meta):
    """Writes atomically: a temporary file in the same folder, flushed, then renamed over path."""
    header, blobs, offset = {"__metadata__": meta}, [], 0
    for name, t in tensors.items():
        t = t.detach().to("cpu", torch.float32).contiguous()
        blob = ctypes.string_at(t.data_ptr(), t.numel() * 4) if t.numel() else b""
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    head = json.dumps(header).encode("utf-8")
    head += b" " * (-len(head) % 8)
    tmp = "%s.tmp-%d" % (path, os.getpid())
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(head)) + head)
        for blob in blobs:
            f.write(blob)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


# ---------- tokens: SeqLab's tokenizer (engine/tokenizer.ts) ----------

# A word: letters and digits, with inner apostrophes; any other character that is not a space is a
# token of its own. The spaces are JavaScript's \s, so that both tokenizers split alike.
SPACE = r"\t\n\v\f\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*|[^\w" + SPACE + r"]|_")


def pieces(text, tokenizer):
    if tokenizer["level"] == "char":
        return list(text)  # Unicode code points
    out, lines = [], re.split(r"\r?\n", text)
    for i, line in enumerate(lines):
        out += WORD.findall(line.lower() if tokenizer["lowercase"] else line)
        if i < len(lines) - 1:
            out.append(EOS)  # every line end; none after a last line without one
    return out


def encode(text, vocab, tokenizer, name):
    index = {t: i for i, t in enumerate(vocab)}
    ps = pieces(text, tokenizer)
    if tokenizer["level"] == "word":
        unk = index[UNK]
        return torch.tensor([index.get(p, unk) for p in ps], dtype=torch.long)
    missing = sorted({p for p in ps if p not in index})
    if missing:
        fail("%s has %d character(s) the model's vocabulary does not know: %s"
             % (name, len(missing), ", ".join(json.dumps(c) for c in missing[:10])))
    return torch.tensor([index[p] for p in ps], dtype=torch.long)


def read_text(path):
    try:
        with open(path, encoding="utf-8", newline="") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        fail("cannot read %s as UTF-8 text: %s" % (path, e))
    text = text[1:] if text.startswith("\ufeff") else text
    if not text:
        fail("%s is empty: there is nothing to learn from" % path)
    return text


def text_hash(text):
    """SeqLab's hash of a training text: a checkpoint continues its streams only on the same text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# ---------- the model ----------

class SeqLabModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed = nn.Embedding(c["vocabSize"], c["embedSize"]) if c["input"] == "embedding" else None
        rnn = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[c["cell"]]
        inputs = c["embedSize"] if self.embed is not None else c["vocabSize"]
        dropout = c["dropout"] if c["layers"] > 1 else 0.0  # between stacked layers only
        self.rnn = rnn(inputs, c["hidden"], num_layers=c["layers"], batch_first=True, dropout=dropout)
        self.head = nn.Linear(c["hidden"], c["classes"])

    def forward(self, x, state):
        """x: [b, t] token ids; state: a<0> [layers, b, H] (LSTM: (a<0>, c<0>)). Returns logits, a<t>."""
        inputs = self.embed(x) if self.embed is not None else F.one_hot(x, self.c["vocabSize"]).float()
        out, state = self.rnn(inputs, state)
        return self.head(out), state

    def initial_state(self, b, device, generator=None):
        """a<0> (and c<0>) of b streams: zeros, or U(-0.1, 0.1) for initState = random."""
        shape = (self.c["layers"], b, self.c["hidden"])

        def one():
            if self.c["initState"] != "random":
                return torch.zeros(shape, device=device)
            return (torch.rand(shape, generator=generator) * 0.2 - 0.1).to(device)

        return (one(), one()) if self.c["cell"] == "lstm" else one()


def detach(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def state_tensors(state):
    return list(state) if isinstance(state, tuple) else [state]


@torch.no_grad()
def evaluate(model, tokens, B, T, device):
    """Nats per predicted token of a text read as B streams in windows of T, the state carried
    (SeqLab's engine/evaluate.ts; seqlab eval reads one stream)."""
    B = max(1, min(B, (len(tokens) - 1) // 2))
    L = len(tokens) // B
    if L < 2:
        return None
    T = min(T, L - 1)
    streams = tokens[: B * L].view(B, L).to(device)
    was_training = model.training
    model.eval()
    state = model.initial_state(B, device, torch.Generator().manual_seed(0))
    total, count = 0.0, 0
    for p in range(0, L - 1, T):
        t = min(T, L - 1 - p)
        logits, state = model(streams[:, p : p + t], state)
        target = streams[:, p + 1 : p + t + 1]
        total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), reduction="sum").item()
        count += t * B
    model.train(was_training)
    return total / count


# ---------- the optimizer: SeqLab's (engine/optim.ts), PyTorch's update rules ----------

def make_optimizer(params, train):
    kind, lr = train["optimizer"], train["lr"]
    if kind == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-8)
    if kind == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=train["momentum"])
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=0.99, eps=1e-8)
    if kind == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, eps=1e-10)
    fail("unknown optimizer %r" % kind)


def load_optimizer_state(opt, model, tensors, meta, device):
    """The moments saved under optimizer.<slot>.<parameter>, when the checkpoint has them for every parameter."""
    saved = json.loads(meta.get("optimizer", "{}"))
    names = [n for n, _ in model.named_parameters()]
    slots = [s for s in MOMENTS[saved.get("kind", "")] if s] if saved.get("kind") in MOMENTS else []
    if not slots or not all("optimizer.%s.%s" % (s, n) in tensors for s in slots for n in names):
        return
    state = {}
    for i, n in enumerate(names):
        state[i] = {s: tensors["optimizer.%s.%s" % (s, n)].to(device) for s in slots}
        state[i]["step"] = torch.tensor(float(saved["t"]))
    opt.load_state_dict({"state": state, "param_groups": opt.state_dict()["param_groups"]})


def optimizer_tensors(opt, model, kind):
    out, t = {}, 0
    for p, (n, _) in zip(model.parameters(), model.named_parameters()):
        s = opt.state.get(p, {})
        if "step" in s:
            t = int(float(s["step"]))
        for slot in MOMENTS[kind]:
            if slot:
                value = s.get(slot)
                out["optimizer.%s.%s" % (slot, n)] = value if value is not None else torch.zeros_like(p)
    return out, t


def learning_rate(train, step):
    """lr . decay^floor(step / every), step = the updates before this one."""
    return train["lr"] * train["lrDecay"] ** (step // train["lrDecayEvery"])


# ---------- the run ----------

def parse_args():
    p = argparse.ArgumentParser(description="Continue a SeqLab run on PyTorch (README.md).")
    p.add_argument("--data", help="the training text (UTF-8)")
    p.add_argument("--val", help="validation text (default: the held-out end of --data, as SeqLab)")
    p.add_argument("--steps", type=int, default=0, help="updates to make (0: use --seconds)")
    p.add_argument("--seconds", type=float, default=0, help="train this long (0: use --steps)")
    p.add_argument("--init", default=os.path.join(HERE, "initial.safetensors"),
                   help="checkpoint to start from (default: the exported run, initial.safetensors)")
    p.add_argument("--out", default=os.path.join(HERE, "checkpoint.safetensors"), help="checkpoint to write")
    p.add_argument("--log", help="append one JSON line per step: step, loss, val_loss, chars_per_sec")
    p.add_argument("--eval", metavar="FILE",
                   help="print the --init checkpoint's loss on FILE as seqlab eval computes it, and exit")
    a = p.parse_args()
    if a.eval is None and (a.data is None or not (a.steps > 0 or a.seconds > 0)):
        p.error("give --data FILE and a budget: --steps S or --seconds T")
    return a


def main():
    args = parse_args()
    distributed = "LOCAL_RANK" in os.environ  # started by torchrun
    rank, world, local = 0, 1, 0
    if distributed:
        local = int(os.environ["LOCAL_RANK"])
    cuda = torch.cuda.is_available()
    device = torch.device("cuda", local) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    if distributed:
        dist.init_process_group("nccl" if cuda else "gloo")
        rank, world = dist.get_rank(), dist.get_world_size()

    tensors, meta = read_safetensors(args.init)
    for key in ("config", "vocab", "tokenizer", "train"):
        if key not in meta:
            fail("%s has no %r metadata: export it with seqlab export --format torch-project" % (args.init, key))
    c, vocab = json.loads(meta["config"]), json.loads(meta["vocab"])
    tokenizer, train = json.loads(meta["tokenizer"]), json.loads(meta["train"])
    model = SeqLabModel(c)
    missing = [n for n in model.state_dict() if n not in tensors]
    if missing:
        fail("%s has no tensor %s" % (args.init, ", ".join(missing)))
    model.load_state_dict({n: tensors[n] for n in model.state_dict()})
    model.to(device)

    if args.eval:
        tokens = encode(read_text(args.eval), vocab, tokenizer, args.eval)
        loss = evaluate(model, tokens, 1, train["seqLength"], device)
        print(json.dumps({"loss": loss, "tokens": len(tokens) - 1}))
        return

    torch.manual_seed(train["seed"] + rank)  # dropout masks and a random a<0> (PyTorch's generator)
    text = read_text(args.data)
    tokens = encode(text, vocab, tokenizer, args.data)
    if args.val:
        val = encode(read_text(args.val), vocab, tokenizer, args.val)
    else:  # SeqLab's split: the last valFraction of the tokens
        n_val = math.floor(len(tokens) * train["valFraction"])
        if train["valFraction"] > 0 and n_val < 2:
            n_val = 0
        tokens, val = tokens[: len(tokens) - n_val], tokens[len(tokens) - n_val :]
    val = val[:MAX_VAL_TOKENS]

    B, T = train["batchSize"], train["seqLength"]
    if B % world:
        fail("the %d streams (batchSize) do not divide among %d processes; use a process count that divides %d"
             % (B, world, B))
    L = len(tokens) // B  # the length of every stream
    if L < T + 1:
        fail("the training text has %d tokens, fewer than batchSize x (seqLength + 1) = %d"
             % (len(tokens), B * (T + 1)))
    share = B // world  # this process reads streams rank.share ... (rank + 1).share - 1
    streams = tokens[: B * L].view(B, L)[rank * share : (rank + 1) * share].to(device)

    step = int(meta.get("step", "0"))
    position, state = 0, model.initial_state(share, device)
    same_run = meta.get("textHash") == text_hash(text) and "state.h" in tensors
    if same_run and tensors["state.h"].shape == (c["layers"], B, c["hidden"]):
        # the checkpoint's text: carry on where its streams were, with their state
        position = int(meta["position"])
        saved = [tensors["state.h"]] + ([tensors["state.c"]] if c["cell"] == "lstm" else [])
        saved = [s[:, rank * share : (rank + 1) * share].contiguous().to(device) for s in saved]
        state = tuple(saved) if c["cell"] == "lstm" else saved[0]

    net = nn.parallel.DistributedDataParallel(model, device_ids=[local] if cuda else None) if distributed else model
    opt = make_optimizer(model.parameters(), train)
    load_optimizer_state(opt, model, tensors, meta, device)

    def save(step):
        full = []
        for s in state_tensors(state):  # every process's streams, in stream order
            parts = [torch.empty_like(s) for _ in range(world)] if distributed else [s]
            if distributed:
                dist.all_gather(parts, s.contiguous())
            full.append(torch.cat(parts, dim=1))
        if rank != 0:
            return
        out = {n: p for n, p in model.state_dict().items()}
        moments, t = optimizer_tensors(opt, model, train["optimizer"])
        out.update(moments)
        out["state.h"] = full[0]
        if c["cell"] == "lstm":
            out["state.c"] = full[1]
        m = dict(meta)
        m.update(step=str(step), position=str(position), textHash=text_hash(text),
                 optimizer=json.dumps({"kind": train["optimizer"], "t": t}))
        write_safetensors(args.out, out, m)

    log = open(args.log, "a") if args.log and rank == 0 else None
    first, start, stop = step, time.time(), False
    total = step + args.steps if args.steps > 0 else 0
    params = list(model.parameters())
    limit = max(3 * math.log(c["vocabSize"]), 10)
    loss_value, val_loss = float("nan"), None
    while not ((total and step >= total) or stop):
        if position + T + 1 > L:  # the streams wrap round to their start: a fresh a<0>
            position, state = 0, model.initial_state(share, device)
        x, y = streams[:, position : position + T], streams[:, position + 1 : position + T + 1]
        position += T
        logits, state = net(x, state)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        opt.zero_grad()
        loss.backward()  # DDP: gradients averaged over the processes = the gradient of the mean over all B streams
        # global-norm clipping (SeqLab's clip; 0 = off): g <- g . clip / (||g|| + 1e-6) when ||g|| > clip
        norm = float(torch.nn.utils.clip_grad_norm_(params, train["clip"] if train["clip"] > 0 else float("inf")))
        flags = torch.tensor([loss.item(), 1.0 if args.seconds and time.time() - start >= args.seconds else 0.0],
                             device=device)
        if distributed:
            dist.all_reduce(flags)
        loss_value, stop = float(flags[0]) / world, bool(flags[1] > 0)
        if not math.isfinite(loss_value) or not math.isfinite(norm) or (step > 10 and loss_value > limit):
            fail("training diverged at step %d (loss %s); lower the learning rate or the clip threshold"
                 % (step + 1, loss_value))
        for g in opt.param_groups:
            g["lr"] = learning_rate(train, step)
        opt.step()
        state = detach(state)
        step += 1
        last = (total and step >= total) or stop
        val_loss = None
        if last or step % train["evalEvery"] == 0:
            if rank == 0 and len(val) >= 3:
                val_loss = evaluate(model, val, B, T, device)
            save(step)
        rate = (step - first) * B * T / max(time.time() - start, 1e-9)
        if log:
            log.write(json.dumps({"step": step, "loss": loss_value, "val_loss": val_loss, "chars_per_sec": rate}) + "\n")
            log.flush()
    if rank == 0:
        print(json.dumps({"steps": step, "loss": loss_value, "val_loss": val_loss,
                          "chars_per_sec": (step - first) * B * T / max(time.time() - start, 1e-9),
                          "checkpoint": args.out}))
    if distributed:
        dist.barrier()  # every process is done with the process group ...
        del net  # ... and DDP lets go of it before it is destroyed
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
