package org.isac.solver.linalg;

/**
 * Eigen-decomposition of a small Hermitian matrix by cyclic complex Jacobi rotations: for
 * each pair (p, q) the phase of a_pq is moved onto row/column q (a diagonal unitary
 * similarity), then a real Givens rotation zeroes the now real a_pq. Every method reads the
 * Hermitian part ½(S + Sᴴ) of its argument (which removes rounding asymmetry) and leaves the
 * argument unchanged. Meant for n ≲ 100 (the (K + 3M)-dimensional pencils of seed 004, the
 * N × N covariances Ψ of seed 000); allocation-free once the workspace has grown. Flops:
 * ≈ 6–8 sweeps × n(n−1)/2 pairs × 36n, twice that with eigenvectors. One instance per
 * thread.
 */
public final class HermitianEigen {
    private static final int MAX_SWEEPS = 60;
    private double[] cr = new double[0], ci = new double[0];
    private double[] vr = new double[0], vi = new double[0];
    private boolean[] taken = new boolean[0];

    /** The largest |eigenvalue| of the Hermitian n × n {@code s}. */
    public double maxAbsEigenvalue(CMatrix s) {
        int n = diagonalise(s, false);
        double best = 0;
        for (int i = 0; i < n; i++) {
            best = Math.max(best, Math.abs(cr[i * n + i]));
        }
        return best;
    }

    /** The smallest eigenvalue of the Hermitian n × n {@code s}. */
    public double minEigenvalue(CMatrix s) {
        int n = diagonalise(s, false);
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            min = Math.min(min, cr[i * n + i]);
        }
        return min;
    }

    /**
     * The {@code count} dominant eigenpairs of the Hermitian n × n {@code s}: writes the
     * eigenvalues (descending) to {@code values[0…count−1]} and orthonormal eigenvectors to
     * the columns of {@code vectors} (reshaped to n × count). Each eigenvector's phase is
     * arbitrary (any unit multiple is one).
     */
    public void dominant(CMatrix s, int count, double[] values, CMatrix vectors) {
        int n = s.rows();
        if (count < 0 || count > n) {
            throw new IllegalArgumentException("asked for " + count + " eigenpairs of a " + n + "x" + n + " matrix");
        }
        diagonalise(s, true);
        if (taken.length < n) {
            taken = new boolean[n];
        }
        java.util.Arrays.fill(taken, 0, n, false);
        vectors.reshape(n, count);
        for (int c = 0; c < count; c++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (!taken[i] && (best < 0 || cr[i * n + i] > cr[best * n + best])) {
                    best = i;
                }
            }
            taken[best] = true;
            values[c] = cr[best * n + best];
            for (int i = 0; i < n; i++) {
                vectors.re[i * count + c] = vr[i * n + best];
                vectors.im[i * count + c] = vi[i * n + best];
            }
        }
    }

    /**
     * Jacobi sweeps on the Hermitian part of {@code s} until the off-diagonal energy is below
     * 10⁻³⁰ of the total: the eigenvalues end on the diagonal of (cr, ci) and, with
     * {@code vectors}, the eigenvectors in the columns of (vr, vi) (S = V·Λ·Vᴴ). Returns n.
     */
    private int diagonalise(CMatrix s, boolean vectors) {
        int n = s.rows();
        if (s.cols() != n) {
            throw new IllegalArgumentException("need a square matrix, got " + n + "x" + s.cols());
        }
        if (cr.length < n * n) {
            cr = new double[n * n];
            ci = new double[n * n];
        }
        if (vectors && vr.length < n * n) {
            vr = new double[n * n];
            vi = new double[n * n];
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
        if (vectors) {
            java.util.Arrays.fill(vr, 0, n * n, 0);
            java.util.Arrays.fill(vi, 0, n * n, 0);
            for (int i = 0; i < n; i++) {
                vr[i * n + i] = 1;
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
                    // A ← GᵀAG, G the real rotation of columns p, q
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
                    if (vectors) {
                        // V ← V·P·G
                        for (int k = 0; k < n; k++) {
                            double xr = vr[k * n + q], xi = vi[k * n + q];
                            double yr = xr * er - xi * ei, yi = xr * ei + xi * er;
                            double pr = vr[k * n + p], pi = vi[k * n + p];
                            vr[k * n + p] = c * pr - sn * yr;
                            vi[k * n + p] = c * pi - sn * yi;
                            vr[k * n + q] = sn * pr + c * yr;
                            vi[k * n + q] = sn * pi + c * yi;
                        }
                    }
                }
            }
        }
        return n;
    }
}
