package org.isac.solver.digital;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.TestData;
import org.isac.solver.channel.SalehValenzuela;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.FastKernels;
import org.isac.solver.linalg.Kernels;
import org.isac.solver.metric.Metrics;
import org.junit.jupiter.api.Test;

class LinearPrecoderTest {
    private static final double POWER_TOL = 1e-12;

    static Problem problem(SplittableRandom rng, int n, int k, double snrDb) {
        Problem p = new Problem();
        new SalehValenzuela(n, k).draw(rng, p.channel);
        p.powerBudgetW = 2.5;
        p.setNoise(k, p.powerBudgetW / Math.pow(10, snrDb / 10));
        return p;
    }

    @Test
    void zfNullsInterferenceAndMeetsBudget() {
        SplittableRandom rng = new SplittableRandom(11);
        Solver zf = SolverRegistry.create("zf");
        Precoder out = new Precoder();
        CMatrix g = new CMatrix();
        for (int trial = 0; trial < 20; trial++) {
            Problem p = problem(rng, 64, 4 + trial % 5, 10);
            zf.solve(p, out);
            assertEquals(p.powerBudgetW, out.baseband.frobeniusNorm2(), POWER_TOL * p.powerBudgetW);
            Kernels.mulConjTransA(p.channel, out.baseband, g); // HᴴX
            int k = p.users();
            double d0 = g.re(0, 0);
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    if (i == j) {
                        assertEquals(d0, g.re(i, i), 1e-9, "equal diagonal");
                        assertEquals(0.0, g.im(i, i), 1e-9);
                    } else {
                        assertEquals(0.0, Math.hypot(g.re(i, j), g.im(i, j)), 1e-9, "off-diagonal (" + i + "," + j + ")");
                    }
                }
            }
        }
    }

    @Test
    void rzfTendsToZfAndMrt() {
        SplittableRandom rng = new SplittableRandom(12);
        Problem p = problem(rng, 16, 4, 10);
        Precoder zf = new Precoder(), rzf = new Precoder(), mrt = new Precoder();
        SolverRegistry.create("zf").solve(p, zf);
        SolverRegistry.create("mrt").solve(p, mrt);
        Solver r = SolverRegistry.create("rzf");
        p.params.put("reg", 1e-12);
        r.solve(p, rzf);
        assertTrue(maxDiff(zf.baseband, rzf.baseband) < 1e-9, "reg → 0 gives ZF");
        p.params.put("reg", 1e12);
        r.solve(p, rzf);
        assertTrue(maxDiff(mrt.baseband, rzf.baseband) < 1e-9, "reg → ∞ gives MRT");
    }

    @Test
    void rzfDefaultBeatsZfAtLowSnrAndMatchesAtHigh() {
        SplittableRandom rng = new SplittableRandom(13);
        double gainLow = 0, gainHigh = 0;
        Precoder a = new Precoder(), b = new Precoder();
        double[] s = new double[8];
        for (int t = 0; t < 50; t++) {
            Problem p = problem(rng, 16, 8, -5);
            SolverRegistry.create("rzf").solve(p, a);
            SolverRegistry.create("zf").solve(p, b);
            gainLow += Metrics.sumRateBits(p.channel, a.baseband, p.noise, s) - Metrics.sumRateBits(p.channel, b.baseband, p.noise, s);
            p.setNoise(8, p.powerBudgetW / 1e6);
            SolverRegistry.create("rzf").solve(p, a);
            SolverRegistry.create("zf").solve(p, b);
            gainHigh += Metrics.sumRateBits(p.channel, a.baseband, p.noise, s) - Metrics.sumRateBits(p.channel, b.baseband, p.noise, s);
        }
        assertTrue(gainLow / 50 > 0.5, "RZF gains clearly at -5 dB, got " + gainLow / 50);
        assertTrue(Math.abs(gainHigh / 50) < 0.05, "RZF ≈ ZF at 60 dB, got " + gainHigh / 50);
    }

    @Test
    void rejectsBadProblems() {
        Solver zf = SolverRegistry.create("zf");
        Precoder out = new Precoder();
        Problem p = problem(new SplittableRandom(1), 4, 4, 10);
        p.channel.reshape(3, 4); // K > N
        p.channel.re[0] = 1;
        assertThrows(IllegalArgumentException.class, () -> zf.solve(p, out));
        Problem q = problem(new SplittableRandom(1), 8, 2, 10);
        for (int i = 0; i < 8; i++) { // two identical users
            q.channel.set(i, 1, q.channel.re(i, 0), q.channel.im(i, 0));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> zf.solve(q, out));
        assertTrue(e.getMessage().contains("singular"), e.getMessage());
        Problem z = problem(new SplittableRandom(1), 8, 2, 10);
        z.channel.zero();
        assertThrows(IllegalArgumentException.class, () -> SolverRegistry.create("mrt").solve(z, out));
        Problem neg = problem(new SplittableRandom(1), 8, 2, 10);
        neg.params.put("reg", -1);
        assertThrows(IllegalArgumentException.class, () -> SolverRegistry.create("rzf").solve(neg, out));
    }

    @Test
    void unknownSolverNamesTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SolverRegistry.create("nope"));
        assertTrue(e.getMessage().contains("rzf"));
    }

    @Test
    void fastKernelsGiveTheKernelsResult() {
        SplittableRandom rng = new SplittableRandom(15);
        for (FastKernels fk : new FastKernels[] {FastKernels.get(), FastKernels.scalar()}) {
            for (int[] s : new int[][] {{16, 1}, {16, 3}, {16, 8}, {64, 4}, {64, 5}, {64, 16}, {65, 7}}) {
                for (LinearPrecoder.Kind kind : new LinearPrecoder.Kind[] {LinearPrecoder.Kind.ZF, LinearPrecoder.Kind.RZF}) {
                    Problem p = problem(rng, s[0], s[1], 10);
                    Precoder out = new Precoder();
                    new LinearPrecoder(kind, fk).solve(p, out);
                    CMatrix ref = referenceSolve(p, kind == LinearPrecoder.Kind.RZF);
                    double d = 0;
                    for (int i = 0; i < ref.size(); i++) {
                        d += Math.pow(ref.re[i] - out.baseband.re[i], 2) + Math.pow(ref.im[i] - out.baseband.im[i], 2);
                    }
                    double rel = Math.sqrt(d / ref.frobeniusNorm2());
                    assertTrue(rel < 1e-12, fk.name() + " " + kind + " N=" + s[0] + " K=" + s[1] + ": relative difference " + rel);
                }
            }
        }
    }

    /** The zf / rzf closed form with the plain Kernels (Gram, Cholesky, two triangular solves, product). */
    private static CMatrix referenceSolve(Problem p, boolean regularized) {
        CMatrix h = p.channel;
        int k = h.cols();
        double alpha = 0;
        if (regularized) {
            double meanNoise = 0;
            for (int i = 0; i < k; i++) {
                meanNoise += p.noise[i];
            }
            alpha = k * (meanNoise / k) / p.powerBudgetW;
        }
        CMatrix gram = new CMatrix(), inverse = new CMatrix(k, k), x = new CMatrix();
        Kernels.mulConjTransA(h, h, gram);
        for (int i = 0; i < k; i++) {
            gram.re[i * k + i] += alpha;
            inverse.re[i * k + i] = 1;
        }
        assertTrue(Kernels.cholesky(gram));
        Kernels.choleskySolve(gram, inverse);
        Kernels.mul(h, inverse, x);
        x.scale(Math.sqrt(p.powerBudgetW / x.frobeniusNorm2()));
        return x;
    }

    @Test
    void solveAllocatesNothingAfterWarmUp() {
        SplittableRandom rng = new SplittableRandom(14);
        Problem p = problem(rng, 64, 4, 10);
        for (String name : new String[] {"mrt", "zf", "rzf"}) {
            Solver s = SolverRegistry.create(name);
            Precoder out = new Precoder();
            for (int i = 0; i < 20_000; i++) {
                s.solve(p, out);
            }
            TestData.allocatedBytes();
            long before = TestData.allocatedBytes();
            for (int i = 0; i < 10_000; i++) {
                s.solve(p, out);
            }
            long allocated = TestData.allocatedBytes() - before;
            assertTrue(allocated < 2048, name + " allocated " + allocated + " bytes in 10000 solves");
        }
    }

    private static double maxDiff(CMatrix a, CMatrix b) {
        double m = 0;
        for (int i = 0; i < a.size(); i++) {
            m = Math.max(m, Math.hypot(a.re[i] - b.re[i], a.im[i] - b.im[i]));
        }
        return m;
    }
}
