import os
import struct
import unittest

import numpy as np

from tests.util import worked_example
from isacfe.frame import FrameRejected, crc32c, fnv1a32, parse_frame


def resign(b: bytearray) -> bytearray:
    body = len(b) - 4
    b[body:] = struct.pack("<I", crc32c(bytes(b[:body])))
    return b


class Crc32cTest(unittest.TestCase):
    def test_check_value_and_continuation(self):
        self.assertEqual(0xE3069283, crc32c(b"123456789"))  # the CRC-32C check value
        self.assertEqual(crc32c(b"123456789"), crc32c(b"56789", crc32c(b"1234")))
        self.assertEqual(0, crc32c(b""))

    def test_fnv1a(self):
        self.assertEqual(0x06AA1AF1, fnv1a32("fe-0"))
        self.assertEqual(0x811C9DC5, fnv1a32(""))


class WorkedExamplesTest(unittest.TestCase):
    """FRAME.md's worked examples, byte for byte."""

    def test_hybrid(self):
        f = parse_frame(worked_example("example-hybrid"))
        self.assertTrue(f.hybrid)
        self.assertEqual((2, 1, 1), (f.n, f.m, f.k))
        self.assertEqual((6, 9, 0, 0), (f.phase_bits, f.baseband_bits, f.gain_bits, f.gain_step_centi_db))
        self.assertEqual(2, f.codec)
        self.assertEqual(7, f.sequence)
        self.assertTrue(f.is_for("fe-0"))
        self.assertFalse(f.is_for("fe-1"))
        self.assertEqual([0, 16], f.phase_codes.tolist())
        self.assertEqual(0x37800101, f.scale_bits)
        self.assertEqual([8], f.exponents.tolist())
        self.assertEqual([[128, -64]], f.iq.tolist())
        self.assertEqual(0x76FA2BB6, f.crc32c)
        s = float(np.float32(struct.unpack("<f", struct.pack("<I", 0x37800101))[0]))
        w = f.baseband()
        self.assertEqual(complex(s * 256 * 128, s * 256 * -64), w[0, 0])
        self.assertAlmostEqual(0.5000153, w[0, 0].real, places=7)
        self.assertAlmostEqual(-0.2500077, w[0, 0].imag, places=7)
        a = f.analog()
        self.assertEqual((2, 1), a.shape)
        self.assertEqual(1.0, a[0, 0])
        self.assertAlmostEqual(0.0, a[1, 0].real, places=15)
        self.assertEqual(1.0, a[1, 0].imag)
        np.testing.assert_allclose(f.effective(), a @ w)

    def test_digital(self):
        f = parse_frame(worked_example("example-digital"))
        self.assertFalse(f.hybrid)
        self.assertEqual((2, 0, 1), (f.n, f.m, f.k))
        self.assertEqual((1, 0, 16), (f.codec, f.phase_bits, f.baseband_bits))
        self.assertEqual(8, f.sequence)
        self.assertEqual([[32767, 0], [16383, -32767]], f.iq.tolist())
        self.assertEqual(0x4EE10189, f.crc32c)
        self.assertIsNone(f.analog())
        self.assertEqual((2, 1), f.baseband().shape)
        self.assertAlmostEqual(0.5, f.baseband()[0, 0].real, places=4)


