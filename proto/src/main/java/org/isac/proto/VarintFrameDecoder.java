package org.isac.proto;

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
 *
 * <p>A frame whose body has not all arrived reserves its length from a {@link FrameBudget}
 * shared by every connection (refused: {@link TooLongFrameException}, naming the budget) and
 * must be complete within the frame timeout (else {@link CorruptedFrameException}), so peers
 * that stall inside large frames cannot hold the controller's memory.
 */
public final class VarintFrameDecoder extends ByteToMessageDecoder {
    private final int maxFrameBytes;
    private final FrameBudget budget;
    private final long frameTimeoutNs;
    private boolean failed;
    /** Bytes reserved from the budget for the frame being received (0 = none). */
    private long reserved;
    /** Incremented per completed frame: a timeout for an earlier frame does nothing. */
    private long frames;
    private io.netty.util.concurrent.ScheduledFuture<?> timeout;

    /** Without a shared budget or timeout (tests, one-off decoding). */
    public VarintFrameDecoder(int maxFrameBytes) {
        this(maxFrameBytes, null, 0);
    }

    /**
     * @param budget         shared by every connection; null for none
     * @param frameTimeoutMs how long a started frame may take to complete; 0 for no limit
     */
    public VarintFrameDecoder(int maxFrameBytes, FrameBudget budget, long frameTimeoutMs) {
        if (maxFrameBytes < 1) {
            throw new IllegalArgumentException("maxFrameBytes must be >= 1, got " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
        this.budget = budget;
        this.frameTimeoutNs = frameTimeoutMs * 1_000_000L;
    }

    /** Bytes that every connection together may hold for incomplete frames. */
    public static final class FrameBudget {
        private final java.util.concurrent.atomic.AtomicLong free;
        private final long total;

        public FrameBudget(long bytes) {
            this.total = bytes;
            this.free = new java.util.concurrent.atomic.AtomicLong(bytes);
        }

        boolean reserve(long bytes) {
            long f;
            do {
                f = free.get();
                if (f < bytes) {
                    return false;
                }
            } while (!free.compareAndSet(f, f - bytes));
            return true;
        }

        void release(long bytes) {
            free.addAndGet(bytes);
        }

        /** Bytes not reserved now. */
        public long free() {
            return free.get();
        }

        public long total() {
            return total;
        }
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
            waitFor(ctx, length, in);
            return;
        }
        out.add(in.readRetainedSlice((int) length));
        frameDone();
    }

    /** The frame of {@code length} bytes has begun and is not complete: reserve and time it (once). */
    private void waitFor(ChannelHandlerContext ctx, long length, ByteBuf in) {
        if (reserved == 0 && budget != null && length > 0) {
            if (!budget.reserve(length)) {
                fail(in);
                throw new TooLongFrameException("frame of " + length + " bytes refused: the controller's buffer for incomplete"
                        + " frames (" + budget.total() + " bytes for all connections) is full");
            }
            reserved = length;
        }
        if (timeout == null && frameTimeoutNs > 0) {
            long frame = frames;
            timeout = ctx.executor().schedule(() -> {
                if (frames == frame && !failed && ctx.channel().isActive()) {
                    failed = true;
                    ctx.fireExceptionCaught(new CorruptedFrameException("frame of " + length + " bytes not complete after "
                            + frameTimeoutNs / 1_000_000 + " ms"));
                }
            }, frameTimeoutNs, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private void frameDone() {
        frames++;
        if (reserved != 0) {
            budget.release(reserved);
            reserved = 0;
        }
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        frameDone();
    }

    private void fail(ByteBuf in) {
        failed = true;
        in.skipBytes(in.readableBytes());
    }
}
