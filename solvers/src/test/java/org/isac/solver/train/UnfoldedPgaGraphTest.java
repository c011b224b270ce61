package org.isac.solver.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.isac.solver.TestData;
import org.isac.solver.channel.SalehValenzuela;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;
import org.isac.solver.metric.Metrics;
import org.isac.solver.train.ad.Tape;
import org.isac.solver.train.ad.Tape.Node;
import org.junit.jupiter.api.Test;

class UnfoldedPgaGraphTest {
    private static final double REL_TOL = 1e-6;

    static UnfoldedPgaGraph.Sample sample(long seed, int n, int k, int m, double powerW) {
        SplittableRandom rng = new SplittableRandom(seed);
        CMatrix h = new CMatrix();
        new SalehValenzuela(n, k).draw(rng, h);
        CMatrix f = TestData.gaussian(rng, n, m);
        for (int i = 0; i < f.size(); i++) {
            double a = Math.hypot(f.re[i], f.im[i]);
            f.re[i] /= a;
            f.im[i] /= a;
        }
        CMatrix w = TestData.gaussian(rng, m, k);
        CMatrix x = new CMatrix();
        Kernels.mul(f, w, x);
        w.scale(Math.sqrt(powerW / x.frobeniusNorm2()));
        CMatrix b = TestData.gaussian(rng, n, 3);
        CMatrix psi = new CMatrix();
        Kernels.mul(b, adjoint(b), psi);
        psi.scale(powerW / n);
        double[] noise = new double[k];
        java.util.Arrays.fill(noise, 1.0);
        return new UnfoldedPgaGraph.Sample(h, noise, powerW, psi, f, w);
    }

    static CMatrix adjoint(CMatrix a) {
        CMatrix c = new CMatrix(a.cols(), a.rows());
        for (int r = 0; r < a.rows(); r++) {
            for (int col = 0; col < a.cols(); col++) {
                c.set(col, r, a.re(r, col), -a.im(r, col));
            }
        }
        return c;
    }

    private static double objective(UnfoldedPgaGraph.Sample s, CMatrix f, CMatrix w, double omega) {
        CMatrix x = new CMatrix();
        Kernels.mul(f, w, x);
        double r = Metrics.sumRateBits(s.channel(), x, s.noise(), new double[s.noise().length]);
        return r - omega * Metrics.beampatternError(x, s.psi());
    }

    /** The closed-form gradients inside a layer satisfy df = 2·Re⟨∇f, dX⟩ for f = R − ωτ. */
    @Test
    void layerGradientsMatchFiniteDifferences() {
        UnfoldedPgaGraph.Sample s = sample(1, 16, 3, 4, 4.0);
        double omega = 0.3;
        SplittableRandom rng = new SplittableRandom(2);
        Tape t = new Tape();
        Node h = t.constant(s.channel());
        Node psi = t.constant(s.psi());
        Node gf = UnfoldedPgaGraph.gradF(t, h, t.adj(h), psi, t.constant(s.f0()), t.constant(s.w0()), s.noise(), omega);
        Node gw = UnfoldedPgaGraph.gradW(t, h, t.adj(h), psi, t.constant(s.f0()), t.constant(s.w0()), s.noise(), omega);
        for (int trial = 0; trial < 3; trial++) {
            CMatrix df = TestData.gaussian(rng, 16, 4), dw = TestData.gaussian(rng, 4, 3);
            double eps = 1e-6;
            double fdF = (objective(s, axpy(s.f0(), eps, df), s.w0(), omega) - objective(s, axpy(s.f0(), -eps, df), s.w0(), omega)) / (2 * eps);
            double fdW = (objective(s, s.f0(), axpy(s.w0(), eps, dw), omega) - objective(s, s.f0(), axpy(s.w0(), -eps, dw), omega)) / (2 * eps);
            assertClose("∇_F(R − ωτ)", 2 * reInner(gf.value(), df), fdF);
            assertClose("∇_W(R − ωτ)", 2 * reInner(gw.value(), dw), fdW);
        }
    }

