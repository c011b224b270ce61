package org.isac.solver.metric;

import org.isac.solver.Scatterers;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;

/**
 * Signal-to-clutter-plus-noise ratio of seed 002 eq. (5) for M targets and C clutter
 * scatterers seen through point echo channels G_i = α_i·a_r(θ_i, ε_i)·a_t(θ_i, ε_i)ᴴ
 * (i = 1…M targets, then M+1…M+C clutter; normalised steering vectors of
 * {@link ArrayShape}) and receive filters F = [f_1 … f_M] (N_r × M):
 * <pre>
 *   γ_sm = ‖f_mᴴ G_m W‖² / (Σ_{j≠m} ‖f_mᴴ G_j W‖² + N_r·σ_s²·‖f_m‖²),
 * </pre>
 * where ‖f_mᴴ G_j W‖² = |α_j|²·|f_mᴴ a_r,j|²·‖Wᴴa_t,j‖² (rank-one G_j). W is N_t × S (any
 * number of streams). Allocation-free once the workspace has grown. Not thread-safe.
 */
public final class Scnr {
    private double[] atRe = new double[0], atIm = new double[0], arRe = new double[0], arIm = new double[0];
    private double[] beam = new double[0];
    private double[] fNorm2 = new double[0];
    private double[] cross = new double[0];

    /**
     * Writes γ_sm to {@code out[0…M−1]} (linear, not dB). Flops: (M+C)·(8·N_t·S + 8·N_r·M) plus
     * (M+C)·(N_t+N_r) sin/cos pairs.
     */
    public void scnr(ArrayShape tx, ArrayShape rx, Scatterers targets, Scatterers clutter, CMatrix w, CMatrix f,
            double radarNoiseW, double[] out) {
        int nt = tx.size(), nr = rx.size(), s = w.cols(), m = targets.count(), c = clutter.count(), n = m + c;
        if (w.rows() != nt || f.rows() != nr || f.cols() != m) {
            throw new IllegalArgumentException("SCNR: W is " + w.rows() + "x" + s + " for N_t=" + nt + ", F is " + f.rows() + "x"
                    + f.cols() + " for N_r=" + nr + ", M=" + m);
        }
        if (atRe.length < nt) {
            atRe = new double[nt];
            atIm = new double[nt];
        }
        if (arRe.length < nr) {
            arRe = new double[nr];
            arIm = new double[nr];
        }
        if (beam.length < n) {
            beam = new double[n];
        }
        if (fNorm2.length < m) {
            fNorm2 = new double[m];
        }
        if (cross.length < m * n) {
            cross = new double[m * n];
        }
        for (int q = 0; q < m; q++) {
            double acc = 0;
            for (int i = 0; i < nr; i++) {
                acc += f.re[i * m + q] * f.re[i * m + q] + f.im[i * m + q] * f.im[i * m + q];
            }
            fNorm2[q] = acc;
        }
        for (int j = 0; j < n; j++) {
            Scatterers sc = j < m ? targets : clutter;
            int idx = j < m ? j : j - m;
            double az = sc.azimuthRad[idx], el = sc.elevationRad[idx];
            double a2 = sc.gainRe[idx] * sc.gainRe[idx] + sc.gainIm[idx] * sc.gainIm[idx];
            tx.steering(az, el, atRe, atIm, 0);
            rx.steering(az, el, arRe, arIm, 0);
            beam[j] = a2 * Kernels.beamPower(w, atRe, atIm); // |α_j|²·‖Wᴴa_t‖²
            for (int q = 0; q < m; q++) {
                cross[q * n + j] = Kernels.beamPower(f, q, q + 1, arRe, arIm); // |f_qᴴa_r|²
            }
        }
        for (int q = 0; q < m; q++) {
            double signal = 0, rest = nr * radarNoiseW * fNorm2[q];
            for (int j = 0; j < n; j++) {
                double t = beam[j] * cross[q * n + j];
                if (j == q) {
                    signal = t;
                } else {
                    rest += t;
                }
            }
            out[q] = signal / rest;
        }
    }
}
