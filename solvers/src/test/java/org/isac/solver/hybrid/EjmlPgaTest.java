package org.isac.solver.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.isac.solver.Problem;
import org.isac.solver.linalg.CMatrix;
import org.junit.jupiter.api.Test;

/** The EJML yardstick computes what the fast double engine computes. */
class EjmlPgaTest {
    /** Small steps (a well-conditioned iteration): the same F and W to 1e-9. */
    @Test
    void matchesHybridPgaWithSmallSteps() {
        HybridUpgaModel model = HybridUpgaSolverTest.model("t", 32, 0.3);
        for (long seed = 1; seed <= 3; seed++) {
            double[] d = compare(model, HybridUpgaSolverTest.problem(32, 500 + seed));
            assertTrue(d[0] < 1e-9 && d[1] < 1e-9, "seed " + seed + ": max |ΔF| " + d[0] + ", max |ΔW|/max |W| " + d[1]);
        }
    }

    /**
     * The shipped N = 64 model's large trained steps amplify rounding (different but equally
     * exact operation orders end ~1e-4 apart in F): the objective agrees to 1e-3.
     */
    @Test
    void matchesHybridPgaObjectiveOnTheShippedModel() {
        HybridUpgaModel model = HybridUpgaModel.shippedFor(64, 4, 4, 0.3);
        for (long seed = 1; seed <= 3; seed++) {
            double[] d = compare(model, HybridUpgaSolverTest.problem(64, 500 + seed));
            assertEquals(d[2], d[3], 1e-3 * Math.abs(d[2]), "seed " + seed);
        }
    }

    /** Returns {max |ΔF|, max |ΔW| / max |W|, objective (fast double), objective (EJML)}. */
    private static double[] compare(HybridUpgaModel model, Problem p) {
        int n = p.channel.rows();
        PgaSteps steps = model.steps(new PgaSteps());
        double pt = p.powerBudgetW;
        CMatrix psi = new PsiCache().update(n, PsiCache.DEFAULT_TARGETS_RAD, 3, model.halfWidthDeg(), pt);
        HybridPga ref = new HybridPga();
        ref.prepare(p.channel, p.noise, pt, 4, psi);
        ref.setWeights(model.omega(), model.eta());
        ref.setSteps(steps);
        ref.initialize(HybridInitializer.COHERENT, PsiCache.DEFAULT_TARGETS_RAD, 3, 0);
        EjmlPga ejml = new EjmlPga();
        ejml.bind(p.channel, p.noise, pt, psi, ref.analog(), ref.baseband(), model.omega(), model.eta(), steps);
        ref.run(null);
        ejml.run(steps.outer());
        CMatrix f = new CMatrix(), w = new CMatrix();
        ejml.store(f, w);
        double df = 0, dw = 0, nw = 0;
        for (int i = 0; i < f.size(); i++) {
            df = Math.max(df, Math.hypot(f.re[i] - ref.analog().re[i], f.im[i] - ref.analog().im[i]));
        }
        for (int i = 0; i < w.size(); i++) {
            dw = Math.max(dw, Math.hypot(w.re[i] - ref.baseband().re[i], w.im[i] - ref.baseband().im[i]));
            nw = Math.max(nw, Math.hypot(w.re[i], w.im[i]));
        }
        double objRef = ref.objective();
        HybridPga eval = new HybridPga();
        eval.prepare(p.channel, p.noise, pt, 4, psi);
        eval.setWeights(model.omega(), model.eta());
        eval.start(f, w);
        return new double[] {df, dw / nw, objRef, eval.objective()};
    }
}
