package org.isac.solver.channel;

import java.util.Objects;
import java.util.random.RandomGenerator;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;

/**
 * Frequency-selective (wideband) extension of the extended Saleh–Valenzuela channel of seed 000
 * eq. (2)/(3) ({@link SalehValenzuela}); the narrowband base is the paper's, the wideband extension
 * (per-path delays, subbands, optional beam squint) is ours.
 *
 * <p><b>Subbands.</b> The band of width B around the carrier f_c is split into S subbands with centre
 * frequencies f_s = f_c + (s − (S−1)/2)·B/S, s = 0…S−1 ({@link #subbandFrequency}); for S = 1 or
 * B = 0 every f_s is exactly f_c.
 *
 * <p><b>Paths.</b> Each user k has Q = C·L paths: C clusters of L rays, path q = c·L + l. Every path
 * draws, exactly as {@link SalehValenzuela} does, a gain α_qk ~ CN(0, 1), an azimuth φ_qk ~ U[0, 2π)
 * and, on a planar array only, an elevation ε_qk ~ U[−π/2, π/2); angles are i.i.d. per ray, clusters
 * group only the delays. <b>Delay law</b> (τ_max = the maximum delay spread): cluster c has delay
 * T_c ~ U[0, (1−ρ)·τ_max) and its ray l has τ = T_c + δ with δ ~ U[0, ρ·τ_max), all independent,
 * where ρ = {@value #RAY_FRACTION} if L &gt; 1 and ρ = 0 if L = 1 (then τ ~ U[0, τ_max)). Every delay
 * lies in [0, τ_max). The correlation between subbands s and s' is therefore
 * E[e^{−j2πΔf·τ}] = χ((1−ρ)τ_max·Δf)·χ(ρτ_max·Δf) with Δf = f_s' − f_s and
 * χ(x) = (1 − e^{−j2πx})/(j2πx) (|χ(x)| = |sinc x|), without squint.
 *
 * <p><b>Channel on subband s</b> (column k of the N × K matrix):
 * h_k(f_s) = √(N/Q)·Σ_q α_qk·e^{−j2π(f_s − f_c)τ_qk}·a(φ_qk, ε_qk, f_s). Without squint
 * a(φ, ε, f_s) = a(φ, ε), the carrier's steering vector of {@link ArrayShape#steering}. With squint
 * the element phases scale with frequency, the spacing being fixed in metres: for the
 * half-wavelength (at f_c) ULA a_n(φ, f_s) = exp(jπ·n·sin φ·f_s/f_c)/√N, and in general the factor
 * f_s/f_c multiplies both the horizontal and the vertical phase of a UPA (equivalently: the steering
 * vector of the same array at spacing d·f_s/f_c wavelengths). Hence E‖h_k(f_s)‖² = N on every subband.
 *
 * <p><b>Draw order.</b> One {@link #draw} first draws, for k = 0…K−1 and q = 0…Q−1, the gain, azimuth
 * (and elevation) in the order of {@link SalehValenzuela#draw}, and only then all delays
 * (per user, per cluster T_c, then its rays' δ when L &gt; 1). With S = 1 or B = 0 (with or without squint,
 * since then f_s = f_c exactly) every subband channel is bit for bit the narrowband channel that
 * {@code new SalehValenzuela(array, K, C·L)} draws from the same generator state.
 *
 * <p>Cost per draw: O(N·K·Q) sin/cos without squint (O(N·K·Q·S) with squint) plus O(N·K·Q·S)
 * multiply–adds. Allocation-free after the first call (the output matrices only grow). Not
 * thread-safe.
 */
public final class WidebandSalehValenzuela {
    /** Fraction ρ of the maximum delay spread used for the intra-cluster ray spread when L &gt; 1. */
    public static final double RAY_FRACTION = 0.1;

    private final ArrayShape array;
    private final ArrayShape[] squinted; // per subband: the array at spacing d·f_s/f_c (null without squint)
    private final int n;
    private final int k;
    private final int clusters;
    private final int rays;
    private final int paths;
    private final double bandwidth;
    private final double carrier;
    private final int subbands;
    private final double maxDelay;
    private final boolean squint;
    private final double[] offset; // f_s − f_c

    // the paths of the last draw, index u·Q + q; gains already scaled by √(N/Q)
    private final double[] gainRe;
    private final double[] gainIm;
    private final double[] azimuth;
    private final double[] elevation;
    private final double[] delay;
    private final double[] aRe;
    private final double[] aIm;

