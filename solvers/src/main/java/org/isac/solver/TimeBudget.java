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
}
