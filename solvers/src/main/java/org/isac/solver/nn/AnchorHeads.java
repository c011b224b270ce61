package org.isac.solver.nn;

/**
 * The anchor heads of {@link DnnConfig#ANCHOR_RZF_WF_HEADS}: K + 2 network outputs after the
 * 2MK of the precoder correction that steer the {@code rzf-wf} anchor ({@link PrecoderAnchor})
 * per instance instead of leaving it fixed.
 *
 * <ul>
 *   <li>Power head z_1…z_K: column q of the communications part becomes
 *       W'_c,q = s·f_q·W_c,q with f_q = exp(y_q), y_q = ½·B·tanh(z_q / B) (B =
 *       {@value #POWER_BOUND}, so a user's power moves by at most e^B either way) and s the
 *       scalar that keeps ‖W'_c‖_F = ‖W_c‖_F. Users the water-filling dropped stay at zero.</li>
 *   <li>Angle head o_1, o_2: the mixing angles become φ₁ + o_1 and φ₂ + o_2, with φ₁, φ₂ the
 *       model's trained global angles ({@link DnnModel#anchorMix}).</li>
 * </ul>
 * W_a = cos(φ₁+o₁)·W'_c + sin(φ₁+o₁)·(cos(φ₂+o₂)·S + sin(φ₂+o₂)·S_⊥). With all heads at zero
 * this is the {@code rzf-wf} anchor, and an anchored network starts near zero, so training
 * starts from it.
 *
 * <p>Gradients (for the trainer, DnnTrainer in the training package; checked by finite
 * differences in the tests): with G = ∂L/∂W_a and G_c = cos(φ₁+o₁)·G, ∂L/∂y_q = ⟨G_c, W'_c,q⟩ − (‖W'_c,q‖² / ‖W'_c‖²)·⟨G_c, W'_c⟩
 * (the second term from the renormalisation s), ∂y_q/∂z_q = ½·(1 − tanh²(z_q / B));
 * ∂L/∂o_1 = ⟨G, cos(φ₁+o₁)·S_φ − sin(φ₁+o₁)·W'_c⟩ with S_φ = cos(φ₂+o₂)·S + sin(φ₂+o₂)·S_⊥, and
 * ∂L/∂o_2 = ⟨G, sin(φ₁+o₁)·(cos(φ₂+o₂)·S_⊥ − sin(φ₂+o₂)·S)⟩; the same two values are the
 * gradient of the global angles. ⟨·,·⟩ is the real dot product of the 2MK-real layout.
 *
 * <p>Allocation-free; not thread-safe (holds W'_c of the last {@link #forward}).
 */
public final class AnchorHeads {
    /** Bound B on a user's power log-factor: powers move by at most e^B (≈ 20×) either way. */
    public static final double POWER_BOUND = 3;

    private final int mk;
    private final int k;
    /** f_q = exp(y_q) of the last forward. */
    private final double[] factor;
    /** W'_c of the last forward (2MK reals). */
    private final double[] wcp;
    private double phi1;
    private double phi2;

    public AnchorHeads(int antennas, int users) {
        this.mk = antennas * users;
        this.k = users;
        this.factor = new double[users];
        this.wcp = new double[2 * mk];
    }

    /** Number of head outputs after the 2MK precoder outputs. */
    public static int count(int users) {
        return users + 2;
    }

    /**
     * W_a for network output {@code out} (heads at out[2MK…2MK+K+2)), global angles
     * {@code phi1, phi2} and anchor parts {@code wc} (W_c), {@code ws} (S), {@code wp} (S_⊥)
     * into {@code wa} (2MK; may not alias the inputs).
     */
    public void forward(double phi1, double phi2, double[] out, double[] wc, double[] ws, double[] wp, double[] wa) {
        int off = 2 * mk;
        for (int q = 0; q < k; q++) {
            factor[q] = Math.exp(0.5 * POWER_BOUND * Math.tanh(out[off + q] / POWER_BOUND));
        }
        double n0 = 0, n1 = 0;
        for (int i = 0; i < 2 * mk; i++) {
            double v = factor[i % k] * wc[i]; // entry m·K + q (and MK + m·K + q): column q = i mod K
            wcp[i] = v;
            n0 += wc[i] * wc[i];
            n1 += v * v;
        }
        double s = n1 > 0 ? Math.sqrt(n0 / n1) : 0;
        for (int i = 0; i < 2 * mk; i++) {
            wcp[i] *= s;
        }
        this.phi1 = phi1 + out[off + k];
        this.phi2 = phi2 + out[off + k + 1];
        PrecoderAnchor.mix(this.phi1, this.phi2, wcp, ws, wp, wa);
    }

    /**
     * Back-propagates G = ∂L/∂W_a ({@code g}, 2MK) through the last {@link #forward} (same
     * {@code out}, {@code ws}, {@code wp}): writes ∂L/∂(head outputs) into
     * {@code dOut[2MK…2MK+K+2)} and adds ∂L/∂φ₁, ∂L/∂φ₂ of the global angles to
     * {@code gPhi[0], gPhi[1]}.
     */
    public void backward(double[] g, double[] out, double[] ws, double[] wp, double[] dOut, double[] gPhi) {
        int off = 2 * mk;
        double c1 = Math.cos(phi1), s1 = Math.sin(phi1), c2 = Math.cos(phi2), s2 = Math.sin(phi2);
        for (int q = 0; q < k; q++) {
            dOut[off + q] = 0; // ⟨G, W'_c,q⟩ accumulates here first
            factor[q] = 0; // ‖W'_c,q‖²
        }
        double total = 0, norm = 0, g1 = 0, g2 = 0;
        for (int i = 0; i < 2 * mk; i++) {
            int q = i % k;
            double gi = g[i], v = wcp[i];
            dOut[off + q] += gi * v;
            factor[q] += v * v;
            total += gi * v;
            norm += v * v;
            double sp = c2 * ws[i] + s2 * wp[i];
            g1 += gi * (c1 * sp - s1 * v);
            g2 += gi * s1 * (c2 * wp[i] - s2 * ws[i]);
        }
        for (int q = 0; q < k; q++) {
            double dy = norm > 0 ? c1 * (dOut[off + q] - factor[q] / norm * total) : 0;
            double t = Math.tanh(out[off + q] / POWER_BOUND);
            dOut[off + q] = dy * 0.5 * (1 - t * t);
        }
        dOut[off + k] = g1;
        dOut[off + k + 1] = g2;
        gPhi[0] += g1;
        gPhi[1] += g2;
    }
}
