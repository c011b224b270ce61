package org.isac.controller;

import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;
import org.isac.solver.metric.Metrics;

/** What updates achieve (recorded ones, and the live view's latest), computed from their float weights (not from the solver's own prediction). */
public final class UpdateMath {
    private UpdateMath() {
    }

    /** The precoder X = F·W of a hybrid update, or W of a digital one (N × K). */
    public static CMatrix precoder(WeightUpdate u) {
        CMatrix w = CsiMapping.fromComplexMatrix(u.getBaseband(), new CMatrix());
        if (u.getAnalog().getRows() == 0) {
            return w;
        }
        CMatrix x = new CMatrix();
        Kernels.mul(CsiMapping.fromComplexMatrix(u.getAnalog(), new CMatrix()), w, x);
        return x;
    }

    /**
     * Σ_k log2(1 + SINR_k) of the update's precoder on the report's channel and noise (one noise
     * value = the same for every user): the rate on the CSI the controller solved on. A digital
     * ISAC precoder's sensing streams (columns beyond the K users, N × (K + N_s)) are
     * interference to every user, as in {@link Metrics#sinr} (seed 004 eq. (2)). NaN when the
     * shapes do not fit.
     */
    public static double sumRateBits(CsiReport r, WeightUpdate u) {
        try {
            CMatrix h = CsiMapping.fromComplexMatrix(r.getChannel(), new CMatrix());
            CMatrix x = precoder(u);
            int k = h.cols();
            if (x.rows() != h.rows() || x.cols() < k || r.getNoisePowerWCount() == 0) {
                return Double.NaN;
            }
            double[] noise = new double[k];
            for (int i = 0; i < k; i++) {
                noise[i] = r.getNoisePowerW(Math.min(i, r.getNoisePowerWCount() - 1));
            }
            return Metrics.sumRateBits(h, x, noise, new double[4 * k]);
        } catch (RuntimeException malformed) {
            return Double.NaN; // a peer's inconsistent matrix: no rate
        }
    }

    /** ‖X_b − X_a‖_F / ‖X_a‖_F of two updates' precoders; NaN when their shapes differ. */
    public static double relativeDifference(WeightUpdate a, WeightUpdate b) {
        CMatrix xa = precoder(a), xb = precoder(b);
        if (xa.rows() != xb.rows() || xa.cols() != xb.cols()) {
            return Double.NaN;
        }
        double d = 0, n = 0;
        for (int i = 0; i < xa.size(); i++) {
            double dr = xb.re[i] - xa.re[i], di = xb.im[i] - xa.im[i];
            d += dr * dr + di * di;
            n += xa.re[i] * xa.re[i] + xa.im[i] * xa.im[i];
        }
        return n == 0 ? (d == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(d / n);
    }

    /** True when both updates carry the same float weights and the same hardware frame, bit for bit. */
    public static boolean identicalWeights(WeightUpdate a, WeightUpdate b) {
        return a.getAnalog().equals(b.getAnalog()) && a.getBaseband().equals(b.getBaseband()) && a.getFpgaFrame().equals(b.getFpgaFrame());
    }
}
