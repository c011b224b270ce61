package org.isac.solver.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.isac.solver.TestData;
import org.isac.solver.channel.SalehValenzuela;
import org.isac.solver.hybrid.WidebandJcasObjective;
import org.isac.solver.hybrid.WidebandPga;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;
import org.isac.solver.train.ad.Tape;
import org.isac.solver.train.ad.Tape.Node;
import org.junit.jupiter.api.Test;

/**
 * The unrolled wideband PGA on the tape: its forward pass against the double engine
 * {@link WidebandPga} (whose gradients {@code WidebandJcasObjectiveTest} checks by finite
 * differences), its in-layer F direction against {@link WidebandJcasObjective#ascentF}, and the
 * training gradient dℒ/dθ (θ = log-steps, what Adam sees) by reverse mode against central
 * finite differences of the whole unrolled model.
 */
class UnfoldedWidebandPgaGraphTest {
    private static final double FD_REL_TOL = 1e-6;

    static UnfoldedWidebandPgaGraph.Sample sample(long seed, int subbands, int n, int k, int m, double powerW) {
        SplittableRandom rng = new SplittableRandom(seed);
        CMatrix[] h = new CMatrix[subbands];
        CMatrix[] w = new CMatrix[subbands];
        double[][] noise = new double[subbands][k];
        CMatrix f = TestData.gaussian(rng, n, m);
        for (int i = 0; i < f.size(); i++) {
            double a = Math.hypot(f.re[i], f.im[i]);
            f.re[i] /= a;
            f.im[i] /= a;
        }
        CMatrix x = new CMatrix();
        for (int s = 0; s < subbands; s++) {
            h[s] = new CMatrix();
            new SalehValenzuela(n, k).draw(rng, h[s]);
            w[s] = TestData.gaussian(rng, m, k);
            Kernels.mul(f, w[s], x);
            w[s].scale(Math.sqrt(powerW / x.frobeniusNorm2()));
            for (int u = 0; u < k; u++) {
                noise[s][u] = 0.7 + 0.6 * rng.nextDouble();
            }
        }
        CMatrix b = TestData.gaussian(rng, n, 3);
        CMatrix psi = new CMatrix();
        Kernels.mulConjTransB(b, b, psi);
        psi.scale(powerW / n);
        return new UnfoldedWidebandPgaGraph.Sample(h, noise, powerW, psi, f, w);
    }

    private static Node[][] constants(Tape t, double[][] mu) {
        Node[][] m = new Node[mu.length][];
        for (int i = 0; i < mu.length; i++) {
            m[i] = new Node[mu[i].length];
            for (int j = 0; j < mu[i].length; j++) {
                m[i][j] = t.constant(mu[i][j]);
            }
        }
        return m;
    }

    private static Node[] constants(Tape t, double[] lambda) {
        Node[] l = new Node[lambda.length];
        for (int i = 0; i < lambda.length; i++) {
            l[i] = t.constant(lambda[i]);
        }
        return l;
    }

    /** The unrolled graph computes exactly the iterates of {@link WidebandPga} (S = 1, 3, 5; M < SK and M ≥ SK). */
    @Test
    void forwardPassIsTheWidebandPga() {
        double[][] mu = {{2e-2, 1e-2}, {1.5e-2, 1e-2}, {5e-3, 8e-3}};
        double[] lambda = {2e-3, 1e-3, 1.5e-3};
        UnfoldedPgaGraph.Shape shape = new UnfoldedPgaGraph.Shape(3, 2, 0.3, 1.0 / 16, false);
        for (int subbands : new int[] {1, 3, 5}) {
            UnfoldedWidebandPgaGraph.Sample s = sample(10 + subbands, subbands, 16, 3, 4, 4.0);
            Tape t = new Tape();
            UnfoldedWidebandPgaGraph.Result r = UnfoldedWidebandPgaGraph.build(t, shape, s, constants(t, mu), constants(t, lambda));
            WidebandPga pga = new WidebandPga();
            pga.prepare(s.channels(), s.noise(), s.powerW(), 4, s.psi());
            pga.setWeights(shape.omega(), shape.eta());
            pga.setSteps(HybridUpgaTraining.toSteps(mu, lambda));
            pga.start(s.f0(), s.w0());
            pga.run(null);
            assertMatrixClose("F, S=" + subbands, pga.analog(), r.f().value(), 1e-9);
            for (int b = 0; b < subbands; b++) {
                assertMatrixClose("W_" + b + ", S=" + subbands, pga.baseband(b), r.w()[b].value(), 1e-9);
            }
            assertClose("loss = -J, S=" + subbands, -pga.objective(), r.loss().scalar(), 1e-9);
            assertClose("rate, S=" + subbands, pga.sumRateBits(), r.rate().scalar(), 1e-9);
        }
    }

    /** The in-layer F direction equals {@link WidebandJcasObjective#ascentF} (finite-difference checked there). */
    @Test
    void layerDirectionIsTheObjectiveGradient() {
        UnfoldedWidebandPgaGraph.Sample s = sample(21, 4, 16, 2, 3, 3.0);
        Tape t = new Tape();
        Node[] h = new Node[4], hAdj = new Node[4], w = new Node[4];
        for (int b = 0; b < 4; b++) {
            h[b] = t.constant(s.channels()[b]);
            hAdj[b] = t.adj(h[b]);
            w[b] = t.constant(s.w0()[b]);
        }
        Node g = UnfoldedWidebandPgaGraph.gradF(t, h, hAdj, t.constant(s.psi()), t.constant(s.f0()), w,
                UnfoldedWidebandPgaGraph.meanGram(t, w), s.noise(), 0.3);
        WidebandJcasObjective o = new WidebandJcasObjective();
        o.bind(s.channels(), s.noise(), s.psi());
        CMatrix ref = new CMatrix();
        o.ascentF(s.f0(), s.w0(), 0.3, ref);
        assertMatrixClose("grad_F J", ref, g.value(), 1e-10);
    }

