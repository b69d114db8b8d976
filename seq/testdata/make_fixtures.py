#!/usr/bin/python3
"""Generates the PyTorch reference fixtures of physml's seq package.

Run from this directory with Debian's python3-torch:  /usr/bin/python3 make_fixtures.py

Writes recurrent.json: for nn.LSTM (also with proj_size), nn.GRU and nn.RNN (tanh and ReLU) in several configurations
(stacked, bidirectional, initial states, variable lengths through
pack_padded_sequence) the outputs, final states and the gradients of
L = Σ out⊙w_out + Σ hn⊙w_h (+ Σ cn⊙w_c) with respect to every parameter, the
input and the initial states, all in float64.
"""
import json

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.set_default_dtype(torch.float64)

CASES = [
    dict(name="lstm", cell="LSTM", input_size=3, hidden_size=4, num_layers=1, bidirectional=False, batch=2, steps=5, initial=True, lengths=None),
    dict(name="gru_2layers", cell="GRU", input_size=3, hidden_size=4, num_layers=2, bidirectional=False, batch=2, steps=5, initial=True, lengths=None),
    dict(name="rnn_bidirectional", cell="RNN", input_size=3, hidden_size=4, num_layers=1, bidirectional=True, batch=2, steps=5, initial=False, lengths=None),
    dict(name="lstm_2layers_bidirectional_packed", cell="LSTM", input_size=3, hidden_size=4, num_layers=2, bidirectional=True, batch=3, steps=5, initial=True, lengths=[5, 2, 3]),
    dict(name="gru_bidirectional_packed", cell="GRU", input_size=2, hidden_size=3, num_layers=1, bidirectional=True, batch=3, steps=4, initial=False, lengths=[1, 4, 2]),
    dict(name="rnn_relu_2layers_bidirectional_packed", cell="RNN", nonlinearity="relu", input_size=3, hidden_size=4, num_layers=2, bidirectional=True, batch=3, steps=5, initial=True, lengths=[5, 2, 3]),
    dict(name="lstm_proj", cell="LSTM", input_size=3, hidden_size=5, proj_size=2, num_layers=1, bidirectional=False, batch=2, steps=5, initial=True, lengths=None),
    dict(name="lstm_proj_2layers_bidirectional_packed", cell="LSTM", input_size=3, hidden_size=5, proj_size=3, num_layers=2, bidirectional=True, batch=3, steps=5, initial=True, lengths=[5, 2, 4]),
]

out = {}
for i, c in enumerate(CASES):
    torch.manual_seed(100 + i)
    extra = {"nonlinearity": c["nonlinearity"]} if "nonlinearity" in c else {}
    if c.get("proj_size"):
        extra["proj_size"] = c["proj_size"]
    module = getattr(torch.nn, c["cell"])(c["input_size"], c["hidden_size"], num_layers=c["num_layers"],
                                          bidirectional=c["bidirectional"], batch_first=True, **extra)
    dirs = 2 if c["bidirectional"] else 1
    x = torch.randn(c["batch"], c["steps"], c["input_size"], requires_grad=True)
    state_shape = (c["num_layers"] * dirs, c["batch"], c["hidden_size"])
    h_shape = (c["num_layers"] * dirs, c["batch"], c.get("proj_size") or c["hidden_size"])
    h0 = torch.randn(h_shape, requires_grad=True) if c["initial"] else None
    c0 = torch.randn(state_shape, requires_grad=True) if c["initial"] and c["cell"] == "LSTM" else None
    state = None
    if h0 is not None:
        state = (h0, c0) if c["cell"] == "LSTM" else h0
    if c["lengths"] is not None:
        packed = pack_padded_sequence(x, torch.tensor(c["lengths"]), batch_first=True, enforce_sorted=False)
        y, final = module(packed, state)
        y, _ = pad_packed_sequence(y, batch_first=True, total_length=c["steps"])
    else:
        y, final = module(x, state)
    hn, cn = final if c["cell"] == "LSTM" else (final, None)
    w_out = torch.randn(y.shape)
    w_h = torch.randn(hn.shape)
    loss = (y * w_out).sum() + (hn * w_h).sum()
    w_c = None
    if cn is not None:
        w_c = torch.randn(cn.shape)
        loss = loss + (cn * w_c).sum()
    loss.backward()
    flat = lambda t: None if t is None else t.detach().flatten().tolist()
    out[c["name"]] = dict(
        config=c,
        params={k: flat(v) for k, v in module.named_parameters()},
        shapes={k: list(v.shape) for k, v in module.named_parameters()},
        x=flat(x), h0=flat(h0), c0=flat(c0),
        out=flat(y), hn=flat(hn), cn=flat(cn),
        w_out=flat(w_out), w_h=flat(w_h), w_c=flat(w_c),
        grads={k: flat(v.grad) for k, v in module.named_parameters()},
        dx=flat(x.grad), dh0=flat(h0.grad if h0 is not None else None), dc0=flat(c0.grad if c0 is not None else None),
    )

with open("recurrent.json", "w") as f:
    json.dump(out, f)
print("wrote", ", ".join(out))


# A trained-elsewhere model: the lecture's classifier shape (small), saved as
# safetensors with a PyTorch module's state_dict names, with its logits.
def write_safetensors(path, tensors):
    """A plain writer of the safetensors format (the safetensors package is not in Debian 12)."""
    import struct
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        t = t.detach().contiguous()
        blob = t.numpy().tobytes()
        header[name] = {"dtype": {torch.float32: "F32", torch.float64: "F64"}[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


class Classifier(torch.nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.cell = cell
        setattr(self, cell.lower(), getattr(torch.nn, cell)(5, 6, num_layers=2, bidirectional=True, batch_first=True))
        self.fc = torch.nn.Linear(12, 3)

    def forward(self, x):
        _, final = getattr(self, self.cell.lower())(x)
        hn = final[0] if self.cell == "LSTM" else final
        return self.fc(torch.cat([hn[-2], hn[-1]], dim=1))


classifiers = {}
for cell in ["LSTM", "GRU"]:
    torch.manual_seed(7)
    model = Classifier(cell).float()
    x = torch.randn(4, 7, 5, dtype=torch.float32)
    write_safetensors(f"torch_{cell.lower()}_classifier.safetensors", model.state_dict())
    classifiers[cell] = dict(x=x.flatten().tolist(), logits=model(x).detach().flatten().tolist())
with open("classifiers.json", "w") as f:
    json.dump(classifiers, f)
print("wrote torch_lstm_classifier.safetensors, torch_gru_classifier.safetensors, classifiers.json")
