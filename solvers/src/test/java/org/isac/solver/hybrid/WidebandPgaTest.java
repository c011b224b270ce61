package org.isac.solver.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.isac.solver.channel.SalehValenzuela;
import org.isac.solver.hybrid.WidebandJcasObjective.Sensing;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;
import org.isac.solver.radar.BenchmarkCovariance;
import org.isac.solver.radar.DesiredBeampattern;
import org.junit.jupiter.api.Test;

/**
 * Properties of the wideband modified PGA: feasibility after every layer, agreement with
 * {@link HybridPga} for S = 1 and for identical subbands, and the monotone progress with small
 * steps that {@link HybridPgaTest} asserts for the narrowband PGA.
 */
class WidebandPgaTest {
    private static final int N = 64;
    private static final int K = 4;
    private static final double SNR_DB = 12;
    private static final double PT = Math.pow(10, SNR_DB / 10);
    private static final double OMEGA = 0.3;
    private static final double UNIT_MODULUS_TOL = 1e-12;
    private static final double POWER_REL_TOL = 1e-9;
    private static final double ITERATE_REL_TOL = 1e-9;
    private static final double[] TARGETS = {Math.toRadians(-60), 0, Math.toRadians(60)};
    private static final double SMALL_MU = 1e-3;
    private static final double SMALL_LAMBDA = 1e-5;
    private static final double MONOTONE_TOL = 1e-12;

    private static CMatrix psi(int n) {
        CMatrix psi = new CMatrix();
        BenchmarkCovariance.cached(n, DesiredBeampattern.authorsDefault()).psi(PT, psi);
        return psi;
    }

    /** S independent SV channels (uncorrelated subbands: the hardest case for a shared F). */
    private static CMatrix[] channels(int n, int subbands, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        CMatrix[] h = new CMatrix[subbands];
        for (int s = 0; s < subbands; s++) {
            h[s] = new CMatrix();
            new SalehValenzuela(n, K).draw(rng, h[s]);
        }
        return h;
    }

    private static double[][] noise(int subbands) {
        double[][] noise = new double[subbands][K];
        for (double[] row : noise) {
            java.util.Arrays.fill(row, 1);
        }
        return noise;
    }

    private static PgaSteps defaultSteps() {
        return new PgaSteps().setConstant(HybridPgaSolver.DEFAULT_OUTER, HybridPgaSolver.DEFAULT_INNER,
                HybridPgaSolver.DEFAULT_MU, HybridPgaSolver.DEFAULT_LAMBDA);
    }

    private static WidebandPga engine(CMatrix[] h, CMatrix psi, int m, double omega, PgaSteps steps, Sensing sensing) {
        WidebandPga pga = new WidebandPga();
        pga.prepare(h, noise(h.length), PT, m, psi);
        pga.setSensing(sensing);
        pga.setWeights(omega, 1.0 / h[0].rows());
        pga.setSteps(steps);
        return pga;
    }

    private static void assertFeasible(WidebandPga pga, int m, String where) {
        assertEquals(N, pga.analog().rows());
        assertEquals(m, pga.analog().cols());
        assertTrue(Kernels.unitModulusError(pga.analog()) <= UNIT_MODULUS_TOL, where + " unit modulus");
        for (int s = 0; s < pga.subbands(); s++) {
            assertEquals(PT, pga.power(s), POWER_REL_TOL * PT, where + " power of subband " + s);
        }
    }

    @Test
    void unitModulusAndPowerAfterEveryOuterIteration() {
        CMatrix psi = psi(N);
        int[][] cases = {{K, 0, 0}, {K, 1, 1}, {6, 0, 2}, {6, 1, 0}, {K, 2, 0}}; // M, sensing (2: squint Ψ_s), init
        for (int[] c : cases) {
            PgaSteps steps = new PgaSteps().setConstant(30, HybridPgaSolver.DEFAULT_INNER, HybridPgaSolver.DEFAULT_MU,
                    HybridPgaSolver.DEFAULT_LAMBDA);
            CMatrix[] h = channels(N, 4, 11);
            WidebandPga pga;
            if (c[1] == 2) {
                CMatrix[] psis = new CMatrix[4];
                for (int s = 0; s < 4; s++) {
                    psis[s] = new CMatrix().copyFrom(psi);
                    psis[s].scale(0.85 + 0.1 * s); // distinct per-subband targets
                }
                pga = new WidebandPga();
                pga.prepare(h, noise(4), PT, c[0], psis);
                pga.setSensing(Sensing.PER_SUBBAND);
                pga.setWeights(OMEGA, 1.0 / N);
                pga.setSteps(steps);
            } else {
                pga = engine(h, psi, c[0], OMEGA, steps, Sensing.values()[c[1]]);
            }
            pga.initialize(c[2], 1, TARGETS, 3, 5);
            assertFeasible(pga, c[0], "init");
            for (int i = 0; i < steps.outer(); i++) {
                pga.outerIteration(i);
                assertFeasible(pga, c[0], "M=" + c[0] + " sensing=" + c[1] + " init=" + c[2] + " outer " + i);
            }
        }
    }

