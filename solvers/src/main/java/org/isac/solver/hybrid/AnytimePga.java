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
 * the current iterate scores higher. Allocation-free after the first solve at a size.
 */
final class AnytimePga {
    private final LayerPacer pacer = new LayerPacer();
    private final CMatrix f0 = new CMatrix(), w0 = new CMatrix();
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
        return pacer.begin(problem, shapeKey, out, layers);
    }

    /**
     * Runs up to {@code layers} outer layers from {@code pga}'s current (initial) iterate, on
     * {@code single} when not null (bound, with the same weights, steps and rescaling), and
     * leaves the answer, feasible, in {@code pga}.
     */
    void run(HybridPga pga, FloatPga single, int layers) {
        double startObjective = Double.NaN;
        if (pacer.bounded() && layers > 0) {
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
        if (earlyStop && !Double.isNaN(startObjective) && !(pga.objective() >= startObjective)) {
            pga.start(f0, w0);
            layersRun = 0;
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
