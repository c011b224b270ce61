package org.isac.tools.cli;

import org.isac.controller.ControllerConfig;
import org.isac.controller.pipeline.WaitMode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options that configure the controller, shared by {@code serve} and {@code demo}. */
public final class ControllerOptions {
    @Option(names = "--solve-shards", paramLabel = "S",
            description = "solver threads; radios are spread over them (default: ${DEFAULT-VALUE})",
            defaultValue = "" + ControllerConfig.DEFAULT_SOLVE_SHARDS)
    int shards;

    @Option(names = "--io-threads", paramLabel = "T", description = "Netty I/O threads (default: ${DEFAULT-VALUE})",
            defaultValue = "" + ControllerConfig.DEFAULT_IO_THREADS)
    int ioThreads;

    @Option(names = "--default-solver", paramLabel = "NAME",
            description = "solver for reports that name none (default: ${DEFAULT-VALUE}; see `isac solvers`)")
    String defaultSolver;

    @Option(names = "--ring-size", paramLabel = "SLOTS", description = "Disruptor ring slots, a power of two (default: ${DEFAULT-VALUE})",
            defaultValue = "" + ControllerConfig.DEFAULT_RING_SIZE)
    int ringSize;

    @Option(names = "--max-frame-bytes", paramLabel = "BYTES",
            description = "largest accepted message (default: ${DEFAULT-VALUE})",
            defaultValue = "" + ControllerConfig.DEFAULT_MAX_FRAME_BYTES)
    int maxFrameBytes;

    @Option(names = "--wait-mode", paramLabel = "MODE",
            description = "how solve threads wait: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    WaitMode waitMode = ControllerConfig.DEFAULT_WAIT_MODE;

    @Option(names = "--transport", paramLabel = "T", converter = TransportConverter.class,
            description = "socket transport of the event loops: auto (epoll where its native library loads, else nio),"
                    + " epoll or nio (default: auto)")
    org.isac.proto.net.Transport transport = org.isac.proto.net.Transport.AUTO;

    /** Parses auto, epoll or nio in any case. */
    static final class TransportConverter implements picocli.CommandLine.ITypeConverter<org.isac.proto.net.Transport> {
        @Override
        public org.isac.proto.net.Transport convert(String value) {
            return org.isac.proto.net.Transport.parse(value);
        }
    }

    @Option(names = "--io-slice-us", paramLabel = "US",
            description = "time slice the I/O threads ask the Linux scheduler for (kernel 6.12+), so that an event loop"
                    + " woken to write or read preempts busy threads; 0 = kernel default (default: ${DEFAULT-VALUE})",
            defaultValue = "" + ControllerConfig.DEFAULT_IO_SLICE_NS / 1000)
    long ioSliceUs;

    @Option(names = "--encode-margin-us", paramLabel = "US",
            description = "time kept free before each deadline for encoding and sending; anytime solvers stop their layers"
                    + " that much earlier (default: measured per radio, solve end to applied at p99.9 from its acks"
                    + " when it shares the clock, else the encode time's p90; + "
                    + ControllerConfig.ENCODE_MARGIN_FLOOR_NS / 1000 + " us)")
    Long encodeMarginUs;

    @Option(names = "--rt-priority", paramLabel = "P",
            description = {"real-time scheduling (Linux SCHED_FIFO): the solve threads at priority P, the event loops at P + 1,",
                    "so that no other thread (JIT compiler, GC, kernel workers) delays a report; needs root, CAP_SYS_NICE or",
                    "an rtprio limit (ulimit -r), else the threads stay in the fair class and the summary says so;",
                    "0 = off, max " + ControllerConfig.MAX_RT_PRIORITY + " (default: ${DEFAULT-VALUE})"})
    int rtPriority;

    @Option(names = "--cpu-latency-us", paramLabel = "US|off", converter = CpuLatencyConverter.class,
            description = "hold Linux's CPU wake-up latency limit (/dev/cpu_dma_latency) at US microseconds while running:"
                    + " at 0 idle CPUs poll instead of halting, so a thread handed a report on another CPU runs at once (on a"
                    + " virtual machine, waking a halted virtual CPU waits for its host; docs/DESIGN.md, Idle CPUs); idle CPUs"
                    + " then burn power; needs root, else the summary says why it is not held; off = the kernel's own idle"
                    + " policy (default: ${DEFAULT-VALUE})")
    String cpuLatency;

    /** Parses {@code off} or a limit in µs ≥ 0 into {@link ControllerConfig#cpuLatencyUs()}. */
    static int cpuLatencyUs(String value) {
        if (value == null || value.equalsIgnoreCase("off")) {
            return ControllerConfig.CPU_LATENCY_OFF;
        }
        int us;
        try {
            us = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            us = -1;
        }
        if (us < 0) {
            throw new IllegalArgumentException("--cpu-latency-us must be off or a number of microseconds >= 0, got '"
                    + value + "'");
        }
        return us;
    }

    /** Checks {@code --cpu-latency-us} as it is parsed, so that a bad value is a usage error. */
    static final class CpuLatencyConverter implements picocli.CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                cpuLatencyUs(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
            return value;
        }
    }

    @Mixin
    WeightFrameOptions frames = new WeightFrameOptions();

    /**
     * @param defaultSolver the command's policy for reports that name no solver; the initial
     *                      value of {@code --default-solver}, so its help shows it
     */
    ControllerOptions(String defaultSolver) {
        this(defaultSolver, ControllerConfig.DEFAULT_RT_PRIORITY, ControllerConfig.DEFAULT_CPU_LATENCY_US);
    }

    /** As above, with the command's own {@code --rt-priority} and {@code --cpu-latency-us} defaults. */
    ControllerOptions(String defaultSolver, int rtPriority, int cpuLatencyUs) {
        this.defaultSolver = defaultSolver;
        this.rtPriority = rtPriority;
        this.cpuLatency = cpuLatencyUs == ControllerConfig.CPU_LATENCY_OFF ? "off" : Integer.toString(cpuLatencyUs);
    }

    ControllerConfig.Builder apply(ControllerConfig.Builder b) {
        b.weightEncoder(frames.encoder());
        b.waitMode(waitMode).solveShards(shards).ioThreads(ioThreads).ringSize(ringSize).maxFrameBytes(maxFrameBytes);
        b.defaultSolver(defaultSolver).transport(transport.resolve()).ioSliceNs(ioSliceUs * 1000).rtPriority(rtPriority)
                .cpuLatencyUs(cpuLatencyUs(cpuLatency));
        b.encodeMarginNs(encodeMarginUs == null ? ControllerConfig.AUTO_ENCODE_MARGIN : encodeMarginUs * 1000);
        return b;
    }
}
