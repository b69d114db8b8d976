#!/usr/bin/python3
"""torch.nn.LayerNorm and torch.nn.BatchNorm1d in float64, for nn/norm_test.go:
LayerNorm(5) with set weight and bias on a (4, 5) input; BatchNorm1d(3) with
set weight and bias, two training batches (6 and 4 rows) and an evaluation
batch: outputs, the gradients of L = sum(w * y) for every parameter and the
input, and the state_dict (running_mean, running_var, num_batches_tracked)
after each step. Writes norm.json.  Run: /usr/bin/python3 make_norm_fixture.py"""
import json
import torch

torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(21)
out = {}

ln = torch.nn.LayerNorm(5)
with torch.no_grad():
    ln.weight.copy_(torch.randn(5, generator=gen))
    ln.bias.copy_(torch.randn(5, generator=gen))
x = (torch.randn(4, 5, generator=gen) * 2 + 1).requires_grad_()
w = torch.randn(4, 5, generator=gen)
y = ln(x)
(w * y).sum().backward()
out["layernorm"] = {"weight": ln.weight.tolist(), "bias": ln.bias.tolist(), "x": x.detach().flatten().tolist(), "w": w.flatten().tolist(),
                    "y": y.detach().flatten().tolist(), "grad_weight": ln.weight.grad.tolist(), "grad_bias": ln.bias.grad.tolist(),
                    "grad_x": x.grad.flatten().tolist()}

bn = torch.nn.BatchNorm1d(3)
with torch.no_grad():
    bn.weight.copy_(torch.randn(3, generator=gen))
    bn.bias.copy_(torch.randn(3, generator=gen))
steps = []
start = {"weight": bn.weight.tolist(), "bias": bn.bias.tolist()}
for rows, train in [(6, True), (4, True), (5, False)]:
    bn.train(train)
    bn.zero_grad()
    x = (torch.randn(rows, 3, generator=gen) * 3 - 1).requires_grad_()
    w = torch.randn(rows, 3, generator=gen)
    y = bn(x)
    (w * y).sum().backward()
    steps.append({"train": train, "rows": rows, "x": x.detach().flatten().tolist(), "w": w.flatten().tolist(), "y": y.detach().flatten().tolist(),
                  "grad_weight": bn.weight.grad.tolist(), "grad_bias": bn.bias.grad.tolist(), "grad_x": x.grad.flatten().tolist(),
                  "running_mean": bn.running_mean.tolist(), "running_var": bn.running_var.tolist(),
                  "num_batches_tracked": int(bn.num_batches_tracked)})
out["batchnorm"] = {"start": start, "steps": steps, "state_dict": list(bn.state_dict().keys())}
json.dump(out, open("norm.json", "w"), indent=1)
