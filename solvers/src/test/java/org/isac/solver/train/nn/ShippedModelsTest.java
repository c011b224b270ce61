package org.isac.solver.train.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.isac.solver.nn.DnnIsacSolver;
import org.isac.solver.nn.DnnModel;
import org.junit.jupiter.api.Test;

/** The shipped seed 003 models are the ones the entry point (ShippedModels) makes. */
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
}
