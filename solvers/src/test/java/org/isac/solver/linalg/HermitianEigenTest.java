package org.isac.solver.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.isac.solver.TestData;
import org.junit.jupiter.api.Test;

class HermitianEigenTest {
    private static final double REL_TOL = 1e-12;
    private static final double VEC_TOL = 1e-10;

    /**
     * The slow oracle: all eigenvalues of the Hermitian part of {@code s}, descending, by EJML's
     * real symmetric QR algorithm on the embedding [[X, −Y], [Y, X]] (2n × 2n), which has every
     * eigenvalue of X + jY twice.
     */
    static double[] oracleEigenvalues(CMatrix s) {
        int n = s.rows();
        DMatrixRMaj e = new DMatrixRMaj(2 * n, 2 * n);
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                double x = 0.5 * (s.re(r, c) + s.re(c, r));
                double y = 0.5 * (s.im(r, c) - s.im(c, r));
                e.set(r, c, x);
                e.set(r + n, c + n, x);
                e.set(r, c + n, -y);
                e.set(r + n, c, y);
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(2 * n, false, true);
        assertTrue(eig.decompose(e));
        double[] all = new double[2 * n];
        for (int i = 0; i < 2 * n; i++) {
            all[i] = eig.getEigenvalue(i).getReal();
        }
        Arrays.sort(all);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = all[2 * n - 1 - 2 * i];
        }
        return out;
    }

    /** A random Hermitian n × n matrix AᴴA − c·I (indefinite for c > 0). */
    private static CMatrix randomHermitian(SplittableRandom rng, int n, double c) {
        CMatrix a = TestData.gaussian(rng, n, n), s = new CMatrix();
        Kernels.mulConjTransA(a, a, s);
        for (int i = 0; i < n; i++) {
            s.re[i * n + i] -= c;
        }
        return s;
    }

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
        HermitianEigen e = new HermitianEigen();
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
            double[] oracle = oracleEigenvalues(s);
            assertEquals(best, Math.max(Math.abs(oracle[0]), Math.abs(oracle[n - 1])), REL_TOL * best * n);
            Arrays.sort(d);
            assertEquals(d[0], e.minEigenvalue(s), REL_TOL * best * n);
        }
    }

    @Test
    void zeroDiagonalAndPurelyImaginaryOffDiagonal() {
        HermitianEigen e = new HermitianEigen();
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
        assertEquals(-1, e.minEigenvalue(y), 1e-15);
        assertEquals(-7, e.minEigenvalue(d), 0);
    }

    @Test
    void allocationFreeOnceGrown() {
        SplittableRandom rng = new SplittableRandom(42);
        CMatrix a = TestData.gaussian(rng, 10, 10), s = new CMatrix();
        Kernels.mulConjTransA(a, a, s);
        HermitianEigen e = new HermitianEigen();
        double acc = 0;
        double[] values = new double[3];
        CMatrix vectors = new CMatrix();
        for (int i = 0; i < 200; i++) {
            acc += e.maxAbsEigenvalue(s) + e.minEigenvalue(s);
            e.dominant(s, 3, values, vectors);
        }
        long before = TestData.allocatedBytes();
        for (int i = 0; i < 1000; i++) {
            acc += e.maxAbsEigenvalue(s) + e.minEigenvalue(s);
            e.dominant(s, 3, values, vectors);
        }
        long allocated = TestData.allocatedBytes() - before;
        assertTrue(allocated < 1024, "the eigen solver allocated " + allocated + " bytes in 1000 calls");
        assertTrue(acc > 0);
    }

    /** All eigenvalues (dominant with count = n) against the oracle, on definite and indefinite matrices. */
    @Test
    void eigenvaluesMatchTheOracle() {
        SplittableRandom rng = new SplittableRandom(43);
        HermitianEigen e = new HermitianEigen();
        for (int trial = 0; trial < 24; trial++) {
            int n = 1 + trial % 16;
            CMatrix s = randomHermitian(rng, n, trial % 2 == 0 ? 0 : n);
            double[] oracle = oracleEigenvalues(s);
            double[] values = new double[n];
            e.dominant(s, n, values, new CMatrix());
            double scale = Math.max(Math.abs(oracle[0]), Math.abs(oracle[n - 1]));
            for (int i = 0; i < n; i++) {
                assertEquals(oracle[i], values[i], REL_TOL * scale * n, "trial " + trial + " eigenvalue " + i);
            }
            assertEquals(oracle[n - 1], e.minEigenvalue(s), REL_TOL * scale * n);
            assertEquals(scale, e.maxAbsEigenvalue(s), REL_TOL * scale * n);
        }
    }

    /**
     * The eigenvectors are orthonormal (VᴴV = I), each satisfies S·v = λ·v, and with count = n
     * V·Λ·Vᴴ reconstructs S; also with a repeated eigenvalue (any basis of its space will do).
     */
    @Test
    void eigenvectorsAreOrthonormalAndReconstruct() {
        SplittableRandom rng = new SplittableRandom(44);
        HermitianEigen e = new HermitianEigen();
        for (int trial = 0; trial < 20; trial++) {
            int n = 2 + trial % 12;
            CMatrix s;
            if (trial % 4 == 3) {
                double[] d = new double[n];
                for (int i = 0; i < n; i++) {
                    d[i] = i < 2 ? 5 : rng.nextGaussian(); // 5 twice
                }
                s = withEigenvalues(rng, d);
            } else {
                s = randomHermitian(rng, n, trial % 2 == 0 ? 0 : 1);
            }
            double scale = Math.sqrt(s.frobeniusNorm2());
            for (int count : new int[] {1, n / 2, n}) {
                double[] values = new double[count];
                CMatrix v = new CMatrix();
                e.dominant(s, count, values, v);
                assertEquals(n, v.rows());
                assertEquals(count, v.cols());
                for (int c = 1; c < count; c++) {
                    assertTrue(values[c] <= values[c - 1], "descending");
                }
                CMatrix gram = new CMatrix();
                Kernels.mulConjTransA(v, v, gram);
                for (int a = 0; a < count; a++) {
                    for (int b = 0; b < count; b++) {
                        assertEquals(a == b ? 1 : 0, gram.re(a, b), VEC_TOL, "VᴴV re " + a + "," + b);
                        assertEquals(0, gram.im(a, b), VEC_TOL, "VᴴV im " + a + "," + b);
                    }
                }
                CMatrix sv = new CMatrix();
                Kernels.mul(s, v, sv);
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < count; c++) {
                        assertEquals(values[c] * v.re(i, c), sv.re(i, c), VEC_TOL * scale, "Sv re, trial " + trial);
                        assertEquals(values[c] * v.im(i, c), sv.im(i, c), VEC_TOL * scale, "Sv im, trial " + trial);
                    }
                }
                if (count == n) {
                    CMatrix vl = new CMatrix(n, n), vh = new CMatrix(n, n), r = new CMatrix();
                    for (int i = 0; i < n; i++) {
                        for (int c = 0; c < n; c++) {
                            vl.set(i, c, v.re(i, c) * values[c], v.im(i, c) * values[c]);
                            vh.set(c, i, v.re(i, c), -v.im(i, c));
                        }
                    }
                    Kernels.mul(vl, vh, r);
                    for (int i = 0; i < n * n; i++) {
                        assertEquals(s.re[i], r.re[i], VEC_TOL * scale, "VΛVᴴ re");
                        assertEquals(s.im[i], r.im[i], VEC_TOL * scale, "VΛVᴴ im");
                    }
                }
            }
        }
    }
}
