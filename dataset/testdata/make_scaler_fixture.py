#!/usr/bin/python3
"""scikit-learn's MinMaxScaler and StandardScaler on a small table with a
constant column, fitted on some rows and applied to all, for
dataset/scaler_test.go.  Run: /usr/bin/python3 make_scaler_fixture.py"""
import json
import numpy as np
from sklearn.preprocessing import MinMaxScaler, StandardScaler

rng = np.random.default_rng(7)
x = rng.normal(size=(9, 4)) * [1.0, 100.0, 1e-3, 0.0] + [0.0, -50.0, 3.0, 2.5]
train = [0, 2, 3, 5, 7, 8]
out = {"x": x.ravel().tolist(), "features": 4, "train": train}
for name, scaler in [("minmax", MinMaxScaler()), ("standard", StandardScaler())]:
    scaler.fit(x[train])
    out[name] = scaler.transform(x).ravel().tolist()
# "unit": one range over all values of the training rows (MinMaxScaler on the
# flattened training data).
flat = MinMaxScaler().fit(x[train].reshape(-1, 1))
out["unit"] = flat.transform(x.reshape(-1, 1)).ravel().tolist()
with open("scaler.json", "w") as f:
    json.dump(out, f, indent=1)
