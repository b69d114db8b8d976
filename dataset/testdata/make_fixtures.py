#!/usr/bin/python3
"""NumPy fixtures of physml's dataset package: .npy files in several dtypes and
orders, and an .npz, all holding arange-based arrays the Go test rebuilds.
It also loads physml_written.npy (written by the Go test with -update) with
numpy.load and checks it.  Run: /usr/bin/python3 make_fixtures.py"""
import numpy as np

a = np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 8 - 1
np.save("f8_c.npy", a)
np.save("f4_fortran.npy", np.asfortranarray(a[0].astype(np.float32)))
np.save("i8.npy", np.arange(-3, 3, dtype=np.int64))
np.save("u1.npy", np.arange(6, dtype=np.uint8).reshape(2, 3))
np.save("be_f8.npy", a[1].astype(">f8"))
np.savez("pair.npz", x=a[0], y=np.arange(3, dtype=np.int32))
try:
    w = np.load("physml_written.npy")
except FileNotFoundError:
    print("physml_written.npy not there yet: go test ./dataset -run Npy -update")
else:
    assert w.shape == (3, 2) and w.dtype == np.float64 and np.array_equal(w.ravel(), np.arange(6) * 0.5), w
    print("numpy.load read physml_written.npy: shape, dtype and values match")
