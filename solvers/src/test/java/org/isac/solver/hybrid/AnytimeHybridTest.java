package org.isac.solver.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.TickBudget;
import org.isac.solver.TimeBudget;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;
import org.junit.jupiter.api.Test;

/**
 * hybrid-upga and hybrid-pga under a time budget: every stop is a feasible precoder (unit
 * modulus, ‖FW‖²_F = P_t), says how many layers it ran of how many, and more time never
 * means fewer layers. Time is simulated: each reading of the budget advances it by one
 * "tick", so a layer costs one tick and the outcome does not depend on the machine.
 */
class AnytimeHybridTest {
    private static final double PT = Math.pow(10, 1.2);


    private static Problem problem(int n, long seed) {
        Problem p = HybridUpgaSolverTest.problem(n, seed);
        p.powerBudgetW = PT;
        return p;
    }

    private static void assertFeasible(Precoder out, String at) {
        assertTrue(Kernels.unitModulusError(out.analog) <= 1e-6, at + ": unit modulus");
        CMatrix x = out.effective(new CMatrix());
        assertEquals(PT, x.frobeniusNorm2(), 1e-9 * PT, at + ": power");
        assertTrue(out.analog.allFinite() && out.baseband.allFinite(), at);
    }

    @Test
    void everyBudgetFromOneLayerToAllGivesAFeasiblePrecoder() {
        for (String name : new String[] {"hybrid-upga", "hybrid-pga"}) {
            for (int single = 0; single <= 1; single++) {
                Solver solver = name.equals("hybrid-upga") ? new HybridUpgaSolver() : new HybridPgaSolver();
                Precoder out = new Precoder();
                Problem p = problem(64, 5);
                p.params.put("single_precision", single);
                solver.solve(p, out); // unbounded: all layers
                int planned = out.layersPlanned;
                assertTrue(planned > 1, name);
                assertEquals(planned, out.iterations, name + ": no deadline, every layer");
                assertFalse(out.earlyStop, name);
                p.budget = new TickBudget(1_000_000, 1000);
                solver.solve(p, out); // a shape's first bounded solve only runs; the next ones teach
                solver.solve(p, out);
                int previous = -1;
                // learned: set-up, each layer and the finish cost one tick; a solve needs 3.25 to start
                for (long ticks = 4; ticks <= planned + 4; ticks++) {
                    p.budget = new TickBudget(ticks * 1000, 1000);
                    solver.solve(p, out);
                    String at = name + " single=" + single + " budget " + ticks + " ticks";
                    assertFalse(out.outOfTime, at);
                    assertEquals(planned, out.layersPlanned, at);
                    assertTrue(out.iterations <= planned, at);
                    assertEquals(out.iterations < planned && out.earlyStop || out.iterations == planned && !out.earlyStop
                            || out.iterations == 0 && out.earlyStop, true, at + ": early stop flag, " + out.iterations + " run");
                    assertFeasible(out, at);
                    double objective = out.predicted.get("objective", Double.NaN);
                    assertTrue(Double.isFinite(objective), at);
                    int run = out.earlyStop && out.iterations == 0 ? -1 : out.iterations;
                    if (run >= 0) {
                        assertTrue(run >= previous, at + ": " + run + " layers after " + previous + " with less time");
                        previous = run;
                    }
                }
                assertEquals(planned, previous, name + ": enough time runs every layer");
            }
        }
    }

