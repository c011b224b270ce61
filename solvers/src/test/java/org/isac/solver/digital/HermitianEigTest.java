package org.isac.solver.digital;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.isac.solver.TestData;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;
import org.junit.jupiter.api.Test;

class HermitianEigTest {
    private static final double REL_TOL = 1e-12;

    /** S = U·diag(d)·Uᴴ with U unitary (Cholesky-free Gram–Schmidt of a random matrix). */
    private static CMatrix withEigenvalues(SplittableRandom rng, double[] d) {
        int n = d.length;
        CMatrix q = TestData.gaussian(rng, n, n);
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < j; k++) {
                double pr = 0, pi = 0; // <q_k, q_j>
                for (int i = 0; i < n; i++) {
                    pr += q.re(i, k) * q.re(i, j) + q.im(i, k) * q.im(i, j);
                    pi += q.re(i, k) * q.im(i, j) - q.im(i, k) * q.re(i, j);
                }
                for (int i = 0; i < n; i++) {
                    q.set(i, j, q.re(i, j) - (pr * q.re(i, k) - pi * q.im(i, k)), q.im(i, j) - (pr * q.im(i, k) + pi * q.re(i, k)));
                }
            }
            double nn = 0;
            for (int i = 0; i < n; i++) {
                nn += q.re(i, j) * q.re(i, j) + q.im(i, j) * q.im(i, j);
            }
            for (int i = 0; i < n; i++) {
                q.set(i, j, q.re(i, j) / Math.sqrt(nn), q.im(i, j) / Math.sqrt(nn));
            }
        }
        CMatrix qd = new CMatrix(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                qd.set(i, j, q.re(i, j) * d[j], q.im(i, j) * d[j]);
            }
        }
        // S = (Q D) Qᴴ = ((Q)(QD)ᴴ)ᴴ; D real so S = Q D Qᴴ; compute via Qᴴ-form: S = (Qᴴ)ᴴ (D Qᴴ)
        CMatrix qh = new CMatrix(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                qh.set(i, j, q.re(j, i), -q.im(j, i));
            }
        }
        CMatrix s = new CMatrix();
        Kernels.mul(qd, qh, s);
        return s;
    }

    @Test
    void dominantMagnitudeOfKnownSpectra() {
        SplittableRandom rng = new SplittableRandom(41);
        HermitianEig e = new HermitianEig();
        for (int trial = 0; trial < 30; trial++) {
            int n = 1 + trial % 12;
            double[] d = new double[n];
            double best = 0;
            for (int i = 0; i < n; i++) {
                d[i] = rng.nextGaussian() * 100;
                best = Math.max(best, Math.abs(d[i]));
            }
            if (n > 1 && trial % 3 == 0) {
                d[1] = -d[0]; // ± pair of equal magnitude
            }
            best = 0;
            for (double v : d) {
                best = Math.max(best, Math.abs(v));
            }
            CMatrix s = withEigenvalues(rng, d);
            assertEquals(best, e.maxAbsEigenvalue(s), REL_TOL * best * n);
            assertEquals(best, e.maxAbsEigenvalueEmbedded(s), REL_TOL * best * n);
        }
    }

    @Test
    void zeroDiagonalAndPurelyImaginaryOffDiagonal() {
        HermitianEig e = new HermitianEig();
        assertEquals(0, e.maxAbsEigenvalue(new CMatrix(3, 3)), 0);
        CMatrix d = new CMatrix(3, 3);
        d.set(0, 0, 2, 0);
        d.set(1, 1, -7, 0);
        d.set(2, 2, 5, 0);
        assertEquals(7, e.maxAbsEigenvalue(d), 1e-15);
        // [[0, j], [−j, 0]] has eigenvalues ±1
        CMatrix y = new CMatrix(2, 2);
        y.set(0, 1, 0, 1);
        y.set(1, 0, 0, -1);
        assertEquals(1, e.maxAbsEigenvalue(y), 1e-15);
        assertEquals(1, e.maxAbsEigenvalueEmbedded(y), 1e-15);
    }

    @Test
    void allocationFreeOnceGrown() {
        SplittableRandom rng = new SplittableRandom(42);
        CMatrix a = TestData.gaussian(rng, 10, 10), s = new CMatrix();
        Kernels.mulConjTransA(a, a, s);
        HermitianEig e = new HermitianEig();
        double acc = 0;
        for (int i = 0; i < 200; i++) {
            acc += e.maxAbsEigenvalue(s);
        }
        long before = TestData.allocatedBytes();
        for (int i = 0; i < 1000; i++) {
            acc += e.maxAbsEigenvalue(s);
        }
        long allocated = TestData.allocatedBytes() - before;
        assertTrue(allocated < 1024, "maxAbsEigenvalue allocated " + allocated + " bytes in 1000 calls");
        assertTrue(acc > 0);
    }
}