class WidebandTest(unittest.TestCase):
    """Version 2: FRAME.md's wideband example and the checks that are v2's own."""

    def setUp(self):
        self.wide = bytearray(worked_example("example-wideband"))

    def test_example(self):
        f = parse_frame(self.wide)
        self.assertEqual((2, 2), (f.version, f.subbands))
        self.assertEqual((2, 1, 1), (f.n, f.m, f.k))
        self.assertEqual(18, f.payload_length)
        self.assertEqual([0, 16], f.phase_codes.tolist())
        self.assertEqual((0x37800101, 0x37800101), f.scales_bits)
        self.assertEqual([8, 8], f.exponents.tolist())
        self.assertEqual([[128, -64], [64, 128]], f.iq.tolist())
        self.assertEqual(0xA18CD120, f.crc32c)
        self.assertAlmostEqual(0.2500077, f.baseband(1)[0, 0].real, places=7)
        self.assertAlmostEqual(0.5000153, f.baseband(1)[0, 0].imag, places=7)
        # subband 0 is the narrowband hybrid example's W
        self.assertEqual(parse_frame(worked_example("example-hybrid")).baseband()[0, 0], f.baseband(0)[0, 0])
        np.testing.assert_allclose(f.effective(1), f.analog() @ f.baseband(1))
        with self.assertRaises(IndexError):
            f.baseband(2)

    def reason(self, b):
        with self.assertRaises(FrameRejected) as c:
            parse_frame(bytes(b))
        return c.exception.reason

    def test_checks(self):
        b = bytearray(self.wide); b[30] = 1  # v2 with one set
        self.assertEqual("BAD_DIMENSIONS", self.reason(resign(b)))
        b = bytearray(self.wide); b[30] = 0
        self.assertEqual("BAD_DIMENSIONS", self.reason(resign(b)))
        b = bytearray(self.wide); b[30] = 3  # claims a third section it does not have
        self.assertEqual("LENGTH_MISMATCH", self.reason(resign(b)))
        b = bytearray(self.wide); b[30:32] = struct.pack("<H", 1025)
        self.assertEqual("OVERSIZED", self.reason(resign(b)))
        with self.assertRaises(FrameRejected) as c:
            parse_frame(bytes(self.wide), max_subbands=1)
        self.assertEqual("OVERSIZED", c.exception.reason)
        b = bytearray(self.wide); b[4] = 1  # read as version 1: S sits in the reserved field
        self.assertEqual("BAD_RESERVED", self.reason(resign(b)))
        b = bytearray(self.wide); b[4] = 3
        self.assertEqual("BAD_VERSION", self.reason(resign(b)))
        b = bytearray(self.wide); b[49] |= 0x80  # subband 1's scale negative
        self.assertEqual("BAD_VALUE", self.reason(resign(b)))
        b = bytearray(self.wide); b[50] |= 0x10  # subband 1's exponent byte
        self.assertEqual("BAD_RESERVED", self.reason(resign(b)))
        self.assertEqual("TRUNCATED", self.reason(self.wide[:-1]))


class RejectTest(unittest.TestCase):
    """Each check of FRAME.md's parser table, in its order."""

    def setUp(self):
        self.hybrid = bytearray(worked_example("example-hybrid"))
        self.digital = bytearray(worked_example("example-digital"))

    def reason(self, data) -> str:
        with self.assertRaises(FrameRejected) as c:
            parse_frame(bytes(data))
        return c.exception.reason

    def test_length_checks(self):
        self.assertEqual("TRUNCATED", self.reason(self.hybrid[:39]))
        self.assertEqual("TRUNCATED", self.reason(self.hybrid[:-1]))
        self.assertEqual("TRAILING_BYTES", self.reason(self.hybrid + b"\0"))
        big = bytearray(self.hybrid)
        big[32:36] = struct.pack("<I", 5 << 20)
        self.assertEqual("OVERSIZED", self.reason(big))

    def test_header_checks(self):
        b = bytearray(self.hybrid); b[0] ^= 1
        self.assertEqual("BAD_MAGIC", self.reason(b))
        b = bytearray(self.hybrid); b[4] = 3
        self.assertEqual("BAD_VERSION", self.reason(b))
        b = bytearray(self.hybrid); b[4] = 2  # version 2 needs S >= 2 where version 1 has its reserved 0
        self.assertEqual("BAD_DIMENSIONS", self.reason(resign(b)))
        b = bytearray(self.hybrid); b[40] ^= 0x10
        self.assertEqual("BAD_CRC", self.reason(b))
        b = bytearray(self.hybrid); b[5] = 2
        self.assertEqual("BAD_MODE", self.reason(resign(b)))
        b = bytearray(self.hybrid); b[6] = 3
        self.assertEqual("BAD_CODEC", self.reason(resign(b)))
        b = bytearray(self.hybrid); b[7] = 9
        self.assertEqual("BAD_BITS", self.reason(resign(b)))
        b = bytearray(self.hybrid); b[10] = 1  # gain step without gain bits
        self.assertEqual("BAD_BITS", self.reason(resign(b)))
        b = bytearray(self.hybrid); b[30] = 1
        self.assertEqual("BAD_RESERVED", self.reason(resign(b)))
        b = bytearray(self.hybrid); b[26] = 0
        self.assertEqual("BAD_DIMENSIONS", self.reason(resign(b)))
        b = bytearray(self.hybrid); b[8] = 13  # 13-bit mantissas need one more byte
        self.assertEqual("LENGTH_MISMATCH", self.reason(resign(b)))

    def test_payload_checks(self):
        b = bytearray(self.hybrid); b[37] |= 0x80  # padding bit after the two 6-bit phase codes
        self.assertEqual("BAD_PADDING", self.reason(resign(b)))
        b = bytearray(self.hybrid); b[42] |= 0x10  # BFP exponent byte's high nibble
        self.assertEqual("BAD_RESERVED", self.reason(resign(b)))
        b = bytearray(self.hybrid); b[41] |= 0x80  # negative scale
        self.assertEqual("BAD_VALUE", self.reason(resign(b)))
        b = bytearray(self.digital); b[40:42] = struct.pack("<h", -32768)  # word outside +-32767
        self.assertEqual("BAD_VALUE", self.reason(resign(b)))


