package org.isac.controller.live;

import io.netty.channel.ChannelHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The live view's taps: one {@link LiveTap} per front-end connection, installed right after the
 * frame decoder when the view is on ({@code Controller.live}), and the list of open connections
 * the {@link LiveView} samples.
 */
public final class LiveTaps {
    private final List<LiveConnection> connections = new CopyOnWriteArrayList<>();
    private final AtomicLong numbers = new AtomicLong();
    private final LongSupplier clock;

    /** @param clock the controller's clock (ns), for the tap's ack latencies */
    public LiveTaps(LongSupplier clock) {
        this.clock = clock;
    }

    /** A new tap for one connection (the session initializer calls it per channel). */
    public ChannelHandler newHandler() {
        return new LiveTap(this);
    }

    LiveConnection open(String peer) {
        LiveConnection c = new LiveConnection(numbers.incrementAndGet(), peer, clock.getAsLong());
        connections.add(c);
        return c;
    }

    void close(LiveConnection c) {
        connections.remove(c);
    }

    /** The open connections, in the order they opened. */
    List<LiveConnection> connections() {
        return List.copyOf(connections);
    }
}
