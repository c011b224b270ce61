"""Varint length-delimited framing (protobuf's writeDelimitedTo layout), as the controller's
``VarintFrameDecoder``: each message is a base-128 varint length (at most 5 bytes) followed by
that many bytes of one envelope."""

DEFAULT_MAX_FRAME_BYTES = 4 << 20


class FramingError(ValueError):
    """The stream cannot be read on: a length above the limit or a prefix longer than 5 bytes."""


def encode_varint(n: int) -> bytes:
    if n < 0:
        raise ValueError("length must be >= 0")
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def frame(body: bytes) -> bytes:
    """One message on the wire: varint length + body."""
    return encode_varint(len(body)) + body


class StreamDecoder:
    """Feeds bytes in arbitrary pieces, yields complete message bodies.

    After a :class:`FramingError` the stream is unusable (as on the controller, which closes
    the connection); every later :meth:`feed` raises again.
    """

    def __init__(self, max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES):
        self.max_frame_bytes = max_frame_bytes
        self._buf = bytearray()
        self._failed = None

    def feed(self, data: bytes):
        """Appends ``data``; returns the list of bodies now complete (possibly empty)."""
        if self._failed:
            raise FramingError(self._failed)
        self._buf += data
        out = []
        while True:
            length = 0
            shift = 0
            i = 0
            complete = False
            while i < len(self._buf):
                b = self._buf[i]
                i += 1
                length |= (b & 0x7F) << shift
                if not b & 0x80:
                    complete = True
                    break
                shift += 7
                if i >= 5:
                    self._failed = "length prefix longer than 5 bytes"
                    raise FramingError(self._failed)
            if not complete:
                if len(self._buf) >= 5:
                    self._failed = "length prefix longer than 5 bytes"
                    raise FramingError(self._failed)
                return out
            if length > self.max_frame_bytes:
                self._failed = f"frame of {length} bytes exceeds the limit of {self.max_frame_bytes}"
                raise FramingError(self._failed)
            if len(self._buf) - i < length:
                return out
            out.append(bytes(self._buf[i:i + length]))
            del self._buf[:i + length]

    def pending(self) -> int:
        """Bytes buffered of an incomplete message."""
        return len(self._buf)
