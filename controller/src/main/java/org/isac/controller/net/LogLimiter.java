package org.isac.controller.net;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * At most one log line per period for an event any peer can cause at will (refused
 * connections, failed handshakes, timeouts): a flood of them must not become a flood of log
 * lines. {@link #allow()} says whether to log now and {@link #suppressed()} how many were
 * left out since the last line.
 */
final class LogLimiter {
    private final long periodNs;
    private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong dropped = new AtomicLong();
    private final LongSupplier clock;

    LogLimiter(long periodMillis) {
        this(periodMillis, System::nanoTime);
    }

    /** A limiter on {@code clock} (nanoseconds), for tests that must not depend on the scheduler. */
    LogLimiter(long periodMillis, LongSupplier clock) {
        this.periodNs = periodMillis * 1_000_000L;
        this.clock = clock;
    }

    /** True at most once per period; otherwise counts the event as suppressed. */
    boolean allow() {
        long now = clock.getAsLong();
        long n = next.get();
        if ((n == Long.MIN_VALUE || now - n >= 0) && next.compareAndSet(n, now + periodNs)) {
            return true;
        }
        dropped.incrementAndGet();
        return false;
    }

    /** Events left out since the last call (and resets the count). */
    long suppressed() {
        return dropped.getAndSet(0);
    }
}
