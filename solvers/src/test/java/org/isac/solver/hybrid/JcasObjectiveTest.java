package org.isac.solver.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.isac.solver.channel.SalehValenzuela;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;
import org.isac.solver.metric.Metrics;
import org.junit.jupiter.api.Test;

/**
 * Gradients of seed 000 eqs. (13), (14), (17), (18) against central finite differences of
 * independent oracles ({@link Metrics#sumRateBits}, {@link Metrics#beampatternError}), using
 * df = 2·Re⟨∇f, dX⟩ for random directions dX.
 */
class JcasObjectiveTest {
    private static final double FD_REL_TOL = 1e-6;
    private static final double VALUE_REL_TOL = 1e-10;

    /** One random instance: SV channel, non-unit-modulus F (gradients hold off the constraint set). */
    private static final class Instance {
        final CMatrix h = new CMatrix();
        final CMatrix f;
        final CMatrix w;
        final CMatrix psi;
        final double[] noise;

        Instance(long seed, int n, int k, int m) {
            SplittableRandom rng = new SplittableRandom(seed);
            new SalehValenzuela(n, k).draw(rng, h);
            f = random(rng, n, m, 1);
            w = random(rng, m, k, 0.3);
            CMatrix b = random(rng, n, 3, 0.5);
            psi = new CMatrix();
            Kernels.mulConjTransB(b, b, psi);
            noise = new double[k];
            for (int i = 0; i < k; i++) {
                noise[i] = 0.5 + rng.nextDouble();
            }
        }
    }

    static CMatrix random(SplittableRandom rng, int r, int c, double scale) {
        CMatrix a = new CMatrix(r, c);
        for (int i = 0; i < r * c; i++) {
            a.re[i] = scale * rng.nextGaussian();
            a.im[i] = scale * rng.nextGaussian();
        }
        return a;
    }

    private static double rateOracle(Instance in, CMatrix f, CMatrix w) {
        CMatrix x = new CMatrix();
        Kernels.mul(f, w, x);
        return Metrics.sumRateBits(in.h, x, in.noise, new double[in.noise.length]);
    }

    private static double tauOracle(Instance in, CMatrix f, CMatrix w) {
        CMatrix x = new CMatrix();
        Kernels.mul(f, w, x);
        return Metrics.beampatternError(x, in.psi);
    }

    private interface Fn {
        double at(Instance in, CMatrix f, CMatrix w);
    }

    private interface Grad {
        void into(JcasObjective o, CMatrix f, CMatrix w, CMatrix out);
    }

    /** Checks ∇ against FD for perturbations of F (wrtF) or W. */
    private static void check(String name, Fn fn, Grad grad, boolean wrtF) {
        int[][] shapes = {{16, 3, 4}, {64, 4, 4}, {32, 2, 5}};
        for (int s = 0; s < shapes.length; s++) {
            Instance in = new Instance(100 + s, shapes[s][0], shapes[s][1], shapes[s][2]);
            JcasObjective o = new JcasObjective();
            o.bind(in.h, in.noise, in.psi);
            CMatrix g = new CMatrix();
            grad.into(o, in.f, in.w, g);
            SplittableRandom rng = new SplittableRandom(500 + s);
            for (int dir = 0; dir < 5; dir++) {
                CMatrix base = wrtF ? in.f : in.w;
                CMatrix dx = random(rng, base.rows(), base.cols(), 1);
                dx.scale(Math.sqrt(base.frobeniusNorm2() / dx.frobeniusNorm2()));
                double eps = 1e-5;
                CMatrix plus = new CMatrix().copyFrom(base);
                Kernels.addScaled(plus, eps, dx);
                CMatrix minus = new CMatrix().copyFrom(base);
                Kernels.addScaled(minus, -eps, dx);
                double fp = wrtF ? fn.at(in, plus, in.w) : fn.at(in, in.f, plus);
                double fm = wrtF ? fn.at(in, minus, in.w) : fn.at(in, in.f, minus);
                double numeric = (fp - fm) / (2 * eps);
                double analytic = 2 * Kernels.realInner(g, dx);
                double rel = Math.abs(numeric - analytic) / Math.max(Math.abs(analytic), 1e-300);
                assertTrue(rel < FD_REL_TOL, name + " shape " + s + " dir " + dir + ": analytic " + analytic
                        + " numeric " + numeric + " rel " + rel);
            }
        }
    }

    @Test
    void gradRateF() {
        check("∇_F R", JcasObjectiveTest::rateOracle, JcasObjective::gradRateF, true);
    }

