package org.isac.fpga.guard;

/** What the power guard decided for one frame. */
public enum GuardOutcome {
    /** Quantized weights finite and within budget as computed. */
    ACCEPTED(false),
    /** Quantization pushed power above the budget; the baseband scale was lowered to fit, then accepted. */
    ACCEPTED_SCALED(false),
    /** An input weight (F or W) was NaN or infinite. Replaced. */
    NON_FINITE(true),
    /** The solver's (unquantized) total power exceeded {@code budget*(1+tol)}. Replaced. */
    OVER_BUDGET(true),
    /** Per-antenna limit requested and some row of X exceeded {@code budget/N*(1+tol)}. Replaced. */
    OVER_PER_ANTENNA(true),
    /** Budget negative or not finite: nothing can be certified. Replaced by the safe default. */
    INVALID_BUDGET(true),
    /** The quantized weights were non-finite or still over the limits after rescaling. Replaced. */
    QUANTIZED_OUT_OF_BOUNDS(true);

    private final boolean replaced;

    GuardOutcome(boolean replaced) {
        this.replaced = replaced;
    }

    /** Whether the requested weights were withheld and a replacement frame sent instead. */
    public boolean replaced() {
        return replaced;
    }
}
