"""Sessions against an in-process stand-in controller that scripts the protocol's cases."""
import asyncio
import socket
import threading
import time
import unittest

import numpy as np

from tests.util import worked_example
from isacfe import proto
from isacfe.session import (AsyncSession, ConnectionLost, Geometry, Hello, HelloRefused, Rejected, Session,
                            Update)
from isacfe.wire import StreamDecoder, frame as wire_frame

FRAME7 = worked_example("example-hybrid")  # radio fe-0, sequence 7, N = 2, M = 1, K = 1


def send(conn, **body):
    conn.sendall(wire_frame(proto.ControllerMessage(**body).SerializeToString()))


class StandIn(threading.Thread):
    """Accepts connections and answers like the controller; ``mode`` picks a scripted case."""

    def __init__(self, mode="normal", port=0, delay_s=0.0):
        super().__init__(daemon=True)
        self.mode, self.delay_s = mode, delay_s
        self.srv = socket.socket()
        self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if delay_s == 0:
            self.srv.bind(("127.0.0.1", port))
            self.srv.listen()
        self.port = port or self.srv.getsockname()[1]
        self.applied, self.hellos, self.reports = [], [], []
        self.start()

    def run(self):
        if self.delay_s:
            time.sleep(self.delay_s)
            self.srv.bind(("127.0.0.1", self.port))
            self.srv.listen()
        conn, _ = self.srv.accept()
        self.srv.close()
        with conn:
            dec = StreamDecoder()
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                for body in dec.feed(data):
                    m = proto.FrontEndMessage()
                    m.ParseFromString(body)
                    self.on(conn, m)

    def on(self, conn, m):
        kind = m.WhichOneof("body")
        if kind == "hello":
            self.hellos.append(m.hello)
            if self.mode == "refuse":
                send(conn, reject=proto.Reject(reason=proto.Reject.Reason.BAD_HELLO, detail="no"))
                return
            send(conn, hello_ack=proto.pb.HelloAck(radio_id=m.hello.radio_id, protocol_version=1, default_solver="rzf"))
        elif kind == "csi":
            r = m.csi
            self.reports.append(r)
            if self.mode == "goodbye" and len(self.reports) == 2:
                send(conn, goodbye=proto.pb.Goodbye(reason="shutting down"))
                return
            if self.mode == "goodbye":
                return  # no answer: the goodbye must name both reports
            if any(np.isnan(r.channel.re)):
                send(conn, reject=proto.Reject(sequence=r.sequence, reason=proto.Reject.Reason.NON_FINITE,
                                               detail="NaN", radio_id=r.radio_id))
                return
            u = proto.WeightUpdate(radio_id=r.radio_id, sequence=r.sequence, solver="rzf")
            u.baseband.rows, u.baseband.cols = 1, 1
            u.baseband.re.append(0.5)
            u.baseband.im.append(-0.25)
            u.analog.rows, u.analog.cols = 2, 1
            u.analog.re.extend([1, 0])
            u.analog.im.extend([0, 1])
            if r.sequence == 7:
                u.fpga_frame = FRAME7
            send(conn, update=u)
            if r.sequence == 2:
                send(conn, update=u)  # a duplicate answer: counted, not handed out
        elif kind == "applied":
            self.applied.append(m.applied)


def hello():
    return Hello("fe-0", Geometry(2), rf_chains=1, phase_bits=6, baseband_bits=9, max_power_w=10)


H = np.array([[1 + 1j], [0.5 - 0.2j]])


