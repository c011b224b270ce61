package org.isac.solver.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.channel.SalehValenzuela;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;
import org.isac.solver.metric.Metrics;
import org.isac.solver.radar.BenchmarkCovariance;
import org.isac.solver.radar.DesiredBeampattern;
import org.isac.solver.radar.HermitianEigen;
import org.junit.jupiter.api.Test;

/** Properties of the modified PGA (seed 000 Alg. 1) and of the {@code hybrid-pga} solver. */
class HybridPgaTest {
    private static final int N = 64;
    private static final int K = 4;
    private static final double SNR_DB = 12;
    private static final double PT = Math.pow(10, SNR_DB / 10);
    private static final double OMEGA = 0.3;
    private static final double UNIT_MODULUS_TOL = 1e-12;
    private static final double POWER_REL_TOL = 1e-9;
    private static final double[] TARGETS = {Math.toRadians(-60), 0, Math.toRadians(60)};
    private static final double[] NOISE = {1, 1, 1, 1};

    private static CMatrix psi() {
        CMatrix psi = new CMatrix();
        BenchmarkCovariance.cached(N, DesiredBeampattern.authorsDefault()).psi(PT, psi);
        return psi;
    }

    private static CMatrix channel(long seed) {
        CMatrix h = new CMatrix();
        new SalehValenzuela(N, K).draw(new SplittableRandom(seed), h);
        return h;
    }

    private static HybridPga engine(CMatrix h, CMatrix psi, int m, double omega, PgaSteps steps, boolean rescale) {
        HybridPga pga = new HybridPga();
        pga.prepare(h, NOISE, PT, m, psi);
        pga.setWeights(omega, 1.0 / N);
        pga.setSteps(steps);
        pga.setRescaleInner(rescale);
        return pga;
    }

    private static PgaSteps defaultSteps() {
        return new PgaSteps().setConstant(HybridPgaSolver.DEFAULT_OUTER, HybridPgaSolver.DEFAULT_INNER,
                HybridPgaSolver.DEFAULT_MU, HybridPgaSolver.DEFAULT_LAMBDA);
    }

    @Test
    void unitModulusAndPowerAfterEveryOuterIteration() {
        CMatrix psi = psi();
        int[][] cases = {{K, 0, 0}, {K, 1, 1}, {6, 0, 2}, {6, 1, 0}}; // M, rescale_inner, init
        for (int[] c : cases) {
            PgaSteps steps = new PgaSteps().setConstant(30, HybridPgaSolver.DEFAULT_INNER, HybridPgaSolver.DEFAULT_MU,
                    HybridPgaSolver.DEFAULT_LAMBDA);
            HybridPga pga = engine(channel(11), psi, c[0], OMEGA, steps, c[1] == 1);
            pga.initialize(c[2], TARGETS, 3, 5);
            assertTrue(ComplexOps.unitModulusError(pga.analog()) <= UNIT_MODULUS_TOL, "init");
            assertEquals(PT, pga.power(), POWER_REL_TOL * PT, "init power");
            for (int i = 0; i < steps.outer(); i++) {
                pga.outerIteration(i);
                String where = "M=" + c[0] + " rescale=" + c[1] + " init=" + c[2] + " outer " + i;
                assertEquals(N, pga.analog().rows());
                assertEquals(c[0], pga.analog().cols());
                assertTrue(ComplexOps.unitModulusError(pga.analog()) <= UNIT_MODULUS_TOL, where);
                assertEquals(PT, pga.power(), POWER_REL_TOL * PT, where);
            }
        }
    }

    /** Default steps: R − ωτ at the end exceeds R − ωτ at the eq. (26) init on every instance. */
    @Test
    void objectiveIncreasesWithDefaultSteps() {
        CMatrix psi = psi();
        double gain = 0;
        for (int s = 0; s < 12; s++) {
            HybridPga pga = engine(channel(1000 + s), psi, K, OMEGA, defaultSteps(), false);
            pga.initialize(HybridInitializer.COHERENT, TARGETS, 3, 1);
            double before = pga.objective();
            pga.run(null);
            double after = pga.objective();
            assertTrue(after > before, "channel " + s + ": " + before + " -> " + after);
            gain += (after - before) / 12;
        }
        assertTrue(gain > 1, "mean objective gain " + gain);
    }

    /** ω = 0 (seed 001): the PGA raises the sum rate above the eq. (26) init. */
    @Test
    void sumRateOnlyDesignImprovesRate() {
        CMatrix psi = psi();
        for (int s = 0; s < 12; s++) {
            HybridPga pga = engine(channel(2000 + s), psi, K, 0, defaultSteps(), false);
            pga.initialize(HybridInitializer.COHERENT, TARGETS, 3, 1);
            double before = pga.sumRateBits();
            pga.run(null);
            double after = pga.sumRateBits();
            assertTrue(after > before, "channel " + s + ": " + before + " -> " + after + " bits");
        }
    }

    /** Eq. (26) starts from a higher sum rate than the random init, on average (Fig. 5). */
    @Test
    void coherentInitBeatsRandomInitOnAverage() {
        HybridInitializer init = new HybridInitializer();
        CMatrix f = new CMatrix(), w = new CMatrix(), x = new CMatrix();
        double[] scratch = new double[K];
        double coherent = 0, random = 0, svd = 0;
        int count = 30;
        for (int s = 0; s < count; s++) {
            CMatrix h = channel(3000 + s);
            init.initialize(HybridInitializer.COHERENT, h, PT, K, TARGETS, 3, 0, f, w);
            Kernels.mul(f, w, x);
            coherent += Metrics.sumRateBits(h, x, NOISE, scratch) / count;
            init.initialize(HybridInitializer.RANDOM, h, PT, K, TARGETS, 3, s, f, w);
            Kernels.mul(f, w, x);
            random += Metrics.sumRateBits(h, x, NOISE, scratch) / count;
            init.initialize(HybridInitializer.SVD, h, PT, K, TARGETS, 3, 0, f, w);
            Kernels.mul(f, w, x);
            svd += Metrics.sumRateBits(h, x, NOISE, scratch) / count;
        }
        assertTrue(coherent > random + 1, "eq. (26) " + coherent + " vs random " + random + " bits");
        assertTrue(svd > random, "SVD " + svd + " vs random " + random + " bits");
    }

