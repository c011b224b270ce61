package org.isac.solver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.isac.solver.Problem;
import org.isac.solver.TestData;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.digital.MaxMinAo;
import org.junit.jupiter.api.Test;

class MaxMinAoReverseTest {
    private static final double GRAD_REL_TOL = 2e-5;

    private static double loss(MaxMinAo ao, Problem p, boolean perAntenna, double[] logSteps, double[] logMu, int layers, int inner,
            int repeats) {
        double[] steps = new double[logSteps.length];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = Math.exp(logSteps[i]);
        }
        ao.setRecording(true);
        ao.setUp(p, 0.8, 0.4, perAntenna);
        ao.initialize();
        ao.run(MaxMinAo.StepRule.SCHEDULE, layers, inner, repeats, steps, Math.exp(logMu[0]), Math.exp(logMu[1]), 0);
        return new MaxMinAoReverse(ao).loss();
    }

    /** ∂(loss 19)/∂ln β and ∂/∂ln μ from the hand-written adjoints against central differences. */
    @Test
    void lossGradientMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(53);
        MaxMinAo ao = new MaxMinAo();
        int layers = 4, inner = 2, repeats = 2;
        for (int trial = 0; trial < 4; trial++) {
            boolean perAntenna = trial != 1;
            Problem p = TestData.echoProblem(rng, 6, trial % 2 == 0 ? ArrayShape.ula(5) : new ArrayShape(3, 2), 3, 2, trial % 3);
            double[] logSteps = new double[layers * inner];
            for (int i = 0; i < logSteps.length; i++) {
                logSteps[i] = Math.log(rng.nextDouble(0.02, 0.2));
            }
            double[] logMu = {Math.log(rng.nextDouble(1, 5)), Math.log(rng.nextDouble(1, 5))};
            double l0 = loss(ao, p, perAntenna, logSteps, logMu, layers, inner, repeats);
            double[] gs = new double[logSteps.length], gm = new double[2];
            double lb = new MaxMinAoReverse(ao).backward(gs, gm);
            assertEquals(l0, lb, 0);
            double h = 1e-6;
            double scale = 0;
            for (double g : gs) {
                scale = Math.max(scale, Math.abs(g));
            }
            for (int i = 0; i < logSteps.length + 2; i++) {
                double[] sp = logSteps.clone(), sm = logSteps.clone(), mp = logMu.clone(), mm = logMu.clone();
                if (i < logSteps.length) {
                    sp[i] += h;
                    sm[i] -= h;
                } else {
                    mp[i - logSteps.length] += h;
                    mm[i - logSteps.length] -= h;
                }
                double fd = (loss(ao, p, perAntenna, sp, mp, layers, inner, repeats) - loss(ao, p, perAntenna, sm, mm, layers, inner, repeats))
                        / (2 * h);
                double an = i < logSteps.length ? gs[i] : gm[i - logSteps.length];
                assertEquals(fd, an, GRAD_REL_TOL * Math.max(scale, Math.abs(fd)) + 1e-9,
                        "trial " + trial + " parameter " + i + ": finite difference " + fd + ", adjoint " + an);
            }
        }
    }
}