class BlockingSessionTest(unittest.TestCase):
    def test_reports_answers_and_applied(self):
        srv = StandIn()
        with Session("127.0.0.1", srv.port, hello(), timeout=5) as s:
            ack = s.connect()
            self.assertEqual("rzf", ack.default_solver)
            seqs = [s.send_report(H, 1e-3, 10.0, deadline_budget_s=0.002) for _ in range(7)]
            self.assertEqual(list(range(1, 8)), seqs)
            got = {}
            while len(got) < 7:
                for a in s.poll(1.0):
                    self.assertNotIn(a.sequence, got)
                    got[a.sequence] = a
            u7 = got[7]
            self.assertIsInstance(u7, Update)
            self.assertIsNone(u7.frame_error)
            self.assertEqual(0x76FA2BB6, u7.crc32c)  # FRAME.md's hybrid example: its trailer
            f, w = u7.applied_weights()
            self.assertEqual([0, 16], u7.frame.phase_codes.tolist())
            self.assertAlmostEqual(0.5000153, w[0, 0].real, places=7)
            self.assertIsNone(got[1].frame)
            self.assertEqual(0, got[1].crc32c)
            s.applied(u7)
            s.applied(got[1])
            bad = H.copy()
            bad[0, 0] = np.nan
            r = s.request(bad, 1e-3, 10.0)
            self.assertIsInstance(r, Rejected)
            self.assertEqual(("NON_FINITE", 8), (r.reason, r.sequence))
            time.sleep(0.2)
            self.assertEqual(1, s.counters.unknown_answers)  # the duplicate answer to report 2
            self.assertEqual(0, len(s.core.pending))
        srv.join(5)
        self.assertEqual([(7, 0x76FA2BB6), (1, 0)], [(a.sequence, a.frame_crc32c) for a in srv.applied])
        self.assertEqual(8, len(srv.reports))
        r1 = srv.reports[0]
        self.assertEqual((2, 1), (r1.channel.rows, r1.channel.cols))
        self.assertEqual([1.0, 0.5], list(r1.channel.re))
        self.assertEqual(2_000_000, r1.deadline_ns - r1.capture_ns)
        self.assertEqual(1, srv.hellos[0].protocol_version)
        self.assertEqual([proto.Mode.MODE_HYBRID], list(srv.hellos[0].modes))

    def test_goodbye_names_the_unanswered_reports(self):
        srv = StandIn("goodbye")
        s = Session("127.0.0.1", srv.port, hello(), timeout=5)
        s.connect()
        s.send_report(H, 1e-3, 10.0)
        s.send_report(H, 1e-3, 10.0)
        with self.assertRaises(ConnectionLost) as c:
            s.answer(1)
        self.assertEqual([1, 2], c.exception.pending)
        self.assertIn("shutting down", str(c.exception))

    def test_refused_hello(self):
        srv = StandIn("refuse")
        with self.assertRaises(HelloRefused) as c:
            Session("127.0.0.1", srv.port, hello(), timeout=5).connect()
        self.assertEqual("BAD_HELLO", c.exception.reason)

    def test_reconnect_with_backoff(self):
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        StandIn(port=port, delay_s=0.4)
        s = Session("127.0.0.1", port, hello(), timeout=5)
        t0 = time.monotonic()
        s.connect_with_backoff(first_s=0.05, max_s=0.2, attempts=30)
        self.assertGreater(time.monotonic() - t0, 0.3)
        self.assertIsInstance(s.request(H, 1e-3, 10.0), Update)
        s.close()


class AsyncSessionTest(unittest.TestCase):
    def test_request_apply_and_lost_connection(self):
        srv = StandIn()

        async def run():
            s = AsyncSession("127.0.0.1", srv.port, hello(), timeout=5)
            await s.connect()
            futs = [s.send_report(H, 1e-3, 10.0) for _ in range(7)]
            answers = await asyncio.gather(*futs)
            self.assertEqual(list(range(1, 8)), [a.sequence for a in answers])
            self.assertEqual(0x76FA2BB6, answers[6].crc32c)
            await s.applied(answers[6])
            await s.close("done")
            return s

        s = asyncio.run(run())
        srv.join(5)
        self.assertEqual([7], [a.sequence for a in srv.applied])
        self.assertEqual(7, s.counters.updates)

        srv2 = StandIn("goodbye")

        async def lost():
            s = AsyncSession("127.0.0.1", srv2.port, hello(), timeout=5)
            await s.connect()
            f1 = s.send_report(H, 1e-3, 10.0)
            f2 = s.send_report(H, 1e-3, 10.0)
            for f in (f1, f2):
                with self.assertRaises(ConnectionLost):
                    await f
            await s.close()

        asyncio.run(lost())


if __name__ == "__main__":
    unittest.main()
