package org.isac.sim;

/**
 * Per-update measurements beyond the achieved sum rate, each kept as a sum and a count so
 * reports of several radios merge exactly. Mean = sum / count.
 */
public enum Extra {
    /** Sum rate (bit/s/Hz) of the update's float weights, before hardware quantization. */
    ACHIEVED_UNQUANTIZED_BITS("achieved_unquantized_bits"),
    /** Worst user's SINR of the applied precoder on the true channel, dB (max-min fairness view). */
    MIN_SINR_DB("min_sinr_db"),
    /**
     * Worst target's SCNR (seed 002 eq. (5)), dB, for updates that carry radar receive filters,
     * with the scenario's true targets (angles and gains; gains default to 1) and radar noise
     * σ_s² = the {@code radar_noise_w} parameter (default: the user noise).
     */
    MIN_SCNR_DB("min_scnr_db"),
    /** Updates applied from the decoded hardware weight frame (quantized phases and IQ words). */
    FRAMES_APPLIED("frames_applied"),
    /** Beampattern error τ = ‖XXᴴ − Ψ‖²_F of the applied precoder (seed 000 eq. (5)), hybrid updates. */
    TAU("tau"),
    /** τ of the float weights, before quantization. */
    TAU_UNQUANTIZED("tau_unquantized"),
    /**
     * Sum CRLB tr(F⁻¹) of the applied (quantized) precoder for the true targets (seed 004
     * Lemma 1: angles θ, ε and gains α, 4M parameters; L and σ_s² from the scenario's
     * {@code frame_length} / {@code radar_noise_w} parameters, defaults 30 and the user noise),
     * every applied update on a planar transmit or receive array; updates with a singular F
     * are counted in {@link #CRLB_SINGULAR} instead.
     */
    CRLB("crlb"),
    /** CRLB of the float weights, before quantization. */
    CRLB_UNQUANTIZED("crlb_unquantized"),
    /**
     * Applied updates whose Fisher information for the true targets is singular (CRLB infinite),
     * for the applied or the float weights; such updates add to neither CRLB mean.
     */
    CRLB_SINGULAR("crlb_singular"),
    /**
     * Sampled updates ({@code genieEvery}) the radio did not score because its scorer, which
     * runs off the I/O thread, was still busy with an earlier one (count only).
     */
    SCORING_SKIPPED("scoring_skipped");

    private final String key;

    Extra(String key) {
        this.key = key;
    }

    /** Name in the JSON report. */
    public String key() {
        return key;
    }
}
