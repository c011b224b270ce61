package org.isac.controller.net;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.util.function.LongSupplier;
import org.isac.controller.metrics.ControllerMetrics;
import org.isac.controller.pipeline.EncodedUpdate;
import org.isac.proto.v1.ControllerMessage;

/**
 * Outbound handler on the connection's event loop: records receipt → write and build → write
 * ({@code HAND_OFF}) for each weight update as it enters the socket writer, and passes an
 * {@link EncodedUpdate}'s frame on as a plain buffer (returning the holder to its pool).
 */
@ChannelHandler.Sharable
public final class WriteTimer extends ChannelOutboundHandlerAdapter {
    private final LongSupplier clock;
    private final ControllerMetrics metrics;

    public WriteTimer(LongSupplier clock, ControllerMetrics metrics) {
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof EncodedUpdate u) {
            long now = clock.getAsLong();
            metrics.record(ControllerMetrics.Stage.RECEIVED_TO_WRITTEN, now - u.receivedNs());
            metrics.record(ControllerMetrics.Stage.HAND_OFF, now - u.encodedNs());
            ctx.write(u.takeContent(), promise);
            return;
        }
        if (msg instanceof ControllerMessage m && m.hasUpdate()) {
            long now = clock.getAsLong();
            metrics.record(ControllerMetrics.Stage.RECEIVED_TO_WRITTEN, now - m.getUpdate().getStages().getReceivedNs());
            metrics.record(ControllerMetrics.Stage.HAND_OFF, now - m.getUpdate().getStages().getEncodedNs());
        }
        ctx.write(msg, promise);
    }
}
