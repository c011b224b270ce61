package org.isac.solver.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.isac.solver.Precoder;
import org.isac.solver.SolverRegistry;
import org.junit.jupiter.api.Test;

/** The shipped seed 003 models as served (how they are made: train/nn/ShippedModelsTest). */
class ShippedModelsTest {
    @Test
    void shippedModelsLearnedAndTradeRateForSensing() throws Exception {
        DnnModel rate = DnnIsacSolver.SHIPPED.load(10, 10, 2, 1.0);
        DnnModel sense = DnnIsacSolver.SHIPPED.load(10, 10, 2, 0.0);
        Seed003Dataset test = DnnStudy.testSet(rate.config(), 200, 81);
        DnnConfig c = rate.config();
        Mlp init = Mlp.create(c.inputs(), c.hidden(), c.hiddenLayers(), c.outputs(), new SplittableRandom(c.seed() ^ 0x5DEECE66DL));
        init.roundToFloat();
        DnnModel untrained = new DnnModel(c, init, rate.beta(), rate.gamma(), 32, 0, null, rate.provenance());
        DnnStudy.Metrics3 r = DnnStudy.evaluateModel(rate, test, 0, 81);
        DnnStudy.Metrics3 u = DnnStudy.evaluateModel(untrained, test, 0, 81);
        DnnStudy.Metrics3 s = DnnStudy.evaluateModel(sense, test, 0, 81);
        assertTrue(r.sumRate() > u.sumRate() + 0.5, "trained ρ=1 " + r.sumRate() + " vs untrained " + u.sumRate());
        assertTrue(r.sumRate() > s.sumRate(), "ρ=1 rate " + r.sumRate() + " > ρ=0 rate " + s.sumRate());
        assertTrue(s.sumCrlbApproxDb() < r.sumCrlbApproxDb(), "ρ=0 Σψ̃ " + s.sumCrlbApproxDb() + " dB < ρ=1 " + r.sumCrlbApproxDb());
    }

    @Test
    void registrySolverServesAShippedModel() {
        var solver = SolverRegistry.create(DnnIsacSolver.NAME);
        var p = DnnIsacSolverTest.problem(20, 82);
        p.params.put("rho", 0.6);
        Precoder out = new Precoder();
        solver.solve(p, out);
        assertEquals(1.0, out.baseband.frobeniusNorm2(), 1e-12);
        assertEquals(0.6, ((DnnIsacSolver) solver).currentModel().config().rho(), 1e-12);
    }
}
