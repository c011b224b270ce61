package org.isac.solver.train.nn;

import org.isac.solver.array.CentredUla;
import org.isac.solver.metric.Metrics;
import org.isac.solver.nn.DnnConfig;

/**
 * The unsupervised loss of seed 003 eq. (25) for one network instance, with its analytic
 * gradient with respect to the raw network output Ŵ:
 *
 * <pre>
 *   L = −ρ·β̂·Σ_k C_k − (1−ρ)·γ̂ / Σ_t ψ̃(θ_t) + |P_t − ‖Ŵ‖²_F| + δ·(1−ρ)·(1 − F_T)
 * </pre>
 *
 * with C_k of eq. (15) in bits, ψ̃ the CRLB approximation of eqs. (22)–(23), F_T Jain's index
 * of eq. (24) over the ψ̃(θ_t), β̂ = β/α and γ̂ = γ/α (eq. (20)). With
 * {@code normaliseInLoss} the rate, ψ̃ and F_T are evaluated on W = √P_t·Ŵ/‖Ŵ‖_F (eq. (21))
 * and the penalty vanishes; the gradient is then carried back through the scaling.
 *
 * <p>Conventions: the channel H and Ŵ are M × K, row-major, column k = h_k (user k receives
 * h_kᴴ·x), i.e. the paper's H is our Hᴴ; a gradient is returned as G = ∂L/∂Re Ŵ + j·∂L/∂Im Ŵ.
 * Derivation used below: with g_kj = h_kᴴ·w_j and p_kj = |g_kj|²,
 * ∂p_kj/∂w_nj = 2·h_nk·g_kj; with u_tj = Σ_n w_nj·conj(a_n) and q_t = Σ_j |u_tj|² = aᴴWWᴴa,
 * ∂q_t/∂w_nj = 2·a_n·u_tj. Flops: ≈ 16·M·K² + 16·M·K·T. Allocation-free; not thread-safe.
 */
public final class IsacLoss {
    private final int n;
    private final int k;
    private final int t;
    private final double rho;
    private final double powerW;
    private final double noiseW;
    private final double betaHat;
    private final double gammaHat;
    private final double delta;
    private final double psiScale;
    private final boolean normalise;
    // scratch
    private final double[] wRe;
    private final double[] wIm;
    private final double[] gRe;
    private final double[] gIm;
    private final double[] coef;
    private final double[] aRe;
    private final double[] aIm;
    private final double[] tmpRe;
    private final double[] tmpIm;
    private final double[] uRe;
    private final double[] uIm;
    private final double[] q;
    private final double[] psi;

    /** Per-instance metrics of the precoder the loss was evaluated on. */
    public static final class Stats {
        /** Σ_k C_k, bits/s/Hz (eq. (16)). */
        public double sumRate;
        /** Σ_t ψ̃(θ_t), rad² (eq. (22)). */
        public double sumPsiApprox;
        /** Jain's index F_T (eq. (24)). */
        public double fairness;
        /** ‖Ŵ‖²_F of the raw output. */
        public double rawPower;
    }

    /**
     * @param beta β of eq. (18) (1 / reference sum rate in bits/s/Hz)
     * @param gamma γ of eq. (19) (reference Σψ̃, rad²)
     */
    public IsacLoss(DnnConfig c, double beta, double gamma) {
        this.n = c.antennas();
        this.k = c.users();
        this.t = c.targets();
        this.rho = c.rho();
        this.powerW = c.powerW();
        this.noiseW = c.noiseW();
        this.betaHat = beta / c.alpha();
        this.gammaHat = gamma / c.alpha();
        this.delta = c.fairnessWeight();
        this.psiScale = 1.0 / (2 * c.radarSnr() * c.frameLength());
        this.normalise = c.normaliseInLoss();
        int mk = n * k;
        wRe = new double[mk];
        wIm = new double[mk];
        gRe = new double[k * k];
        gIm = new double[k * k];
        coef = new double[k * k];
        aRe = new double[t * n];
        aIm = new double[t * n];
        tmpRe = new double[n];
        tmpIm = new double[n];
        uRe = new double[t * k];
        uIm = new double[t * k];
        q = new double[t];
        psi = new double[t];
    }

    /** 1/(2ηL) of eq. (22). */
    public double psiScale() {
        return psiScale;
    }

