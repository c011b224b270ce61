package org.isac.proto.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recorder killed with SIGKILL in full flight leaves a readable recording: every complete record
 * with its CRC, in order, with no gap, and at most a torn tail that the reader reports.
 */
class KillDuringRecordingTest {
    @TempDir
    Path tmp;

    /** The child: records numbered records as fast as it can until it is killed. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            Recorder r = Recorder.open(Path.of(args[0]), new Recorder.Options(1 << 20, 1 << 16, 256L << 20), System::nanoTime);
            byte[] p = new byte[700];
            for (long i = 0; ; i++) {
                ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).putLong(i).putLong(r.dropped());
                while (!r.record(RecordFormat.Kind.OUT, 1, i, p, 0, (int) (i % p.length))) {
                    Thread.onSpinWait(); // keep the numbering gap-free: retry a full queue
                }
                if (i == 2_000) {
                    System.out.println("recording");
                    System.out.flush();
                }
            }
        }
    }

    @Test
    void killNineLeavesEveryCompleteRecordReadable() throws Exception {
        for (int run = 0; run < 3; run++) {
            Path dir = tmp.resolve("run" + run);
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Child.class.getName(), dir.toString())
                    .redirectErrorStream(true).start();
            try {
                String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
                assertEquals("recording", line);
                Thread.sleep(200 + 150 * run);
            } finally {
                p.destroyForcibly(); // SIGKILL
                assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            }
            List<RecordingReader.Entry> got = new ArrayList<>();
            // retried offers leave DROPPED marks between the numbered records
            RecordingReader.Outcome o = RecordingReader.read(dir, e -> {
                if (e.kind() == RecordFormat.Kind.OUT) {
                    got.add(e);
                }
            });
            assertTrue(o.corruption().isEmpty(), o.corruption().toString());
            assertTrue(got.size() > 2_000, "records read: " + got.size());
            for (int i = 0; i < got.size(); i++) {
                RecordingReader.Entry e = got.get(i);
                assertEquals(i, e.timeNs(), "record " + i + " in order, none missing");
                assertEquals(i % 700, e.payload().length);
                if (e.payload().length >= 8) {
                    assertEquals(i, ByteBuffer.wrap(e.payload()).order(ByteOrder.LITTLE_ENDIAN).getLong());
                }
            }
            long bytes = 0;
            for (Path s : RecordingReader.segments(dir)) {
                bytes += Files.size(s);
            }
            System.out.printf("kill -9 run %d: %d records in %d segments (%d B), torn tail: %s%n", run, got.size(),
                    o.segments().size(), bytes, o.tornTail());
        }
    }
}
