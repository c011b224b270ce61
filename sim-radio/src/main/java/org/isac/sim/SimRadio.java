package org.isac.sim;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32LengthFieldPrepender;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.CRC32C;
import org.HdrHistogram.Histogram;
import org.isac.fpga.frame.DecodedFrame;
import org.isac.fpga.frame.FrameRejectedException;
import org.isac.fpga.frame.WeightFrameParser;
import org.isac.proto.VarintFrameDecoder;
import org.isac.proto.v1.ArrayGeometry;
import org.isac.proto.v1.ComplexMatrix;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.FrontEndMessage;
import org.isac.proto.v1.Goodbye;
import org.isac.proto.v1.HelloAck;
import org.isac.proto.v1.Mode;
import org.isac.proto.v1.Reject;
import org.isac.proto.v1.Target;
import org.isac.proto.v1.WeightApplied;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;
import org.isac.solver.hybrid.PsiCache;
import org.isac.solver.IsacParams;
import org.isac.solver.Scatterers;
import org.isac.solver.metric.CrlbFim;
import org.isac.solver.metric.Metrics;
import org.isac.solver.metric.Scnr;
import org.isac.solver.radar.DesiredBeampattern;

/**
 * A simulated front end: a Netty TCP client (TCP_NODELAY) that says hello to a controller,
 * then streams CSI reports of a simulated channel every {@link Scenario#reportPeriodUs()} µs
 * and applies the weight updates it gets back, measuring what they achieve.
 *
 * <p>Per report (on the radio's event loop): advance the true channel {@link ChannelProcess}
 * to now (= capture time), estimate CSI with error μ, send a {@code CsiReport} with
 * {@code deadline_ns = capture_ns + deadlineBudgetUs·1000}. Per {@code WeightUpdate}:
 * advance the true channel to now (= apply time), take the effective precoder X (F·W when
 * {@code analog} is non-empty, else the baseband), compute Σ_k log2(1 + SINR_k) on the true
 * channel and, on a planar array with targets, the CRLB tr(F⁻¹) of seed 004 Lemma 1 with the
 * true target parameters ({@link Extra#CRLB}); every {@link Scenario#genieEvery()}-th applied
 * update also run the genie (the
 * update's solver, built locally by {@link SolverRegistry}, with the scenario's parameters,
 * on the true channel at apply time) and digital ZF; then answer {@code WeightApplied}.
 * Latency capture → apply goes to an HdrHistogram (ns). Updates or rejects for sequences
 * never sent or already answered are counted and ignored.
 *
 * <p>Threading: all channel and accounting state is touched only by the channel's event
 * loop, so there are no locks; several radios may share one {@link EventLoopGroup} (pass it
 * to the constructor; it must be able to run {@link NioSocketChannel}, e.g.
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
    /** Software string sent in the hello: the name and the project version. */
    private static final String SOFTWARE = "isac-sim-radio " + org.isac.proto.BuildInfo.VERSION;
    private static final byte PENDING = 0;
    private static final byte APPLIED = 1;
    private static final byte DROPPED = 2;
    private static final Reject.Reason[] REASONS = Reject.Reason.values();

    private final Scenario scenario;
    private final String host;
    private final int port;
    private final EventLoopGroup group;
    private io.netty.handler.ssl.SslContext tls;
    /** First reconnect back-off; doubles per failed attempt up to {@link #RECONNECT_MAX_NS}. */
    static final long RECONNECT_FIRST_NS = 100_000_000L;
    static final long RECONNECT_MAX_NS = 2_000_000_000L;
    /** Drop reason of reports pending when the connection was lost. */
    public static final String DISCONNECTED = "DISCONNECTED";
    private final boolean ownsGroup;
    private AppliedListener listener;
    private volatile Channel channel;
    private boolean started;

    // ---- constant per run -----------------------------------------------------------------
    private final int n;
    private final int k;
    private final ArrayShape txShape;
    private final ArrayShape rxShape;
    private final double noiseW;
    private final double[] noise;
    private final long periodNs;
    private final long budgetNs;
    private final CsiReport template;

    // ---- event-loop state -----------------------------------------------------------------
    private final ChannelProcess process;
    private final CMatrix csi;
    private final CMatrix analog = new CMatrix();
    private final CMatrix baseband = new CMatrix();
    private final CMatrix x;
    /** Effective precoder of the update's float weights (before quantization). */
    private final CMatrix xFloat = new CMatrix();
    private final WeightFrameParser frameParser = new WeightFrameParser();
    private final DecodedFrame frame = new DecodedFrame();
    private final Precoder framePrecoder = new Precoder();
    private final PsiCache psiCache = new PsiCache();
    /** Radar receive filters of the last decoded update (N_r × targets), empty when it carried none. */
    private final CMatrix receive = new CMatrix();
    private final Scnr scnr = new Scnr();
    /** The true targets (angles and gains), as sent in every report. */
    private final Scatterers radarTargets;
    private final Scatterers noClutter = new Scatterers();
    private double[] scnrOut = new double[0];
    /** Fisher information of the true targets; null when the CRLB is not evaluated. */
    private final CrlbFim crlbFim;
    private double[] fimBuf = new double[0];
    private double[] fimInv = new double[0];
    /** L and σ_s² of the CRLB and SCNR: the scenario's {@code frame_length} / {@code radar_noise_w} params or their defaults. */
    private final double frameLength;
    private final double radarNoiseW;
    private final double[] targetsRad;
    private final double[] extraSum = new double[Extra.values().length];
    private final long[] extraCount = new long[Extra.values().length];
    private final CMatrix xGenie;
    private final double[] sinrScratch;
    private final Problem genieProblem = new Problem();
    private final Precoder genieOut = new Precoder();
    private final Precoder zfOut = new Precoder();
    private final Solver zf = SolverRegistry.create("zf");
    private final Map<String, Solver> genieSolvers = new HashMap<>();
    /** Scores sampled updates (genie, ZF, τ, SCNR) on its own thread; made once the fields it reads are set. */
    private Scorer scorer;
    /** How long the report waits for the scorer to finish its last samples. */
    private static final long SCORER_DRAIN_NS = 10_000_000_000L;
    private final Set<String> solversSeen = new HashSet<>();
    private final Map<Long, CMatrix> reportedCsi = new HashMap<>();
    private final CRC32C crc = new CRC32C();
    private final Histogram latency = new Histogram(MAX_TRACKED_LATENCY_NS, 3);
    private final long[] rejectCounts = new long[REASONS.length + 1];
    private long[] captureNs = new long[0];
    private long[] deadlineNs = new long[0];
    private byte[] fate = new byte[0];
    private long lastSequence;
    private long applied;
    private long dropped;
    private long invalidUpdates;
    private long deadlineMisses;
    private long duplicateAnswers;
    private long unknownAnswers;
    private long powerViolations;
    private double achievedSum;
    /** Whether the last decoded update was applied from its hardware frame. */
    private boolean appliedFrame;
    private String controllerName = "";
    private boolean acked;
    /** A HelloAck was received on some connection of this run (the send window has started). */
    private boolean everAcked;
    /** Reconnect with back-off when the connection is lost during the send window. */
    private boolean reconnect;
    private Bootstrap bootstrap;
    private long backoffNs = RECONNECT_FIRST_NS;
    private long reconnects;
    /** Reports pending when their connection was lost (dropped, reason DISCONNECTED). */
    private long disconnectDrops;
    private String lastLoss = "";
    private boolean sending;
    private boolean sendingDone;
    private boolean finished;
    private long connectedNs;
    private long sendStartNs;
    private long sendEndNs;
    private long sendForNs;
    private long drainNs;
    private ScheduledFuture<?> reportTimer;
    private ScheduledFuture<?> drainTimer;
    private ScheduledFuture<?> helloTimer;
    private final CompletableFuture<SimReport> result = new CompletableFuture<>();
    private final Runnable reportTask = this::sendReport;
    private final Runnable drainTimeoutTask = this::drainTimedOut;
    private final Runnable helloTimeoutTask = this::helloTimedOut;

    /** A radio with its own one-thread event loop group (shut down by {@link #close()}). */
    public SimRadio(Scenario scenario, String host, int port) {
        this(scenario, host, port, newEventLoopGroup(1), true);
    }

    /**
     * A radio on a shared event loop group (not shut down by {@link #close()}).
     *
     * @param group runs {@link NioSocketChannel}, e.g. {@link #newEventLoopGroup(int)}
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
        this.n = scenario.antennas();
        this.k = scenario.users();
        this.txShape = scenario.txShape();
        this.rxShape = scenario.rxShape();
        this.noiseW = scenario.noisePowerW();
        this.noise = new double[k];
        Arrays.fill(noise, noiseW);
        this.periodNs = scenario.reportPeriodNs();
        this.budgetNs = scenario.deadlineBudgetNs();
        this.process = ChannelProcess.of(scenario);
        this.csi = new CMatrix(n, k);
        this.x = new CMatrix(n, k);
        double[] deg = scenario.targetsDeg();
        this.targetsRad = new double[deg.length];
        for (int i = 0; i < deg.length; i++) {
            targetsRad[i] = Math.toRadians(deg[i]);
        }
        this.radarTargets = scenario.targets();
        scnrOut = new double[targetsRad.length];
        if (targetsRad.length > 0 && txShape.vertical() == 1) {
            // solve (or fetch) Ψ now, not on the event loop
            psiCache.update(n, targetsRad, targetsRad.length, DesiredBeampattern.AUTHORS_HALF_WIDTH_DEG, scenario.powerW());
        }
        this.xGenie = new CMatrix(n, k);
        this.sinrScratch = new double[k];
        this.scorer = new Scorer();
        genieProblem.channel.reshape(n, k);
        genieProblem.setNoise(k, noiseW);
        genieProblem.powerBudgetW = scenario.powerW();
        genieProblem.rfChains = scenario.rfChains();
        genieProblem.tx = txShape;
        genieProblem.rx = rxShape;
        genieProblem.targets.copyFrom(radarTargets);
        for (Map.Entry<String, Double> e : scenario.solverParams().entrySet()) {
            genieProblem.params.put(e.getKey(), e.getValue());
        }
        this.frameLength = IsacParams.frameLength(genieProblem);
        this.radarNoiseW = IsacParams.radarNoiseW(genieProblem);
        if (radarTargets.count() > 0 && scenario.planarArray()) {
            crlbFim = new CrlbFim();
            crlbFim.setTargets(txShape, rxShape, radarTargets);
            int p = crlbFim.parameters();
            fimBuf = new double[p * p];
            fimInv = new double[p * p];
        } else {
            crlbFim = null;
        }
        CsiReport.Builder tb = CsiReport.newBuilder()
                .setRadioId(scenario.radioId())
                .addNoisePowerW(noiseW)
                .setPowerBudgetW(scenario.powerW())
                .setSolver(scenario.solver())
                .putAllParams(scenario.solverParams());
        for (int i = 0; i < radarTargets.count(); i++) {
            tb.addTargets(Target.newBuilder().setAzimuthRad(radarTargets.azimuthRad[i])
                    .setElevationRad(radarTargets.elevationRad[i])
                    .setGainRe(radarTargets.gainRe[i]).setGainIm(radarTargets.gainIm[i]));
        }
        this.template = tb.build();
    }

    private static ArrayGeometry.Builder geometry(ArrayShape a) {
        return ArrayGeometry.newBuilder().setHorizontal(a.horizontal()).setVertical(a.vertical()).setSpacingWavelengths(0.5);
    }

    /** A NIO event loop group with {@code threads} threads, suitable for sharing between radios. */
    /**
     * Speak TLS with {@code context} (a client context with this radio's certificate; the
     * controller then binds the session to the certificate's radio id). Call before {@link #run}.
     */
    public SimRadio tls(io.netty.handler.ssl.SslContext context) {
        this.tls = context;
        return this;
    }

    /**
     * When the controller says goodbye or the connection drops during the send window, count the
     * reports still pending as dropped ({@value #DISCONNECTED}), reconnect with back-off (0.1 s,
     * doubling to 2 s), say hello again and go on sending until the window ends. Call before
     * {@link #run}.
     */
    public SimRadio reconnect(boolean on) {
        this.reconnect = on;
        return this;
    }

    public static EventLoopGroup newEventLoopGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    }

    /** Sets the diagnostic listener (before {@link #run}); null removes it. */
    public SimRadio listener(AppliedListener l) {
        if (started) {
            throw new IllegalStateException("set the listener before run()");
        }
        this.listener = l;
        return this;
    }

    public Scenario scenario() {
        return scenario;
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
        this.sendForNs = sendFor.toNanos();
        this.drainNs = drain.toNanos();
        int expected = (int) Math.min(Integer.MAX_VALUE - 64, sendForNs / periodNs + 64);
        captureNs = new long[expected + 1];
        deadlineNs = new long[expected + 1];
        fate = new byte[expected + 1];
        Bootstrap b = bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (tls != null) {
                            p.addLast("tls", tls.newHandler(ch.alloc(), host, port));
                        }
                        p.addLast("frame", new VarintFrameDecoder(scenario.maxFrameBytes()));
                        p.addLast("decode", new ProtobufDecoder(ControllerMessage.getDefaultInstance()));
                        p.addLast("prefix", new ProtobufVarint32LengthFieldPrepender());
                        p.addLast("encode", new ProtobufEncoder());
                        p.addLast("session", new Session());
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
        channel = cf.channel();
        long limitMs = HELLO_TIMEOUT.toMillis() + TimeUnit.NANOSECONDS.toMillis(sendForNs + drainNs) + 30_000;
        try {
            return result.get(limitMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IOException("simulated radio failed: " + c, c);
        } catch (TimeoutException e) {
            channel.close();
            throw new IOException("simulated radio did not finish within " + limitMs + " ms");
        }
    }

    /** Closes the connection and, for a radio that made its own group, the group. */
    @Override
    public void close() {
        scorer.stop();
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    // ==== event loop ============================================================================

    private final class Session extends SimpleChannelInboundHandler<ControllerMessage> {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            connectedNs = System.nanoTime();
            FrontEndHello.Builder hello = FrontEndHello.newBuilder()
                    .setRadioId(scenario.radioId())
                    .setTxArray(geometry(txShape))
                    .setRxArray(geometry(rxShape))
                    .setRfChains(scenario.rfChains())
                    .setPhaseBits(scenario.phaseBits())
                    .setBasebandBits(scenario.basebandBits())
                    .setMaxPowerW(scenario.powerW())
                    .addModes(scenario.rfChains() == 0 ? Mode.MODE_DIGITAL : Mode.MODE_HYBRID)
                    .setMaxUsers(k)
                    .setProtocolVersion(1)
                    .setSoftware(SOFTWARE)
                    .setSharedClock(scenario.sharedClock());
            ctx.writeAndFlush(FrontEndMessage.newBuilder().setHello(hello).build());
            helloTimer = ctx.executor().schedule(helloTimeoutTask, HELLO_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ControllerMessage msg) {
            if (ctx.channel() != channel) {
                return; // a connection given up (after its goodbye): its reports were counted DISCONNECTED
            }
            switch (msg.getBodyCase()) {
                case UPDATE -> onUpdate(msg.getUpdate());
                case REJECT -> onReject(msg.getReject());
                case HELLO_ACK -> onHelloAck(ctx, msg.getHelloAck());
                case GOODBYE -> lost(ctx, "controller said goodbye: " + msg.getGoodbye().getReason());
                default -> unknownAnswers++;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!acked && !(reconnect && everAcked)) {
                fail(new IOException("controller closed the connection before answering the hello"));
            } else {
                lost(ctx, "disconnected by the controller");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!acked && !(reconnect && everAcked)) {
                fail(new IOException("connection failed before the hello was answered: " + cause, cause));
            } else {
                lost(ctx, "connection error: " + cause);
            }
            ctx.close();
        }
    }

    private void onHelloAck(ChannelHandlerContext ctx, HelloAck ack) {
        if (acked || finished) {
            unknownAnswers++;
            return;
        }
        acked = true;
        if (helloTimer != null) {
            helloTimer.cancel(false);
        }
        controllerName = ack.getController();
        sending = true;
        backoffNs = RECONNECT_FIRST_NS;
        if (!everAcked) { // a reconnect keeps the run's channel process and send window
            everAcked = true;
            process.start(System.nanoTime());
            sendStartNs = process.timeNs();
            sendEndNs = sendStartNs + sendForNs;
        }
        reportTimer = ctx.executor().scheduleAtFixedRate(reportTask, 0, periodNs, TimeUnit.NANOSECONDS);
    }

    private void helloTimedOut() {
        if (!acked && !finished) {
            if (reconnect && everAcked) {
                Channel ch = channel;
                if (ch != null) {
                    ch.close(); // channelInactive → lost → next attempt
                }
                return;
            }
            fail(new IOException("controller did not answer the hello within " + HELLO_TIMEOUT.toMillis() + " ms"));
        }
    }

    /**
     * The connection of {@code ctx} ended (goodbye, close or error). Without reconnecting, or
     * outside the send window, the run ends; else the reports still pending are dropped as
     * {@value #DISCONNECTED} and a reconnect is scheduled.
     */
    private void lost(ChannelHandlerContext ctx, String why) {
        if (finished || ctx.channel() != channel) {
            return; // already handled for this connection
        }
        long now = System.nanoTime();
        if (!reconnect || !everAcked || sendingDone || now - sendEndNs >= 0) {
            finish(why);
            return;
        }
        channel = null;
        ctx.channel().close();
        acked = false;
        sending = false;
        if (reportTimer != null) {
            reportTimer.cancel(false);
        }
        if (helloTimer != null) {
            helloTimer.cancel(false);
        }
        for (int idx = 1; idx <= lastSequence; idx++) {
            if (fate[idx] == PENDING) {
                fate[idx] = DROPPED;
                dropped++;
                disconnectDrops++;
                if (listener != null) {
                    reportedCsi.remove((long) idx);
                }
            }
        }
        lastLoss = why;
        ctx.executor().schedule(this::attemptReconnect, backoffNs, TimeUnit.NANOSECONDS);
    }

    /** One reconnect attempt; on failure the next after twice the back-off (at most 2 s), until the window ends. */
    private void attemptReconnect() {
        if (finished) {
            return;
        }
        if (System.nanoTime() - sendEndNs >= 0) {
            sendingDone = true;
            finish(lastLoss + "; the send window ended while reconnecting");
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

    /** Sends one report (periodic task) or ends the send window. */
    private void sendReport() {
        Channel ch = channel;
        if (finished || ch == null) {
            return;
        }
        long now = System.nanoTime();
        long limit = scenario.reportLimit();
        if (now - sendEndNs >= 0 || (limit > 0 && lastSequence >= limit)) {
            stopSending();
            return;
        }
        process.advanceTo(now);
        process.estimate(scenario.csiErrorMu(), csi);
        long seq = lastSequence + 1;
        ensureCapacity(seq);
        ComplexMatrix.Builder m = ComplexMatrix.newBuilder().setRows(n).setCols(k);
        int size = n * k;
        CMatrix copy = listener == null ? null : new CMatrix(n, k);
        for (int i = 0; i < size; i++) {
            float re = (float) csi.re[i];
            float im = (float) csi.im[i];
            m.addRe(re);
            m.addIm(im);
            if (copy != null) {
                copy.re[i] = re;
                copy.im[i] = im;
            }
        }
        long deadline = now + budgetNs;
        CsiReport report = CsiReport.newBuilder(template)
                .setSequence(seq)
                .setCaptureNs(now)
                .setDeadlineNs(deadline)
                .setChannel(m)
                .build();
        lastSequence = seq;
        int idx = (int) seq;
        captureNs[idx] = now;
        deadlineNs[idx] = deadline;
        fate[idx] = PENDING;
        if (copy != null) {
            reportedCsi.put(seq, copy);
        }
        ch.writeAndFlush(FrontEndMessage.newBuilder().setCsi(report).build(), ch.voidPromise());
    }

    private void stopSending() {
        if (reportTimer != null) {
            reportTimer.cancel(false);
        }
        if (sendingDone) {
            return;
        }
        sendingDone = true;
        sending = false;
        if (!finishIfDrained()) {
            EventLoop loop = channel.eventLoop();
            drainTimer = loop.schedule(drainTimeoutTask, drainNs, TimeUnit.NANOSECONDS);
        }
    }

    private void drainTimedOut() {
        finish("drain timeout");
    }

    private boolean finishIfDrained() {
        if (sendingDone && applied + dropped == lastSequence) {
            finish("completed");
            return true;
        }
        return false;
    }

    private void ensureCapacity(long seq) {
        if (seq >= fate.length) {
            if (seq >= Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("too many reports in one run: " + seq);
            }
            int len = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(seq + 1, 2L * fate.length));
            captureNs = Arrays.copyOf(captureNs, len);
            deadlineNs = Arrays.copyOf(deadlineNs, len);
            fate = Arrays.copyOf(fate, len);
        }
    }

    /** Index of a pending report, or −1 after counting the answer as unknown / duplicate. */
    private int pendingIndex(long seq) {
        if (seq < 1 || seq > lastSequence) {
            unknownAnswers++;
            return -1;
        }
        int idx = (int) seq;
        if (fate[idx] != PENDING) {
            duplicateAnswers++;
            return -1;
        }
        return idx;
    }

    private void onReject(Reject r) {
        if (finished) {
            return;
        }
        if (!acked) {
            fail(new IOException("controller rejected the hello: " + r.getReason() + " " + r.getDetail()));
            return;
        }
        int idx = pendingIndex(r.getSequence());
        if (idx < 0) {
            return;
        }
        fate[idx] = DROPPED;
        dropped++;
        int reason = r.getReasonValue();
        rejectCounts[reason >= 0 && reason < REASONS.length ? reason : REASONS.length]++;
        if (listener != null) {
            reportedCsi.remove(r.getSequence());
        }
        finishIfDrained();
    }

    private void onUpdate(WeightUpdate u) {
        if (finished) {
            return;
        }
        long now = System.nanoTime();
        long seq = u.getSequence();
        int idx = pendingIndex(seq);
        if (idx < 0) {
            return;
        }
        if (!effectivePrecoder(u)) {
            fate[idx] = DROPPED;
            dropped++;
            invalidUpdates++;
            if (listener != null) {
                reportedCsi.remove(seq);
            }
            finishIfDrained();
            return;
        }
        fate[idx] = APPLIED;
        applied++;
        process.advanceTo(now);
        CMatrix h = process.channel();
        double achieved = Metrics.sumRateBits(h, x, noise, sinrScratch);
        achievedSum += achieved;
        extra(Extra.MIN_SINR_DB, 10 * Math.log10(Metrics.min(sinrScratch, k)));
        if (appliedFrame) {
            extra(Extra.FRAMES_APPLIED, 1);
        }
        extra(Extra.ACHIEVED_UNQUANTIZED_BITS, appliedFrame ? Metrics.sumRateBits(h, xFloat, noise, sinrScratch) : achieved);
        if (crlbFim != null) {
            double c = crlb(x);
            double unquantized = appliedFrame ? crlb(xFloat) : c;
            if (Double.isFinite(c) && Double.isFinite(unquantized)) {
                extra(Extra.CRLB, c);
                extra(Extra.CRLB_UNQUANTIZED, unquantized);
            } else {
                extra(Extra.CRLB_SINGULAR, 1);
            }
        }
        if (x.frobeniusNorm2() > scenario.powerW() * 1.001) {
            powerViolations++;
        }
        long lat = now - captureNs[idx];
        latency.recordValue(Math.max(0, Math.min(lat, MAX_TRACKED_LATENCY_NS)));
        if (now - deadlineNs[idx] > 0) {
            deadlineMisses++;
        }
        String solverName = u.getSolver();
        if (!solversSeen.contains(solverName)) {
            solversSeen.add(solverName);
        }
        int every = scenario.genieEvery();
        if (every > 0 && applied % every == 0) {
            scorer.offer(solverName, h, achieved);
        }
        int crc32c = 0;
        if (!u.getFpgaFrame().isEmpty()) {
            crc.reset();
            crc.update(u.getFpgaFrame().asReadOnlyByteBuffer());
            crc32c = (int) crc.getValue();
        }
        WeightApplied wa = WeightApplied.newBuilder()
                .setRadioId(scenario.radioId())
                .setSequence(seq)
                .setApplyNs(now)
                .setFrameCrc32C(crc32c)
                .build();
        channel.writeAndFlush(FrontEndMessage.newBuilder().setApplied(wa).build(), channel.voidPromise());
        if (listener != null) {
            CMatrix reported = reportedCsi.remove(seq);
            listener.applied(seq, reported, h, x, noiseW, achieved);
        }
        finishIfDrained();
    }

    /**
     * Scores sampled applied updates off the radio's I/O thread: the genie (same solver, true
     * channel, zero latency), digital ZF, τ and the worst SCNR. The event loop copies what a
     * score needs into one of two samples and hands it over without waiting; when both are
     * taken (the scorer is still busy) the update is not scored and counted as skipped, so the
     * radio's schedule never waits for its own measurements. Its sums live apart from the I/O
     * thread's and are read after {@link #drain}.
     */
    private final class Scorer implements Runnable {
        private final java.util.concurrent.ArrayBlockingQueue<Sample> free = new java.util.concurrent.ArrayBlockingQueue<>(2);
        private final java.util.concurrent.ArrayBlockingQueue<Sample> work = new java.util.concurrent.ArrayBlockingQueue<>(2);
        private final java.util.concurrent.atomic.AtomicInteger busy = new java.util.concurrent.atomic.AtomicInteger();
        private final double[] sinr = new double[k];
        private final double[] sums = new double[Extra.values().length];
        private final long[] counts = new long[Extra.values().length];
        private double achievedAtGenie, genie, zfRate;
        private long genieN, zfN, failures, skipped;
        private volatile Thread thread;
        private volatile boolean draining;

        Scorer() {
            free.add(new Sample());
            free.add(new Sample());
        }

        /** On the event loop: copies the applied update ({@link #x}, {@link #xFloat}, {@link #receive}) and {@code h}. */
        void offer(String solverName, CMatrix h, double achieved) {
            Sample smp = free.poll();
            if (smp == null) {
                skipped++;
                return;
            }
            smp.solver = solverName;
            smp.achieved = achieved;
            smp.h.copyFrom(h);
            smp.x.copyFrom(x);
            smp.xFloat.copyFrom(xFloat);
            smp.receive.copyFrom(receive);
            busy.incrementAndGet();
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("sim-score-" + scenario.radioId()).start(this);
            }
            work.add(smp);
        }

        @Override
        public void run() {
            IdlePriority.applyToCurrentThread();
            try {
                while (true) {
                    Sample smp = work.take();
                    try {
                        long t0 = System.nanoTime();
                        synchronized (this) {
                            score(smp);
                        }
                        rest(System.nanoTime() - t0);
                    } finally {
                        free.add(smp);
                        busy.decrementAndGet();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void score(Sample smp) {
            CMatrix h = smp.h;
            genieProblem.channel.copyFrom(h);
            Solver g = genieSolvers.get(smp.solver);
            if (g == null && !genieSolvers.containsKey(smp.solver)) {
                g = SolverRegistry.exists(smp.solver) ? SolverRegistry.create(smp.solver) : null;
                genieSolvers.put(smp.solver, g);
            }
            boolean ok = g != null;
            if (ok) {
                try {
                    g.solve(genieProblem, genieOut);
                    genieOut.effective(xGenie);
                    double rate = Metrics.sumRateBits(h, xGenie, noise, sinr);
                    if (Double.isFinite(rate)) {
                        genie += rate;
                        achievedAtGenie += smp.achieved;
                        genieN++;
                    } else {
                        ok = false;
                    }
                } catch (IllegalArgumentException e) {
                    ok = false;
                }
            }
            try {
                zf.solve(genieProblem, zfOut);
                double z = Metrics.sumRateBits(h, zfOut.baseband, noise, sinr);
                if (Double.isFinite(z)) {
                    zfRate += z;
                    zfN++;
                } else {
                    ok = false;
                }
            } catch (IllegalArgumentException e) {
                ok = false;
            }
            if (!ok) {
                failures++;
            }
            if (targetsRad.length > 0) {
                if (txShape.vertical() == 1) {
                    // τ against the benchmark covariance Ψ of the scenario's targets (seed 000 eqs. (5), (6)), ULA only
                    CMatrix psi = psiCache.update(n, targetsRad, targetsRad.length, DesiredBeampattern.AUTHORS_HALF_WIDTH_DEG,
                            scenario.powerW());
                    add(Extra.TAU, Metrics.beampatternError(smp.x, psi));
                    add(Extra.TAU_UNQUANTIZED, Metrics.beampatternError(smp.xFloat, psi));
                }
                if (smp.receive.rows() == rxShape.size() && smp.receive.cols() == targetsRad.length) {
                    // seed 002 eq. (5) with the update's receive filters on the true targets
                    scnr.scnr(txShape, rxShape, radarTargets, noClutter, smp.x, smp.receive, radarNoiseW, scnrOut);
                    add(Extra.MIN_SCNR_DB, 10 * Math.log10(Metrics.min(scnrOut, scnrOut.length)));
                }
            }
        }

        /**
         * Keeps the scorer within {@link Scenario#scoreShare()} of a core: rests after a score
         * that took {@code tookNs} while holding its sample, so what is offered meanwhile is
         * skipped. The rest is cut short when the radio drains.
         */
        private void rest(long tookNs) {
            double share = scenario.scoreShare();
            if (share >= 1) {
                return;
            }
            long end = System.nanoTime() + (long) (tookNs * (1 - share) / share);
            long left;
            while (!draining && (left = end - System.nanoTime()) > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(left);
            }
        }

        private void add(Extra e, double v) {
            sums[e.ordinal()] += v;
            counts[e.ordinal()]++;
        }

        /** Waits (up to {@code maxNanos}) until every handed-over sample is scored. */
        void drain(long maxNanos) {
            draining = true;
            Thread t = thread;
            if (t != null) {
                java.util.concurrent.locks.LockSupport.unpark(t);
            }
            long end = System.nanoTime() + maxNanos;
            while (busy.get() > 0 && System.nanoTime() - end < 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
        }

        void stop() {
            Thread t = thread;
            if (t != null) {
                t.interrupt();
            }
        }
    }

    /** What one score needs, copied off the event loop's buffers. */
    private static final class Sample {
        final CMatrix h = new CMatrix(), x = new CMatrix(), xFloat = new CMatrix(), receive = new CMatrix();
        String solver;
        double achieved;
    }

    /**
     * Decodes the update's weights into {@link #x} (N × K): F·W when analog is present, else W.
     * False when shapes disagree with N, K or with the data, or a weight is not finite.
     */
    private boolean effectivePrecoder(WeightUpdate u) {
        appliedFrame = false;
        if (!u.hasReceive() || !readMatrix(u.getReceive(), receive)) {
            receive.reshape(0, 0);
        }
        ComplexMatrix bb = u.getBaseband();
        if (!readMatrix(bb, baseband) || baseband.cols() < k) {
            return false;
        }
        if (u.hasAnalog() && u.getAnalog().getRows() * u.getAnalog().getCols() > 0) {
            ComplexMatrix an = u.getAnalog();
            if (!readMatrix(an, analog) || analog.rows() != n || analog.cols() != baseband.rows()) {
                return false;
            }
            Kernels.mul(analog, baseband, xFloat);
        } else {
            if (baseband.rows() != n) {
                return false;
            }
            xFloat.copyFrom(baseband);
        }
        if (!xFloat.allFinite()) {
            return false;
        }
        if (u.getFpgaFrame().isEmpty()) {
            x.copyFrom(xFloat);
            return true;
        }
        // what the array radiates: the decoded hardware frame, quantized
        try {
            frameParser.parse(u.getFpgaFrame().asReadOnlyByteBuffer(), frame);
        } catch (FrameRejectedException e) {
            return false;
        }
        if (!frame.isFor(scenario.radioId()) || frame.sequence() != u.getSequence() || frame.n() != n) {
            return false;
        }
        frame.toPrecoder(framePrecoder, null);
        framePrecoder.effective(x);
        if (x.rows() != n || x.cols() != xFloat.cols() || !x.allFinite()) {
            return false;
        }
        appliedFrame = true;
        return true;
    }

    /**
     * tr(F⁻¹) of seed 004 Lemma 1 for the transmitted precoder {@code w} (N × S, R_x = WWᴴ)
     * with the true targets, L = {@link #frameLength} and σ_s² = {@link #radarNoiseW}; +∞ when
     * F is singular. Flops: 8·N·3M·S + 8·9M²·S + (4M)³. Allocation-free.
     */
    private double crlb(CMatrix w) {
        crlbFim.fim(w, frameLength, radarNoiseW, fimBuf);
        return crlbFim.invert(fimBuf, fimInv);
    }

    private void extra(Extra e, double value) {
        extraSum[e.ordinal()] += value;
        extraCount[e.ordinal()]++;
    }

    private static boolean readMatrix(ComplexMatrix m, CMatrix out) {
        int rows = m.getRows(), cols = m.getCols();
        long size = (long) rows * cols;
        if (rows < 0 || cols < 0 || size == 0 || size > 1 << 24 || m.getReCount() != size || m.getImCount() != size) {
            return false;
        }
        out.reshape(rows, cols);
        for (int i = 0; i < (int) size; i++) {
            out.re[i] = m.getRe(i);
            out.im[i] = m.getIm(i);
        }
        return true;
    }

    private void fail(IOException e) {
        if (finished) {
            return;
        }
        finished = true;
        cancelTimers();
        result.completeExceptionally(e);
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    private void finish(String termination) {
        if (finished) {
            return;
        }
        if (reconnects > 0) {
            termination += " (" + reconnects + " reconnect attempt" + (reconnects == 1 ? ")" : "s)");
        }
        finished = true;
        if (!sendingDone) {
            sendingDone = true;
            sending = false;
            sendEndNs = acked ? Math.min(sendEndNs, System.nanoTime()) : 0;
        }
        cancelTimers();
        long end = System.nanoTime();
        SimReport report;
        try {
            report = snapshot(termination, end);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(FrontEndMessage.newBuilder().setGoodbye(Goodbye.newBuilder().setReason(termination)).build())
                    .addListener(ChannelFutureListener.CLOSE);
        }
        result.complete(report);
    }

    private void cancelTimers() {
        if (reportTimer != null) {
            reportTimer.cancel(false);
        }
        if (drainTimer != null) {
            drainTimer.cancel(false);
        }
        if (helloTimer != null) {
            helloTimer.cancel(false);
        }
    }

    private SimReport snapshot(String termination, long endNs) {
        Map<String, Long> drops = new TreeMap<>();
        for (int i = 0; i < rejectCounts.length; i++) {
            if (rejectCounts[i] > 0) {
                drops.put(i < REASONS.length ? REASONS[i].name() : "UNRECOGNIZED", rejectCounts[i]);
            }
        }
        if (invalidUpdates > 0) {
            drops.put(SimReport.INVALID_UPDATE, invalidUpdates);
        }
        if (disconnectDrops > 0) {
            drops.put(DISCONNECTED, disconnectDrops);
        }
        long window = acked ? Math.max(0, sendEndNs - sendStartNs) : 0;
        scorer.drain(SCORER_DRAIN_NS);
        double[] xs = extraSum.clone();
        long[] xc = extraCount.clone();
        double achievedAtGenieSum, genieSum, zfSum;
        long genieSamples, zfSamples, genieFailures;
        synchronized (scorer) {
            for (int i = 0; i < xs.length; i++) {
                xs[i] += scorer.sums[i];
                xc[i] += scorer.counts[i];
            }
            achievedAtGenieSum = scorer.achievedAtGenie;
            genieSum = scorer.genie;
            zfSum = scorer.zfRate;
            genieSamples = scorer.genieN;
            zfSamples = scorer.zfN;
            genieFailures = scorer.failures;
        }
        xc[Extra.SCORING_SKIPPED.ordinal()] += scorer.skipped;
        scorer.stop();
        return new SimReport(List.of(scenario), controllerName, lastSequence, applied, drops, deadlineMisses,
                duplicateAnswers, unknownAnswers, powerViolations, latency, achievedSum, achievedAtGenieSum, genieSum,
                zfSum, genieSamples, zfSamples, genieFailures, solversSeen, window, endNs - connectedNs, termination,
                xs, xc);
    }
}