    /**
     * @param array        transmit array (N = its size); its spacing is in wavelengths at f_c
     * @param users        K ≥ 1
     * @param clusters     C ≥ 1
     * @param raysPerCluster L ≥ 1 (Q = C·L paths per user)
     * @param bandwidthHz  B ≥ 0 and &lt; 2·f_c (so every subband frequency is positive)
     * @param carrierHz    f_c &gt; 0, finite
     * @param subbands     S ≥ 1
     * @param maxDelaySpreadS τ_max ≥ 0, finite, in seconds (see the delay law above)
     * @param squint       whether the steering vectors follow the subband frequency
     * @throws IllegalArgumentException on any argument outside these ranges
     */
    public WidebandSalehValenzuela(ArrayShape array, int users, int clusters, int raysPerCluster,
            double bandwidthHz, double carrierHz, int subbands, double maxDelaySpreadS, boolean squint) {
        Objects.requireNonNull(array, "array");
        if (users < 1 || clusters < 1 || raysPerCluster < 1 || subbands < 1) {
            throw new IllegalArgumentException("wideband SV channel needs K, C, L, S >= 1, got K = " + users
                    + ", C = " + clusters + ", L = " + raysPerCluster + ", S = " + subbands);
        }
        if ((long) clusters * raysPerCluster > Integer.MAX_VALUE / Math.max(1, users)) {
            throw new IllegalArgumentException("too many paths: K·C·L = " + users + "·" + clusters + "·" + raysPerCluster);
        }
        if (!(carrierHz > 0) || !Double.isFinite(carrierHz)) {
            throw new IllegalArgumentException("carrier frequency must be positive and finite, got " + carrierHz + " Hz");
        }
        if (!(bandwidthHz >= 0) || !(bandwidthHz < 2 * carrierHz)) {
            throw new IllegalArgumentException("bandwidth must be in [0, 2·f_c) = [0, " + 2 * carrierHz
                    + ") Hz so that every subband frequency is positive, got " + bandwidthHz + " Hz");
        }
        if (!(maxDelaySpreadS >= 0) || !Double.isFinite(maxDelaySpreadS)) {
            throw new IllegalArgumentException("maximum delay spread must be >= 0 and finite, got " + maxDelaySpreadS + " s");
        }
        this.array = array;
        this.n = array.size();
        this.k = users;
        this.clusters = clusters;
        this.rays = raysPerCluster;
        this.paths = clusters * raysPerCluster;
        this.bandwidth = bandwidthHz;
        this.carrier = carrierHz;
        this.subbands = subbands;
        this.maxDelay = maxDelaySpreadS;
        this.squint = squint;
        this.offset = new double[subbands];
        for (int s = 0; s < subbands; s++) {
            offset[s] = (s - (subbands - 1) / 2.0) * bandwidthHz / subbands;
        }
        if (squint) {
            squinted = new ArrayShape[subbands];
            for (int s = 0; s < subbands; s++) {
                double ratio = subbandFrequency(s) / carrierHz;
                double spacing = array.spacing() * ratio;
                if (!(spacing <= 16)) {
                    throw new IllegalArgumentException("with squint the spacing at the highest subband, "
                            + spacing + " wavelengths, exceeds 16");
                }
                squinted[s] = ratio == 1.0 ? array : array.withSpacing(spacing);
            }
        } else {
            squinted = null;
        }
        int total = k * paths;
        gainRe = new double[total];
        gainIm = new double[total];
        azimuth = new double[total];
        elevation = new double[total];
        delay = new double[total];
        aRe = new double[n];
        aIm = new double[n];
    }

    /** A half-wavelength ULA of {@code antennas} elements; otherwise as the main constructor. */
    public WidebandSalehValenzuela(int antennas, int users, int clusters, int raysPerCluster,
            double bandwidthHz, double carrierHz, int subbands, double maxDelaySpreadS, boolean squint) {
        this(ula(antennas), users, clusters, raysPerCluster, bandwidthHz, carrierHz, subbands, maxDelaySpreadS, squint);
    }

    private static ArrayShape ula(int antennas) {
        if (antennas < 1) {
            throw new IllegalArgumentException("wideband SV channel needs N >= 1 antennas, got " + antennas);
        }
        return ArrayShape.ula(antennas);
    }

    public int antennas() {
        return n;
    }

    public int users() {
        return k;
    }

    /** Q = C·L paths per user. */
    public int paths() {
        return paths;
    }

    public int subbands() {
        return subbands;
    }

    public boolean squint() {
        return squint;
    }

    public ArrayShape array() {
        return array;
    }

    /**
     * f_s = f_c + (s − (S−1)/2)·B/S in Hz.
     *
     * @throws IndexOutOfBoundsException unless 0 ≤ s &lt; S
     */
    public double subbandFrequency(int s) {
        Objects.checkIndex(s, subbands);
        return carrier + offset[s];
    }

