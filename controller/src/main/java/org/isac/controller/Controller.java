package org.isac.controller;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.isac.controller.metrics.ControllerMetrics;
import org.isac.controller.metrics.MetricsSnapshot;
import org.isac.controller.net.ProtobufSizeEstimator;
import org.isac.controller.net.SessionInitializer;
import org.isac.controller.net.SessionRegistry;
import org.isac.controller.pipeline.FpgaWeightEncoder;
import org.isac.controller.pipeline.SolvePipeline;
import org.isac.fpga.guard.GuardCounters;
import org.isac.fpga.guard.GuardOutcome;
import org.isac.proto.net.Transport;
import org.isac.proto.v1.ControllerMessage;

/**
 * The controller service: a Netty TCP server for front ends feeding a Disruptor solve
 * pipeline. Usage:
 *
 * <pre>{@code
 * try (Controller c = new Controller(ControllerConfig.builder().port(0).build()).start()) {
 *     int port = c.port();
 *     ...
 *     System.out.print(c.metrics().summary());
 * }
 * }</pre>
 */
public final class Controller implements AutoCloseable {
    private final ControllerConfig config;
    private final ControllerMetrics metrics = new ControllerMetrics();
    private SessionInitializer sessions;
    private final SessionRegistry registry = new SessionRegistry();
    private final SolvePipeline pipeline;
    /** Which of the event loops and solve threads got the real-time class ({@link ControllerConfig#rtPriority()}). */
    private final org.isac.proto.sched.SchedPolicy.Grants schedGrants = new org.isac.proto.sched.SchedPolicy.Grants();
    private boolean vmThreadRealtime;
    /** The CPU wake-up latency hold ({@link ControllerConfig#cpuLatencyUs()}), null when not asked for. */
    private org.isac.proto.sched.CpuLatency cpuLatency;
    private final ChannelGroup channels = new DefaultChannelGroup("isac-sessions", GlobalEventExecutor.INSTANCE);
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel server;
    private boolean closed;
    private org.isac.proto.record.Recorder recorder;
    private org.isac.controller.live.LiveTaps live;

    public Controller(ControllerConfig config) {
        this.config = config;
        this.pipeline = new SolvePipeline(config, metrics, schedGrants);
    }

    /**
     * Records every session's envelopes into {@code r} (see {@link org.isac.proto.record.RecordFormat}),
     * off the hot path; the controller closes it when it closes. Call before {@link #start()}.
     *
     * @return this
     */
    public synchronized Controller record(org.isac.proto.record.Recorder r) {
        if (server != null || closed) {
            throw new IllegalStateException("record before start");
        }
        recorder = r;
        return this;
    }

    /**
     * Installs the live view's taps on every connection ({@link org.isac.controller.live.LiveView}
     * reads them); null leaves them out. Call before {@link #start()}.
     *
     * @return this
     */
    public synchronized Controller live(org.isac.controller.live.LiveTaps taps) {
        if (server != null || closed) {
            throw new IllegalStateException("live before start");
        }
        live = taps;
        return this;
    }

    /** The recorder, or null when this controller does not record. */
    public org.isac.proto.record.Recorder recorder() {
        return recorder;
    }

