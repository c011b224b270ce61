package org.isac.controller.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import org.isac.controller.ControllerConfig;
import org.isac.controller.metrics.ControllerMetrics;
import org.isac.controller.pipeline.ReportSink;
import org.isac.proto.VarintFrameDecoder;
import org.isac.proto.VarintFrameEncoder;
import org.isac.proto.v1.FrontEndMessage;

/**
 * Builds a front-end connection's pipeline: idle timeout → varint frame decoder (max length,
 * shared buffer budget, frame timeout) → [recording handler, when recording] → [live view tap, when
 * the live view is on] → protobuf decoder
 * → {@link RadioSession}; outbound:
 * {@link WriteTimer} → {@link VarintFrameEncoder} (a message gets its varint length prefix in
 * the same buffer; a buffer is already a whole frame and passes as is) → [recording handler]. A connection beyond
 * {@link org.isac.controller.Limits#maxConnections} gets a {@code Reject} (OVERLOADED) and is
 * closed. Used by the server and, on an {@code EmbeddedChannel}, by tests.
 */
public final class SessionInitializer extends ChannelInitializer<Channel> {
    private final ControllerConfig config;
    private final ControllerMetrics metrics;
    private final SessionRegistry registry;
    private final ReportSink sink;
    private final WriteTimer writeTimer;
    private final ChannelGroup channels;
    private final VarintFrameDecoder.FrameBudget frameBudget;
    private final org.isac.proto.record.Recorder recorder;
    private final java.util.function.Supplier<? extends io.netty.channel.ChannelHandler> tap;
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    private static final LogLimiter REFUSED_LOG = new LogLimiter(1000);
    private static final ProtobufDecoder DECODER = new ProtobufDecoder(FrontEndMessage.getDefaultInstance());
    private static final VarintFrameEncoder ENCODER = new VarintFrameEncoder();
    /** Set on an accepted connection by {@link #acceptGate()}: true = counted and admitted, false = refused. */
    private static final io.netty.util.AttributeKey<Boolean> ADMITTED = io.netty.util.AttributeKey.valueOf("isac.admitted");
    private final AcceptGate gate = new AcceptGate();

    /**
     * @param channels every accepted channel is added here (closed on shutdown); may be null
     */
    public SessionInitializer(ControllerConfig config, ControllerMetrics metrics, SessionRegistry registry,
                              ReportSink sink, ChannelGroup channels) {
        this(config, metrics, registry, sink, channels, null);
    }

    /**
     * @param channels every accepted channel is added here (closed on shutdown); may be null
     * @param recorder records every session's envelopes (a handler right after the frame decoder); may be null
     */
    public SessionInitializer(ControllerConfig config, ControllerMetrics metrics, SessionRegistry registry,
                              ReportSink sink, ChannelGroup channels, org.isac.proto.record.Recorder recorder) {
        this(config, metrics, registry, sink, channels, recorder, null);
    }

    /**
     * @param channels every accepted channel is added here (closed on shutdown); may be null
     * @param recorder records every session's envelopes (a handler right after the frame decoder); may be null
     * @param tap      a new handler per connection placed after the recorder, seeing the same envelopes
     *                 (the live view's tap); may be null
     */
    public SessionInitializer(ControllerConfig config, ControllerMetrics metrics, SessionRegistry registry,
                              ReportSink sink, ChannelGroup channels, org.isac.proto.record.Recorder recorder,
                              java.util.function.Supplier<? extends io.netty.channel.ChannelHandler> tap) {
        this.recorder = recorder;
        this.tap = tap;
        this.config = config;
        this.metrics = metrics;
        this.registry = registry;
        this.sink = sink;
        this.channels = channels;
        this.writeTimer = new WriteTimer(config.clock(), metrics);
        this.frameBudget = new VarintFrameDecoder.FrameBudget(config.limits().frameBufferBytes());
    }

    /** Connections open now. */
    public int openConnections() {
        return open.get();
    }

    /**
     * The handler for the server channel (before Netty's acceptor): it counts each connection
     * as it is accepted, on the one accepting thread, so the connection refused is the one
     * accepted beyond the limit — not whichever of several connections accepted together an
     * I/O thread happens to initialise last.
     */
    public io.netty.channel.ChannelHandler acceptGate() {
        return gate;
    }

    /** Counts a connection in: true when it is within the limit (then counted out when it closes). */
    private boolean admit(Channel ch) {
        if (open.incrementAndGet() > config.limits().maxConnections()) {
            open.decrementAndGet();
            return false;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        return true;
    }

    @io.netty.channel.ChannelHandler.Sharable
    private final class AcceptGate extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel child) {
                child.attr(ADMITTED).set(admit(child));
            }
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    protected void initChannel(Channel ch) {
        if (channels != null) {
            channels.add(ch);
        }
        ChannelPipeline p = ch.pipeline();
        Boolean gated = ch.attr(ADMITTED).get();
        if (!(gated == null ? admit(ch) : gated)) {
            metrics.increment(ControllerMetrics.Counter.CONNECTIONS_REFUSED);
            if (REFUSED_LOG.allow()) {
                org.slf4j.LoggerFactory.getLogger("isac.session").warn(
                        "event=connection_refused peer={} open={} limit={} suppressed_since_last={}", ch.remoteAddress(), open.get(),
                        config.limits().maxConnections(), REFUSED_LOG.suppressed());
            }
            metrics.rejectOther(org.isac.proto.v1.Reject.Reason.OVERLOADED);
            p.addLast("encoder", ENCODER);
            ch.writeAndFlush(org.isac.controller.Rejection.message(org.isac.proto.v1.Reject.Reason.OVERLOADED,
                    "the controller serves at most " + config.limits().maxConnections() + " connections", null, 0))
                    .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
            return;
        }
        if (config.tls() != null) {
            p.addLast("tls", config.tls().newHandler(ch.alloc()));
        }
        p.addLast("idle", new io.netty.handler.timeout.IdleStateHandler(config.limits().idleTimeoutMillis(), 0, 0,
                java.util.concurrent.TimeUnit.MILLISECONDS));
        p.addLast("frame", new VarintFrameDecoder(config.maxFrameBytes(), frameBudget, config.limits().frameTimeoutMillis()));
        if (recorder != null) {
            p.addLast("record", new org.isac.proto.record.RecordingHandler(recorder));
        }
        if (tap != null) {
            p.addLast("live", tap.get());
        }
        p.addLast("protobuf", DECODER);
        p.addLast("encoder", ENCODER);
        p.addLast("timer", writeTimer);
        p.addLast("session", new RadioSession(config, metrics, registry, sink));
    }
}
