package org.isac.solver;

/**
 * A caller's budget shared among the subbands still to solve: at the start of a subband, of the
 * time then left it keeps back the part the later subbands get (all but 1/left of it), so this
 * subband's deadline comes that much earlier. The clock itself is not scaled (the layer pacer
 * times its layers by differences of these readings), and the caller's
 * {@link TimeBudget#downstreamNs()} passes through unchanged. One instance per solver; reused.
 */
public final class SubbandShare implements TimeBudget {
    private TimeBudget whole = TimeBudget.UNBOUNDED;
    private long reserveNs;

    /** The budget of the whole wideband solve; {@link TimeBudget#UNBOUNDED} when done, to hold no reference to the caller's clock. */
    public void whole(TimeBudget budget) {
        whole = budget;
        reserveNs = 0;
    }

    /** Starts a subband with {@code left} subbands (this one included) still to solve. */
    public void start(int left) {
        long r = whole.remainingNs();
        reserveNs = r == Long.MAX_VALUE || r <= 0 ? 0 : r - r / left;
    }

    @Override
    public long remainingNs() {
        long r = whole.remainingNs();
        return r == Long.MAX_VALUE ? r : r - reserveNs;
    }

    @Override
    public long downstreamNs() {
        return whole.downstreamNs();
    }
}
