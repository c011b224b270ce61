package org.isac.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.isac.controller.pipeline.WaitMode;
import org.isac.proto.v1.ArrayGeometry;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bytes allocated per report across the whole controller after warm-up, by thread: a real
 * controller on loopback, a blocking client sending reports one at a time and reading each
 * answer, so every report goes decode → validate → ring → solve → guard → frame → write →
 * flush. The solve shard's thread (solve and encode stages) must allocate nothing; the Netty
 * event loop's allocation (protobuf parsing of the incoming report, above all) is measured,
 * printed and held to a bound near what README.md states. {@code ThreadMXBean#getThreadAllocatedBytes} counts every
 * byte a thread allocates, so an allocation put back on the encode path fails the test.
 *
 * <p>Tagged {@code allocation}: the build runs it a second time on a JVM that keeps no
 * receiver-type profiles ({@code -XX:TypeProfileWidth=0}, see pom.xml), as C2 compiles a
 * method that went from C1 without profiling straight to C2 on a busy machine. A Vector API
 * kernel that needs a profile to stay allocation-free then allocates on every report for
 * good (5 KB per wideband report in CI, from {@code VectorKernels}' Cholesky before it was
 * written for this); there it fails every time.
 */
@Tag("allocation")
class AllocationEndToEndTest {
    /** Reports before measuring: the JIT compiles the path, pools and buffers reach their size. */
    private static final int WARM_REPORTS = 4_000;
    private static final int MEASURED_REPORTS = 2_000;
    /** Measured windows of {@link #MEASURED_REPORTS} tried before the test fails. */
    private static final int MEASURED_WINDOWS = 5;
    /** Reports per block of the warm-up's second part, and at most how many blocks. */
    private static final int WARM_BLOCK = 500;
    private static final int MAX_WARM_BLOCKS = 80;
    /** Bytes the solve thread may be charged over all measured reports (see the assertion). */
    private static final long MAX_SPORADIC_BYTES = 16_384;
    /**
     * Bound on what the event loop allocates per report in these cases: README.md gives the
     * measured ≈ 2.2 KB (N = 16, K = 4) and ≈ 5.3 KB (N = 64, K = 4), mostly protobuf parsing.
     */
    static final long EVENT_LOOP_BOUND_BYTES = 8_192;

    @ParameterizedTest(name = "{0} N={1} K={2} M={3} {4} S={5}")
    @CsvSource({
            "rzf, 16, 4, 0, PHASED, 0",
            "rzf, 16, 4, 0, YIELDING, 0",
            "hybrid-upga, 64, 4, 4, PHASED, 0",
            "rzf, 16, 4, 0, PHASED, 4"}) // wideband: subband by subband, subband_baseband, a version 2 frame
    void aReportAllocatesNothingOnTheSolveThread(String solver, int n, int k, int m, WaitMode waitMode, int subbands)
            throws Exception {
        ControllerConfig cfg = ControllerConfig.builder().port(0).defaultSolver(solver).ioThreads(1).solveShards(1)
                .waitMode(waitMode).build();
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Controller c = new Controller(cfg).start(); TestClient client = new TestClient(c.port())) {
            FrontEndHello hello = FrontEndHello.newBuilder().setRadioId("alloc").setRfChains(m)
                    .setPhaseBits(m > 0 ? 6 : 0).setBasebandBits(m > 0 ? 9 : 12).setMaxPowerW(1).setProtocolVersion(1)
                    .setTxArray(ArrayGeometry.newBuilder().setHorizontal(n).setVertical(1))
                    .setSubbands(subbands).build(); // the controller warms the wideband path before its HelloAck
            client.send(TestData.wrap(hello));
            assertTrue(helloAnswer(client).hasHelloAck());
            CsiReport.Builder report = subbands == 0 ? TestData.report("alloc", 0, n, k).setPowerBudgetW(1)
                    : TestData.widebandReport("alloc", 0, subbands, n, k).setPowerBudgetW(1);
            long seq = 0;
            for (int i = 0; i < WARM_REPORTS; i++) {
                roundTrip(client, report, ++seq);
            }
            long[] pipeline = threads("isac-pipeline-");
            long[] io = threads("isac-io-");
            assertEquals(1, pipeline.length, "one solve shard");
            // then on while the solve thread still allocates on most reports, up to MAX_WARM_BLOCKS
            // blocks: a Vector API kernel allocates until C2 compiles it (the batched wideband
            // kernels take some 15 000 solves), and on a busy machine the compile comes late
            for (int block = 0; block < MAX_WARM_BLOCKS; block++) {
                int allocatingInBlock = 0;
                long last = mx.getThreadAllocatedBytes(pipeline[0]);
                for (int i = 0; i < WARM_BLOCK; i++) {
                    roundTrip(client, report, ++seq);
                    long now = mx.getThreadAllocatedBytes(pipeline[0]);
                    allocatingInBlock += now != last ? 1 : 0;
                    last = now;
                }
                if (allocatingInBlock <= WARM_BLOCK / 100) {
                    break;
                }
            }
            assertTrue(io.length >= 1, "an event loop");
            // measured in up to MEASURED_WINDOWS windows, the first within both bounds counts: the
            // JIT may replace code it just compiled right after the warm-up; an allocation of the
            // path itself, or of code compiled so that it allocates, happens in every window and fails
            int allocating = 0; // reports during which the solve thread allocated anything
            StringBuilder seen = new StringBuilder();
            long solveTotal = 0;
            double eventLoop = 0;
            int window = 0;
            do {
                long[] pipelineBefore = mx.getThreadAllocatedBytes(pipeline);
                long[] ioBefore = mx.getThreadAllocatedBytes(io);
                allocating = 0;
                seen.setLength(0);
                long last = pipelineBefore[0];
                for (int i = 0; i < MEASURED_REPORTS; i++) {
                    roundTrip(client, report, ++seq);
                    long now = mx.getThreadAllocatedBytes(pipeline[0]);
                    if (now != last) {
                        if (allocating++ < 20) {
                            seen.append(" #").append(i).append(": ").append(now - last).append(" B");
                        }
                    }
                    last = now;
                }
                solveTotal = mx.getThreadAllocatedBytes(pipeline)[0] - pipelineBefore[0];
                eventLoop = perReport(mx.getThreadAllocatedBytes(io), ioBefore);
            } while (++window < MEASURED_WINDOWS && (allocating > MEASURED_REPORTS / 100 || solveTotal > MAX_SPORADIC_BYTES));
            seen.append(" (window ").append(window).append(" of at most ").append(MEASURED_WINDOWS).append(')');
            System.out.printf(Locale.ROOT, "allocation per report, %s N=%d K=%d M=%d %s: solve+encode thread %d B in"
                    + " %d reports, %d of them allocating%s; event loop %.1f B per report%n", solver, n, k, m, waitMode,
                    solveTotal, MEASURED_REPORTS, allocating, seen, eventLoop);
            // Zero per report, with a tolerance for what is not the path's: now and then (a few
            // reports in a thousand, at random, also with the wait modes that never block) the
            // thread is charged 72 B to 1 KB. With TLABs off, JFR attributes these to String and
            // byte[] pairs at safepoint polls on lines that allocate nothing (loop back-edges,
            // method entries), i.e. to the VM, not to the code. An allocation of the path itself
            // happens on every report (or every few, for a sampled one) and fails one of the two bounds.
            // a failure says where the solve thread allocates: one more window under a flight recording
            int allocatingReports = allocating;
            long solveBytes = solveTotal;
            long solveThread = pipeline[0];
            long[] sequence = {seq};
            java.util.function.Supplier<String> where = () -> ", at" + org.isac.solver.TestData.allocationSites(solveThread, () -> {
                try {
                    for (int i = 0; i < MEASURED_REPORTS; i++) {
                        roundTrip(client, report, ++sequence[0]);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(allocatingReports <= MEASURED_REPORTS / 100, () -> "reports during which the solve thread allocated: "
                    + allocatingReports + " of " + MEASURED_REPORTS + seen + where.get());
            assertTrue(solveBytes <= MAX_SPORADIC_BYTES, () -> "bytes the solve thread allocated over " + MEASURED_REPORTS
                    + " reports: " + solveBytes + seen + where.get());
            // a wideband report carries S channels for the event loop to parse
            assertTrue(eventLoop <= EVENT_LOOP_BOUND_BYTES * Math.max(1, subbands), "event loop bytes per report: " + eventLoop);
            assertTrue(eventLoop > 0, "parsing the report allocates on the event loop: the measurement sees it");
        }
    }

    private static void roundTrip(TestClient client, CsiReport.Builder report, long seq) throws Exception {
        client.send(TestData.wrap(report.setSequence(seq).build()));
        ControllerMessage m = client.read();
        if (!m.hasUpdate() || m.getUpdate().getSequence() != seq) {
            throw new AssertionError("expected the update of report " + seq + ", got " + m);
        }
        int subbands = Math.max(1, report.getSubbandsCount());
        if (m.getUpdate().getSubbandBasebandCount() != subbands - 1
                || m.getUpdate().getFpgaFrame().byteAt(4) != (subbands == 1 ? 1 : 2)) {
            throw new AssertionError("expected " + subbands + " baseband sets and a version " + (subbands == 1 ? 1 : 2)
                    + " frame, got " + m.getUpdate().getSubbandBasebandCount() + " more sets");
        }
    }

    /** The hello's answer: it waits for the solver's warm-up, which can outlast one read timeout on a loaded machine. */
    private static ControllerMessage helloAnswer(TestClient client) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return client.read();
            } catch (java.net.SocketTimeoutException e) {
                if (attempt == 6) {
                    throw e;
                }
            }
        }
    }

    private static double perReport(long[] after, long[] before) {
        long sum = 0;
        for (int i = 0; i < after.length; i++) {
            sum += after[i] - before[i];
        }
        return (double) sum / MEASURED_REPORTS;
    }

    /** Ids of the live threads whose name starts with {@code prefix}. */
    private static long[] threads(String prefix) {
        List<Long> ids = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix) && t.isAlive()) {
                ids.add(t.threadId());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }
}
