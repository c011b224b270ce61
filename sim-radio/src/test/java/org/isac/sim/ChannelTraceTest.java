package org.isac.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.isac.proto.record.RecordFormat;
import org.isac.proto.record.SegmentWriter;
import org.isac.proto.v1.ArrayGeometry;
import org.isac.proto.v1.ComplexMatrix;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.FrontEndMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** channel=trace plays a recording's reported channels as the true channel, at their recorded rhythm, looping. */
class ChannelTraceTest {
    @TempDir
    Path tmp;

    /** Channel of report {@code s}: entry i = s + i/100 (real), −s (imaginary). */
    private static ComplexMatrix channel(int n, int k, int s) {
        ComplexMatrix.Builder b = ComplexMatrix.newBuilder().setRows(n).setCols(k);
        for (int i = 0; i < n * k; i++) {
            b.addRe(s + i / 100f).addIm(-s);
        }
        return b.build();
    }

    /** Two radios; "b" reports 4 × 2 channels at t = 0, 1, 2, 3 ms (connection 2), "a" noise in between. */
    private Path recording() throws Exception {
        Path dir = tmp.resolve("rec");
        try (SegmentWriter w = new SegmentWriter(dir, 1 << 20, () -> 0L)) {
            for (int c = 1; c <= 2; c++) {
                byte[] hello = FrontEndMessage.newBuilder().setHello(FrontEndHello.newBuilder().setRadioId(c == 1 ? "a" : "b")
                        .setTxArray(ArrayGeometry.newBuilder().setHorizontal(4))).build().toByteArray();
                w.append(RecordFormat.Kind.IN, c, 0, hello, 0, hello.length);
            }
            for (int s = 1; s <= 4; s++) {
                for (int c = 1; c <= 2; c++) {
                    byte[] r = FrontEndMessage.newBuilder().setCsi(CsiReport.newBuilder().setRadioId(c == 1 ? "a" : "b").setSequence(s)
                            .setChannel(channel(4, c == 1 ? 1 : 2, c == 1 ? 100 + s : s))).build().toByteArray();
                    w.append(RecordFormat.Kind.IN, c, 5_000_000L + (s - 1) * 1_000_000L + c, r, 0, r.length);
                }
            }
        }
        return dir;
    }

    @Test
    void playsTheNamedRadiosChannelsAtTheirRhythmAndLoops() throws Exception {
        Path dir = recording();
        ChannelTrace t = ChannelTrace.load(dir, "b");
        assertEquals(4, t.size());
        assertEquals(4, t.antennas());
        assertEquals(2, t.users());
        assertEquals(4_000_000L, t.periodNs(), "three 1 ms gaps, the last sample held one more");
        assertEquals(0, t.indexAt(0));
        assertEquals(0, t.indexAt(999_999));
        assertEquals(1, t.indexAt(1_000_000));
        assertEquals(3, t.indexAt(3_999_999));
        assertEquals(0, t.indexAt(4_000_000), "loops");
        assertEquals(2, t.indexAt(6_500_000));
        assertEquals("a", ChannelTrace.load(dir, "").radioId(), "default: the first radio with reports");

        Scenario s = Scenario.builder().set("channel", "trace").set("trace", dir.toString()).set("traceRadio", "b")
                .antennas(4).users(2).build();
        ChannelProcess p = ChannelProcess.of(s);
        p.start(10_000_000L);
        assertArrayEquals(t.channel(0).re, p.channel().re);
        p.advanceTo(12_200_000L);
        assertArrayEquals(t.channel(2).re, p.channel().re);
        assertArrayEquals(t.channel(2).im, p.channel().im);
        assertEquals(3f, (float) p.channel().re[0]);
        p.advanceTo(14_100_000L);
        assertArrayEquals(t.channel(0).re, p.channel().re, "looped");
    }

    @Test
    void aMismatchedOrMissingTraceIsAClearError() throws Exception {
        Path dir = recording();
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> ChannelProcess.of(Scenario.builder()
                .set("channel", "trace").set("trace", dir.toString()).set("traceRadio", "b").antennas(8).users(2).build()));
        assertTrue(shape.getMessage().contains("--antennas 4 --users 2"), shape.getMessage());
        IllegalArgumentException radio = assertThrows(IllegalArgumentException.class, () -> ChannelProcess.of(Scenario.builder()
                .set("channel", "trace").set("trace", dir.toString()).set("traceRadio", "zz").antennas(4).users(2).build()));
        assertTrue(radio.getMessage().contains("[a, b]"), radio.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> Scenario.builder().set("channel", "trace").build());
        assertTrue(none.getMessage().contains("must name a recording directory when channel=trace"), none.getMessage());
    }
}