    @Test
    void gradRateW() {
        check("∇_W R", JcasObjectiveTest::rateOracle, JcasObjective::gradRateW, false);
    }

    @Test
    void gradTauF() {
        check("∇_F τ", JcasObjectiveTest::tauOracle, JcasObjective::gradTauF, true);
    }

    @Test
    void gradTauW() {
        check("∇_W τ", JcasObjectiveTest::tauOracle, JcasObjective::gradTauW, false);
    }

    /** The fused ascent directions equal ∇R − ω∇τ (and − ωη∇τ for W) from the separate gradients. */
    /** The default (vector when available) kernels against the plain scalar oracle, and a rebind at a new Ψ version. */
    @Test
    void fastKernelsMatchScalarOracle() {
        int[][] shapes = {{16, 3, 4}, {64, 4, 4}, {32, 2, 5}};
        for (int s = 0; s < shapes.length; s++) {
            Instance in = new Instance(300 + s, shapes[s][0], shapes[s][1], shapes[s][2]);
            JcasObjective fast = new JcasObjective();
            JcasObjective oracle = new JcasObjective();
            oracle.useKernels(org.isac.solver.linalg.FastKernels.scalar());
            fast.bind(in.h, in.noise, in.psi, 1);
            oracle.bind(in.h, in.noise, in.psi);
            CMatrix a = new CMatrix(), b = new CMatrix();
            double va = fast.ascentF(in.f, in.w, 0.3, a), vb = oracle.ascentF(in.f, in.w, 0.3, b);
            assertEquals(vb, va, 1e-12 * Math.abs(vb));
            assertClose(b, a, 1e-12);
            va = fast.ascentW(in.f, in.w, 0.3, 0.1, a);
            vb = oracle.ascentW(in.f, in.w, 0.3, 0.1, b);
            assertEquals(vb, va, 1e-12 * Math.abs(vb));
            assertClose(b, a, 1e-12);
            // Ψ changes in place: a new version must recompute ‖Ψ‖²_F
            in.psi.scale(2);
            fast.bind(in.h, in.noise, in.psi, 2);
            oracle.bind(in.h, in.noise, in.psi);
            assertEquals(oracle.tau(in.f, in.w), fast.tau(in.f, in.w), 1e-12 * oracle.tau(in.f, in.w));
        }
    }

    private static void assertClose(CMatrix expected, CMatrix actual, double rel) {
        double scale = Math.sqrt(expected.frobeniusNorm2());
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.re[i], actual.re[i], rel * scale);
            assertEquals(expected.im[i], actual.im[i], rel * scale);
        }
    }

    @Test
    void fusedAscentDirectionsMatchSeparateGradients() {
        Instance in = new Instance(7, 64, 4, 4);
        JcasObjective o = new JcasObjective();
        o.bind(in.h, in.noise, in.psi);
        double omega = 0.3, eta = 1.0 / 64;
        CMatrix gr = new CMatrix(), gt = new CMatrix(), fused = new CMatrix();
        double obj = o.ascentF(in.f, in.w, omega, fused);
        o.gradRateF(in.f, in.w, gr);
        o.gradTauF(in.f, in.w, gt);
        Kernels.addScaled(gr, -omega, gt);
        Kernels.addScaled(gr, -1, fused);
        assertTrue(Math.sqrt(gr.frobeniusNorm2() / fused.frobeniusNorm2()) < 1e-12);
        assertEquals(rateOracle(in, in.f, in.w) - omega * tauOracle(in, in.f, in.w), obj, VALUE_REL_TOL * Math.abs(obj));

        o.ascentW(in.f, in.w, omega, eta, fused);
        o.gradRateW(in.f, in.w, gr);
        o.gradTauW(in.f, in.w, gt);
        Kernels.addScaled(gr, -omega * eta, gt);
        Kernels.addScaled(gr, -1, fused);
        assertTrue(Math.sqrt(gr.frobeniusNorm2() / fused.frobeniusNorm2()) < 1e-12);
    }

    @Test
    void valuesMatchMetrics() {
        Instance in = new Instance(9, 32, 4, 6);
        JcasObjective o = new JcasObjective();
        o.bind(in.h, in.noise, in.psi);
        double r = rateOracle(in, in.f, in.w), tau = tauOracle(in, in.f, in.w);
        assertEquals(r, o.sumRateBits(in.f, in.w), VALUE_REL_TOL * r);
        assertEquals(tau, o.tau(in.f, in.w), VALUE_REL_TOL * tau);
    }
}
