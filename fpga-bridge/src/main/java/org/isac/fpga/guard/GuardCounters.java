package org.isac.fpga.guard;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Event counts of the power guard, one per {@link GuardOutcome} and per {@link Replacement}.
 * Written by the encoding thread, read by metrics from any thread; increments do not allocate.
 * May be shared by several encoders.
 */
public final class GuardCounters {
    private static final GuardOutcome[] OUTCOMES = GuardOutcome.values();
    private static final Replacement[] REPLACEMENTS = Replacement.values();
    private final AtomicLongArray outcomes = new AtomicLongArray(OUTCOMES.length);
    private final AtomicLongArray replacements = new AtomicLongArray(REPLACEMENTS.length);

    /** Records one frame's outcome and replacement. */
    public void record(GuardOutcome outcome, Replacement replacement) {
        outcomes.incrementAndGet(outcome.ordinal());
        replacements.incrementAndGet(replacement.ordinal());
    }

    /** Frames with this outcome so far. */
    public long count(GuardOutcome outcome) {
        return outcomes.get(outcome.ordinal());
    }

    /** Frames sent with this replacement so far ({@link Replacement#NONE}: requested weights sent). */
    public long count(Replacement replacement) {
        return replacements.get(replacement.ordinal());
    }

    /** Frames whose requested weights were withheld. */
    public long rejected() {
        long s = 0;
        for (int i = 0; i < OUTCOMES.length; i++) {
            if (OUTCOMES[i].replaced()) {
                s += outcomes.get(i);
            }
        }
        return s;
    }

    /** All frames recorded. */
    public long total() {
        long s = 0;
        for (int i = 0; i < OUTCOMES.length; i++) {
            s += outcomes.get(i);
        }
        return s;
    }
}
