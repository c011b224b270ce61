package org.isac.solver;

/**
 * Solves a wideband problem (S &gt; 1 subbands) with a narrowband digital solver, one subband
 * at a time: subband s is solved as the narrowband problem it is (its channel H_s, noise σ²_s
 * and frequency ratio as subband 0; budget P_t, per-antenna flag, arrays, targets, clutter
 * and parameters as the wideband problem's) and its answer becomes {@link Precoder#baseband(int)}.
 * So every subband gets exactly the answer the solver gives that narrowband problem, bit for bit;
 * the power budget P_t applies to each subband's ‖X_s‖²_F. A problem with S = 1 is passed to
 * the solver as it is.
 *
 * <p>Combined outputs: {@code iterations} and {@code layersPlanned} are the <b>sums</b> over
 * subbands (total work, so {@code iterations < layersPlanned} still means some layers were
 * cut); {@code earlyStop}, {@code deadlineStop} and {@code outOfTime} are true when any subband's
 * is; {@code predicted} holds each metric's <b>mean</b> over subbands (for rates, the
 * spectral efficiency of equally wide subbands); {@code receive} is subband 0's (the update
 * carries one set of radar receive filters).
 *
 * <p>Time: with a deadline, subband s may use an equal share of the time left when it starts,
 * {@code remaining / (S − s)}, so time an early subband leaves unused passes to the later ones;
 * without one every subband runs unbounded.
 *
 * <p>A narrowband solver whose answer is hybrid (an analog F) cannot serve S &gt; 1: the phase
 * shifters are one set for the whole band, and solving each subband alone gives S different F.
 * The loop refuses such a problem after subband 0 with {@link HybridNotWideband}, naming the
 * wideband hybrid solver {@value #WIDEBAND_HYBRID}.
 *
 * <p>One instance per thread; allocation-free after warm-up at a given size (beyond what the
 * solver itself allocates).
 */
public final class SubbandLoop {
    /** The wideband hybrid solver that shares one F across subbands. */
    public static final String WIDEBAND_HYBRID = "hybrid-upga-wb";

    /** Thrown when a narrowband hybrid solver is asked for S &gt; 1 subbands. */
    public static final class HybridNotWideband extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        HybridNotWideband(String solver, int subbands) {
            super(solver + " is a narrowband hybrid solver: its phase shifters F would differ per subband, but one F "
                    + "serves all " + subbands + " subbands; use " + WIDEBAND_HYBRID + " for wideband reports "
                    + "(or a digital solver)");
        }
    }

    private final Problem one = new Problem();
    private final Precoder part = new Precoder();
    private final Params sums = new Params();
    /** The outer budget less the time reserved for the subbands still to come. */
    private final SubbandShare slice = new SubbandShare();

    /**
     * Solves {@code p} with {@code solver} into {@code out}: directly when the solver is
     * {@link Solver#wideband()} or S = 1, else subband by subband (see the class comment).
     *
     * @throws HybridNotWideband when S &gt; 1 and the solver's answer is hybrid
     */
    public void solve(Solver solver, Problem p, Precoder out) {
        int subbands = p.subbands();
        if (subbands == 1 || solver.wideband()) {
            solver.solve(p, out);
            return;
        }
        copyShared(p);
        TimeBudget outer = p.budget;
        slice.whole(outer);
        one.budget = outer == TimeBudget.UNBOUNDED ? TimeBudget.UNBOUNDED : slice;
        out.reset();
        out.setSubbands(subbands);
        int iterations = 0;
        int planned = 0;
        boolean early = false;
        boolean deadline = false;
        boolean late = false;
        sums.clear();
        for (int s = 0; s < subbands; s++) {
            one.copySubbandFrom(p, s);
            slice.start(subbands - s);
            solver.solve(one, part);
            if (part.isHybrid()) {
                throw new HybridNotWideband(solver.name(), subbands);
            }
            out.baseband(s).copyFrom(part.baseband);
            if (s == 0) {
                out.receive.copyFrom(part.receive);
            }
            iterations += part.iterations;
            planned += part.layersPlanned;
            early |= part.earlyStop;
            deadline |= part.deadlineStop;
            late |= part.outOfTime;
            Params pr = part.predicted;
            for (int i = 0; i < pr.size(); i++) {
                String key = pr.key(i);
                sums.put(key, sums.get(key, 0.0) + pr.value(i));
            }
        }
        out.analog.reshape(0, 0);
        out.iterations = iterations;
        out.layersPlanned = planned;
        out.earlyStop = early;
        out.deadlineStop = deadline;
        out.outOfTime = late;
        out.predicted.clear();
        for (int i = 0; i < sums.size(); i++) {
            out.predicted.put(sums.key(i), sums.value(i) / subbands);
        }
        one.budget = TimeBudget.UNBOUNDED;
        slice.whole(TimeBudget.UNBOUNDED);
    }

    /** Everything but the channel and noise, once per wideband solve. */
    private void copyShared(Problem p) {
        one.setSubbands(1);
        one.copySettingsFrom(p);
    }

    /**
     * Subband s of {@code p} as a narrowband problem in {@code out} (what this loop hands the
     * solver for subband s, budget aside): for tests and tools that compare against it.
     */
    public static Problem narrowband(Problem p, int s, Problem out) {
        out.setSubbands(1);
        out.copySettingsFrom(p);
        out.budget = p.budget;
        out.copySubbandFrom(p, s);
        return out;
    }
}
