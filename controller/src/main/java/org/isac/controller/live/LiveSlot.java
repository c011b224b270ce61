package org.isac.controller.live;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The latest copy of one kind of envelope on one connection: a byte buffer that grows to the
 * largest envelope seen and is then reused, so that after warm-up {@link #put} copies and
 * allocates nothing. One writer (the connection's event loop), any number of readers.
 *
 * <p>A sequence lock: the writer never waits. It makes the stamp odd, copies, and makes it even
 * again; a reader copies between two reads of the stamp and tries again when the stamp was odd
 * or moved. A monitor shared with the reader (as before) let the web sampler, a fair-class
 * thread, hold up a real-time event loop for as long as it stayed preempted inside its copy.
 */
final class LiveSlot {
    private static final VarHandle STAMP;

    static {
        try {
            STAMP = MethodHandles.lookup().findVarHandle(LiveSlot.class, "stamp", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Twice the envelopes put, plus one while the writer copies. */
    private volatile long stamp;
    private byte[] bytes = new byte[0];
    private int length;

    /** Copies {@code len} bytes of {@code b} from {@code offset} (event loop; never waits). */
    void put(ByteBuf b, int offset, int len) {
        long s = stamp;
        STAMP.setVolatile(this, s + 1);
        VarHandle.storeStoreFence(); // the odd stamp is seen before any byte below changes
        if (bytes.length < len) {
            bytes = new byte[Math.max(len, 2 * bytes.length)];
        }
        b.getBytes(offset, bytes, 0, len);
        length = len;
        STAMP.setRelease(this, s + 2);
    }

    /** How many envelopes were put; 0 = none yet. */
    long version() {
        return stamp >>> 1;
    }

    /** A copy of the latest envelope, or null when none came yet (web side). */
    byte[] copy() {
        for (int attempt = 0; ; attempt++) {
            long s = (long) STAMP.getAcquire(this);
            if (s == 0) {
                return null;
            }
            if ((s & 1) == 0) {
                byte[] a = bytes;
                int n = length;
                byte[] out = n <= a.length ? java.util.Arrays.copyOf(a, n) : null;
                VarHandle.loadLoadFence(); // the bytes are read before the stamp is checked again
                if (out != null && stamp == s) {
                    return out;
                }
            }
            if (attempt % 64 == 63) {
                Thread.yield(); // the writer is mid-copy or busy: let it finish
            } else {
                Thread.onSpinWait();
            }
        }
    }
}
