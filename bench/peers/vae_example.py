#!/usr/bin/python3
"""PyTorch's VAE example (github.com/pytorch/examples, vae/main.py) on the
MNIST files physml reads, for the comparison in the README: 784-400-20,
ReLU, sigmoid, BCE summed + KL, Adam 1e-3, batch 128, shuffled, 10 epochs,
pixels/255, seed 1. Prints per epoch the average training loss and the test
set loss (negative ELBO per image, z sampled), as the example does, plus
seconds per epoch, as JSON.

Usage: /usr/bin/python3 vae_example.py MNIST_DIR [EPOCHS] > vae.json
"""
import json
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn, optim

from peers import load


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def forward(self, x):
        h = F.relu(self.fc1(x))
        mu, logvar = self.fc21(h), self.fc22(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z)))), mu, logvar


def loss_function(recon, x, mu, logvar):
    bce = F.binary_cross_entropy(recon, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


def main():
    torch.manual_seed(1)
    torch.set_num_threads(2)
    xtr, _, xte, _ = load(sys.argv[1])
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    xtr = torch.tensor(xtr.reshape(-1, 784), dtype=torch.float32) / 255
    xte = torch.tensor(xte.reshape(-1, 784), dtype=torch.float32) / 255
    model = VAE()
    opt = optim.Adam(model.parameters(), lr=1e-3)
    out = []
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        model.train()
        total = 0.0
        for idx in torch.randperm(len(xtr)).split(128):
            x = xtr[idx]
            opt.zero_grad()
            recon, mu, logvar = model(x)
            loss = loss_function(recon, x, mu, logvar)
            loss.backward()
            total += loss.item()
            opt.step()
        seconds = time.perf_counter() - start
        model.eval()
        test = 0.0
        with torch.no_grad():
            for x in xte.split(128):
                recon, mu, logvar = model(x)
                test += loss_function(recon, x, mu, logvar).item()
        out.append({"epoch": epoch, "train": total / len(xtr), "test": test / len(xte), "seconds": seconds})
        print(json.dumps(out[-1]), file=sys.stderr)
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
