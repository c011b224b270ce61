package org.isac.solver.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ejml.data.ZMatrixRMaj;
import org.ejml.dense.row.CommonOps_ZDRM;
import org.isac.solver.TestData;
import org.junit.jupiter.api.Test;

class KernelsTest {
    private static final double TOL = 1e-12;

    static ZMatrixRMaj toEjml(CMatrix a) {
        ZMatrixRMaj z = new ZMatrixRMaj(a.rows(), a.cols());
        for (int r = 0; r < a.rows(); r++) {
            for (int c = 0; c < a.cols(); c++) {
                z.set(r, c, a.re(r, c), a.im(r, c));
            }
        }
        return z;
    }

    static void assertClose(ZMatrixRMaj expected, CMatrix actual, double tol) {
        assertEquals(expected.numRows, actual.rows());
        assertEquals(expected.numCols, actual.cols());
        for (int r = 0; r < actual.rows(); r++) {
            for (int c = 0; c < actual.cols(); c++) {
                assertEquals(expected.getReal(r, c), actual.re(r, c), tol, "re(" + r + "," + c + ")");
                assertEquals(expected.getImag(r, c), actual.im(r, c), tol, "im(" + r + "," + c + ")");
            }
        }
    }

    @Test
    void mulMatchesEjml() {
        SplittableRandom rng = new SplittableRandom(1);
        int[][] shapes = {{1, 1, 1}, {3, 5, 2}, {64, 64, 4}, {7, 1, 9}};
        for (int[] s : shapes) {
            CMatrix a = TestData.gaussian(rng, s[0], s[1]);
            CMatrix b = TestData.gaussian(rng, s[1], s[2]);
            CMatrix c = new CMatrix(1, 1);
            Kernels.mul(a, b, c);
            ZMatrixRMaj expected = new ZMatrixRMaj(s[0], s[2]);
            CommonOps_ZDRM.mult(toEjml(a), toEjml(b), expected);
            assertClose(expected, c, 1e-10);
        }
    }

    @Test
    void mulConjTransAMatchesEjml() {
        SplittableRandom rng = new SplittableRandom(2);
        CMatrix a = TestData.gaussian(rng, 16, 4);
        CMatrix b = TestData.gaussian(rng, 16, 3);
        CMatrix c = new CMatrix();
        Kernels.mulConjTransA(a, b, c);
        ZMatrixRMaj expected = new ZMatrixRMaj(4, 3);
        CommonOps_ZDRM.multTransA(toEjml(a), toEjml(b), expected);
        assertClose(expected, c, 1e-10);
    }

