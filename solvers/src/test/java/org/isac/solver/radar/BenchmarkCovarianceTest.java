package org.isac.solver.radar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.HermitianEigen;
import org.junit.jupiter.api.Test;

/** Properties of the seed 000 eq. (6) benchmark covariance. */
class BenchmarkCovarianceTest {
    private static final int N = 64;
    private static final double PT = 3.7;
    private static final double DIAG_TOL = 1e-12;
    private static final double PSD_TOL = 1e-10;
    private static final double STATIONARITY_TOL = 1e-7;
    private static final double CERTIFICATE_TOL = 1e-6;
    private static final double DESCENT_TOL = 1e-6;

    private static BenchmarkCovariance authors() {
        return BenchmarkCovariance.cached(N, DesiredBeampattern.authorsDefault());
    }

    @Test
    void diagonalHoldsPerAntennaPower() {
        CMatrix psi = new CMatrix();
        authors().psi(PT, psi);
        assertEquals(N, psi.rows());
        for (int i = 0; i < N; i++) {
            assertEquals(PT / N, psi.re(i, i), DIAG_TOL * PT, "diag re " + i);
            assertEquals(0, psi.im(i, i), DIAG_TOL * PT, "diag im " + i);
        }
    }

    @Test
    void hermitianAndPositiveSemidefinite() {
        CMatrix psi = new CMatrix();
        authors().psi(PT, psi);
        for (int a = 0; a < N; a++) {
            for (int b = 0; b < N; b++) {
                assertEquals(psi.re(a, b), psi.re(b, a), 1e-14 * PT);
                assertEquals(psi.im(a, b), -psi.im(b, a), 1e-14 * PT);
            }
        }
        double lmin = new HermitianEigen().minEigenvalue(psi);
        assertTrue(lmin >= -PSD_TOL * PT, "λ_min(Ψ) = " + lmin);
    }

    @Test
    void firstOrderOptimalAndCertified() {
        BenchmarkCovariance c = authors();
        assertTrue(c.relativeGradient() <= STATIONARITY_TOL, "relative Riemannian gradient " + c.relativeGradient());
        assertTrue(c.certificateMinEigenvalue() >= -CERTIFICATE_TOL,
                "KKT dual λ_min relative " + c.certificateMinEigenvalue());
    }

    /** Fast Toeplitz evaluation agrees with the direct O(N²T) formula of eq. (6a). */
    @Test
    void residualMatchesDirectFormula() {
        BenchmarkCovariance c = authors();
        CMatrix psi = new CMatrix();
        c.psi(1, psi);
        double[] alpha = new double[1];
        double f = BenchmarkCovariance.objectiveUnit(psi, c.pattern(), alpha, null);
        assertEquals(f, c.residualUnit(), 1e-9 * f);
        assertEquals(alpha[0], c.alpha(1), 1e-9 * alpha[0]);
    }

    /**
     * No feasible descent direction: for random feasible Ψ' (random factors with rows on the
     * power sphere), the directional derivative of (6a) toward Ψ' is ≥ 0 within tolerance, and
     * no sampled Ψ' has a smaller objective.
     */
    @Test
    void noFeasibleDescentDirection() {
        BenchmarkCovariance c = authors();
        DesiredBeampattern d = c.pattern();
        int tCount = d.points();
        double[] p = c.beampatternUnit();
        double alpha = c.alpha(1);
        double[] e = new double[tCount];
        double eNorm = 0;
        for (int t = 0; t < tCount; t++) {
            e[t] = p[t] - alpha * d.desired(t);
            eNorm += e[t] * e[t];
        }
        eNorm = Math.sqrt(eNorm);
        SplittableRandom rng = new SplittableRandom(7);
        double[] pp = new double[tCount];
        for (int trial = 0; trial < 12; trial++) {
            int r = 1 + rng.nextInt(N);
            CMatrix b = new CMatrix(N, r);
            for (int i = 0; i < N; i++) {
                double nb = 0;
                for (int l = 0; l < r; l++) {
                    double xr = rng.nextDouble() - 0.5, xi = rng.nextDouble() - 0.5;
                    b.set(i, l, xr, xi);
                    nb += xr * xr + xi * xi;
                }
                double s = Math.sqrt(1.0 / N / nb);
                for (int l = 0; l < r; l++) {
                    b.set(i, l, b.re(i, l) * s, b.im(i, l) * s);
                }
            }
            CMatrix psi2 = new CMatrix(N, N);
            for (int a = 0; a < N; a++) {
                for (int bb = 0; bb < N; bb++) {
                    double sr = 0, si = 0;
                    for (int l = 0; l < r; l++) {
                        sr += b.re(a, l) * b.re(bb, l) + b.im(a, l) * b.im(bb, l);
                        si += b.im(a, l) * b.re(bb, l) - b.re(a, l) * b.im(bb, l);
                    }
                    psi2.set(a, bb, sr, si);
                }
            }
            double f2 = BenchmarkCovariance.objectiveUnit(psi2, d, null, pp);
            double deriv = 0, dn = 0;
            for (int t = 0; t < tCount; t++) {
                deriv += 2 * e[t] * (pp[t] - p[t]);
                dn += (pp[t] - p[t]) * (pp[t] - p[t]);
            }
            assertTrue(deriv >= -DESCENT_TOL * eNorm * Math.sqrt(dn), "descent toward trial " + trial + ": " + deriv);
            assertTrue(f2 >= c.residualUnit() * (1 - 1e-9), "trial " + trial + " beats Ψ: " + f2);
        }
    }

