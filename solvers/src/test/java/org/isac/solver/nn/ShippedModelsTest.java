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
