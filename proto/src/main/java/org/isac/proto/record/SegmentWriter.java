package org.isac.proto.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Appends records to a recording's segment files ({@link RecordFormat}), rotating to a new
 * segment when the current one would pass {@code segmentBytes}. Single-threaded: the
 * {@link Recorder}'s writer thread owns it. Whole records are gathered in a buffer that goes to
 * the file when full and on {@link #flush}; a process killed between two writes leaves whole
 * records, one killed inside a write a torn tail that the reader detects.
 *
 * <p>Every {@value #SYNC_BYTES} bytes written the segment is forced to disk ({@code fdatasync},
 * on the writer's thread). Left to itself, Linux writes dirty pages back once they are 30 s old
 * ({@code vm.dirty_expire_centisecs}), all the recording's first half minute at once: in three
 * recorded 60 s demos on the 2-core machine of reports/capacity/PROFILE.md a kernel worker then
 * held a CPU for 0.4–0.8 ms at a time and the loop stalled for 16–21 ms at 33–34 s, in each run.
 * A few MiB at a time is a short write each second at the demo's ≈ 5 MB/s.
 */
public final class SegmentWriter implements AutoCloseable {
    private final Path dir;
    private final long segmentBytes;
    private final java.util.function.LongSupplier clock;
    private final RecordFormat.Role role;
    private final ByteBuffer buf;
    private final ByteBuffer head = ByteBuffer.allocate(RecordFormat.RECORD_HEAD).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer tail = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private FileChannel file;
    private int segment;
    private long segmentSize;
    private long records;
    private long bytes;
    /** Bytes handed to the file since it was last forced to disk, and how often it was. */
    private long unsynced;
    private long syncs;
    /** Force the segment to disk after this many bytes written. */
    static final long SYNC_BYTES = 4L << 20;

    /**
     * @param dir          created when missing; must not already hold segments (a recording is never appended to)
     * @param segmentBytes rotate when a segment would pass this size (a larger single record still fits)
     * @param clock        the monotonic clock record times are read on (stored in each header beside the wall clock)
     */
    public SegmentWriter(Path dir, long segmentBytes, java.util.function.LongSupplier clock) throws IOException {
        this(dir, segmentBytes, clock, RecordFormat.Role.CONTROLLER);
    }

    /** As {@link #SegmentWriter(Path, long, java.util.function.LongSupplier)}, written from {@code role}'s side of the wire. */
    public SegmentWriter(Path dir, long segmentBytes, java.util.function.LongSupplier clock, RecordFormat.Role role) throws IOException {
        this.role = role;
        if (segmentBytes < RecordFormat.HEADER_BYTES + RecordFormat.RECORD_OVERHEAD) {
            throw new IllegalArgumentException("segment size " + segmentBytes + " B is too small");
        }
        Files.createDirectories(dir);
        try (var s = Files.list(dir)) {
            if (s.anyMatch(p -> p.getFileName().toString().endsWith(RecordFormat.SUFFIX))) {
                throw new IOException(dir + " already holds a recording; record into a new directory");
            }
        }
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.clock = clock;
        this.buf = ByteBuffer.allocate((int) Math.min(1 << 16, segmentBytes)).order(ByteOrder.LITTLE_ENDIAN);
        rotate();
    }

    /** Appends one record: {@code len} payload bytes of {@code payload} from {@code off}. */
    public void append(RecordFormat.Kind kind, long connection, long timeNs, byte[] payload, int off, int len) throws IOException {
        if (len < 0 || len > RecordFormat.MAX_PAYLOAD) {
            throw new IllegalArgumentException("record payload of " + len + " B (limit " + RecordFormat.MAX_PAYLOAD + ")");
        }
        long size = (long) RecordFormat.RECORD_OVERHEAD + len;
        if (segmentSize > RecordFormat.HEADER_BYTES && segmentSize + size > segmentBytes) {
            rotate();
        }
        head.clear();
        head.putInt(len).put((byte) kind.code).putLong(connection).putLong(timeNs);
        crc.reset();
        crc.update(head.array(), 0, RecordFormat.RECORD_HEAD);
        crc.update(payload, off, len);
        tail.clear();
        tail.putInt((int) crc.getValue());
        if (size > buf.capacity() - buf.position()) {
            drain();
        }
        if (size <= buf.capacity()) {
            buf.put(head.array(), 0, RecordFormat.RECORD_HEAD).put(payload, off, len).put(tail.array(), 0, 4);
        } else {
            writeFully(head.flip());
            writeFully(ByteBuffer.wrap(payload, off, len));
            writeFully(tail.flip());
        }
        segmentSize += size;
        records++;
        bytes += size;
    }

    /** Hands every gathered record to the file (the operating system's cache). */
    public void flush() throws IOException {
        drain();
    }

    public long records() {
        return records;
    }

    /** Record bytes written (headers excluded). */
    public long bytes() {
        return bytes;
    }

    public int segments() {
        return segment;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            drain();
            file.close();
            file = null;
        }
    }

    private void rotate() throws IOException {
        if (file != null) {
            drain();
            file.close();
        }
        segment++;
        unsynced = 0;
        file = FileChannel.open(dir.resolve(RecordFormat.segmentName(segment)),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        long mono = clock.getAsLong();
        java.time.Instant now = java.time.Instant.now();
        long wall = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        writeFully(RecordFormat.header(segment, wall, mono, role));
        segmentSize = RecordFormat.HEADER_BYTES;
    }

    private void drain() throws IOException {
        buf.flip();
        writeFully(buf);
        buf.clear();
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            unsynced += file.write(b);
        }
        if (unsynced >= SYNC_BYTES) {
            file.force(false);
            unsynced = 0;
            syncs++;
        }
    }

    /** Times the segment files were forced to disk while recording (every {@value #SYNC_BYTES} bytes). */
    long syncs() {
        return syncs;
    }
}
