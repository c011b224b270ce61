package org.isac.solver.digital;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.TickBudget;
import org.isac.solver.TimeBudget;
import org.junit.jupiter.api.Test;

/**
 * The iterative digital solvers under a time budget: a stop after any number of iterations
 * is a feasible precoder (total power within P_t, each antenna within P_t/N where the
 * problem asks for it, finite), says how many it ran of how many, and more time never means
 * fewer iterations. Time is simulated: every reading of the budget is one tick.
 */
class AnytimeDigitalTest {

    private static void check(String name, Problem p, int maxTicks) {
        Solver solver = SolverRegistry.create(name);
        Precoder out = new Precoder();
        p.budget = TimeBudget.UNBOUNDED;
        solver.solve(p, out);
        int full = out.iterations;
        assertTrue(out.layersPlanned >= full && out.layersPlanned > 0, name + ": planned " + out.layersPlanned);
        assertFalse(out.deadlineStop, name);
        p.budget = new TickBudget(1_000_000_000L, 1000); // a shape's first bounded solve only runs; the next ones teach
        solver.solve(p, out);
        solver.solve(p, out);
        int previous = 0;
        for (long ticks = 4; ticks <= maxTicks; ticks++) {
            p.budget = new TickBudget(ticks * 1000, 1000);
            solver.solve(p, out);
            String at = name + ", " + ticks + " ticks";
            assertFalse(out.outOfTime, at);
            assertTrue(out.iterations >= previous, at + ": " + out.iterations + " iterations after " + previous);
            assertTrue(out.iterations <= full || !out.deadlineStop, at);
            assertEquals(out.deadlineStop, out.iterations < full && out.earlyStop, at + ": deadline flag, " + out.iterations
                    + " of " + full);
            previous = out.iterations;
            if (ticks == 4) {
                assertTrue(out.deadlineStop && out.iterations < full, at + ": the smallest budget stops early (" + out.iterations
                        + " of " + full + ")");
            }
            assertTrue(out.baseband.allFinite(), at);
            double power = out.baseband.frobeniusNorm2();
            assertTrue(power <= p.powerBudgetW * (1 + 1e-9), at + ": power " + power + " > " + p.powerBudgetW);
            if (p.perAntennaPower || p.params.get("per_antenna_power", 0) == 1) {
                int n = out.baseband.rows(), c = out.baseband.cols();
                for (int r = 0; r < n; r++) {
                    double row = 0;
                    for (int j = 0; j < c; j++) {
                        row += out.baseband.re[r * c + j] * out.baseband.re[r * c + j]
                                + out.baseband.im[r * c + j] * out.baseband.im[r * c + j];
                    }
                    assertTrue(row <= p.powerBudgetW / n * (1 + 1e-9), at + ": antenna " + r + " has " + row);
                }
            }
        }
        assertTrue(previous > 1, name + ": larger budgets run more than one iteration");
        p.budget = new TickBudget(1500, 1000);
        solver.solve(p, out);
        assertTrue(out.outOfTime, name + ": no room for set-up, one iteration and the finish");
        p.budget = TimeBudget.UNBOUNDED;
    }

    @Test
    void maxMinSolvers() {
        for (String name : new String[] {"maxmin-uao", "maxmin-ao", "maxmin-ao-bt"}) {
            check(name, Seed002Scenario.draw(new SplittableRandom(3), 4), 40);
        }
    }

    @Test
    void wmmse() {
        Problem p = Seed002Scenario.draw(new SplittableRandom(4), 4);
        p.perAntennaPower = false;
        p.params.put("per_antenna_power", 0);
        p.params.put("tol", 0);
        check("wmmse", p, 30);
    }

    @Test
    void scaCrlb() {
        for (String name : new String[] {"sca-crlb", "sca-crlb-ld"}) {
            Problem p = Seed004Scenario.problem(new SplittableRandom(5), 4, 4);
            p.params.put("max_iter", 60);
            check(name, p, 24);
        }
    }
}