    /** dℒ/dθ of the trainer (θ = log μ, log λ) against central differences in θ, S = 1 and S = 3. */
    @Test
    void trainingGradientMatchesFiniteDifferences() {
        UnfoldedPgaGraph.Shape shape = new UnfoldedPgaGraph.Shape(3, 2, 0.3, 1.0 / 16, false);
        double[][] mu = {{1e-2, 2e-2}, {1.5e-2, 1e-2}, {5e-3, 1e-2}};
        double[] lambda = {1e-3, 2e-3, 1e-3};
        for (int subbands : new int[] {1, 3}) {
            UnfoldedWidebandPgaGraph.Sample s = sample(30 + subbands, subbands, 16, 3, 4, 4.0);
            UnfoldedPgaTrainer trainer = new UnfoldedPgaTrainer(shape, mu, lambda);
            double[] grad = new double[trainer.parameterCount()];
            trainer.lossAndGradient(s, grad);
            int p = 0;
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j <= 2; j++, p++) {
                    double h = 1e-5;
                    double up = lossAt(shape, s, mu, lambda, i, j, h), dn = lossAt(shape, s, mu, lambda, i, j, -h);
                    String what = (j < 2 ? "dℒ/dlog μ(" + i + "," + j + ")" : "dℒ/dlog λ(" + i + ")") + " S=" + subbands;
                    assertClose(what, grad[p], (up - dn) / (2 * h), FD_REL_TOL);
                }
            }
        }
    }

    /** The loss with θ(i, j) moved by {@code h} (j = inner: λ(i)). */
    private static double lossAt(UnfoldedPgaGraph.Shape shape, UnfoldedWidebandPgaGraph.Sample s, double[][] mu,
            double[] lambda, int i, int j, double h) {
        double[][] m = new double[mu.length][];
        for (int r = 0; r < mu.length; r++) {
            m[r] = mu[r].clone();
        }
        double[] l = lambda.clone();
        if (j < shape.inner()) {
            m[i][j] *= Math.exp(h);
        } else {
            l[i] *= Math.exp(h);
        }
        return new UnfoldedPgaTrainer(shape, m, l).lossAndGradient(s, null);
    }

    /** At S = 1 the wideband loss is the narrowband graph's loss (25). */
    @Test
    void oneSubbandIsTheNarrowbandGraph() {
        UnfoldedPgaGraph.Shape shape = new UnfoldedPgaGraph.Shape(3, 2, 0.3, 1.0 / 16, false);
        double[][] mu = {{1e-2, 2e-2}, {1.5e-2, 1e-2}, {5e-3, 1e-2}};
        double[] lambda = {1e-3, 2e-3, 1e-3};
        UnfoldedWidebandPgaGraph.Sample s = sample(41, 1, 16, 3, 4, 4.0);
        UnfoldedPgaGraph.Sample narrow = new UnfoldedPgaGraph.Sample(s.channels()[0], s.noise()[0], s.powerW(), s.psi(), s.f0(),
                s.w0()[0]);
        UnfoldedPgaTrainer trainer = new UnfoldedPgaTrainer(shape, mu, lambda);
        double[] gw = new double[trainer.parameterCount()], gn = new double[trainer.parameterCount()];
        double lw = trainer.lossAndGradient(s, gw), ln = trainer.lossAndGradient(narrow, gn);
        assertClose("loss", ln, lw, 1e-9);
        for (int p = 0; p < gw.length; p++) {
            assertClose("dℒ/dθ_" + p, gn[p], gw[p], 1e-7);
        }
    }

    /** Sanity of the check itself: a wrong step moves the loss (the FD test can fail). */
    @Test
    void lossDependsOnEveryStep() {
        UnfoldedPgaGraph.Shape shape = new UnfoldedPgaGraph.Shape(2, 2, 0.3, 1.0 / 16, false);
        double[][] mu = {{1e-2, 2e-2}, {1.5e-2, 1e-2}};
        double[] lambda = {1e-3, 2e-3};
        UnfoldedWidebandPgaGraph.Sample s = sample(51, 3, 16, 3, 4, 4.0);
        double base = new UnfoldedPgaTrainer(shape, mu, lambda).lossAndGradient(s, null);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j <= 2; j++) {
                double moved = lossAt(shape, s, mu, lambda, i, j, 0.1);
                assertTrue(Math.abs(moved - base) > 1e-9 * Math.abs(base), "θ(" + i + "," + j + ") does not reach the loss");
            }
        }
    }

    static void assertMatrixClose(String what, CMatrix expected, CMatrix actual, double tol) {
        assertTrue(expected.rows() == actual.rows() && expected.cols() == actual.cols(), what + ": shape");
        double diff = 0, norm = 0;
        for (int i = 0; i < expected.size(); i++) {
            diff += Math.pow(expected.re[i] - actual.re[i], 2) + Math.pow(expected.im[i] - actual.im[i], 2);
            norm += Math.pow(expected.re[i], 2) + Math.pow(expected.im[i], 2);
        }
        assertTrue(Math.sqrt(diff) <= tol * Math.max(1e-12, Math.sqrt(norm)), what + ": relative distance " + Math.sqrt(diff / norm));
    }

    static void assertClose(String what, double expected, double actual, double tol) {
        double scale = Math.max(1e-6, Math.max(Math.abs(expected), Math.abs(actual)));
        assertTrue(Math.abs(expected - actual) / scale < tol, what + ": " + expected + " vs " + actual);
    }
}
