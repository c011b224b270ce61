package org.isac.sim;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits a stream of varint32-length-prefixed frames (the wire's framing, as written by
 * Netty's {@code ProtobufVarint32LengthFieldPrepender}) like Netty's
 * {@code ProtobufVarint32FrameDecoder}, but with an explicit maximum frame length in bytes:
 * a prefix announcing more than {@code maxFrameBytes}, or a prefix longer than 5 bytes or
 * negative, raises {@link TooLongFrameException} / {@link CorruptedFrameException} before any
 * body is buffered. Emits each frame body as a retained slice. Not sharable (keeps state).
 */
public final class BoundedVarint32FrameDecoder extends ByteToMessageDecoder {
    private final int maxFrameBytes;

    /** @param maxFrameBytes largest accepted body in bytes, excluding the prefix (> 0) */
    public BoundedVarint32FrameDecoder(int maxFrameBytes) {
        if (maxFrameBytes <= 0) {
            throw new IllegalArgumentException("maxFrameBytes must be > 0, got " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int start = in.readerIndex();
            int length = 0;
            int shift = 0;
            boolean complete = false;
            int i = 0;
            while (in.isReadable()) {
                byte b = in.readByte();
                if (i == 4 && (b & 0xF0) != 0) {
                    in.skipBytes(in.readableBytes());
                    throw new CorruptedFrameException("length prefix exceeds 32 bits");
                }
                length |= (b & 0x7F) << shift;
                shift += 7;
                i++;
                if ((b & 0x80) == 0) {
                    complete = true;
                    break;
                }
            }
            if (!complete) {
                in.readerIndex(start);
                return;
            }
            if (length < 0) {
                in.skipBytes(in.readableBytes());
                throw new CorruptedFrameException("negative frame length " + length);
            }
            if (length > maxFrameBytes) {
                in.skipBytes(in.readableBytes());
                throw new TooLongFrameException("frame of " + length + " bytes exceeds the maximum of " + maxFrameBytes);
            }
            if (in.readableBytes() < length) {
                in.readerIndex(start);
                return;
            }
            out.add(in.readRetainedSlice(length));
        }
    }
}
