#!/usr/bin/python3
"""torch.optim.SGD, RMSprop, Adam and AdamW with every option, three steps on fixed
parameters and gradients (float64), for nn/optim_fixture_test.go.
Run: /usr/bin/python3 make_optim_fixture.py"""
import json
import torch

torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(11)
start = torch.randn(2, 3, generator=gen)
grads = [torch.randn(2, 3, generator=gen) for _ in range(3)]
configs = [
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.05)),
    ("SGD", dict(lr=0.2, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, eps=1e-8, weight_decay=0.01, momentum=0.5)),
    ("RMSprop", dict(lr=0.02, alpha=0.8, centered=True, momentum=0.3)),
    ("RMSprop", dict(lr=0.01)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1)),
    ("AdamW", dict(lr=0.05, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1)),
]
cases = []
for name, cfg in configs:
    p = torch.nn.Parameter(start.clone())
    opt = getattr(torch.optim, name)([p], **cfg)
    steps = []
    for g in grads:
        p.grad = g.clone()
        opt.step()
        steps.append(p.detach().flatten().tolist())
    cases.append({"optimizer": name, "config": cfg, "steps": steps})
with open("optim.json", "w") as f:
    json.dump({"start": start.flatten().tolist(), "grads": [g.flatten().tolist() for g in grads], "cases": cases}, f, indent=1)
