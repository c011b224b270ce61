package org.isac.sim;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32LengthFieldPrepender;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.isac.proto.net.Transport;
import org.isac.proto.VarintFrameDecoder;
import org.isac.proto.v1.ArrayGeometry;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.Mode;
import org.isac.solver.SolverRegistry;
import org.isac.solver.array.ArrayShape;


/**
 * A simulated front end: a Netty TCP client (TCP_NODELAY, optionally TLS) that says hello to a
 * controller, then streams CSI reports of a simulated channel every
 * {@link Scenario#reportPeriodUs()} µs and applies the weight updates it gets back, measuring
 * what they achieve.
 *
 * <p>This class is the client: it connects (and, when asked, reconnects with back-off), builds
 * the pipeline and waits for the run's report. The protocol (hello → reports → updates →
 * {@code WeightApplied}, and the counters of the report) is {@link SimSession}'s; what an
 * applied update achieves (sum rate, SINR, the CRLB tr(F⁻¹) of seed 004 Lemma 1 and, every
 * {@link Scenario#genieEvery()}-th update, the genie built by {@link SolverRegistry}, digital
 * ZF, τ and SCNR off the I/O thread) is {@link SimEvaluator}'s.
 *
 * <p>Threading: all channel and accounting state is touched only by the channel's event
 * loop, so there are no locks; several radios may share one {@link EventLoopGroup} (pass it
 * to the constructor; it must be able to run a client socket channel, e.g.
 * {@link #newEventLoopGroup(int)}). {@link #run(Duration)} blocks the calling thread.
 *
 * <p>Clock: {@link System#nanoTime()}, read once per event; the hello says
 * {@code shared_clock} per the scenario (true when the controller runs on the same host).
 *
 * <p>Allocation: after warm-up the per-report path allocates only protobuf messages being
 * built or parsed (channel, estimate, weights and solver workspaces are preallocated), unless
 * an {@link AppliedListener} is set.
 */
public final class SimRadio implements AutoCloseable {

    /** How long {@link #run(Duration)} waits for outstanding answers after sending stops. */
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(2);
    /** How long the controller has to answer the hello. */
    public static final Duration HELLO_TIMEOUT = Duration.ofSeconds(15);
    /** Largest latency the histogram tracks, ns (larger values are clamped). */
    public static final long MAX_TRACKED_LATENCY_NS = TimeUnit.SECONDS.toNanos(60);
    /** First reconnect back-off; doubles per failed attempt up to {@link #RECONNECT_MAX_NS}. */
    static final long RECONNECT_FIRST_NS = 100_000_000L;
    static final long RECONNECT_MAX_NS = 2_000_000_000L;
    /**
     * Time slice the radios' event loops ask the kernel for ({@code ThreadSlice}): a radio
     * sharing cores with the controller must apply an update when it arrives, not after another
     * thread's default slice.
     */
    public static final long IO_SLICE_NS = org.isac.proto.sched.ThreadSlice.MIN_SLICE_NS;
    /** Drop reason of reports pending when the connection was lost. */
    public static final String DISCONNECTED = "DISCONNECTED";
    /** Software string sent in the hello: the name and the project version. */
    private static final String SOFTWARE = "isac-sim-radio " + org.isac.proto.BuildInfo.VERSION;

    private final Scenario scenario;
    private final String host;
    private final int port;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private io.netty.handler.ssl.SslContext tls;
    private org.isac.proto.record.Recorder recorder;
    private boolean started;
    /** What the applied updates achieve (made here, so that Ψ and the workspaces are ready before the run). */
    private final SimEvaluator evaluator;
    /** The protocol state of the run. */
    private final SimSession session;
    private Bootstrap bootstrap;
    private long backoffNs = RECONNECT_FIRST_NS;
    private long reconnects;

    /** A radio with its own one-thread event loop group (shut down by {@link #close()}). */
    public SimRadio(Scenario scenario, String host, int port) {
        this(scenario, host, port, Transport.AUTO);
    }

    /** A radio with its own one-thread event loop group on {@code transport} (shut down by {@link #close()}). */
    public SimRadio(Scenario scenario, String host, int port, Transport transport) {
        this(scenario, host, port, newEventLoopGroup(1, transport), true);
    }

