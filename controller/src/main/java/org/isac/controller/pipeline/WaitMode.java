package org.isac.controller.pipeline;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import java.util.concurrent.TimeUnit;

/**
 * How the solve threads wait for reports. The trade is wake-up latency against CPU burnt
 * while idle; on a machine with few cores a spinning thread competes with the event loops.
 */
public enum WaitMode {
    /** Sleep on a lock until signalled: no idle CPU, a thread wake-up per report. */
    BLOCKING,
    /** Spin {@value #SPIN_US} µs, then yield until {@value #YIELD_US} µs, then block: fast for bursts, idle when quiet. */
    PHASED,
    /** Spin briefly, then {@link Thread#yield()} forever: low latency, one core kept busy. */
    YIELDING,
    /** Spin forever: lowest latency, one core per solve shard always at 100 %. */
    BUSY_SPIN;

    /** Spin phase of {@link #PHASED}, µs. */
    public static final long SPIN_US = 20;
    /** End of the yield phase of {@link #PHASED}, µs after the wait began. */
    public static final long YIELD_US = 200;

    /** A new strategy instance (strategies keep state; one per ring). */
    public WaitStrategy strategy() {
        return switch (this) {
            case BLOCKING -> new BlockingWaitStrategy();
            case PHASED -> PhasedBackoffWaitStrategy.withLock(SPIN_US, YIELD_US, TimeUnit.MICROSECONDS);
            case YIELDING -> new YieldingWaitStrategy();
            case BUSY_SPIN -> new BusySpinWaitStrategy();
        };
    }
}
