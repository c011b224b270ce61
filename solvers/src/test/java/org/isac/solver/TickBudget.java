package org.isac.solver;

/** Simulated time for anytime tests: remaining = start − tick·(reads so far), so every reading is one unit of work. */
public final class TickBudget implements TimeBudget {
    /** What the next reading returns. */
    public long remaining;
    private final long tick;

    public TickBudget(long start, long tick) {
        this.remaining = start;
        this.tick = tick;
    }

    @Override
    public long remainingNs() {
        long r = remaining;
        remaining -= tick;
        return r;
    }
}
