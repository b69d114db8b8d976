"""Generates dataset/examples/oscillator.csv, physml's shipped example of a
driven series: a damped oscillator (1 kg, 0.5 Hz, damping ratio 0.1) pushed
by a random force, sampled every 0.1 s for 1000 steps.

The force is an AR(1) process (correlation 0.9 per step, deviation 1 N),
held constant over each step; the motion is integrated with RK4 in ten
sub-steps per sample; the position is measured with 2 mm of Gaussian noise.

    /usr/bin/python3 dataset/testdata/make_oscillator.py > dataset/examples/oscillator.csv
"""
import numpy as np

rng = np.random.default_rng(7)
steps, dt, sub = 1000, 0.1, 10
omega, zeta = 2 * np.pi * 0.5, 0.1

force = np.empty(steps)
f = 0.0
for t in range(steps):
    f = 0.9 * f + np.sqrt(1 - 0.9**2) * rng.standard_normal()
    force[t] = f


def deriv(state, F):
    x, v = state
    return np.array([v, F - 2 * zeta * omega * v - omega**2 * x])


state = np.zeros(2)
print("t_s,x_m,drive_N")
for t in range(steps):
    # The position at time t, then the step to t + dt under the force of
    # step t.
    x = state[0] + 0.002 * rng.standard_normal()
    print(f"{t * dt:.1f},{x:.6f},{force[t]:.6f}")
    h = dt / sub
    for _ in range(sub):
        k1 = deriv(state, force[t])
        k2 = deriv(state + h / 2 * k1, force[t])
        k3 = deriv(state + h / 2 * k2, force[t])
        k4 = deriv(state + h * k3, force[t])
        state = state + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
