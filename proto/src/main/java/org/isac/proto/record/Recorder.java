package org.isac.proto.record;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Records envelopes off the hot path: {@link #record} copies the bytes and offers them to a
 * bounded queue, never waiting; a writer thread of its own drains the queue into a
 * {@link SegmentWriter}. When the queue is full (the disk is slower than the traffic) the
 * record is dropped and counted, and the writer notes the count in the recording as a
 * {@code DROPPED} record, so a gap is visible where it happened. A write error stops the
 * recording (counted and logged once on standard error); the traffic it recorded goes on.
 *
 * <p>The hand-over takes no lock and wakes nobody: the queue is lock-free and the writer thread
 * looks for records every {@value #BUSY_PARK_US} µs while there are any (backing off to
 * {@value #IDLE_PARK_MS} ms when idle). The event loops that record may run in the real-time
 * class while this thread runs in the fair class; with a queue lock (a blocking queue, as
 * before) an event loop that offered while this thread was preempted inside its poll waited
 * until the real-time threads left it a core — measured as ≈ 250 µs on 1 % of the updates of
 * a recorded demo, after their bytes were written and before they reached the socket.
 */
public final class Recorder implements AutoCloseable {
    /** Sizes: rotate segments at {@code segmentBytes}; queue at most {@code queueRecords} records and {@code queueBytes} bytes. */
    public record Options(long segmentBytes, int queueRecords, long queueBytes) {
        public static Options defaults() {
            return new Options(256L << 20, 65_536, 64L << 20);
        }

        public Options {
            if (queueRecords < 1 || queueBytes < 1) {
                throw new IllegalArgumentException("recorder queue must hold at least one record");
            }
        }
    }

    private record Entry(RecordFormat.Kind kind, long connection, long timeNs, byte[] payload) {
    }

    private static final Entry STOP = new Entry(RecordFormat.Kind.CLOSE, 0, 0, new byte[0]);
    /** The writer thread's pause between looks at the queue while records come, µs. */
    static final long BUSY_PARK_US = 1000;
    /** Its longest pause when none came for a while, ms (each empty look doubles the pause up to this). */
    static final long IDLE_PARK_MS = 20;

    private final SegmentWriter writer;
    private final LongSupplier clock;
    private final long queueBytesLimit;
    private final int queueRecordsLimit;
    private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedRecords = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Thread thread;
    private volatile boolean failed;
    private volatile boolean closed;
    private long droppedNoted;

    private Recorder(SegmentWriter writer, LongSupplier clock, Options o) {
        this.writer = writer;
        this.clock = clock;
        this.queueBytesLimit = o.queueBytes();
        this.queueRecordsLimit = o.queueRecords();
        this.thread = new Thread(this::drain, "isac-recorder");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts recording into {@code dir} (a new or empty directory). */
    public static Recorder open(Path dir, Options o, LongSupplier clock) throws IOException {
        return open(dir, o, clock, RecordFormat.Role.CONTROLLER);
    }

    /** Starts recording into {@code dir} from {@code role}'s side of the wire. */
    public static Recorder open(Path dir, Options o, LongSupplier clock, RecordFormat.Role role) throws IOException {
        return new Recorder(new SegmentWriter(dir, o.segmentBytes(), clock, role), clock, o);
    }

    /** The clock record times are read on. */
    public LongSupplier clock() {
        return clock;
    }

    /** A number for a new connection (1, 2, …). */
    public long newConnection() {
        return connections.incrementAndGet();
    }

    /**
     * Offers one record; never blocks. {@code payload[off, off+len)} is copied.
     *
     * @return false when it was dropped (queue full, recorder failed or closed)
     */
    public boolean record(RecordFormat.Kind kind, long connection, long timeNs, byte[] payload, int off, int len) {
        byte[] copy = java.util.Arrays.copyOfRange(payload, off, off + len);
        return offer(new Entry(kind, connection, timeNs, copy));
    }

    /** As {@link #record(RecordFormat.Kind, long, long, byte[], int, int)} with the readable bytes of {@code b} (not consumed). */
    public boolean record(RecordFormat.Kind kind, long connection, long timeNs, io.netty.buffer.ByteBuf b, int index, int len) {
        byte[] copy = new byte[len];
        b.getBytes(index, copy);
        return offer(new Entry(kind, connection, timeNs, copy));
    }

    private boolean offer(Entry e) {
        offered.incrementAndGet();
        if (failed || closed) {
            dropped.incrementAndGet();
            return false;
        }
        int size = e.payload().length + RecordFormat.RECORD_OVERHEAD;
        if (queuedRecords.incrementAndGet() > queueRecordsLimit) {
            queuedRecords.decrementAndGet();
            dropped.incrementAndGet();
            return false;
        }
        if (queuedBytes.addAndGet(size) > queueBytesLimit) {
            queuedBytes.addAndGet(-size);
            queuedRecords.decrementAndGet();
            dropped.incrementAndGet();
            return false;
        }
        queue.offer(e);
        return true;
    }

    /** Records offered so far (recorded or dropped). */
    public long offered() {
        return offered.get();
    }

    /** Records dropped because the writer fell behind (or after a write error, or after close). */
    public long dropped() {
        return dropped.get();
    }

    /** Records on disk (DROPPED markers included). */
    public long written() {
        return writer.records();
    }

    /** Write errors (the first stops the recording). */
    public long errors() {
        return errors.get();
    }

    public Path dir() {
        return writer.dir();
    }

    private void drain() {
        long parkNs = BUSY_PARK_US * 1000;
        boolean flushed = true;
        try {
            while (true) {
                Entry e = queue.poll();
                if (e == null) {
                    if (!flushed) {
                        flush();
                        flushed = true;
                    }
                    LockSupport.parkNanos(this, parkNs); // close() unparks
                    if (Thread.currentThread().isInterrupted()) {
                        break;
                    }
                    parkNs = Math.min(2 * parkNs, IDLE_PARK_MS * 1_000_000);
                    continue;
                }
                parkNs = BUSY_PARK_US * 1000;
                if (e == STOP) {
                    noteDrops();
                    break;
                }
                queuedRecords.decrementAndGet();
                queuedBytes.addAndGet(-(e.payload().length + RecordFormat.RECORD_OVERHEAD));
                noteDrops();
                if (!failed) {
                    write(e.kind(), e.connection(), e.timeNs(), e.payload());
                    flushed = false;
                }
            }
        } finally {
            try {
                writer.close();
            } catch (IOException ex) {
                fail(ex);
            }
        }
    }

    private void noteDrops() {
        long d = dropped.get();
        if (d != droppedNoted && !failed) {
            byte[] count = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(d - droppedNoted).array();
            droppedNoted = d;
            write(RecordFormat.Kind.DROPPED, 0, clock.getAsLong(), count);
        }
    }

    private void write(RecordFormat.Kind kind, long connection, long timeNs, byte[] payload) {
        try {
            writer.append(kind, connection, timeNs, payload, 0, payload.length);
        } catch (IOException | RuntimeException ex) {
            fail(ex);
        }
    }

    private void flush() {
        if (!failed) {
            try {
                writer.flush();
            } catch (IOException ex) {
                fail(ex);
            }
        }
    }

    private void fail(Exception ex) {
        errors.incrementAndGet();
        if (!failed) {
            failed = true;
            System.err.println("isac: recording into " + writer.dir() + " stopped: " + ex);
        }
    }

    /** Writes what is queued, then stops; records offered afterwards are dropped. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.offer(STOP);
        LockSupport.unpark(thread);
        try {
            thread.join(10_000);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        for (Entry e; (e = queue.poll()) != null; ) {
            dropped.incrementAndGet(); // offered in the instant of closing, after the stop mark
        }
    }
}
