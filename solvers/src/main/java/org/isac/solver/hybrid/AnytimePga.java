package org.isac.solver.hybrid;

import org.isac.solver.LayerPacer;
import org.isac.solver.linalg.CMatrix;

/**
 * Runs the outer layers of an initialised {@link HybridPga} (double) or of a bound
 * {@link FloatPga} (float, finished in double) under a {@link org.isac.solver.TimeBudget}: between layers the
 * {@link LayerPacer} decides whether the next one still fits, and an early stop returns the
 * current iterate made feasible by the last layer's projections (eq. (10) unit modulus on F,
 * eq. (12) power on W). The first layers of a trained model may lower R − ωτ below the
 * eq. (26) start (they take large steps), so an early stop keeps whichever of the start and
 * the current iterate scores higher.
 *
 * <p>Break-even: it also learns, per shape, what L layers gain over the start (an average of
 * (objective after L − objective of the start) / |objective of the start| over the early stops
 * after L layers). When the layers that fit the budget are known to lose to the start
 * ({@value #MIN_SAMPLES} samples, average gain ≤ 0), it answers with the start at once instead
 * of spending the time on layers it would throw away, and every {@value #EXPLORE}th such solve
 * runs them anyway to keep the average current. Allocation-free after the first solve at a size.
 */
final class AnytimePga {
    /** Early stops after L layers needed before their average gain decides. */
    static final int MIN_SAMPLES = 8;
    /** One in this many break-even skips runs the layers anyway (to re-measure). */
    static final int EXPLORE = 32;
    private static final double GAIN_ALPHA = 0.1;

    private final LayerPacer pacer = new LayerPacer();
    private final CMatrix f0 = new CMatrix(), w0 = new CMatrix();
    private final long[] gainKey = new long[LayerPacer.SHAPES];
    private final double[][] gain = new double[LayerPacer.SHAPES][];
    private final int[][] gainSamples = new int[LayerPacer.SHAPES][];
    private int skips;
    private long key;
    /** The last {@link #run} answered with the start without running layers (break-even). */
    boolean skippedLayers;
    /** Layers run by the last {@link #run} (0 also when the start was kept). */
    int layersRun;
    boolean earlyStop;

    /**
     * Before the set-up: false when not even one layer fits the budget ({@code shapeKey}
     * tells sizes and engines apart).
     */
    boolean begin(org.isac.solver.Problem problem, long shapeKey, org.isac.solver.Precoder out, int layers) {
        layersRun = 0;
        earlyStop = false;
        skippedLayers = false;
        key = shapeKey;
        return pacer.begin(problem, shapeKey, out, layers);
    }

    /** This shape's learned gains (reset when the pacer gives its slot to another shape). */
    private int gainSlot(int layers) {
        int slot = pacer.slot();
        if (gain[slot] == null || gainKey[slot] != key || gain[slot].length != layers + 1) {
            gainKey[slot] = key;
            gain[slot] = new double[layers + 1];
            gainSamples[slot] = new int[layers + 1];
        }
        return slot;
    }

    /** True when the layers that fit are known to lose to the start (and this is not an exploring solve). */
    private boolean layersLose(int slot, int layers) {
        int fit = pacer.layersFitting(layers);
        if (fit >= layers || gainSamples[slot][fit] < MIN_SAMPLES || gain[slot][fit] > 0) {
            return false;
        }
        return ++skips % EXPLORE != 0;
    }

    /**
     * Runs up to {@code layers} outer layers from {@code pga}'s current (initial) iterate, on
     * {@code single} when not null (bound, with the same weights, steps and rescaling), and
     * leaves the answer, feasible, in {@code pga}.
     */
    void run(HybridPga pga, FloatPga single, int layers) {
        double startObjective = Double.NaN;
        int slot = -1;
        if (pacer.bounded() && layers > 0) {
            slot = gainSlot(layers);
            if (layersLose(slot, layers)) {
                pacer.setUpDone();
                earlyStop = true;
                skippedLayers = true;
                return;
            }
            f0.copyFrom(pga.analog());
            w0.copyFrom(pga.baseband());
            startObjective = pga.objective();
        }
        if (single != null) {
            single.start(pga.analog(), pga.baseband());
        }
        pacer.setUpDone();
        int ran = 0;
        while (ran < layers) {
            if (single != null) {
                single.outerIteration(ran);
            } else {
                pga.outerIteration(ran);
            }
            ran++;
            if (!pacer.layerDone(ran, layers)) {
                break;
            }
        }
        if (single != null) {
            single.store(pga.analog(), pga.baseband());
            pga.restoreFeasibility();
        }
        layersRun = ran;
        earlyStop = ran < layers;
        if (earlyStop && !Double.isNaN(startObjective)) {
            double objective = pga.objective();
            double relative = (objective - startObjective) / Math.max(Math.abs(startObjective), 1e-12);
            if (Double.isFinite(relative)) {
                gain[slot][ran] = gainSamples[slot][ran]++ == 0 ? relative : gain[slot][ran] + GAIN_ALPHA * (relative - gain[slot][ran]);
            }
            if (!(objective >= startObjective)) {
                pga.start(f0, w0);
                layersRun = 0;
            }
        }
    }

    /** The solve's work after the layers is done. */
    void finished() {
        pacer.finished();
    }

    /** A shape key for (N, K, M, layers, engine). */
    static long key(int n, int k, int m, int layers, boolean single) {
        return LayerPacer.shapeKey(n, k, m, layers * 2 + (single ? 1 : 0));
    }
}
