package org.isac.solver.nn;

import org.isac.solver.linalg.CMatrix;

/**
 * Inference with a seed 003 network (Fig. 2): channel and target angles → input vector u
 * (Sec. III-B) → MLP → output z → precoder Ŵ → power scaling W = √P_t·Ŵ/‖Ŵ‖_F (eq. (21)).
 *
 * <p>Input layout (2MK + T reals): u[0…MK) = Re H / r, u[MK…2MK) = Im H / r with H the
 * M × K channel as {@link org.isac.solver.Problem} stores it (column k = h_k, row-major) and
 * r = ‖H‖_F/√(MK) its RMS entry, then u[2MK + t] = θ_t / (π/2). The paper feeds the raw
 * channel (which it assumes normalised) and the angles in degrees; dividing by the RMS makes
 * the network independent of the channel's overall scale, and the angle scaling keeps inputs
 * of order one. Output layout: z[0…MK) = Re X, z[MK…2MK) = Im X, same order as the channel.
 * With a residual anchor ({@link DnnConfig#anchor()}) the anchor precoder W_a of the
 * normalised channel ({@link PrecoderAnchor}; for {@code rzf-wf} mixed with its sensing part by
 * the model's trained angles, {@link DnnModel#anchorMix}, and with {@code rzf-wf-heads} steered by the
 * network's K + 2 head outputs, {@link AnchorHeads}) is added to z before the power scaling.
 *
 * <p>Allocation-free after construction. Flops: those of {@link Mlp#forward} plus ≈ 10·MK.
 * Not thread-safe.
 */
public final class DnnPrecoder {
    private final DnnModel model;
    private final Mlp net;
    private final Mlp.Workspace ws;
    private final double[] in;
    private final double[] out;
    private final int n;
    private final int k;
    private final int t;
    private final PrecoderAnchor anchor;
    private final double[] anchorOut;
    private final double[] sensingOut;
    private final double[] nullOut;
    private final AnchorHeads heads;
    private final double[] headsOut;

    public DnnPrecoder(DnnModel model) {
        this.model = model;
        this.net = model.net();
        this.ws = net.newWorkspace();
        this.in = new double[net.inputs()];
        this.out = new double[net.outputs()];
        this.n = model.config().antennas();
        this.k = model.config().users();
        this.t = model.config().targets();
        this.anchor = model.config().anchored() ? new PrecoderAnchor(model.config()) : null;
        this.anchorOut = anchor == null ? null : new double[2 * n * k];
        this.sensingOut = anchor == null || !anchor.hasSensing() ? null : new double[2 * n * k];
        this.nullOut = sensingOut == null ? null : new double[2 * n * k];
        this.heads = model.config().heads() ? new AnchorHeads(n, k) : null;
        this.headsOut = heads == null ? null : new double[2 * n * k];
    }

    public DnnModel model() {
        return model;
    }

    /**
     * Computes W for channel {@code h} (M × K) and target azimuths {@code anglesRad[0…T−1]}
     * into {@code x} (reshaped to M × K), with ‖W‖²_F = {@code powerW}.
     */
    public void precode(CMatrix h, double[] anglesRad, double powerW, CMatrix x) {
        if (h.rows() != n || h.cols() != k) {
            throw new IllegalArgumentException("model is for M=" + n + ", K=" + k + "; channel is " + h.rows() + "x" + h.cols());
        }
        features(h.re, h.im, n * k, anglesRad, t, in);
        net.forward(in, out, ws);
        if (anchor != null) {
            anchor.compute(in, anchorOut);
            if (sensingOut != null) {
                anchor.sensing(in, anchorOut, sensingOut, nullOut);
                if (heads != null) {
                    heads.forward(model.anchorMix(), model.anchorMixNull(), out, anchorOut, sensingOut, nullOut, headsOut);
                    System.arraycopy(headsOut, 0, anchorOut, 0, headsOut.length);
                } else {
                    PrecoderAnchor.mix(model.anchorMix(), model.anchorMixNull(), anchorOut, sensingOut, nullOut, anchorOut);
                }
            }
            for (int i = 0; i < 2 * n * k; i++) {
                out[i] += anchorOut[i];
            }
        }
        x.reshape(n, k);
        outputToPrecoder(out, n * k, x.re, x.im);
        scaleToPower(x.re, x.im, n * k, powerW);
    }

    /**
     * Builds the input vector u (layout in the class comment) from a channel stored as
     * {@code re/im[0…mk)}. Throws when the channel has no power or is not finite.
     */
    static void features(double[] re, double[] im, int mk, double[] anglesRad, int targets, double[] u) {
        double p = 0;
        for (int i = 0; i < mk; i++) {
            p += re[i] * re[i] + im[i] * im[i];
        }
        if (!(p > 0) || !Double.isFinite(p)) {
            throw new IllegalArgumentException("channel has no finite power");
        }
        double s = Math.sqrt(mk / p);
        for (int i = 0; i < mk; i++) {
            u[i] = s * re[i];
            u[mk + i] = s * im[i];
        }
        for (int j = 0; j < targets; j++) {
            u[2 * mk + j] = anglesRad[j] / (Math.PI / 2);
        }
    }

    /** Splits z into Re/Im of the precoder (the output layout of the class comment). */
    public static void outputToPrecoder(double[] z, int mk, double[] xr, double[] xi) {
        System.arraycopy(z, 0, xr, 0, mk);
        System.arraycopy(z, mk, xi, 0, mk);
    }

    /**
     * Eq. (21): scales {@code re/im[0…mk)} to Frobenius power {@code powerW}. A zero output
     * (possible only for a degenerate network) becomes the equal-power all-ones precoder.
     */
    static void scaleToPower(double[] xr, double[] xi, int mk, double powerW) {
        double p = 0;
        for (int i = 0; i < mk; i++) {
            p += xr[i] * xr[i] + xi[i] * xi[i];
        }
        if (!(p > 0) || !Double.isFinite(p)) {
            double v = Math.sqrt(powerW / mk);
            for (int i = 0; i < mk; i++) {
                xr[i] = v;
                xi[i] = 0;
            }
            return;
        }
        double s = Math.sqrt(powerW / p);
        for (int i = 0; i < mk; i++) {
            xr[i] *= s;
            xi[i] *= s;
        }
    }
}
