package org.isac.solver;

/**
 * How long a solve may still take. The controller backs it with its clock and the report's
 * deadline (less a margin for encoding and sending); solvers only read differences of
 * {@link #remainingNs()} (to time their own layers, {@link LayerPacer}), so this module keeps
 * no clock of its own.
 */
@FunctionalInterface
public interface TimeBudget {
    /** No deadline: every solver runs all its layers. */
    TimeBudget UNBOUNDED = () -> Long.MAX_VALUE;

    /**
     * Nanoseconds left until the answer must be ready; ≤ 0 when already late;
     * {@link Long#MAX_VALUE} when there is no deadline.
     */
    long remainingNs();

    /**
     * Time the caller keeps after {@link #remainingNs()} runs out for work that runs as fast as
     * the machine does (the controller: encoding, sending, the radio receiving), ns; 0 when none
     * or unknown. A solver whose layers run slower than they have before can expect that work to
     * be slower too, and {@link LayerPacer} keeps back the difference.
     */
    default long downstreamNs() {
        return 0;
    }
}
