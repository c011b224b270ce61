#!/usr/bin/env python3
"""PYNQ-style front-end loop on an RFSoC board: estimate -> report -> apply to mapped registers.

Everything board-specific is in :func:`estimate_channel`: replace its body with your pilot
capture and channel estimate (e.g. reading the RF data converter's DMA buffer through
``pynq.allocate`` and a least-squares estimate against the known pilots). The rest runs
unchanged: report to the controller, parse the weight frame, load it into the beamformer's
double-buffered register window (``/dev/uioN``, layout in fpga-bridge/FRAME.md) and acknowledge
with the CRC-32C of the frame's bytes.

    /usr/bin/python3 examples/pynq_loop.py --host 10.0.0.2 --port 7420 --tls certs \
        --registers regmap.properties --device /dev/uio0 --radio rfsoc-0 -n 16 -k 2 -m 4
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from isacfe.regfile import RegisterMap, RegisterWriter  # noqa: E402
from isacfe.session import ConnectionLost, Geometry, Hello, Rejected, Session, tls_context  # noqa: E402


def estimate_channel(n: int, k: int, state: dict) -> np.ndarray:
    """Board-specific: the N x K channel estimate of this slot (column k = user k).

    Stand-in: a slowly fading random channel, so the loop runs off the board too.
    """
    rng = state.setdefault("rng", np.random.default_rng(0))
    h = state.get("h")
    w = (rng.standard_normal((n, k)) + 1j * rng.standard_normal((n, k))) / np.sqrt(2)
    state["h"] = w if h is None else 0.99 * h + np.sqrt(1 - 0.99 ** 2) * w
    return state["h"]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7420)
    p.add_argument("--radio", default="rfsoc-0")
    p.add_argument("-n", type=int, default=16)
    p.add_argument("-k", type=int, default=2)
    p.add_argument("-m", type=int, default=0, help="RF chains (0 = digital)")
    p.add_argument("--phase-bits", type=int, default=6)
    p.add_argument("--noise-w", type=float, default=0.01)
    p.add_argument("--power-w", type=float, default=1.0)
    p.add_argument("--period-ms", type=float, default=10.0)
    p.add_argument("--deadline-ms", type=float, default=5.0)
    p.add_argument("--slots", type=int, default=100)
    p.add_argument("--registers", required=True)
    p.add_argument("--device", required=True)
    p.add_argument("--tls")
    a = p.parse_args()
    ctx = None
    if a.tls:
        ctx = tls_context(os.path.join(a.tls, "ca.crt"), os.path.join(a.tls, f"radio-{a.radio}.crt"),
                          os.path.join(a.tls, f"radio-{a.radio}.key"))
    hello = Hello(a.radio, Geometry(a.n), rf_chains=a.m, phase_bits=a.phase_bits if a.m else 0,
                  baseband_bits=9, max_power_w=a.power_w)
    state = {}
    with RegisterWriter(RegisterMap.load(a.registers), a.device) as regs:
        s = Session(a.host, a.port, hello, tls=ctx)
        s.connect_with_backoff()
        for slot in range(a.slots):
            t0 = time.monotonic()
            h = estimate_channel(a.n, a.k, state)
            try:
                ans = s.request(h, a.noise_w, a.power_w, deadline_budget_s=a.deadline_ms / 1e3)
            except ConnectionLost as e:
                print(f"slot {slot}: {e}; reconnecting", file=sys.stderr)
                s.connect_with_backoff()
                continue
            if isinstance(ans, Rejected):
                print(f"slot {slot}: rejected {ans.reason}: {ans.detail}", file=sys.stderr)
            elif ans.frame is not None:
                regs.write(ans.frame)
                s.applied(ans)
            time.sleep(max(0.0, a.period_ms / 1e3 - (time.monotonic() - t0)))
        s.close("done")


if __name__ == "__main__":
    main()
