#!/usr/bin/python3
"""A small VAE in PyTorch (float64) with fixed weights and a fixed ε: the
negative ELBO per sample and the gradient of every parameter, for
ae/vae_test.go.  Run: /usr/bin/python3 make_vae_fixture.py"""
import json
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
torch.set_default_dtype(torch.float64)


class VAE(nn.Module):
    def __init__(self, sizes, out):
        super().__init__()
        p, h, k = sizes
        self.encoder = nn.Sequential(nn.Linear(p, h), nn.ReLU())
        self.fc_mu = nn.Linear(h, k)
        self.fc_logvar = nn.Linear(h, k)
        self.decoder = nn.Sequential(nn.Linear(k, h), nn.ReLU(), nn.Linear(h, p), out)

    def forward(self, x, eps):
        h = self.encoder(x)
        mu, logvar = self.fc_mu(h), self.fc_logvar(h)
        z = mu + torch.exp(0.5 * logvar) * eps
        return self.decoder(z), mu, logvar


cases = []
for loss, out, beta in [("bce", nn.Sigmoid(), 0.7), ("mse", nn.Identity(), 1.0)]:
    model = VAE((6, 5, 3), out)
    x = torch.rand(4, 6)
    eps = torch.randn(4, 3)
    rec, mu, logvar = model(x, eps)
    if loss == "bce":
        r = F.binary_cross_entropy(rec, x, reduction="sum")
    else:
        r = F.mse_loss(rec, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    total = (r + beta * kld) / x.shape[0]
    total.backward()
    cases.append({
        "loss": loss, "beta": beta, "x": x.flatten().tolist(), "eps": eps.flatten().tolist(),
        "params": {n: p.detach().flatten().tolist() for n, p in model.named_parameters()},
        "grads": {n: p.grad.flatten().tolist() for n, p in model.named_parameters()},
        "total": total.item(), "kl": (beta * kld / x.shape[0]).item(),
    })
with open("vae.json", "w") as f:
    json.dump(cases, f, indent=1)
