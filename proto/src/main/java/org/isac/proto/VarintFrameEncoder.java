package org.isac.proto;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import com.google.protobuf.MessageLiteOrBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * The outbound half of {@link VarintFrameDecoder}: writes a protobuf message (or builder) as a
 * base-128 varint length followed by its bytes ({@code writeDelimitedTo}'s layout) into one
 * buffer of the channel's allocator. A {@link ByteBuf} (or {@code ByteBufHolder}) passes
 * unchanged: whoever writes bytes writes whole frames, prefix included, so a sender that
 * serializes on its own thread into a pooled buffer costs the event loop no copy.
 */
@ChannelHandler.Sharable
public final class VarintFrameEncoder extends ChannelOutboundHandlerAdapter {

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (!(msg instanceof MessageLiteOrBuilder)) {
            ctx.write(msg, promise);
            return;
        }
        MessageLite m = msg instanceof MessageLite lite ? lite : ((MessageLite.Builder) msg).build();
        int size = m.getSerializedSize();
        ByteBuf buf = ctx.alloc().ioBuffer(CodedOutputStream.computeUInt32SizeNoTag(size) + size);
        try {
            m.writeDelimitedTo(new ByteBufOutputStream(buf));
        } catch (Throwable t) {
            buf.release();
            throw t;
        }
        ctx.write(buf, promise);
    }
}
