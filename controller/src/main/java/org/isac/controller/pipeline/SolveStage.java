package org.isac.controller.pipeline;

import com.lmax.disruptor.EventHandler;
import java.util.HashMap;
import java.util.function.LongSupplier;
import org.isac.controller.ControllerConfig;
import org.isac.controller.metrics.ControllerMetrics;
import org.isac.proto.v1.Reject;
import org.isac.solver.Precoder;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.SubbandLoop;
import org.isac.solver.TimeBudget;

/**
 * Handler of one solve shard's ring (every event on it is the shard's): drops superseded and
 * stale reports, runs the named solver under the report's deadline less the encode margin, or
 * the controller's solve ceiling when the report has none (anytime solvers stop between
 * layers; one that cannot fit a single layer makes the report {@code STALE}); whatever the
 * solver throws, {@code Error}s included, the report is answered ({@code SOLVER_FAILED}). A
 * wideband report (S &gt; 1) goes to a {@link Solver#wideband()} solver once; a narrowband
 * solver gets it through a {@link SubbandLoop} (digital: each subband solved alone, the time
 * shared out; hybrid: refused with {@code BAD_PARAMETER} naming the wideband hybrid solver).
 * Then hands the event to its own {@link EncodeStage}
 * on the same thread. Owns its solver instances (one per name, made
 * on first use), so no workspace is shared between threads. Allocation-free after warm-up.
 */
final class SolveStage implements EventHandler<SolveEvent> {
    private final LongSupplier clock;
    private final ControllerMetrics metrics;
    private final HashMap<String, Solver> solvers = new HashMap<>();
    private final EncodeStage encode;
    /** Fixed encode margin in ns, or {@link ControllerConfig#AUTO_ENCODE_MARGIN}. */
    private final long encodeMarginNs;
    private final Budget budget = new Budget();
    /** Wideband reports for narrowband solvers. */
    private final SubbandLoop subbands = new SubbandLoop();
    /** Solve time of a report without a deadline ({@link org.isac.controller.Limits#maxSolveMillis}). */
    private final long maxSolveNs;

    SolveStage(LongSupplier clock, ControllerMetrics metrics, EncodeStage encode, long encodeMarginNs, long maxSolveNs) {
        this.maxSolveNs = maxSolveNs;
        this.clock = clock;
        this.metrics = metrics;
        this.encode = encode;
        this.encodeMarginNs = encodeMarginNs;
    }

    /** The report's deadline less the encode margin, on the controller clock; reused for every event. */
    private final class Budget implements TimeBudget {
        long deadlineNs;
        /**
         * The margin kept after {@link #deadlineNs} when it was measured (encode, send, the radio's
         * receive at the machine's usual speed); 0 without a deadline, for a configured margin and
         * for the half budget kept before the acks have measured one (scaling that by a slow
         * solve's slowdown would keep back seconds).
         */
        long marginNs;

        @Override
        public long remainingNs() {
            return deadlineNs - clock.getAsLong();
        }

        @Override
        public long downstreamNs() {
            return marginNs;
        }
    }

    @Override
    public void onEvent(SolveEvent e, long sequence, boolean endOfBatch) {
        if (e.primed != null) {
            adopt(e);
            return;
        }
        if (e.outcome == null) {
            try {
                solve(e);
            } catch (Throwable ex) {
                metrics.increment(ControllerMetrics.Counter.INTERNAL_ERRORS);
                e.outcome = Reject.Reason.SOLVER_FAILED;
                e.detail = "solve stage: " + ex;
            }
        }
        encode.onEvent(e, sequence, endOfBatch);
    }

    /**
     * A primer (no report, no answer, not counted), one per hello: keeps its solver instance,
     * sized for the radio that just said hello, unless this shard already has one of that name
     * (so the radio's first report does not pay for a new instance's workspace: it ran out of
     * time after 0 layers, ≈ 0.4 ms, on a default demo's first report before), and has the
     * encode stage make the session's encoder state and frame buffers ({@link EncodeStage#prepare}).
     */
    private void adopt(SolveEvent e) {
        java.util.concurrent.CompletableFuture<Object> done = e.primed;
        try {
            if (e.adopt != null && e.solver != null) {
                solvers.putIfAbsent(e.solver, e.adopt);
            }
            if (e.session != null) {
                encode.prepare(e.session);
            }
        } catch (RuntimeException ex) {
            // a preparation that failed leaves the first update to make it; the hello is answered all the same
            metrics.increment(ControllerMetrics.Counter.INTERNAL_ERRORS);
        } finally {
            e.primed = null;
            e.adopt = null;
            e.solver = null;
            e.session = null;
            e.radioId = null;
            done.complete(null);
        }
    }

