package org.isac.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;
import org.junit.jupiter.api.Test;

/**
 * The subband-by-subband fallback: each subband's answer is bit for bit the narrowband answer
 * of that subband's problem, the combined counters are as documented, narrowband hybrid
 * solvers are refused, time is shared out, and nothing is allocated after warm-up.
 */
class SubbandLoopTest {

    private static Problem wideband(long seed, int s, int n, int k) {
        SplittableRandom rng = new SplittableRandom(seed);
        Problem p = new Problem();
        p.tx = ArrayShape.ula(n);
        p.rx = p.tx;
        p.powerBudgetW = 2.5;
        p.setSubbands(s);
        for (int b = 0; b < s; b++) {
            p.channel(b).copyFrom(TestData.gaussian(rng, n, k));
            double[] noise = p.noiseFor(b, k);
            for (int u = 0; u < k; u++) {
                noise[u] = 0.05 + 0.1 * rng.nextDouble();
            }
            p.setFrequencyRatio(b, 1 + 0.01 * (b - s / 2.0));
        }
        p.targets.add(0.3, 0, 1, 0);
        return p;
    }

    private static void assertBitEqual(CMatrix a, CMatrix b) {
        assertEquals(a.rows(), b.rows());
        assertEquals(a.cols(), b.cols());
        assertArrayEquals(java.util.Arrays.copyOf(a.re, a.size()), java.util.Arrays.copyOf(b.re, b.size()));
        assertArrayEquals(java.util.Arrays.copyOf(a.im, a.size()), java.util.Arrays.copyOf(b.im, b.size()));
    }

    @Test
    void everySubbandIsExactlyItsNarrowbandAnswer() {
        for (String name : new String[] {"mrt", "zf", "rzf", "wmmse"}) {
            Problem p = wideband(7, 5, 8, 3);
            if (name.equals("wmmse")) {
                p.params.put("max_iter", 20);
            }
            Solver loopSolver = SolverRegistry.create(name);
            if (loopSolver.wideband()) {
                continue; // a wideband solver is called as it is; nothing of the loop's to check
            }
            Precoder out = new Precoder();
            new SubbandLoop().solve(loopSolver, p, out);
            assertEquals(5, out.subbands(), name);
            assertFalse(out.isHybrid(), name);
            Solver fresh = SolverRegistry.create(name);
            int iterations = 0;
            for (int s = 0; s < 5; s++) {
                Problem one = SubbandLoop.narrowband(p, s, new Problem());
                Precoder want = new Precoder();
                fresh.solve(one, want);
                assertBitEqual(want.baseband, out.baseband(s));
                iterations += want.iterations;
            }
            assertEquals(iterations, out.iterations, name + ": iterations are the sum over subbands");
        }
    }

    @Test
    void oneSubbandIsPassedThrough() {
        Problem p = wideband(3, 1, 6, 2);
        Precoder viaLoop = new Precoder();
        Precoder direct = new Precoder();
        new SubbandLoop().solve(SolverRegistry.create("rzf"), p, viaLoop);
        SolverRegistry.create("rzf").solve(p, direct);
        assertEquals(1, viaLoop.subbands());
        assertBitEqual(direct.baseband, viaLoop.baseband);
    }

    @Test
    void predictedMetricsAreTheMeanAndFlagsTheOr() {
        Solver fake = new Solver() {
            int calls;

            @Override
            public String name() {
                return "fake";
            }

            @Override
            public void solve(Problem problem, Precoder out) {
                out.reset();
                out.baseband.reshape(problem.antennas(), problem.users());
                out.baseband.re[0] = problem.channel.re[0];
                out.predicted.put("rate", calls);
                out.iterations = 2;
                out.layersPlanned = 3;
                out.earlyStop = calls == 1;
                out.deadlineStop = calls == 2;
                calls++;
            }
        };
        Problem p = wideband(5, 4, 4, 2);
        Precoder out = new Precoder();
        new SubbandLoop().solve(fake, p, out);
        assertEquals((0 + 1 + 2 + 3) / 4.0, out.predicted.get("rate", Double.NaN));
        assertEquals(8, out.iterations);
        assertEquals(12, out.layersPlanned);
        assertTrue(out.earlyStop);
        assertTrue(out.deadlineStop);
        assertFalse(out.outOfTime);
        for (int s = 0; s < 4; s++) {
            assertEquals(p.channel(s).re[0], out.baseband(s).re[0]);
        }
    }

