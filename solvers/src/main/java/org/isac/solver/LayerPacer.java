package org.isac.solver;

/**
 * Anytime pacing for a solver that runs a sequence of layers (outer iterations), each of
 * which ends on a feasible precoder: before each further layer it says whether that layer
 * and the solver's finishing work still fit in the {@link TimeBudget}. It learns the time of
 * the set-up, of one layer and of the finish per problem shape (exponential averages over
 * the solves of this instance, for up to {@value #SHAPES} shapes; a layer is planned with the
 * larger of its average and the last layer's time, times {@value #SAFETY}), from
 * differences of {@link TimeBudget#remainingNs()}. The first solve of a shape only runs (it
 * pays for class loading, caches and the JIT, so it teaches nothing); a sample more than
 * {@value #OUTLIER}× the average counts as {@value #OUTLIER}× (a pause is not the layer's
 * cost); and every refusal shrinks the estimates by {@value #DECAY}, so a shape whose
 * estimates grew too large is tried again and re-measured.
 *
 * <p>A slow machine slows what follows the solve as well. When this solve's layers have so far
 * taken more than {@value #SAFETY}× the shape's average (at most {@value #OUTLIER}× counted),
 * the check before another layer also keeps back (slowdown − 1) × the budget's
 * {@link TimeBudget#downstreamNs()}: the controller's margin for encoding and sending was
 * measured at normal speed. Scheduler traces on a 2-core virtual machine found late updates
 * whose solve held its CPU throughout yet ran 4–10 layers 1.3–3.4× slower than usual, and whose
 * encode, send and receive were 2–4× slower in the same millisecond; the solve had stopped in
 * time for its own deadline, the work after it had not fit the margin
 * (reports/capacity/PROFILE.md).
 *
 * <p>Use per solve: {@link #begin} (false: not even the set-up, one layer and the finish fit
 * by what this shape has cost before — the report is stale), {@link #setUpDone} after the
 * work before the first layer, {@link #layerDone} after each layer, {@link #finished} at
 * the end. Without a deadline it neither decides nor learns. One
 * instance per solver instance (one thread); allocation-free.
 */
public final class LayerPacer {
    /** Shapes remembered (least recently used one replaced). */
    public static final int SHAPES = 8;
    /** Planning factor on a layer's expected time. */
    public static final double SAFETY = 1.25;
    private static final double ALPHA = 0.25;
    /** Largest sample, as a multiple of the average, that the averages take in. */
    public static final double OUTLIER = 4;
    /** Factor on a shape's estimates after a refusal. */
    public static final double DECAY = 0.8;

    private final long[] keys = new long[SHAPES];
    private final double[] setUp = new double[SHAPES], layer = new double[SHAPES], finish = new double[SHAPES];
    private final long[] used = new long[SHAPES];
    private final int[] solves = new int[SHAPES];
    private long tick;
    private int slot = -1;
    private TimeBudget budget = TimeBudget.UNBOUNDED;
    private boolean bounded;
    /** False during a shape's first solve: it runs, but its times are not learned. */
    private boolean learning;
    private long mark;
    /** Time left at {@link #begin}, ns. */
    private long begun;
    /** The shape's average layer time when this solve began (NaN: not known). */
    private double layerAtBegin;
    /** Layers timed in this solve, and their total time, ns. */
    private int layersTimed;
    private long layersNs;

    public LayerPacer() {
        java.util.Arrays.fill(keys, Long.MIN_VALUE);
    }

    /**
     * Starts a solve of the shape {@code shapeKey} (any long that tells problem sizes and
     * variants apart) under {@code budget}.
     *
     * @return false when the budget is bounded and, by this shape's past solves, not even the
     *     set-up, one layer and the finish fit
     */
    public boolean begin(TimeBudget budget, long shapeKey) {
        this.budget = budget == null ? TimeBudget.UNBOUNDED : budget;
        mark = this.budget.remainingNs();
        begun = mark;
        bounded = mark != Long.MAX_VALUE;
        slot = slotFor(shapeKey);
        layerAtBegin = layer[slot];
        layersTimed = 0;
        layersNs = 0;
        if (!bounded) {
            return true;
        }
        learning = solves[slot]++ > 0;
        if (Double.isNaN(layer[slot])) {
            return true;
        }
        if (mark >= setUp[slot] + SAFETY * layer[slot] + finish[slot]) {
            return true;
        }
        setUp[slot] *= DECAY;
        layer[slot] *= DECAY;
        finish[slot] *= DECAY;
        return false;
    }

    /**
     * {@link #begin} for a solve into {@code out}: records the layers planned, and when not even
     * one layer fits marks {@code out} out of time (and stopped early).
     *
     * @return false when the solver must return at once
     */
    public boolean begin(Problem problem, long shapeKey, Precoder out, int layersPlanned) {
        out.layersPlanned = layersPlanned;
        if (begin(problem.budget, shapeKey)) {
            return true;
        }
        out.outOfTime = true;
        out.earlyStop = true;
        return false;
    }

