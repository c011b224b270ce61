package org.isac.solver.nn;

import java.util.SplittableRandom;
import org.isac.solver.channel.RicianPathLoss;
import org.isac.solver.linalg.CMatrix;

/**
 * Network instances for seed 003 (Sec. V-A): for each, K users placed afresh in the cell
 * (distance U[30, 400] m, azimuth U[−90°, 90°]) with the Rician channel and path loss of
 * eqs. (1)–(4) ({@link RicianPathLoss#seed003}), normalised to mean entry power one
 * (‖H‖²_F = M·K, see {@link DnnConfig}), and T target angles: integer degrees uniform in
 * [−90°, 90°] (the paper's training set) or the configured fixed angles (its evaluation).
 *
 * <p>Stored flat: {@code re[s]} / {@code im[s]} hold instance s's M × K channel (row-major,
 * column k = h_k), {@code angles[s]} its target azimuths in radians, {@code inputs[s]} the
 * network input of {@link DnnPrecoder}.
 */
public final class Seed003Dataset {
    public final int antennas;
    public final int users;
    public final int targets;
    public final double[][] re;
    public final double[][] im;
    public final double[][] angles;
    public final double[][] inputs;

    private Seed003Dataset(int antennas, int users, int targets, int size) {
        this.antennas = antennas;
        this.users = users;
        this.targets = targets;
        re = new double[size][];
        im = new double[size][];
        angles = new double[size][];
        inputs = new double[size][];
    }

    public int size() {
        return re.length;
    }

    /**
     * Draws {@code size} instances for {@code c}'s M, K, T, κ with a generator seeded by
     * {@code seed}; {@code randomAngles} overrides the configuration's choice.
     */
    public static Seed003Dataset generate(DnnConfig c, int size, long seed, boolean randomAngles) {
        int n = c.antennas(), k = c.users(), t = c.targets();
        SplittableRandom rng = new SplittableRandom(seed);
        RicianPathLoss ch = RicianPathLoss.seed003(n, k, c.kFactor(), 1.0);
        CMatrix h = new CMatrix(n, k);
        Seed003Dataset d = new Seed003Dataset(n, k, t, size);
        double[] fixed = c.targetAnglesDeg();
        for (int s = 0; s < size; s++) {
            ch.relocate(rng);
            ch.draw(rng, h);
            h.scale(Math.sqrt(n * k / h.frobeniusNorm2()));
            d.re[s] = java.util.Arrays.copyOf(h.re, n * k);
            d.im[s] = java.util.Arrays.copyOf(h.im, n * k);
            double[] a = new double[t];
            for (int j = 0; j < t; j++) {
                a[j] = Math.toRadians(randomAngles ? rng.nextInt(181) - 90 : fixed[j]);
            }
            d.angles[s] = a;
            d.inputs[s] = new double[c.inputs()];
            DnnPrecoder.features(d.re[s], d.im[s], n * k, a, t, d.inputs[s]);
        }
        return d;
    }

    /** Instance s's channel as a matrix (copied into {@code out}). */
    public void channel(int s, CMatrix out) {
        out.reshape(antennas, users);
        System.arraycopy(re[s], 0, out.re, 0, antennas * users);
        System.arraycopy(im[s], 0, out.im, 0, antennas * users);
    }
}
