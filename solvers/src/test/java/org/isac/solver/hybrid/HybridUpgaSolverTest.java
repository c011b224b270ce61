package org.isac.solver.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.TestData;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.channel.SalehValenzuela;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.FastKernels;
import org.isac.solver.linalg.Kernels;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trained-steps solver {@code hybrid-upga} and its model files. */
@Tag("vector-width")
class HybridUpgaSolverTest {
    private static final int N = 32;
    private static final int K = 4;
    private static final double PT = Math.pow(10, 1.2);
    private static final double UNIT_MODULUS_TOL = 1e-12;
    private static final double POWER_REL_TOL = 1e-9;

    /** A model with per-layer steps that vary (not constant), I = 5, J = 3. */
    static HybridUpgaModel model(String name, int n, double omega) {
        int outer = 5, inner = 3;
        double[][] mu = new double[outer][inner];
        double[] lambda = new double[outer];
        for (int i = 0; i < outer; i++) {
            for (int j = 0; j < inner; j++) {
                mu[i][j] = 0.05 * (1 + 0.3 * i) / (1 + j);
            }
            lambda[i] = 1e-5 * (1 + i);
        }
        Map<String, String> info = new LinkedHashMap<>();
        info.put("training.dataset_seed", "7");
        info.put("validation.objective", "1.25");
        return new HybridUpgaModel(name, n, K, K, omega, 1.0 / n, false, new double[] {-60, 0, 60}, 2, mu, lambda, info);
    }

    private static double maxDiff(CMatrix a, CMatrix b) {
        assertEquals(a.rows(), b.rows());
        assertEquals(a.cols(), b.cols());
        double d = 0;
        for (int i = 0; i < a.size(); i++) {
            d = Math.max(d, Math.hypot(a.re[i] - b.re[i], a.im[i] - b.im[i]));
        }
        return d;
    }

    static Problem problem(int n, long seed) {
        Problem p = new Problem();
        new SalehValenzuela(n, K).draw(new SplittableRandom(seed), p.channel);
        p.setNoise(K, 1);
        p.powerBudgetW = PT;
        p.rfChains = K;
        p.tx = ArrayShape.ula(n);
        return p;
    }

    /**
     * The model works at the unit noise it was trained at: the problem (H, c·σ², c·P_t) gets the
     * same F, W scaled by √c, the same rate and objective, and τ scaled by c² — also when c
     * is far from 1, where the steps used as they are lower R − ωτ below the start.
     */
    @Test
    void theSolveIsTheSameAtEveryScaleOfPowerAndNoise() {
        for (int single = 0; single <= 1; single++) {
            Problem unit = problem(64, 11);
            unit.params.put("single_precision", single);
            Precoder a = new Precoder();
            new HybridUpgaSolver().solve(unit, a);
            // powers of two: c·P_t/c is P_t exactly, so even the float engine sees the same problem
            for (double c : new double[] {1.0 / 16, 1.0 / 1024, 256}) {
                Problem scaled = problem(64, 11);
                scaled.params.put("single_precision", single);
                scaled.setNoise(K, c);
                scaled.powerBudgetW = c * PT;
                Precoder b = new Precoder();
                new HybridUpgaSolver().solve(scaled, b);
                String at = "single=" + single + " c=" + c;
                assertEquals(0, maxDiff(a.analog, b.analog), 1e-5, at + ": F");
                CMatrix w = new CMatrix();
                w.copyFrom(a.baseband);
                w.scale(Math.sqrt(c));
                assertEquals(0, maxDiff(w, b.baseband) / Math.sqrt(c), 1e-5, at + ": W·√c");
                assertEquals(c * PT, b.effective(new CMatrix()).frobeniusNorm2(), 1e-9 * c * PT, at + ": meets P_t");
                assertEquals(a.predicted.get("sum_rate_bits", 0), b.predicted.get("sum_rate_bits", 1), 1e-6, at);
                assertEquals(a.predicted.get("objective", 0), b.predicted.get("objective", 1), 1e-6, at);
                assertEquals(a.predicted.get("tau", 0) * c * c, b.predicted.get("tau", 1), 1e-6 * c * c * (1 + a.predicted.get("tau", 0)), at);
            }
        }
    }

