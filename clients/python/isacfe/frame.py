"""Weight frame, versions 1 and 2 (fpga-bridge/FRAME.md), parsed to the bit.

Version 2 (wideband) carries S >= 2 baseband sets behind the one F; ``Frame.subbands`` is S
(1 for version 1), ``Frame.baseband(s)`` gives subband s's W.

The parser checks the frame in the order FRAME.md's "Parser" table gives and raises
:class:`FrameRejected` with the first failing reason; its reason names are the Java
``org.isac.fpga.frame.RejectReason`` names. Quantized weights come back as numpy arrays
computed exactly as the Java ``DecodedFrame`` does (W = s * 2^e[k] * (I + jQ) in double
precision, F = 10^(-g*step/20) * (cos(c*D) + j sin(c*D)) with D = 2*pi / 2^phaseBits).
"""

import math
import struct
from dataclasses import dataclass
from typing import Optional

import numpy as np

MAGIC = 0x46575349  # "ISWF"
VERSION = 1
VERSION_WIDEBAND = 2
MAX_SUBBANDS = 1024
HEADER_BYTES = 36
TRAILER_BYTES = 4
MODE_DIGITAL, MODE_HYBRID = 0, 1
CODEC_FIXED, CODEC_BFP = 1, 2

# Limits of the Java ParserLimits.DEFAULT
MAX_N, MAX_M, MAX_K, MAX_FRAME_BYTES = 1024, 256, 256, 4 << 20

REASONS = ("TRUNCATED", "TRAILING_BYTES", "OVERSIZED", "BAD_MAGIC", "BAD_VERSION", "BAD_CRC", "BAD_MODE",
           "BAD_CODEC", "BAD_BITS", "BAD_RESERVED", "BAD_DIMENSIONS", "LENGTH_MISMATCH", "BAD_PADDING",
           "BAD_VALUE")


