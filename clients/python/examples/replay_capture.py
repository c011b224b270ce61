#!/usr/bin/env python3
"""A front end that replays a CSI capture (examples/make_capture.py) to the controller at its
rate, applies every weight update (the frame's quantized weights, as the hardware would; into a
register file with --registers) and acknowledges it (WeightApplied with the CRC-32C of the frame's bytes).

It accounts for every report: answered with weights, rejected (by reason), or lost with the
connection; "unaccounted" must be 0. Round trip = report sent -> its update read, over the
updates applied (as the Java simulated radio's capture -> applied latency). With --json it
writes the counts and latencies; with --check it exits 1 unless every report was answered and
every applied frame was valid.

    /usr/bin/python3 examples/replay_capture.py capture.npz --port 7420 --solver rzf
"""
import argparse
import json
import os
import ssl
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from isacfe.regfile import RegisterMap, RegisterWriter  # noqa: E402
from isacfe.session import (ConnectionLost, Geometry, Hello, Rejected, Session, Update, now_ns,  # noqa: E402
                            tls_context)


def percentile_us(values_ns, q):
    return float(np.percentile(np.asarray(values_ns, dtype=np.float64), q) / 1e3) if values_ns else float("nan")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("capture")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7420)
    p.add_argument("--radio", default="py-0")
    p.add_argument("--solver", default="")
    p.add_argument("--deadline-us", type=float, default=2000.0)
    p.add_argument("--rate-hz", type=float, default=0.0, help="override the capture's rate")
    p.add_argument("--rf-chains", type=int, default=0, help="M > 0: a hybrid hello")
    p.add_argument("--phase-bits", type=int, default=0)
    p.add_argument("--baseband-bits", type=int, default=0)
    p.add_argument("--targets-deg", default="", help="comma-separated target azimuths (degrees), e.g. 20,-35")
    p.add_argument("--param", action="append", default=[], help="solver parameter NAME=VALUE (repeatable)")
    p.add_argument("--registers", help="register map file; apply frames into --device")
    p.add_argument("--device", help="UIO device or file the register map is in")
    p.add_argument("--tls", help="directory of `isac certs`: ca.crt, radio-<id>.crt/.key")
    p.add_argument("--json", help="write the result here")
    p.add_argument("--check", action="store_true", help="exit 1 unless all reports are accounted for")
    a = p.parse_args()

    cap = np.load(a.capture)
    h = cap["h"]
    reports, n, k = h.shape
    rate = a.rate_hz or float(cap["rate_hz"])
    hello = Hello(a.radio, Geometry(int(cap["tx_array"][0]), int(cap["tx_array"][1])), rf_chains=a.rf_chains,
                  phase_bits=a.phase_bits, baseband_bits=a.baseband_bits, max_power_w=float(cap["power_budget_w"]),
                  max_users=k, shared_clock=a.host in ("127.0.0.1", "localhost", "::1"))
    ctx = None
    if a.tls:
        ctx = tls_context(os.path.join(a.tls, "ca.crt"), os.path.join(a.tls, f"radio-{a.radio}.crt"),
                          os.path.join(a.tls, f"radio-{a.radio}.key"))
    writer = RegisterWriter(RegisterMap.load(a.registers), a.device) if a.registers else None
    s = Session(a.host, a.port, hello, tls=ctx, timeout=10)
    s.connect_with_backoff(attempts=20)
    rtts, bad_frames, lost, solvers = [], 0, [], set()
    rejects = {}

    def handle(ans):
        nonlocal bad_frames
        if isinstance(ans, Rejected):
            rejects[ans.reason] = rejects.get(ans.reason, 0) + 1
            return
        solvers.add(ans.solver)
        if len(ans.message.fpga_frame) and ans.frame is None:
            bad_frames += 1  # a frame that cannot be applied: not acknowledged
            print(f"report {ans.sequence}: frame not applied: {ans.frame_error}", file=sys.stderr)
            return
        if writer is not None and ans.frame is not None:
            writer.write(ans.frame)
        s.applied(ans, now_ns())
        rtts.append(ans.rtt_ns)

    targets = [(np.radians(float(d)), 0.0, 1.0) for d in a.targets_deg.split(",") if d.strip()]
    params = {kv.split("=", 1)[0]: float(kv.split("=", 1)[1]) for kv in a.param}
    period = 1.0 / rate
    t0 = time.monotonic()
    try:
        for i in range(reports):
            due = t0 + i * period
            while True:
                left = due - time.monotonic()
                for ans in s.poll(max(0.0, left) if left > 0 else 0.0):
                    handle(ans)
                if time.monotonic() >= due:
                    break
            s.send_report(h[i], cap["noise_power_w"], float(cap["power_budget_w"]),
                          deadline_budget_s=a.deadline_us * 1e-6, solver=a.solver,
                          targets=targets, params=params)
        end = time.monotonic() + 5
        while s.core.pending and time.monotonic() < end:
            for ans in s.poll(0.1):
                handle(ans)
    except ConnectionLost as e:
        lost = e.pending
        print(f"connection lost: {e}", file=sys.stderr)
    sent_s = time.monotonic() - t0
    c = s.counters
    unaccounted = c.reports - c.updates - c.rejects - len(lost)
    s.close("replay done")
    if writer is not None:
        writer.close()
    result = {
        "client": "python", "radio": a.radio, "n": n, "k": k, "rf_chains": a.rf_chains, "rate_hz": rate,
        "reports": c.reports, "answers": c.updates + c.rejects, "updates": c.updates, "rejects": rejects,
        "applied": c.applied, "lost": len(lost), "unaccounted": unaccounted, "unknown_answers": c.unknown_answers,
        "bad_frames": bad_frames, "solvers": sorted(solvers), "seconds": round(sent_s, 3),
        "rtt_p50_us": round(percentile_us(rtts, 50), 1), "rtt_p99_us": round(percentile_us(rtts, 99), 1),
    }
    print(json.dumps(result))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=1)
    if a.check and (unaccounted or lost or bad_frames or c.unknown_answers or c.applied != c.updates):
        sys.exit(1)


if __name__ == "__main__":
    main()