    /**
     * How many of {@code planned} layers fit the time left at {@link #begin} by this shape's
     * estimates (set-up, finish, and each layer times {@value #SAFETY}); {@code planned} without
     * a deadline or before the shape's times are known.
     */
    public int layersFitting(int planned) {
        if (!bounded || Double.isNaN(layer[slot]) || Double.isNaN(setUp[slot]) || Double.isNaN(finish[slot])) {
            return planned;
        }
        double perLayer = Math.max(1, SAFETY * layer[slot]);
        double fit = Math.floor((begun - setUp[slot] - finish[slot]) / perLayer);
        return (int) Math.max(0, Math.min(planned, fit));
    }

    /** The current shape's slot, in [0, {@value #SHAPES}): lets a solver keep per-shape state beside the pacer's. */
    public int slot() {
        return slot;
    }

    /** True when the current solve has a deadline. */
    public boolean bounded() {
        return bounded;
    }

    /** The work before the first layer is done (timed). */
    public void setUpDone() {
        if (bounded) {
            setUp[slot] = average(setUp[slot], lap());
        }
    }

    /** Folds a sample into an average (not during a shape's first solve; outliers clamped). */
    private double average(double old, long sample) {
        if (!learning) {
            return old;
        }
        if (Double.isNaN(old)) {
            return sample;
        }
        return old + ALPHA * (Math.min(sample, OUTLIER * old) - old);
    }

    /**
     * A layer is done (timed); returns true when another layer and the finish still fit (always
     * true without a deadline).
     */
    public boolean anotherLayerFits() {
        if (!bounded) {
            return true;
        }
        long t = lap();
        layer[slot] = average(layer[slot], t);
        layersTimed++;
        layersNs += t;
        double expected = Double.isNaN(layer[slot]) ? t : Math.max(layer[slot], Math.min(t, OUTLIER * layer[slot]));
        return mark - slowDownstreamNs() >= SAFETY * expected + (Double.isNaN(finish[slot]) ? 0 : finish[slot]);
    }

    /**
     * How much longer than the budget's margin the work after the solve may take, judging by how
     * much slower than the shape's average this solve's layers ran: (slowdown − 1) × the
     * budget's {@link TimeBudget#downstreamNs()} when the slowdown exceeds {@value #SAFETY}
     * (counted up to {@value #OUTLIER}), else 0.
     */
    long slowDownstreamNs() {
        long downstream = budget.downstreamNs();
        if (downstream <= 0 || layersTimed == 0 || !(layerAtBegin > 0)) {
            return 0;
        }
        double slowdown = Math.min(OUTLIER, layersNs / (layersTimed * layerAtBegin));
        return slowdown > SAFETY ? (long) ((slowdown - 1) * downstream) : 0;
    }

    /** The last layer is done (timed, without a decision). */
    public void lastLayerDone() {
        if (bounded) {
            layer[slot] = average(layer[slot], lap());
        }
    }

    /**
     * Layer {@code done} of {@code planned} is done: {@link #lastLayerDone} for the last one,
     * else {@link #anotherLayerFits}. Returns false when the solver must stop now.
     */
    public boolean layerDone(int done, int planned) {
        if (done >= planned) {
            lastLayerDone();
            return true;
        }
        return anotherLayerFits();
    }

    /** A shape key from up to four sizes or variants (each below 2^16), for {@link #begin}. */
    public static long shapeKey(int a, int b, int c, int d) {
        return ((long) (a & 0xFFFF) << 48) | ((long) (b & 0xFFFF) << 32) | ((long) (c & 0xFFFF) << 16) | (d & 0xFFFF);
    }

    /** The solver's work after its last layer is done (timed). */
    public void finished() {
        if (bounded) {
            finish[slot] = average(finish[slot], lap());
        }
    }

    /** This shape's average layer time in ns (NaN before the first). */
    public double layerNs(long shapeKey) {
        for (int i = 0; i < SHAPES; i++) {
            if (keys[i] == shapeKey) {
                return layer[i];
            }
        }
        return Double.NaN;
    }

    /** Nanoseconds since the last mark, and a new mark (bounded budgets only). */
    private long lap() {
        long now = budget.remainingNs();
        long t = Math.max(0, mark - now);
        mark = now;
        return t;
    }

    private int slotFor(long key) {
        tick++;
        int victim = 0;
        for (int i = 0; i < SHAPES; i++) {
            if (keys[i] == key) {
                used[i] = tick;
                return i;
            }
            if (used[i] < used[victim]) {
                victim = i;
            }
        }
        keys[victim] = key;
        used[victim] = tick;
        solves[victim] = 0;
        setUp[victim] = Double.NaN;
        layer[victim] = Double.NaN;
        finish[victim] = Double.NaN;
        return victim;
    }
}