    /**
     * Starts the pipeline and binds the server.
     *
     * @return this
     * @throws IllegalStateException when already started or closed, or the bind fails
     */
    public synchronized Controller start() {
        if (server != null || closed) {
            throw new IllegalStateException("controller already started or closed");
        }
        if (config.rtPriority() > 0) {
            // before any thread of ours runs real time: the safepoint thread must not wait behind them
            vmThreadRealtime = org.isac.proto.sched.SchedPolicy.fifoForThreadsNamed("VM Thread", config.rtPriority() + 2) > 0;
        }
        if (config.cpuLatencyUs() != ControllerConfig.CPU_LATENCY_OFF) {
            cpuLatency = org.isac.proto.sched.CpuLatency.request(config.cpuLatencyUs());
        }
        pipeline.start();
        org.isac.controller.live.LiveTaps taps = live;
        sessions = new SessionInitializer(config, metrics, registry, pipeline, channels, recorder,
                taps == null ? null : taps::newHandler);
        Transport transport = config.transport().resolve();
        boss = transport.newGroup(1, "isac-accept", true, 0);
        workers = transport.newGroup(config.ioThreads(), "isac-io", true, config.ioSliceNs(),
                config.rtPriority() == 0 ? 0 : config.rtPriority() + 1, schedGrants);
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .handler(sessions.acceptGate())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, Transport.ALLOCATOR)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, Transport.RECEIVE_SIZES)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(config.writeBufferLowBytes(), config.writeBufferHighBytes()))
                .childOption(ChannelOption.MESSAGE_SIZE_ESTIMATOR, ProtobufSizeEstimator.INSTANCE)
                .childHandler(sessions);
        if (config.sendBufferBytes() > 0) {
            b.childOption(ChannelOption.SO_SNDBUF, config.sendBufferBytes());
        }
        try {
            server = b.bind(config.bindHost(), config.port()).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException("cannot bind " + config.bindHost() + ":" + config.port() + ": " + e, e);
        }
        return this;
    }

    /** The bound port (the chosen one when configured with 0). */
    public int port() {
        return address().getPort();
    }

    /** The bound address. */
    public synchronized InetSocketAddress address() {
        if (server == null) {
            throw new IllegalStateException("controller not started");
        }
        return (InetSocketAddress) server.localAddress();
    }

    public ControllerConfig config() {
        return config;
    }

    /** A copy of the counters and stage latency histograms. */
    public MetricsSnapshot metrics() {
        return metrics.snapshot();
    }

    /** Front-end connections open now. */
    public int openConnections() {
        SessionInitializer s = sessions;
        return s == null ? 0 : s.openConnections();
    }

    /** One counter, read without copying the histograms. */
    public long count(ControllerMetrics.Counter counter) {
        return metrics.count(counter);
    }

    /**
     * Which threads got the real-time class {@link ControllerConfig#rtPriority()} asked for, e.g.
     * "SCHED_FIFO for 2 thread(s) (solve threads at priority 10, event loops at 11; the JVM's VM Thread at 12)";
     * "fair class" when it was not asked for.
     */
    public String scheduling() {
        if (config.rtPriority() == 0) {
            return "fair class";
        }
        return schedGrants + " (solve threads at priority " + config.rtPriority() + ", event loops at " + (config.rtPriority() + 1)
                + "; the JVM's VM Thread " + (vmThreadRealtime ? "at " + (config.rtPriority() + 2) : "left in the fair class") + ")";
    }

    /**
     * Whether the CPU wake-up latency limit {@link ControllerConfig#cpuLatencyUs()} asked for is
     * held, e.g. "CPU wake-up latency held at 0 us through /dev/cpu_dma_latency (idle CPUs poll
     * instead of halting)" or why not; "not asked for" when it was not.
     */
    public synchronized String cpuIdle() {
        return cpuLatency == null ? "not asked for" : cpuLatency.describe();
    }

    /** The CPU wake-up latency limit this controller holds now, µs; -1 when it holds none. */
    public synchronized int cpuLatencyHeldUs() {
        return cpuLatency != null && cpuLatency.held() ? cpuLatency.microseconds() : -1;
    }

    /** The compact text summary of {@link #metrics()}, plus the weight-frame guard's counts. */
    public String summary() {
        String s = metrics.summary();
        if (config.rtPriority() > 0) {
            s += "scheduling: " + scheduling() + "\n";
        }
        if (config.cpuLatencyUs() != ControllerConfig.CPU_LATENCY_OFF) {
            s += "cpu idle: " + cpuIdle() + "\n";
        }
        org.isac.proto.record.Recorder r = recorder;
        if (r != null) {
            s += "recording: " + r.written() + " records written to " + r.dir() + ", " + r.dropped() + " dropped (writer behind)"
                    + (r.errors() > 0 ? ", stopped by a write error" : "") + "\n";
        }
        if (config.weightEncoder() instanceof FpgaWeightEncoder f) {
            GuardCounters g = f.counters();
            StringBuilder sb = new StringBuilder(s);
            sb.append("frames: ").append(g.total()).append(" encoded (").append(f.codec()).append(" baseband)");
            for (GuardOutcome o : GuardOutcome.values()) {
                long c = g.count(o);
                if (c > 0 && o != GuardOutcome.ACCEPTED) {
                    sb.append(", ").append(o.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(c);
                }
            }
            return sb.append('\n').toString();
        }
        return s;
    }

    /** Radio ids with a live session. */
    public Set<String> connectedRadios() {
        return registry.radioIds();
    }

    /**
     * Stops accepting, lets the pipeline drain (up to the shutdown timeout, then halts it),
     * closes every session and releases the event loops. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long timeoutMs = config.shutdownTimeoutMillis();
        if (server != null) {
            server.close().awaitUninterruptibly(timeoutMs);
        }
        pipeline.close();
        // every report taken in has been answered (or refused as OVERLOADED); say goodbye
        ControllerMessage bye = ControllerMessage.newBuilder()
                .setGoodbye(org.isac.proto.v1.Goodbye.newBuilder().setReason("controller shutting down")).build();
        channels.writeAndFlush(bye).awaitUninterruptibly(timeoutMs);
        channels.close().awaitUninterruptibly(timeoutMs);
        if (boss != null) {
            boss.shutdownGracefully(0, timeoutMs, TimeUnit.MILLISECONDS).awaitUninterruptibly(timeoutMs);
        }
        if (workers != null) {
            workers.shutdownGracefully(0, timeoutMs, TimeUnit.MILLISECONDS).awaitUninterruptibly(timeoutMs);
        }
        if (recorder != null) {
            recorder.close();
        }
        if (cpuLatency != null) {
            cpuLatency.close();
        }
    }
}
