#!/usr/bin/env python3
"""Writes a recorded-style CSI capture: an N x K channel per report from a Gauss-Markov
(Jakes-like AR(1)) fading process around a line-of-sight component, with estimation noise,
as a radio's channel estimator would log it.

Capture file (numpy .npz): h complex64 (T, N, K), noise_power_w float64 (K,),
power_budget_w float64, rate_hz float64, tx_array int (2,) = (horizontal, vertical).

With --raw FILE also the same capture for the C kit (clients/c/examples/replay.c), little-endian:
"ISCP", u32 T, N, K, f64 power_budget_w, f64 rate_hz, K x f64 noise_power_w, then per report the
N x K channel row-major as (re, im) float32 pairs.

    /usr/bin/python3 examples/make_capture.py capture.npz --reports 1000 -n 16 -k 4
"""
import argparse

import numpy as np


def make(reports, n, k, rate_hz=1000.0, doppler_hz=20.0, snr_db=20.0, seed=1):
    rng = np.random.default_rng(seed)
    rho = 1.0 if doppler_hz == 0 else np.cos(2 * np.pi * doppler_hz / rate_hz)  # lag-one correlation
    angles = rng.uniform(-np.pi / 3, np.pi / 3, k)
    los = np.exp(1j * np.pi * np.outer(np.arange(n), np.sin(angles))) / np.sqrt(2)
    scat = (rng.standard_normal((n, k)) + 1j * rng.standard_normal((n, k))) / 2
    h = np.empty((reports, n, k), dtype=np.complex64)
    for t in range(reports):
        w = (rng.standard_normal((n, k)) + 1j * rng.standard_normal((n, k))) / 2
        scat = rho * scat + np.sqrt(1 - rho * rho) * w
        est = (rng.standard_normal((n, k)) + 1j * rng.standard_normal((n, k))) * 0.01
        h[t] = los + scat + est
    power = 1.0
    noise = np.full(k, power / 10 ** (snr_db / 10))
    return dict(h=h, noise_power_w=noise, power_budget_w=np.float64(power), rate_hz=np.float64(rate_hz),
                tx_array=np.array([n, 1]))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--reports", type=int, default=1000)
    p.add_argument("-n", type=int, default=16)
    p.add_argument("-k", type=int, default=4)
    p.add_argument("--rate-hz", type=float, default=1000.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--raw", help="also write the capture in the C kit's raw format here")
    a = p.parse_args()
    cap = make(a.reports, a.n, a.k, a.rate_hz, seed=a.seed)
    np.savez(a.out, **cap)
    if a.raw:
        with open(a.raw, "wb") as f:
            f.write(b"ISCP" + np.array([a.reports, a.n, a.k], dtype="<u4").tobytes())
            f.write(np.array([cap["power_budget_w"], cap["rate_hz"]], dtype="<f8").tobytes())
            f.write(cap["noise_power_w"].astype("<f8").tobytes())
            f.write(cap["h"].astype("<c8").tobytes())
    print(f"wrote {a.reports} reports of {a.n} x {a.k} CSI to {a.out}")


if __name__ == "__main__":
    main()
