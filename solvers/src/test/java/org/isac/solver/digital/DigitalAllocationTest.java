package org.isac.solver.digital;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every digital ISAC solver, on the problems of {@code DigitalIsacBenchmark}, allocates
 * nothing per solve once its workspace has grown (issue 5). The measurement's own
 * allocation (an empty measurement, a few hundred bytes) is subtracted; what remains must
 * stay below {@link #TOLERATED_BYTES_PER_SOLVE} per solve, less than the smallest object, so a
 * single allocation per solve fails.
 */
class DigitalAllocationTest {
    /** Bytes tolerated per solve on average: below the 16 bytes of the smallest object. */
    private static final long TOLERATED_BYTES_PER_SOLVE = 8;
    private static final int WARM_UP = 30;
    private static final int SOLVES = 60;

    @ParameterizedTest
    @ValueSource(strings = {"wmmse", "sca-crlb", "sca-crlb-ld", "maxmin-uao", "maxmin-ao", "maxmin-ao-bt"})
    void solveAllocatesNothingAfterWarmUp(String name) {
        SplittableRandom rng = new SplittableRandom(7);
        Solver s = SolverRegistry.create(name);
        Problem p = name.startsWith("maxmin") ? Seed002Scenario.draw(rng, 4) : Seed004Scenario.problem(rng, 4, 4);
        if (name.startsWith("sca")) {
            p.params.put("max_iter", 200); // keeps the test short; the same code path per iteration
        }
        Precoder out = new Precoder();
        for (int i = 0; i < WARM_UP; i++) {
            s.solve(p, out);
        }
        TestData.allocatedBytes(); // the first call may allocate itself
        long empty = TestData.allocatedBytes();
        long overhead = TestData.allocatedBytes() - empty;
        long before = TestData.allocatedBytes();
        for (int i = 0; i < SOLVES; i++) {
            s.solve(p, out);
        }
        long allocated = TestData.allocatedBytes() - before - overhead;
        assertTrue(allocated < TOLERATED_BYTES_PER_SOLVE * SOLVES,
                name + " allocated " + allocated + " bytes in " + SOLVES + " solves (measurement overhead " + overhead + " bytes)");
    }
}
