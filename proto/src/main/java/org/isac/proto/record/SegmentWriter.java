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
            file.write(b);
        }
    }
}
