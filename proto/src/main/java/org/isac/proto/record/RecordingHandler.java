package org.isac.proto.record;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.nio.charset.StandardCharsets;

/**
 * Records one connection's envelopes. Sits in the pipeline right after the varint frame
 * decoder: inbound it sees one envelope per buffer (recorded as {@code IN}), outbound the
 * length-prefixed envelopes on their way to the socket (each recorded as {@code OUT} without
 * its prefix). Times are the recorder's clock when the handler sees the bytes: the receive time
 * for {@code IN}, the write time for {@code OUT}. Never consumes or changes what passes.
 */
public final class RecordingHandler extends ChannelDuplexHandler {
    private final Recorder recorder;
    private long connection;

    public RecordingHandler(Recorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connection = recorder.newConnection();
        byte[] peer = String.valueOf(ctx.channel().remoteAddress()).getBytes(StandardCharsets.UTF_8);
        recorder.record(RecordFormat.Kind.OPEN, connection, recorder.clock().getAsLong(), peer, 0, peer.length);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        recorder.record(RecordFormat.Kind.CLOSE, connection, recorder.clock().getAsLong(), new byte[0], 0, 0);
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf b) {
            recorder.record(RecordFormat.Kind.IN, connection, recorder.clock().getAsLong(), b, b.readerIndex(), b.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf b) {
            long now = recorder.clock().getAsLong();
            int i = b.readerIndex(), end = b.writerIndex();
            while (i < end) {
                // varint32 length prefix, then the envelope
                int len = 0, shift = 0, at = i;
                byte x;
                do {
                    if (at >= end || shift > 28) {
                        len = -1;
                        break;
                    }
                    x = b.getByte(at++);
                    len |= (x & 0x7F) << shift;
                    shift += 7;
                } while (x < 0);
                if (len < 0 || at + len > end) {
                    break; // not a whole frame: nothing this handler writes; leave it unrecorded
                }
                recorder.record(RecordFormat.Kind.OUT, connection, now, b, at, len);
                i = at + len;
            }
        }
        ctx.write(msg, promise);
    }
}
