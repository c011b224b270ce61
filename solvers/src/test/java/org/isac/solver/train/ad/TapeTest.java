package org.isac.solver.train.ad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.Function;
import org.isac.solver.TestData;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.train.ad.Tape.Node;
import org.junit.jupiter.api.Test;

/** Every tape operation's reverse pass against central finite differences. */
class TapeTest {
    private static final double REL_TOL = 1e-6;
    private static final double FD_STEP = 1e-6;

    /** Builds L(X, Y, s) on a tape; X and Y complex variables, s a real scalar variable. */
    interface Graph {
        Node build(Tape t, Node x, Node y, Node s);
    }

    private static double eval(Graph g, CMatrix x, CMatrix y, double s) {
        Tape t = new Tape();
        return g.build(t, t.variable(x), t.variable(y), t.variable(s)).scalar();
    }

    /** Checks dL along random directions of X, Y and s against (L(+h) − L(−h))/2h. */
    private static void check(String name, Graph g, CMatrix x, CMatrix y, double s, long seed) {
        Tape t = new Tape();
        Node nx = t.variable(x), ny = t.variable(y), ns = t.variable(s);
        Node loss = g.build(t, nx, ny, ns);
        t.backward(loss);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int trial = 0; trial < 3; trial++) {
            CMatrix dx = TestData.gaussian(rng, x.rows(), x.cols());
            CMatrix dy = TestData.gaussian(rng, y.rows(), y.cols());
            double ds = rng.nextGaussian();
            double analytic = reInner(nx.grad(), dx) + reInner(ny.grad(), dy) + ns.grad().re[0] * ds;
            Function<Double, Double> along = h -> eval(g, axpy(x, h, dx), axpy(y, h, dy), s + h * ds);
            double numeric = (along.apply(FD_STEP) - along.apply(-FD_STEP)) / (2 * FD_STEP);
            double scale = Math.max(1e-3, Math.max(Math.abs(analytic), Math.abs(numeric)));
            assertTrue(Math.abs(analytic - numeric) / scale < REL_TOL,
                    name + ": analytic " + analytic + " vs finite difference " + numeric);
        }
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

    private final SplittableRandom rng = new SplittableRandom(5);
    private final CMatrix x = TestData.gaussian(rng, 5, 3);
    private final CMatrix y = TestData.gaussian(rng, 3, 4);
    private final CMatrix z = TestData.gaussian(rng, 5, 4);

    @Test
    void productAdjointAndNorm() {
        check("‖XY‖²", (t, a, b, s) -> t.frobeniusNorm2(t.mul(a, b)), x, y, 0.3, 1);
        check("‖Yᴴ Xᴴ‖² s", (t, a, b, s) -> t.times(s, t.frobeniusNorm2(t.mul(t.adj(b), t.adj(a)))), x, y, 0.7, 2);
    }

    @Test
    void sumsScalingAndInner() {
        Node[] zc = new Node[1];
        check("Re⟨Z, XY + s·XY − 2XY⟩", (t, a, b, s) -> {
            Node p = t.mul(a, b);
            Node q = t.minus(t.plus(p, t.scale(p, s)), t.scale(p, 2.0));
            zc[0] = t.constant(z);
            return t.realInner(zc[0], q);
        }, x, y, 0.4, 3);
        check("Re⟨XY, XY⟩ via realInner", (t, a, b, s) -> {
            Node p = t.mul(a, b);
            return t.realInner(p, t.scale(p, s));
        }, x, y, 1.3, 4);
    }

    @Test
    void rowOperations() {
        CMatrix sq = TestData.gaussian(new SplittableRandom(9), 3, 3);
        check("Σ log(rowNorm2(XY)) · (1/diag)", (t, a, b, s) -> {
            Node g = t.mul(t.adj(a), t.mul(a, b)); // 3x4
            Node r = t.rowNorm2(g);
            Node w = t.rowScale(t.reciprocal(t.addConstant(r, 1.0)), g);
            return t.sum(t.log(t.addConstant(t.rowNorm2(w), new double[] {0.1, 0.2, 0.3})));
        }, x, y, 0.5, 5);
        check("diagonal operations", (t, a, b, s) -> {
            Node g = t.mul(t.mul(t.adj(a), a), t.scale(t.constant(sq), s)); // 3x3
            Node d = t.diagonalNorm2(g);
            Node zd = t.zeroDiagonal(g);
            return t.plus(t.sum(t.sqrt(t.addConstant(d, 1))), t.times(t.frobeniusNorm2(zd), t.sum(t.exp(t.scale(d, 0.01)))));
        }, x, y, 0.8, 6);
    }

    @Test
    void unitModulusProjection() {
        check("Re⟨Z, P(X)Y⟩", (t, a, b, s) -> t.realInner(t.constant(z), t.mul(t.unitModulus(a), b)), x, y, 0.0, 7);
        check("‖P(X + sX)Y‖² ", (t, a, b, s) -> t.frobeniusNorm2(t.mul(t.unitModulus(t.plus(a, t.scale(a, s))), t.mul(b, t.adj(b)))),
                x, y, 0.2, 8);
    }

    @Test
    void constantsReceiveNoGradientAndShapesAreChecked() {
        Tape t = new Tape();
        Node c = t.constant(x);
        Node v = t.variable(y);
        Node loss = t.frobeniusNorm2(t.mul(c, v));
        t.backward(loss);
        assertEquals(0.0, c.grad().frobeniusNorm2(), 0.0);
        assertTrue(v.grad().frobeniusNorm2() > 0);
        assertThrows(IllegalArgumentException.class, () -> t.backward(t.mul(c, v)));
        assertThrows(IllegalArgumentException.class, () -> t.plus(c, v));
        assertThrows(IllegalArgumentException.class, () -> t.rowScale(t.constant(1.0), c));
    }
}