    /** At 0.4 λ the solver's Ψ (and start) are those of a 0.4 λ array: its τ is against Ψ(0.4), not Ψ(0.5). */
    @Test
    void theArraysSpacingIsHonoured() {
        Problem p = problem(N, 4);
        p.tx = ArrayShape.ula(N).withSpacing(0.4);
        p.params.put("single_precision", 0);
        Precoder out = new Precoder();
        new HybridUpgaSolver().solve(p, out);
        CMatrix x = out.effective(new CMatrix());
        CMatrix psi04 = new PsiCache().update(N, 0.4, PsiCache.DEFAULT_TARGETS_RAD, 3, 2, PT);
        CMatrix psi05 = new PsiCache().update(N, PsiCache.DEFAULT_TARGETS_RAD, 3, 2, PT);
        double tau = out.predicted.get("tau", Double.NaN);
        double against04 = org.isac.solver.metric.Metrics.beampatternError(x, psi04);
        assertEquals(against04, tau, 1e-9 * against04);
        assertTrue(Math.abs(org.isac.solver.metric.Metrics.beampatternError(x, psi05) - tau) > 1e-3 * tau);
    }

    /** In double precision the unfolded solver runs exactly the PGA engine with the model's steps. */
    @Test
    void matchesEngineWithTheModelsSteps() {
        HybridUpgaModel m = model("t", N, 0.3);
        Problem p = problem(N, 3);
        p.params.put("single_precision", 0);
        Precoder out = new Precoder();
        new HybridUpgaSolver(m).solve(p, out);

        CMatrix psi = new PsiCache().update(N, PsiCache.DEFAULT_TARGETS_RAD, 3, 2, PT);
        HybridPga pga = new HybridPga();
        pga.prepare(p.channel, p.noise, PT, K, psi);
        pga.setWeights(0.3, 1.0 / N);
        pga.setSteps(m.steps(new PgaSteps()));
        pga.initialize(HybridInitializer.COHERENT, PsiCache.DEFAULT_TARGETS_RAD, 3, 0);
        pga.run(null);
        for (int i = 0; i < N * K; i++) {
            assertEquals(pga.analog().re[i], out.analog.re[i], 0);
            assertEquals(pga.analog().im[i], out.analog.im[i], 0);
        }
        for (int i = 0; i < K * K; i++) {
            assertEquals(pga.baseband().re[i], out.baseband.re[i], 0);
            assertEquals(pga.baseband().im[i], out.baseband.im[i], 0);
        }
        assertEquals(5, out.iterations);
        assertTrue(Kernels.unitModulusError(out.analog) <= UNIT_MODULUS_TOL);
        assertEquals(PT, out.effective(new CMatrix()).frobeniusNorm2(), POWER_REL_TOL * PT);
        assertEquals(pga.objective(), out.predicted.get("objective", Double.NaN), 1e-12 * Math.abs(pga.objective()));
    }

    /** Constant trained steps reproduce hybrid-pga with the same I, J, μ, λ (both solvers, same problem). */
    @Test
    void constantStepsReproduceHybridPga() {
        double[][] mu = {{0.1, 0.1}, {0.1, 0.1}, {0.1, 0.1}};
        double[] lambda = {1e-5, 1e-5, 1e-5};
        HybridUpgaModel m = new HybridUpgaModel("c", N, K, K, 0.3, 1.0 / N, false, new double[] {-60, 0, 60}, 2, mu, lambda,
                Map.of());
        Problem p = problem(N, 4);
        p.params.put("single_precision", 0);
        Precoder a = new Precoder(), b = new Precoder();
        new HybridUpgaSolver(m).solve(p, a);
        Problem q = problem(N, 4);
        q.params.put("outer", 3);
        q.params.put("inner", 2);
        q.params.put("mu", 0.1);
        q.params.put("lambda", 1e-5);
        SolverRegistry.create("hybrid-pga").solve(q, b);
        for (int i = 0; i < N * K; i++) {
            assertEquals(b.analog.re[i], a.analog.re[i], 0);
            assertEquals(b.analog.im[i], a.analog.im[i], 0);
        }
        assertEquals(b.predicted.get("objective", 0), a.predicted.get("objective", 1), 0);
    }

    /** {@code layers} = L stops after L layers: the same as a model cut to its first L layers. */
    @Test
    void layersParameterTruncates() {
        HybridUpgaModel m = model("t", N, 0.3);
        Problem p = problem(N, 5);
        p.params.put("layers", 2);
        Precoder out = new Precoder();
        new HybridUpgaSolver(m).solve(p, out);
        assertEquals(2, out.iterations);
        double[][] mu = {{m.mu(0, 0), m.mu(0, 1), m.mu(0, 2)}, {m.mu(1, 0), m.mu(1, 1), m.mu(1, 2)}};
        HybridUpgaModel cut = new HybridUpgaModel("cut", N, K, K, 0.3, 1.0 / N, false, new double[] {-60, 0, 60}, 2, mu,
                new double[] {m.lambda(0), m.lambda(1)}, Map.of());
        Precoder ref = new Precoder();
        new HybridUpgaSolver(cut).solve(problem(N, 5), ref);
        assertEquals(ref.predicted.get("objective", 0), out.predicted.get("objective", 1), 0);
        p.params.put("layers", 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new HybridUpgaSolver(m).solve(p, out));
        assertTrue(e.getMessage().contains("layers"), e.getMessage());
    }

