package org.isac.controller;

/**
 * What the controller grants any peer, so that none can make it allocate, compute, hold
 * connections or buffer bytes without bound. Sizes apply to the hello and to every report
 * (its array overrides included). Generous by default (a 64 × 64 UPA serving 256 users), finite
 * always; change one with the {@code with…} methods.
 *
 * @param maxAntennas        transmit (and receive) array elements, N
 * @param maxUsers           users per report, K
 * @param maxChannelEntries  N·K of one report
 * @param maxPowerW          transmit power limit a hello may declare (W)
 * @param maxSolveMillis     solve time of a report without a deadline (anytime solvers stop there)
 * @param maxConnections     open front-end connections; one more is closed at once
 * @param helloTimeoutMillis a connection that has not said hello by then is closed
 * @param idleTimeoutMillis  a connection that sent nothing for this long is closed
 * @param frameTimeoutMillis a frame whose bytes have begun must be complete by then, or the
 *                           connection is closed (a peer that stalls inside a frame holds its buffer)
 * @param frameBufferBytes   bytes all connections together may hold for frames not yet complete;
 *                           a frame that would pass it closes its connection
 * @param maxSubbands        subbands S of one wideband report (its S·N·K channel entries are
 *                           held to {@code maxChannelEntries} as well)
 */
public record Limits(int maxAntennas, int maxUsers, long maxChannelEntries, double maxPowerW, long maxSolveMillis,
                     int maxConnections, long helloTimeoutMillis, long idleTimeoutMillis, long frameTimeoutMillis,
                     long frameBufferBytes, int maxSubbands) {
    /** Default {@link #maxSubbands}. */
    public static final int DEFAULT_MAX_SUBBANDS = 64;
    /** The defaults. */
    public static final Limits DEFAULT = new Limits(4096, 256, 4096L * 64, 1e6, 1000, 256, 10_000, 120_000, 5_000, 256L << 20,
            DEFAULT_MAX_SUBBANDS);

    public Limits {
        if (maxAntennas < 1 || maxUsers < 1 || maxChannelEntries < 1 || !(maxPowerW > 0) || !(maxPowerW <= 1e30)
                || maxSolveMillis < 1 || maxConnections < 1 || helloTimeoutMillis < 1 || idleTimeoutMillis < 1
                || frameTimeoutMillis < 1 || frameBufferBytes < 1 || maxSubbands < 1) {
            throw new IllegalArgumentException("limits must be >= 1 (power in (0, 1e30] W): " + this);
        }
    }

    public Limits withMaxSolveMillis(long v) {
        return new Limits(maxAntennas, maxUsers, maxChannelEntries, maxPowerW, v, maxConnections, helloTimeoutMillis,
                idleTimeoutMillis, frameTimeoutMillis, frameBufferBytes, maxSubbands);
    }

    public Limits withMaxConnections(int v) {
        return new Limits(maxAntennas, maxUsers, maxChannelEntries, maxPowerW, maxSolveMillis, v, helloTimeoutMillis,
                idleTimeoutMillis, frameTimeoutMillis, frameBufferBytes, maxSubbands);
    }

    /** Hello, idle and frame timeouts (ms). */
    public Limits withTimeouts(long helloMillis, long idleMillis, long frameMillis) {
        return new Limits(maxAntennas, maxUsers, maxChannelEntries, maxPowerW, maxSolveMillis, maxConnections, helloMillis,
                idleMillis, frameMillis, frameBufferBytes, maxSubbands);
    }

    public Limits withFrameBufferBytes(long v) {
        return new Limits(maxAntennas, maxUsers, maxChannelEntries, maxPowerW, maxSolveMillis, maxConnections,
                helloTimeoutMillis, idleTimeoutMillis, frameTimeoutMillis, v, maxSubbands);
    }

    /** Subbands S a wideband report may carry. */
    public Limits withMaxSubbands(int v) {
        return new Limits(maxAntennas, maxUsers, maxChannelEntries, maxPowerW, maxSolveMillis, maxConnections,
                helloTimeoutMillis, idleTimeoutMillis, frameTimeoutMillis, frameBufferBytes, v);
    }
}