    @Test
    void narrowbandHybridSolverIsRefusedNamingTheWidebandOne() {
        Problem p = wideband(11, 3, 8, 2);
        p.rfChains = 2;
        p.params.put("outer", 2);
        p.params.put("inner", 1);
        Solver hybrid = SolverRegistry.create("hybrid-pga");
        SubbandLoop.HybridNotWideband e = assertThrows(SubbandLoop.HybridNotWideband.class,
                () -> new SubbandLoop().solve(hybrid, p, new Precoder()));
        assertTrue(e.getMessage().contains(SubbandLoop.WIDEBAND_HYBRID), e.getMessage());
        assertTrue(e.getMessage().contains("hybrid-pga"), e.getMessage());
    }

    /** A solver that answers an all-zero baseband of the problem's size after showing the problem to {@code look}. */
    private static Solver probe(String name, java.util.function.Consumer<Problem> look) {
        return new Solver() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void solve(Problem problem, Precoder out) {
                out.reset();
                out.baseband.reshape(problem.antennas(), problem.users());
                look.accept(problem);
            }
        };
    }

    @Test
    void everySubbandSeesTheCallersDownstreamMargin() {
        long[] seen = new long[3];
        int[] s = {0};
        Solver probe = probe("probe", problem -> seen[s[0]++] = problem.budget.downstreamNs());
        Problem p = wideband(1, 3, 4, 2);
        p.budget = new TimeBudget() {
            @Override
            public long remainingNs() {
                return 3_000;
            }

            @Override
            public long downstreamNs() {
                return 170;
            }
        };
        new SubbandLoop().solve(probe, p, new Precoder());
        assertArrayEquals(new long[] {170, 170, 170}, seen, "the slices keep the caller's margin for what follows the solve");
    }

    @Test
    void eachSubbandGetsAnEqualShareOfTheTimeLeft() {
        long[] seen = new long[4];
        int[] s = {0};
        Solver probe = probe("probe", problem -> seen[s[0]++] = problem.budget.remainingNs());
        Problem p = wideband(1, 4, 4, 2);
        long[] now = {0};
        p.budget = () -> 4_000 - now[0]; // a clock that stands still: each subband gets remaining / (S - s)
        new SubbandLoop().solve(probe, p, new Precoder());
        assertArrayEquals(new long[] {1_000, 4_000 / 3, 2_000, 4_000}, seen);
        // time an early subband leaves unused passes on: after 1.5 us of the first 4, 2.5 us are left for 3
        long[] seen2 = new long[4];
        int[] s2 = {0};
        Solver slow = probe("slow", problem -> {
            seen2[s2[0]++] = problem.budget.remainingNs();
            now[0] += s2[0] == 1 ? 1_500 : 0;
        });
        now[0] = 0;
        new SubbandLoop().solve(slow, p, new Precoder());
        assertEquals(1_000, seen2[0]);
        assertEquals(2_500 / 3, seen2[1]);
        Problem unbounded = wideband(1, 2, 4, 2);
        new SubbandLoop().solve(new Solver() {
            @Override
            public String name() {
                return "u";
            }

            @Override
            public void solve(Problem problem, Precoder out) {
                assertSame(TimeBudget.UNBOUNDED, problem.budget);
                out.reset();
                out.baseband.reshape(problem.antennas(), problem.users());
            }
        }, unbounded, new Precoder());
    }

    @Test
    void theLoopAllocatesNothingAfterWarmUp() {
        // a scalar solver that allocates nothing itself, so what is measured is the loop's own work
        Solver copy = new Solver() {
            @Override
            public String name() {
                return "copy";
            }

            @Override
            public void solve(Problem problem, Precoder out) {
                out.reset();
                out.baseband.copyFrom(problem.channel);
                out.predicted.put("rate", problem.noise[0]);
                out.iterations = 1;
            }
        };
        Problem p = wideband(9, 8, 16, 4);
        p.params.put("reg", 0.1);
        long[] clock = {0};
        TimeBudget deadline = () -> 1_000_000 - clock[0];
        SubbandLoop loop = new SubbandLoop();
        Precoder out = new Precoder();
        for (int i = 0; i < 20_000; i++) {
            p.budget = (i & 1) == 0 ? TimeBudget.UNBOUNDED : deadline;
            loop.solve(copy, p, out);
        }
        long idle = TestData.allocatedBytes();
        long before = TestData.allocatedBytes(); // the reading itself may allocate: measured here
        for (int i = 0; i < 1000; i++) {
            p.budget = (i & 1) == 0 ? TimeBudget.UNBOUNDED : deadline;
            loop.solve(copy, p, out);
        }
        long after = TestData.allocatedBytes();
        assertEquals(before - idle, after - before, "bytes allocated by 1000 wideband solves after warm-up, beyond the reading's own");
        assertEquals(8, out.subbands());
        assertBitEqual(p.channel(7), out.baseband(7));
    }
}
