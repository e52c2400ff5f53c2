"""Weighted L2-regularised logistic regression on standardised features (the secondary head)."""
from collections import Counter

import numpy as np
import torch


def row_weights(rows):
    """Each source counts by sqrt(size), not size, and both classes weigh the same in total,
    so BSDS500's 500 photos do not define 'real' by themselves."""
    size = Counter(r['group'] for r in rows)
    w = np.array([1.0 / np.sqrt(size[r['group']]) for r in rows])
    y = np.array([r['label'] for r in rows])
    for lab in (0, 1):
        m = y == lab
        if m.any():
            w[m] *= 0.5 * len(rows) / w[m].sum()
    return w


def fit(X, y, w, l2, iters=200):
    """Returns (mean, sd, weight, bias); X is N x D, w per-row weights."""
    mu = X.mean(0)
    sd = X.std(0) + 1e-6
    Z = torch.from_numpy((X - mu) / sd).double()
    t = torch.from_numpy(y.astype(np.float64))
    wt = torch.from_numpy(w / w.sum())
    beta = torch.zeros(X.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([beta, b], lr=1, max_iter=iters, line_search_fn='strong_wolfe', tolerance_grad=1e-9)

    def closure():
        opt.zero_grad()
        z = Z @ beta + b
        loss = (wt * torch.nn.functional.binary_cross_entropy_with_logits(z, t, reduction='none')).sum() + l2 * (beta ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return mu.astype(np.float32), sd.astype(np.float32), beta.detach().numpy().astype(np.float32), float(b.item())


def predict(X, params):
    mu, sd, beta, b = params
    return ((X - mu) / sd) @ beta + b
