package org.isac.controller.pipeline;

import com.lmax.disruptor.EventTranslatorTwoArg;
import org.isac.controller.CsiMapping;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.Reject;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;

/**
 * One preallocated ring slot: the report copied into a reusable {@link Problem}, its
 * identity and timing, the solver to run, the session to answer, and a reusable
 * {@link Precoder} for the result. {@code outcome} stays null while the report is on track
 * for an update; a stage that refuses it sets the reject reason and {@code detail}.
 */
public final class SolveEvent {
    final Problem problem = new Problem();
    final Precoder precoder = new Precoder();
    PipelineSession session;
    String radioId;
    String solver;
    long sequence;
    long captureNs;
    long receivedNs;
    /** Local deadline on the controller clock (valid when {@code hasDeadline}). */
    long deadlineNs;
    boolean hasDeadline;
    long solveStartNs;
    long solveEndNs;
    Reject.Reason outcome;
    String detail;
    /**
     * Not null on a primer event, which carries no report: the future to complete when the
     * shard has seen it. The event's session is the one that just said hello (its encoder state
     * is made then); {@code adopt}, when not null, is a solver instance of {@code solver} already
     * sized on a warm thread, for the shard to keep if it has none ({@link SolveStage}).
     */
    java.util.concurrent.CompletableFuture<Object> primed;
    org.isac.solver.Solver adopt;

    /** Makes a claimed slot a primer: the session, the warmed instance of its solver (or null), the future to complete. */
    static final com.lmax.disruptor.EventTranslatorThreeArg<SolveEvent, PipelineSession, org.isac.solver.Solver,
            java.util.concurrent.CompletableFuture<Object>> PRIMER = (e, seq, session, instance, done) -> {
                e.session = session;
                e.radioId = session.radioId();
                e.solver = session.defaultSolver();
                e.adopt = instance;
                e.primed = done;
                e.outcome = null;
                e.detail = null;
            };

    /** Copies a report into a claimed slot; static, captures nothing. */
    static final EventTranslatorTwoArg<SolveEvent, PipelineSession, CsiReport> TRANSLATOR = SolveEvent::translate;

    private static void translate(SolveEvent e, long ringSequence, PipelineSession s, CsiReport r) {
        e.session = s;
        e.radioId = s.radioId();
        e.solver = r.getSolver().isEmpty() ? s.defaultSolver() : r.getSolver();
        e.sequence = r.getSequence();
        e.captureNs = r.getCaptureNs();
        e.receivedNs = s.receivedNs();
        e.hasDeadline = r.getDeadlineNs() != 0;
        e.deadlineNs = localDeadlineNs(s.hello().getSharedClock(), r.getCaptureNs(), r.getDeadlineNs(), e.receivedNs);
        e.solveStartNs = 0;
        e.solveEndNs = 0;
        e.outcome = null;
        e.detail = null;
        try {
            CsiMapping.toProblem(r, s.hello(), e.problem);
        } catch (RuntimeException ex) {
            // Validation should make this unreachable; the slot is published either way.
            e.outcome = Reject.Reason.BAD_PARAMETER;
            e.detail = "report could not be mapped: " + ex.getMessage();
        }
        // Newest accepted sequence for this radio: older slots still queued are superseded.
        s.markLatest(r.getSequence());
        s.metrics().increment(org.isac.controller.metrics.ControllerMetrics.Counter.ACCEPTED);
    }

    /**
     * The report's deadline on the controller clock: with a shared clock the report's
     * {@code deadline_ns} as is; otherwise the report's budget ({@code deadline_ns − capture_ns})
     * counted from receipt.
     */
    public static long localDeadlineNs(boolean sharedClock, long captureNs, long deadlineNs, long receivedNs) {
        return sharedClock ? deadlineNs : receivedNs + (deadlineNs - captureNs);
    }

    /**
     * Entries a ring slot's matrices keep between events (N·K = 2048, e.g. N = 256, K = 8):
     * buffers an outsized report grew are given back when its event is done, so a burst of
     * large reports does not pin ring size × their size. A wideband slot keeps
     * {@code SLOT_KEEP_ENTRIES / S} per subband (its subbands are trimmed before S is reset).
     */
    static final int SLOT_KEEP_ENTRIES = 2048;

    void clear() {
        session = null;
        radioId = null;
        solver = null;
        outcome = null;
        detail = null;
        // a wideband report's subbands share the slot's allowance
        int s = problem.subbands();
        int keep = SLOT_KEEP_ENTRIES / s;
        for (int b = 0; b < s; b++) {
            problem.channel(b).trim(keep);
        }
        int sp = precoder.subbands();
        int keepOut = SLOT_KEEP_ENTRIES / sp;
        for (int b = 1; b < sp; b++) {
            precoder.baseband(b).trim(keepOut);
        }
        precoder.analog.trim(SLOT_KEEP_ENTRIES);
        precoder.baseband.trim(keepOut);
        precoder.receive.trim(SLOT_KEEP_ENTRIES);
    }

    /** Entries held by this slot's matrices (tests). */
    long heldEntries() {
        long held = (long) problem.channel.capacity() + precoder.analog.capacity() + precoder.baseband.capacity()
                + precoder.receive.capacity();
        for (int b = 1; b < problem.subbands(); b++) {
            held += problem.channel(b).capacity();
        }
        for (int b = 1; b < precoder.subbands(); b++) {
            held += precoder.baseband(b).capacity();
        }
        return held;
    }
}