    private static void assertClose(String what, CMatrix expected, CMatrix actual, double relTol) {
        assertEquals(expected.rows(), actual.rows(), what + " rows");
        assertEquals(expected.cols(), actual.cols(), what + " cols");
        double scale = Math.sqrt(expected.frobeniusNorm2());
        double diff = 0;
        for (int i = 0; i < expected.size(); i++) {
            diff = Math.max(diff, Math.hypot(expected.re[i] - actual.re[i], expected.im[i] - actual.im[i]));
        }
        assertTrue(diff <= relTol * scale, what + ": max deviation " + diff + " (‖·‖ = " + scale + ")");
    }

    /** Layer-varying steps (as in {@link HybridPgaTest#omegaZeroIsSeed001SumRatePga}). */
    private static PgaSteps varyingSteps(int outer, int inner, double mu, double lambda) {
        PgaSteps steps = new PgaSteps().resize(outer, inner);
        for (int i = 0; i < outer; i++) {
            for (int j = 0; j < inner; j++) {
                steps.setMu(i, j, mu * (1 + 0.1 * i + 0.05 * j));
            }
            steps.setLambda(i, lambda * (1 + 0.2 * i));
        }
        return steps;
    }

    /**
     * Runs {@link HybridPga} on (H, Ψ) and the wideband PGA on S copies of H and compares F and
     * every W_s with HybridPga's iterate after every layer.
     */
    private static void assertSameIterates(String what, int n, int m, int subbands, Sensing sensing, PgaSteps steps,
            int init, long seed) {
        CMatrix h = channels(n, 1, seed)[0];
        CMatrix psi = psi(n);
        double[] noise = {1, 0.7, 1.3, 0.9};
        HybridPga nb = new HybridPga();
        nb.prepare(h, noise, PT, m, psi);
        nb.setWeights(OMEGA, 1.0 / n);
        nb.setSteps(steps);
        nb.initialize(init, TARGETS, 3, seed);
        CMatrix[] hs = new CMatrix[subbands];
        double[][] noises = new double[subbands][];
        CMatrix[] w0 = new CMatrix[subbands];
        for (int s = 0; s < subbands; s++) {
            hs[s] = h;
            noises[s] = noise;
            w0[s] = nb.baseband();
        }
        WidebandPga wb = new WidebandPga();
        wb.prepare(hs, noises, PT, m, psi);
        wb.setSensing(sensing);
        wb.setWeights(OMEGA, 1.0 / n);
        wb.setSteps(steps);
        wb.start(nb.analog(), w0);
        for (int i = 0; i < steps.outer(); i++) {
            nb.outerIteration(i);
            wb.outerIteration(i);
            String where = what + " " + sensing + " S=" + subbands + " outer " + i;
            assertClose(where + " F", nb.analog(), wb.analog(), ITERATE_REL_TOL);
            for (int s = 0; s < subbands; s++) {
                assertClose(where + " W_" + s, nb.baseband(), wb.baseband(s), ITERATE_REL_TOL);
            }
        }
        double j = nb.objective();
        assertEquals(j, wb.objective(), 1e-9 * Math.abs(j), what + " final objective");
    }

    /** S = 1: the iterates are HybridPga's (same steps, no inner rescaling). */
    @Test
    void singleSubbandReproducesHybridPga() {
        for (Sensing sensing : Sensing.values()) {
            assertSameIterates("varying steps", 12, 4, 1, sensing, varyingSteps(4, 3, 0.05, 2e-3), HybridInitializer.COHERENT, 31);
            PgaSteps steps = new PgaSteps().setConstant(10, HybridPgaSolver.DEFAULT_INNER, HybridPgaSolver.DEFAULT_MU,
                    HybridPgaSolver.DEFAULT_LAMBDA);
            assertSameIterates("default steps", N, K, 1, sensing, steps, HybridInitializer.COHERENT, 32);
            assertSameIterates("M=6 random init", N, 6, 1, sensing, steps, HybridInitializer.RANDOM, 33);
        }
    }

