"""PyTorch oracle of a reading's activations: loads a SeqLab torch export into nn.RNN/GRU/LSTM, feeds
the case's token ids one step at a time from a zero state, and prints every layer's h (and an LSTM's c)
after each token. Usage: /usr/bin/python3 torch_activations_oracle.py EXPORT.safetensors CASE.json [...]
CASE: {"ids": [T]}. Prints one JSON list, per pair {"h": [layer][t][unit], "c": [layer][t][unit] or null}."""
import json

import torch
import torch.nn.functional as F

from torch_oracle import load_safetensors, main


def run(export_path, case_path):
    tensors, meta = load_safetensors(export_path)
    ids = torch.tensor(json.load(open(case_path))["ids"], dtype=torch.long)
    module = json.loads(meta["module"])
    V = len(json.loads(meta["vocab"]))
    r = module["rnn"]
    lstm = r["class"] == "LSTM"
    cls = {"RNN": torch.nn.RNN, "GRU": torch.nn.GRU, "LSTM": torch.nn.LSTM}[r["class"]]
    in_size = module["embed"]["embedding_dim"] if meta["input"] == "embedding" else V
    rnn = cls(in_size, r["hidden_size"], num_layers=r["num_layers"], batch_first=True)
    embed = torch.nn.Embedding(V, in_size) if meta["input"] == "embedding" else None
    with torch.no_grad():
        for n, p in rnn.named_parameters():
            p.copy_(tensors["rnn." + n])
        if embed is not None:
            embed.weight.copy_(tensors["embed.weight"])
        x = embed(ids) if embed is not None else F.one_hot(ids, V).float()
        state = None
        hs, cs = [], []
        for t in range(len(ids)):
            _, state = rnn(x[t].reshape(1, 1, -1), state)
            h, c = state if lstm else (state, None)
            hs.append(h[:, 0, :])  # [L, H]: every layer's a<t>
            if lstm:
                cs.append(c[:, 0, :])
        per_layer = lambda steps: torch.stack(steps, dim=1).tolist()  # [L, T, H]
        return {"h": per_layer(hs), "c": per_layer(cs) if lstm else None}


if __name__ == "__main__":
    main(run)