    @Test
    void mainlobesAtTargets() {
        BenchmarkCovariance c = authors();
        DesiredBeampattern d = c.pattern();
        double[] p = c.beampatternUnit();
        for (double target : d.targetsDeg()) {
            int best = -1;
            for (int t = 0; t < d.points(); t++) {
                if (Math.abs(d.angleDeg(t) - target) <= 10 && (best < 0 || p[t] > p[best])) {
                    best = t;
                }
            }
            assertTrue(Math.abs(d.angleDeg(best) - target) <= 2, "peak near " + target + "° at " + d.angleDeg(best));
            // the mainlobe stands well above the mean sidelobe level
            double side = 0;
            int count = 0;
            for (int t = 0; t < d.points(); t++) {
                if (d.desired(t) == 0) {
                    side += p[t];
                    count++;
                }
            }
            assertTrue(p[best] > 5 * side / count, "mainlobe " + p[best] + " vs mean sidelobe " + side / count);
        }
    }

    /** docs/REFERENCE-SETUPS.md: α ≈ 6.6·P_t at N = 64 (we get 6.5799·P_t). */
    @Test
    void fittedAlphaScalesWithPower() {
        BenchmarkCovariance c = authors();
        assertEquals(6.58, c.alpha(1), 0.02);
        assertEquals(6.58 * 10, c.alpha(10), 0.2);
        assertEquals(10 * c.alpha(1), c.alpha(10), 1e-12);
    }

    @Test
    void cacheReturnsSameInstanceAndPaperWindowsAlsoCertify() {
        assertSame(authors(), BenchmarkCovariance.cached(N, DesiredBeampattern.of(new double[] {60, -60, 0}, 2)));
        BenchmarkCovariance paper = BenchmarkCovariance.cached(16,
                DesiredBeampattern.of(DesiredBeampattern.DEFAULT_TARGETS_DEG, DesiredBeampattern.PAPER_HALF_WIDTH_DEG));
        assertTrue(paper.certificateMinEigenvalue() >= -CERTIFICATE_TOL, "N=16 δθ=5°: " + paper.certificateMinEigenvalue());
        CMatrix psi = new CMatrix();
        paper.psi(1, psi);
        assertTrue(new HermitianEigen().minEigenvalue(psi) >= -PSD_TOL);
    }

    /**
     * Ψ for a 0.4 λ array: its beampattern, evaluated with 0.4 λ steering vectors, matches the
     * desired one as well as the half-wavelength Ψ matches at half a wavelength (the closed-form
     * objective of the solution agrees with the direct evaluation), and it is not the λ/2 Ψ.
     */
    @Test
    void anotherSpacingGetsItsOwnCovariance() {
        int n = 16;
        DesiredBeampattern d = DesiredBeampattern.authorsDefault();
        BenchmarkCovariance half = BenchmarkCovariance.cached(n, d);
        BenchmarkCovariance narrow = BenchmarkCovariance.cached(n, 0.4, d);
        CMatrix psiHalf = new CMatrix(), psiNarrow = new CMatrix();
        half.psi(1, psiHalf);
        narrow.psi(1, psiNarrow);
        double fNarrow = BenchmarkCovariance.objectiveUnit(psiNarrow, 0.4, d, null, null);
        double fHalf = BenchmarkCovariance.objectiveUnit(psiHalf, d, null, null);
        // each Ψ is the better one for its own geometry
        assertTrue(fNarrow < BenchmarkCovariance.objectiveUnit(psiHalf, 0.4, d, null, null), fNarrow + "");
        assertTrue(fHalf < BenchmarkCovariance.objectiveUnit(psiNarrow, 0.5, d, null, null), fHalf + "");
        // the pattern of Ψ(0.4) at 0° is its beam: a(0) is all ones for any spacing, and the direct
        // formula at 60° uses the 0.4 λ phases
        double[] direct = new double[2];
        for (int t = 0; t < 2; t++) {
            double theta = Math.toRadians(t == 0 ? 0 : 60), acc = 0;
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    double x = -2 * Math.PI * 0.4 * (a - b) * Math.sin(theta);
                    acc += psiNarrow.re(a, b) * Math.cos(x) - psiNarrow.im(a, b) * Math.sin(x);
                }
            }
            direct[t] = acc;
        }
        assertTrue(direct[0] > 0.1 * direct[1] && direct[1] > 0, java.util.Arrays.toString(direct));
    }
}
