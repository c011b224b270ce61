package org.isac.controller;

import java.util.function.LongSupplier;
import org.isac.controller.pipeline.FpgaWeightEncoder;
import org.isac.controller.pipeline.WaitMode;
import org.isac.proto.net.Transport;
import org.isac.proto.sched.ThreadSlice;
import org.isac.fpga.baseband.CodecId;
import org.isac.controller.pipeline.WeightEncoder;
import org.isac.solver.SolverRegistry;

/**
 * The controller's settings, in one place with named defaults. Built with {@link #builder()};
 * {@link Builder#build()} validates every value and throws {@link IllegalArgumentException}
 * naming the setting and the accepted range.
 *
 * @param bindHost               address the server binds to
 * @param port                   TCP port; 0 picks an ephemeral port
 * @param ioThreads              Netty worker event loops
 * @param maxFrameBytes          largest accepted upstream frame (bytes, without the length prefix)
 * @param solveShards            solve workers; a radio's reports always go to one shard
 * @param ringSize               Disruptor ring slots (power of two)
 * @param defaultSolver          solver used when a report names none
 * @param writeBufferLowBytes    outbound buffer low water mark per connection
 * @param writeBufferHighBytes   outbound buffer high water mark per connection; above it
 *                               updates to that radio are dropped and counted
 * @param sendBufferBytes        socket SO_SNDBUF per connection; 0 leaves the OS default
 * @param shutdownTimeoutMillis  how long {@code close()} waits for the pipeline to drain
 * @param clock                  monotonic clock in nanoseconds (read once per stage per event)
 * @param weightEncoder          fills the hardware weight frame of each update (default: an
 *                               {@link FpgaWeightEncoder} with {@link #DEFAULT_BASEBAND_CODEC};
 *                               {@link WeightEncoder#NONE} sends float weights only)
 * @param waitMode               how solve threads wait for reports
 * @param encodeMarginNs         time kept free before a report's deadline for encoding and
 *                               sending its update: anytime solvers stop their layers that much
 *                               earlier; {@link #AUTO_ENCODE_MARGIN} (the default) uses what the
 *                               radio's acks measured from solve end to applied (p99, shared
 *                               clock), else the encode stage's p90, plus
 *                               {@link #ENCODE_MARGIN_FLOOR_NS}
 * @param limits                 sizes and values accepted from peers ({@link Limits#DEFAULT})
 * @param tls                    server TLS context (mutual: front ends present certificates,
 *                               each radio may claim only the id its certificate names); null
 *                               for plain TCP
 * @param allowedRadios          radio ids that may say hello; empty for any
 * @param transport              socket transport of the event loops ({@link Transport#AUTO}:
 *                               epoll where it loads, else NIO)
 * @param ioSliceNs              time slice the I/O threads ask the kernel for, so that their
 *                               wake-ups preempt busy threads ({@link ThreadSlice}); 0 leaves the
 *                               kernel's default
 * @param rtPriority             0: every thread in the fair class. Above 0: the solve threads ask
 *                               for {@code SCHED_FIFO} at this priority and the I/O event loops at
 *                               one above it (a woken loop's work is short and preempts a solve),
 *                               so that no fair-class thread (JIT compiler, GC, kernel workers)
 *                               delays a report; the JVM's safepoint thread ({@code VM Thread})
 *                               goes two above, or every GC pause would wait for it; needs root, {@code CAP_SYS_NICE} or an
 *                               {@code rtprio} limit, else the threads stay in the fair class and
 *                               {@link Controller#summary()} says so ({@link org.isac.proto.sched.SchedPolicy})
 * @param cpuLatencyUs           {@link #CPU_LATENCY_OFF} (the default): the kernel's own idle
 *                               policy. 0 or more: while the controller runs it holds Linux's CPU
 *                               wake-up latency limit at this many µs
 *                               ({@link org.isac.proto.sched.CpuLatency}); at 0 idle CPUs poll
 *                               instead of halting, so a thread handed a report on another CPU
 *                               runs at once (in a virtual machine a halted virtual CPU waits for
 *                               its host); needs root, else {@link Controller#summary()} says why
 *                               it is not held
 */
