package org.isac.proto.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Reads a recording ({@link RecordFormat}) record by record, in order, checking every CRC.
 * Only whole records whose CRC holds are returned. A short or failing record at the very end of
 * the last segment is a torn tail (the writer stopped mid-write): reported, never returned. Any
 * other failure is corruption: reported with its place, and the rest of that segment skipped
 * (the framing after it cannot be trusted); later segments are read.
 */
public final class RecordingReader {
    private RecordingReader() {
    }

    /** One record. {@code wallNs} is its time on the wall clock, from its segment's header. */
    public record Entry(RecordFormat.Kind kind, long connection, long timeNs, long wallNs, byte[] payload, int segment, long offset,
            RecordFormat.Role role) {
        /** True for an envelope a front end sent (a FrontEndMessage), whichever side recorded it. */
        public boolean fromFrontEnd() {
            return (kind == RecordFormat.Kind.IN) == (role == RecordFormat.Role.CONTROLLER);
        }

        /** True for an envelope a controller sent (a ControllerMessage). */
        public boolean fromController() {
            return (kind == RecordFormat.Kind.OUT) == (role == RecordFormat.Role.CONTROLLER);
        }
    }

    /** A segment's header. */
    public record Segment(Path file, int number, int formatVersion, int schemaVersion, long wallNs, long monoNs, RecordFormat.Role role) {
    }

    /** What reading found: records returned, segments, and the problems (the torn tail among them) in reading order. */
    public record Outcome(long records, List<Segment> segments, String tornTail, List<String> corruption) {
        public boolean clean() {
            return tornTail == null && corruption.isEmpty();
        }
    }

    /** The segment files of {@code dir}, in order. */
    public static List<Path> segments(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a directory");
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = new ArrayList<>(s.filter(p -> p.getFileName().toString().endsWith(RecordFormat.SUFFIX)).sorted().toList());
            if (files.isEmpty()) {
                throw new IOException(dir + " holds no recording segments (*" + RecordFormat.SUFFIX + ")");
            }
            return files;
        }
    }

    /** Reads every record of the recording in {@code dir}, in order, into {@code sink}. */
    public static Outcome read(Path dir, Consumer<Entry> sink) throws IOException {
        List<Path> files = segments(dir);
        List<Segment> segments = new ArrayList<>();
        List<String> corruption = new ArrayList<>();
        String torn = null;
        long count = 0;
        for (int f = 0; f < files.size(); f++) {
            boolean last = f == files.size() - 1;
            Path file = files.get(f);
            ByteBuffer b;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size > Integer.MAX_VALUE) {
                    corruption.add(file.getFileName() + ": " + size + " B is larger than any segment the recorder writes");
                    continue;
                }
                b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
                while (b.hasRemaining() && ch.read(b) >= 0) {
                    // read all
                }
                b.flip();
            }
            String name = file.getFileName().toString();
            if (b.remaining() < RecordFormat.HEADER_BYTES) {
                String msg = name + ": header cut short at " + b.remaining() + " of " + RecordFormat.HEADER_BYTES + " B";
                if (last) {
                    torn = msg;
                } else {
                    corruption.add(msg);
                }
                continue;
            }
            byte[] a = b.array();
            if (!Arrays.equals(a, 0, RecordFormat.MAGIC.length, RecordFormat.MAGIC, 0, RecordFormat.MAGIC.length)) {
                corruption.add(name + ": not a recording segment (bad magic)");
                continue;
            }
            if (RecordFormat.crc(a, 0, RecordFormat.HEADER_BYTES - 4) != b.getInt(RecordFormat.HEADER_BYTES - 4)) {
                corruption.add(name + ": header CRC does not match");
                continue;
            }
            int format = b.getShort(8) & 0xFFFF, schema = b.getShort(10) & 0xFFFF;
            if (format != RecordFormat.FORMAT_VERSION) {
                corruption.add(name + ": format version " + format + " (this build reads " + RecordFormat.FORMAT_VERSION + ")");
                continue;
            }
            RecordFormat.Role role = RecordFormat.Role.of(b.get(32));
            if (role == null) {
                corruption.add(name + ": unknown recording role " + b.get(32));
                continue;
            }
            Segment seg = new Segment(file, b.getInt(12), format, schema, b.getLong(16), b.getLong(24), role);
            segments.add(seg);
            int pos = RecordFormat.HEADER_BYTES, end = b.limit();
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            while (pos < end) {
                int left = end - pos;
                String problem = null;
                int len = left >= 4 ? b.getInt(pos) : -1;
                boolean reachesEnd;
                if (left < RecordFormat.RECORD_OVERHEAD) {
                    problem = "record at offset " + pos + " cut short (" + left + " B left)";
                    reachesEnd = true;
                } else if (len < 0 || len > RecordFormat.MAX_PAYLOAD || (long) len + RecordFormat.RECORD_OVERHEAD > left) {
                    problem = "record at offset " + pos + " claims " + Integer.toUnsignedString(len) + " B with " + left + " B left";
                    reachesEnd = true;
                } else {
                    int total = RecordFormat.RECORD_OVERHEAD + len;
                    crc.reset();
                    crc.update(a, pos, RecordFormat.RECORD_HEAD + len);
                    RecordFormat.Kind kind = RecordFormat.Kind.of(a[pos + 4]);
                    reachesEnd = pos + total == end;
                    if ((int) crc.getValue() != b.getInt(pos + RecordFormat.RECORD_HEAD + len)) {
                        problem = "record at offset " + pos + " fails its CRC";
                    } else if (kind == null) {
                        problem = "record at offset " + pos + " has unknown kind " + a[pos + 4];
                    } else {
                        long t = b.getLong(pos + 13);
                        sink.accept(new Entry(kind, b.getLong(pos + 5), t, seg.wallNs() + (t - seg.monoNs()),
                                Arrays.copyOfRange(a, pos + RecordFormat.RECORD_HEAD, pos + RecordFormat.RECORD_HEAD + len), seg.number(), pos,
                                seg.role()));
                        count++;
                        pos += total;
                        continue;
                    }
                }
                if (last && reachesEnd) {
                    torn = name + ": torn tail, " + problem + "; " + left + " B not read";
                } else {
                    corruption.add(name + ": " + problem + "; the remaining " + left + " B of the segment skipped");
                }
                break;
            }
        }
        return new Outcome(count, List.copyOf(segments), torn, List.copyOf(corruption));
    }
}
