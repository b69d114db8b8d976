#!/usr/bin/python3
"""The sLSTM of xLSTM (Beck et al. 2024, section 2.2) written in PyTorch
float64 as NX-AI's vanilla reference (xlstm/blocks/slstm/src/vanilla:
sigmoid forget gate in log space, stabiliser m with m = ĩ at the first
step, recurrent weights block-diagonal by head), on padded sequences of
variable lengths; autograd gives the gradients of L = Σ w ⊙ h.
Writes slstm.json for seq/slstm_test.go.  Run: /usr/bin/python3 make_slstm_fixture.py"""
import json
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(5)
B, T, I, H, K = 3, 5, 3, 4, 2
d = H // K
lengths = [5, 3, 4]
bound = 1 / H ** 0.5
u = lambda *shape: ((torch.rand(*shape, generator=gen) * 2 - 1) * bound).requires_grad_()
W, b, R = u(4 * H, I), u(4 * H), u(K, 4 * d, d)
x = torch.randn(B, T, I, generator=gen).requires_grad_()
w = torch.randn(B, T, H, generator=gen)

outs = []
for i in range(B):
    h = torch.zeros(H); c = torch.zeros(H); n = torch.zeros(H); m = torch.zeros(H)
    ys = []
    for t in range(T):
        if t >= lengths[i]:
            ys.append(torch.zeros(H))
            continue
        ry = torch.cat([R[k] @ h[k * d:(k + 1) * d] for k in range(K)])  # per head: (4d), gate-major within the head
        ry = ry.view(K, 4, d).transpose(0, 1).reshape(4 * H)  # to gate-major over all heads
        raw = W @ x[i, t] + b + ry
        it, ft, zt, ot = raw.view(4, H)
        logf = F.logsigmoid(ft)
        mnew = it if t == 0 else torch.maximum(logf + m, it)
        ig, fg = torch.exp(it - mnew), torch.exp(logf + m - mnew)
        c = fg * c + ig * torch.tanh(zt)
        n = fg * n + ig
        h = torch.sigmoid(ot) * c / n
        m = mnew
        ys.append(h)
    outs.append(torch.stack(ys))
y = torch.stack(outs)
(w * y).sum().backward()
json.dump({"batch": B, "steps": T, "input": I, "hidden": H, "heads": K, "lengths": lengths,
           "weight_ih": W.detach().flatten().tolist(), "bias": b.detach().flatten().tolist(), "weight_hh": R.detach().flatten().tolist(),
           "x": x.detach().flatten().tolist(), "w": w.flatten().tolist(), "y": y.detach().flatten().tolist(),
           "grad_weight_ih": W.grad.flatten().tolist(), "grad_bias": b.grad.flatten().tolist(), "grad_weight_hh": R.grad.flatten().tolist(),
           "grad_x": x.grad.flatten().tolist()}, open("slstm.json", "w"), indent=1)
