"""Sessions with the controller (one front end, one TCP connection).

Protocol (proto/src/main/proto/testbed.proto, docs/PROTOCOL.md): connect, send a
``FrontEndHello``, wait for the ``HelloAck`` (or a ``Reject`` that refuses the hello); then send
``CsiReport`` messages with strictly increasing sequences, each answered by exactly one
``WeightUpdate`` or ``Reject`` naming its sequence; after applying an update send
``WeightApplied`` with the weight frame's CRC-32C trailer.

:class:`Session` is the blocking form, :class:`AsyncSession` the asyncio form. Both track every
report sent until its answer arrives: an answer for a sequence never sent (or answered already)
is counted and dropped, and a lost connection raises :class:`ConnectionLost` naming the
sequences left without an answer, so every report gets exactly one answer or a clear error.
"""

import asyncio
import select
import socket
import ssl
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Union

import numpy as np

from . import proto
from .frame import Frame, FrameRejected, crc32c, parse_frame
from .wire import DEFAULT_MAX_FRAME_BYTES, StreamDecoder, frame as wire_frame

PROTOCOL_VERSION = 1
SOFTWARE = "isacfe-python 0.1"


def now_ns() -> int:
    """The front-end clock: CLOCK_MONOTONIC, the clock the controller's JVM reads on Linux."""
    return time.monotonic_ns()


@dataclass
class Geometry:
    """Array geometry; a ULA is (N, 1)."""
    horizontal: int
    vertical: int = 1
    spacing_wavelengths: float = 0.0  # 0 means 0.5

    @property
    def elements(self) -> int:
        return self.horizontal * self.vertical

    def message(self):
        return proto.ArrayGeometry(horizontal=self.horizontal, vertical=self.vertical,
                                   spacing_wavelengths=self.spacing_wavelengths)


@dataclass
class Hello:
    """What the front end tells the controller first (FrontEndHello)."""
    radio_id: str
    tx: Geometry
    rx: Optional[Geometry] = None
    rf_chains: int = 0           # M; 0 = fully digital
    phase_bits: int = 0          # 0 = continuous
    baseband_bits: int = 0       # 0 = float
    max_power_w: float = 1.0
    per_antenna_power: bool = False
    max_users: int = 0           # 0 = N
    shared_clock: bool = False   # True only when the controller runs on this host
    software: str = SOFTWARE
    subbands: int = 0            # S of the wideband reports this front end will send (0 = narrowband)

    def message(self):
        h = proto.FrontEndHello(radio_id=self.radio_id, tx_array=self.tx.message(), rf_chains=self.rf_chains,
                                phase_bits=self.phase_bits, baseband_bits=self.baseband_bits,
                                max_power_w=self.max_power_w, per_antenna_power=self.per_antenna_power,
                                max_users=self.max_users, protocol_version=PROTOCOL_VERSION,
                                software=self.software, shared_clock=self.shared_clock,
                                subbands=self.subbands)
        if self.rx is not None:
            h.rx_array.CopyFrom(self.rx.message())
        h.modes.append(proto.Mode.MODE_HYBRID if self.rf_chains else proto.Mode.MODE_DIGITAL)
        return h


def matrix_to_proto(a: np.ndarray, out) -> None:
    """Writes a 2-D complex array into a ComplexMatrix (row-major, float32)."""
    a = np.asarray(a)
    if a.ndim != 2:
        raise ValueError(f"expected a 2-D matrix, got shape {a.shape}")
    out.rows, out.cols = a.shape
    flat = a.reshape(-1)
    out.re.extend(np.real(flat).astype(np.float32).tolist())
    out.im.extend(np.imag(flat).astype(np.float32).tolist())


def matrix_from_proto(m) -> Optional[np.ndarray]:
    """ComplexMatrix to a complex128 array; None when empty."""
    if m.rows * m.cols == 0:
        return None
    size = m.rows * m.cols
    if len(m.re) != size or len(m.im) != size:
        raise ValueError(f"ComplexMatrix {m.rows}x{m.cols} carries {len(m.re)}/{len(m.im)} values")
    re = np.asarray(m.re, dtype=np.float64)
    im = np.asarray(m.im, dtype=np.float64)
    return (re + 1j * im).reshape(m.rows, m.cols)


