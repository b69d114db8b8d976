#!/usr/bin/python3
"""PyTorch 1.13's own ONNX export (torch.onnx.export, opset 13) of the models
physml exports, for onnx/torch_test.go: the lecture's LSTM classifier, a
bidirectional two-layer GRU classifier, a ReLU RNN classifier, the lecture's
autoencoder structure at a smaller width (784-32-8, to keep the files small;
gonnx runs the full 784-256-64 one in export_test.go) and a leaky one.
Writes torch_<name>.onnx, and torch_<name>.safetensors with the weights
(PyTorch state_dict names, which are physml's), a sample "input" and
PyTorch's outputs on it ("output.<name>"), all float32.

With a directory argument holding physml's own exports (physml_<name>.onnx,
written by `PHYSML_ONNX_DIR=dir go test ./onnx -run TorchExport`), it
checks each with onnx.checker.check_model (python3-onnx 1.12, full check).
Run: /usr/bin/python3 make_torch_export.py [dir]"""
import json
import os
import struct
import sys
import onnx
import torch

torch.manual_seed(3)


def save_safetensors(path, tensors):
    """The safetensors format: header length, JSON header, raw little-endian data."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


class Classifier(torch.nn.Module):
    """physml's seq.Classifier: the final states of the top layer (both
    directions concatenated) through fc."""

    def __init__(self, kind, inputs, hidden, classes, layers=1, bidirectional=False, nonlinearity=None):
        super().__init__()
        args = dict(num_layers=layers, batch_first=True, bidirectional=bidirectional)
        if kind == "rnn":
            args["nonlinearity"] = nonlinearity
        self.kind = kind
        setattr(self, kind, getattr(torch.nn, kind.upper())(inputs, hidden, **args))
        self.fc = torch.nn.Linear(hidden * (2 if bidirectional else 1), classes)
        self.dirs = 2 if bidirectional else 1

    def forward(self, x):
        out = getattr(self, self.kind)(x)
        h = out[1][0] if self.kind == "lstm" else out[1]
        last = torch.cat([h[-self.dirs + d] for d in range(self.dirs)], dim=1)
        return self.fc(last)


class Autoencoder(torch.nn.Module):
    def __init__(self, sizes, hidden, output):
        super().__init__()
        enc, dec = [], []
        for i in range(len(sizes) - 1):
            enc += [torch.nn.Linear(sizes[i], sizes[i + 1]), hidden() if i < len(sizes) - 2 else torch.nn.Identity()]
        for i in range(len(sizes) - 1, 0, -1):
            dec += [torch.nn.Linear(sizes[i], sizes[i - 1]), hidden() if i > 1 else output()]
        self.encoder, self.decoder = torch.nn.Sequential(*enc), torch.nn.Sequential(*dec)

    def forward(self, x):
        code = self.encoder(x)
        return self.decoder(code), code


models = {
    "lstm": (Classifier("lstm", 28, 128, 10), (3, 28, 28)),
    "gru_bidirectional": (Classifier("gru", 5, 6, 3, layers=2, bidirectional=True), (4, 7, 5)),
    "rnn_relu": (Classifier("rnn", 4, 5, 2, nonlinearity="relu"), (2, 6, 4)),
    "autoencoder": (Autoencoder([784, 32, 8], torch.nn.ReLU, torch.nn.Sigmoid), (3, 784)),
    "autoencoder_leaky": (Autoencoder([10, 6, 3], lambda: torch.nn.LeakyReLU(0.01), torch.nn.Identity), (2, 10)),
}
for name, (model, shape) in models.items():
    model.eval()
    x = torch.rand(*shape)
    with torch.no_grad():
        y = model(x)
    ae = isinstance(model, Autoencoder)
    outputs = ["reconstruction", "code"] if ae else ["logits"]
    axes = {"input": {0: "batch"} if ae else {0: "batch", 1: "steps"}}
    for o in outputs:
        axes[o] = {0: "batch"}
    torch.onnx.export(model, x, f"torch_{name}.onnx", opset_version=13, input_names=["input"],
                      output_names=outputs, dynamic_axes=axes)
    ys = y if ae else (y,)
    tensors = dict(model.state_dict())
    tensors["input"] = x
    for o, v in zip(outputs, ys):
        tensors["output." + o] = v
    save_safetensors(f"torch_{name}.safetensors", tensors)
    if len(sys.argv) > 1:
        mine = os.path.join(sys.argv[1], f"physml_{name}.onnx")
        onnx.checker.check_model(onnx.load(mine), full_check=True)
        print(f"{mine}: onnx.checker.check_model passed")
