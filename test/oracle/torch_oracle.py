"""PyTorch oracle: loads a SeqLab torch export into nn.RNN/GRU/LSTM + nn.Linear, runs the same
input, and prints logits, loss and every parameter's gradient as JSON.
Usage: /usr/bin/python3 torch_oracle.py EXPORT.safetensors CASE.json [EXPORT2 CASE2 ...]
CASE: ids as [B][T] (−1: a zero input x<t> = 0); task ("lm", "tag", "classify" or "conditional") and
pool ("last" or "mean"); targets as [B][T] (lm, tag, conditional: one per token) or [B] (classify: one
per sequence); labels as [B] (conditional: each sequence's label, which sets h0).
Prints one JSON list, a result per pair."""
import json
import struct
import sys

import torch
import torch.nn.functional as F


def load_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, t in header.items():
        assert t["dtype"] == "F32"
        b, e = t["data_offsets"]
        buf = bytearray(raw[8 + n + b:8 + n + e])
        tensors[name] = torch.frombuffer(buf, dtype=torch.float32).reshape(t["shape"]).clone()
    return tensors, meta


def readout(out, h_n, pool, bidirectional, H):
    """r: one row per sequence from the top layer's outputs out [B, T, D·H] (batch_first).
    last, one direction:  r = a<T>                = out[:, -1, :]
    last, bidirectional:  r = a→<T> ‖ a←<1>       = out[:, -1, :H] ‖ out[:, 0, H:]
                          (each direction's final state: the backward one ends at t = 1)
    mean:                 r = (1/T) Σ_t a<t>      = out.mean(dim=1)"""
    if pool == "mean":
        return out.mean(dim=1)
    if bidirectional:
        r = torch.cat([out[:, -1, :H], out[:, 0, H:]], dim=1)
        # the same as the top layer's h_n of both directions
        assert torch.equal(r, torch.cat([h_n[-2], h_n[-1]], dim=1))
        return r
    r = out[:, -1, :]
    assert torch.equal(r, h_n[-1])
    return r


def run(export_path, case_path):
    tensors, meta = load_safetensors(export_path)
    case = json.load(open(case_path))
    module = json.loads(meta["module"])
    vocab = json.loads(meta["vocab"])
    V = len(vocab)
    r = module["rnn"]
    cls = {"RNN": torch.nn.RNN, "GRU": torch.nn.GRU, "LSTM": torch.nn.LSTM}[r["class"]]
    in_size = module["embed"]["embedding_dim"] if meta["input"] == "embedding" else V
    H = r["hidden_size"]
    rnn = cls(in_size, H, num_layers=r["num_layers"], batch_first=True, bidirectional=r["bidirectional"])
    # C = classes: V for a language model, the number of tags or labels otherwise
    C = module["head"]["out_features"]
    head = torch.nn.Linear(module["head"]["in_features"], C)
    named = {}
    for n, p in rnn.named_parameters():
        named["rnn." + n] = p
    for n, p in head.named_parameters():
        named["head." + n] = p
    embed = None
    if meta["input"] == "embedding":
        embed = torch.nn.Embedding(V, in_size)
        named["embed.weight"] = embed.weight
    cond_embed, cond_layers = None, []
    if meta["task"] == "conditional":
        cond_embed = torch.nn.Embedding(tensors["cond.embed.weight"].shape[0], H)
        named["cond.embed.weight"] = cond_embed.weight
        for l in range(r["num_layers"]):
            cond_layers.append(torch.nn.Linear(H, H))
            named[f"cond.weight_l{l}"] = cond_layers[l].weight
            named[f"cond.bias_l{l}"] = cond_layers[l].bias
    assert set(named) == set(tensors), (sorted(named), sorted(tensors))
    with torch.no_grad():
        for n, p in named.items():
            assert tuple(p.shape) == tuple(tensors[n].shape), (n, p.shape, tensors[n].shape)
            p.copy_(tensors[n])
    ids = torch.tensor(case["ids"], dtype=torch.long)
    targets = torch.tensor(case["targets"], dtype=torch.long)
    known = ids.clamp(min=0)
    x = embed(known) if embed is not None else F.one_hot(known, V).float()
    x = x.masked_fill((ids < 0).unsqueeze(-1), 0.0)
    if cond_embed is not None:
        # conditional: v = E_c[label], h0[l] = tanh(W_c[l]·v + b_c[l]); an LSTM's c0 = 0
        v = cond_embed(torch.tensor(case["labels"], dtype=torch.long))
        h0 = torch.stack([torch.tanh(lin(v)) for lin in cond_layers])
        out, state = rnn(x, (h0, torch.zeros_like(h0)) if r["class"] == "LSTM" else h0)
    else:
        out, state = rnn(x)
    h_n = state[0] if r["class"] == "LSTM" else state
    if case["task"] == "classify":
        # many-to-one: ŷ = softmax(Wy·r + by), L = (1/B) Σ_b −log ŷ[y]
        logits = head(readout(out, h_n, case["pool"], r["bidirectional"], H))
        loss = F.cross_entropy(logits, targets)
    else:
        # many-to-many: ŷ<t> = softmax(Wy·a<t> + by), L = (1/TB) Σ_t Σ_b −log ŷ<t>[y<t>]
        logits = head(out)
        loss = F.cross_entropy(logits.reshape(-1, C), targets.reshape(-1))
    return backward_result(loss, logits, named)


def backward_result(loss, logits, named):
    """Backpropagates the loss; the result the parity tests read: loss, logits, each parameter's gradient."""
    loss.backward()
    return {
        "torch": torch.__version__,
        "loss": loss.item(),
        "logits": logits.detach().reshape(-1).tolist(),
        "grads": {n: p.grad.reshape(-1).tolist() for n, p in named.items()},
    }


def main(run):
    """Prints one JSON list: run(TENSORS, CASE) for each pair of arguments."""
    args = sys.argv[1:]
    json.dump([run(args[i], args[i + 1]) for i in range(0, len(args), 2)], sys.stdout)


if __name__ == "__main__":
    main(run)
