package org.isac.sim;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndMessage;
import org.isac.proto.v1.Goodbye;
import org.isac.proto.v1.HelloAck;
import org.isac.proto.v1.Reject;
import org.isac.proto.v1.Target;
import org.isac.proto.v1.WeightApplied;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.Scatterers;
import org.isac.solver.linalg.CMatrix;

import static org.isac.sim.SimRadio.HELLO_TIMEOUT;
import static org.isac.sim.SimRadio.MAX_TRACKED_LATENCY_NS;

/**
 * The protocol state machine of one {@link SimRadio} run, on the radio's event loop: hello →
 * HelloAck → a CSI report every {@link Scenario#reportPeriodUs()} µs → weight updates or rejects
 * back → {@code WeightApplied} answers → goodbye, with the accounting that becomes the
 * {@link SimReport}. What an applied update achieves is measured by the {@link SimEvaluator}.
 *
 * <p>Per report: advance the true channel {@link ChannelProcess} to now (= capture time),
 * estimate CSI with error μ, send a {@code CsiReport} with {@code deadline_ns = capture_ns +
 * deadlineBudgetUs·1000}. Per {@code WeightUpdate}: decode it, advance the true channel to now
 * (= apply time), measure it, answer {@code WeightApplied}. Latency capture → apply goes to an
 * HdrHistogram (ns). Updates or rejects for sequences never sent or already answered are
 * counted and ignored.
 *
 * <p>Threading: all state is touched only by the channel's event loop, so there are no locks;
 * {@link #channel()} and the {@link #result()} are read by the caller's thread.
 */
final class SimSession {
    private static final byte PENDING = 0;
    private static final byte APPLIED = 1;
    private static final byte DROPPED = 2;
    private static final Reject.Reason[] REASONS = Reject.Reason.values();

    private final SimRadio client;
    private final Scenario scenario;
    private final SimEvaluator evaluator;
    /** Reconnect with back-off when the connection is lost during the send window. */
    private boolean reconnect;
    private AppliedListener listener;
    private volatile Channel channel;

    // ---- constant per run -----------------------------------------------------------------
    private final int n;
    private final int k;
    private final long periodNs;
    private final long budgetNs;
    /** Writes each report's envelope from its unchanging fields and the estimated channel(s), building no message. */
    private final ReportWriter reports;

    // ---- event-loop state -----------------------------------------------------------------
    private final ChannelProcess process;
    private final CMatrix csi;
    /** S > 1: one CSI estimate per subband ({@code csiS[0] == csi}) and the subbands' f_s − f_c. */
    private final int subbands;
    private final CMatrix[] csiS;
    private final double[] offsetHz;
    private final Set<String> solversSeen = new HashSet<>();
    private final Map<Long, CMatrix> reportedCsi = new HashMap<>();
    private final Histogram latency = new Histogram(MAX_TRACKED_LATENCY_NS, 3);
    /** Each leg of capture → applied ({@link SimReport#LEGS}) over the applied updates; shared clock and stage times only. */
    private final Histogram[] legs = java.util.stream.Stream.generate(() -> new Histogram(MAX_TRACKED_LATENCY_NS, 2))
            .limit(SimReport.LEGS.size()).toArray(Histogram[]::new);
    /** An update's legs, and the times that bound them (capture, received, solve start, solve end, encoded, applied). */
    private final long[] leg = new long[SimReport.LEGS.size()], at = new long[SimReport.LEGS.size() + 1];
    private final long[] rejectCounts = new long[REASONS.length + 1];
    private long[] captureNs = new long[0];
    private long[] deadlineNs = new long[0];
    private byte[] fate = new byte[0];
    private long lastSequence;
    private long applied;
    private long dropped;
    private long invalidUpdates;
    private long deadlineMisses;
    /** The first late updates (at most {@link SimReport#FIRST_MISSES}). */
    private final List<SimReport.Miss> firstMisses = new ArrayList<>();
    private final List<SimReport.MissSpan> missSpans = new ArrayList<>();
    private long duplicateAnswers;
    private long unknownAnswers;
    private String controllerName = "";
    private boolean acked;
    /** A HelloAck was received on some connection of this run (the send window has started). */
    private boolean everAcked;
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