    /**
     * Draws one realisation of the K·Q paths and writes the channel of subband s into
     * {@code out[s]}, reshaped to N × K (column k = h_k(f_s)).
     *
     * @throws IllegalArgumentException unless {@code out} has exactly S non-null matrices
     */
    public void draw(RandomGenerator rng, CMatrix[] out) {
        Objects.requireNonNull(rng, "rng");
        checkOut(out);
        drawPaths(rng);
        evaluate(out);
    }

    private void checkOut(CMatrix[] out) {
        if (out == null || out.length != subbands) {
            throw new IllegalArgumentException("need one output matrix per subband: expected " + subbands
                    + ", got " + (out == null ? "null" : String.valueOf(out.length)));
        }
        for (int s = 0; s < subbands; s++) {
            if (out[s] == null) {
                throw new IllegalArgumentException("output matrix for subband " + s + " is null");
            }
        }
    }

    private void drawPaths(RandomGenerator rng) {
        double scale = Math.sqrt((double) n / paths) * Math.sqrt(0.5);
        boolean planar = array.vertical() > 1;
        for (int u = 0; u < k; u++) {
            for (int q = 0; q < paths; q++) {
                int p = u * paths + q;
                gainRe[p] = scale * rng.nextGaussian();
                gainIm[p] = scale * rng.nextGaussian();
                azimuth[p] = rng.nextDouble() * 2 * Math.PI;
                elevation[p] = planar ? (rng.nextDouble() - 0.5) * Math.PI : 0;
            }
        }
        double rho = rays > 1 ? RAY_FRACTION : 0;
        double clusterSpan = (1 - rho) * maxDelay;
        double raySpan = rho * maxDelay;
        for (int u = 0; u < k; u++) {
            for (int c = 0; c < clusters; c++) {
                double t = rng.nextDouble() * clusterSpan;
                for (int l = 0; l < rays; l++) {
                    delay[u * paths + c * rays + l] = rays > 1 ? t + rng.nextDouble() * raySpan : t;
                }
            }
        }
    }

    /** Writes the channels of the stored paths (the last draw, or those set by tests) into {@code out}. */
    void evaluate(CMatrix[] out) {
        checkOut(out);
        for (int s = 0; s < subbands; s++) {
            out[s].reshape(n, k);
        }
        for (int u = 0; u < k; u++) {
            for (int q = 0; q < paths; q++) {
                int p = u * paths + q;
                if (!squint) {
                    array.steering(azimuth[p], elevation[p], aRe, aIm, 0);
                }
                for (int s = 0; s < subbands; s++) {
                    if (squint) {
                        squinted[s].steering(azimuth[p], elevation[p], aRe, aIm, 0);
                    }
                    double ph = -2 * Math.PI * offset[s] * delay[p];
                    double c = Math.cos(ph), sn = Math.sin(ph);
                    double gr = gainRe[p] * c - gainIm[p] * sn;
                    double gi = gainRe[p] * sn + gainIm[p] * c;
                    double[] re = out[s].re, im = out[s].im;
                    for (int i = 0; i < n; i++) {
                        int idx = i * k + u;
                        re[idx] += gr * aRe[i] - gi * aIm[i];
                        im[idx] += gr * aIm[i] + gi * aRe[i];
                    }
                }
            }
        }
    }

    // ---- package-private access to the drawn paths (index u·Q + q, q = c·L + l), for tests ----

    /** Real part of √(N/Q)·α_qk of the last draw. */
    double pathGainRe(int user, int q) {
        return gainRe[index(user, q)];
    }

    /** Imaginary part of √(N/Q)·α_qk of the last draw. */
    double pathGainIm(int user, int q) {
        return gainIm[index(user, q)];
    }

    double pathAzimuth(int user, int q) {
        return azimuth[index(user, q)];
    }

    double pathElevation(int user, int q) {
        return elevation[index(user, q)];
    }

    double pathDelay(int user, int q) {
        return delay[index(user, q)];
    }

    /** Overwrites one stored path (gain already including √(N/Q)); follow with {@link #evaluate}. */
    void setPath(int user, int q, double gainRe, double gainIm, double azimuthRad, double elevationRad, double delayS) {
        int p = index(user, q);
        this.gainRe[p] = gainRe;
        this.gainIm[p] = gainIm;
        this.azimuth[p] = azimuthRad;
        this.elevation[p] = elevationRad;
        this.delay[p] = delayS;
    }

    private int index(int user, int q) {
        Objects.checkIndex(user, k);
        Objects.checkIndex(q, paths);
        return user * paths + q;
    }

    @Override
    public String toString() {
        return "WidebandSV(" + array + ", K=" + k + ", C=" + clusters + ", L=" + rays + ", B=" + bandwidth
                + " Hz, fc=" + carrier + " Hz, S=" + subbands + ", τmax=" + maxDelay + " s"
                + (squint ? ", squint)" : ")");
    }
}