public record ControllerConfig(
        String bindHost,
        int port,
        int ioThreads,
        int maxFrameBytes,
        int solveShards,
        int ringSize,
        String defaultSolver,
        int writeBufferLowBytes,
        int writeBufferHighBytes,
        int sendBufferBytes,
        long shutdownTimeoutMillis,
        LongSupplier clock,
        WeightEncoder weightEncoder,
        WaitMode waitMode,
        long encodeMarginNs,
        Limits limits,
        io.netty.handler.ssl.SslContext tls,
        java.util.Set<String> allowedRadios,
        Transport transport,
        long ioSliceNs,
        int rtPriority,
        int cpuLatencyUs) {

    public static final String DEFAULT_BIND_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 0;
    public static final int DEFAULT_IO_THREADS = 2;
    public static final int DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;
    public static final int DEFAULT_SOLVE_SHARDS = 1;
    public static final int DEFAULT_RING_SIZE = 1024;
    public static final String DEFAULT_SOLVER = "rzf";
    public static final int DEFAULT_WRITE_BUFFER_LOW_BYTES = 256 * 1024;
    public static final int DEFAULT_WRITE_BUFFER_HIGH_BYTES = 1024 * 1024;
    public static final int DEFAULT_SEND_BUFFER_BYTES = 0;
    public static final long DEFAULT_SHUTDOWN_TIMEOUT_MILLIS = 2000;
    public static final WaitMode DEFAULT_WAIT_MODE = WaitMode.PHASED;
    /** Baseband codec of the weight frames (block floating point, as O-RAN compresses beamforming weights). */
    public static final CodecId DEFAULT_BASEBAND_CODEC = CodecId.BFP;
    /** {@code encodeMarginNs}: measured (solve end → applied, or encode) p90 plus {@link #ENCODE_MARGIN_FLOOR_NS}. */
    public static final long AUTO_ENCODE_MARGIN = -1;
    /** Added to the measured p90 (scheduling). */
    public static final long ENCODE_MARGIN_FLOOR_NS = 20_000;
    /**
     * {@code ioSliceNs}: the shortest slice the kernel grants. On the 2-core machine of
     * reports/capacity/PROFILE.md it cut the demo's deadline misses by about a third.
     */
    public static final long DEFAULT_IO_SLICE_NS = ThreadSlice.MIN_SLICE_NS;
    /** {@code rtPriority}: off; the command line's {@code serve} leaves it off and {@code demo} asks for it. */
    public static final int DEFAULT_RT_PRIORITY = 0;
    /**
     * Highest {@code rtPriority}: the event loops run one above it and the JVM's safepoint thread
     * two above, within {@link org.isac.proto.sched.SchedPolicy#MAX_PRIORITY}.
     */
    public static final int MAX_RT_PRIORITY = org.isac.proto.sched.SchedPolicy.MAX_PRIORITY - 2;
    /** {@code cpuLatencyUs}: leave the kernel's idle policy alone. */
    public static final int CPU_LATENCY_OFF = -1;
    /** {@code cpuLatencyUs}: off; the command line's {@code serve} leaves it off and {@code demo} asks for 0. */
    public static final int DEFAULT_CPU_LATENCY_US = CPU_LATENCY_OFF;

    /** Validates every setting; see {@link Builder#build()}. */
    public ControllerConfig {
        require(cpuLatencyUs >= CPU_LATENCY_OFF,
                "cpuLatencyUs must be " + CPU_LATENCY_OFF + " (off) or >= 0 us, got " + cpuLatencyUs);
        require(rtPriority >= 0 && rtPriority <= MAX_RT_PRIORITY,
                "rtPriority must be 0 (off) or in 1.." + MAX_RT_PRIORITY + ", got " + rtPriority);
        require(ioSliceNs == 0 || (ioSliceNs >= ThreadSlice.MIN_SLICE_NS && ioSliceNs <= 100_000_000),
                "ioSliceNs must be 0 (kernel default) or in [100 us, 100 ms], got " + ioSliceNs + " ns");
        require(transport != null, "transport must be one of " + java.util.Arrays.toString(Transport.values()));
        require(waitMode != null, "waitMode must be one of " + java.util.Arrays.toString(WaitMode.values()));
        require(bindHost != null && !bindHost.isBlank(), "bindHost must be a host name or address, got '" + bindHost + "'");
        require(port >= 0 && port <= 65535, "port must be in 0..65535 (0 = ephemeral), got " + port);
        require(ioThreads >= 1, "ioThreads must be >= 1, got " + ioThreads);
        require(maxFrameBytes >= 64, "maxFrameBytes must be >= 64, got " + maxFrameBytes);
        require(solveShards >= 1 && solveShards <= 64, "solveShards must be in 1..64, got " + solveShards);
        require(ringSize >= 2 && Integer.bitCount(ringSize) == 1, "ringSize must be a power of two >= 2, got " + ringSize);
        require(defaultSolver != null && SolverRegistry.exists(defaultSolver),
                "defaultSolver '" + defaultSolver + "' is not registered; known: " + SolverRegistry.names());
        require(writeBufferLowBytes >= 1, "writeBufferLowBytes must be >= 1, got " + writeBufferLowBytes);
        require(writeBufferHighBytes >= writeBufferLowBytes, "writeBufferHighBytes (" + writeBufferHighBytes
                + ") must be >= writeBufferLowBytes (" + writeBufferLowBytes + ")");
        require(sendBufferBytes >= 0, "sendBufferBytes must be >= 0 (0 = OS default), got " + sendBufferBytes);
        require(shutdownTimeoutMillis >= 0, "shutdownTimeoutMillis must be >= 0, got " + shutdownTimeoutMillis);
        require(clock != null, "clock must not be null");
        require(weightEncoder != null, "weightEncoder must not be null");
        require(limits != null, "limits must not be null");
        require(tls == null || tls.isServer(), "tls must be a server context");
        allowedRadios = allowedRadios == null ? java.util.Set.of() : java.util.Set.copyOf(allowedRadios);
        require(encodeMarginNs >= 0 || encodeMarginNs == AUTO_ENCODE_MARGIN,
                "encodeMarginNs must be >= 0 or AUTO_ENCODE_MARGIN (-1), got " + encodeMarginNs);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("controller config: " + message);
        }
    }

    /** All defaults. */
    public static ControllerConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.bindHost = bindHost;
        b.port = port;
        b.ioThreads = ioThreads;
        b.maxFrameBytes = maxFrameBytes;
        b.solveShards = solveShards;
        b.ringSize = ringSize;
        b.defaultSolver = defaultSolver;
        b.writeBufferLowBytes = writeBufferLowBytes;
        b.writeBufferHighBytes = writeBufferHighBytes;
        b.sendBufferBytes = sendBufferBytes;
        b.shutdownTimeoutMillis = shutdownTimeoutMillis;
        b.clock = clock;
        b.weightEncoder = weightEncoder;
        b.waitMode = waitMode;
        b.encodeMarginNs = encodeMarginNs;
        b.limits = limits;
        b.tls = tls;
        b.allowedRadios = allowedRadios;
        b.transport = transport;
        b.ioSliceNs = ioSliceNs;
        b.rtPriority = rtPriority;
        b.cpuLatencyUs = cpuLatencyUs;
        return b;
    }

    /** Mutable builder; every setting starts at its named default. */
    public static final class Builder {
        private String bindHost = DEFAULT_BIND_HOST;
        private int port = DEFAULT_PORT;
        private int ioThreads = DEFAULT_IO_THREADS;
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        private int solveShards = DEFAULT_SOLVE_SHARDS;
        private int ringSize = DEFAULT_RING_SIZE;
        private String defaultSolver = DEFAULT_SOLVER;
        private int writeBufferLowBytes = DEFAULT_WRITE_BUFFER_LOW_BYTES;
        private int writeBufferHighBytes = DEFAULT_WRITE_BUFFER_HIGH_BYTES;
        private int sendBufferBytes = DEFAULT_SEND_BUFFER_BYTES;
        private long shutdownTimeoutMillis = DEFAULT_SHUTDOWN_TIMEOUT_MILLIS;
        private LongSupplier clock = System::nanoTime;
        private WeightEncoder weightEncoder = new FpgaWeightEncoder(DEFAULT_BASEBAND_CODEC);
        private WaitMode waitMode = DEFAULT_WAIT_MODE;
        private long encodeMarginNs = AUTO_ENCODE_MARGIN;
        private Limits limits = Limits.DEFAULT;
        private io.netty.handler.ssl.SslContext tls;
        private java.util.Set<String> allowedRadios = java.util.Set.of();
        private Transport transport = Transport.AUTO;
        private long ioSliceNs = DEFAULT_IO_SLICE_NS;
        private int rtPriority = DEFAULT_RT_PRIORITY;
        private int cpuLatencyUs = DEFAULT_CPU_LATENCY_US;

        private Builder() {
        }

        public Builder bindHost(String v) { bindHost = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder ioThreads(int v) { ioThreads = v; return this; }
        public Builder maxFrameBytes(int v) { maxFrameBytes = v; return this; }
        public Builder solveShards(int v) { solveShards = v; return this; }
        public Builder ringSize(int v) { ringSize = v; return this; }
        public Builder defaultSolver(String v) { defaultSolver = v; return this; }

        /** Sets both outbound water marks (bytes). */
        public Builder writeBufferWaterMarks(int lowBytes, int highBytes) {
            writeBufferLowBytes = lowBytes;
            writeBufferHighBytes = highBytes;
            return this;
        }

        public Builder sendBufferBytes(int v) { sendBufferBytes = v; return this; }
        public Builder shutdownTimeoutMillis(long v) { shutdownTimeoutMillis = v; return this; }
        public Builder clock(LongSupplier v) { clock = v; return this; }
        public Builder weightEncoder(WeightEncoder v) { weightEncoder = v; return this; }
        public Builder waitMode(WaitMode v) { waitMode = v; return this; }
        public Builder encodeMarginNs(long v) { encodeMarginNs = v; return this; }
        public Builder limits(Limits v) { limits = v; return this; }
        public Builder tls(io.netty.handler.ssl.SslContext v) { tls = v; return this; }
        public Builder allowedRadios(java.util.Set<String> v) { allowedRadios = v; return this; }
        public Builder transport(Transport v) { transport = v; return this; }
        public Builder ioSliceNs(long v) { ioSliceNs = v; return this; }
        public Builder rtPriority(int v) { rtPriority = v; return this; }
        public Builder cpuLatencyUs(int v) { cpuLatencyUs = v; return this; }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the first invalid setting
         */
        public ControllerConfig build() {
            return new ControllerConfig(bindHost, port, ioThreads, maxFrameBytes, solveShards, ringSize,
                    defaultSolver, writeBufferLowBytes, writeBufferHighBytes, sendBufferBytes,
                    shutdownTimeoutMillis, clock, weightEncoder, waitMode, encodeMarginNs, limits, tls, allowedRadios,
                    transport, ioSliceNs, rtPriority, cpuLatencyUs);
        }
    }

    @Override
    public String toString() {
        return "ControllerConfig[bind=" + bindHost + ":" + port + ", ioThreads=" + ioThreads
                + ", maxFrameBytes=" + maxFrameBytes + ", solveShards=" + solveShards + ", ringSize=" + ringSize
                + ", defaultSolver=" + defaultSolver + ", writeBuffer=" + writeBufferLowBytes + ".."
                + writeBufferHighBytes + ", sendBufferBytes=" + sendBufferBytes + ", waitMode=" + waitMode
                + ", encodeMargin=" + (encodeMarginNs == AUTO_ENCODE_MARGIN ? "auto" : encodeMarginNs + " ns") + ", " + limits + ", tls=" + (tls != null) + ", transport=" + transport + ", ioSlice=" + (ioSliceNs == 0 ? "default" : ioSliceNs / 1000 + " us") + ", rtPriority=" + (rtPriority == 0 ? "off" : rtPriority) + ", cpuLatency=" + (cpuLatencyUs == CPU_LATENCY_OFF ? "off" : cpuLatencyUs + " us") + (allowedRadios.isEmpty() ? "" : ", allowedRadios=" + allowedRadios) + "]";
    }
}
