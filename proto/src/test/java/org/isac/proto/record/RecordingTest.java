package org.isac.proto.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recording format: round trips, rotation, torn tails at every cut, corruption at every byte, drops. */
class RecordingTest {
    @TempDir
    Path tmp;

    private record Rec(RecordFormat.Kind kind, long connection, long timeNs, byte[] payload) {
    }

    private static List<Rec> records(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Rec> out = new ArrayList<>();
        RecordFormat.Kind[] kinds = RecordFormat.Kind.values();
        for (int i = 0; i < n; i++) {
            byte[] p = new byte[rng.nextInt(0, 300)];
            for (int j = 0; j < p.length; j++) {
                p[j] = (byte) rng.nextInt();
            }
            out.add(new Rec(kinds[rng.nextInt(kinds.length)], rng.nextLong(1, 50), 1_000_000L * i + rng.nextInt(1000), p));
        }
        return out;
    }

    private static Path write(Path dir, List<Rec> recs, long segmentBytes) throws IOException {
        try (SegmentWriter w = new SegmentWriter(dir, segmentBytes, () -> 5_000L)) {
            for (Rec r : recs) {
                w.append(r.kind(), r.connection(), r.timeNs(), r.payload(), 0, r.payload().length);
            }
        }
        return dir;
    }

    private static List<RecordingReader.Entry> readAll(Path dir, RecordingReader.Outcome[] outcome) throws IOException {
        List<RecordingReader.Entry> got = new ArrayList<>();
        outcome[0] = RecordingReader.read(dir, got::add);
        return got;
    }

    private static void assertSame(Rec want, RecordingReader.Entry got) {
        assertEquals(want.kind(), got.kind());
        assertEquals(want.connection(), got.connection());
        assertEquals(want.timeNs(), got.timeNs());
        assertArrayEquals(want.payload(), got.payload());
    }

    @Test
    void aLongRecordingIsForcedToDiskAsItGoesNotLeftToTheKernelsThirtySecondWriteBack() throws IOException {
        byte[] payload = new byte[60_000];
        new java.util.Random(3).nextBytes(payload);
        long total = 0;
        Path dir = tmp.resolve("synced");
        try (SegmentWriter w = new SegmentWriter(dir, 1L << 30, () -> 5_000L)) {
            assertEquals(0, w.syncs());
            int n = 0;
            while (total < 2 * SegmentWriter.SYNC_BYTES + 100_000) {
                w.append(RecordFormat.Kind.IN, 1, n++, payload, 0, payload.length);
                total += RecordFormat.RECORD_OVERHEAD + payload.length;
            }
            assertEquals(2, w.syncs(), "one fdatasync per " + SegmentWriter.SYNC_BYTES + " B handed to the file");
        }
        RecordingReader.Outcome[] o = new RecordingReader.Outcome[1];
        List<RecordingReader.Entry> got = readAll(dir, o);
        assertTrue(o[0].clean(), o[0].toString());
        assertEquals(total / (RecordFormat.RECORD_OVERHEAD + payload.length), got.size());
        assertArrayEquals(payload, got.get(got.size() - 1).payload());
    }

    @Test
    void recordsComeBackInOrderAcrossRotatedSegments() throws IOException {
        List<Rec> recs = records(400, 1);
        Path dir = write(tmp.resolve("r"), recs, 4096);
        RecordingReader.Outcome[] o = new RecordingReader.Outcome[1];
        List<RecordingReader.Entry> got = readAll(dir, o);
        assertTrue(o[0].clean(), o[0].toString());
        assertTrue(o[0].segments().size() > 10, "rotated: " + o[0].segments().size());
        for (int s = 0; s < o[0].segments().size(); s++) {
            RecordingReader.Segment seg = o[0].segments().get(s);
            assertEquals(s + 1, seg.number());
            assertEquals(5_000L, seg.monoNs());
            assertTrue(Files.size(seg.file()) <= 4096, "rotated before passing the segment size");
        }
        assertEquals(recs.size(), got.size());
        for (int i = 0; i < recs.size(); i++) {
            assertSame(recs.get(i), got.get(i));
        }
        // wall time = the header's wall clock + (record time − the header's monotonic time)
        RecordingReader.Segment first = o[0].segments().get(0);
        assertEquals(first.wallNs() + recs.get(0).timeNs() - 5_000L, got.get(0).wallNs());
    }

