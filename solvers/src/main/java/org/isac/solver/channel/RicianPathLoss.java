package org.isac.solver.channel;

import java.util.random.RandomGenerator;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;

/**
 * Rician channel with path loss after seed 003 eqs. (1)–(4):
 * h_k = √β_k·(√(κ/(1+κ))·h_L,k + √(1/(1+κ))·h_F,k), with h_F ~ CN(0, I), the line of sight
 * h_L,k,n = e^{jψ_k}·e^{jπ·n·sin θ_k} (far field, half-wavelength ULA, unit-modulus entries;
 * on a planar H × V array the users lie at elevation 0, so element h·V + v sees the phase of
 * column h, e^{jψ_k}·e^{jπ·h·sin θ_k}),
 * and power gain β_k = 10^{−PL_k/10} with
 * PL_k = 20·log10(4π·f_c·d0/c0) + 10·φ·log10(d_k/d0) + ζ, ζ ~ N(0, σ_sh²) dB (eq. 4).
 *
 * <p>Seed 003 prints β_k as the amplitude of h_L; we apply it as a power gain to the whole
 * channel (amplitude √β_k), which is what eq. (3)'s "linear large-scale fading" means for
 * the received power. Users are placed at distance U[dMin, dMax] and azimuth
 * U[−maxAngle, maxAngle] by {@link #relocate}; {@link #evolve} keeps the geometry and the
 * line of sight and steps only the scattered part.
 *
 * <p>Optionally every gain is multiplied by {@code gainScale} (a reference normalisation:
 * seed 003's "SNR = 20 dB" cannot follow from its stated powers without one).
 */
public final class RicianPathLoss implements ChannelModel {
    /** Speed of light, m/s. */
    public static final double C0 = 299_792_458.0;

    private final int n;
    private final int k;
    private final int vertical;
    private final double kFactor;
    private final double carrierHz;
    private final double d0;
    private final double exponent;
    private final double shadowSigmaDb;
    private final double dMin;
    private final double dMax;
    private final double maxAngleRad;
    private final double gainScale;
    private final double[] distance;
    private final double[] angle;
    private final double[] losPhase;
    private final double[] amplitude;
    private boolean placed;

    /**
     * @param kFactor linear Rician factor κ ≥ 0
     * @param gainScale multiplies every power gain β_k (1 = physical path loss)
     */
    public RicianPathLoss(int antennas, int users, double kFactor, double carrierHz, double d0, double exponent,
            double shadowSigmaDb, double dMin, double dMax, double maxAngleRad, double gainScale) {
        this(ArrayShape.ula(Math.max(1, antennas)), users, kFactor, carrierHz, d0, exponent, shadowSigmaDb, dMin, dMax,
                maxAngleRad, gainScale);
    }

    /** The channel seen by the array {@code array} (N = its size), otherwise as above. */
    public RicianPathLoss(ArrayShape array, int users, double kFactor, double carrierHz, double d0, double exponent,
            double shadowSigmaDb, double dMin, double dMax, double maxAngleRad, double gainScale) {
        int antennas = array.size();
        if (antennas < 1 || users < 1) {
            throw new IllegalArgumentException("Rician channel needs N, K >= 1");
        }
        if (!(kFactor >= 0) || !(carrierHz > 0) || !(d0 > 0) || !(dMin >= d0) || !(dMax >= dMin)
                || !(shadowSigmaDb >= 0) || !(gainScale > 0)) {
            throw new IllegalArgumentException("Rician channel: need κ >= 0, f_c > 0, d0 > 0, d0 <= dMin <= dMax, σ_sh >= 0, scale > 0");
        }
        this.n = antennas;
        this.k = users;
        this.vertical = array.vertical();
        this.kFactor = kFactor;
        this.carrierHz = carrierHz;
        this.d0 = d0;
        this.exponent = exponent;
        this.shadowSigmaDb = shadowSigmaDb;
        this.dMin = dMin;
        this.dMax = dMax;
        this.maxAngleRad = maxAngleRad;
        this.gainScale = gainScale;
        this.distance = new double[users];
        this.angle = new double[users];
        this.losPhase = new double[users];
        this.amplitude = new double[users];
    }

