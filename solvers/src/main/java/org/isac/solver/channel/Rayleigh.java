package org.isac.solver.channel;

import java.util.random.RandomGenerator;
import org.isac.solver.linalg.CMatrix;

/**
 * I.i.d. Rayleigh fading, every entry of H (N × K) drawn from CN(0, 1), so E‖h_k‖² = N: the
 * channel of seed 004's simulations (docs/REFERENCE-SETUPS.md), the same for any array geometry.
 * Cost: 2·N·K Gaussian draws.
 */
public final class Rayleigh implements ChannelModel {
    private final int n;
    private final int k;

    public Rayleigh(int antennas, int users) {
        if (antennas < 1 || users < 1) {
            throw new IllegalArgumentException("Rayleigh channel needs N, K >= 1, got " + antennas + ", " + users);
        }
        this.n = antennas;
        this.k = users;
    }

    @Override
    public int antennas() {
        return n;
    }

    @Override
    public int users() {
        return k;
    }

    @Override
    public void draw(RandomGenerator rng, CMatrix out) {
        out.reshape(n, k);
        double s = Math.sqrt(0.5);
        for (int i = 0; i < n * k; i++) {
            out.re[i] = s * rng.nextGaussian();
            out.im[i] = s * rng.nextGaussian();
        }
    }
}
