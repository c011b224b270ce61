"""Register writer: loads a parsed frame into a double-buffered register window (a UIO device
such as /dev/uio0 on the board, or a plain file in tests), the layout of the Java
``org.isac.fpga.regfile.RegisterFileWriter`` (fpga-bridge/FRAME.md, "Register map").

All registers are 32-bit little-endian words. Phase area word i: bits 0..7 phase code, bits 8..15
gain code. Baseband area: word 0 frame scale (float32 bits), words 1..K column exponents, then one
word per entry e: (Q & 0xFFFF) << 16 | (I & 0xFFFF); a version 2 frame fills S such blocks back to
back, subband s's 4 * (1 + K + rows*K) * s bytes into the area. The writer fills the inactive bank,
then writes bank-select, then the load strobe.
"""

import mmap
import os
import struct
from dataclasses import dataclass
from typing import Tuple

from .frame import Frame

KEYS = ("window.size", "window.offset", "bank0.phase.offset", "bank1.phase.offset", "phase.area.size",
        "bank0.baseband.offset", "bank1.baseband.offset", "baseband.area.size", "bank.select.offset",
        "load.strobe.offset")


@dataclass(frozen=True)
class RegisterMap:
    window_offset: int
    window_size: int
    phase_offset: Tuple[int, int]
    phase_area_size: int
    baseband_offset: Tuple[int, int]
    baseband_area_size: int
    bank_select_offset: int
    load_strobe_offset: int

    def __post_init__(self):
        if self.window_size <= 0 or self.window_size % 4:
            raise ValueError(f"window.size must be a positive multiple of 4, was {self.window_size}")
        spans = [(self.phase_offset[0], self.phase_area_size, "bank0.phase"),
                 (self.phase_offset[1], self.phase_area_size, "bank1.phase"),
                 (self.baseband_offset[0], self.baseband_area_size, "bank0.baseband"),
                 (self.baseband_offset[1], self.baseband_area_size, "bank1.baseband"),
                 (self.bank_select_offset, 4, "bank.select"), (self.load_strobe_offset, 4, "load.strobe")]
        for o, s, name in spans:
            if o < 0 or o % 4 or s < 0 or s % 4 or o + s > self.window_size:
                raise ValueError(f"{name} (offset {o}, size {s}) must be 4-byte aligned and inside the window")
        for i, (o1, s1, n1) in enumerate(spans):
            for o2, s2, n2 in spans[i + 1:]:
                if s1 > 0 and s2 > 0 and o1 < o2 + s2 and o2 < o1 + s1:
                    raise ValueError(f"{n1} overlaps {n2}")

    @staticmethod
    def parse(text: str, source: str = "register map") -> "RegisterMap":
        """key = value lines; '#' or '!' starts a comment; numbers decimal or 0x hex."""
        p = {}
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if not line or line.startswith("!"):
                continue
            key, sep, value = line.partition("=")
            if not sep:
                key, _, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if key not in KEYS:
                raise ValueError(f"{source}: unknown key '{key}'")
            p[key] = int(value, 16) if value.lower().startswith("0x") else int(value)

        def need(k):
            if k not in p:
                raise ValueError(f"{source}: missing key '{k}'")
            return p[k]

        return RegisterMap(p.get("window.offset", 0), need("window.size"),
                           (need("bank0.phase.offset"), need("bank1.phase.offset")), need("phase.area.size"),
                           (need("bank0.baseband.offset"), need("bank1.baseband.offset")), need("baseband.area.size"),
                           need("bank.select.offset"), need("load.strobe.offset"))

    @staticmethod
    def load(path: str) -> "RegisterMap":
        with open(path, encoding="utf-8") as f:
            return RegisterMap.parse(f.read(), path)


class RegisterWriter:
    """Maps ``window_size`` bytes of ``device`` at ``window_offset`` and writes frames into it."""

    def __init__(self, regmap: RegisterMap, device: str):
        self.map = regmap
        self._fd = os.open(device, os.O_RDWR | getattr(os, "O_SYNC", 0))
        try:
            self._mm = mmap.mmap(self._fd, regmap.window_size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE,
                                 offset=regmap.window_offset)
        except Exception:
            os.close(self._fd)
            raise
        self._words = memoryview(self._mm).cast("I")  # aligned 32-bit accesses

    def _put(self, offset: int, value: int):
        self._words[offset // 4] = value & 0xFFFFFFFF

    def active_bank(self) -> int:
        return self._words[self.map.bank_select_offset // 4] & 1

    def write(self, f: Frame) -> int:
        """Loads ``f`` into the inactive bank, selects it and strobes load; returns the bank now active."""
        phase_need = 4 * f.n * f.m if f.hybrid else 0
        block = 4 * (1 + f.k + f.baseband_rows * f.k)
        bb_need = f.subbands * block
        if phase_need > self.map.phase_area_size or bb_need > self.map.baseband_area_size:
            raise ValueError(f"frame needs {phase_need} phase and {bb_need} baseband bytes; areas hold "
                             f"{self.map.phase_area_size} and {self.map.baseband_area_size}")
        bank = self.active_bank() ^ 1
        if f.hybrid:
            base = self.map.phase_offset[bank]
            gain = f.gain_bits > 0
            for i in range(f.n * f.m):
                word = int(f.phase_codes[i]) | ((int(f.gain_codes[i]) << 8) if gain else 0)
                self._put(base + 4 * i, word)
        entries = f.baseband_rows * f.k
        for s in range(f.subbands):
            bb = self.map.baseband_offset[bank] + s * block
            self._put(bb, f.scales_bits[s])
            for c in range(f.k):
                self._put(bb + 4 + 4 * c, int(f.exponents[s * f.k + c]))
            pos = bb + 4 + 4 * f.k
            for i, q in f.iq[s * entries:(s + 1) * entries].tolist():
                self._put(pos, ((q & 0xFFFF) << 16) | (i & 0xFFFF))
                pos += 4
        # Python gives no fence primitive; each store above is one aligned 32-bit write to a
        # MAP_SHARED mapping and the device (O_SYNC UIO) sees them in program order.
        self._put(self.map.bank_select_offset, bank)
        self._put(self.map.load_strobe_offset, 1)
        return bank

    def flush(self):
        self._mm.flush()

    def close(self):
        self._words.release()
        self._mm.close()
        os.close(self._fd)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def read_words(path: str, offset: int, count: int):
    """Test helper: ``count`` little-endian u32 words of a file at ``offset``."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        return list(struct.unpack(f"<{count}I", fh.read(4 * count)))