    @Test
    void refusesProblemsOfOtherSizesOrOmega() {
        HybridUpgaSolver s = new HybridUpgaSolver(model("n32", N, 0.3));
        Precoder out = new Precoder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.solve(problem(16, 1), out));
        assertTrue(e.getMessage().contains("trained for N=32, K=4, M=4") && e.getMessage().contains("N=16"), e.getMessage());
        Problem p = problem(N, 1);
        p.params.put("rf_chains", 5);
        e = assertThrows(IllegalArgumentException.class, () -> s.solve(p, out));
        assertTrue(e.getMessage().contains("M=5"), e.getMessage());
        Problem q = problem(N, 1);
        q.params.put("omega", 0.1);
        e = assertThrows(IllegalArgumentException.class, () -> s.solve(q, out));
        assertTrue(e.getMessage().contains("ω"), e.getMessage());
    }

    @Test
    void modelFileRoundTripsExactly() throws Exception {
        HybridUpgaModel m = model("round-trip", N, 0.3);
        StringWriter w = new StringWriter();
        m.toModelFile().write(w);
        HybridUpgaModel back = HybridUpgaModel.read(new StringReader(w.toString()), "test");
        assertEquals(m.name(), back.name());
        assertEquals(m.outer(), back.outer());
        assertEquals(m.inner(), back.inner());
        assertEquals(m.eta(), back.eta(), 0);
        for (int i = 0; i < m.outer(); i++) {
            for (int j = 0; j < m.inner(); j++) {
                assertEquals(m.mu(i, j), back.mu(i, j), 0);
            }
            assertEquals(m.lambda(i), back.lambda(i), 0);
        }
        assertEquals(m.info(), back.info());
        String broken = w.toString().replace("mu.3 = ", "mu.3 = 1, ");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HybridUpgaModel.read(new StringReader(broken), "broken"));
        assertTrue(e.getMessage().contains("mu.3"), e.getMessage());
    }

    @Test
    void loadsByPathAndNamesWhatIsShippedWhenAModelIsMissing(@TempDir Path dir) throws Exception {
        HybridUpgaModel m = model("on-disk", N, 0.3);
        Path file = dir.resolve("m.model");
        m.write(file);
        HybridUpgaSolver s = HybridUpgaSolver.load(file.toString());
        assertEquals("on-disk", s.model().name());
        Files.writeString(file, Files.readString(file).replace("kind = hybrid-upga", "kind = dnn-isac"));
        assertThrows(IllegalArgumentException.class, () -> HybridUpgaSolver.load(file.toString()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HybridUpgaSolver.load("no-such-model"));
        assertTrue(e.getMessage().contains("shipped"), e.getMessage());
    }

    @Test
    @Tag("allocation") // also run without type profiles: see pom.xml
    void solveAllocatesNothingAfterWarmUp() {
        assumeFalse(FastKernels.vectorWidthEmulated(), "an emulated vector width allocates by nature: " + FastKernels.status());
        for (int single = 0; single <= 1; single++) {
            Solver solver = new HybridUpgaSolver(model("t", N, 0.3));
            Problem p = problem(N, 8);
            p.params.put("single_precision", single);
            Precoder out = new Precoder();
            for (int i = 0; i < 5000; i++) { // until C2 has compiled the vector kernels (the interpreter boxes vectors)
                solver.solve(p, out);
            }
            // then blocks of 200 solves until one allocates (next to) nothing, at most 40: on a busy
            // machine C2's queue can hold a kernel past any fixed count; one that allocates per
            // call (or was compiled so that it does) allocates in every block
            long allocated = Long.MAX_VALUE;
            for (int block = 0; block < 40 && allocated >= 1024; block++) {
                long before = TestData.allocatedBytes();
                for (int i = 0; i < 200; i++) {
                    solver.solve(p, out);
                }
                allocated = TestData.allocatedBytes() - before;
            }
            long measured = allocated;
            int precision = single;
            assertTrue(measured < 1024, () -> "200 solves (single_precision=" + precision + ") allocated " + measured
                    + " bytes, at" + TestData.allocationSites(() -> {
                        for (int i = 0; i < 200; i++) {
                            solver.solve(p, out);
                        }
                    }));
        }
    }
}
