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
        Metrics.sinr(h, w, noise, out);
        double sum = 0;
        for (int u = 0; u < h.cols(); u++) {
            out[u] = Math.log1p(out[u]);
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
