package org.isac.controller.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import org.isac.controller.ControllerConfig;
import org.isac.controller.CsiMapping;
import org.isac.controller.ReportValidator;
import org.isac.controller.Rejection;
import org.isac.controller.metrics.ControllerMetrics;
import org.isac.controller.metrics.ControllerMetrics.Counter;
import org.isac.controller.pipeline.ReportSink;
import org.isac.controller.pipeline.SolvePipeline;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.FrontEndMessage;
import org.isac.proto.v1.HelloAck;
import org.isac.proto.v1.Reject.Reason;
import org.isac.solver.SolverRegistry;

/**
 * One front end's connection: the last inbound handler of its channel. Enforces the
 * session protocol (hello first, one session per radio id), validates each report with
 * {@link ReportValidator} and hands accepted ones to the {@link ReportSink}. Replies that
 * need no solve (acks, rejects) are written here on the event loop.
 *
 * <p>Threading: inbound state is touched only on the channel's event loop; the latest
 * accepted sequence is volatile (read by the solve stage).
 */
public final class RadioSession extends ChannelInboundHandlerAdapter implements org.isac.controller.pipeline.PipelineSession {
    /** Protocol version this controller speaks. */
    public static final int PROTOCOL_VERSION = org.isac.controller.ReportValidator.PROTOCOL_VERSION;
    /** Software string sent in the hello ack: the name and the project version. */
    public static final String SOFTWARE = "isac-controller " + org.isac.proto.BuildInfo.VERSION;

    private final ControllerConfig config;
    private final ControllerMetrics metrics;
    private final SessionRegistry registry;
    private final ReportSink sink;

    private Channel channel;
    private FrontEndHello hello;
    private String radioId;
    private int shard;
    private boolean registered;
    private boolean hasAccepted;
    private long lastAcceptedSequence;
    private long receivedNs;
    private volatile long latestSequence;
    /**
     * (sequence, solve end, frame CRC32C or −1, deadline or 0) of recently sent updates, slot =
     * sequence mod {@link #SENT_SLOTS}.
     */
    private final java.util.concurrent.atomic.AtomicLongArray sent = new java.util.concurrent.atomic.AtomicLongArray(SLOT * SENT_SLOTS);
    private static final int SLOT = 4;
    /** Highest sequence answered with an update (unsigned; 0 = none yet). */
    private final java.util.concurrent.atomic.AtomicLong highestSent = new java.util.concurrent.atomic.AtomicLong();
    /** Solve end → applied on this radio, measured from its acks (shared clock only; event loop). */
    private final org.HdrHistogram.Histogram downlink = new org.HdrHistogram.Histogram(1_000_000_000L, 2);
    /** The p99 of {@link #downlink} over its last window; 0 until measured. */
    private volatile long downlinkMarginNs;
    private int downlinkWindows;

    static final int SENT_SLOTS = 64;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("isac.session");
    /** Least time between two summaries of a session's rejects in the log. */
    static final long REJECT_LOG_PERIOD_MS = 10_000;
    private long rejectsLogged, rejectsPending, rejectWindowNs;
    private long[] pendingByReason;
    /** This radio's counts in the metrics (after hello). */
    private volatile java.util.concurrent.atomic.AtomicLongArray counts;
    private static final LogLimiter TLS_LOG = new LogLimiter(1000), TIMEOUT_LOG = new LogLimiter(1000);
    /**
     * Percentile of solve end → applied that the margin covers. p90 left the one update in ten
     * whose hand-offs were slower than that to miss when its solve used all of the time it had;
     * p99 (event loops on epoll, short slices) halved the demo's misses, and once the report's
     * threads ran real time ({@link ControllerConfig#rtPriority()}) the tail of that time was
     * short and steady enough for p99.9: on the 2-core machine of reports/capacity/PROFILE.md,
     * three alternating runs each, 2–6 misses in 10 000 against 23–156 for p99, with layers run
     * p50 7–8 of 10 instead of 10 and a higher achieved sum rate (23.0–23.2 against 22.3–22.6
     * bit/s/Hz: the weights an earlier answer carries meet a fresher channel).
     */
    static final double MARGIN_PERCENTILE = 99.9;
    /**
     * A window's value lower than the margin moves it only this fraction of the way down: a
     * window of 512 acks that happened to hold no slow hand-off would otherwise drop the margin
     * at once, the next solves would use all of their time, and the next slow hand-off would make
     * them late. A higher value is taken at once. On the 2-core machine of reports/capacity/PROFILE.md,
     * five default demos each, one set after the other: 4–9 late in 10 000 (layers run p50 6–10)
     * against 2–26 (7–10) when every window set the margin.
     */
    static final int MARGIN_FALL_DIVISOR = 4;

