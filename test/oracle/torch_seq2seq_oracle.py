"""PyTorch oracle for the encoder-decoder: loads SeqLab's seq2seq tensors into nn.Embedding +
nn.RNN/GRU/LSTM + nn.Linear (the decoder's input at every step joined with the bridge's output, the
context), runs the same teacher-forced batch, and prints the logits, the loss and
every parameter's gradient as JSON.
Usage: /usr/bin/python3 torch_seq2seq_oracle.py TENSORS.safetensors CASE.json [TENSORS2 CASE2 ...]
TENSORS: the state_dict (names as src/engine/seq2seq/seq2seqParams.ts), F32.
CASE: cell ("RNN", "GRU" or "LSTM"), hidden, layers, bidirectional, input ("onehot" or "embedding"),
sourceVocab, targetVocab; src [B][S], tgtIn [B][T], tgtOut [B][T].
Prints one JSON list, a result per pair."""
import json

import torch
import torch.nn.functional as F

from torch_oracle import backward_result, load_safetensors, main


class Seq2Seq(torch.nn.Module):
    def __init__(self, case):
        super().__init__()
        rnn = {"RNN": torch.nn.RNN, "GRU": torch.nn.GRU, "LSTM": torch.nn.LSTM}[case["cell"]]
        H, L = case["hidden"], case["layers"]
        D = 2 if case["bidirectional"] else 1
        self.onehot = case["input"] == "onehot"
        self.Vs, self.Vt, self.H, self.L, self.D = case["sourceVocab"], case["targetVocab"], H, L, D
        self.lstm = case["cell"] == "LSTM"
        self.encoder = torch.nn.Module()
        self.decoder = torch.nn.Module()
        E = case["embedSize"]
        if not self.onehot:
            self.encoder.embed = torch.nn.Embedding(self.Vs, E)
            self.decoder.embed = torch.nn.Embedding(self.Vt, E)
        self.encoder.rnn = rnn(self.Vs if self.onehot else E, H, L, batch_first=True, bidirectional=D == 2)
        self.bridge = torch.nn.Linear(L * D * H, L * H)
        # the decoder reads x<t> = [token's vector ‖ ctx] at every step, ctx = tanh(bridge(r)) [L·H]
        self.decoder.rnn = rnn((self.Vt if self.onehot else E) + L * H, H, L, batch_first=True)
        self.decoder.head = torch.nn.Linear(H, self.Vt)

    def inputs(self, side, ids, V):
        return F.one_hot(ids, V).float() if self.onehot else side.embed(ids)

    def forward(self, src, tgt_in):
        B = src.shape[0]
        _, state = self.encoder.rnn(self.inputs(self.encoder, src, self.Vs))
        h_n = state[0] if self.lstm else state  # [L·D, B, H]: layer l's forward a→<S>, then backward a←<1>
        # r = r_1 ‖ … ‖ r_L per sequence, r_l = a→_l<S> ‖ a←_l<1>
        r = h_n.view(self.L, self.D, B, self.H).permute(2, 0, 1, 3).reshape(B, self.L * self.D * self.H)
        # a_l<0> = tanh(W_b·r + b_b)[block l] for every decoder layer l; c_l<0> = 0 (LSTM)
        ctx = torch.tanh(self.bridge(r))  # [B, L·H] = a_1<0> ‖ … ‖ a_L<0>
        a0 = ctx.view(B, self.L, self.H).permute(1, 0, 2).contiguous()
        h0 = (a0, torch.zeros_like(a0)) if self.lstm else a0
        T = tgt_in.shape[1]
        x = torch.cat([self.inputs(self.decoder, tgt_in, self.Vt), ctx.unsqueeze(1).expand(B, T, ctx.shape[1])], 2)
        out, _ = self.decoder.rnn(x, h0)
        return self.decoder.head(out)  # ŷ<t> = softmax(W_y·a_L<t> + b_y)  [B, T, Vt]


def run(tensors_path, case_path):
    tensors, _ = load_safetensors(tensors_path)
    case = json.load(open(case_path))
    model = Seq2Seq(case)
    named = dict(model.named_parameters())
    assert set(named) == set(tensors), (sorted(named), sorted(tensors))
    with torch.no_grad():
        for n, p in named.items():
            assert tuple(p.shape) == tuple(tensors[n].shape), (n, p.shape, tensors[n].shape)
            p.copy_(tensors[n])
    src = torch.tensor(case["src"], dtype=torch.long)
    tgt_in = torch.tensor(case["tgtIn"], dtype=torch.long)
    tgt_out = torch.tensor(case["tgtOut"], dtype=torch.long)
    logits = model(src, tgt_in)
    # L = (1/TB) Σ_t Σ_b −log ŷ<t>[y<t>]: mean over the target tokens, <EOS> included
    loss = F.cross_entropy(logits.reshape(-1, model.Vt), tgt_out.reshape(-1))
    return backward_result(loss, logits, named)


if __name__ == "__main__":
    main(run)
