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

    /** The precoder X = F·W of a hybrid update, or W of a digital one (N × K); subband 0 of a wideband one. */
    public static CMatrix precoder(WeightUpdate u) {
        return precoder(u, 0);
    }

    /** Subbands S an update answers: 1 + its {@code subband_baseband} sets. */
    public static int subbands(WeightUpdate u) {
        return 1 + u.getSubbandBasebandCount();
    }

    /** Subbands S a report carries: its {@code subbands}, or 1 (the narrowband {@code channel}). */
    public static int subbands(CsiReport r) {
        return Math.max(1, r.getSubbandsCount());
    }

    /** Subband s's precoder X_s = F·W_s (hybrid) or W_s (digital). */
    public static CMatrix precoder(WeightUpdate u, int s) {
        CMatrix w = CsiMapping.fromComplexMatrix(s == 0 ? u.getBaseband() : u.getSubbandBaseband(s - 1), new CMatrix());
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
     * interference to every user, as in {@link Metrics#sinr} (seed 004 eq. (2)). A wideband
     * report and update: the mean over subbands of each subband's rate with its own channel,
     * noise and X_s. NaN when the shapes or subband counts do not fit.
     */
    public static double sumRateBits(CsiReport r, WeightUpdate u) {
        int bands = subbands(r);
        if (subbands(u) != bands) {
            return Double.NaN;
        }
        try {
            double sum = 0;
            for (int s = 0; s < bands; s++) {
                boolean wide = r.getSubbandsCount() > 0;
                CMatrix h = CsiMapping.fromComplexMatrix(wide ? r.getSubbands(s).getChannel() : r.getChannel(), new CMatrix());
                java.util.List<Double> noiseList = wide ? r.getSubbands(s).getNoisePowerWList() : r.getNoisePowerWList();
                CMatrix x = precoder(u, s);
                int k = h.cols();
                if (x.rows() != h.rows() || x.cols() < k || noiseList.isEmpty()) {
                    return Double.NaN;
                }
                double[] noise = new double[k];
                for (int i = 0; i < k; i++) {
                    noise[i] = noiseList.get(Math.min(i, noiseList.size() - 1));
                }
                sum += Metrics.sumRateBits(h, x, noise, new double[4 * k]);
            }
            return sum / bands;
        } catch (RuntimeException malformed) {
            return Double.NaN; // a peer's inconsistent matrix: no rate
        }
    }

    /**
     * ‖X_b − X_a‖_F / ‖X_a‖_F of two updates' precoders (over every subband of wideband ones);
     * NaN when their shapes or subband counts differ.
     */
    public static double relativeDifference(WeightUpdate a, WeightUpdate b) {
        if (subbands(a) != subbands(b)) {
            return Double.NaN;
        }
        double d = 0, n = 0;
        for (int s = 0; s < subbands(a); s++) {
            CMatrix xa = precoder(a, s), xb = precoder(b, s);
            if (xa.rows() != xb.rows() || xa.cols() != xb.cols()) {
                return Double.NaN;
            }
            for (int i = 0; i < xa.size(); i++) {
                double dr = xb.re[i] - xa.re[i], di = xb.im[i] - xa.im[i];
                d += dr * dr + di * di;
                n += xa.re[i] * xa.re[i] + xa.im[i] * xa.im[i];
            }
        }
        return n == 0 ? (d == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(d / n);
    }

    /** True when both updates carry the same float weights and the same hardware frame, bit for bit. */
    public static boolean identicalWeights(WeightUpdate a, WeightUpdate b) {
        return a.getAnalog().equals(b.getAnalog()) && a.getBaseband().equals(b.getBaseband())
                && a.getSubbandBasebandList().equals(b.getSubbandBasebandList()) && a.getFpgaFrame().equals(b.getFpgaFrame());
    }
}
