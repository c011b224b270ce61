package org.isac.solver.digital;

import org.isac.solver.linalg.CMatrix;

/**
 * Eigenvalues of a small Hermitian matrix X + jY by cyclic Jacobi rotations on its real
 * symmetric embedding [[X, −Y], [Y, X]] (each eigenvalue of X + jY appears twice there).
 * Meant for n ≲ 20 (the (K + 3M)-dimensional pencils of seed 004); allocation-free once
 * the workspace has grown. Flops: ≈ 10 sweeps × 2n(2n−1)/2 rotations × 16n.
 */
public final class HermitianEig {
    private static final int MAX_SWEEPS = 60;
    private double[] a = new double[0];

    /**
     * The largest |eigenvalue| of the Hermitian n × n {@code s} (read only; it is
     * symmetrised as ½(S + Sᴴ) first, which removes rounding asymmetry).
     */
    public double maxAbsEigenvalue(CMatrix s) {
        int n = s.rows();
        int m = 2 * n;
        if (a.length < m * m) {
            a = new double[m * m];
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                // symmetrise to remove rounding asymmetry
                double x = 0.5 * (s.re[i * n + j] + s.re[j * n + i]);
                double y = 0.5 * (s.im[i * n + j] - s.im[j * n + i]);
                a[i * m + j] = x;
                a[(i + n) * m + j + n] = x;
                a[i * m + j + n] = -y;
                a[(i + n) * m + j] = y;
            }
        }
        double norm2 = 0;
        for (int i = 0; i < m * m; i++) {
            norm2 += a[i] * a[i];
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            for (int p = 0; p < m; p++) {
                for (int q = p + 1; q < m; q++) {
                    off += a[p * m + q] * a[p * m + q];
                }
            }
            if (off <= 1e-30 * norm2) {
                break;
            }
            for (int p = 0; p < m; p++) {
                for (int q = p + 1; q < m; q++) {
                    double apq = a[p * m + q];
                    if (apq == 0) {
                        continue;
                    }
                    double theta = (a[q * m + q] - a[p * m + p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1), sn = t * c;
                    for (int k = 0; k < m; k++) {
                        double akp = a[k * m + p], akq = a[k * m + q];
                        a[k * m + p] = c * akp - sn * akq;
                        a[k * m + q] = sn * akp + c * akq;
                    }
                    for (int k = 0; k < m; k++) {
                        double apk = a[p * m + k], aqk = a[q * m + k];
                        a[p * m + k] = c * apk - sn * aqk;
                        a[q * m + k] = sn * apk + c * aqk;
                    }
                }
            }
        }
        double best = 0;
        for (int i = 0; i < m; i++) {
            best = Math.max(best, Math.abs(a[i * m + i]));
        }
        return best;
    }
}