def build_report(radio_id: str, sequence: int, channel: np.ndarray, noise_power_w, power_budget_w: float,
                 deadline_budget_s: Optional[float] = None, capture_ns: Optional[int] = None,
                 targets: Sequence = (), clutter: Sequence = (), solver: str = "", params: Optional[Dict[str, float]] = None,
                 frequency_offsets_hz: Optional[Sequence[float]] = None, carrier_hz: float = 0.0):
    """A CsiReport from an N x K complex channel (column k = h_k), or a wideband one from an
    S x N x K array (S subbands, each its own channel).

    ``noise_power_w``: one value or one per user (W); wideband: the same for every subband, or an
    S x K (or S x 1) array, one row per subband. ``deadline_budget_s``: the weights must be
    applied this long after capture (None: ``deadline_ns = 0``, no deadline). ``targets`` and
    ``clutter``: (azimuth_rad, elevation_rad, complex gain) tuples. Wideband only:
    ``frequency_offsets_hz`` (f_s - f_c per subband) and ``carrier_hz`` (f_c).
    """
    capture = now_ns() if capture_ns is None else capture_ns
    r = proto.CsiReport(radio_id=radio_id, sequence=sequence, capture_ns=capture, power_budget_w=power_budget_w,
                        solver=solver)
    if deadline_budget_s is not None:
        r.deadline_ns = capture + int(round(deadline_budget_s * 1e9))
    channel = np.asarray(channel)
    if channel.ndim == 3:
        s_count = channel.shape[0]
        noise = np.asarray(noise_power_w, dtype=np.float64)
        noise = np.broadcast_to(noise.reshape(1, -1) if noise.ndim <= 1 else noise, (s_count, noise.reshape(-1).size
                                if noise.ndim <= 1 else noise.shape[1]))
        offsets = [0.0] * s_count if frequency_offsets_hz is None else list(frequency_offsets_hz)
        if len(offsets) != s_count:
            raise ValueError(f"{len(offsets)} frequency offsets for {s_count} subbands")
        for s in range(s_count):
            sb = r.subbands.add(frequency_offset_hz=float(offsets[s]))
            matrix_to_proto(channel[s], sb.channel)
            sb.noise_power_w.extend(noise[s].tolist())
        r.carrier_hz = carrier_hz
    elif channel.ndim == 2:
        matrix_to_proto(channel, r.channel)
        r.noise_power_w.extend(np.atleast_1d(np.asarray(noise_power_w, dtype=np.float64)).tolist())
    else:
        raise ValueError(f"channel must be N x K or S x N x K, got shape {channel.shape}")
    for dst, src in ((r.targets, targets), (r.clutter, clutter)):
        for az, el, g in src:
            g = complex(g)
            dst.add(azimuth_rad=az, elevation_rad=el, gain_re=g.real, gain_im=g.imag)
    if params:
        for k, v in params.items():
            r.params[k] = v
    return r


@dataclass
class Update:
    """A WeightUpdate: the controller's float weights and, when it sent one, the parsed frame."""
    sequence: int
    solver: str
    analog: Optional[np.ndarray]     # F, N x M (None for digital)
    baseband: np.ndarray             # W
    frame: Optional[Frame]
    frame_error: Optional[str]       # why the frame cannot be applied (None when it can, or there is none)
    crc32c: int                      # what WeightApplied echoes: the frame's CRC-32C trailer (0 without a frame)
    message: object
    rtt_ns: int = 0                  # report sent -> answer read on this host
    subband_baseband: tuple = ()     # wideband: W_1 ... W_{S-1} (W_0 is baseband)

    @property
    def subbands(self) -> int:
        """S: 1 + the wideband sets (1 for a narrowband answer)."""
        return 1 + len(self.subband_baseband)

    def applied_weights(self, subband: int = 0):
        """(F, W_s) the array applies on subband s: the frame's quantized weights when there is a frame, else the floats."""
        if not 0 <= subband < self.subbands:
            raise IndexError(f"subband {subband} of {self.subbands}")
        if self.frame is not None:
            return self.frame.analog(), self.frame.baseband(subband)
        return self.analog, self.baseband if subband == 0 else self.subband_baseband[subband - 1]


