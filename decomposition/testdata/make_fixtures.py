#!/usr/bin/python3
"""Generates the scikit-learn / NumPy fixtures of physml's decomposition package.

Run from this directory with Debian's python3-sklearn and python3-numpy:
    /usr/bin/python3 make_fixtures.py

Writes pca.json: for scikit-learn's bundled digits data (1797×64) and a random
500×40 matrix, sklearn.decomposition.PCA (1.2) with svd_solver="full" and
"randomized", plain and whitened: explained variance, ratios, singular values,
components, transform and inverse_transform of the first rows, noise variance
and score_samples; n_components from a variance fraction; and np.cov (both
ddof) and np.corrcoef of the random matrix. Components are flipped to physml's
sign convention (largest-magnitude entry positive) with the matching columns of
the transform, since scikit-learn 1.2 decides signs by U.
"""
import json

import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA

rng = np.random.default_rng(0)
datasets = {
    "digits": load_digits().data.astype(np.float64),
    # correlated columns with distinct variances: a well-separated spectrum
    "random": rng.standard_normal((500, 40)) @ rng.standard_normal((40, 40)) + 3.0,
}
out = {"sklearn_version": sklearn.__version__, "datasets": {}}
for name, X in datasets.items():
    d = {"shape": list(X.shape), "X": X.flatten().tolist(), "fits": {}}
    rows = X[:10]
    for solver in ["full", "randomized"]:
        for whiten in [False, True]:
            k = 10
            pca = PCA(n_components=k, svd_solver=solver, whiten=whiten, random_state=0).fit(X)
            comps = pca.components_.copy()
            signs = np.sign(comps[np.arange(k), np.argmax(np.abs(comps), axis=1)])
            comps *= signs[:, None]
            d["fits"][f"{solver}_whiten{whiten}"] = dict(
                solver=solver, whiten=whiten, n_components=k,
                explained_variance=pca.explained_variance_.tolist(),
                explained_variance_ratio=pca.explained_variance_ratio_.tolist(),
                singular_values=pca.singular_values_.tolist(),
                components=comps.flatten().tolist(),
                mean=pca.mean_.tolist(),
                noise_variance=float(pca.noise_variance_),
                transform=(pca.transform(rows) * signs).flatten().tolist(),
                inverse_transform=pca.inverse_transform(pca.transform(rows)).flatten().tolist(),
                score_samples=pca.score_samples(rows).tolist(),
            )
    frac = PCA(n_components=0.9, svd_solver="full").fit(X)
    d["fraction_0.9_components"] = int(frac.n_components_)
    out["datasets"][name] = d

X = datasets["random"][:, :6]
out["cov"] = dict(X=X.flatten().tolist(), shape=list(X.shape),
                  ddof0=np.cov(X, rowvar=False, ddof=0).flatten().tolist(),
                  ddof1=np.cov(X, rowvar=False, ddof=1).flatten().tolist(),
                  corr=np.corrcoef(X, rowvar=False).flatten().tolist())
with open("pca.json", "w") as f:
    json.dump(out, f)
print("wrote pca.json with scikit-learn", sklearn.__version__)