    /**
     * Break-even: on a channel where one layer scores below the eq. (26) start, a budget that
     * holds one layer teaches the solver that the layer loses; after {@link AnytimePga#MIN_SAMPLES}
     * such stops it answers with the start without running the layer (fewer budget readings,
     * the start's objective), except every {@link AnytimePga#EXPLORE}th solve, which re-measures.
     */
    @Test
    void layersThatLoseToTheStartAreNotRun() {
        Problem p = null;
        double startObjective = 0;
        for (long seed = 1; seed < 200 && p == null; seed++) {
            Problem q = problem(64, seed);
            q.params.put("single_precision", 0);
            Precoder o = new Precoder();
            q.params.put("layers", 0);
            new HybridUpgaSolver().solve(q, o);
            double start = o.predicted.get("objective", Double.NaN);
            q.params.put("layers", 1);
            new HybridUpgaSolver().solve(q, o);
            if (o.predicted.get("objective", Double.NaN) < start) {
                p = problem(64, seed);
                p.params.put("single_precision", 0);
                startObjective = start;
            }
        }
        assertTrue(p != null, "a channel where the first layer loses to the start");
        HybridUpgaSolver solver = new HybridUpgaSolver();
        Precoder out = new Precoder();
        p.budget = new TickBudget(1_000_000, 1000);
        solver.solve(p, out); // first bounded solve of the shape: not learned
        solver.solve(p, out);
        int runs = 0, skips = 0;
        for (int i = 0; i < 3 * AnytimePga.EXPLORE; i++) {
            TickBudget b = new TickBudget(4 * 1000, 1000); // set-up, one layer, finish
            p.budget = b;
            solver.solve(p, out);
            assertFeasible(out, "solve " + i);
            assertTrue(out.earlyStop && !out.outOfTime, "solve " + i);
            assertEquals(startObjective, out.predicted.get("objective", Double.NaN), 1e-9 * Math.abs(startObjective),
                    "solve " + i + ": the answer is the start");
            assertEquals(0, out.iterations, "solve " + i);
            if (b.remaining > 0) {
                skips++;
            } else {
                runs++;
            }
        }
        assertTrue(runs >= AnytimePga.MIN_SAMPLES, "runs before the gain is known: " + runs);
        assertTrue(skips >= 3 * AnytimePga.EXPLORE - AnytimePga.MIN_SAMPLES - 4, "skips " + skips + ", runs " + runs);
    }

    @Test
    void aBudgetThatCannotHoldOneLayerIsOutOfTimeOnceTheShapeIsKnown() {
        HybridUpgaSolver solver = new HybridUpgaSolver();
        Precoder out = new Precoder();
        Problem p = problem(64, 6);
        for (int i = 0; i < 3; i++) { // teach the pacer this shape: set-up, layers and finish one tick each
            p.budget = new TickBudget(1_000_000, 1000);
            solver.solve(p, out);
        }
        assertFalse(out.earlyStop, "a large budget runs every layer");
        p.budget = new TickBudget(1500, 1000); // less than set-up + 1.25 layers + finish
        solver.solve(p, out);
        assertTrue(out.outOfTime, "no layer fits");
        assertTrue(out.earlyStop);
        assertEquals(0, out.iterations);
        p.budget = TimeBudget.UNBOUNDED;
        solver.solve(p, out);
        assertFalse(out.outOfTime);
        assertEquals(out.layersPlanned, out.iterations);
    }

    @Test
    void boundedSolvesAllocateNothingAfterWarmUp() {
        org.junit.jupiter.api.Assumptions.assumeFalse(org.isac.solver.linalg.FastKernels.vectorWidthEmulated());
        HybridUpgaSolver solver = new HybridUpgaSolver();
        Precoder out = new Precoder();
        Problem p = problem(64, 8);
        TickBudget budget = new TickBudget(0, 1000);
        p.budget = budget;
        for (int i = 0; i < 5000; i++) { // early stops and full runs alike, until C2 has compiled them
            budget.remaining = 1000L * (4 + i % 12);
            solver.solve(p, out);
        }
        long before = org.isac.solver.TestData.allocatedBytes();
        for (int i = 0; i < 24; i++) {
            budget.remaining = 1000L * (4 + i % 12);
            solver.solve(p, out);
        }
        long allocated = org.isac.solver.TestData.allocatedBytes() - before;
        assertTrue(allocated < 1024, "24 bounded solves allocated " + allocated + " bytes");
    }

    /** An early stop never answers with less than the eq. (26) start it began from. */
    @Test
    void anEarlyStopIsAtLeastAsGoodAsTheStart() {
        HybridUpgaModel model = HybridUpgaModel.shippedFor(64, 4, 4, 0.3);
        HybridUpgaSolver solver = new HybridUpgaSolver(model);
        Precoder out = new Precoder();
        for (long seed = 20; seed < 26; seed++) {
            Problem p = problem(64, seed);
            p.params.put("layers", 0);
            solver.solve(p, out);
            double start = out.predicted.get("objective", Double.NaN);
            p.params.put("layers", model.outer());
            for (int ticks = 3; ticks <= 6; ticks++) {
                solver.solve(p, out); // learn (unbounded solves do not teach; these keep the shape warm)
                p.budget = new TickBudget(ticks * 1000L, 1000);
                solver.solve(p, out);
                p.budget = TimeBudget.UNBOUNDED;
                if (out.earlyStop && !out.outOfTime) {
                    assertTrue(out.predicted.get("objective", Double.NaN) >= start - 1e-9 * Math.abs(start),
                            "seed " + seed + ", " + ticks + " ticks: " + out.predicted.get("objective", Double.NaN)
                                    + " below the start's " + start);
                }
            }
        }
    }
}
