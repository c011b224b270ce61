package org.isac.solver.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.isac.solver.Precoder;
import org.isac.solver.SolverRegistry;
import org.junit.jupiter.api.Test;

class ShippedModelsTest {

    @Test
    void everyShippedModelIsIndexedAndWasMadeByTheEntryPoint() throws Exception {
        List<String> names = DnnIsacSolver.shippedResources();
        assertEquals(ShippedModels.RHOS.length * ShippedModels.ANTENNAS.length, names.size(), names.toString());
        for (int m : ShippedModels.ANTENNAS) {
            for (double rho : ShippedModels.RHOS) {
                DnnModel md = DnnIsacSolver.SHIPPED.load(m, 10, 2, rho);
                assertNotNull(md, "M=" + m + " ρ=" + rho);
                assertTrue(names.contains(DnnIsacSolver.resourceName(m, 10, 2, rho)));
                assertEquals(ShippedModels.config(m, rho), md.config(), "config of M=" + m + " ρ=" + rho);
                assertEquals(32, md.qBits());
                assertEquals(0.0, md.prune());
                assertTrue(Integer.parseInt(md.provenance().get("epochs_run")) >= 1);
            }
        }
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
