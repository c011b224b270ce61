package org.isac.solver.channel;

import java.util.random.RandomGenerator;
import org.isac.solver.linalg.CMatrix;

/**
 * A stochastic downlink channel for N transmit antennas and K single-antenna users,
 * written as an N × K matrix H with column k = h_k (user k receives h_kᴴ·x + n_k).
 *
 * <p>An instance may keep large-scale state (user positions, line-of-sight phases) between
 * calls, so a simulated radio holds one instance per radio. Not thread-safe.
 */
public interface ChannelModel {

    int antennas();

    int users();

    /** Draws new large-scale geometry (positions, path loss) where the model has any. */
    default void relocate(RandomGenerator rng) {
    }

    /** Writes an independent small-scale realisation for the current geometry into {@code out}. */
    void draw(RandomGenerator rng, CMatrix out);

    /**
     * Advances {@code h} by one Gauss–Markov step, h ← ρ·h + √(1−ρ²)·e with e an independent
     * realisation of the fading part, so that successive channels have correlation ρ and
     * the same statistics. {@code scratch} is workspace (reshaped as needed).
     */
    default void evolve(RandomGenerator rng, double rho, CMatrix h, CMatrix scratch) {
        draw(rng, scratch);
        double s = Math.sqrt(Math.max(0, 1 - rho * rho));
        int n = h.size();
        for (int i = 0; i < n; i++) {
            h.re[i] = rho * h.re[i] + s * scratch.re[i];
            h.im[i] = rho * h.im[i] + s * scratch.im[i];
        }
    }
}