    /** dℒ/dμ(i,j) and dℒ/dλ(i) by reverse mode against central differences of the whole unrolled model. */
    @Test
    void stepGradientsMatchFiniteDifferences() {
        for (boolean rescale : new boolean[] {false, true}) {
            UnfoldedPgaGraph.Shape shape = new UnfoldedPgaGraph.Shape(3, 2, 0.3, 1.0 / 16, rescale);
            UnfoldedPgaGraph.Sample s = sample(3, 16, 3, 4, 4.0);
            double[][] mu = {{1e-2, 2e-2}, {1.5e-2, 1e-2}, {5e-3, 1e-2}};
            double[] lambda = {1e-3, 2e-3, 1e-3};
            Tape t = new Tape();
            Node[][] muN = new Node[3][2];
            Node[] laN = new Node[3];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 2; j++) {
                    muN[i][j] = t.variable(mu[i][j]);
                }
                laN[i] = t.variable(lambda[i]);
            }
            UnfoldedPgaGraph.Result r = UnfoldedPgaGraph.build(t, shape, s, muN, laN);
            t.backward(r.loss());
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 2; j++) {
                    double h = mu[i][j] * 1e-5;
                    double[][] up = copy(mu), dn = copy(mu);
                    up[i][j] += h;
                    dn[i][j] -= h;
                    double fd = (loss(shape, s, up, lambda) - loss(shape, s, dn, lambda)) / (2 * h);
                    assertClose("dℒ/dμ(" + i + "," + j + ") rescale=" + rescale, muN[i][j].grad().re[0], fd);
                }
                double h = lambda[i] * 1e-5;
                double[] up = lambda.clone(), dn = lambda.clone();
                up[i] += h;
                dn[i] -= h;
                double fd = (loss(shape, s, mu, up) - loss(shape, s, mu, dn)) / (2 * h);
                assertClose("dℒ/dλ(" + i + ") rescale=" + rescale, laN[i].grad().re[0], fd);
            }
        }
    }

    /** The graph's rate and τ agree with the plain metrics at its output. */
    @Test
    void reportedMetricsMatchPlainMetrics() {
        UnfoldedPgaGraph.Shape shape = new UnfoldedPgaGraph.Shape(2, 1, 0.3, 1.0 / 16, false);
        UnfoldedPgaGraph.Sample s = sample(4, 16, 3, 4, 4.0);
        Tape t = new Tape();
        Node[][] mu = {{t.constant(1e-2)}, {t.constant(1e-2)}};
        Node[] la = {t.constant(1e-3), t.constant(1e-3)};
        UnfoldedPgaGraph.Result r = UnfoldedPgaGraph.build(t, shape, s, mu, la);
        CMatrix x = new CMatrix();
        Kernels.mul(r.f().value(), r.w().value(), x);
        assertClose("power", s.powerW(), x.frobeniusNorm2());
        assertClose("rate", Metrics.sumRateBits(s.channel(), x, s.noise(), new double[3]), r.rate().scalar());
        assertClose("tau", Metrics.beampatternError(x, s.psi()), r.tau().scalar());
        for (int i = 0; i < r.f().value().size(); i++) {
            assertClose("unit modulus", 1.0, Math.hypot(r.f().value().re[i], r.f().value().im[i]));
        }
    }

    private static double loss(UnfoldedPgaGraph.Shape shape, UnfoldedPgaGraph.Sample s, double[][] mu, double[] lambda) {
        Tape t = new Tape();
        Node[][] m = new Node[mu.length][];
        Node[] l = new Node[lambda.length];
        for (int i = 0; i < mu.length; i++) {
            m[i] = new Node[mu[i].length];
            for (int j = 0; j < mu[i].length; j++) {
                m[i][j] = t.constant(mu[i][j]);
            }
            l[i] = t.constant(lambda[i]);
        }
        return UnfoldedPgaGraph.build(t, shape, s, m, l).loss().scalar();
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    private static void assertClose(String what, double analytic, double numeric) {
        double scale = Math.max(1e-6, Math.max(Math.abs(analytic), Math.abs(numeric)));
        assertTrue(Math.abs(analytic - numeric) / scale < REL_TOL, what + ": " + analytic + " vs " + numeric);
    }

    private static double reInner(CMatrix g, CMatrix d) {
        double s = 0;
        for (int i = 0; i < d.size(); i++) {
            s += g.re[i] * d.re[i] + g.im[i] * d.im[i];
        }
        return s;
    }

    private static CMatrix axpy(CMatrix x, double h, CMatrix d) {
        CMatrix c = new CMatrix().copyFrom(x);
        for (int i = 0; i < c.size(); i++) {
            c.re[i] += h * d.re[i];
            c.im[i] += h * d.im[i];
        }
        return c;
    }
}
