import os
import struct
import tempfile
import unittest

from tests.util import worked_example
from isacfe.frame import parse_frame
from isacfe.regfile import RegisterMap, RegisterWriter, read_words

MAP = """
window.offset         = 4096     # byte offset of the window in the device / file (optional)
window.size           = 0x1000
bank0.phase.offset    = 0x000
bank1.phase.offset    = 0x100
phase.area.size       = 0x100
bank0.baseband.offset = 0x200
bank1.baseband.offset = 0x400
baseband.area.size    = 0x200
bank.select.offset    = 0x600    # 0/1: bank the datapath uses
load.strobe.offset    = 0x604    # written 1 after the bank switch
"""


class RegisterWriterTest(unittest.TestCase):
    def setUp(self):
        fd, self.dev = tempfile.mkstemp()
        os.write(fd, b"\0" * 8192)
        os.close(fd)
        self.map = RegisterMap.parse(MAP)

    def tearDown(self):
        os.unlink(self.dev)

    def test_map_as_in_frame_md(self):
        self.assertEqual(4096, self.map.window_offset)
        self.assertEqual((0x200, 0x400), self.map.baseband_offset)
        with self.assertRaises(ValueError):
            RegisterMap.parse(MAP + "bank.selct.offset = 4\n")
        with self.assertRaises(ValueError):
            RegisterMap.parse(MAP.replace("0x604", "0x600"))  # strobe overlaps bank select

    def test_double_buffered_layout(self):
        hybrid = parse_frame(worked_example("example-hybrid"))
        digital = parse_frame(worked_example("example-digital"))
        base = 4096
        with RegisterWriter(self.map, self.dev) as w:
            self.assertEqual(0, w.active_bank())
            self.assertEqual(1, w.write(hybrid))
            w.flush()
            self.assertEqual([1, 1], read_words(self.dev, base + 0x600, 2))
            self.assertEqual([0, 16, 0], read_words(self.dev, base + 0x100, 3))
            neg64 = (-64) & 0xFFFF
            self.assertEqual([0x37800101, 8, (neg64 << 16) | 128, 0], read_words(self.dev, base + 0x400, 4))
            self.assertEqual([0] * 4, read_words(self.dev, base + 0x200, 4))  # bank 0 untouched
            self.assertEqual(0, w.write(digital))
            w.flush()
            self.assertEqual([0, 1], read_words(self.dev, base + 0x600, 2))
            words = read_words(self.dev, base + 0x200, 4)
            self.assertEqual(0x37800101, words[0])
            self.assertEqual(0, words[1])
            self.assertEqual(32767, words[2])
            self.assertEqual(((-32767 & 0xFFFF) << 16) | 16383, words[3])
            self.assertEqual([0x37800101, 8], read_words(self.dev, base + 0x400, 2))  # previous frame stays
        with open(self.dev, "rb") as f:
            self.assertEqual(b"\0" * 4096, f.read(4096))  # nothing before the window

    def test_wideband_frame_fills_one_block_per_subband(self):
        wide = parse_frame(worked_example("example-wideband"))
        base = 4096
        with RegisterWriter(self.map, self.dev) as w:
            self.assertEqual(1, w.write(wide))
            w.flush()
        neg64 = (-64) & 0xFFFF
        # block = 4 * (1 + K + rows*K) = 12 bytes: subband 0 at 0x400, subband 1 at 0x40c
        self.assertEqual([0x37800101, 8, (neg64 << 16) | 128, 0x37800101, 8, (128 << 16) | 64, 0],
                         read_words(self.dev, base + 0x400, 7))
        small = RegisterMap.parse(MAP.replace("baseband.area.size    = 0x200", "baseband.area.size    = 0x14"))
        with RegisterWriter(small, self.dev) as w:  # room for one block, not two
            with self.assertRaises(ValueError):
                w.write(wide)

    def test_frame_too_big_is_refused_before_writing(self):
        small = RegisterMap.parse(MAP.replace("baseband.area.size    = 0x200", "baseband.area.size    = 0x8"))
        with RegisterWriter(small, self.dev) as w:
            with self.assertRaises(ValueError):
                w.write(parse_frame(worked_example("example-hybrid")))
            self.assertEqual(0, w.active_bank())
        self.assertEqual(struct.pack("<I", 0), open(self.dev, "rb").read()[4096 + 0x600:4096 + 0x604])


if __name__ == "__main__":
    unittest.main()