    /** Whether this shard holds an instance of {@code solver} (tests; read after a primer's future completed). */
    boolean holds(String solver) {
        return solvers.containsKey(solver);
    }

    private void solve(SolveEvent e) {
        long nowNs = clock.getAsLong();
        e.solveStartNs = nowNs;
        metrics.record(ControllerMetrics.Stage.QUEUE_WAIT, nowNs - e.receivedNs);
        if (Long.compareUnsigned(e.sequence, e.session.latestSequence()) < 0) {
            e.outcome = Reject.Reason.SUPERSEDED;
            return;
        }
        if (e.hasDeadline && e.deadlineNs - nowNs < 0) {
            e.outcome = Reject.Reason.STALE;
            return;
        }
        Solver solver = solvers.get(e.solver);
        if (solver == null) {
            solver = create(e);
            if (solver == null) {
                return;
            }
        }
        if (e.hasDeadline) {
            budget.deadlineNs = e.deadlineNs - margin(e);
        } else {
            // no deadline: the controller's ceiling, so that no report holds the shard for long
            budget.marginNs = 0;
            budget.deadlineNs = nowNs + maxSolveNs;
        }
        e.problem.budget = budget;
        try {
            // S > 1 with a narrowband solver: subband by subband (digital) or refused (hybrid)
            subbands.solve(solver, e.problem, e.precoder);
            Precoder out = e.precoder;
            if (out.layersPlanned > 0 && !out.outOfTime) {
                metrics.recordLayers(e.solver, out.iterations, out.deadlineStop);
            }
            if (out.outOfTime) {
                e.outcome = Reject.Reason.STALE;
                e.detail = e.solver + (e.hasDeadline ? ": not even one layer fits before the deadline"
                        : ": not even one layer fits in the controller's solve ceiling of " + maxSolveNs / 1_000_000 + " ms");
            }
        } catch (SubbandLoop.HybridNotWideband ex) {
            e.outcome = Reject.Reason.BAD_PARAMETER;
            e.detail = ex.getMessage();
        } catch (Throwable ex) { // Errors too: the report is answered and the shard keeps serving
            e.outcome = Reject.Reason.SOLVER_FAILED;
            e.detail = e.solver + ": " + ex;
        }
        e.problem.budget = TimeBudget.UNBOUNDED;
        e.solveEndNs = clock.getAsLong();
        metrics.record(ControllerMetrics.Stage.SOLVE, e.solveEndNs - nowNs);
    }

    /**
     * Time kept free after the solve: the configured margin, or (automatic) what this radio's
     * updates measured from solve end to applied at p99.9 when its acks tell (shared clock; half
     * the budget until the first window of acks is in), else the encode stage's p90; plus
     * {@link ControllerConfig#ENCODE_MARGIN_FLOOR_NS}; at most half the report's budget. Sets the
     * budget's {@code marginNs} to it when it was measured (acks or the encode stage), else to 0.
     */
    private long margin(SolveEvent e) {
        budget.marginNs = 0;
        if (encodeMarginNs >= 0) {
            return encodeMarginNs;
        }
        // never more than half the report's budget: a margin measured in a bad spell must not
        // refuse every report, or no update is applied and nothing measures it again
        long half = Math.max(0, (e.deadlineNs - e.receivedNs) / 2);
        long downlink = e.session.downlinkMarginNs();
        if (downlink == 0 && e.session.sharesClock()) {
            return half; // its acks will measure the downlink soon; until then, err on the safe side
        }
        long m = Math.min(downlink > 0 ? downlink + ControllerConfig.ENCODE_MARGIN_FLOOR_NS : encode.autoMarginNs(), half);
        budget.marginNs = m;
        return m;
    }

    private Solver create(SolveEvent e) {
        try {
            Solver s = SolverRegistry.create(e.solver);
            solvers.put(e.solver, s);
            return s;
        } catch (RuntimeException ex) {
            e.outcome = Reject.Reason.UNKNOWN_SOLVER;
            e.detail = ex.getMessage();
            return null;
        }
    }
}
