#!/usr/bin/python3
"""PyTorch and scikit-learn peers of physml's benchmarks, for bench/compare.sh.

Usage: /usr/bin/python3 peers.py MNIST_DIR > peers.json
MNIST_DIR holds the four IDX files (gzipped), as the GoMNIST module ships them.
Runs, with torch at 1 thread (OpenBLAS keeps its own thread count, set by
OPENBLAS_NUM_THREADS): one training epoch of the lecture's LSTM classifier over
the 60000 training images and its test accuracy and inference rate, one epoch
of the lecture's autoencoder, one epoch of PyTorch's VAE example and of the
LSTM autoencoder of physml anomaly --example signals, training steps of xLSTM's sLSTM and
mLSTM layers at the lecture's shape (xlstm_step below), and PCA(50) of the training images with
scikit-learn (full and randomized) and with NumPy (XᵀX + eigh). Prints JSON.
"""
import gzip
import json
import os
import platform
import sys
import time

import numpy as np


def idx(path):
    with gzip.open(path) as f:
        data = f.read()
    nd = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(nd)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


def load(d):
    return (idx(os.path.join(d, "train-images-idx3-ubyte.gz")), idx(os.path.join(d, "train-labels-idx1-ubyte.gz")),
            idx(os.path.join(d, "t10k-images-idx3-ubyte.gz")), idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz")))


def xlstm_step(torch, steps=20):
    """Seconds per training pass (forward and backward, as physml's
    BenchmarkRecurrent/{sLSTM,mLSTM}/hidden128/train) of an sLSTM and an mLSTM
    layer at the lecture's shape: batch 64, 28 steps of 28 inputs, hidden
    128, 4 heads, float32. The equations of seq.SLSTM and seq.MLSTM (Beck et
    al. 2024) in plain PyTorch: the sLSTM as a loop over the steps with a
    block-diagonal recurrent matrix, the mLSTM in the parallel form of
    NX-AI's parallel_stabilized_simple, with an output gate."""
    F = torch.nn.functional
    B, S, I, H, K = 64, 28, 28, 128, 4
    d = H // K

    class SLSTM(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.wih = torch.nn.Linear(I, 4 * H)
            self.whh = torch.nn.Parameter(torch.empty(K, 4 * d, d).uniform_(-H ** -0.5, H ** -0.5))

        def forward(self, x):
            raw = self.wih(x)
            h = c = n = torch.zeros(B, H)
            m, outs = None, []
            for t in range(S):
                rec = torch.einsum("bkd,ked->bke", h.view(B, K, d), self.whh)
                g = raw[:, t] + rec.view(B, K, 4, d).transpose(1, 2).reshape(B, 4 * H)
                i, f, z, o = g.chunk(4, 1)
                logf = F.logsigmoid(f)
                if m is None:
                    m_new, ig, fg = i, torch.ones_like(i), torch.zeros_like(i)
                else:
                    m_new = torch.maximum(logf + m, i)
                    ig, fg = torch.exp(i - m_new), torch.exp(logf + m - m_new)
                c = fg * c + ig * torch.tanh(z)
                n = fg * n + ig
                h = torch.sigmoid(o) * c / n
                m = m_new.detach()  # h does not depend on m: its gradient is zero
                outs.append(h)
            return torch.stack(outs, 1)

    class MLSTM(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.proj = torch.nn.Linear(I, 4 * H + 2 * K)

        def forward(self, x):
            p = self.proj(x)
            q, k, v, o = (p[..., j * H:(j + 1) * H].view(B, S, K, d).transpose(1, 2) for j in range(4))
            ig = p[..., 4 * H:4 * H + K].transpose(1, 2).unsqueeze(-1)  # (B, K, S, 1)
            fg = p[..., 4 * H + K:].transpose(1, 2).unsqueeze(-1)
            cum = torch.cat([torch.zeros(B, K, 1, 1), torch.cumsum(F.logsigmoid(fg), -2)], -2)
            rep = cum.repeat(1, 1, 1, S + 1)
            tril = torch.tril(torch.ones(S, S, dtype=torch.bool))
            logD = torch.where(tril, (rep - rep.transpose(-2, -1))[:, :, 1:, 1:], float("-inf")) + ig.transpose(-2, -1)
            mx = logD.max(-1, keepdim=True)[0]
            C = (q @ (k / d ** 0.5).transpose(-2, -1)) * torch.exp(logD - mx)
            norm = torch.maximum(C.sum(-1, keepdim=True).abs(), torch.exp(-mx)) + 1e-6
            h = (C / norm) @ v
            return (torch.sigmoid(o) * h).transpose(1, 2).reshape(B, S, H)

    out = {}
    x = torch.randn(B, S, I)
    dy = torch.randn(B, S, H)
    for name, layer in [("slstm", SLSTM()), ("mlstm", MLSTM())]:
        for _ in range(2):  # warm up
            layer(x).backward(dy)
        t0 = time.perf_counter()
        for _ in range(steps):
            layer.zero_grad()
            layer(x).backward(dy)
        out[f"{name}_train_step_s"] = (time.perf_counter() - t0) / steps
    return out


def main():
    d = sys.argv[1]
    xtr, ytr, xte, yte = load(d)
    out = {"machine": platform.processor() or platform.machine(), "python": platform.python_version(),
           "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default")}
    try:
        import torch
        torch.set_num_threads(1)
        torch.manual_seed(0)
        out["torch"] = torch.__version__
        x = torch.tensor((xtr / 255.0 - 0.1307) / 0.3081, dtype=torch.float32)
        y = torch.tensor(ytr, dtype=torch.long)
        xt = torch.tensor((xte / 255.0 - 0.1307) / 0.3081, dtype=torch.float32)

        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm = torch.nn.LSTM(28, 128, batch_first=True)
                self.fc = torch.nn.Linear(128, 10)

            def forward(self, x):
                _, (h, _) = self.lstm(x)
                return self.fc(h[-1])

        net = Net()
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        perm = torch.randperm(60000)
        t0 = time.perf_counter()
        for i in range(0, 60000, 64):
            idxs = perm[i:i + 64]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(x[idxs]), y[idxs])
            loss.backward()
            opt.step()
        out["lstm_epoch_s"] = time.perf_counter() - t0
        with torch.no_grad():
            t0 = time.perf_counter()
            pred = torch.cat([net(xt[i:i + 1000]).argmax(1) for i in range(0, 10000, 1000)])
            out["lstm_inference_images_per_s"] = 10000 / (time.perf_counter() - t0)
        out["lstm_test_accuracy_1_epoch"] = float((pred.numpy() == yte).mean())

        xa = torch.tensor(xtr.reshape(60000, 784) / 255.0, dtype=torch.float32)
        xat = torch.tensor(xte.reshape(10000, 784) / 255.0, dtype=torch.float32)
        enc = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 64), torch.nn.ReLU())
        dec = torch.nn.Sequential(torch.nn.Linear(64, 256), torch.nn.ReLU(), torch.nn.Linear(256, 784), torch.nn.Sigmoid())
        model = torch.nn.Sequential(enc, dec)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        perm = torch.randperm(60000)
        t0 = time.perf_counter()
        for i in range(0, 60000, 128):
            b = xa[perm[i:i + 128]]
            opt.zero_grad()
            torch.nn.functional.binary_cross_entropy(model(b), b).backward()
            opt.step()
        out["ae_epoch_s"] = time.perf_counter() - t0
        with torch.no_grad():
            out["ae_test_mse_1_epoch"] = float(((model(xat) - xat) ** 2).mean())

        # PyTorch's VAE example, one epoch (as vae_example.py, timed alone).
        class VAE(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1, self.fc21, self.fc22 = torch.nn.Linear(784, 400), torch.nn.Linear(400, 20), torch.nn.Linear(400, 20)
                self.fc3, self.fc4 = torch.nn.Linear(20, 400), torch.nn.Linear(400, 784)

            def forward(self, x):
                h = torch.relu(self.fc1(x))
                mu, logvar = self.fc21(h), self.fc22(h)
                z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
                return torch.sigmoid(self.fc4(torch.relu(self.fc3(z)))), mu, logvar

        vae = VAE()
        opt = torch.optim.Adam(vae.parameters(), lr=1e-3)
        perm = torch.randperm(60000)
        t0 = time.perf_counter()
        for i in range(0, 60000, 128):
            b = xa[perm[i:i + 128]]
            opt.zero_grad()
            rec, mu, logvar = vae(b)
            loss = torch.nn.functional.binary_cross_entropy(rec, b, reduction="sum") - 0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
            loss.backward()
            opt.step()
        out["vae_epoch_s"] = time.perf_counter() - t0

        # The LSTM autoencoder of physml anomaly --example signals: LSTM(32),
        # code 16, repeated, LSTM(32), Linear per step; 2000 sequences of 50
        # steps, batch 32 (random values: the time does not depend on them).
        class SeqAE(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.enc, self.enc_fc = torch.nn.LSTM(1, 32, batch_first=True), torch.nn.Linear(32, 16)
                self.dec, self.dec_fc = torch.nn.LSTM(16, 32, batch_first=True), torch.nn.Linear(32, 1)

            def forward(self, x):
                _, (h, _) = self.enc(x)
                code = self.enc_fc(h[-1])
                y, _ = self.dec(code.unsqueeze(1).repeat(1, x.shape[1], 1))
                return self.dec_fc(y).flip(1)

        sae = SeqAE()
        opt = torch.optim.Adam(sae.parameters(), lr=1e-3)
        xs = torch.randn(2000, 50, 1)
        t0 = time.perf_counter()
        for i in range(0, 2000, 32):
            b = xs[i:i + 32]
            opt.zero_grad()
            torch.nn.functional.mse_loss(sae(b), b).backward()
            opt.step()
        out["seq_ae_epoch_s"] = time.perf_counter() - t0
        out.update(xlstm_step(torch))
    except ImportError:
        out["torch"] = None

    X = xtr.reshape(60000, 784) / 255.0
    try:
        import sklearn
        from sklearn.decomposition import PCA
        out["sklearn"] = sklearn.__version__
        for solver in ["full", "randomized"]:
            t0 = time.perf_counter()
            p = PCA(50, svd_solver=solver, random_state=0).fit(X)
            out[f"pca_{solver}_s"] = time.perf_counter() - t0
            out[f"pca_{solver}_ratio50"] = float(p.explained_variance_ratio_.sum())
    except ImportError:
        out["sklearn"] = None
    out["numpy"] = np.__version__
    t0 = time.perf_counter()
    xc = X - X.mean(axis=0)
    c = xc.T @ xc / (len(X) - 1)
    t1 = time.perf_counter()
    w, v = np.linalg.eigh(c)
    t2 = time.perf_counter()
    out["numpy_cov_s"] = t1 - t0
    out["numpy_cov_eigh_s"] = t2 - t0
    out["numpy_ratio50"] = float(w[::-1][:50].sum() / w.sum())
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
