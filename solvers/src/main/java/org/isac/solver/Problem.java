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

    public void copyFrom(Problem o) {
        channel.copyFrom(o.channel);
        if (noise.length < o.noise.length) {
            noise = new double[o.noise.length];
        }
        System.arraycopy(o.noise, 0, noise, 0, o.noise.length);
        powerBudgetW = o.powerBudgetW;
        perAntennaPower = o.perAntennaPower;
        rfChains = o.rfChains;
        phaseBits = o.phaseBits;
        tx = o.tx;
        rx = o.rx;
        targets.copyFrom(o.targets);
        clutter.copyFrom(o.clutter);
        params.copyFrom(o.params);
        budget = o.budget;
    }
}
