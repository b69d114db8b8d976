#!/usr/bin/python3
"""Generates the PyTorch reference fixtures of physml's nn package.

Run from this directory with Debian's python3-torch:  /usr/bin/python3 make_fixtures.py

Writes:
  mlp.json               a small MLP's forward output, losses and parameter gradients
                         (MSE, BCE, cross-entropy) and its parameters after 3 steps of
                         SGD-momentum, SGD-Nesterov, Adam, AdamW and RMSprop, in float64.
  torch_mlp.safetensors  the same MLP's state_dict written from PyTorch (float32).
It also reads physml_mlp.safetensors (written by the Go test with -update) into a
torch.nn.Sequential with load_state_dict and checks its values, proving that
PyTorch loads physml's files.
"""
import json
import struct

import torch

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


def model():
    torch.manual_seed(1)
    return torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.Tanh(), torch.nn.Linear(4, 3))


x = torch.randn(6, 5)
y = torch.rand(6, 3)
labels = torch.tensor([0, 2, 1, 2, 0, 1])
out = {"x": x.flatten().tolist(), "y": y.flatten().tolist(), "labels": labels.tolist()}
out["params"] = {k: v.flatten().tolist() for k, v in model().state_dict().items()}

cases = {
    "mse": lambda o: torch.nn.functional.mse_loss(o, y),
    "bce": lambda o: torch.nn.functional.binary_cross_entropy(torch.sigmoid(o), y),
    "bce_logits": lambda o: torch.nn.functional.binary_cross_entropy_with_logits(o, y),
    "cross_entropy": lambda o: torch.nn.functional.cross_entropy(o, labels),
}
for name, fn in cases.items():
    m = model()
    o = m(x)
    loss = fn(o)
    loss.backward()
    out[name] = {
        "output": o.detach().flatten().tolist(),
        "loss": loss.item(),
        "grads": {k: p.grad.flatten().tolist() for k, p in m.named_parameters()},
    }

optimizers = {
    "sgd_momentum": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01),
    "sgd_nesterov": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    "adam": lambda p: torch.optim.Adam(p, lr=0.01),
    "adamw": lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1),
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True),
}
for name, make in optimizers.items():
    m = model()
    opt = make(m.parameters())
    for _ in range(3):
        opt.zero_grad()
        torch.nn.functional.mse_loss(m(x), y).backward()
        opt.step()
    out["after3_" + name] = {k: v.flatten().tolist() for k, v in m.state_dict().items()}

with open("mlp.json", "w") as f:
    json.dump(out, f)


def write_safetensors(path, tensors):
    """A plain writer of the safetensors format (the safetensors package is not in Debian 12)."""
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        t = t.contiguous()
        dtype = {torch.float32: "F32", torch.float64: "F64"}[t.dtype]
        blob = t.numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8 : 8 + n])
    body = data[8 + n :]
    out = {}
    for name, h in header.items():
        if name == "__metadata__":
            continue
        dtype = {"F32": torch.float32, "F64": torch.float64}[h["dtype"]]
        b, e = h["data_offsets"]
        out[name] = torch.frombuffer(bytearray(body[b:e]), dtype=dtype).reshape(h["shape"])
    return out


write_safetensors("torch_mlp.safetensors", model().float().state_dict())

try:
    state = read_safetensors("physml_mlp.safetensors")
except FileNotFoundError:
    print("physml_mlp.safetensors not there yet: run go test ./nn -run Safetensors -update")
else:
    m = model().float()
    m.load_state_dict(state)  # strict: names and shapes must match
    expected = torch.arange(sum(p.numel() for p in m.parameters()), dtype=torch.float32) / 100
    got = torch.cat([p.detach().flatten() for p in m.parameters()])
    assert torch.equal(got, expected), "physml_mlp.safetensors values differ"
    print("PyTorch loaded physml_mlp.safetensors: names, shapes and values match")
