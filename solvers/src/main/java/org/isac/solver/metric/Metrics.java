package org.isac.solver.metric;

import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;

/**
 * Communication and sensing metrics of a precoder X (N × K, effective: F·W for hybrid) for
 * the downlink y_k = h_kᴴ·X·s + n_k (H is N × K, column k = h_k, E[ssᴴ] = I).
 * Allocation-free: callers pass output arrays.
 */
public final class Metrics {
    /** ln 2, to convert nats to bits. */
    public static final double LN2 = Math.log(2);

    private Metrics() {
    }

    /**
     * SINR_k = |h_kᴴx_k|² / (Σ_{j≠k} |h_kᴴx_j|² + σ²_k) (seed 000 eq. (4) with X = FW),
     * written to {@code out[0…K−1]}. X may have more columns than H (N × (K + N_s)): the
     * first K carry the users' symbols, the rest are sensing streams that every user hears
     * as interference (seed 004 eq. (2)). Flops: 8·N·K·(K + N_s).
     */
    public static void sinr(CMatrix h, CMatrix x, double[] noise, double[] out) {
        int n = h.rows(), k = h.cols(), streams = x.cols();
        if (x.rows() != n || streams < k) {
            throw new IllegalArgumentException("precoder is " + x.rows() + "x" + x.cols() + ", channel " + n + "x" + k);
        }
        for (int u = 0; u < k; u++) {
            double signal = 0, interference = 0;
            for (int j = 0; j < streams; j++) {
                double gr = 0, gi = 0;
                for (int i = 0; i < n; i++) {
                    // conj(h_iu) * x_ij
                    double hr = h.re[i * k + u], hi = -h.im[i * k + u];
                    double xr = x.re[i * streams + j], xi = x.im[i * streams + j];
                    gr += hr * xr - hi * xi;
                    gi += hr * xi + hi * xr;
                }
                double p = gr * gr + gi * gi;
                if (j == u) {
                    signal = p;
                } else {
                    interference += p;
                }
            }
            out[u] = signal / (interference + noise[u]);
        }
    }

    /** Σ_k log2(1 + SINR_k), bits/s/Hz. {@code scratch} has length ≥ K. */
    public static double sumRateBits(CMatrix h, CMatrix x, double[] noise, double[] scratch) {
        return sumRateNats(h, x, noise, scratch) / LN2;
    }

    /** Σ_k ln(1 + SINR_k), nats/s/Hz. {@code scratch} has length ≥ K. */
    public static double sumRateNats(CMatrix h, CMatrix x, double[] noise, double[] scratch) {
        sinr(h, x, noise, scratch);
        double r = 0;
        for (int u = 0; u < h.cols(); u++) {
            r += Math.log1p(scratch[u]);
        }
        return r;
    }

    /** Smallest entry of {@code v[0…n−1]}. */
    public static double min(double[] v, int n) {
        double m = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.min(m, v[i]);
        }
        return m;
    }

    /**
     * Transmit beampattern P(θ_t) = a(θ_t)ᴴ·X·Xᴴ·a(θ_t) = ‖Xᴴa(θ_t)‖² for each azimuth
     * {@code azimuthRad[t]} at elevation {@code elevationRad}, with a(·) the array's
     * normalised steering vector ({@link ArrayShape}); multiply by N for seed 000's
     * unnormalised ā. {@code aRe/aIm} are scratch of length ≥ N. Flops: 8·N·K per angle.
     */
    public static void beampattern(ArrayShape array, CMatrix x, double[] azimuthRad, double elevationRad,
            double[] out, double[] aRe, double[] aIm) {
        int n = x.rows();
        if (array.size() != n) {
            throw new IllegalArgumentException("array has " + array.size() + " elements, precoder " + n + " rows");
        }
        for (int t = 0; t < azimuthRad.length; t++) {
            array.steering(azimuthRad[t], elevationRad, aRe, aIm, 0);
            out[t] = Kernels.beamPower(x, aRe, aIm);
        }
    }

    /**
     * Beampattern error τ = ‖X·Xᴴ − Ψ‖²_F (seed 000 eq. (5), X = F·W), Ψ the N × N
     * benchmark covariance. Flops: 8·N²·K + 3·N².
     */
    public static double beampatternError(CMatrix x, CMatrix psi) {
        int n = x.rows(), k = x.cols();
        if (psi.rows() != n || psi.cols() != n) {
            throw new IllegalArgumentException("Ψ is " + psi.rows() + "x" + psi.cols() + ", need " + n + "x" + n);
        }
        double tau = 0;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                double sr = 0, si = 0;
                for (int j = 0; j < k; j++) {
                    // x_rj * conj(x_cj)
                    double ar = x.re[r * k + j], ai = x.im[r * k + j];
                    double br = x.re[c * k + j], bi = -x.im[c * k + j];
                    sr += ar * br - ai * bi;
                    si += ar * bi + ai * br;
                }
                double dr = sr - psi.re[r * n + c], di = si - psi.im[r * n + c];
                tau += dr * dr + di * di;
            }
        }
        return tau;
    }
}
