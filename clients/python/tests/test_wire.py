import unittest

import tests.util  # noqa: F401 (path)
from isacfe.wire import FramingError, StreamDecoder, encode_varint, frame


class WireTest(unittest.TestCase):
    def test_varint(self):
        self.assertEqual(b"\x00", encode_varint(0))
        self.assertEqual(b"\x7f", encode_varint(127))
        self.assertEqual(b"\x80\x01", encode_varint(128))
        self.assertEqual(b"\xac\x02", encode_varint(300))
        self.assertEqual(b"\xff\xff\xff\xff\x0f", encode_varint(0xFFFFFFFF))

    def test_fragmented_and_coalesced(self):
        bodies = [b"a" * 5, b"", b"b" * 300, b"c"]
        stream = b"".join(frame(b) for b in bodies)
        d = StreamDecoder()
        got = []
        for i in range(len(stream)):  # one byte at a time: the 2-byte prefix arrives in pieces
            got += d.feed(stream[i:i + 1])
        self.assertEqual(bodies, got)
        self.assertEqual(0, d.pending())
        self.assertEqual(bodies, StreamDecoder().feed(stream))

    def test_too_long_refused_at_the_prefix(self):
        d = StreamDecoder(max_frame_bytes=100)
        with self.assertRaises(FramingError):
            d.feed(encode_varint(101))
        with self.assertRaises(FramingError):  # the stream stays failed
            d.feed(frame(b"x"))
        self.assertEqual([b"x" * 100], StreamDecoder(100).feed(frame(b"x" * 100)))

    def test_prefix_longer_than_five_bytes(self):
        with self.assertRaises(FramingError):
            StreamDecoder().feed(b"\x80\x80\x80\x80\x80\x01")


if __name__ == "__main__":
    unittest.main()