    /** A session of {@code client}'s radio; the evaluator measures its applied updates. */
    SimSession(SimRadio client, Scenario scenario, SimEvaluator evaluator) {
        this.client = client;
        this.scenario = scenario;
        this.evaluator = evaluator;
        this.n = scenario.antennas();
        this.k = scenario.users();
        this.periodNs = scenario.reportPeriodNs();
        this.budgetNs = scenario.deadlineBudgetNs();
        this.process = ChannelProcess.of(scenario);
        this.csi = new CMatrix(n, k);
        this.subbands = process.subbands();
        this.csiS = new CMatrix[subbands];
        this.offsetHz = new double[subbands];
        csiS[0] = csi;
        for (int b = 1; b < subbands; b++) {
            csiS[b] = new CMatrix(n, k);
        }
        if (subbands > 1) {
            for (int b = 0; b < subbands; b++) {
                offsetHz[b] = process.widebandModel().subbandFrequency(b) - scenario.carrierHz();
            }
        }
        Scatterers radarTargets = evaluator.targets();
        CsiReport.Builder tb = CsiReport.newBuilder()
                .setRadioId(scenario.radioId())
                .setPowerBudgetW(scenario.powerW())
                .setSolver(scenario.solver())
                .putAllParams(scenario.solverParams());
        for (int i = 0; i < radarTargets.count(); i++) {
            tb.addTargets(Target.newBuilder().setAzimuthRad(radarTargets.azimuthRad[i])
                    .setElevationRad(radarTargets.elevationRad[i])
                    .setGainRe(radarTargets.gainRe[i]).setGainIm(radarTargets.gainIm[i]));
        }
        if (subbands == 1) {
            tb.addNoisePowerW(evaluator.noiseW());
        } else {
            tb.setCarrierHz(scenario.carrierHz());
        }
        this.reports = new ReportWriter(tb.build(), n, k, evaluator.noiseW(), offsetHz);
    }

    void listener(AppliedListener l) {
        this.listener = l;
    }

    void reconnect(boolean on) {
        this.reconnect = on;
    }

    /** Before the first connection: the send window and the drain, and the report tables sized for them. */
    void start(long sendForNs, long drainNs) {
        this.sendForNs = sendForNs;
        this.drainNs = drainNs;
        int expected = (int) Math.min(Integer.MAX_VALUE - 64, sendForNs / periodNs + 64);
        captureNs = new long[expected + 1];
        deadlineNs = new long[expected + 1];
        fate = new byte[expected + 1];
    }

    /** A handler for one new connection (the last stage of its pipeline). */
    ChannelHandler newHandler() {
        return new Handler();
    }

    /** The current connection; null between a lost connection and the next. */
    Channel channel() {
        return channel;
    }

    void channel(Channel ch) {
        this.channel = ch;
    }

    /** The run's report, or its failure. */
    CompletableFuture<SimReport> result() {
        return result;
    }

    /**
     * Before a reconnect attempt: true when there is nothing to reconnect for, because the run
     * finished or the send window ended (then the run finishes now).
     */
    boolean reconnectOver() {
        if (finished) {
            return true;
        }
        if (System.nanoTime() - sendEndNs >= 0) {
            sendingDone = true;
            finish(lastLoss + "; the send window ended while reconnecting");
            return true;
        }
        return false;
    }

