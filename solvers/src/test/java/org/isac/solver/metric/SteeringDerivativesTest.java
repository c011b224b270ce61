package org.isac.solver.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.isac.solver.array.ArrayShape;
import org.junit.jupiter.api.Test;

class SteeringDerivativesTest {
    private static final double STEP = 1e-6;
    private static final double FD_TOL = 1e-8;
    private static final double EXACT_TOL = 1e-14;

    @Test
    void valuesMatchArrayShape() {
        SplittableRandom rng = new SplittableRandom(1);
        ArrayShape shape = new ArrayShape(4, 3);
        double[] ar = new double[12], ai = new double[12], br = new double[12], bi = new double[12];
        for (int t = 0; t < 10; t++) {
            double az = rng.nextDouble(-1.5, 1.5), el = rng.nextDouble(-1.5, 1.5);
            shape.steering(az, el, ar, ai, 0);
            SteeringDerivatives.steering(shape, az, el, br, bi, null, null, null, null, 0);
            for (int i = 0; i < 12; i++) {
                assertEquals(ar[i], br[i], EXACT_TOL);
                assertEquals(ai[i], bi[i], EXACT_TOL);
            }
        }
    }

    @Test
    void derivativesMatchCentralDifferences() {
        SplittableRandom rng = new SplittableRandom(2);
        ArrayShape[] shapes = {new ArrayShape(4, 4), new ArrayShape(5, 4), ArrayShape.ula(8), new ArrayShape(2, 7)};
        for (ArrayShape shape : shapes) {
            int n = shape.size();
            double[] ar = new double[n], ai = new double[n], tr = new double[n], ti = new double[n];
            double[] er = new double[n], ei = new double[n];
            double[] pr = new double[n], pi = new double[n], mr = new double[n], mi = new double[n];
            for (int t = 0; t < 20; t++) {
                double az = rng.nextDouble(-3, 3), el = rng.nextDouble(-3, 3);
                SteeringDerivatives.steering(shape, az, el, ar, ai, tr, ti, er, ei, 0);
                shape.steering(az + STEP, el, pr, pi, 0);
                shape.steering(az - STEP, el, mr, mi, 0);
                for (int i = 0; i < n; i++) {
                    assertEquals((pr[i] - mr[i]) / (2 * STEP), tr[i], FD_TOL, "∂a/∂θ re " + i);
                    assertEquals((pi[i] - mi[i]) / (2 * STEP), ti[i], FD_TOL, "∂a/∂θ im " + i);
                }
                shape.steering(az, el + STEP, pr, pi, 0);
                shape.steering(az, el - STEP, mr, mi, 0);
                for (int i = 0; i < n; i++) {
                    assertEquals((pr[i] - mr[i]) / (2 * STEP), er[i], FD_TOL, "∂a/∂ε re " + i);
                    assertEquals((pi[i] - mi[i]) / (2 * STEP), ei[i], FD_TOL, "∂a/∂ε im " + i);
                }
            }
        }
    }

    /** Seed 004 Sec. V: a_h,n = e^{jπ n sinθ sinφ}/√H, a_v,n = e^{jπ n cosφ}/√V with φ = π/2 − ε. */
    @Test
    void seed004PolarAngleMapping() {
        SplittableRandom rng = new SplittableRandom(3);
        ArrayShape shape = new ArrayShape(4, 8);
        double[] ar = new double[32], ai = new double[32];
        for (int t = 0; t < 10; t++) {
            double theta = rng.nextDouble(-Math.PI / 3, Math.PI / 3), phi = rng.nextDouble(-Math.PI / 3, Math.PI / 3);
            shape.steering(theta, SteeringDerivatives.elevationFromSeed004Phi(phi), ar, ai, 0);
            for (int h = 0; h < 4; h++) {
                for (int v = 0; v < 8; v++) {
                    double ph = Math.PI * h * Math.sin(theta) * Math.sin(phi) + Math.PI * v * Math.cos(phi);
                    double s = 1 / Math.sqrt(32);
                    assertEquals(s * Math.cos(ph), ar[h * 8 + v], 1e-12);
                    assertEquals(s * Math.sin(ph), ai[h * 8 + v], 1e-12);
                }
            }
        }
    }
}
