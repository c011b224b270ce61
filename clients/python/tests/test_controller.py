"""Against the real controller (`./isac serve`): set ISACFE_CONTROLLER=host:port.

The documented rejects for bad client input, a second session with the same radio id, and a
hybrid and a digital session whose applied weights are the frame's and lie within FRAME.md's
quantization bounds of the controller's float weights.
"""
import os
import socket
import unittest

import numpy as np

import tests.util  # noqa: F401 (path)
from isacfe import proto
from isacfe.session import Geometry, Hello, HelloRefused, Rejected, Session, Update, build_report
from isacfe.wire import StreamDecoder, frame as wire_frame

ADDR = os.environ.get("ISACFE_CONTROLLER")


def channel(n, k, seed=3):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, k)) + 1j * rng.standard_normal((n, k))) / np.sqrt(2)


@unittest.skipUnless(ADDR, "set ISACFE_CONTROLLER=host:port of a running `isac serve`")
class ControllerTest(unittest.TestCase):
    def setUp(self):
        host, port = ADDR.rsplit(":", 1)
        self.host, self.port = host, int(port)

    def session(self, radio, n=8, **kw):
        s = Session(self.host, self.port, Hello(radio, Geometry(n), max_power_w=1.0, shared_clock=True, **kw), timeout=10)
        s.connect()
        return s

    def test_report_before_hello_is_rejected_no_hello(self):
        with socket.create_connection((self.host, self.port), timeout=10) as c:
            r = build_report("py-nohello", 5, channel(8, 2), 0.01, 1.0)
            c.sendall(wire_frame(proto.FrontEndMessage(csi=r).SerializeToString()))
            dec, got = StreamDecoder(), []
            while not got:
                got = dec.feed(c.recv(65536))
            m = proto.ControllerMessage()
            m.ParseFromString(got[0])
            self.assertEqual("reject", m.WhichOneof("body"))
            self.assertEqual(proto.Reject.Reason.NO_HELLO, m.reject.reason)
            self.assertEqual(5, m.reject.sequence)

    def test_bad_reports_get_the_documented_rejects(self):
        with self.session("py-bad") as s:
            h = channel(8, 2)
            nan = h.copy()
            nan[3, 1] = np.nan
            cases = [(nan, 0.01, "NON_FINITE"), (channel(9, 2), 0.01, "BAD_DIMENSIONS"),
                     (channel(8, 9), 0.01, "TOO_MANY_USERS"), (np.zeros((8, 2)), 0.01, "ZERO_CHANNEL")]
            for hh, noise, reason in cases:
                with self.subTest(reason):
                    a = s.request(hh, noise, 1.0)
                    self.assertIsInstance(a, Rejected)
                    self.assertEqual(reason, a.reason, a.detail)
            a = s.request(h, [0.01, float("inf")], 1.0)
            self.assertEqual("NON_FINITE", a.reason)
            a = s.request(h, 0.01, 1.0, solver="no-such-solver")
            self.assertEqual("UNKNOWN_SOLVER", a.reason)
            self.assertIsInstance(s.request(h, 0.01, 1.0), Update)  # the session goes on
            r = build_report("py-bad", 1, h, 0.01, 1.0)  # sequence not above the last accepted one
            s.send_raw_report(r)
            self.assertEqual("OUT_OF_ORDER", s.answer(1).reason)
            self.assertEqual(0, s.counters.unknown_answers)

    def test_second_session_with_the_same_radio_id(self):
        with self.session("py-dup"):
            with self.assertRaises(HelloRefused) as c:
                self.session("py-dup")
            self.assertEqual("DUPLICATE_RADIO", c.exception.reason)

    def check_frame(self, u, s, n, m, k, phase_bits):
        self.assertIsNone(u.frame_error)
        f = u.frame
        self.assertIsNotNone(f)
        self.assertEqual((n, m, k), (f.n, f.m, f.k))
        fa, w = u.applied_weights()
        x_float = u.analog @ u.baseband if m else u.baseband
        x = fa @ w if m else w
        if m:
            self.assertEqual(phase_bits, f.phase_bits)
            # phases within half a step of the controller's F (unit modulus, no attenuators)
            err = np.abs(fa - u.analog / np.abs(u.analog))
            self.assertLessEqual(err.max(), 2 * np.sin(2 * np.pi / 2 ** phase_bits / 4) + 1e-6)
        else:
            a = max(np.abs(u.baseband.real).max(), np.abs(u.baseband.imag).max())
            bound = a / (2 ** (f.baseband_bits - 1) - 0.5) + f.scale
            self.assertLessEqual(np.abs(w - u.baseband).max(), 2 * bound)
            np.testing.assert_allclose(x, x_float, atol=4 * bound * n)
        s.applied(u)

    def test_digital_and_hybrid_sessions_apply_the_frames(self):
        with self.session("py-dig", n=8) as s:
            u = s.request(channel(8, 2), 0.01, 1.0, solver="rzf")
            self.assertIsInstance(u, Update, getattr(u, "detail", ""))
            self.check_frame(u, s, 8, 0, 2, 0)
        with self.session("py-hyb", n=16, rf_chains=4, phase_bits=6, baseband_bits=9) as s:
            ack = s.hello_ack
            self.assertIn("rzf", list(ack.solvers))
            answered = 0
            for _ in range(5):
                u = s.request(channel(16, 2, seed=answered), 0.01, 1.0, solver="hybrid-pga",
                              targets=[(0.3, 0.0, 1.0), (-0.4, 0.0, 1.0)])
                if isinstance(u, Update):
                    self.check_frame(u, s, 16, 4, 2, 6)
                    answered += 1
            self.assertGreater(answered, 0)

    def test_wideband_session_gets_every_subband_in_the_frame(self):
        subbands, n, k = 4, 8, 2
        h = np.stack([channel(n, k, seed=10 + b) for b in range(subbands)])
        offsets = [(b - 1.5) * 100e6 for b in range(subbands)]
        with self.session("py-wide", n=n, subbands=subbands) as s:
            u = s.request(h, 0.01, 1.0, solver="rzf", frequency_offsets_hz=offsets, carrier_hz=28e9)
            self.assertIsInstance(u, Update, getattr(u, "detail", ""))
            self.assertEqual(subbands, u.subbands)
            self.assertIsNone(u.frame_error)
            self.assertEqual(subbands, u.frame.subbands)
            for b in range(subbands):
                _, w = u.applied_weights(b)
                w_float = u.baseband if b == 0 else u.subband_baseband[b - 1]
                self.assertEqual((n, k), w.shape)
                # each subband's float weights: rzf of its own channel, at the full budget
                self.assertAlmostEqual(1.0, float(np.sum(np.abs(w_float) ** 2)), places=4)
                a = max(np.abs(w_float.real).max(), np.abs(w_float.imag).max())
                self.assertLessEqual(np.abs(w - w_float).max(), 2 * (a / (2 ** (u.frame.baseband_bits - 1) - 0.5)
                                                                    + u.frame.scales[b]))
            self.assertFalse(np.allclose(u.baseband, u.subband_baseband[0]), "subbands are solved apart")
            with self.assertRaises(IndexError):
                u.applied_weights(subbands)
            s.applied(u)
            # a narrowband hybrid solver cannot answer a wideband report
            bad = s.request(h, 0.01, 1.0, solver="hybrid-pga")
            self.assertIsInstance(bad, Rejected)


if __name__ == "__main__":
    unittest.main()
