package org.isac.controller.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32LengthFieldPrepender;
import org.isac.controller.ControllerConfig;
import org.isac.controller.metrics.ControllerMetrics;
import org.isac.controller.pipeline.ReportSink;
import org.isac.proto.v1.FrontEndMessage;

/**
 * Builds a front-end connection's pipeline: varint frame decoder (max length) → protobuf
 * decoder → {@link RadioSession}; outbound: {@link WriteTimer} → protobuf encoder → varint
 * length prepender. Used by the server and, on an {@code EmbeddedChannel}, by tests.
 */
public final class SessionInitializer extends ChannelInitializer<Channel> {
    private final ControllerConfig config;
    private final ControllerMetrics metrics;
    private final SessionRegistry registry;
    private final ReportSink sink;
    private final WriteTimer writeTimer;
    private final ChannelGroup channels;
    private static final ProtobufDecoder DECODER = new ProtobufDecoder(FrontEndMessage.getDefaultInstance());
    private static final ProtobufEncoder ENCODER = new ProtobufEncoder();
    private static final ProtobufVarint32LengthFieldPrepender PREPENDER = new ProtobufVarint32LengthFieldPrepender();

    /**
     * @param channels every accepted channel is added here (closed on shutdown); may be null
     */
    public SessionInitializer(ControllerConfig config, ControllerMetrics metrics, SessionRegistry registry,
                              ReportSink sink, ChannelGroup channels) {
        this.config = config;
        this.metrics = metrics;
        this.registry = registry;
        this.sink = sink;
        this.channels = channels;
        this.writeTimer = new WriteTimer(config.clock(), metrics);
    }

    @Override
    protected void initChannel(Channel ch) {
        if (channels != null) {
            channels.add(ch);
        }
        ChannelPipeline p = ch.pipeline();
        p.addLast("frame", new VarintFrameDecoder(config.maxFrameBytes()));
        p.addLast("protobuf", DECODER);
        p.addLast("prepender", PREPENDER);
        p.addLast("encoder", ENCODER);
        p.addLast("timer", writeTimer);
        p.addLast("session", new RadioSession(config, metrics, registry, sink));
    }
}
