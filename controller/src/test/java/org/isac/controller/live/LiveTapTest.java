package org.isac.controller.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import org.isac.proto.v1.ComplexMatrix;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndMessage;
import org.isac.proto.v1.StageTimes;
import org.isac.proto.v1.WeightApplied;
import org.isac.proto.v1.WeightUpdate;
import org.junit.jupiter.api.Test;

/** The tap copies the latest envelopes exactly, reads an ack's latency from the varints, and allocates nothing per update. */
class LiveTapTest {

    private static byte[] delimited(com.google.protobuf.MessageLite m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeDelimitedTo(out);
        return out.toByteArray();
    }

    private static ControllerMessage update(long seq, long captureNs, long solveEndNs) {
        ComplexMatrix.Builder w = ComplexMatrix.newBuilder().setRows(8).setCols(2);
        for (int i = 0; i < 16; i++) {
            w.addRe(i).addIm(-i);
        }
        return ControllerMessage.newBuilder().setUpdate(WeightUpdate.newBuilder().setRadioId("r").setSequence(seq)
                .setSolver("rzf").setBaseband(w).setFpgaFrame(com.google.protobuf.ByteString.copyFrom(new byte[300]))
                .putPredicted("sum_rate_bits", 3.5).putPredicted("tau", -1).setSolveNs(1234).setEarlyStop(true)
                .setCaptureNs(captureNs).setStages(StageTimes.newBuilder().setReceivedNs(captureNs + 10)
                        .setSolveStartNs(captureNs + 20).setSolveEndNs(solveEndNs).setEncodedNs(solveEndNs + 5))
                .setIterations(7).setLayersPlanned(9)).build();
    }

    private static FrontEndMessage ack(long seq, long applyNs) {
        return FrontEndMessage.newBuilder().setApplied(WeightApplied.newBuilder().setRadioId("r").setSequence(seq)
                .setApplyNs(applyNs).setFrameCrc32C(0xdeadbeef)).build();
    }

    @Test
    void copiesTheLatestEnvelopesAndTimesAcks() throws Exception {
        LiveTaps taps = new LiveTaps(System::nanoTime);
        LiveTap tap = (LiveTap) taps.newHandler();
        EmbeddedChannel ch = new EmbeddedChannel(tap);
        LiveConnection c = taps.connections().get(0);
        FrontEndMessage report = FrontEndMessage.newBuilder().setCsi(CsiReport.newBuilder().setRadioId("r").setSequence(5)
                .setChannel(ComplexMatrix.newBuilder().setRows(1).setCols(1).addRe(1).addIm(0))).build();
        ch.writeInbound(Unpooled.wrappedBuffer(report.toByteArray()));
        // two updates in one outbound buffer, each with its varint prefix, as the prepender writes them
        ControllerMessage u5 = update(5, 1_000_000, 1_500_000), u6 = update(6, 2_000_000, 2_600_000);
        byte[] a = delimited(u5), b = delimited(u6);
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        ch.writeOutbound(Unpooled.wrappedBuffer(both));
        ch.writeInbound(Unpooled.wrappedBuffer(ack(5, 4_000_000).toByteArray()));
        ch.writeInbound(Unpooled.wrappedBuffer(ack(6, 2_700_000).toByteArray()));
        assertArrayEquals(u6.toByteArray(), c.update.copy(), "the latest update, without its prefix");
        byte[] r0 = c.reports[0].copy();
        assertArrayEquals(report.toByteArray(), r0);
        assertEquals(6, c.appliedSequence);
        c.drainLatencies();
        assertEquals(2, c.captureToAppliedTotal.getTotalCount());
        // capture → applied: 3 ms (seq 5) and 0.7 ms (seq 6); solve end → applied: 2.5 ms and 0.1 ms
        assertTrue(c.captureToAppliedTotal.valuesAreEquivalent(c.captureToAppliedTotal.getMaxValue(), 3_000_000));
        assertTrue(c.captureToAppliedTotal.valuesAreEquivalent(c.captureToAppliedTotal.getMinValue(), 700_000));
        assertTrue(c.solveEndToAppliedTotal.valuesAreEquivalent(c.solveEndToAppliedTotal.getMaxValue(), 2_500_000));
        assertTrue(c.solveEndToAppliedTotal.valuesAreEquivalent(c.solveEndToAppliedTotal.getMinValue(), 100_000));
        // an ack for a sequence that was never sent is counted as the latest but not timed
        ch.writeInbound(Unpooled.wrappedBuffer(ack(99, 9_000_000).toByteArray()));
        c.drainLatencies();
        assertEquals(2, c.captureToAppliedTotal.getTotalCount());
        assertEquals(99, c.appliedSequence);
        // rejects are counted by reason; the latest update stays
        ControllerMessage stale = ControllerMessage.newBuilder().setReject(org.isac.proto.v1.Reject.newBuilder().setSequence(7)
                .setReason(org.isac.proto.v1.Reject.Reason.STALE).setDetail("deadline passed").setRadioId("r")).build();
        ch.writeOutbound(Unpooled.wrappedBuffer(delimited(stale)));
        ch.writeOutbound(Unpooled.wrappedBuffer(delimited(stale)));
        assertEquals(2, c.rejects.get(org.isac.proto.v1.Reject.Reason.STALE_VALUE));
        assertEquals(0, c.rejects.get(org.isac.proto.v1.Reject.Reason.SUPERSEDED_VALUE));
        assertArrayEquals(u6.toByteArray(), c.update.copy());
        // what passes is untouched
        ByteBuf passed = ch.readOutbound();
        ((ByteBuf) ch.readOutbound()).release();
        ((ByteBuf) ch.readOutbound()).release();
        byte[] passedBytes = new byte[passed.readableBytes()];
        passed.getBytes(passed.readerIndex(), passedBytes);
        assertArrayEquals(both, passedBytes);
        passed.release();
        ByteBuf firstIn = ch.readInbound();
        assertEquals(report.getSerializedSize(), firstIn.readableBytes());
        firstIn.release();
        ch.finishAndReleaseAll();
        assertEquals(0, taps.connections().size(), "a closed connection leaves the view");
    }