class FrameRejected(ValueError):
    """A frame failed a check; ``reason`` is one of :data:`REASONS`."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return tuple(table)


_CRC_TABLE = _crc32c_table()


def crc32c(data, crc: int = 0) -> int:
    """CRC-32C (Castagnoli), as java.util.zip.CRC32C; ``crc`` continues an earlier value."""
    c = crc ^ 0xFFFFFFFF
    t = _CRC_TABLE
    for b in bytes(data):
        c = t[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def fnv1a32(radio_id: str) -> int:
    """FNV-1a-32 of the UTF-8 bytes (the frame header's radioIdHash)."""
    h = 0x811C9DC5
    for b in radio_id.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def packed_bytes(count: int, bits: int) -> int:
    return (count * bits + 7) // 8


def payload_bytes(hybrid: bool, n: int, m: int, k: int, phase_bits: int, gain_bits: int, codec: int, bb_bits: int,
                  subbands: int = 1) -> int:
    """P implied by the header fields (FRAME.md, payload sections), with S baseband sections."""
    rows = m if hybrid else n
    p = 0
    if hybrid:
        p += packed_bytes(n * m, phase_bits)
        if gain_bits > 0:
            p += packed_bytes(n * m, gain_bits)
    if codec == CODEC_FIXED:
        p += subbands * (4 + 4 * rows * k)
    else:
        p += subbands * (4 + k * (1 + packed_bytes(2 * rows, bb_bits)))
    return p


def _unpack(buf, pos: int, count: int, bits: int, signed: bool):
    """``count`` fields of ``bits`` bits LSB first from ``buf[pos:]``; returns (values, end) or (None, end) on padding."""
    end = pos + packed_bytes(count, bits)
    acc = int.from_bytes(buf[pos:end], "little")
    mask = (1 << bits) - 1
    out = [0] * count
    sign = 1 << (bits - 1)
    for j in range(count):
        v = acc & mask
        if signed and v & sign:
            v -= 1 << bits
        out[j] = v
        acc >>= bits
    if acc != 0:
        return None, end
    return out, end


@dataclass
class Frame:
    """A parsed frame: the raw fields the FPGA loads and the quantized weights."""
    version: int
    hybrid: bool
    codec: int
    phase_bits: int
    baseband_bits: int
    gain_bits: int
    gain_step_centi_db: int
    radio_id_hash: int
    sequence: int
    n: int
    m: int
    k: int
    payload_length: int
    frame_length: int
    crc32c: int
    scale: float              # subband 0's frame scale
    scale_bits: int
    phase_codes: np.ndarray   # int32, N*M (hybrid) else empty
    gain_codes: np.ndarray    # int32, N*M (hybrid with attenuators) else empty
    exponents: np.ndarray     # int32, S*K: subband s's at [s*K, (s+1)*K)
    iq: np.ndarray            # int32, S*rows*K x 2: (I, Q) per entry, subband s's rows*K entries after s-1's
    subbands: int = 1         # S: 1 for version 1, >= 2 for version 2
    scales: tuple = ()        # every subband's frame scale (S floats)
    scales_bits: tuple = ()   # their float32 bits

    @property
    def baseband_rows(self) -> int:
        return self.m if self.hybrid else self.n

    def is_for(self, radio_id: str) -> bool:
        return fnv1a32(radio_id) == self.radio_id_hash

    def baseband(self, s: int = 0) -> np.ndarray:
        """Subband s's quantized W, complex128 of shape (rows, K): s * 2^e[k] * (I + jQ), exact in double."""
        if not 0 <= s < self.subbands:
            raise IndexError(f"subband {s} of {self.subbands}")
        rows, k = self.baseband_rows, self.k
        e = rows * k
        f = np.ldexp(np.float64(self.scales[s]), self.exponents[s * k:(s + 1) * k].astype(np.int64))  # per column
        iq = self.iq[s * e:(s + 1) * e]
        re = iq[:, 0].reshape(rows, k) * f[None, :]
        im = iq[:, 1].reshape(rows, k) * f[None, :]
        return re + 1j * im

    def analog(self) -> Optional[np.ndarray]:
        """Quantized F (N x M, complex128) as ideal hardware realizes it; None for digital frames."""
        if not self.hybrid:
            return None
        levels = 1 << self.phase_bits
        step = 2 * math.pi / levels
        cos_t = [math.cos(c * step) for c in range(levels)]
        sin_t = [math.sin(c * step) for c in range(levels)]
        out = np.empty(self.n * self.m, dtype=np.complex128)
        for i, c in enumerate(self.phase_codes.tolist()):
            a = 1.0
            if self.gain_bits > 0:
                a = math.pow(10, -int(self.gain_codes[i]) * (self.gain_step_centi_db / 100.0) / 20.0)
            out[i] = complex(a * cos_t[c & (levels - 1)], a * sin_t[c & (levels - 1)])
        return out.reshape(self.n, self.m)

    def effective(self, s: int = 0) -> np.ndarray:
        """X_s = F W_s (hybrid) or W_s (digital): what the array radiates on subband s."""
        w = self.baseband(s)
        return self.analog() @ w if self.hybrid else w


def parse_frame(data, max_n: int = MAX_N, max_m: int = MAX_M, max_k: int = MAX_K,
                max_frame_bytes: int = MAX_FRAME_BYTES, max_subbands: int = MAX_SUBBANDS) -> Frame:
    """Parses exactly the bytes given; raises :class:`FrameRejected` with the first failing check."""
    buf = bytes(data)
    ln = len(buf)
    if ln < HEADER_BYTES + TRAILER_BYTES:
        raise FrameRejected("TRUNCATED", f"{ln} bytes is shorter than header + trailer (40)")
    magic, version, mode, codec, pb, bb, gb, gstep, rhash, seq, n, m, k, reserved, payload = \
        struct.unpack_from("<IBBBBBBHIQHHHHI", buf, 0)
    if magic != MAGIC:
        raise FrameRejected("BAD_MAGIC", f"magic 0x{magic:x}")
    if version not in (VERSION, VERSION_WIDEBAND):
        raise FrameRejected("BAD_VERSION", f"version {version}, expected {VERSION} or {VERSION_WIDEBAND}")
    total = HEADER_BYTES + payload + TRAILER_BYTES
    if total > max_frame_bytes:
        raise FrameRejected("OVERSIZED", f"payload length {payload} gives a {total}-byte frame, limit {max_frame_bytes}")
    if ln < total:
        raise FrameRejected("TRUNCATED", f"{ln} bytes, header announces {total}")
    if ln > total:
        raise FrameRejected("TRAILING_BYTES", f"{ln} bytes, header announces {total}")
    body = HEADER_BYTES + payload
    computed = crc32c(buf[:body])
    stored = struct.unpack_from("<I", buf, body)[0]
    if computed != stored:
        raise FrameRejected("BAD_CRC", f"CRC32C 0x{stored:x} but bytes give 0x{computed:x}")
    if mode not in (MODE_DIGITAL, MODE_HYBRID):
        raise FrameRejected("BAD_MODE", f"mode {mode}")
    hybrid = mode == MODE_HYBRID
    if codec not in (CODEC_FIXED, CODEC_BFP):
        raise FrameRejected("BAD_CODEC", f"codec {codec}")
    if (not 1 <= pb <= 8) if hybrid else pb != 0:
        raise FrameRejected("BAD_BITS", f"phase bits {pb}")
    bb_min = 2 if codec == CODEC_FIXED else 1
    if not bb_min <= bb <= 16:
        raise FrameRejected("BAD_BITS", f"baseband bits {bb} not in {bb_min}..16")
    if gb > 8 if hybrid else gb != 0:
        raise FrameRejected("BAD_BITS", f"gain bits {gb}")
    if (gb == 0) != (gstep == 0):
        raise FrameRejected("BAD_BITS", f"gain step {gstep} centi-dB inconsistent with {gb} gain bits")
    wide = version == VERSION_WIDEBAND
    if not wide and reserved != 0:
        raise FrameRejected("BAD_RESERVED", f"reserved header field 0x{reserved:x}")
    subbands = reserved if wide else 1
    if n < 1 or k < 1 or (m < 1 if hybrid else m != 0):
        raise FrameRejected("BAD_DIMENSIONS", f"N={n} M={m} K={k}")
    if wide and subbands < 2:
        raise FrameRejected("BAD_DIMENSIONS", f"version 2 frame with S={subbands} baseband sets (needs S >= 2)")
    if n > max_n or m > max_m or k > max_k:
        raise FrameRejected("OVERSIZED", f"N={n} M={m} K={k} exceed limits {max_n}/{max_m}/{max_k}")
    if subbands > max_subbands:
        raise FrameRejected("OVERSIZED", f"S={subbands} baseband sets exceed the limit {max_subbands}")
    expected = payload_bytes(hybrid, n, m, k, pb, gb, codec, bb, subbands)
    if expected != payload:
        raise FrameRejected("LENGTH_MISMATCH", f"payload length {payload} but header fields imply {expected}")

    rows = m if hybrid else n
    shifters = n * m if hybrid else 0
    pos = HEADER_BYTES
    phase = gain = []
    if hybrid:
        phase, pos = _unpack(buf, pos, shifters, pb, False)
        if phase is None:
            raise FrameRejected("BAD_PADDING", "phase-code section has non-zero padding bits")
        if gb > 0:
            gain, pos = _unpack(buf, pos, shifters, gb, False)
            if gain is None:
                raise FrameRejected("BAD_PADDING", "gain-code section has non-zero padding bits")
    entries = rows * k
    iq = np.zeros((subbands * entries, 2), dtype=np.int32)
    exps = np.zeros(subbands * k, dtype=np.int32)
    scales, scales_bits = [], []
    for s in range(subbands):
        scale_bits = struct.unpack_from("<I", buf, pos)[0]
        scale = struct.unpack_from("<f", buf, pos)[0]
        if scale_bits & 0x80000000 or not math.isfinite(scale):
            raise FrameRejected("BAD_VALUE", f"baseband scale must be finite and non-negative, was {scale}")
        scales.append(scale)
        scales_bits.append(scale_bits)
        pos += 4
        base = s * entries
        if codec == CODEC_FIXED:
            words = np.frombuffer(buf, dtype="<i2", count=2 * entries, offset=pos).astype(np.int32)
            qmax = (1 << (bb - 1)) - 1
            bad = np.nonzero((words > qmax) | (words < -qmax))[0]
            if bad.size:
                i = int(bad[0])
                raise FrameRejected("BAD_VALUE", f"fixed-point word {int(words[i])} at entry {i >> 1} outside +-{qmax}")
            iq[base:base + entries, :] = words.reshape(entries, 2)
            pos += 4 * entries
        else:
            for col in range(k):
                eb = buf[pos]
                pos += 1
                if eb & 0xF0:
                    raise FrameRejected("BAD_RESERVED", f"BFP exponent byte of vector {col} has reserved high nibble set: 0x{eb:x}")
                exps[s * k + col] = eb
                vals, pos = _unpack(buf, pos, 2 * rows, bb, True)
                if vals is None:
                    raise FrameRejected("BAD_PADDING", f"BFP vector {col} has non-zero padding bits")
                for r in range(rows):
                    iq[base + r * k + col, 0] = vals[2 * r]
                    iq[base + r * k + col, 1] = vals[2 * r + 1]
    return Frame(version=version, hybrid=hybrid, codec=codec, phase_bits=pb, baseband_bits=bb, gain_bits=gb,
                 gain_step_centi_db=gstep, radio_id_hash=rhash, sequence=seq, n=n, m=m, k=k,
                 payload_length=payload, frame_length=total, crc32c=stored, scale=scales[0], scale_bits=scales_bits[0],
                 phase_codes=np.asarray(phase, dtype=np.int32), gain_codes=np.asarray(gain, dtype=np.int32),
                 exponents=exps, iq=iq, subbands=subbands, scales=tuple(scales), scales_bits=tuple(scales_bits))