@dataclass
class Rejected:
    """A Reject answering a report (sequence > 0), or refusing something else (sequence 0)."""
    sequence: int
    reason: str
    detail: str
    rtt_ns: int = 0


Answer = Union[Update, Rejected]


class SessionError(Exception):
    pass


class HelloRefused(SessionError):
    def __init__(self, reason: str, detail: str):
        super().__init__(f"controller refused the hello: {reason} {detail}")
        self.reason = reason
        self.detail = detail


class ConnectionLost(SessionError):
    """The connection ended; ``pending`` lists the sequences that got no answer."""

    def __init__(self, why: str, pending: List[int]):
        super().__init__(f"{why}; {len(pending)} report(s) without an answer")
        self.why = why
        self.pending = pending


def tls_context(ca_file: str, cert_file: str, key_file: str) -> ssl.SSLContext:
    """Mutual TLS as the controller's ``serve --tls`` wants it: the lab CA, this radio's certificate."""
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca_file)
    ctx.load_cert_chain(cert_file, key_file)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


@dataclass
class Counters:
    reports: int = 0
    updates: int = 0
    rejects: int = 0
    applied: int = 0
    unknown_answers: int = 0
    other_rejects: int = 0
    rejects_by_reason: Dict[str, int] = field(default_factory=dict)


class _Core:
    """State shared by both forms: hello, sequences, pending reports, answer decoding."""

    def __init__(self, hello: Hello, max_frame_bytes: int):
        self.hello = hello
        self.max_frame_bytes = max_frame_bytes
        self.decoder = StreamDecoder(max_frame_bytes)
        self.sequence = 0
        self.pending: Dict[int, int] = {}
        self.counters = Counters()
        self.ack = None

    def reset_stream(self):
        self.decoder = StreamDecoder(self.max_frame_bytes)
        self.ack = None

    def hello_bytes(self) -> bytes:
        return wire_frame(proto.FrontEndMessage(hello=self.hello.message()).SerializeToString())

    def report_bytes(self, channel, noise_power_w, power_budget_w, **kw):
        self.sequence += 1
        r = build_report(self.hello.radio_id, self.sequence, channel, noise_power_w, power_budget_w, **kw)
        return self.sequence, wire_frame(proto.FrontEndMessage(csi=r).SerializeToString())

    def raw_report_bytes(self, report):
        """A caller-built CsiReport (tests of the controller's rejects); tracked by its sequence."""
        return wire_frame(proto.FrontEndMessage(csi=report).SerializeToString())

    def applied_bytes(self, update: Update, apply_ns: Optional[int]) -> bytes:
        a = proto.WeightApplied(radio_id=self.hello.radio_id, sequence=update.sequence,
                                apply_ns=now_ns() if apply_ns is None else apply_ns, frame_crc32c=update.crc32c)
        self.counters.applied += 1
        return wire_frame(proto.FrontEndMessage(applied=a).SerializeToString())

    def decode(self, body: bytes):
        m = proto.ControllerMessage()
        m.ParseFromString(body)
        return m

    def on_message(self, m) -> Optional[Answer]:
        """An answer to hand to the caller, or None (hello ack, unknown answers)."""
        kind = m.WhichOneof("body")
        now = now_ns()
        if kind == "hello_ack":
            self.ack = m.hello_ack
            return None
        if kind == "goodbye":
            raise ConnectionLost(f"controller said goodbye: {m.goodbye.reason}", sorted(self.pending))
        if kind == "reject":
            rj = m.reject
            reason = proto.Reject.Reason.Name(rj.reason) if rj.reason in proto.Reject.Reason.values() else str(rj.reason)
            if self.ack is None and rj.sequence == 0:
                raise HelloRefused(reason, rj.detail)
            if rj.sequence == 0:
                self.counters.other_rejects += 1
                return Rejected(0, reason, rj.detail)
            sent = self.pending.pop(rj.sequence, None)
            if sent is None:
                self.counters.unknown_answers += 1
                return None
            self.counters.rejects += 1
            self.counters.rejects_by_reason[reason] = self.counters.rejects_by_reason.get(reason, 0) + 1
            return Rejected(rj.sequence, reason, rj.detail, now - sent)
        if kind == "update":
            u = m.update
            sent = self.pending.pop(u.sequence, None)
            if sent is None:
                self.counters.unknown_answers += 1
                return None
            self.counters.updates += 1
            return self.to_update(u, now - sent)
        return None

    def to_update(self, u, rtt_ns: int) -> Update:
        fr, err, crc = None, None, 0
        if len(u.fpga_frame):
            # the ack names the frame by its CRC-32C trailer: the CRC of its bytes before the trailer
            # (equal to the trailer for every frame the parser accepts)
            crc = crc32c(u.fpga_frame[:-4]) if len(u.fpga_frame) >= 4 else 0
            try:
                fr = parse_frame(u.fpga_frame)
                if not fr.is_for(self.hello.radio_id):
                    err = "frame is for another radio id"
                elif fr.sequence != u.sequence:
                    err = f"frame sequence {fr.sequence} != update sequence {u.sequence}"
                elif fr.n != self.hello.tx.elements:
                    err = f"frame has N={fr.n}, this array {self.hello.tx.elements}"
            except FrameRejected as e:
                err = str(e)
            if err is not None:
                fr = None
        if fr is not None and fr.subbands != 1 + len(u.subband_baseband):
            err = f"frame has {fr.subbands} baseband sets, the update {1 + len(u.subband_baseband)}"
            fr = None
        return Update(u.sequence, u.solver, matrix_from_proto(u.analog), matrix_from_proto(u.baseband), fr, err, crc,
                      u, rtt_ns, tuple(matrix_from_proto(m) for m in u.subband_baseband))


