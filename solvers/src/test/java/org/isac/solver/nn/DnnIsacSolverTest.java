package org.isac.solver.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.SolverRegistry;
import org.isac.solver.TestData;
import org.junit.jupiter.api.Test;

class DnnIsacSolverTest {

    /** Random-weight models for ρ ∈ {0.2, 0.5} at M = 10, K = 10, T = 2, counting loads. */
    static Problem problem(int m, long seed) {
        Problem p = new Problem();
        p.channel.copyFrom(TestData.gaussian(new SplittableRandom(seed), m, 10));
        p.powerBudgetW = 1.0;
        p.setNoise(10, 0.01);
        p.targets.add(Math.toRadians(-10), 0, 1, 0);
        p.targets.add(Math.toRadians(25), 0, 1, 0);
        return p;
    }

    @Test
    void selectsTheWeightSetByRhoAndCompressesOnRequest() {
        DnnFixtures.FakeSource src = new DnnFixtures.FakeSource();
        DnnIsacSolver s = new DnnIsacSolver(src);
        Problem p = problem(10, 63);
        Precoder a = new Precoder(), b = new Precoder(), c = new Precoder();
        p.params.put("rho", 0.5);
        s.solve(p, a);
        assertEquals(0.5, s.currentModel().config().rho());
        assertEquals(1.0, a.baseband.frobeniusNorm2(), 1e-12);
        assertTrue(a.predicted.get("sum_rate_bits", -1) >= 0);
        p.params.put("rho", 0.2);
        s.solve(p, b);
        assertEquals(0.2, s.currentModel().config().rho());
        assertNotEquals(a.baseband.re[0], b.baseband.re[0]);
        p.params.put("q_bits", 5);
        p.params.put("prune", 0.2);
        s.solve(p, c);
        assertEquals(5, s.currentModel().qBits());
        assertEquals(0.2, s.currentModel().prune());
        assertNotEquals(b.baseband.re[0], c.baseband.re[0]);
        assertEquals(2, src.loads, "compression reuses the loaded ρ model");
        p.params.put("rho", 0.2000001); // snapped to two decimals
        s.solve(p, c);
        assertEquals(2, src.loads);
    }

    @Test
    void missingModelIsAClearError() {
        DnnIsacSolver s = new DnnIsacSolver(new DnnFixtures.FakeSource());
        Problem p = problem(10, 64);
        p.params.put("rho", 0.7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.solve(p, new Precoder()));
        assertTrue(e.getMessage().contains("M=10, K=10, T=2, ρ=0.70") && e.getMessage().contains("rho-0.50"), e.getMessage());
        Problem q = problem(12, 65);
        q.params.put("rho", 0.5);
        e = assertThrows(IllegalArgumentException.class, () -> s.solve(q, new Precoder()));
        assertTrue(e.getMessage().contains("M=12"), e.getMessage());
        Problem r = problem(10, 66);
        r.params.put("q_bits", 1);
        assertThrows(IllegalArgumentException.class, () -> s.solve(r, new Precoder()));
        r.params.put("q_bits", 32);
        r.targets.clear();
        e = assertThrows(IllegalArgumentException.class, () -> s.solve(r, new Precoder()));
        assertTrue(e.getMessage().contains("targets"), e.getMessage());
    }

    @Test
    void registeredAndAllocationFreeAfterWarmUp() {
        assertTrue(SolverRegistry.exists(DnnIsacSolver.NAME));
        assertEquals(DnnIsacSolver.NAME, SolverRegistry.create(DnnIsacSolver.NAME).name());
        DnnIsacSolver s = new DnnIsacSolver(new DnnFixtures.FakeSource());
        Problem p = problem(10, 67);
        p.params.put("q_bits", 7);
        p.params.put("prune", 0.1);
        Precoder out = new Precoder();
        for (int i = 0; i < 3000; i++) {
            s.solve(p, out);
        }
        TestData.allocatedBytes(); // the first call may allocate itself
        long before = TestData.allocatedBytes();
        for (int i = 0; i < 2000; i++) {
            s.solve(p, out);
        }
        long allocated = TestData.allocatedBytes() - before;
        assertTrue(allocated < 2048, "allocated " + allocated + " bytes in 2000 solves");
    }
}