    @Test
    void mulConjTransBMatchesEjml() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int[] s : new int[][] {{1, 1, 1}, {5, 3, 4}, {16, 7, 16}}) {
            CMatrix a = TestData.gaussian(rng, s[0], s[1]);
            CMatrix b = TestData.gaussian(rng, s[2], s[1]);
            CMatrix c = new CMatrix(2, 2);
            Kernels.mulConjTransB(a, b, c);
            ZMatrixRMaj expected = new ZMatrixRMaj(s[0], s[2]);
            CommonOps_ZDRM.multTransB(toEjml(a), toEjml(b), expected);
            assertClose(expected, c, 1e-10);
        }
        assertThrows(IllegalArgumentException.class, () -> Kernels.mulConjTransB(new CMatrix(2, 3), new CMatrix(2, 2), new CMatrix()));
    }

    /** addScaled and realInner against the plain formulas: A + s·B entrywise, Re tr(AᴴB) from Aᴴ·B. */
    @Test
    void addScaledAndRealInnerMatchTheirDefinitions() {
        SplittableRandom rng = new SplittableRandom(6);
        CMatrix a = TestData.gaussian(rng, 6, 5), b = TestData.gaussian(rng, 6, 5);
        CMatrix sum = new CMatrix().copyFrom(a);
        Kernels.addScaled(sum, -0.75, b);
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.re[i] - 0.75 * b.re[i], sum.re[i], 0);
            assertEquals(a.im[i] - 0.75 * b.im[i], sum.im[i], 0);
        }
        CMatrix ahb = new CMatrix();
        Kernels.mulConjTransA(a, b, ahb);
        double trace = 0;
        for (int i = 0; i < ahb.rows(); i++) {
            trace += ahb.re(i, i);
        }
        assertEquals(trace, Kernels.realInner(a, b), TOL * 30);
        assertThrows(IllegalArgumentException.class, () -> Kernels.addScaled(a, 1, new CMatrix(2, 2)));
        assertThrows(IllegalArgumentException.class, () -> Kernels.realInner(a, new CMatrix(2, 2)));
    }

    /** Seed 000 eq. (10): each entry to unit modulus with its phase; 0 → 1; overflowed entries stay NaN. */
    @Test
    void unitModulusProjection() {
        SplittableRandom rng = new SplittableRandom(7);
        CMatrix f = TestData.gaussian(rng, 4, 3);
        CMatrix before = new CMatrix().copyFrom(f);
        f.set(0, 0, 0, 0);
        f.set(1, 1, 1e200, -1e200); // its square overflows: hypot is used
        assertTrue(Kernels.unitModulusError(f) > 0.1);
        Kernels.projectUnitModulus(f);
        assertEquals(0, Kernels.unitModulusError(f), 1e-15);
        assertEquals(1, f.re(0, 0), 0);
        assertEquals(0, f.im(0, 0), 0);
        assertEquals(Math.sqrt(0.5), f.re(1, 1), 1e-15);
        assertEquals(-Math.sqrt(0.5), f.im(1, 1), 1e-15);
        for (int i = 1; i < f.size(); i++) {
            if (i == 1 * f.cols() + 1) {
                continue; // the overflowed entry, checked above
            }
            double m = Math.hypot(before.re[i], before.im[i]);
            assertEquals(before.re[i] / m, f.re[i], 1e-15);
            assertEquals(before.im[i] / m, f.im[i], 1e-15);
        }
        CMatrix nan = new CMatrix(1, 2);
        nan.set(0, 0, Double.POSITIVE_INFINITY, 0);
        nan.set(0, 1, Double.NaN, 1);
        Kernels.projectUnitModulus(nan);
        assertTrue(Double.isNaN(nan.re[0]) && Double.isNaN(nan.re[1]));
    }

    /** The loop beamPower replaced (Metrics.beampattern, Scnr, Seed003Sensing): ‖X[:, from:to]ᴴa‖². */
    private static double plainBeamPower(CMatrix x, int from, int to, double[] aRe, double[] aIm) {
        int n = x.rows(), k = x.cols();
        double p = 0;
        for (int j = from; j < to; j++) {
            double sr = 0, si = 0;
            for (int i = 0; i < n; i++) {
                double xr = x.re[i * k + j], xi = -x.im[i * k + j];
                sr += xr * aRe[i] - xi * aIm[i];
                si += xr * aIm[i] + xi * aRe[i];
            }
            p += sr * sr + si * si;
        }
        return p;
    }

    /**
     * beamPower against the slow direct aᴴ·(X·Xᴴ)·a (R formed by EJML) and bit for bit against
     * the loop it replaced, over all columns and over single columns.
     */
    @Test
    void beamPowerIsTheQuadraticFormOfTheCovariance() {
        SplittableRandom rng = new SplittableRandom(8);
        for (int[] s : new int[][] {{1, 1}, {4, 3}, {16, 5}, {9, 12}}) {
            int n = s[0], k = s[1];
            CMatrix x = TestData.gaussian(rng, n, k), a = TestData.gaussian(rng, n, 1);
            ZMatrixRMaj r = new ZMatrixRMaj(n, n);
            CommonOps_ZDRM.multTransB(toEjml(x), toEjml(x), r);
            double direct = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    // Re(conj(a_i)·R_ij·a_j); the imaginary parts cancel (R Hermitian)
                    double pr = r.getReal(i, j) * a.re[j] - r.getImag(i, j) * a.im[j];
                    double pi = r.getReal(i, j) * a.im[j] + r.getImag(i, j) * a.re[j];
                    direct += a.re[i] * pr + a.im[i] * pi;
                }
            }
            double p = Kernels.beamPower(x, a.re, a.im);
            assertEquals(direct, p, 1e-12 * direct * n);
            assertEquals(Double.doubleToRawLongBits(plainBeamPower(x, 0, k, a.re, a.im)), Double.doubleToRawLongBits(p));
            for (int q = 0; q < k; q++) {
                double dr = 0, di = 0;
                for (int i = 0; i < n; i++) {
                    dr += x.re(i, q) * a.re[i] + x.im(i, q) * a.im[i];
                    di += x.re(i, q) * a.im[i] - x.im(i, q) * a.re[i];
                }
                double one = Kernels.beamPower(x, q, q + 1, a.re, a.im);
                assertEquals(dr * dr + di * di, one, 1e-12 * (dr * dr + di * di) * n);
                assertEquals(Double.doubleToRawLongBits(plainBeamPower(x, q, q + 1, a.re, a.im)), Double.doubleToRawLongBits(one));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Kernels.beamPower(new CMatrix(2, 2), 1, 3, new double[2], new double[2]));
    }

    /**
     * covariance against EJML's X·Xᴴ and bit for bit against mulConjTransB(X, X) and the loop it
     * replaced (CrlbFim, BenchmarkCovariance), signed zeros included (a real X).
     */
    @Test
    void covarianceIsXXhBitForBit() {
        SplittableRandom rng = new SplittableRandom(9);
        for (int[] s : new int[][] {{1, 1}, {3, 5}, {12, 4}, {7, 7}}) {
            int n = s[0], k = s[1];
            for (boolean real : new boolean[] {false, true}) {
                CMatrix x = TestData.gaussian(rng, n, k);
                if (real) {
                    java.util.Arrays.fill(x.im, 0);
                }
                CMatrix r = new CMatrix(2, 9), full = new CMatrix();
                Kernels.covariance(x, r);
                Kernels.mulConjTransB(x, x, full);
                ZMatrixRMaj expected = new ZMatrixRMaj(n, n);
                CommonOps_ZDRM.multTransB(toEjml(x), toEjml(x), expected);
                assertClose(expected, r, 1e-12 * k);
                for (int a = 0; a < n; a++) {
                    for (int b = 0; b < n; b++) {
                        double sr = 0, si = 0;
                        for (int l = 0; l < k; l++) {
                            double xr = x.re[a * k + l], xi = x.im[a * k + l];
                            double yr = x.re[b * k + l], yi = -x.im[b * k + l];
                            sr += xr * yr - xi * yi;
                            si += xr * yi + xi * yr;
                        }
                        int i = a * n + b;
                        assertEquals(Double.doubleToRawLongBits(sr), Double.doubleToRawLongBits(r.re[i]), "re " + a + "," + b);
                        assertEquals(Double.doubleToRawLongBits(si), Double.doubleToRawLongBits(r.im[i]), "im " + a + "," + b);
                        assertEquals(Double.doubleToRawLongBits(full.re[i]), Double.doubleToRawLongBits(r.re[i]));
                        assertEquals(Double.doubleToRawLongBits(full.im[i]), Double.doubleToRawLongBits(r.im[i]));
                    }
                }
            }
        }
    }

    @Test
    void mulRejectsMismatchedShapes() {
        assertThrows(IllegalArgumentException.class, () -> Kernels.mul(new CMatrix(2, 3), new CMatrix(2, 3), new CMatrix()));
    }

    @Test
    void choleskySolveInvertsHermitianPositiveDefinite() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int n : new int[] {1, 2, 4, 16}) {
            CMatrix g = TestData.gaussian(rng, n + 3, n);
            CMatrix a = new CMatrix();
            Kernels.mulConjTransA(g, g, a); // GᴴG is Hermitian PD
            CMatrix factor = new CMatrix().copyFrom(a);
            assertTrue(Kernels.cholesky(factor));
            CMatrix b = TestData.gaussian(rng, n, 3);
            CMatrix x = new CMatrix().copyFrom(b);
            Kernels.choleskySolve(factor, x);
            CMatrix ax = new CMatrix();
            Kernels.mul(a, x, ax);
            for (int i = 0; i < b.size(); i++) {
                assertEquals(b.re[i], ax.re[i], 1e-9);
                assertEquals(b.im[i], ax.im[i], 1e-9);
            }
        }
    }

    @Test
    void invertLowerInvertsTheCholeskyFactor() {
        SplittableRandom rng = new SplittableRandom(4);
        for (int n : new int[] {1, 2, 5, 16}) {
            CMatrix g = TestData.gaussian(rng, n + 2, n);
            CMatrix l = new CMatrix();
            Kernels.mulConjTransA(g, g, l);
            assertTrue(Kernels.cholesky(l));
            for (int i = 0; i < n; i++) { // keep only L
                for (int j = i + 1; j < n; j++) {
                    l.set(i, j, 0, 0);
                }
            }
            CMatrix t = new CMatrix().copyFrom(l);
            Kernels.invertLower(t);
            CMatrix p = new CMatrix();
            Kernels.mul(l, t, p);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(i == j ? 1.0 : 0.0, p.re(i, j), 1e-12, "re(" + i + "," + j + ")");
                    assertEquals(0.0, p.im(i, j), 1e-12);
                    if (j > i) {
                        assertEquals(0.0, t.re(i, j), 0.0, "upper triangle cleared");
                    }
                }
            }
        }
    }

    @Test
    void choleskyRefusesIndefinite() {
        CMatrix a = new CMatrix(2, 2);
        a.set(0, 0, 1, 0);
        a.set(0, 1, 2, 0);
        a.set(1, 0, 2, 0);
        a.set(1, 1, 1, 0); // eigenvalues 3 and -1
        assertFalse(Kernels.cholesky(a));
        CMatrix nan = new CMatrix(1, 1);
        nan.set(0, 0, Double.NaN, 0);
        assertFalse(Kernels.cholesky(nan));
    }

    @Test
    void reshapeReusesBuffersAndZeroes() {
        CMatrix m = new CMatrix(4, 4);
        double[] re = m.re;
        m.re[3] = 5;
        m.reshape(2, 3);
        assertTrue(re == m.re, "buffer reused when it fits");
        assertEquals(0.0, m.re[3], TOL);
        m.reshape(5, 5);
        assertEquals(25, m.re.length);
    }
}