    @Test
    void allocatesNothingPerUpdateAfterWarmUp() throws Exception {
        LiveTaps taps = new LiveTaps(System::nanoTime);
        LiveTap tap = (LiveTap) taps.newHandler();
        EmbeddedChannel ch = new EmbeddedChannel(tap);
        FrontEndMessage report = FrontEndMessage.newBuilder().setCsi(CsiReport.newBuilder().setRadioId("r").setSequence(5)
                .setChannel(ComplexMatrix.newBuilder().setRows(64).setCols(4).addAllRe(java.util.Collections.nCopies(256, 1f))
                        .addAllIm(java.util.Collections.nCopies(256, 2f)))).build();
        ByteBuf in = Unpooled.wrappedBuffer(report.toByteArray());
        ByteBuf out = Unpooled.wrappedBuffer(delimited(update(5, 1_000, 2_000)));
        ByteBuf applied = Unpooled.wrappedBuffer(ack(5, 5_000).toByteArray());
        ByteBuf rejected = Unpooled.wrappedBuffer(delimited(ControllerMessage.newBuilder().setReject(org.isac.proto.v1.Reject
                .newBuilder().setSequence(6).setReason(org.isac.proto.v1.Reject.Reason.SUPERSEDED).setRadioId("r")).build()));
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        for (int round = 0; round < 3; round++) {
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 20_000; i++) {
                tap.inbound(in, in.readerIndex(), in.writerIndex());
                tap.outbound(out, out.readerIndex(), out.writerIndex());
                tap.inbound(applied, applied.readerIndex(), applied.writerIndex());
                tap.outbound(rejected, rejected.readerIndex(), rejected.writerIndex());
            }
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            if (round == 2) {
                assertEquals(0, allocated, "bytes allocated by 20 000 reports, updates, acks and rejects after warm-up");
            }
        }
        LiveConnection c = taps.connections().get(0);
        c.drainLatencies();
        assertEquals(60_000, c.captureToAppliedTotal.getTotalCount());
        assertEquals(60_000, c.rejects.get(org.isac.proto.v1.Reject.Reason.SUPERSEDED_VALUE));
        ch.finishAndReleaseAll();
    }
}