    private final class Handler extends SimpleChannelInboundHandler<ControllerMessage> {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            connectedNs = System.nanoTime();
            ctx.writeAndFlush(FrontEndMessage.newBuilder().setHello(SimRadio.hello(scenario)).build());
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
        client.connected();
        if (!everAcked) { // a reconnect keeps the run's channel process and send window
            everAcked = true;
            process.start(System.nanoTime());
            sendStartNs = process.timeNs();
            sendEndNs = sendStartNs + sendForNs;
        }
        evaluator.startScorer();
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
     * {@value SimRadio#DISCONNECTED} and a reconnect is scheduled.
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
        client.reconnectLater(ctx.executor());
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
        long seq = lastSequence + 1;
        ensureCapacity(seq);
        CMatrix copy = listener == null ? null : new CMatrix(n, k);
        long deadline = now + budgetNs;
        if (subbands == 1) {
            process.estimate(scenario.csiErrorMu(), csi);
        } else {
            for (int b = 0; b < subbands; b++) {
                process.estimate(b, scenario.csiErrorMu(), csiS[b]);
            }
        }
        int length = reports.write(seq, now, deadline, csiS, copy);
        io.netty.buffer.ByteBuf envelope = ch.alloc().directBuffer(length, length).writeBytes(reports.array(), 0, length);
        lastSequence = seq;
        int idx = (int) seq;
        captureNs[idx] = now;
        deadlineNs[idx] = deadline;
        fate[idx] = PENDING;
        if (copy != null) {
            reportedCsi.put(seq, copy);
        }
        ch.writeAndFlush(envelope, ch.voidPromise()); // the length prefix is added on the way out
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

    /**
     * Splits an applied update's capture → applied time into its legs ({@link #leg}) and records
     * them; false (nothing recorded) without a shared clock or without the controller's stage
     * times, or when they are out of order (a controller on another clock).
     */
    private boolean legs(WeightUpdate u, long captureNs, long appliedNs) {
        if (!scenario.sharedClock() || !u.hasStages()) {
            return false;
        }
        org.isac.proto.v1.StageTimes t = u.getStages();
        at[0] = captureNs;
        at[1] = t.getReceivedNs();
        at[2] = t.getSolveStartNs();
        at[3] = t.getSolveEndNs();
        at[4] = t.getEncodedNs();
        at[5] = appliedNs;
        for (int i = 0; i < leg.length; i++) {
            leg[i] = at[i + 1] - at[i];
            if (leg[i] < 0) {
                return false;
            }
        }
        for (int i = 0; i < leg.length; i++) {
            legs[i].recordValue(Math.min(leg[i], MAX_TRACKED_LATENCY_NS));
        }
        return true;
    }

    /** The legs just split ({@link #legs}) with the medians so far, for a late update. */
    private SimReport.Stages stages(WeightUpdate u) {
        long[] usual = new long[leg.length];
        for (int i = 0; i < leg.length; i++) {
            usual[i] = legs[i].getValueAtPercentile(50);
        }
        return new SimReport.Stages(leg, usual, u.getIterations(), u.getLayersPlanned());
    }

    /** Decodes, applies and measures an update, answers {@code WeightApplied}; an undecodable one is dropped. */
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
        if (!evaluator.decode(u)) {
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
        double achieved = subbands == 1 ? evaluator.apply(h) : evaluator.applyWideband(process);
        long lat = now - captureNs[idx];
        latency.recordValue(Math.max(0, Math.min(lat, MAX_TRACKED_LATENCY_NS)));
        boolean timed = legs(u, captureNs[idx], now);
        if (now - deadlineNs[idx] > 0) {
            deadlineMisses++;
            SimReport.MissSpan span = new SimReport.MissSpan(captureNs[idx], now, now - deadlineNs[idx]);
            if (missSpans.size() < SimReport.MAX_MISS_SPANS) {
                missSpans.add(span);
            }
            if (firstMisses.size() < SimReport.FIRST_MISSES) {
                firstMisses.add(new SimReport.Miss(scenario.radioId(), seq, span.lateNs(), timed ? stages(u) : null, span));
            }
        }
        String solverName = u.getSolver();
        if (!solversSeen.contains(solverName)) {
            solversSeen.add(solverName);
        }
        evaluator.sample(applied, solverName, process, achieved);
        // the ack names the frame applied by its CRC-32C trailer, which the parser checked before
        // the weights were applied (a frame failing it is never applied)
        int crc32c = 0;
        int fl = u.getFpgaFrame().size();
        if (fl >= 4) {
            crc32c = u.getFpgaFrame().substring(fl - 4).asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
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
            listener.applied(seq, reported, h, evaluator.x(), evaluator.noiseW(), achieved);
        }
        finishIfDrained();
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
        long reconnects = client.reconnects();
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
            drops.put(SimRadio.DISCONNECTED, disconnectDrops);
        }
        long window = acked ? Math.max(0, sendEndNs - sendStartNs) : 0;
        SimEvaluator.Totals t = evaluator.totals();
        return new SimReport(List.of(scenario), controllerName, lastSequence, applied, drops, deadlineMisses,
                duplicateAnswers, unknownAnswers, t.powerViolations(), latency, t.achievedSum(), t.achievedAtGenieSum(),
                t.genieSum(), t.zfSum(), t.genieSamples(), t.zfSamples(), t.genieFailures(), solversSeen, window,
                endNs - connectedNs, termination, t.extraSums(), t.extraCounts(), t.subbandRateSums(), firstMisses, missSpans);
    }
}
