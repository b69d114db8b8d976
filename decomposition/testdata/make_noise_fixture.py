#!/usr/bin/python3
"""Generates noise.json: scikit-learn's PCA noise variance on a near-degenerate
spectrum, where the discarded variance is about 1e-7 of the total.

Run from this directory with Debian's python3-sklearn and python3-numpy:
    /usr/bin/python3 make_noise_fixture.py

The data is 300×12: six strong directions (standard deviations 1 to 3) and six
weak ones (standard deviation 3e-4), rotated by a random orthogonal matrix and
shifted. scikit-learn 1.2's PCA(n_components=6, svd_solver="full") takes the
noise variance as the mean of the six discarded explained variances.
"""
import json

import numpy as np
import sklearn
from sklearn.decomposition import PCA

rng = np.random.default_rng(42)
n, p, k = 300, 12, 6
scales = np.concatenate([np.linspace(3.0, 1.0, k), np.full(p - k, 3e-4)])
q, _ = np.linalg.qr(rng.standard_normal((p, p)))
X = (rng.standard_normal((n, p)) * scales) @ q.T + 5.0
pca = PCA(n_components=k, svd_solver="full").fit(X)
total = pca.explained_variance_ratio_.sum()
out = dict(
    sklearn_version=sklearn.__version__,
    shape=[n, p],
    X=X.flatten().tolist(),
    n_components=k,
    noise_variance=float(pca.noise_variance_),
    discarded_fraction=float(1 - total),
    explained_variance=pca.explained_variance_.tolist(),
)
with open("noise.json", "w") as f:
    json.dump(out, f)
print("noise variance", pca.noise_variance_, "discarded fraction", 1 - total)