    /** Seed 003's setup: f_c = 5 GHz, d0 = 1 m, φ = 2.9, σ_sh = 5.7 dB, users at 30–400 m. */
    public static RicianPathLoss seed003(int antennas, int users, double kFactor, double gainScale) {
        return new RicianPathLoss(antennas, users, kFactor, 5e9, 1.0, 2.9, 5.7, 30, 400, Math.PI / 2, gainScale);
    }

    @Override
    public int antennas() {
        return n;
    }

    @Override
    public int users() {
        return k;
    }

    /** Path loss in dB at distance {@code d} metres without shadowing (eq. 4). */
    public double pathLossDb(double d) {
        double fs = 20 * Math.log10(4 * Math.PI * carrierHz * d0 / C0);
        return fs + 10 * exponent * Math.log10(d / d0);
    }

    /** Power gain β_k of user k for the current placement (including {@code gainScale}). */
    public double powerGain(int user) {
        return amplitude[user] * amplitude[user];
    }

    public double distance(int user) {
        return distance[user];
    }

    public double angle(int user) {
        return angle[user];
    }

    @Override
    public void relocate(RandomGenerator rng) {
        for (int u = 0; u < k; u++) {
            distance[u] = dMin + (dMax - dMin) * rng.nextDouble();
            angle[u] = (2 * rng.nextDouble() - 1) * maxAngleRad;
            losPhase[u] = 2 * Math.PI * rng.nextDouble();
            double pl = pathLossDb(distance[u]) + shadowSigmaDb * rng.nextGaussian();
            amplitude[u] = Math.sqrt(gainScale * Math.pow(10, -pl / 10));
        }
        placed = true;
    }

    @Override
    public void draw(RandomGenerator rng, CMatrix out) {
        if (!placed) {
            relocate(rng);
        }
        out.reshape(n, k);
        double los = Math.sqrt(kFactor / (1 + kFactor));
        double nlos = Math.sqrt(1 / (1 + kFactor)) * Math.sqrt(0.5);
        for (int u = 0; u < k; u++) {
            double a = amplitude[u];
            double s = Math.PI * Math.sin(angle[u]);
            for (int i = 0; i < n; i++) {
                double ph = losPhase[u] + s * (i / vertical);
                int idx = i * k + u;
                out.re[idx] = a * (los * Math.cos(ph) + nlos * rng.nextGaussian());
                out.im[idx] = a * (los * Math.sin(ph) + nlos * rng.nextGaussian());
            }
        }
    }

    @Override
    public void evolve(RandomGenerator rng, double rho, CMatrix h, CMatrix scratch) {
        // h = a(L + F); only F changes: F' = ρF + √(1−ρ²)E, so h' = ρh + (1−ρ)·aL + a√(1−ρ²)E.
        double los = Math.sqrt(kFactor / (1 + kFactor));
        double nlos = Math.sqrt(1 / (1 + kFactor)) * Math.sqrt(0.5) * Math.sqrt(Math.max(0, 1 - rho * rho));
        for (int u = 0; u < k; u++) {
            double a = amplitude[u];
            double s = Math.PI * Math.sin(angle[u]);
            for (int i = 0; i < n; i++) {
                double ph = losPhase[u] + s * (i / vertical);
                int idx = i * k + u;
                h.re[idx] = rho * h.re[idx] + (1 - rho) * a * los * Math.cos(ph) + a * nlos * rng.nextGaussian();
                h.im[idx] = rho * h.im[idx] + (1 - rho) * a * los * Math.sin(ph) + a * nlos * rng.nextGaussian();
            }
        }
    }
}