    @Test
    void aCutAtAnyByteLeavesEveryWholeRecordAndReportsTheTornTail() throws IOException {
        List<Rec> recs = records(12, 2);
        Path dir = write(tmp.resolve("cut"), recs, 1 << 20);
        Path seg = RecordingReader.segments(dir).get(0);
        byte[] full = Files.readAllBytes(seg);
        // record boundaries
        List<Integer> ends = new ArrayList<>();
        int pos = RecordFormat.HEADER_BYTES;
        ends.add(pos);
        for (Rec r : recs) {
            pos += RecordFormat.RECORD_OVERHEAD + r.payload().length;
            ends.add(pos);
        }
        assertEquals(full.length, pos);
        for (int cut = 0; cut < full.length; cut++) {
            Files.write(seg, java.util.Arrays.copyOf(full, cut));
            RecordingReader.Outcome[] o = new RecordingReader.Outcome[1];
            List<RecordingReader.Entry> got = readAll(dir, o);
            int whole = 0;
            while (whole + 1 < ends.size() && ends.get(whole + 1) <= cut) {
                whole++;
            }
            assertEquals(cut < RecordFormat.HEADER_BYTES ? 0 : whole, got.size(), "cut at " + cut);
            for (int i = 0; i < got.size(); i++) {
                assertSame(recs.get(i), got.get(i));
            }
            assertTrue(o[0].corruption().isEmpty(), "cut at " + cut + ": " + o[0].corruption());
            if (ends.contains(cut)) {
                assertNull(o[0].tornTail(), "cut at a record boundary " + cut);
            } else {
                assertNotNull(o[0].tornTail(), "cut at " + cut);
            }
        }
    }

    @Test
    void aFlippedByteInAnEarlierSegmentIsCorruptionAndNeverMisread() throws IOException {
        List<Rec> recs = records(60, 3);
        Path dir = write(tmp.resolve("flip"), recs, 2048);
        List<Path> segs = RecordingReader.segments(dir);
        assertTrue(segs.size() >= 3);
        RecordingReader.Outcome[] o = new RecordingReader.Outcome[1];
        List<RecordingReader.Entry> clean = readAll(dir, o);
        Path victim = segs.get(1);
        byte[] orig = Files.readAllBytes(victim);
        for (int at = 0; at < orig.length; at++) {
            byte[] bad = orig.clone();
            bad[at] ^= (byte) (1 << (at % 8));
            Files.write(victim, bad);
            List<RecordingReader.Entry> got = readAll(dir, o);
            assertNull(o[0].tornTail(), "not the last segment: byte " + at);
            assertEquals(1, o[0].corruption().size(), "byte " + at + ": " + o[0]);
            // whatever was returned is exactly the clean reading with the damaged segment's rest left out
            int j = 0;
            for (RecordingReader.Entry e : got) {
                while (j < clean.size() && !(clean.get(j).segment() == e.segment() && clean.get(j).offset() == e.offset())) {
                    assertEquals(2, clean.get(j).segment(), "only the damaged segment loses records (byte " + at + ")");
                    j++;
                }
                assertTrue(j < clean.size(), "byte " + at + ": an entry that the clean reading lacks");
                assertArrayEquals(clean.get(j).payload(), e.payload());
                assertEquals(clean.get(j).kind(), e.kind());
                j++;
            }
        }
        Files.write(victim, orig);
    }

    @Test
    void aRecordingIsNeverAppendedTo() throws IOException {
        Path dir = write(tmp.resolve("once"), records(3, 4), 1 << 20);
        IOException e = assertThrows(IOException.class, () -> new SegmentWriter(dir, 1 << 20, System::nanoTime));
        assertTrue(e.getMessage().contains("already holds a recording"), e.getMessage());
        assertThrows(IOException.class, () -> RecordingReader.read(tmp.resolve("nothing-here"), x -> { }));
    }