    /**
     * Evaluates eq. (25) for channel {@code hRe/hIm} (M·K), target angles {@code anglesRad}
     * (T) and raw output {@code xRe/xIm} (M·K). When {@code dRe} is not null, writes
     * {@code scale}·∂L/∂Re Ŵ into {@code dRe} and {@code scale}·∂L/∂Im Ŵ into {@code dIm}
     * (overwriting). {@code stats} (may be null) receives the metrics.
     */
    public double evaluate(double[] hRe, double[] hIm, double[] anglesRad, double[] xRe, double[] xIm,
            double[] dRe, double[] dIm, double scale, Stats stats) {
        int mk = n * k;
        double raw = 0;
        for (int i = 0; i < mk; i++) {
            raw += xRe[i] * xRe[i] + xIm[i] * xIm[i];
        }
        double s = 1;
        double[] wr = xRe, wi = xIm;
        if (normalise) {
            if (!(raw > 0)) {
                throw new IllegalArgumentException("network output has zero power");
            }
            s = Math.sqrt(powerW / raw);
            for (int i = 0; i < mk; i++) {
                wRe[i] = s * xRe[i];
                wIm[i] = s * xIm[i];
            }
            wr = wRe;
            wi = wIm;
        }
        boolean grad = dRe != null;

        // communication: g_kj = Σ_n conj(h_nk)·w_nj
        for (int u = 0; u < k; u++) {
            for (int j = 0; j < k; j++) {
                double sr = 0, si = 0;
                for (int m = 0; m < n; m++) {
                    double hr = hRe[m * k + u], hi = hIm[m * k + u];
                    double vr = wr[m * k + j], vi = wi[m * k + j];
                    sr += hr * vr + hi * vi;
                    si += hr * vi - hi * vr;
                }
                gRe[u * k + j] = sr;
                gIm[u * k + j] = si;
            }
        }
        double rateNats = 0;
        double cRate = -rho * betaHat / Metrics.LN2; // ∂L/∂(rate in nats)
        for (int u = 0; u < k; u++) {
            double total = noiseW;
            for (int j = 0; j < k; j++) {
                double gr = gRe[u * k + j], gi = gIm[u * k + j];
                total += gr * gr + gi * gi;
            }
            double sig = gRe[u * k + u] * gRe[u * k + u] + gIm[u * k + u] * gIm[u * k + u];
            double interf = total - sig;
            rateNats += Math.log(total) - Math.log(interf);
            for (int j = 0; j < k; j++) {
                coef[u * k + j] = cRate * (1 / total - (j == u ? 0 : 1 / interf));
            }
        }
        double sumRate = rateNats / Metrics.LN2;

        // sensing: u_tj = Σ_n w_nj·conj(a_tn), q_t = Σ_j |u_tj|², ψ̃_t = c/q_t
        double s1 = 0, s2 = 0;
        for (int tt = 0; tt < t; tt++) {
            CentredUla.steering(n, anglesRad[tt], tmpRe, tmpIm);
            System.arraycopy(tmpRe, 0, aRe, tt * n, n);
            System.arraycopy(tmpIm, 0, aIm, tt * n, n);
        }
        for (int tt = 0; tt < t; tt++) {
            int ao = tt * n;
            double qq = 0;
            for (int j = 0; j < k; j++) {
                double sr = 0, si = 0;
                for (int m = 0; m < n; m++) {
                    double vr = wr[m * k + j], vi = wi[m * k + j];
                    double ar = aRe[ao + m], ai = -aIm[ao + m];
                    sr += vr * ar - vi * ai;
                    si += vr * ai + vi * ar;
                }
                uRe[tt * k + j] = sr;
                uIm[tt * k + j] = si;
                qq += sr * sr + si * si;
            }
            q[tt] = qq;
            psi[tt] = psiScale / qq;
            s1 += psi[tt];
            s2 += psi[tt] * psi[tt];
        }
        double fair = s1 * s1 / (t * s2);
        double w1 = 1 - rho;
        double penalty = normalise ? 0 : Math.abs(powerW - raw);
        double loss = -rho * betaHat * sumRate - w1 * gammaHat / s1 + penalty + delta * w1 * (1 - fair);
        if (stats != null) {
            stats.sumRate = sumRate;
            stats.sumPsiApprox = s1;
            stats.fairness = fair;
            stats.rawPower = raw;
        }
        if (!grad) {
            return loss;
        }

        // G_nj = 2·Σ_u h_nu·coef_uj·g_uj
        for (int m = 0; m < n; m++) {
            for (int j = 0; j < k; j++) {
                double sr = 0, si = 0;
                for (int u = 0; u < k; u++) {
                    double c = coef[u * k + j];
                    if (c == 0) {
                        continue;
                    }
                    double hr = hRe[m * k + u], hi = hIm[m * k + u];
                    double gr = gRe[u * k + j], gi = gIm[u * k + j];
                    sr += c * (hr * gr - hi * gi);
                    si += c * (hr * gi + hi * gr);
                }
                dRe[m * k + j] = 2 * sr;
                dIm[m * k + j] = 2 * si;
            }
        }
        // ∂L/∂ψ̃_t, then ∂ψ̃_t/∂q_t = −ψ̃_t/q_t, ∂q_t/∂w_nj = 2·a_n·u_tj
        for (int tt = 0; tt < t; tt++) {
            double dPsi = w1 * gammaHat / (s1 * s1)
                    - delta * w1 * (2 * s1 / (t * s2) - 2 * s1 * s1 * psi[tt] / (t * s2 * s2));
            double dq = -dPsi * psi[tt] / q[tt];
            if (dq == 0) {
                continue;
            }
            int ao = tt * n;
            for (int m = 0; m < n; m++) {
                double ar = aRe[ao + m], ai = aIm[ao + m];
                for (int j = 0; j < k; j++) {
                    double ur = uRe[tt * k + j], ui = uIm[tt * k + j];
                    dRe[m * k + j] += 2 * dq * (ar * ur - ai * ui);
                    dIm[m * k + j] += 2 * dq * (ar * ui + ai * ur);
                }
            }
        }
        if (normalise) {
            // back through W = s·Ŵ: g_Ŵ = s·(g_W − (Re⟨W, g_W⟩/P)·W)
            double dot = 0;
            for (int i = 0; i < mk; i++) {
                dot += wr[i] * dRe[i] + wi[i] * dIm[i];
            }
            double c = dot / powerW;
            for (int i = 0; i < mk; i++) {
                dRe[i] = scale * s * (dRe[i] - c * wr[i]);
                dIm[i] = scale * s * (dIm[i] - c * wi[i]);
            }
        } else {
            double sg = powerW - raw > 0 ? -2 : (powerW - raw < 0 ? 2 : 0); // ∂|P − ‖Ŵ‖²|/∂‖Ŵ‖² · 2
            for (int i = 0; i < mk; i++) {
                dRe[i] = scale * (dRe[i] + sg * xRe[i]);
                dIm[i] = scale * (dIm[i] + sg * xIm[i]);
            }
        }
        return loss;
    }

}