    /** Random init: W₀ zero-forces the effective channel HᴴF₀. */
    @Test
    void randomInitZeroForcesEffectiveChannel() {
        HybridInitializer init = new HybridInitializer();
        CMatrix h = channel(4), f = new CMatrix(), w = new CMatrix(), x = new CMatrix(), e = new CMatrix();
        init.initialize(HybridInitializer.RANDOM, h, PT, 5, TARGETS, 3, 9, f, w);
        Kernels.mul(f, w, x);
        Kernels.mulConjTransA(h, x, e);
        double diag = Math.hypot(e.re(0, 0), e.im(0, 0));
        for (int a = 0; a < K; a++) {
            for (int b = 0; b < K; b++) {
                if (a != b) {
                    assertTrue(Math.hypot(e.re(a, b), e.im(a, b)) < 1e-10 * diag, "leak " + a + "," + b);
                }
            }
        }
    }

    /** The subspace iteration of the SVD-based init finds the eigenvectors EJML's solver finds. */
    @Test
    void svdInitEigenvectorsMatchOracle() {
        HybridInitializer init = new HybridInitializer();
        CMatrix h = channel(77), gram = new CMatrix();
        Kernels.mulConjTransA(h, h, gram);
        init.dominantEigenvectors(gram, K);
        CMatrix q = init.eigenvectors();
        double[] vals = new double[K];
        CMatrix oracle = new CMatrix();
        HermitianEigen.dominant(gram, K, vals, oracle);
        for (int c = 0; c < K; c++) {
            double dr = 0, di = 0;
            for (int i = 0; i < K; i++) {
                dr += q.re(i, c) * oracle.re(i, c) + q.im(i, c) * oracle.im(i, c);
                di += q.re(i, c) * oracle.im(i, c) - q.im(i, c) * oracle.re(i, c);
            }
            assertEquals(1, Math.hypot(dr, di), 1e-8, "eigenvector " + c + " (λ = " + vals[c] + ")");
        }
    }

    private static Problem problem(long seed) {
        Problem p = new Problem();
        p.channel.copyFrom(channel(seed));
        p.setNoise(K, 1);
        p.powerBudgetW = PT;
        p.rfChains = K;
        p.tx = ArrayShape.ula(N);
        return p;
    }

    @Test
    void solverFillsPrecoderAndPredictions() {
        Solver solver = SolverRegistry.create("hybrid-pga");
        assertEquals("hybrid-pga", solver.name());
        Problem p = problem(5);
        p.params.put("outer", 20);
        Precoder out = new Precoder();
        solver.solve(p, out);
        assertTrue(out.isHybrid());
        assertEquals(N, out.analog.rows());
        assertEquals(K, out.analog.cols());
        assertEquals(K, out.baseband.rows());
        assertEquals(K, out.baseband.cols());
        assertEquals(20, out.iterations);
        assertTrue(ComplexOps.unitModulusError(out.analog) <= UNIT_MODULUS_TOL);
        CMatrix x = out.effective(new CMatrix());
        assertEquals(PT, x.frobeniusNorm2(), POWER_REL_TOL * PT);
        double rate = Metrics.sumRateBits(p.channel, x, p.noise, new double[K]);
        double tau = Metrics.beampatternError(x, psi());
        assertEquals(rate, out.predicted.get("sum_rate_bits", Double.NaN), 1e-9 * rate);
        assertEquals(tau, out.predicted.get("tau", Double.NaN), 1e-9 * tau);
        assertEquals(rate - OMEGA * tau, out.predicted.get("objective", Double.NaN), 1e-9 * tau);
    }

    @Test
    void solverHonoursParameters() {
        Solver solver = SolverRegistry.create("hybrid-pga");
        Problem p = problem(6);
        p.params.put("outer", 3);
        p.params.put("rf_chains", 6);
        p.params.put("init", 2);
        p.params.put("rescale_inner", 1);
        p.params.put("omega", 0);
        Precoder out = new Precoder();
        solver.solve(p, out);
        assertEquals(6, out.analog.cols());
        assertEquals(3, out.iterations);
        assertEquals(out.predicted.get("sum_rate_bits", 0), out.predicted.get("objective", 1), 1e-12);
        p.params.put("init", 3);
        assertThrows(IllegalArgumentException.class, () -> solver.solve(p, out));
        p.params.put("init", 0);
        p.params.put("rf_chains", 3);
        assertThrows(IllegalArgumentException.class, () -> solver.solve(p, out));
        p.params.put("rf_chains", 4);
        p.params.put("mu", -1);
        assertThrows(IllegalArgumentException.class, () -> solver.solve(p, out));
    }

    @Test
    void solveAllocatesNothingAfterWarmUp() {
        Solver solver = SolverRegistry.create("hybrid-pga");
        Problem p = problem(8);
        p.params.put("outer", 20);
        p.targets.add(Math.toRadians(-60), 0, 1, 0);
        p.targets.add(0, 0, 1, 0);
        p.targets.add(Math.toRadians(60), 0, 1, 0);
        Precoder out = new Precoder();
        for (int i = 0; i < 3; i++) {
            solver.solve(p, out);
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        solver.solve(p, out);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 1024, "solve allocated " + allocated + " bytes");
    }
}
