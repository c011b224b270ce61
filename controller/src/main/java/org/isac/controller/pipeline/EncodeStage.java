package org.isac.controller.pipeline;

import com.lmax.disruptor.EventHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.function.LongSupplier;
import org.isac.controller.ControllerConfig;
import org.isac.controller.Rejection;
import org.isac.controller.metrics.ControllerMetrics;
import org.isac.controller.metrics.ControllerMetrics.Counter;
import org.isac.proto.v1.Reject;

/**
 * Runs on a solve shard's thread after the solve: guards the solution (finite, right shape, ‖X‖²_F ≤ P_t·(1 + 1e-6)
 * with X = F·W for hybrid), writes the {@code WeightUpdate} frame in wire form ({@link UpdateWriter},
 * no message is built; or builds the {@code Reject} for a refused report), counts the outcome
 * and hands the frame, in a reused direct buffer ({@link FrameBuffers}), to the session's channel,
 * which writes and flushes it on its event loop: one task per answer ({@code writeAndFlush}; a
 * separate flush from this thread was a second task, and its first use on each new channel made
 * C2 throw away the compiled flush path, {@code getInvokeTasks} {@code unstable_if}, so that
 * a new session's first hand-offs to the socket took 0.1–0.5 ms). A channel that
 * is closed or above its high water mark gets nothing more: the update is counted unsent.
 * An update is allocation-free after warm-up ({@code AllocationEndToEndTest}).
 *
 * <p>Every event gets exactly one answer: the guard runs again on the float weights that are
 * written ({@link WeightGuard#checkSent(String, org.isac.solver.Problem, org.isac.solver.Precoder)}),
 * and whatever this stage throws, {@code Error}s included, the
 * report is answered with a {@code Reject} ({@code SOLVER_FAILED}, "internal error") unless
 * its answer already left, and counted in {@code INTERNAL_ERRORS}.
 */
final class EncodeStage implements EventHandler<SolveEvent> {
    /** Relative slack of the power guard. */
    static final double POWER_TOLERANCE = WeightGuard.POWER_TOLERANCE;

    private final LongSupplier clock;
    private final ControllerMetrics metrics;
    private final WeightEncoder encoder;
    private final WeightGuard guard = new WeightGuard();
    /** Radios whose sessions ended, for the encoder to forget on this stage's thread. */
    private final java.util.concurrent.ConcurrentLinkedQueue<String> ended = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** The current event's answer was handed to its channel. */
    private boolean answered;
    /** The encoder's frame and predicted entries for the current update. */
    private final HardwareForm hardware = new HardwareForm();
    private final UpdateWriter writer = new UpdateWriter();
    /** Reused direct buffers the frames are copied into for the channel. */
    private final FrameBuffers frames = new FrameBuffers();
    private final UpdateWriter.Stages stages = new UpdateWriter.Stages();
    /** Encode times (guard + update + frame) since the last margin update. */
    private final org.HdrHistogram.Histogram encodeTimes = new org.HdrHistogram.Histogram(ControllerMetrics.MAX_TRACKABLE_NS, 2);
    /** The measured encode time at {@link #MARGIN_PERCENTILE} plus the floor; read by the solve stage on the same thread. */
    private long autoMarginNs = INITIAL_MARGIN_NS;

    /** Margin before the first {@value #MARGIN_WINDOW} encodes are measured. */
    static final long INITIAL_MARGIN_NS = 100_000 + ControllerConfig.ENCODE_MARGIN_FLOOR_NS;
    /** Encodes per margin update. */
    static final int MARGIN_WINDOW = 256;
    /**
     * Percentile of the encode time the automatic margin covers. Not the p99: on a loaded
     * 2-core machine the encode p99 measured 0.7–3.4 ms, nearly all of it time spent preempted,
     * and a margin that size leaves a 1 ms budget no time to solve.
     */
    static final double MARGIN_PERCENTILE = 90;

