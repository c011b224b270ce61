package org.isac.proto.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;
import org.isac.proto.sched.ThreadSlice;

/**
 * The socket transport of the controller's and the simulated radio's event loops.
 *
 * <p>{@link #EPOLL} (Netty's native Linux transport) wakes an event loop through an eventfd
 * with a race-free protocol; {@link #NIO} (the JDK selector) is portable. Measured on a 2-core
 * machine with the demo's defaults (hybrid-upga at 1 kHz, one radio, same JVM), NIO's event
 * loops now and then woke for a write handed to them by the solve thread only when the next
 * report arrived, about 0.5 ms late; with epoll such late hand-offs were about a quarter as
 * frequent (reports/capacity/PROFILE.md). {@link #AUTO} takes epoll where its native library
 * loads (Linux x86-64) and NIO elsewhere.
 */
public enum Transport {
    /** Epoll where available, else NIO. */
    AUTO,
    /** Netty's native epoll transport (Linux); fails to start where it is unavailable. */
    EPOLL,
    /** The JDK's selector (any platform). */
    NIO;

    /**
     * The buffer allocator of the controller's and the simulated radio's connections: Netty's
     * pooled allocator (shared arenas of chunks, a cache per event-loop thread), not its default
     * adaptive one. The adaptive allocator gives every new event-loop thread chunks of its own and
     * zeroes them as it makes them, page by page on the thread that reads the first reports:
     * {@code perf} put 1–2 ms of page clearing under the first reports of a demo's measured
     * session (its controller and radio threads are new after the warm-up), and its 3rd–6th
     * updates missed their deadlines in four runs of five; with the pooled allocator none did
     * in four (reports/capacity/PROFILE.md).
     */
    public static final io.netty.buffer.ByteBufAllocator ALLOCATOR = io.netty.buffer.PooledByteBufAllocator.DEFAULT;

    /** Bytes the first read of a new connection asks for ({@link #RECEIVE_SIZES}). */
    public static final int FIRST_READ_BYTES = 16 * 1024;

    /**
     * How much each read of the controller's and the simulated radio's connections asks for:
     * Netty's adaptive guess (it follows what the reads return, between 64 B and 64 KiB), but
     * starting at {@link #FIRST_READ_BYTES} instead of Netty's 2 KiB. A default report
     * (N = 64, K = 4) is ≈ 7 KB on the wire and an update ≈ 3 KB: from 2 KiB, a session's first
     * report came in several reads that the frame decoder then had to gather. Four alternating
     * pairs of 2 s demos (2 vCPUs, AMD EPYC Zen 3): the first report's uplink 146–287 µs
     * against 208–407, capture → applied 691–1133 µs against 858–1167.
     */
    public static final io.netty.channel.RecvByteBufAllocator RECEIVE_SIZES =
            new io.netty.channel.AdaptiveRecvByteBufAllocator(64, FIRST_READ_BYTES, 64 * 1024);

    /** This choice resolved: {@link #AUTO} becomes {@link #EPOLL} or {@link #NIO}. */
    public Transport resolve() {
        if (this == AUTO) {
            return Epoll.isAvailable() ? EPOLL : NIO;
        }
        if (this == EPOLL && !Epoll.isAvailable()) {
            throw new IllegalStateException("the epoll transport is not available here ("
                    + Epoll.unavailabilityCause() + "); use --transport nio");
        }
        return this;
    }

    /** Parses {@code auto}, {@code epoll} or {@code nio} (any case). */
    public static Transport parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("transport must be auto, epoll or nio, got '" + s + "'");
        }
    }

    private IoHandlerFactory handlerFactory() {
        return resolve() == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /**
     * An event loop group of {@code threads} threads named {@code name}-N-M (daemon or not),
     * each asking the kernel for a time slice of {@code sliceNs} ({@link ThreadSlice}; 0 = the
     * kernel's default).
     */
    public EventLoopGroup newGroup(int threads, String name, boolean daemon, long sliceNs) {
        return newGroup(threads, ThreadSlice.factory(new DefaultThreadFactory(name, daemon), sliceNs));
    }

    /**
     * As {@link #newGroup(int, String, boolean, long)}, each thread first asking for the real-time
     * class at {@code rtPriority} when it is above 0 ({@link org.isac.proto.sched.SchedPolicy#factory};
     * refused or 0: the slice), the outcome counted in {@code grants}.
     */
    public EventLoopGroup newGroup(int threads, String name, boolean daemon, long sliceNs, int rtPriority,
            org.isac.proto.sched.SchedPolicy.Grants grants) {
        return newGroup(threads, org.isac.proto.sched.SchedPolicy.factory(new DefaultThreadFactory(name, daemon), rtPriority,
                sliceNs, grants));
    }

    /** An event loop group of {@code threads} threads from {@code threads}. */
    public EventLoopGroup newGroup(int threads, ThreadFactory factory) {
        return new MultiThreadIoEventLoopGroup(threads, factory, handlerFactory());
    }

    /** The server socket class for this transport. */
    public Class<? extends ServerChannel> serverChannel() {
        return resolve() == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The client socket class for this transport. */
    public Class<? extends SocketChannel> socketChannel() {
        return resolve() == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** The transport whose client sockets {@code group} runs: epoll when it can, else NIO. */
    public static Transport of(EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup io && Epoll.isAvailable() && io.isIoType(EpollIoHandler.class)) {
            return EPOLL;
        }
        return NIO;
    }
}
