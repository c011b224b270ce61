package org.isac.solver.channel;

import java.util.random.RandomGenerator;
import org.isac.solver.linalg.CMatrix;

/** Temporal correlation and CSI-error helpers for channel processes. */
public final class Fading {
    private Fading() {
    }

    /**
     * Jakes/Clarke correlation of a Gauss–Markov channel over {@code intervalS} seconds at
     * Doppler {@code dopplerHz}: ρ = J0(2π·f_D·T).
     */
    public static double gaussMarkovRho(double dopplerHz, double intervalS) {
        return besselJ0(2 * Math.PI * dopplerHz * intervalS);
    }

    /** Maximum Doppler shift f_D = v·f_c / c0 for speed {@code speedMps} at carrier {@code carrierHz}. */
    public static double dopplerHz(double speedMps, double carrierHz) {
        return speedMps * carrierHz / RicianPathLoss.C0;
    }

    /**
     * Bessel function of the first kind, order 0. Power series for |x| < 8 (terms until
     * they vanish in double precision), Hankel asymptotic expansion beyond; absolute error
     * below 1e-7 on the whole line (the asymptotic branch limits it).
     */
    public static double besselJ0(double x) {
        double ax = Math.abs(x);
        if (ax < 8.0) {
            double term = 1, sum = 1, q = x * x / 4;
            for (int m = 1; m < 60; m++) {
                term *= -q / ((double) m * m);
                sum += term;
                if (Math.abs(term) < 1e-17 * Math.max(1, Math.abs(sum))) {
                    break;
                }
            }
            return sum;
        }
        // J0(x) ≈ √(2/(πx))·(P·cos χ − Q·sin χ), χ = x − π/4
        double z = 8.0 / ax, y = z * z;
        double p = 1 + y * (-0.1098628627e-2 + y * (0.2734510407e-4 + y * (-0.2073370639e-5 + y * 0.2093887211e-6)));
        double qq = -0.1562499995e-1 + y * (0.1430488765e-3 + y * (-0.6911147651e-5 + y * (0.7621095161e-6 - y * 0.934935152e-7)));
        double chi = ax - 0.785398164;
        return Math.sqrt(0.636619772 / ax) * (Math.cos(chi) * p - z * Math.sin(chi) * qq);
    }

    /**
     * Noisy channel estimate Ĥ = √(1−μ²)·H + μ·E with E ~ CN(0, p̄) entry-wise, p̄ the mean
     * entry power of H, so that the estimate has the same mean power (μ ∈ [0, 1]).
     */
    public static void estimate(RandomGenerator rng, double mu, CMatrix h, CMatrix out) {
        if (!(mu >= 0 && mu <= 1)) {
            throw new IllegalArgumentException("CSI error μ must lie in [0, 1], got " + mu);
        }
        out.reshape(h.rows(), h.cols());
        int n = h.size();
        double pbar = n == 0 ? 0 : h.frobeniusNorm2() / n;
        double a = Math.sqrt(1 - mu * mu), s = mu * Math.sqrt(pbar / 2);
        for (int i = 0; i < n; i++) {
            out.re[i] = a * h.re[i] + (mu > 0 ? s * rng.nextGaussian() : 0);
            out.im[i] = a * h.im[i] + (mu > 0 ? s * rng.nextGaussian() : 0);
        }
    }
}
