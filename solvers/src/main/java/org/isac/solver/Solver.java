package org.isac.solver;

/**
 * A precoder solver. An instance owns its workspace and is used by one thread at a time
 * (the controller keeps one instance per solve shard); {@link SolverRegistry} makes
 * instances by name.
 */
public interface Solver {

    /** The registry name, e.g. {@code rzf}. */
    String name();

    /**
     * Computes a precoder for {@code problem} into {@code out}. Reads {@code problem},
     * writes {@code out} (reset first). After warm-up at a given size, allocates nothing.
     *
     * @throws IllegalArgumentException when a parameter is out of range or the problem
     *     does not suit this solver (message says which)
     */
    void solve(Problem problem, Precoder out);

    /**
     * True when {@link #solve} handles a wideband problem ({@link Problem#subbands()} &gt; 1)
     * itself, writing one baseband set per subband ({@link Precoder#setSubbands}) behind one
     * analog F. A solver that says false only ever sees S = 1; the controller solves wideband
     * reports for it subband by subband (digital) or rejects them (hybrid needs one shared F).
     */
    default boolean wideband() {
        return false;
    }

    /**
     * Real floating-point operations one {@link #solve} performs on {@code problem}, from the
     * solver's own operation count (a complex multiply-add counts 8), for achieved-GFLOP/s
     * figures; NaN when the solver does not say.
     */
    default double flops(Problem problem) {
        return Double.NaN;
    }

    /**
     * True when {@link #solve} does its arithmetic in single precision for {@code problem}
     * (the achieved GFLOP/s is then compared with the core's float peak, twice the double one).
     */
    default boolean singlePrecision(Problem problem) {
        return false;
    }
}
