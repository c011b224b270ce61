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

    @Mixin
    WeightFrameOptions frames = new WeightFrameOptions();

    /**
     * @param defaultSolver the command's policy for reports that name no solver; the initial
     *                      value of {@code --default-solver}, so its help shows it
     */
    ControllerOptions(String defaultSolver) {
        this(defaultSolver, ControllerConfig.DEFAULT_RT_PRIORITY);
    }

    /** As above, with the command's own {@code --rt-priority} default. */
    ControllerOptions(String defaultSolver, int rtPriority) {
        this.defaultSolver = defaultSolver;
        this.rtPriority = rtPriority;
    }

    ControllerConfig.Builder apply(ControllerConfig.Builder b) {
        b.weightEncoder(frames.encoder());
        b.waitMode(waitMode).solveShards(shards).ioThreads(ioThreads).ringSize(ringSize).maxFrameBytes(maxFrameBytes);
        b.defaultSolver(defaultSolver).transport(transport.resolve()).ioSliceNs(ioSliceUs * 1000).rtPriority(rtPriority);
        b.encodeMarginNs(encodeMarginUs == null ? ControllerConfig.AUTO_ENCODE_MARGIN : encodeMarginUs * 1000);
        return b;
    }
}
