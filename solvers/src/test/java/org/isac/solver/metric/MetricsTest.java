package org.isac.solver.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static final double TOL = 1e-12;

    /** H = [[1, j], [0, 1]] (columns h_1 = (1, 0), h_2 = (j, 1)); X = [[1, 0], [0, 2]]. */
    private static CMatrix[] handCase() {
        CMatrix h = new CMatrix(2, 2);
        h.set(0, 0, 1, 0);
        h.set(0, 1, 0, 1);
        h.set(1, 1, 1, 0);
        CMatrix x = new CMatrix(2, 2);
        x.set(0, 0, 1, 0);
        x.set(1, 1, 2, 0);
        return new CMatrix[] {h, x};
    }

    @Test
    void sinrHandComputed() {
        CMatrix[] c = handCase();
        // user 1: h1ᴴx1 = 1, h1ᴴx2 = 0 → SINR = 1/σ1²
        // user 2: h2ᴴx2 = conj(j)·0 + 1·2 = 2 → |.|² = 4; h2ᴴx1 = conj(j)·1 = -j → 1; SINR = 4/(1+σ2²)
        double[] out = new double[2];
        Metrics.sinr(c[0], c[1], new double[] {0.5, 1.0}, out);
        assertEquals(2.0, out[0], TOL);
        assertEquals(2.0, out[1], TOL);
        double[] s = new double[2];
        assertEquals(2 * Math.log(3) / Math.log(2), Metrics.sumRateBits(c[0], c[1], new double[] {0.5, 1.0}, s), TOL);
        assertEquals(2 * Math.log(3), Metrics.sumRateNats(c[0], c[1], new double[] {0.5, 1.0}, s), TOL);
    }

    @Test
    void sinrRejectsMismatchedPrecoder() {
        CMatrix[] c = handCase();
        assertThrows(IllegalArgumentException.class, () -> Metrics.sinr(c[0], new CMatrix(3, 2), new double[] {1, 1}, new double[2]));
    }

    @Test
    void beampatternOfSteeredBeamPeaksAtItsAngle() {
        int n = 16;
        ArrayShape ula = ArrayShape.ula(n);
        CMatrix x = new CMatrix(n, 1);
        double[] aRe = new double[n], aIm = new double[n];
        double steer = Math.toRadians(30);
        ula.steering(steer, 0, aRe, aIm, 0);
        for (int i = 0; i < n; i++) {
            x.set(i, 0, aRe[i], aIm[i]); // ‖x‖ = 1
        }
        double[] grid = new double[181];
        for (int t = 0; t < grid.length; t++) {
            grid[t] = Math.toRadians(t - 90);
        }
        double[] p = new double[grid.length];
        Metrics.beampattern(ula, x, grid, 0, p, aRe, aIm);
        int best = 0;
        for (int t = 1; t < p.length; t++) {
            if (p[t] > p[best]) {
                best = t;
            }
        }
        assertEquals(120, best, "peak at 30°");
        assertEquals(1.0, p[120], 1e-12, "|a(θ)ᴴa(θ)|² = 1 for normalised steering");
        // a broadside beam is orthogonal to the steering vector at sin θ = 2/N
        ula.steering(0, 0, aRe, aIm, 0);
        for (int i = 0; i < n; i++) {
            x.set(i, 0, aRe[i], aIm[i]);
        }
        double[] null1 = {Math.asin(2.0 / n)};
        double[] pn = new double[1];
        Metrics.beampattern(ula, x, null1, 0, pn, aRe, aIm);
        assertEquals(0.0, pn[0], 1e-12);
    }

    @Test
    void beampatternErrorIsZeroForMatchingCovarianceAndCountsDifferences() {
        CMatrix[] c = handCase();
        CMatrix x = c[1];
        CMatrix psi = new CMatrix(2, 2);
        psi.set(0, 0, 1, 0);
        psi.set(1, 1, 4, 0); // XXᴴ = diag(1, 4)
        assertEquals(0.0, Metrics.beampatternError(x, psi), TOL);
        psi.set(0, 1, 0, 3); // one entry off by 3j
        assertEquals(9.0, Metrics.beampatternError(x, psi), TOL);
    }

    @Test
    void sensingStreamsInterfereWithEveryUser() {
        // N = 2, K = 1, h = (1, j); X = [x_1 | s] with s a sensing stream
        CMatrix h = new CMatrix(2, 1);
        h.set(0, 0, 1, 0);
        h.set(1, 0, 0, 1);
        CMatrix x = new CMatrix(2, 2);
        x.set(0, 0, 0.5, 0);   // h^H x_1 = 0.5 + (-j)(0.2j) = 0.7
        x.set(1, 0, 0, 0.2);
        x.set(0, 1, 0.1, 0);   // h^H s = 0.1 + (-j)(0.3) = 0.1 - 0.3j, |.|^2 = 0.1
        x.set(1, 1, 0.3, 0);
        double[] out = new double[1];
        Metrics.sinr(h, x, new double[] {0.05}, out);
        assertEquals(0.49 / (0.1 + 0.05), out[0], 1e-12);
    }
}
