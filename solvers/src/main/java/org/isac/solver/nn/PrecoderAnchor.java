package org.isac.solver.nn;

import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.digital.LinearPrecoder;

/**
 * The residual anchor W_a of {@link DnnConfig#anchor()}: the MRT or RZF precoder of the
 * RMS-normalised input channel (the first 2MK entries of the network input u, see
 * {@link DnnPrecoder}), RZF with α = K·σ²/P_t of the configuration, scaled to
 * ‖W_a‖²_F = MK. Output layout as the network's (Re then Im, channel order). Not
 * thread-safe; allocation-free after construction.
 */
final class PrecoderAnchor {
    private final int mk;
    private final LinearPrecoder solver;
    private final Problem problem = new Problem();
    private final Precoder out = new Precoder();

    PrecoderAnchor(DnnConfig c) {
        if (!c.anchored()) {
            throw new IllegalArgumentException("configuration has no anchor");
        }
        this.mk = c.antennas() * c.users();
        this.solver = new LinearPrecoder(DnnConfig.ANCHOR_MRT.equals(c.anchor()) ? LinearPrecoder.Kind.MRT
                : LinearPrecoder.Kind.RZF);
        problem.powerBudgetW = c.powerW();
        problem.tx = ArrayShape.ula(c.antennas());
        problem.rx = ArrayShape.ula(c.rxAntennas());
        problem.setNoise(c.users(), c.noiseW());
        problem.channel.reshape(c.antennas(), c.users());
    }

    /** W_a of input {@code u} into {@code z[0…2MK)}. */
    void compute(double[] u, double[] z) {
        System.arraycopy(u, 0, problem.channel.re, 0, mk);
        System.arraycopy(u, mk, problem.channel.im, 0, mk);
        solver.solve(problem, out);
        double[] xr = out.baseband.re, xi = out.baseband.im;
        double p = 0;
        for (int i = 0; i < mk; i++) {
            p += xr[i] * xr[i] + xi[i] * xi[i];
        }
        double s = Math.sqrt(mk / p);
        for (int i = 0; i < mk; i++) {
            z[i] = s * xr[i];
            z[mk + i] = s * xi[i];
        }
    }
}
