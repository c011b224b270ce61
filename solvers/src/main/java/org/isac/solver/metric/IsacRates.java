package org.isac.solver.metric;

import org.isac.solver.linalg.CMatrix;

/**
 * Per-user rates of seed 004 eq. (2) for an ISAC precoder W = [W_c, W_s] (N × (K + N_s),
 * communication columns first): the radar streams W_s interfere with every user,
 * R_k = ln(1 + |h_kᴴw_ck|² / (Σ_{j≠k}|h_kᴴw_cj|² + ‖h_kᴴW_s‖² + σ²_k)), in nats/s/Hz.
 * Allocation-free.
 */
public final class IsacRates {
    private IsacRates() {
    }

    /**
     * Writes R_k (nats) to {@code out[0…K−1]} and returns Σ_k R_k. {@code h} is N × K, {@code w}
     * is N × S with S ≥ K. Flops: 8·N·K·S.
     */
    public static double ratesNats(CMatrix h, CMatrix w, double[] noise, double[] out) {
        int n = h.rows(), k = h.cols(), s = w.cols();
        if (w.rows() != n || s < k) {
            throw new IllegalArgumentException("precoder is " + w.rows() + "x" + s + ", channel " + n + "x" + k);
        }
        double sum = 0;
        for (int u = 0; u < k; u++) {
            double total = noise[u], signal = 0;
            for (int j = 0; j < s; j++) {
                double gr = 0, gi = 0;
                for (int i = 0; i < n; i++) {
                    double hr = h.re[i * k + u], hi = -h.im[i * k + u];
                    double xr = w.re[i * s + j], xi = w.im[i * s + j];
                    gr += hr * xr - hi * xi;
                    gi += hr * xi + hi * xr;
                }
                double p = gr * gr + gi * gi;
                total += p;
                if (j == u) {
                    signal = p;
                }
            }
            out[u] = Math.log1p(signal / (total - signal));
            sum += out[u];
        }
        return sum;
    }

    /**
     * Rates from the K × S product G = Hᴴ·W (row k = h_kᴴW): writes R_k to {@code out} and
     * returns the sum. Flops: 4·K·S.
     */
    public static double ratesFromProducts(CMatrix g, double[] noise, double[] out) {
        int k = g.rows(), s = g.cols();
        double sum = 0;
        for (int u = 0; u < k; u++) {
            double total = noise[u];
            for (int j = 0; j < s; j++) {
                double gr = g.re[u * s + j], gi = g.im[u * s + j];
                total += gr * gr + gi * gi;
            }
            double gr = g.re[u * s + u], gi = g.im[u * s + u];
            double signal = gr * gr + gi * gi;
            out[u] = Math.log1p(signal / (total - signal));
            sum += out[u];
        }
        return sum;
    }
}