    /** The margin after a window whose percentile was {@code window}: up at once, down by a quarter of the gap. */
    static long nextMargin(long margin, long window) {
        return margin == 0 || window >= margin ? window : margin - (margin - window) / MARGIN_FALL_DIVISOR;
    }

    /** Acks per update of {@link #downlinkMarginNs} (its p99.9 is the window's largest value but one). */
    static final int DOWNLINK_WINDOW = 512;

    public RadioSession(ControllerConfig config, ControllerMetrics metrics, SessionRegistry registry, ReportSink sink) {
        this.config = config;
        this.metrics = metrics;
        this.registry = registry;
        this.sink = sink;
    }

    /** The radio id from the hello; null before it. */
    @Override
    public String radioId() {
        return radioId;
    }

    /** The accepted hello; null before it. */
    @Override
    public FrontEndHello hello() {
        return hello;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    /** Solve shard of this radio. */
    @Override
    public int shard() {
        return shard;
    }

    /** Controller-clock receipt time of the report being offered. */
    @Override
    public long receivedNs() {
        return receivedNs;
    }

    /** The solver a report naming none runs. */
    @Override
    public String defaultSolver() {
        return config.defaultSolver();
    }

    @Override
    public ControllerMetrics metrics() {
        return metrics;
    }

    /**
     * Encode stage: an update answering {@code sequence} whose solve ended at {@code solveEndNs}
     * (controller clock), with a weight frame of CRC32C {@code frameCrc32c} (−1 without a frame),
     * for a report due at {@code deadlineNs} (controller clock; 0 without a deadline), was handed
     * to the channel.
     */
    @Override
    public void noteSent(long sequence, long solveEndNs, long frameCrc32c, long deadlineNs) {
        int i = (int) Math.floorMod(sequence, (long) SENT_SLOTS) * SLOT;
        sent.set(i, -1);
        sent.set(i + 1, solveEndNs);
        sent.set(i + 2, frameCrc32c);
        sent.set(i + 3, deadlineNs);
        sent.set(i, sequence);
        long high;
        while (Long.compareUnsigned(sequence, high = highestSent.get()) > 0 && !highestSent.compareAndSet(high, sequence)) {
            Thread.onSpinWait();
        }
    }

    /** Adds one to this radio's count {@code which} ({@link ControllerMetrics#RADIO_COUNTS}); nothing before hello. */
    @Override
    public void count(int which) {
        java.util.concurrent.atomic.AtomicLongArray c = counts;
        if (c != null) {
            c.incrementAndGet(which);
        }
    }

    /** True when the radio's hello says it shares the controller's clock (its acks then time the downlink). */
    @Override
    public boolean sharesClock() {
        FrontEndHello h = hello;
        return h != null && h.getSharedClock();
    }

    /**
     * How long, at p99, this radio's updates took from the end of their solve to being applied
     * (from its {@code WeightApplied} acks, with a shared clock only: encode, send, transport
     * and the front end's own apply); 0 until two windows of {@value #DOWNLINK_WINDOW} acks were
     * measured (the first, the session's start-up, is left out) or without a shared clock.
     */
    @Override
    public long downlinkMarginNs() {
        return downlinkMarginNs;
    }

    /**
     * An ack counts only from this radio's own session and for a sequence it was sent an update
     * for (else {@code ACKS_IGNORED}); while the update is among the last {@value #SENT_SLOTS}
     * sent, its CRC32C is compared with the frame's ({@code ACK_CRC_MISMATCH}) and, with a
     * shared clock, its apply time teaches the downlink and, when after the report's deadline,
     * counts as late ({@code LATE_APPLIED}, this radio's {@code late}).
     */
    private void onApplied(org.isac.proto.v1.WeightApplied a) {
        long seq = a.getSequence();
        if (hello == null || !a.getRadioId().equals(radioId) || seq == 0 || Long.compareUnsigned(seq, highestSent.get()) > 0) {
            metrics.increment(Counter.ACKS_IGNORED);
            return;
        }
        metrics.increment(Counter.APPLIED);
        count(ControllerMetrics.RADIO_APPLIED);
        int i = (int) Math.floorMod(seq, (long) SENT_SLOTS) * SLOT;
        long end = sent.get(i + 1);
        long crc = sent.get(i + 2);
        long deadline = sent.get(i + 3);
        if (sent.get(i) != seq) {
            return;
        }
        if (crc >= 0 && Integer.toUnsignedLong(a.getFrameCrc32C()) != crc) {
            metrics.increment(Counter.ACK_CRC_MISMATCH);
        }
        if (!hello.getSharedClock()) {
            return;
        }
        if (deadline != 0 && a.getApplyNs() - deadline > 0) {
            metrics.increment(Counter.LATE_APPLIED);
            count(ControllerMetrics.RADIO_LATE);
        }
        long delay = a.getApplyNs() - end;
        if (delay <= 0 || delay >= downlink.getHighestTrackableValue()) {
            return;
        }
        downlink.recordValue(delay);
        if (downlink.getTotalCount() >= DOWNLINK_WINDOW) {
            if (downlinkWindows++ > 0) { // the first window is the session's start-up, not its steady state
                downlinkMarginNs = nextMargin(downlinkMarginNs, downlink.getValueAtPercentile(MARGIN_PERCENTILE));
            }
            downlink.reset();
        }
    }

    /** Sequence of the newest report that entered the pipeline. */
    @Override
    public long latestSequence() {
        return latestSequence;
    }

    /** Called while a report is copied into the ring (before it is published). */
    @Override
    public void markLatest(long sequence) {
        latestSequence = sequence;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        long helloMs = config.limits().helloTimeoutMillis();
        ctx.executor().schedule(() -> {
            if (hello == null && ctx.channel().isActive()) {
                metrics.increment(Counter.CONNECTIONS_TIMED_OUT);
                if (TIMEOUT_LOG.allow()) {
                    LOG.warn("event=hello_timeout peer={} after_ms={} suppressed_since_last={}", ctx.channel().remoteAddress(), helloMs,
                            TIMEOUT_LOG.suppressed());
                }
                rejectOther(ctx, Reason.BAD_HELLO, "no hello within " + helloMs + " ms; closing", true);
            }
        }, helloMs, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Nothing received for the idle timeout ({@link io.netty.handler.timeout.IdleStateHandler}): goodbye and close. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof io.netty.handler.timeout.IdleStateEvent) {
            metrics.increment(Counter.CONNECTIONS_TIMED_OUT);
            LOG.info("event=idle_timeout radio={} peer={} after_ms={}", radioId, ctx.channel().remoteAddress(),
                    config.limits().idleTimeoutMillis());
            ctx.writeAndFlush(ControllerMessage.newBuilder().setGoodbye(org.isac.proto.v1.Goodbye.newBuilder()
                    .setReason("nothing received for " + config.limits().idleTimeoutMillis() + " ms; closing")).build())
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FrontEndMessage m)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        switch (m.getBodyCase()) {
            case HELLO -> onHello(ctx, m.getHello());
            case CSI -> onReport(ctx, m.getCsi());
            case APPLIED -> onApplied(m.getApplied());
            case GOODBYE -> ctx.close();
            default -> rejectOther(ctx, Reason.MALFORMED, "message has no body", false);
        }
    }

    private void onHello(ChannelHandlerContext ctx, FrontEndHello h) {
        if (hello != null) {
            rejectOther(ctx, Reason.BAD_HELLO, "session already said hello as '" + radioId + "'", false);
            return;
        }
        Rejection bad = ReportValidator.validateHello(h, config.limits());
        if (bad == null) {
            String refused = config.weightEncoder().refuse(h);
            if (refused != null) {
                bad = new Rejection(Reason.BAD_HELLO, refused);
            }
        }
        if (bad != null) {
            LOG.warn("event=hello_refused radio={} peer={} reason={} detail=\"{}\"", h.getRadioId(), ctx.channel().remoteAddress(),
                    bad.reason(), bad.detail());
            rejectOther(ctx, bad.reason(), bad.detail(), false);
            return;
        }
        String id = h.getRadioId();
        String refused = identity(ctx, id);
        if (refused != null) {
            LOG.warn("event=hello_refused radio={} peer={} reason=BAD_HELLO detail=\"{}\"", id, ctx.channel().remoteAddress(),
                    refused);
            rejectOther(ctx, Reason.BAD_HELLO, refused, true);
            return;
        }
        if (!registry.claim(id, this)) {
            LOG.warn("event=hello_refused radio={} peer={} reason=DUPLICATE_RADIO", id, ctx.channel().remoteAddress());
            rejectOther(ctx, Reason.DUPLICATE_RADIO, "radio '" + id + "' is already connected", true);
            return;
        }
        registered = true;
        hello = h;
        radioId = id;
        counts = metrics.radio(id);
        LOG.info("event=hello radio={} peer={} tx={} rf_chains={} phase_bits={} baseband_bits={} shared_clock={} tls={}", id,
                ctx.channel().remoteAddress(), CsiMapping.txElements(h), Integer.toUnsignedLong(h.getRfChains()),
                h.getPhaseBits(), h.getBasebandBits(), h.getSharedClock(),
                ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null);
        shard = SolvePipeline.shardOf(id, config.solveShards());
        HelloAck ack = HelloAck.newBuilder()
                .setRadioId(id)
                .setProtocolVersion(PROTOCOL_VERSION)
                .setController(SOFTWARE)
                .setDefaultSolver(config.defaultSolver())
                .addAllSolvers(SolverRegistry.names())
                .build();
        // the ack goes out once the radio's solver is warm (SolverWarmer, at most a few seconds)
        ControllerMessage ackMessage = ControllerMessage.newBuilder().setHelloAck(ack).build();
        sink.helloAccepted(this).whenComplete((done, failed) -> ctx.executor().execute(() -> {
            if (ctx.channel().isActive()) {
                ctx.writeAndFlush(ackMessage, ctx.voidPromise());
            }
        }));
    }

    /**
     * Null when this connection may claim {@code id}: with TLS, its client certificate's common
     * name must be {@code id}; with an allow list, {@code id} must be on it. Else why not.
     */
    private String identity(ChannelHandlerContext ctx, String id) {
        io.netty.handler.ssl.SslHandler tls = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
        if (tls != null) {
            String named = certifiedRadioId(tls);
            if (named == null) {
                return "this connection's certificate names no radio";
            }
            if (!named.equals(id)) {
                return "the client certificate names radio '" + named + "', not '" + id + "'";
            }
        }
        if (!config.allowedRadios().isEmpty() && !config.allowedRadios().contains(id)) {
            return "radio '" + id + "' is not on this controller's allow list";
        }
        return null;
    }

    /** The common name of the peer's verified certificate, or null. */
    static String certifiedRadioId(io.netty.handler.ssl.SslHandler tls) {
        try {
            java.security.cert.Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof java.security.cert.X509Certificate x)) {
                return null;
            }
            javax.naming.ldap.LdapName dn = new javax.naming.ldap.LdapName(x.getSubjectX500Principal().getName());
            String cn = null;
            for (javax.naming.ldap.Rdn rdn : dn.getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    if (cn != null) {
                        return null; // two common names: ambiguous
                    }
                    cn = String.valueOf(rdn.getValue());
                }
            }
            return cn;
        } catch (javax.net.ssl.SSLPeerUnverifiedException | javax.naming.InvalidNameException e) {
            return null;
        }
    }

    private void onReport(ChannelHandlerContext ctx, CsiReport r) {
        receivedNs = config.clock().getAsLong();
        metrics.increment(Counter.RECEIVED);
        count(ControllerMetrics.RADIO_RECEIVED);
        if (hello == null) {
            rejectReport(ctx, r, Reason.NO_HELLO, "send a FrontEndHello before reports");
            return;
        }
        Rejection bad = ReportValidator.validate(r, hello, hasAccepted, lastAcceptedSequence, config.limits(),
                config.defaultSolver());
        if (bad != null) {
            rejectReport(ctx, r, bad.reason(), bad.detail());
            return;
        }
        if (!sink.offer(this, r)) {
            rejectReport(ctx, r, Reason.OVERLOADED, "solve pipeline is full or shutting down");
            return;
        }
        hasAccepted = true;
        lastAcceptedSequence = r.getSequence();
    }

    private void rejectReport(ChannelHandlerContext ctx, CsiReport r, Reason reason, String detail) {
        metrics.rejectReport(reason);
        count(ControllerMetrics.RADIO_REJECTS);
        noteReject(reason, detail);
        if (ctx.channel().isWritable()) {
            String id = radioId != null ? radioId : r.getRadioId();
            ctx.writeAndFlush(Rejection.message(reason, detail, id, r.getSequence()), ctx.voidPromise());
        }
    }

    private void rejectOther(ChannelHandlerContext ctx, Reason reason, String detail, boolean close) {
        metrics.rejectOther(reason);
        ControllerMessage m = Rejection.message(reason, detail, radioId, 0);
        if (close) {
            ctx.writeAndFlush(m).addListener(ChannelFutureListener.CLOSE);
        } else if (ctx.channel().isWritable()) {
            ctx.writeAndFlush(m, ctx.voidPromise());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) { // the peer got the TLS alert; nothing else can reach it
                metrics.increment(Counter.TLS_REFUSED);
                if (TLS_LOG.allow()) {
                    LOG.warn("event=tls_refused peer={} detail=\"{}\" suppressed_since_last={}", ctx.channel().remoteAddress(),
                            t.getMessage(), TLS_LOG.suppressed());
                }
                ctx.close();
                return;
            }
        }
        if (cause instanceof TooLongFrameException) {
            rejectOther(ctx, Reason.FRAME_TOO_LONG, cause.getMessage(), true);
        } else if (cause instanceof CorruptedFrameException) {
            rejectOther(ctx, Reason.MALFORMED, cause.getMessage(), true);
        } else if (cause instanceof DecoderException) {
            Throwable c = cause.getCause() != null ? cause.getCause() : cause;
            rejectOther(ctx, Reason.MALFORMED, "message did not parse: " + c.getMessage(), false);
        } else {
            ctx.close();
        }
    }

    /**
     * Reject bursts in the log: the first reject of a session is logged with its detail, later ones
     * are summed and logged at most every {@value #REJECT_LOG_PERIOD_MS} ms (and at disconnect).
     */
    private void noteReject(Reason reason, String detail) {
        long now = System.nanoTime();
        if (rejectsLogged == 0 && rejectsPending == 0) {
            LOG.info("event=report_rejected radio={} reason={} detail=\"{}\"", radioId, reason, detail);
            rejectsLogged++;
            rejectWindowNs = now;
            return;
        }
        if (pendingByReason == null) {
            pendingByReason = new long[Reason.values().length];
        }
        if (reason.ordinal() < pendingByReason.length) {
            pendingByReason[reason.ordinal()]++;
        }
        rejectsPending++;
        if (now - rejectWindowNs >= REJECT_LOG_PERIOD_MS * 1_000_000L) {
            flushRejectLog();
            rejectWindowNs = now;
        }
    }

    private void flushRejectLog() {
        if (rejectsPending > 0) {
            StringBuilder by = new StringBuilder();
            Reason[] reasons = Reason.values();
            for (int i = 0; i < pendingByReason.length; i++) {
                if (pendingByReason[i] > 0) {
                    by.append(by.length() == 0 ? "" : ",").append(reasons[i]).append('=').append(pendingByReason[i]);
                    pendingByReason[i] = 0;
                }
            }
            LOG.info("event=reports_rejected radio={} count={} by_reason={}", radioId, rejectsPending, by);
            rejectsLogged += rejectsPending;
            rejectsPending = 0;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        flushRejectLog();
        if (registered) {
            LOG.info("event=disconnect radio={} peer={} reports_accepted_last_sequence={} rejects_at_validation={}", radioId,
                    ctx.channel().remoteAddress(), hasAccepted ? Long.toUnsignedString(lastAcceptedSequence) : "none", rejectsLogged);
            registered = false;
            metrics.radioGone(radioId, counts);
            registry.release(radioId, this);
            sink.sessionEnded(this);
        }
        super.channelInactive(ctx);
    }
}
