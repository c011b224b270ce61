package org.isac.controller.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.isac.controller.ControllerConfig;
import org.isac.controller.TestData;
import org.isac.controller.metrics.ControllerMetrics;
import org.isac.controller.metrics.MetricsSnapshot;
import org.isac.controller.pipeline.ReportSink;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndMessage;
import org.junit.jupiter.api.Test;

/**
 * A bounded, seeded fuzz run of the session's input side (frame decoder, protobuf decoder,
 * hello and report validation) on the real pipeline: valid hellos and reports are mutated
 * (bit flips, byte overwrites, insertions, deletions, truncation, length-prefix damage) and
 * fed in random fragments. Whatever arrives, nothing escapes the pipeline, every report that
 * decodes is either offered or answered with exactly one Reject, the counters balance, and a
 * valid hello and report on a fresh connection are still served. Seeds are fixed, so a
 * failure replays; {@code -Disac.fuzz.cases=N} runs more.
 */
class SessionFuzzTest {
    private static final int N = 8;
    private static final int CASES = Integer.getInteger("isac.fuzz.cases", 3000);

    @Test
    void mutatedInputNeverEscapesAndEveryReportGetsOneAnswer() {
        ControllerConfig config = ControllerConfig.builder().maxFrameBytes(16 * 1024).build();
        ControllerMetrics metrics = new ControllerMetrics();
        SessionRegistry registry = new SessionRegistry();
        List<CsiReport> offered = new ArrayList<>();
        ReportSink sink = (session, report) -> {
            offered.add(report);
            session.markLatest(report.getSequence());
            return true;
        };
        byte[] hello = TestData.delimited(TestData.wrap(TestData.hello("fz", N)));
        SplittableRandom rnd = new SplittableRandom(20261206);
        for (int c = 0; c < CASES; c++) {
            EmbeddedChannel ch = new EmbeddedChannel(new SessionInitializer(config, metrics, registry, sink, null));
            int offeredBefore = offered.size();
            long receivedBefore = metrics.count(ControllerMetrics.Counter.RECEIVED);
            long rejectedBefore = metrics.count(ControllerMetrics.Counter.REPORTS_REJECTED);
            byte[] report = TestData.delimited(TestData.wrap(TestData.report("fz", 1 + c, N, 1 + rnd.nextInt(3))
                    .putParams(rnd.nextBoolean() ? "reg" : "x", rnd.nextDouble() * 4 - 1).build()));
            byte[] stream = concat(rnd.nextInt(4) == 0 ? mutate(hello, rnd) : hello, mutate(report, rnd), mutate(report, rnd));
            int at = 0;
            while (at < stream.length && ch.isOpen()) {
                int len = 1 + rnd.nextInt(Math.min(64, stream.length - at));
                ch.writeInbound(Unpooled.wrappedBuffer(stream, at, len)); // throws if anything escapes
                at += len;
            }
            ch.runPendingTasks();
            List<ControllerMessage> out = TestData.outbound(ch);
            long rejectsSent = out.stream().filter(ControllerMessage::hasReject).count();
            long received = metrics.count(ControllerMetrics.Counter.RECEIVED) - receivedBefore;
            long rejected = metrics.count(ControllerMetrics.Counter.REPORTS_REJECTED) - rejectedBefore;
            long taken = offered.size() - offeredBefore;
            assertEquals(received, taken + rejected, "case " + c + ": every decoded report offered or rejected, once");
            assertTrue(rejectsSent >= rejected, "case " + c + ": every report reject was sent");
            ch.finishAndReleaseAll();
        }
        MetricsSnapshot s = metrics.snapshot();
        assertEquals(s.received(), offered.size() + s.rejected(), s.summary());
        // still serving
        EmbeddedChannel ok = new EmbeddedChannel(new SessionInitializer(config, metrics, registry, sink, null));
        ok.writeInbound(Unpooled.wrappedBuffer(hello));
        assertTrue(TestData.outbound(ok).get(0).hasHelloAck());
        int before = offered.size();
        ok.writeInbound(Unpooled.wrappedBuffer(TestData.delimited(TestData.wrap(TestData.report("fz", 1, N, 2).build()))));
        assertEquals(before + 1, offered.size());
        ok.finishAndReleaseAll();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /** One to four random edits of {@code in} (sometimes none). */
    static byte[] mutate(byte[] in, SplittableRandom rnd) {
        byte[] b = in.clone();
        int edits = rnd.nextInt(5);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int i = rnd.nextInt(b.length);
            switch (rnd.nextInt(6)) {
                case 0 -> b[i] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b[i] = (byte) rnd.nextInt(256);
                case 2 -> { // insert
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, i);
                    c[i] = (byte) rnd.nextInt(256);
                    System.arraycopy(b, i, c, i + 1, b.length - i);
                    b = c;
                }
                case 3 -> { // delete
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, i);
                    System.arraycopy(b, i + 1, c, i, b.length - i - 1);
                    b = c;
                }
                case 4 -> b = java.util.Arrays.copyOf(b, i); // truncate
                default -> b[0] = (byte) (0x80 | rnd.nextInt(256)); // damage the length prefix
            }
        }
        return b;
    }
}
