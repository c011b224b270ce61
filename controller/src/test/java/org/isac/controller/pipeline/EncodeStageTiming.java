package org.isac.controller.pipeline;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.isac.controller.CsiMapping;
import org.isac.controller.TestData;
import org.isac.controller.metrics.ControllerMetrics;
import org.isac.fpga.baseband.CodecId;
import org.isac.proto.v1.ArrayGeometry;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.solver.SolverRegistry;

/**
 * Encode stage time per update on its own thread, an HdrHistogram loop (not a test): one solved
 * event through {@link EncodeStage#onEvent} (guard, hardware frame, the update written or built,
 * handed to the channel, flushed) into a handler-less {@code EmbeddedChannel}, whose queue is
 * drained outside the timed region. What the event loop does with the update afterwards is not
 * timed. Run: {@code java -cp <controller test classpath> org.isac.controller.pipeline.EncodeStageTiming}.
 */
public final class EncodeStageTiming {
    private static final int WARM = 50_000;
    private static final int MEASURED = 200_000;

    private EncodeStageTiming() {
    }

    public static void main(String[] args) {
        run("rzf", 16, 4, 0);
        run("rzf", 64, 4, 0);
        run("hybrid-upga", 64, 4, 4);
    }

    private static void run(String solver, int n, int k, int m) {
        FrontEndHello hello = FrontEndHello.newBuilder().setRadioId("timing").setRfChains(m).setPhaseBits(m > 0 ? 6 : 0)
                .setBasebandBits(m > 0 ? 9 : 12).setMaxPowerW(1).setProtocolVersion(1)
                .setTxArray(ArrayGeometry.newBuilder().setHorizontal(n).setVertical(1)).build();
        EmbeddedChannel ch = new EmbeddedChannel();
        ControllerMetrics metrics = new ControllerMetrics();
        Session s = new Session(hello, ch, metrics);
        EncodeStage stage = new EncodeStage(System::nanoTime, metrics, new FpgaWeightEncoder(CodecId.BFP).newInstance());
        SolveEvent e = new SolveEvent();
        CsiReport r = TestData.report("timing", 1, n, k).setPowerBudgetW(1).build();
        CsiMapping.toProblem(r, hello, e.problem);
        SolverRegistry.create(solver).solve(e.problem, e.precoder);
        Histogram h = new Histogram(10_000_000_000L, 3);
        for (int i = 0; i < WARM + MEASURED; i++) {
            e.session = s;
            e.radioId = "timing";
            e.solver = solver;
            e.sequence = i + 1;
            e.captureNs = 1;
            e.receivedNs = System.nanoTime();
            e.solveStartNs = e.receivedNs;
            e.solveEndNs = e.receivedNs + 1;
            long t0 = System.nanoTime();
            stage.onEvent(e, i, true);
            long t1 = System.nanoTime();
            if (i >= WARM) {
                h.recordValue(t1 - t0);
            }
            Object o;
            while ((o = ch.readOutbound()) != null) {
                ReferenceCountUtil.release(o);
            }
        }
        System.out.printf(Locale.ROOT, "encode stage per update, %s N=%d K=%d M=%d: median %.2f us, p99 %.2f us,"
                + " p99.9 %.2f us (%d updates)%n", solver, n, k, m, h.getValueAtPercentile(50) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getTotalCount());
        ch.finishAndReleaseAll();
    }

    /** The session of one radio on an embedded channel. */
    private static final class Session implements PipelineSession {
        private final FrontEndHello hello;
        private final Channel ch;
        private final ControllerMetrics metrics;

        Session(FrontEndHello hello, Channel ch, ControllerMetrics metrics) {
            this.hello = hello;
            this.ch = ch;
            this.metrics = metrics;
        }

        @Override public String radioId() { return hello.getRadioId(); }
        @Override public FrontEndHello hello() { return hello; }
        @Override public String defaultSolver() { return "rzf"; }
        @Override public long receivedNs() { return 0; }
        @Override public int shard() { return 0; }
        @Override public long latestSequence() { return 0; }
        @Override public void markLatest(long sequence) { }
        @Override public long downlinkMarginNs() { return 0; }
        @Override public boolean sharesClock() { return false; }
        @Override public Channel channel() { return ch; }
        @Override public void noteSent(long sequence, long solveEndNs, long frameCrc32c, long deadlineNs) { }
        @Override public void count(int which) { }
        @Override public ControllerMetrics metrics() { return metrics; }
    }
}
