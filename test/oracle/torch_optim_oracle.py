"""PyTorch oracle for the optimizers: runs torch.optim (Adam, SGD with momentum, RMSprop, Adagrad)
with torch.optim.lr_scheduler.StepLR on given parameters and per-step gradients, and
torch.nn.utils.clip_grad_norm_ on a given gradient.
Usage: /usr/bin/python3 torch_optim_oracle.py CASES.json
CASES: {"optimizers": [{kind, lr, momentum, decay, every, params, grads: [[...] per step]}],
        "clip": {grad, maxNorm}}.
Prints one JSON object: {"optimizers": [{params: [[...] after each step], state: {name: [[...] after each step]}}],
                         "clip": {grad, norm}}."""
import json
import sys

import torch

# SeqLab's state buffers by the name torch gives them.
STATE = {"adam": ["exp_avg", "exp_avg_sq"], "sgd": ["momentum_buffer"], "rmsprop": ["square_avg"], "adagrad": ["sum"]}


def optimizer(kind, p, lr, momentum):
    if kind == "adam":
        return torch.optim.Adam([p], lr=lr)
    if kind == "sgd":
        return torch.optim.SGD([p], lr=lr, momentum=momentum)
    if kind == "rmsprop":
        return torch.optim.RMSprop([p], lr=lr)
    if kind == "adagrad":
        return torch.optim.Adagrad([p], lr=lr)
    raise ValueError(kind)


def run_optimizer(case):
    p = torch.tensor(case["params"], dtype=torch.float32, requires_grad=True)
    opt = optimizer(case["kind"], p, case["lr"], case["momentum"])
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=case["every"], gamma=case["decay"])
    params, state = [], {name: [] for name in STATE[case["kind"]]}
    for g in case["grads"]:
        p.grad = torch.tensor(g, dtype=torch.float32)
        opt.step()
        sched.step()
        params.append(p.detach().tolist())
        for name in state:
            state[name].append(opt.state[p][name].tolist())
    return {"params": params, "state": state}


def run_clip(case):
    p = torch.zeros(len(case["grad"]), dtype=torch.float32, requires_grad=True)
    p.grad = torch.tensor(case["grad"], dtype=torch.float32)
    norm = torch.nn.utils.clip_grad_norm_([p], case["maxNorm"])
    return {"grad": p.grad.tolist(), "norm": float(norm)}


def main():
    cases = json.load(open(sys.argv[1]))
    out = {"optimizers": [run_optimizer(c) for c in cases["optimizers"]], "clip": run_clip(cases["clip"])}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