    @Test
    void aFullQueueDropsCountsAndMarksTheGap() throws Exception {
        Path dir = tmp.resolve("drops");
        AtomicLong clock = new AtomicLong(7);
        long offered = 20_000;
        long dropped;
        try (Recorder r = Recorder.open(dir, new Recorder.Options(1 << 20, 4, 1 << 20), clock::incrementAndGet)) {
            byte[] p = new byte[200];
            for (int i = 0; i < offered; i++) {
                ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).putInt(i);
                r.record(RecordFormat.Kind.IN, 1, i, p, 0, p.length);
            }
            r.close();
            dropped = r.dropped();
            assertEquals(offered, r.offered());
            assertTrue(dropped > 0, "a 4-record queue must overflow under 20 000 offers");
        }
        List<RecordingReader.Entry> got = new ArrayList<>();
        RecordingReader.Outcome o = RecordingReader.read(dir, got::add);
        assertTrue(o.clean(), o.toString());
        long kept = got.stream().filter(e -> e.kind() == RecordFormat.Kind.IN).count();
        long marked = got.stream().filter(e -> e.kind() == RecordFormat.Kind.DROPPED)
                .mapToLong(e -> ByteBuffer.wrap(e.payload()).order(ByteOrder.LITTLE_ENDIAN).getLong()).sum();
        assertEquals(offered, kept + dropped, "every offer is either on disk or counted as dropped");
        assertEquals(dropped, marked, "the recording marks every drop");
        // kept records are in offer order
        int last = -1;
        for (RecordingReader.Entry e : got) {
            if (e.kind() == RecordFormat.Kind.IN) {
                int i = ByteBuffer.wrap(e.payload()).order(ByteOrder.LITTLE_ENDIAN).getInt();
                assertTrue(i > last);
                last = i;
            }
        }
    }

    @Test
    void concurrentProducersLoseNothingUncountedAndKeepTheirOwnOrder() throws Exception {
        Path dir = tmp.resolve("producers");
        int producers = 4;
        int each = 20_000;
        long dropped;
        // a queue small enough to overflow now and then, so that drops and kept records interleave
        try (Recorder r = Recorder.open(dir, new Recorder.Options(1 << 20, 256, 1 << 20), System::nanoTime)) {
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(producers);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < producers; t++) {
                int conn = t + 1;
                Thread th = new Thread(() -> {
                    byte[] p = new byte[64];
                    try {
                        start.await();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    for (int i = 0; i < each; i++) {
                        ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).putInt(i);
                        r.record(RecordFormat.Kind.IN, conn, i, p, 0, p.length);
                        if (i % 1000 == 0) {
                            Thread.yield();
                        }
                    }
                });
                th.start();
                threads.add(th);
            }
            for (Thread th : threads) {
                th.join();
            }
            r.close();
            assertEquals((long) producers * each, r.offered());
            dropped = r.dropped();
            assertTrue(r.errors() == 0);
        }
        List<RecordingReader.Entry> got = new ArrayList<>();
        assertTrue(RecordingReader.read(dir, got::add).clean());
        long kept = got.stream().filter(e -> e.kind() == RecordFormat.Kind.IN).count();
        long marked = got.stream().filter(e -> e.kind() == RecordFormat.Kind.DROPPED)
                .mapToLong(e -> ByteBuffer.wrap(e.payload()).order(ByteOrder.LITTLE_ENDIAN).getLong()).sum();
        assertEquals((long) producers * each, kept + dropped, "every offer is either on disk or counted as dropped");
        assertEquals(dropped, marked, "the recording marks every drop");
        int[] last = new int[producers + 1];
        java.util.Arrays.fill(last, -1);
        for (RecordingReader.Entry e : got) {
            if (e.kind() == RecordFormat.Kind.IN) {
                int i = ByteBuffer.wrap(e.payload()).order(ByteOrder.LITTLE_ENDIAN).getInt();
                int c = (int) e.connection();
                assertTrue(i > last[c], "connection " + c + ": record " + i + " after " + last[c]);
                last[c] = i;
            }
        }
    }

    @Test
    void closeWritesWhatWasQueuedWhileTheWriterPaused() throws Exception {
        Path dir = tmp.resolve("close");
        try (Recorder r = Recorder.open(dir, Recorder.Options.defaults(), System::nanoTime)) {
            Thread.sleep(300); // the writer thread has backed off to its longest pause
            byte[] p = {1, 2, 3};
            for (int i = 0; i < 10; i++) {
                assertTrue(r.record(RecordFormat.Kind.OUT, 1, i, p, 0, p.length));
            }
            r.close();
            assertEquals(0, r.dropped());
        }
        List<RecordingReader.Entry> got = new ArrayList<>();
        assertTrue(RecordingReader.read(dir, got::add).clean());
        assertEquals(10, got.stream().filter(e -> e.kind() == RecordFormat.Kind.OUT).count());
    }
}