    EncodeStage(LongSupplier clock, ControllerMetrics metrics, WeightEncoder encoder) {
        this.clock = clock;
        this.metrics = metrics;
        this.encoder = encoder;
    }

    @Override
    public void onEvent(SolveEvent e, long sequence, boolean endOfBatch) {
        forgetEnded();
        answered = false;
        try {
            handle(e);
        } catch (Throwable ex) {
            metrics.increment(Counter.INTERNAL_ERRORS);
            answerFailure(e, ex);
        } finally {
            metrics.increment(Counter.COMPLETED);
            e.clear();
        }
    }

    private void handle(SolveEvent e) {
        if (e.outcome == null) {
            guard(e);
        }
        PipelineSession s = e.session;
        Channel ch = s.channel();
        if (e.outcome == null) {
            if (!ch.isActive()) {
                metrics.increment(Counter.SOLVED);
                metrics.increment(Counter.UNSENT_CLOSED);
                return;
            }
            if (!ch.isWritable()) {
                metrics.increment(Counter.SOLVED);
                metrics.increment(Counter.UNSENT_BACKPRESSURE);
                return;
            }
            // the hardware form first, as WeightUpdates.fill does: the frame encoder's state moves on even if the guard refuses
            hardware.clear();
            encoder.encode(s.hello(), e.problem, e.precoder, e.sequence, hardware);
            if (!guard.checkSent(e.solver, e.problem, e.precoder)) {
                e.outcome = guard.reason();
                e.detail = guard.detail();
                reject(e, s, ch);
                return;
            }
            metrics.increment(Counter.SOLVED);
            long encodedNs = clock.getAsLong();
            stages.receivedNs = e.receivedNs;
            stages.solveStartNs = e.solveStartNs;
            stages.solveEndNs = e.solveEndNs;
            stages.encodedNs = encodedNs;
            metrics.record(ControllerMetrics.Stage.ENCODE, encodedNs - e.solveEndNs);
            learnMargin(encodedNs - e.solveEndNs);
            // the float weights written are those the guard just checked
            int length = writer.write(e.radioId, e.sequence, e.solver, guard.sent(), e.precoder, hardware, e.captureNs,
                    e.solveEndNs - e.solveStartNs, stages);
            // the frame's CRC-32C trailer as written (its last 4 bytes, little-endian), which the radio's ack echoes
            long crc = -1;
            if (writer.frameOffset() >= 0 && hardware.frameLength() >= 4) {
                byte[] w = writer.array();
                int t = writer.frameOffset() + hardware.frameLength() - 4;
                crc = (w[t] & 0xFFL) | (w[t + 1] & 0xFFL) << 8 | (w[t + 2] & 0xFFL) << 16 | (w[t + 3] & 0xFFL) << 24;
            }
            ByteBuf frame = frames.take(length);
            frame.writeBytes(writer.array(), 0, length);
            // noted before the write: once written, any flush on the event loop may send it and the
            // radio's ack may arrive before this thread runs again; an ack for an unnoted update is ignored
            s.noteSent(e.sequence, e.solveEndNs, crc, e.hasDeadline ? e.deadlineNs : 0);
            write(s, EncodedUpdate.of(frame, e.receivedNs, encodedNs));
            metrics.increment(Counter.SENT);
            s.count(ControllerMetrics.RADIO_UPDATES);
            return;
        }
        reject(e, s, ch);
    }

    /** Counts and sends the Reject of a refused report. */
    private void reject(SolveEvent e, PipelineSession s, Channel ch) {
        Reject.Reason reason = e.outcome;
        s.count(ControllerMetrics.RADIO_REJECTS);
        if (reason == Reject.Reason.SUPERSEDED) {
            metrics.increment(Counter.SUPERSEDED);
            metrics.rejectOther(reason);
        } else if (reason == Reject.Reason.STALE) {
            metrics.increment(Counter.STALE);
            metrics.rejectOther(reason);
        } else {
            if (reason == Reject.Reason.POWER_GUARD) {
                metrics.increment(Counter.POWER_GUARD);
            }
            metrics.rejectReport(reason);
        }
        if (ch.isActive() && ch.isWritable()) {
            write(s, Rejection.message(reason, e.detail, e.radioId, e.sequence));
        }
    }

