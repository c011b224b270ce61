package org.isac.fpga.guard;

import org.isac.solver.linalg.CMatrix;

/**
 * Transmit-power checks on the effective precoder {@code X = F W} ({@code N x K}; digital
 * {@code X = W}).
 *
 * <p>Limits: total {@code ||X||_F^2 <= budget * (1 + tol)}; with per-antenna limits, every row
 * {@code sum_k |X_nk|^2 <= budget / N * (1 + tol)}. All entries must be finite. A NaN anywhere
 * makes the measured power NaN, which fails every comparison ({@code !(p <= limit)}).
 */
public final class PowerGuard {
    private PowerGuard() {
    }

    /**
     * Measures {@code X = F W} without forming it. {@code F} is {@code n x m} (null for digital:
     * then {@code W} is {@code n x k} and {@code m} is ignored), {@code W} is {@code m x k}
     * (hybrid). Writes each row's power to {@code rowPower[0..n)} when non-null. Inputs not
     * modified; {@code 8 n m k} flops (hybrid), {@code 4 n k} (digital); allocation-free.
     *
     * @return {@code ||X||_F^2} (NaN or infinite when any input is)
     */
    public static double measure(double[] fRe, double[] fIm, int n, int m,
                                 double[] wRe, double[] wIm, int k, double[] rowPower) {
        double total = 0;
        for (int r = 0; r < n; r++) {
            double row = rowPower(fRe, fIm, m, wRe, wIm, k, r);
            if (rowPower != null) {
                rowPower[r] = row;
            }
            total += row;
        }
        return total;
    }

    /** Largest value in {@code v[0..n)} (NaN if any is NaN). */
    public static double max(double[] v, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) {
            if (!(v[i] <= m)) {
                m = v[i];
            }
            if (Double.isNaN(m)) {
                return m;
            }
        }
        return m;
    }

    /**
     * Whether the measured powers are within the limits.
     *
     * @param total       {@code ||X||_F^2}
     * @param maxRow      largest row power (ignored unless {@code perAntenna})
     * @param n           antennas
     * @param budgetW     total budget in watts (finite, {@code >= 0})
     * @param tol         relative tolerance
     * @param perAntenna  whether the per-antenna limit {@code budget/N} applies
     */
    public static boolean within(double total, double maxRow, int n, double budgetW, double tol, boolean perAntenna) {
        if (!(total <= budgetW * (1 + tol))) {
            return false;
        }
        return !perAntenna || maxRow <= budgetW / n * (1 + tol);
    }

    /**
     * The guard's verdict on unquantized weights, in the order the encoder applies it:
     * {@link GuardOutcome#INVALID_BUDGET} (budget NaN, negative or infinite),
     * {@link GuardOutcome#NON_FINITE}, {@link GuardOutcome#OVER_BUDGET}
     * ({@code ||X||_F^2 > budget (1+tol)}), {@link GuardOutcome#OVER_PER_ANTENNA} (when
     * {@code perAntenna}, a row above {@code budget/N (1+tol)}), else
     * {@link GuardOutcome#ACCEPTED}. {@code fRe} null means digital ({@code W} is {@code n x k}).
     * Allocation-free; does not count anything.
     */
    public static GuardOutcome check(double[] fRe, double[] fIm, int n, int m, double[] wRe, double[] wIm, int k,
                                     double budgetW, boolean perAntenna, double tol) {
        if (!(budgetW >= 0) || budgetW == Double.POSITIVE_INFINITY) {
            return GuardOutcome.INVALID_BUDGET;
        }
        int rows = fRe == null ? n : m;
        if ((fRe != null && !(allFinite(fRe, n * m) && allFinite(fIm, n * m)))
                || !allFinite(wRe, rows * k) || !allFinite(wIm, rows * k)) {
            return GuardOutcome.NON_FINITE;
        }
        double total = 0;
        double maxRow = 0;
        for (int r = 0; r < n; r++) {
            double row = rowPower(fRe, fIm, m, wRe, wIm, k, r);
            total += row;
            maxRow = Math.max(maxRow, row);
        }
        if (!(total <= budgetW * (1 + tol))) {
            return GuardOutcome.OVER_BUDGET;
        }
        if (perAntenna && !(maxRow <= budgetW / n * (1 + tol))) {
            return GuardOutcome.OVER_PER_ANTENNA;
        }
        return GuardOutcome.ACCEPTED;
    }

    /**
     * {@link #check(double[], double[], int, int, double[], double[], int, double, boolean, double)}
     * for {@code X = F W} given as matrices; {@code analog} null or empty means digital.
     *
     * @throws IllegalArgumentException when the shapes do not chain
     */
    public static GuardOutcome check(CMatrix analog, CMatrix baseband, double budgetW, boolean perAntenna, double tol) {
        if (analog == null || analog.isEmpty()) {
            return check(null, null, baseband.rows(), 0, baseband.re, baseband.im, baseband.cols(), budgetW, perAntenna, tol);
        }
        if (analog.cols() != baseband.rows()) {
            throw new IllegalArgumentException("F is " + analog.rows() + "x" + analog.cols() + ", W " + baseband.rows()
                    + "x" + baseband.cols());
        }
        return check(analog.re, analog.im, analog.rows(), analog.cols(), baseband.re, baseband.im, baseband.cols(),
                budgetW, perAntenna, tol);
    }

    private static double rowPower(double[] fRe, double[] fIm, int m, double[] wRe, double[] wIm, int k, int r) {
        double row = 0;
        for (int c = 0; c < k; c++) {
            double xr;
            double xi;
            if (fRe == null) {
                xr = wRe[r * k + c];
                xi = wIm[r * k + c];
            } else {
                xr = 0;
                xi = 0;
                for (int j = 0; j < m; j++) {
                    double ar = fRe[r * m + j];
                    double ai = fIm[r * m + j];
                    double br = wRe[j * k + c];
                    double bi = wIm[j * k + c];
                    xr += ar * br - ai * bi;
                    xi += ar * bi + ai * br;
                }
            }
            row += xr * xr + xi * xi;
        }
        return row;
    }

    /** Whether every value in {@code v[0..n)} is finite. */
    public static boolean allFinite(double[] v, int n) {
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(v[i])) {
                return false;
            }
        }
        return true;
    }
}
