package org.isac.solver;

import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;

/**
 * One precoding problem, as copied out of a CSI report: reusable, grow-only, no
 * validation (the controller validates before solving).
 *
 * <p>Shapes: {@code channel} is N × K with column k = h_k; user k receives
 * y_k = h_kᴴ·x + n_k with noise power {@code noise[k]} (W). The transmit array has
 * N = {@code tx.size()} elements.
 */
public final class Problem {
    /** N × K, column k = h_k. */
    public final CMatrix channel = new CMatrix();
    /** Per-user noise power σ²_k in W; length ≥ K. */
    public double[] noise = new double[4];
    /** Total transmit power budget P_t in W (‖X‖²_F = P_t for the effective precoder). */
    public double powerBudgetW;
    /** Also hold each antenna to P_t / N. */
    public boolean perAntennaPower;
    /** RF chains M for hybrid precoders; 0 = fully digital. */
    public int rfChains;
    /** Phase-shifter resolution in bits; 0 = continuous. */
    public int phaseBits;
    public ArrayShape tx = ArrayShape.ula(1);
    public ArrayShape rx = ArrayShape.ula(1);
    public final Scatterers targets = new Scatterers();
    public final Scatterers clutter = new Scatterers();
    /** Solver hyper-parameters (names documented per solver). */
    public final Params params = new Params();
    /**
     * Time the solve may take: iterative solvers stop between layers when the next one would
     * not fit ({@link LayerPacer}); {@link TimeBudget#UNBOUNDED} by default.
     */
    public TimeBudget budget = TimeBudget.UNBOUNDED;

    /*
     * Wideband (multi-carrier) problems: S ≥ 1 subbands, each with its own channel H_s and noise
     * σ²_{s,k}; subband 0 is {@link #channel} / {@link #noise}, so a narrowband problem (S = 1) is
     * exactly what it always was. Subbands 1…S−1 live in grow-only arrays.
     */
    private int subbands = 1;
    private CMatrix[] moreChannels = new CMatrix[0];
    private double[][] moreNoise = new double[0][];
    /** f_s / f_c per subband (1 = the carrier): what beam squint scales the steering phases by. */
    private double[] frequencyRatio = {1.0};

    /** Subbands S (1 for a narrowband problem). */
    public int subbands() {
        return subbands;
    }

    /**
     * Sets the subband count S ≥ 1 (grow-only storage; subbands past the old count keep whatever
     * they held, the caller fills them). Frequency ratios of new subbands are set to 1.
     */
    public void setSubbands(int s) {
        if (s < 1) {
            throw new IllegalArgumentException("subbands must be >= 1, got " + s);
        }
        if (moreChannels.length < s - 1) {
            CMatrix[] grown = java.util.Arrays.copyOf(moreChannels, s - 1);
            double[][] noiseGrown = java.util.Arrays.copyOf(moreNoise, s - 1);
            for (int i = moreChannels.length; i < s - 1; i++) {
                grown[i] = new CMatrix();
                noiseGrown[i] = new double[Math.max(4, noise.length)];
            }
            moreChannels = grown;
            moreNoise = noiseGrown;
        }
        if (frequencyRatio.length < s) {
            int old = frequencyRatio.length;
            frequencyRatio = java.util.Arrays.copyOf(frequencyRatio, s);
            java.util.Arrays.fill(frequencyRatio, old, s, 1.0);
        }
        subbands = s;
    }

    /** H_s (N × K); subband 0 is {@link #channel}. */
    public CMatrix channel(int s) {
        checkSubband(s);
        return s == 0 ? channel : moreChannels[s - 1];
    }

    /** σ²_{s,k} per user (length ≥ K); subband 0 is {@link #noise}. */
    public double[] noise(int s) {
        checkSubband(s);
        return s == 0 ? noise : moreNoise[s - 1];
    }

    /** Sizes subband s's noise for K users (grow-only) and returns it for filling. */
    public double[] noiseFor(int s, int users) {
        checkSubband(s);
        if (s == 0) {
            if (noise.length < users) {
                noise = new double[users];
            }
            return noise;
        }
        if (moreNoise[s - 1].length < users) {
            moreNoise[s - 1] = new double[users];
        }
        return moreNoise[s - 1];
    }

    /** f_s / f_c of subband s (1 when the report gave no frequency). */
    public double frequencyRatio(int s) {
        checkSubband(s);
        return frequencyRatio[s];
    }

    public void setFrequencyRatio(int s, double ratio) {
        checkSubband(s);
        frequencyRatio[s] = ratio;
    }

    private void checkSubband(int s) {
        if (s < 0 || s >= subbands) {
            throw new IndexOutOfBoundsException("subband " + s + " of " + subbands);
        }
    }

    public int antennas() {
        return channel.rows();
    }

    public int users() {
        return channel.cols();
    }

    /** Sizes {@code noise} for K users (grow-only) and fills it with {@code sigma2}. */
    public void setNoise(int users, double sigma2) {
        if (noise.length < users) {
            noise = new double[users];
        }
        java.util.Arrays.fill(noise, 0, users, sigma2);
    }

    /**
     * Copies what is not per subband and not the budget: power budget and per-antenna rule, RF
     * chains, phase bits, arrays, targets, clutter and parameters (grow-only, no allocation after
     * warm-up). What a subband's narrowband problem shares with its wideband one.
     */
    public void copySettingsFrom(Problem o) {
        powerBudgetW = o.powerBudgetW;
        perAntennaPower = o.perAntennaPower;
        rfChains = o.rfChains;
        phaseBits = o.phaseBits;
        tx = o.tx;
        rx = o.rx;
        targets.copyFrom(o.targets);
        clutter.copyFrom(o.clutter);
        params.copyFrom(o.params);
    }

    /**
     * Subband s of {@code from} into subband 0 of this problem: its channel, noise and frequency
     * ratio (the other subbands and the settings are left as they are).
     */
    public void copySubbandFrom(Problem from, int s) {
        channel.copyFrom(from.channel(s));
        int k = from.channel(s).cols();
        System.arraycopy(from.noise(s), 0, noiseFor(0, k), 0, k);
        frequencyRatio[0] = from.frequencyRatio(s);
    }

    public void copyFrom(Problem o) {
        channel.copyFrom(o.channel);
        if (noise.length < o.noise.length) {
            noise = new double[o.noise.length];
        }
        System.arraycopy(o.noise, 0, noise, 0, o.noise.length);
        copySettingsFrom(o);
        budget = o.budget;
        setSubbands(o.subbands);
        frequencyRatio[0] = o.frequencyRatio[0];
        for (int b = 1; b < o.subbands; b++) {
            moreChannels[b - 1].copyFrom(o.moreChannels[b - 1]);
            double[] src = o.moreNoise[b - 1];
            System.arraycopy(src, 0, noiseFor(b, src.length), 0, src.length);
            frequencyRatio[b] = o.frequencyRatio[b];
        }
    }
}