    /**
     * The margin an anytime solve keeps before its deadline for this stage: the p90 of the last
     * {@value #MARGIN_WINDOW} encode times plus {@link ControllerConfig#ENCODE_MARGIN_FLOOR_NS}.
     */
    long autoMarginNs() {
        return autoMarginNs;
    }

    private void learnMargin(long ns) {
        encodeTimes.recordValue(Math.max(0, Math.min(ns, ControllerMetrics.MAX_TRACKABLE_NS)));
        if (encodeTimes.getTotalCount() >= MARGIN_WINDOW) {
            autoMarginNs = encodeTimes.getValueAtPercentile(MARGIN_PERCENTILE) + ControllerConfig.ENCODE_MARGIN_FLOOR_NS;
            encodeTimes.reset();
        }
    }

    /** Sets {@code e.outcome} when the solution must not be sent. */
    private void guard(SolveEvent e) {
        if (!guard.check(e.solver, e.problem, e.precoder)) {
            e.outcome = guard.reason();
            e.detail = guard.detail();
        }
    }

    /**
     * After {@code ex} escaped {@link #handle}: the report's Reject (SOLVER_FAILED, internal
     * error), unless its answer was already written. Never throws.
     */
    private void answerFailure(SolveEvent e, Throwable ex) {
        if (answered || e.session == null) {
            return;
        }
        try {
            metrics.rejectReport(Reject.Reason.SOLVER_FAILED);
            Channel ch = e.session.channel();
            if (ch.isActive() && ch.isWritable()) {
                write(e.session, Rejection.message(Reject.Reason.SOLVER_FAILED, "internal error in the encode stage: "
                        + ex.getClass().getSimpleName(), e.radioId, e.sequence));
            }
        } catch (Throwable again) {
            // nothing more can be done for this report; it stays counted as an internal error
        }
    }

    /** Hands {@code m} (a {@code ControllerMessage} or an {@link EncodedUpdate}) to the session's channel, to be written and flushed. */
    private void write(PipelineSession s, Object m) {
        answered = true;
        Channel ch = s.channel();
        ch.writeAndFlush(m, ch.voidPromise());
    }

    private void forgetEnded() {
        for (String id; (id = ended.poll()) != null; ) {
            encoder.forget(id);
        }
    }

    /**
     * On this stage's thread, when a session's primer event arrives (after its hello, before its
     * first report): makes what the session's first update would otherwise make on the report
     * path — the encoder's state for the radio ({@link WeightEncoder#prepare}) and
     * {@value #PRIMED_FRAMES} frame buffers. On the first update of a default demo's new controller
     * these took ≈ 0.1 ms each. Sessions that ended are forgotten first, so that the new
     * session's state is not dropped with its predecessor's; a session whose connection has
     * already closed gets nothing (its end may have been forgotten before this runs, and a peer
     * that says hello and leaves, under ever new radio ids, would otherwise leave encoders behind).
     */
    void prepare(PipelineSession s) {
        forgetEnded();
        Channel ch = s.channel();
        if (ch != null && !ch.isActive()) {
            return;
        }
        encoder.prepare(s.hello());
        frames.reserve(PRIMED_FRAMES, 0);
    }

    /** Frame buffers a session's primer makes sure of: the updates a radio has in flight at once, and some. */
    static final int PRIMED_FRAMES = 4;

    /** Frame buffers held (tests). */
    int framesHeld() {
        return frames.size();
    }

    /**
     * Any thread: the radio's session ended; its encoder state (and last good frame) is dropped
     * before this stage's next event, so a new session of the same id starts afresh.
     */
    void forget(String radioId) {
        ended.add(radioId);
    }
}
