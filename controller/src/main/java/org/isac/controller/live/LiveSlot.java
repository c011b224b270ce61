package org.isac.controller.live;

import io.netty.buffer.ByteBuf;

/**
 * The latest copy of one kind of envelope on one connection: a byte buffer that grows to the
 * largest envelope seen and is then reused, so that after warm-up {@link #put} copies and
 * allocates nothing. One writer (the connection's event loop), any number of readers; both hold
 * the slot's monitor for the copy only (an uncontended lock; the sampler takes it twice a
 * second).
 */
final class LiveSlot {
    private byte[] bytes = new byte[0];
    private int length;
    private long version;

    /** Copies {@code len} bytes of {@code b} from {@code offset} (event loop). */
    synchronized void put(ByteBuf b, int offset, int len) {
        if (bytes.length < len) {
            bytes = new byte[Math.max(len, 2 * bytes.length)];
        }
        b.getBytes(offset, bytes, 0, len);
        length = len;
        version++;
    }

    /** How many envelopes were put; 0 = none yet. */
    synchronized long version() {
        return version;
    }

    /** A copy of the latest envelope, or null when none came yet (web side). */
    synchronized byte[] copy() {
        return version == 0 ? null : java.util.Arrays.copyOf(bytes, length);
    }
}
