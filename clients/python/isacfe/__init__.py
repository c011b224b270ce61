"""isacfe: a front-end kit for the ISAC testbed controller.

Modules:
    frame    -- the weight-frame parser (fpga-bridge/FRAME.md) and CRC-32C
    regfile  -- the double-buffered register writer (UIO device or file)
    wire     -- varint length-delimited framing of the protobuf envelopes
    session  -- blocking and asyncio sessions with the controller
    proto    -- the protobuf bindings generated from proto/src/main/proto/testbed.proto
"""

from .frame import Frame, FrameRejected, parse_frame, crc32c  # noqa: F401
