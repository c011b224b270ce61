package org.isac.solver.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.isac.solver.TestData;
import org.isac.solver.array.CentredUla;
import org.isac.solver.linalg.CMatrix;
import org.junit.jupiter.api.Test;

class Seed003SensingTest {
    private static final double REL_TOL = 1e-10;
    private static final double FD_STEP = 1e-6;

    @Test
    void centredUlaDerivativeAndOrthogonality() {
        int m = 9;
        double th = 0.37;
        double[] ar = new double[m], ai = new double[m], dr = new double[m], di = new double[m];
        double[] pr = new double[m], pi = new double[m], qr = new double[m], qi = new double[m];
        CentredUla.steering(m, th, ar, ai);
        CentredUla.derivative(m, th, dr, di);
        CentredUla.steering(m, th + FD_STEP, pr, pi);
        CentredUla.steering(m, th - FD_STEP, qr, qi);
        double dotR = 0, dotI = 0;
        for (int i = 0; i < m; i++) {
            assertEquals(1.0, Math.hypot(ar[i], ai[i]), 1e-15);
            assertEquals((pr[i] - qr[i]) / (2 * FD_STEP), dr[i], 1e-7);
            assertEquals((pi[i] - qi[i]) / (2 * FD_STEP), di[i], 1e-7);
            dotR += ar[i] * dr[i] + ai[i] * di[i];
            dotI += ar[i] * di[i] - ai[i] * dr[i];
        }
        assertEquals(0, dotR, 1e-12, "aᴴȧ = 0 with the centre as reference");
        assertEquals(0, dotI, 1e-12);
        assertEquals(1.0, ar[m / 2], 1e-15, "centre element is the phase reference");
    }

    /** Eq. (5) evaluated with explicit R × M matrices A, Ȧ and R_X = XXᴴ. */
    static double bruteCrlb(CMatrix x, int rx, double th, double scale) {
        int m = x.rows(), k = x.cols();
        double[] ar = new double[m], ai = new double[m], dr = new double[m], di = new double[m];
        double[] br = new double[rx], bi = new double[rx], er = new double[rx], ei = new double[rx];
        CentredUla.steering(m, th, ar, ai);
        CentredUla.derivative(m, th, dr, di);
        CentredUla.steering(rx, th, br, bi);
        CentredUla.derivative(rx, th, er, ei);
        // A = b aᴴ, Ȧ = ḃ aᴴ + b ȧᴴ
        double[][] aR = new double[rx][m], aI = new double[rx][m], dR = new double[rx][m], dI = new double[rx][m];
        for (int r = 0; r < rx; r++) {
            for (int c = 0; c < m; c++) {
                aR[r][c] = br[r] * ar[c] + bi[r] * ai[c];
                aI[r][c] = bi[r] * ar[c] - br[r] * ai[c];
                dR[r][c] = er[r] * ar[c] + ei[r] * ai[c] + br[r] * dr[c] + bi[r] * di[c];
                dI[r][c] = ei[r] * ar[c] - er[r] * ai[c] + bi[r] * dr[c] - br[r] * di[c];
            }
        }
        double[][] rR = new double[m][m], rI = new double[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                for (int q = 0; q < k; q++) {
                    double xr = x.re(i, q), xi = x.im(i, q), yr = x.re(j, q), yi = -x.im(j, q);
                    rR[i][j] += xr * yr - xi * yi;
                    rI[i][j] += xr * yi + xi * yr;
                }
            }
        }
        double[] tAA = traceForm(aR, aI, aR, aI, rR, rI);
        double[] tDD = traceForm(dR, dI, dR, dI, rR, rI);
        double[] tDA = traceForm(dR, dI, aR, aI, rR, rI);
        return scale * tAA[0] / (tDD[0] * tAA[0] - (tDA[0] * tDA[0] + tDA[1] * tDA[1]));
    }

    /** tr(Pᴴ·Q·R) = Σ_{r,i,j} conj(P_ri)·Q_rj·R_ji. */
    private static double[] traceForm(double[][] pR, double[][] pI, double[][] qR, double[][] qI, double[][] rR, double[][] rI) {
        double sr = 0, si = 0;
        for (int r = 0; r < pR.length; r++) {
            for (int i = 0; i < pR[0].length; i++) {
                for (int j = 0; j < pR[0].length; j++) {
                    double ur = pR[r][i] * qR[r][j] + pI[r][i] * qI[r][j];
                    double ui = pR[r][i] * qI[r][j] - pI[r][i] * qR[r][j];
                    sr += ur * rR[j][i] - ui * rI[j][i];
                    si += ur * rI[j][i] + ui * rR[j][i];
                }
            }
        }
        return new double[] {sr, si};
    }

    @Test
    void crlbMatchesExplicitMatrices() {
        SplittableRandom rng = new SplittableRandom(31);
        Seed003Sensing s = new Seed003Sensing(10, 7, 100, 4);
        for (int trial = 0; trial < 5; trial++) {
            CMatrix x = TestData.gaussian(rng, 10, 3);
            double th = (rng.nextDouble() - 0.5) * 2.5;
            double want = bruteCrlb(x, 7, th, s.scale());
            assertEquals(want, s.crlb(x, th), REL_TOL * want);
            assertTrue(s.crlbApprox(x, th) > 0);
        }
    }

    @Test
    void approxIsInverseBeamGain() {
        SplittableRandom rng = new SplittableRandom(32);
        Seed003Sensing s = new Seed003Sensing(8, 8, 10, 2);
        CMatrix x = TestData.gaussian(rng, 8, 4);
        double g = s.beamGain(x, 0.2);
        assertEquals(1 / (2 * 10 * 2 * g), s.crlbApprox(x, 0.2), 1e-15);
        // a beam steered at θ maximises the gain: ‖a‖² ‖x‖² for one column x = a/‖a‖·√P
        CMatrix beam = new CMatrix(8, 1);
        double[] ar = new double[8], ai = new double[8];
        CentredUla.steering(8, 0.2, ar, ai);
        for (int i = 0; i < 8; i++) {
            beam.set(i, 0, ar[i] / Math.sqrt(8), ai[i] / Math.sqrt(8));
        }
        assertEquals(8.0, s.beamGain(beam, 0.2), 1e-12);
        assertTrue(s.beamGain(beam, 0.9) < 1.0);
    }
}
