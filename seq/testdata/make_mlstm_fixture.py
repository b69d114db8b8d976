#!/usr/bin/python3
"""The mLSTM of xLSTM (Beck et al. 2024, section 2.3) in PyTorch float64: the
parallel form as NX-AI's parallel_stabilized_simple (xlstm/blocks/mlstm/
backends.py: log-sigmoid forget gates, row-wise stabiliser, keys divided by
sqrt(d), normaliser max(|row sum|, exp(-m)) + 1e-6) with the paper's gates
computed from x and its output gate; each sequence run on its valid steps
only; autograd gives the gradients of L = sum w * h. The recurrent form
(m = i~ at the first step) is computed too and must agree.
Writes mlstm.json for seq/mlstm_test.go.  Run: /usr/bin/python3 make_mlstm_fixture.py"""
import json
import math
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(7)
B, T, I, H, K = 3, 6, 3, 4, 2
d = H // K
lengths = [6, 3, 5]
P = 4 * H + 2 * K
W = (torch.randn(P, I, generator=gen) * 0.8).requires_grad_()
b = torch.randn(P, generator=gen) * 0.5
b[4 * H:4 * H + K] += torch.tensor([2.0, -1.0])  # input gates: one head large, one small
b[4 * H + K:] += torch.tensor([3.0, 0.0])          # forget gates
b.requires_grad_()
x = torch.randn(B, T, I, generator=gen).requires_grad_()
w = torch.randn(B, T, H, generator=gen)
EPS = 1e-6
branches = {"sum": 0, "exp": 0}


def parallel(p):  # p: (L, P) projections of one sequence -> (L, H)
    L = p.shape[0]
    q, k, v, o = p[:, :H], p[:, H:2 * H], p[:, 2 * H:3 * H], p[:, 3 * H:4 * H]
    ig, fg = p[:, 4 * H:4 * H + K], p[:, 4 * H + K:]
    out = []
    for h in range(K):
        qh, kh, vh = q[:, h * d:(h + 1) * d], k[:, h * d:(h + 1) * d] / math.sqrt(d), v[:, h * d:(h + 1) * d]
        lf = F.logsigmoid(fg[:, h])
        cum = torch.cat([torch.zeros(1), torch.cumsum(lf, 0)])
        logfg = cum[1:, None] - cum[None, 1:]                       # F_t - F_s
        mask = torch.tril(torch.ones(L, L, dtype=torch.bool))
        logD = torch.where(mask, logfg + ig[None, :, h], torch.tensor(-math.inf))
        m, _ = torch.max(logD, dim=1, keepdim=True)
        D = torch.exp(logD - m)
        C = (qh @ kh.T) * D
        s = C.sum(dim=1, keepdim=True)
        norm = torch.maximum(s.abs(), torch.exp(-m))
        for t in range(L):
            branches["sum" if s[t].abs() > torch.exp(-m[t]) else "exp"] += 1
        out.append((C / (norm + EPS)) @ vh)
    return torch.sigmoid(o) * torch.cat(out, dim=1)


def recurrent(p):
    L = p.shape[0]
    Cs = [torch.zeros(d, d) for _ in range(K)]
    ns = [torch.zeros(d) for _ in range(K)]
    ms = [None] * K
    ys = []
    for t in range(L):
        y = []
        for h in range(K):
            q, k, v = p[t, h * d:(h + 1) * d], p[t, H + h * d:H + (h + 1) * d] / math.sqrt(d), p[t, 2 * H + h * d:2 * H + (h + 1) * d]
            ig, lf = p[t, 4 * H + h], F.logsigmoid(p[t, 4 * H + K + h])
            m = ig if ms[h] is None else torch.maximum(lf + ms[h], ig)
            fgate = torch.tensor(0.0) if ms[h] is None else torch.exp(lf + ms[h] - m)
            igate = torch.exp(ig - m)
            Cs[h] = fgate * Cs[h] + igate * torch.outer(v, k)
            ns[h] = fgate * ns[h] + igate * k
            ms[h] = m
            y.append(Cs[h] @ q / (torch.maximum((ns[h] @ q).abs(), torch.exp(-m)) + EPS))
        ys.append(torch.sigmoid(p[t, 3 * H:4 * H]) * torch.cat(y))
    return torch.stack(ys)


outs, rec = [], []
for i in range(B):
    L = lengths[i]
    p = x[i, :L] @ W.T + b
    y = parallel(p)
    r = recurrent(p).detach()
    assert torch.allclose(y, r, rtol=1e-12, atol=1e-14), (y - r).abs().max()
    pad = torch.zeros(T - L, H)
    outs.append(torch.cat([y, pad]))
    rec.append(torch.cat([r, pad]))
y = torch.stack(outs)
(w * y).sum().backward()
print("normaliser branches:", branches, "recurrent vs parallel:", (y - torch.stack(rec)).abs().max().item())
json.dump({"batch": B, "steps": T, "input": I, "hidden": H, "heads": K, "lengths": lengths,
           "weight_ih": W.detach().flatten().tolist(), "bias": b.detach().flatten().tolist(),
           "x": x.detach().flatten().tolist(), "w": w.flatten().tolist(), "y": y.detach().flatten().tolist(),
           "grad_weight_ih": W.grad.flatten().tolist(), "grad_bias": b.grad.flatten().tolist(),
           "grad_x": x.grad.flatten().tolist()}, open("mlstm.json", "w"), indent=1)
