package org.isac.controller.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits a byte stream into frames prefixed by a base-128 varint length (protobuf's
 * {@code writeDelimitedTo} layout) and emits each frame body as a retained slice. A length
 * above {@code maxFrameBytes} raises {@link TooLongFrameException} (a prefix longer than five
 * bytes {@link CorruptedFrameException}) without buffering the body; after either, the stream
 * cannot be re-synchronised, so every later byte is discarded and the connection is expected
 * to be closed by the session.
 */
public final class VarintFrameDecoder extends ByteToMessageDecoder {
    private final int maxFrameBytes;
    private boolean failed;

    public VarintFrameDecoder(int maxFrameBytes) {
        if (maxFrameBytes < 1) {
            throw new IllegalArgumentException("maxFrameBytes must be >= 1, got " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int start = in.readerIndex();
        long length = 0;
        int shift = 0;
        while (true) {
            if (!in.isReadable()) {
                in.readerIndex(start);
                return;
            }
            byte b = in.readByte();
            length |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
            if (shift >= 35) {
                fail(in);
                throw new CorruptedFrameException("frame length prefix is longer than 5 bytes");
            }
        }
        if (length > maxFrameBytes) {
            fail(in);
            throw new TooLongFrameException("frame of " + length + " bytes exceeds the maximum of "
                    + maxFrameBytes + " bytes");
        }
        if (in.readableBytes() < length) {
            in.readerIndex(start);
            return;
        }
        out.add(in.readRetainedSlice((int) length));
    }

    private void fail(ByteBuf in) {
        failed = true;
        in.skipBytes(in.readableBytes());
    }
}
