package org.isac.solver.digital;

import org.isac.solver.linalg.CMatrix;

/**
 * Eigenvalues of a small Hermitian matrix by cyclic complex Jacobi rotations: for each
 * pair (p, q) the phase of a_pq is moved onto row/column q (a diagonal unitary
 * similarity), then a real Givens rotation zeroes the now real a_pq. Meant for n ≲ 20
 * (the (K + 3M)-dimensional pencils of seed 004); allocation-free once the workspace has
 * grown. Flops: ≈ 6–8 sweeps × n(n−1)/2 pairs × 36n. {@link #maxAbsEigenvalueEmbedded}
 * is the slower oracle on the real symmetric embedding [[X, −Y], [Y, X]].
 */
public final class HermitianEig {
    private static final int MAX_SWEEPS = 60;
    private double[] a = new double[0];
    private double[] cr = new double[0], ci = new double[0];

    /**
     * The largest |eigenvalue| of the Hermitian n × n {@code s} (read only; it is
     * symmetrised as ½(S + Sᴴ) first, which removes rounding asymmetry).
     */
    public double maxAbsEigenvalue(CMatrix s) {
        int n = s.rows();
        if (cr.length < n * n) {
            cr = new double[n * n];
            ci = new double[n * n];
        }
        double norm2 = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double x = 0.5 * (s.re[i * n + j] + s.re[j * n + i]);
                double y = 0.5 * (s.im[i * n + j] - s.im[j * n + i]);
                cr[i * n + j] = x;
                ci[i * n + j] = y;
                norm2 += x * x + y * y;
            }
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += cr[p * n + q] * cr[p * n + q] + ci[p * n + q] * ci[p * n + q];
                }
            }
            if (off <= 1e-30 * norm2) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double br = cr[p * n + q], bi = ci[p * n + q];
                    double mag = Math.hypot(br, bi);
                    if (mag == 0) {
                        continue;
                    }
                    // A ← PᴴAP, P = diag(…, e^{−jφ} at q, …): column q times e^{−jφ}, row q times e^{jφ}
                    double er = br / mag, ei = -bi / mag; // e^{−jφ}
                    for (int k = 0; k < n; k++) {
                        double xr = cr[k * n + q], xi = ci[k * n + q];
                        cr[k * n + q] = xr * er - xi * ei;
                        ci[k * n + q] = xr * ei + xi * er;
                    }
                    for (int k = 0; k < n; k++) {
                        double xr = cr[q * n + k], xi = ci[q * n + k];
                        cr[q * n + k] = xr * er + xi * ei;
                        ci[q * n + k] = xi * er - xr * ei;
                    }
                    cr[p * n + q] = mag;
                    ci[p * n + q] = 0;
                    cr[q * n + p] = mag;
                    ci[q * n + p] = 0;
                    ci[q * n + q] = 0;
                    double theta = (cr[q * n + q] - cr[p * n + p]) / (2 * mag);
                    double t = theta == 0 ? 1 : Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    double c = 1 / Math.sqrt(t * t + 1), sn = t * c;
                    for (int k = 0; k < n; k++) {
                        double pr = cr[k * n + p], pi = ci[k * n + p], qr = cr[k * n + q], qi = ci[k * n + q];
                        cr[k * n + p] = c * pr - sn * qr;
                        ci[k * n + p] = c * pi - sn * qi;
                        cr[k * n + q] = sn * pr + c * qr;
                        ci[k * n + q] = sn * pi + c * qi;
                    }
                    for (int k = 0; k < n; k++) {
                        double pr = cr[p * n + k], pi = ci[p * n + k], qr = cr[q * n + k], qi = ci[q * n + k];
                        cr[p * n + k] = c * pr - sn * qr;
                        ci[p * n + k] = c * pi - sn * qi;
                        cr[q * n + k] = sn * pr + c * qr;
                        ci[q * n + k] = sn * pi + c * qi;
                    }
                }
            }
        }
        double best = 0;
        for (int i = 0; i < n; i++) {
            best = Math.max(best, Math.abs(cr[i * n + i]));
        }
        return best;
    }

    /** Same result as {@link #maxAbsEigenvalue} via real Jacobi on the 2n × 2n embedding (test oracle). */
    public double maxAbsEigenvalueEmbedded(CMatrix s) {
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
