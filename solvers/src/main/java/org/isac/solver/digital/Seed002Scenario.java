package org.isac.solver.digital;

import java.util.random.RandomGenerator;
import org.isac.solver.Problem;
import org.isac.solver.array.ArrayShape;

/**
 * Random instances of the seed 002 simulation setup (Sec. IV, with the authors' public
 * setup as listed in docs/REFERENCE-SETUPS.md, "Seed 002"): N_t = N_r = 16 half-wavelength ULAs,
 * M = 2 targets and C = 2 clutter scatterers, Rician users with factor κ = 5 (linear; the
 * paper says 3 dB), path loss ζ = ζ₀·d^−ε with ζ₀ = −10 dB (the paper prints −30 dB),
 * ε_c = 3, ε_s = 2, user distances 100 + 20n m and scatterer distances 10 + 2n m
 * (n ~ N(0, 1)) seen from a 10 m mast (d ← √(d² + 10²)), angles U(−π/3, π),
 * σ² "−80 dBm" for users and radar and SNR P_t/σ² = 20 dB. The authors' code divides the
 * channels by √(10^(−80/10)) = 1e-4, i.e. it takes σ² = 1e-8 in the unit of the path-loss
 * gains (not 1e-11 W); we follow the code: with 1e-11 every user would see 30 dB more SNR
 * and rates near 13 nats.
 *
 * <p>Everything is normalised by the noise: user k's channel is
 * h_k = √ζ_c,k/σ·(√(κ/(1+κ))·a_t(φ_k) + √(1/(1+κ))·n_k/‖n_k‖), n_k ~ CN(0, I); scatterer i
 * has gain α_i = ζ_s,i/σ (G_i = α_i·a_r·a_tᴴ, the authors' β_i²), clutter j reusing the gain
 * of target j mod M; σ² = 1 for users and radar (param {@code radar_noise_w} = 1) and
 * P_t = 100. Steering vectors are normalised by 1/√N.
 */
public final class Seed002Scenario {
    public static final int ANTENNAS = 16;
    public static final int TARGETS = 2;
    public static final int CLUTTER = 2;
    public static final double SNR_DB = 20;
    public static final double RICIAN_K = 5;
    public static final double REF_LOSS_DB = -10;
    /** The authors' noise normalisation 10^(−80/10) (see the class comment). */
    public static final double NOISE = 1e-8;

    private Seed002Scenario() {
    }

    /** The {@code count} problems of a data set drawn from {@code seed}, each with the max-min weight δ = {@code delta}. */
    public static java.util.List<Problem> dataset(int count, int users, double delta, long seed) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        java.util.List<Problem> out = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Problem p = draw(rng, users);
            p.params.put(org.isac.solver.IsacParams.DELTA, delta);
            out.add(p);
        }
        return out;
    }

    /** A new problem with {@code users} users (K). */
    public static Problem draw(RandomGenerator rng, int users) {
        return draw(rng, users, new Problem());
    }

    /** Fills {@code p} with a fresh draw (reusing its storage) and returns it. */
    public static Problem draw(RandomGenerator rng, int users, Problem p) {
        int n = ANTENNAS;
        p.tx = p.tx.size() == n && p.tx.vertical() == 1 ? p.tx : ArrayShape.ula(n);
        p.rx = p.tx;
        p.powerBudgetW = Math.pow(10, SNR_DB / 10);
        p.perAntennaPower = true;
        p.setNoise(users, 1);
        p.params.clear();
        p.params.put("radar_noise_w", 1);
        double sigma = Math.sqrt(NOISE);
        double ref = Math.pow(10, REF_LOSS_DB / 10);
        p.channel.reshape(n, users);
        double los = Math.sqrt(RICIAN_K / (1 + RICIAN_K)), nlos = Math.sqrt(1 / (1 + RICIAN_K));
        double[] nr = new double[n], ni = new double[n];
        for (int k = 0; k < users; k++) {
            double d = 100 + 20 * rng.nextGaussian();
            d = Math.sqrt(d * d + 100);
            double amp = Math.sqrt(ref * Math.pow(d, -3)) / sigma;
            double phi = -Math.PI / 3 + 4 * Math.PI / 3 * rng.nextDouble();
            double u = Math.PI * Math.sin(phi);
            double nn = 0;
            for (int i = 0; i < n; i++) {
                nr[i] = rng.nextGaussian();
                ni[i] = rng.nextGaussian();
                nn += nr[i] * nr[i] + ni[i] * ni[i];
            }
            double sn = 1 / Math.sqrt(nn), sa = 1 / Math.sqrt(n);
            for (int i = 0; i < n; i++) {
                p.channel.re[i * users + k] = amp * (los * sa * Math.cos(u * i) + nlos * sn * nr[i]);
                p.channel.im[i * users + k] = amp * (los * sa * Math.sin(u * i) + nlos * sn * ni[i]);
            }
        }
        p.targets.clear();
        p.clutter.clear();
        double[] gain = new double[TARGETS];
        for (int i = 0; i < TARGETS + CLUTTER; i++) {
            double d = 10 + 2 * rng.nextGaussian();
            d = Math.sqrt(d * d + 100);
            double g = ref * Math.pow(d, -2) / sigma;
            double angle = -Math.PI / 3 + 4 * Math.PI / 3 * rng.nextDouble();
            if (i < TARGETS) {
                gain[i] = g;
                p.targets.add(angle, 0, g, 0);
            } else {
                p.clutter.add(angle, 0, gain[(i - TARGETS) % TARGETS], 0);
            }
        }
        return p;
    }
}