class Session:
    """Blocking session. Not thread-safe: one thread sends and receives.

    >>> s = Session("127.0.0.1", 7420, Hello("fe-0", Geometry(8)))
    >>> s.connect()
    >>> answer = s.request(h, noise_power_w=1e-3, power_budget_w=1.0, deadline_budget_s=0.002)
    >>> if isinstance(answer, Update): write_to_hardware(answer); s.applied(answer)
    """

    def __init__(self, host: str, port: int, hello: Hello, tls: Optional[ssl.SSLContext] = None,
                 server_hostname: Optional[str] = None, timeout: float = 10.0,
                 max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES):
        self.host, self.port, self.tls, self.timeout = host, port, tls, timeout
        self.server_hostname = server_hostname or host
        self.core = _Core(hello, max_frame_bytes)
        self.sock: Optional[socket.socket] = None
        self._answers: List[Answer] = []

    @property
    def counters(self) -> Counters:
        return self.core.counters

    @property
    def hello_ack(self):
        return self.core.ack

    def connect(self):
        """Connects and says hello; returns the HelloAck. Raises HelloRefused, OSError, TimeoutError."""
        self.close()
        s = socket.create_connection((self.host, self.port), timeout=self.timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.tls is not None:
            s = self.tls.wrap_socket(s, server_hostname=self.server_hostname)
        self.sock = s
        self.core.reset_stream()
        try:
            self._send(self.core.hello_bytes())
            deadline = time.monotonic() + self.timeout
            while self.core.ack is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("controller did not answer the hello")
                self._read(left)
        except BaseException:
            self.close()
            raise
        return self.core.ack

    def connect_with_backoff(self, first_s: float = 0.1, max_s: float = 2.0, attempts: Optional[int] = None):
        """Connects, retrying with a doubling delay (first_s .. max_s) on connection errors; a
        refused hello is not retried. Returns the HelloAck."""
        delay, tried = first_s, 0
        while True:
            try:
                return self.connect()
            except (OSError, TimeoutError, ConnectionLost):
                tried += 1
                if attempts is not None and tried >= attempts:
                    raise
                time.sleep(delay)
                delay = min(max_s, delay * 2)

    def send_report(self, channel: np.ndarray, noise_power_w, power_budget_w: float, **kw) -> int:
        """Sends a CsiReport (see :func:`build_report` for the keywords); returns its sequence."""
        seq, data = self.core.report_bytes(channel, noise_power_w, power_budget_w, **kw)
        self.core.pending[seq] = now_ns()
        self.core.counters.reports += 1
        self._send(data)
        return seq

    def send_raw_report(self, report) -> None:
        """Sends a caller-built CsiReport as is (its sequence is tracked when > 0)."""
        if report.sequence:
            self.core.pending[report.sequence] = now_ns()
            self.core.sequence = max(self.core.sequence, report.sequence)
        self.core.counters.reports += 1
        self._send(self.core.raw_report_bytes(report))

    def poll(self, timeout: float = 0.0) -> List[Answer]:
        """Answers that have arrived, waiting up to ``timeout`` seconds for the first one."""
        if not self._answers:
            self._read(timeout)
            while self._readable(0):
                self._read(0)
        out, self._answers = self._answers, []
        return out

    def answer(self, sequence: int, timeout: Optional[float] = None) -> Answer:
        """Waits for the answer to ``sequence`` (answers to other reports stay queued for poll)."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            for i, a in enumerate(self._answers):
                if a.sequence == sequence:
                    return self._answers.pop(i)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no answer to report {sequence}")
            self._read(left)

    def request(self, channel: np.ndarray, noise_power_w, power_budget_w: float, **kw) -> Answer:
        """send_report + answer."""
        return self.answer(self.send_report(channel, noise_power_w, power_budget_w, **kw))

    def applied(self, update: Update, apply_ns: Optional[int] = None) -> None:
        """Tells the controller the update is applied (echoing its frame's CRC-32C trailer)."""
        self._send(self.core.applied_bytes(update, apply_ns))

    def close(self, goodbye: Optional[str] = None):
        if self.sock is None:
            return
        try:
            if goodbye is not None:
                g = proto.FrontEndMessage()
                g.goodbye.reason = goodbye
                self._send(wire_frame(g.SerializeToString()))
        except OSError:
            pass
        finally:
            self.sock.close()
            self.sock = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close("done")

    # --- internals
    def _send(self, data: bytes):
        if self.sock is None:
            raise ConnectionLost("not connected", sorted(self.core.pending))
        try:
            self.sock.sendall(data)
        except OSError as e:
            self._lost(f"send failed: {e}")

    def _readable(self, timeout: float) -> bool:
        if isinstance(self.sock, ssl.SSLSocket) and self.sock.pending():
            return True
        r, _, _ = select.select([self.sock], [], [], max(0.0, timeout))
        return bool(r)

    def _read(self, timeout: float):
        if self.sock is None:
            raise ConnectionLost("not connected", sorted(self.core.pending))
        if not self._readable(timeout):
            return
        try:
            data = self.sock.recv(1 << 16)
        except ssl.SSLWantReadError:
            return  # bytes of a TLS record arrived, the record is not complete yet
        except OSError as e:
            self._lost(f"receive failed: {e}")
        if not data:
            self._lost("controller closed the connection")
        for body in self.core.decoder.feed(data):
            try:
                a = self.core.on_message(self.core.decode(body))
            except ConnectionLost:
                self.sock.close()
                self.sock = None
                self.core.pending.clear()
                raise
            if a is not None:
                self._answers.append(a)

    def _lost(self, why: str):
        pending = sorted(self.core.pending)
        self.core.pending.clear()
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        raise ConnectionLost(why, pending)


class AsyncSession:
    """asyncio session: a reader task resolves one future per report.

    >>> s = AsyncSession("127.0.0.1", 7420, Hello("fe-0", Geometry(8)))
    >>> await s.connect()
    >>> answer = await s.request(h, 1e-3, 1.0, deadline_budget_s=0.002)
    >>> if isinstance(answer, Update): await s.applied(answer)
    """

    def __init__(self, host: str, port: int, hello: Hello, tls: Optional[ssl.SSLContext] = None,
                 server_hostname: Optional[str] = None, timeout: float = 10.0,
                 max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES):
        self.host, self.port, self.tls, self.timeout = host, port, tls, timeout
        self.server_hostname = server_hostname or host
        self.core = _Core(hello, max_frame_bytes)
        self._reader = self._writer = self._task = None
        self._futures: Dict[int, asyncio.Future] = {}
        self._ack: Optional[asyncio.Future] = None
        self.other: asyncio.Queue = asyncio.Queue()

    @property
    def counters(self) -> Counters:
        return self.core.counters

    async def connect(self):
        await self.close()
        self._reader, self._writer = await asyncio.wait_for(asyncio.open_connection(
            self.host, self.port, ssl=self.tls, server_hostname=self.server_hostname if self.tls else None), self.timeout)
        sock = self._writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.core.reset_stream()
        self._ack = asyncio.get_running_loop().create_future()
        self._task = asyncio.create_task(self._read_loop())
        self._writer.write(self.core.hello_bytes())
        return await asyncio.wait_for(asyncio.shield(self._ack), self.timeout)

    async def connect_with_backoff(self, first_s: float = 0.1, max_s: float = 2.0, attempts: Optional[int] = None):
        delay, tried = first_s, 0
        while True:
            try:
                return await self.connect()
            except (OSError, asyncio.TimeoutError, ConnectionLost):
                tried += 1
                if attempts is not None and tried >= attempts:
                    raise
                await asyncio.sleep(delay)
                delay = min(max_s, delay * 2)

    def send_report(self, channel: np.ndarray, noise_power_w, power_budget_w: float, **kw) -> asyncio.Future:
        """Sends a report; returns the future of its answer (ConnectionLost if the connection ends first)."""
        if self._writer is None:
            raise ConnectionLost("not connected", sorted(self.core.pending))
        seq, data = self.core.report_bytes(channel, noise_power_w, power_budget_w, **kw)
        fut = asyncio.get_running_loop().create_future()
        self._futures[seq] = fut
        self.core.pending[seq] = now_ns()
        self.core.counters.reports += 1
        self._writer.write(data)
        return fut

    async def request(self, channel: np.ndarray, noise_power_w, power_budget_w: float, **kw) -> Answer:
        return await asyncio.wait_for(self.send_report(channel, noise_power_w, power_budget_w, **kw), self.timeout)

    async def applied(self, update: Update, apply_ns: Optional[int] = None):
        self._writer.write(self.core.applied_bytes(update, apply_ns))
        await self._writer.drain()

    async def close(self, goodbye: Optional[str] = None):
        if self._writer is None:
            return
        if goodbye is not None:
            g = proto.FrontEndMessage()
            g.goodbye.reason = goodbye
            try:
                self._writer.write(wire_frame(g.SerializeToString()))
                await self._writer.drain()
            except OSError:
                pass
        self._writer.close()
        try:
            await self._writer.wait_closed()
        except (OSError, ssl.SSLError):
            pass
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, SessionError):
                pass
        self._writer = self._reader = self._task = None
        self._fail_all(ConnectionLost("closed", sorted(self.core.pending)))

    def _fail_all(self, exc: Exception):
        for seq, fut in self._futures.items():
            if not fut.done():
                fut.set_exception(ConnectionLost(str(exc), [seq]) if not isinstance(exc, ConnectionLost) else exc)
        self._futures.clear()
        self.core.pending.clear()
        if self._ack is not None and not self._ack.done():
            self._ack.set_exception(exc)

    async def _read_loop(self):
        try:
            while True:
                data = await self._reader.read(1 << 16)
                if not data:
                    raise ConnectionLost("controller closed the connection", sorted(self.core.pending))
                for body in self.core.decoder.feed(data):
                    a = self.core.on_message(self.core.decode(body))
                    if self.core.ack is not None and not self._ack.done():
                        self._ack.set_result(self.core.ack)
                    if a is None:
                        continue
                    fut = self._futures.pop(a.sequence, None)
                    if fut is not None and not fut.done():
                        fut.set_result(a)
                    else:
                        self.other.put_nowait(a)
        except asyncio.CancelledError:
            raise
        except Exception as e:  # noqa: BLE001 - every waiter learns why
            self._fail_all(e if isinstance(e, SessionError) else ConnectionLost(f"read failed: {e}", sorted(self.core.pending)))