    /**
     * A radio on a shared event loop group (not shut down by {@link #close()}).
     *
     * @param group runs a client socket channel, e.g. {@link #newEventLoopGroup(int)}
     */
    public SimRadio(Scenario scenario, String host, int port, EventLoopGroup group) {
        this(scenario, host, port, group, false);
    }

    private SimRadio(Scenario scenario, String host, int port, EventLoopGroup group, boolean ownsGroup) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in [1, 65535], got " + port);
        }
        this.scenario = scenario;
        this.host = host;
        this.port = port;
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.evaluator = new SimEvaluator(scenario);
        this.session = new SimSession(this, scenario, evaluator);
    }

    /**
     * Speak TLS with {@code context} (a client context with this radio's certificate; the
     * controller then binds the session to the certificate's radio id). Call before {@link #run}.
     */
    public SimRadio tls(io.netty.handler.ssl.SslContext context) {
        this.tls = context;
        return this;
    }

    /**
     * Record this radio's envelopes, both ways, into {@code r} (a front-end recording: IN holds
     * the controller's messages, OUT the radio's); may be shared by several radios. Call before
     * {@link #run}; the caller closes it.
     */
    public SimRadio record(org.isac.proto.record.Recorder r) {
        this.recorder = r;
        return this;
    }

    /**
     * When the controller says goodbye or the connection drops during the send window, count the
     * reports still pending as dropped ({@value #DISCONNECTED}), reconnect with back-off (0.1 s,
     * doubling to 2 s), say hello again and go on sending until the window ends. Call before
     * {@link #run}.
     */
    public SimRadio reconnect(boolean on) {
        session.reconnect(on);
        return this;
    }

    /** An event loop group ({@link Transport#AUTO}: epoll where it loads) with {@code threads} threads, suitable for sharing between radios. */
    public static EventLoopGroup newEventLoopGroup(int threads) {
        return newEventLoopGroup(threads, Transport.AUTO);
    }

    /** An event loop group on {@code transport} with {@code threads} threads named sim-io-N-M. */
    public static EventLoopGroup newEventLoopGroup(int threads, Transport transport) {
        return transport.newGroup(threads, "sim-io", false, IO_SLICE_NS);
    }

    /**
     * As above, each thread first asking for the real-time class at {@code rtPriority} when it
     * is above 0 (a radio's own software would run its I/O so; {@code org.isac.proto.sched.SchedPolicy}),
     * the outcome counted in {@code grants}.
     */
    public static EventLoopGroup newEventLoopGroup(int threads, Transport transport, int rtPriority,
            org.isac.proto.sched.SchedPolicy.Grants grants) {
        return transport.newGroup(threads, "sim-io", false, IO_SLICE_NS, rtPriority, grants);
    }

    /** Sets the diagnostic listener (before {@link #run}); null removes it. */
    public SimRadio listener(AppliedListener l) {
        if (started) {
            throw new IllegalStateException("set the listener before run()");
        }
        session.listener(l);
        return this;
    }

    public Scenario scenario() {
        return scenario;
    }

    /**
     * The hello a radio of scenario {@code s} sends on every connection: its id, transmit and
     * receive arrays (half-wavelength spacing), RF chains, hardware widths, power, mode, K,
     * protocol version 1, this software and the scenario's {@code sharedClock}.
     */
    public static FrontEndHello.Builder hello(Scenario s) {
        return FrontEndHello.newBuilder()
                .setRadioId(s.radioId())
                .setTxArray(geometry(s.txShape()))
                .setRxArray(geometry(s.rxShape()))
                .setRfChains(s.rfChains())
                .setPhaseBits(s.phaseBits())
                .setBasebandBits(s.basebandBits())
                .setMaxPowerW(s.powerW())
                .addModes(s.rfChains() == 0 ? Mode.MODE_DIGITAL : Mode.MODE_HYBRID)
                .setMaxUsers(s.users())
                .setProtocolVersion(1)
                .setSoftware(SOFTWARE)
                .setSharedClock(s.sharedClock())
                .setSubbands(s.subbands() > 1 ? s.subbands() : 0);
    }

    private static ArrayGeometry.Builder geometry(ArrayShape a) {
        return ArrayGeometry.newBuilder().setHorizontal(a.horizontal()).setVertical(a.vertical()).setSpacingWavelengths(0.5);
    }

    /** Connects, sends for {@code sendFor}, waits up to {@link #DEFAULT_DRAIN} for answers. */
    public SimReport run(Duration sendFor) throws IOException, InterruptedException {
        return run(sendFor, DEFAULT_DRAIN);
    }

    /**
     * Connects, says hello, sends reports for {@code sendFor} once the HelloAck has arrived,
     * then waits up to {@code drain} for the answers still outstanding, says goodbye and
     * closes the connection. One run per instance.
     *
     * @return the measurements; a run cut short by a disconnect still returns a report
     *     (see {@link SimReport#termination()})
     * @throws IOException when the connection cannot be made, the controller rejects the
     *     hello or does not answer it within {@link #HELLO_TIMEOUT}
     */
    public SimReport run(Duration sendFor, Duration drain) throws IOException, InterruptedException {
        if (sendFor.isNegative() || drain.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative: send " + sendFor + ", drain " + drain);
        }
        synchronized (this) {
            if (started) {
                throw new IllegalStateException("a SimRadio runs once");
            }
            started = true;
        }
        long sendForNs = sendFor.toNanos();
        long drainNs = drain.toNanos();
        session.start(sendForNs, drainNs);
        Bootstrap b = bootstrap = new Bootstrap()
                .group(group)
                .channel(Transport.of(group).socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, Transport.ALLOCATOR)
                .option(ChannelOption.RCVBUF_ALLOCATOR, Transport.RECEIVE_SIZES)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (tls != null) {
                            p.addLast("tls", tls.newHandler(ch.alloc(), host, port));
                        }
                        p.addLast("frame", new VarintFrameDecoder(scenario.maxFrameBytes()));
                        if (recorder != null) {
                            p.addLast("record", new org.isac.proto.record.RecordingHandler(recorder));
                        }
                        p.addLast("decode", new ProtobufDecoder(ControllerMessage.getDefaultInstance()));
                        p.addLast("prefix", new ProtobufVarint32LengthFieldPrepender());
                        p.addLast("encode", new ProtobufEncoder());
                        p.addLast("session", session.newHandler());
                    }
                });
        ChannelFuture cf = b.connect(host, port);
        if (!cf.await(10, TimeUnit.SECONDS)) {
            cf.cancel(true);
            throw new IOException("connecting to " + host + ":" + port + " timed out");
        }
        if (!cf.isSuccess()) {
            throw new IOException("cannot connect to " + host + ":" + port + ": " + cf.cause(), cf.cause());
        }
        session.channel(cf.channel());
        long limitMs = HELLO_TIMEOUT.toMillis() + TimeUnit.NANOSECONDS.toMillis(sendForNs + drainNs) + 30_000;
        try {
            return session.result().get(limitMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IOException("simulated radio failed: " + c, c);
        } catch (TimeoutException e) {
            session.channel().close();
            throw new IOException("simulated radio did not finish within " + limitMs + " ms");
        }
    }

    /** Closes the connection and, for a radio that made its own group, the group. */
    @Override
    public void close() {
        evaluator.stop();
        Channel ch = session.channel();
        if (ch != null) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    // ==== reconnecting (on the event loop) =========================================================

    /** The session's connection was lost inside the send window: the next attempt after the back-off. */
    void reconnectLater(EventExecutor executor) {
        executor.schedule(this::attemptReconnect, backoffNs, TimeUnit.NANOSECONDS);
    }

    /** The controller answered the hello: the back-off starts again from {@link #RECONNECT_FIRST_NS}. */
    void connected() {
        backoffNs = RECONNECT_FIRST_NS;
    }

    /** Reconnect attempts made in this run. */
    long reconnects() {
        return reconnects;
    }

    /** One reconnect attempt; on failure the next after twice the back-off (at most 2 s), until the window ends. */
    private void attemptReconnect() {
        if (session.reconnectOver()) {
            return;
        }
        reconnects++;
        bootstrap.connect(host, port).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                backoffNs = Math.min(RECONNECT_MAX_NS, backoffNs * 2);
                group.next().schedule(this::attemptReconnect, backoffNs, TimeUnit.NANOSECONDS);
            }
        });
    }
}
