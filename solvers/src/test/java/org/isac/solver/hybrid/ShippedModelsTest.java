package org.isac.solver.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.TestData;
import org.junit.jupiter.api.Test;

/** The models under {@code /models/} and the registry's model selection. */
class ShippedModelsTest {
    private static final double PT_12DB = Math.pow(10, 1.2);

    @Test
    void everyListedModelLoadsAndRecordsItsTraining() {
        List<String> names = HybridUpgaModel.shippedNames();
        assertEquals(List.of("upga-n32-k4-m4-w0.3", "upga-n64-k4-m4-w0.3", "upga-n64-k4-m4-w0"), names);
        for (HybridUpgaModel m : HybridUpgaModel.shipped()) {
            assertTrue(names.contains(m.name()));
            assertEquals(4, m.users());
            assertEquals(4, m.rfChains());
            assertEquals(1.0 / m.antennas(), m.eta(), 0);
            for (String key : new String[] {"training.dataset_seed", "training.epochs", "training.batch", "training.seconds",
                    "training.command", "validation.objective", "validation.sum_rate_bits", "validation.tau"}) {
                assertTrue(m.info().containsKey(key), m.name() + " lacks " + key);
            }
            assertTrue(Double.parseDouble(m.info().get("validation.objective"))
                    > Double.parseDouble(m.info().get("validation.init_objective")), m.name());
        }
    }

    /**
     * No shipped model lets its iterate overflow: on held-out channels from 0 to 12 dB every
     * layer's F and W stay finite, in double and in single precision (a schedule that blows F
     * up inside a layer and relies on what the projection makes of the overflow is a defect).
     */
    @Test
    void everyShippedModelStaysFiniteOnHeldOutChannels() {
        for (HybridUpgaModel m : HybridUpgaModel.shipped()) {
            HybridUpgaSolver s = new HybridUpgaSolver(m);
            Precoder out = new Precoder();
            int diverged = 0, runs = 0;
            for (int c = 0; c < 12; c++) {
                for (double snrDb : new double[] {0, 6, 12}) {
                    for (int single = 0; single <= 1; single++) {
                        Problem p = HybridUpgaSolverTest.problem(m.antennas(), 8100 + c);
                        p.powerBudgetW = Math.pow(10, snrDb / 10);
                        p.params.put("single_precision", single);
                        runs++;
                        try {
                            s.solve(p, out);
                        } catch (IllegalStateException e) {
                            diverged++;
                        }
                    }
                }
            }
            assertEquals(0, diverged, m.name() + ": " + diverged + " of " + runs + " solves diverged");
        }
    }

    @Test
    void registryPicksTheModelForTheProblem() {
        HybridUpgaSolver s = (HybridUpgaSolver) SolverRegistry.create("hybrid-upga");
        Precoder out = new Precoder();
        s.solve(HybridUpgaSolverTest.problem(64, 1), out);
        assertEquals("upga-n64-k4-m4-w0.3", s.model().name());
        assertEquals(10, out.iterations);
        Problem p = HybridUpgaSolverTest.problem(64, 1);
        p.params.put("omega", 0);
        s.solve(p, out);
        assertEquals("upga-n64-k4-m4-w0", s.model().name());
        assertEquals(out.predicted.get("sum_rate_bits", 0), out.predicted.get("objective", 1), 0);
        s.solve(HybridUpgaSolverTest.problem(32, 1), out);
        assertEquals("upga-n32-k4-m4-w0.3", s.model().name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.solve(HybridUpgaSolverTest.problem(16, 1), out));
        assertTrue(e.getMessage().contains("N=16") && e.getMessage().contains("upga-n64-k4-m4-w0.3"), e.getMessage());
    }

    /**
     * At 12 dB on held-out channels the N = 64 model ends far above its eq. (26) start and above
     * untrained PGA with the same I, J and the constant steps its training grid search chose.
     */
    @Test
    void n64ModelBeatsItsInitAndConstantStepPga() {
        HybridUpgaModel m = HybridUpgaModel.load("upga-n64-k4-m4-w0.3");
        Solver trained = new HybridUpgaSolver(m);
        Solver untrained = SolverRegistry.create("hybrid-pga");
        Precoder a = new Precoder(), b = new Precoder();
        double gainOverInit = 0, gainOverPga = 0;
        int count = 24;
        for (int c = 0; c < count; c++) {
            Problem p = HybridUpgaSolverTest.problem(64, 7000 + c);
            trained.solve(p, a);
            p.params.put("outer", 0);
            untrained.solve(p, b);
            gainOverInit += (a.predicted.get("objective", 0) - b.predicted.get("objective", 0)) / count;
            p.params.put("outer", m.outer());
            p.params.put("inner", m.inner());
            p.params.put("mu", Double.parseDouble(m.info().get("training.tuned_constant_mu")));
            p.params.put("lambda", Double.parseDouble(m.info().get("training.tuned_constant_lambda")));
            untrained.solve(p, b);
            gainOverPga += (a.predicted.get("objective", 0) - b.predicted.get("objective", 0)) / count;
        }
        assertTrue(gainOverInit > 5, "mean gain over eq. (26): " + gainOverInit);
        assertTrue(gainOverPga > 0.5, "mean gain over constant-step PGA: " + gainOverPga);
        assertEquals(PT_12DB, HybridUpgaSolverTest.problem(64, 1).powerBudgetW, 0);
    }

    /** The counted flop model: one F step at N = 64, M = K = 4 and the solvers' totals. */
    @Test
    void flopModel() {
        assertEquals(185_088, HybridPga.flops(64, 4, 4, 1, 1, false) - HybridPga.flops(64, 4, 4, 1, 0, false), 0);
        Problem p = HybridUpgaSolverTest.problem(64, 3);
        HybridUpgaModel m = HybridUpgaModel.shippedFor(64, 4, 4, 0.3);
        double upga = SolverRegistry.create("hybrid-upga").flops(p);
        assertEquals(HybridPga.flops(64, 4, 4, m.outer(), m.inner(), m.rescaleInner()), upga, 0);
        assertTrue(upga > m.outer() * m.inner() * 185_088.0 && upga < 3e7, "flops " + upga);
        double pga = SolverRegistry.create("hybrid-pga").flops(p);
        assertEquals(HybridPga.flops(64, 4, 4, HybridPgaSolver.DEFAULT_OUTER, HybridPgaSolver.DEFAULT_INNER, false), pga, 0);
    }

    @Test
    void autoSelectingSolveAllocatesNothingAfterWarmUp() {
        Solver s = SolverRegistry.create("hybrid-upga");
        Problem p = HybridUpgaSolverTest.problem(64, 3);
        Precoder out = new Precoder();
        // the Vector API kernels box (allocate) until C2 has compiled them: warm up past that
        for (int i = 0; i < 3000; i++) {
            s.solve(p, out);
        }
        long before = TestData.allocatedBytes();
        s.solve(p, out);
        long allocated = TestData.allocatedBytes() - before;
        assertTrue(allocated < 1024, "solve allocated " + allocated + " bytes");
    }
}
