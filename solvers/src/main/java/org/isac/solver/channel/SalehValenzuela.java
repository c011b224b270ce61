package org.isac.solver.channel;

import java.util.random.RandomGenerator;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;

/**
 * Extended Saleh–Valenzuela channel of seed 000 eq. (2) at the authors' scale
 * (docs/REFERENCE-SETUPS.md): h_k = √(N/Q)·Σ_q α_qk·a(φ_qk) with a(·) the ULA steering vector
 * normalised by 1/√N (eq. 3), Q paths, α ~ CN(0, 1), φ ~ U[0, 2π). Hence E‖h_k‖² = N.
 * On a planar array ({@link ArrayShape} with vertical &gt; 1) every path also gets an
 * elevation ε ~ U[−π/2, π/2) and a(·) is the UPA steering vector a_h ⊗ a_v; a ULA draws no
 * elevation, so its channels are the same as before planar arrays existed.
 * Cost: O(N·K·Q) sin/cos.
 */
public final class SalehValenzuela implements ChannelModel {
    private final int n;
    private final int k;
    private final int paths;
    private final ArrayShape array;
    private final double[] aRe;
    private final double[] aIm;
    private final boolean rotation;

    public SalehValenzuela(int antennas, int users, int paths) {
        this(ArrayShape.ula(Math.max(1, antennas)), users, checkedPaths(antennas, users, paths));
    }

    /** The channel seen by the array {@code array} (N = its size). */
    public SalehValenzuela(ArrayShape array, int users, int paths) {
        this(array, users, paths, false);
    }

    /**
     * The channel seen by {@code array}; with {@code rotation} the steering vectors come from
     * {@link ArrayShape#steeringByRotation} (the same law, about 30× fewer sin/cos at N = 64; not
     * bit for bit the draws of the exact form), for simulators that evolve the channel per report.
     */
    public SalehValenzuela(ArrayShape array, int users, int paths, boolean rotation) {
        this.rotation = rotation;
        checkedPaths(array.size(), users, paths);
        this.n = array.size();
        this.k = users;
        this.paths = paths;
        this.array = array;
        this.aRe = new double[n];
        this.aIm = new double[n];
    }

    private static int checkedPaths(int antennas, int users, int paths) {
        if (antennas < 1 || users < 1 || paths < 1) {
            throw new IllegalArgumentException("SV channel needs N, K, Q >= 1, got " + antennas + ", " + users + ", " + paths);
        }
        return paths;
    }

    /** Q = 10 paths, as in the authors' setup. */
    public SalehValenzuela(int antennas, int users) {
        this(antennas, users, 10);
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
        double scale = Math.sqrt((double) n / paths) * Math.sqrt(0.5);
        boolean planar = array.vertical() > 1;
        for (int u = 0; u < k; u++) {
            for (int q = 0; q < paths; q++) {
                double gr = scale * rng.nextGaussian();
                double gi = scale * rng.nextGaussian();
                double phi = rng.nextDouble() * 2 * Math.PI;
                double el = planar ? (rng.nextDouble() - 0.5) * Math.PI : 0;
                if (rotation) {
                    array.steeringByRotation(phi, el, aRe, aIm, 0);
                } else {
                    array.steering(phi, el, aRe, aIm, 0);
                }
                for (int i = 0; i < n; i++) {
                    int idx = i * k + u;
                    out.re[idx] += gr * aRe[i] - gi * aIm[i];
                    out.im[idx] += gr * aIm[i] + gi * aRe[i];
                }
            }
        }
    }
}