def _dbl(h: str) -> float:
    return struct.unpack(">d", bytes.fromhex(h))[0]


def read_vectors(path):
    """Yields (id, frame bytes, expectation dict) from the Java-written vector file."""
    with open(path, encoding="ascii") as fh:
        cur = None
        for line in fh:
            parts = line.split()
            tag = parts[0]
            if tag == "frame":
                cur = {"id": parts[1], "bytes": bytes.fromhex(parts[2]) if len(parts) > 2 else b""}
            elif tag == "reject":
                cur["reject"] = parts[1]
                yield cur
            elif tag == "end":
                yield cur
            else:
                cur[tag] = parts[1:]


@unittest.skipUnless(os.environ.get("ISACFE_FRAME_VECTORS"), "set ISACFE_FRAME_VECTORS to the Java-written vectors")
class CrossLanguageTest(unittest.TestCase):
    """Agrees with the Java parser on every frame of the grid: every code, word and quantized weight
    bit for bit, and the reject reason of every corrupted frame."""

    def test_vectors(self):
        n_ok = n_rej = n_wide = 0
        for v in read_vectors(os.environ["ISACFE_FRAME_VECTORS"]):
            with self.subTest(v["id"]):
                if "reject" in v:
                    with self.assertRaises(FrameRejected) as c:
                        parse_frame(v["bytes"])
                    self.assertEqual(v["reject"], c.exception.reason, v["id"])
                    n_rej += 1
                    continue
                f = parse_frame(v["bytes"])
                if "subbands" in v:
                    sb = v["subbands"]
                    self.assertEqual(int(sb[0]), f.subbands, v["id"])
                    self.assertEqual([int(x, 16) for x in sb[1:]], list(f.scales_bits[1:]), v["id"])
                else:
                    self.assertEqual(1, f.subbands, v["id"])
                a = [int(x) if i != 12 else int(x, 16) for i, x in enumerate(v["accept"])]
                self.assertEqual(a, [int(f.hybrid), f.codec, f.phase_bits, f.baseband_bits, f.gain_bits,
                                     f.gain_step_centi_db, f.radio_id_hash, f.sequence, f.n, f.m, f.k, f.crc32c,
                                     f.scale_bits], v["id"])
                if f.hybrid:
                    self.assertEqual([int(x) for x in v["phase"]], f.phase_codes.tolist())
                    if f.gain_bits:
                        self.assertEqual([int(x) for x in v["gain"]], f.gain_codes.tolist())
                self.assertEqual([int(x) for x in v["exp"]], f.exponents.tolist())
                self.assertEqual([int(x) for x in v["iq"]], f.iq.reshape(-1).tolist())
                w = np.concatenate([f.baseband(s).reshape(-1) for s in range(f.subbands)])
                want = [_dbl(x) for x in v["w"]]
                self.assertEqual(want[0::2], w.real.tolist(), v["id"])
                self.assertEqual(want[1::2], w.imag.tolist(), v["id"])
                if f.hybrid:
                    fa = f.analog().reshape(-1)
                    want = [_dbl(x) for x in v["f"]]
                    self.assertEqual(want[0::2], fa.real.tolist(), v["id"])
                    self.assertEqual(want[1::2], fa.imag.tolist(), v["id"])
                n_ok += 1
                n_wide += f.subbands > 1
        self.assertGreater(n_ok, 1000)
        self.assertGreater(n_rej, 1000)
        self.assertGreater(n_wide, 100)
        print(f"\ncross-language frames (Python): {n_ok} accepted ({n_wide} version 2) and {n_rej} rejected exactly as "
              "the Java parser")


if __name__ == "__main__":
    unittest.main()
