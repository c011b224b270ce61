package org.isac.solver.digital;

import java.util.random.RandomGenerator;
import org.isac.solver.Problem;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.metric.SteeringDerivatives;

/**
 * Seed 004 simulation setup (Sec. V, with the corrections of docs/REFERENCE-SETUPS.md, "Seed 004"):
 * K = 4 users, M = 2 fixed targets, P_t = 10 dBm, σ_c² = σ_s² = 0 dBm, Rayleigh CN(0, 1)
 * channels, transmit UPA 4 × V_t and radar UPA 5 × V_t. The fixed targets are the
 * authors' Table I draw, given in the paper's (θ, φ); we store ε = π/2 − φ.
 */
public final class Seed004Scenario {
    private static final double[] ALPHA_RE = {0.0870197, -0.0399207};
    private static final double[] ALPHA_IM = {0.0000625, 0.1170003};
    private static final double[] THETA = {-0.7398327, -0.8538041};
    private static final double[] PHI = {-0.6570951, -0.3234569};
    public static final double PT_W = 1e-2; // 10 dBm
    public static final double NOISE_W = 1e-3; // 0 dBm

    private Seed004Scenario() {
    }

    /** A problem with the fixed targets and a fresh Rayleigh channel (N_t = 4·vertical). */
    public static Problem problem(RandomGenerator rng, int vertical, int users) {
        Problem p = new Problem();
        p.tx = new ArrayShape(4, vertical);
        p.rx = new ArrayShape(5, vertical);
        p.powerBudgetW = PT_W;
        p.setNoise(users, NOISE_W);
        for (int m = 0; m < 2; m++) {
            p.targets.add(THETA[m], SteeringDerivatives.elevationFromSeed004Phi(PHI[m]), ALPHA_RE[m], ALPHA_IM[m]);
        }
        redraw(rng, p, users);
        return p;
    }

    /** Draws a fresh Rayleigh CN(0, 1) channel (N_t × K) into {@code p}, keeping everything else. */
    public static void redraw(RandomGenerator rng, Problem p, int users) {
        int n = p.tx.size();
        p.channel.reshape(n, users);
        double s = Math.sqrt(0.5);
        for (int i = 0; i < n * users; i++) {
            p.channel.re[i] = s * rng.nextGaussian();
            p.channel.im[i] = s * rng.nextGaussian();
        }
    }
}