    /** Identical subbands: the λ·S scaling of the W steps makes the iterates HybridPga's for any S. */
    @Test
    void identicalSubbandsReproduceHybridPga() {
        for (Sensing sensing : Sensing.values()) {
            assertSameIterates("varying steps", 12, 4, 3, sensing, varyingSteps(4, 3, 0.05, 2e-3), HybridInitializer.COHERENT, 41);
            PgaSteps steps = new PgaSteps().setConstant(10, HybridPgaSolver.DEFAULT_INNER, HybridPgaSolver.DEFAULT_MU,
                    HybridPgaSolver.DEFAULT_LAMBDA);
            assertSameIterates("default steps", N, K, 4, sensing, steps, HybridInitializer.COHERENT, 42);
        }
    }

    /**
     * Mirrors {@link HybridPgaTest#smallStepsGiveNonDecreasingObjective}: with small constant
     * steps J never falls from one outer iteration to the next, for ω = 0.3 and 0, J = 1 and 10,
     * N = 32 and 64, on S = 4 uncorrelated subbands, and ends above its start.
     */
    @Test
    void smallStepsGiveNonDecreasingObjective() {
        int outer = 40;
        double[] trace = new double[outer + 1];
        for (int n : new int[] {32, 64}) {
            CMatrix psi = psi(n);
            for (double omega : new double[] {OMEGA, 0}) {
                for (int inner : new int[] {1, 10}) {
                    PgaSteps steps = new PgaSteps().setConstant(outer, inner, SMALL_MU, SMALL_LAMBDA);
                    for (int c = 0; c < 4; c++) {
                        Sensing sensing = Sensing.values()[c % 2];
                        WidebandPga pga = engine(channels(n, 4, 5000 + c), psi, K, omega, steps, sensing);
                        pga.initialize(HybridInitializer.COHERENT, 0, TARGETS, 3, 1);
                        pga.run(trace);
                        for (int i = 0; i < outer; i++) {
                            assertTrue(trace[i + 1] >= trace[i] - MONOTONE_TOL * Math.abs(trace[i]),
                                    "N=" + n + " ω=" + omega + " J=" + inner + " " + sensing + " channel " + c + " outer "
                                            + i + ": " + trace[i] + " -> " + trace[i + 1]);
                        }
                        assertTrue(trace[outer] > trace[0], "no progress at N=" + n + " ω=" + omega + " J=" + inner);
                    }
                }
            }
        }
    }

    /** Mirrors {@link HybridPgaTest#objectiveIncreasesWithDefaultSteps} on S = 4 uncorrelated subbands. */
    @Test
    void objectiveIncreasesWithDefaultSteps() {
        CMatrix psi = psi(N);
        for (int c = 0; c < 6; c++) {
            Sensing sensing = Sensing.values()[c % 2];
            WidebandPga pga = engine(channels(N, 4, 1000 + c), psi, K, OMEGA, defaultSteps(), sensing);
            pga.initialize(HybridInitializer.COHERENT, 0, TARGETS, 3, 1);
            double before = pga.objective();
            pga.run(null);
            double after = pga.objective();
            assertTrue(after > before, sensing + " channel " + c + ": " + before + " -> " + after);
        }
    }

    @Test
    void outerIterationAllocatesNothingAfterWarmUp() {
        for (Sensing sensing : Sensing.values()) {
            PgaSteps steps = new PgaSteps().setConstant(4, HybridPgaSolver.DEFAULT_INNER, HybridPgaSolver.DEFAULT_MU,
                    HybridPgaSolver.DEFAULT_LAMBDA);
            WidebandPga pga = engine(channels(N, 3, 8), psi(N), K, OMEGA, steps, sensing);
            pga.initialize(HybridInitializer.COHERENT, 1, TARGETS, 3, 1);
            pga.run(2, null);
            com.sun.management.ThreadMXBean mx =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long tid = Thread.currentThread().threadId();
            long before = mx.getThreadAllocatedBytes(tid);
            pga.outerIteration(2);
            pga.outerIteration(3);
            pga.objective();
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertTrue(allocated < 1024, sensing + ": two outer iterations allocated " + allocated + " bytes");
        }
    }

    @Test
    void rejectsBadProblems() {
        CMatrix[] h = channels(16, 2, 3);
        WidebandPga pga = new WidebandPga();
        CMatrix psi = psi(16);
        assertThrows(IllegalArgumentException.class, () -> pga.prepare(h, noise(2), PT, K - 1, psi));
        assertThrows(IllegalArgumentException.class, () -> pga.prepare(h, noise(2), 0, K, psi));
        assertThrows(IllegalArgumentException.class, () -> pga.prepare(new CMatrix[0], new double[0][], PT, K, psi));
        pga.prepare(h, noise(2), PT, K, psi);
        assertThrows(IllegalArgumentException.class, () -> pga.start(new CMatrix(16, K), new CMatrix[] {new CMatrix(K, K)}));
        assertThrows(IndexOutOfBoundsException.class, () -> pga.baseband(2));
    }
}
