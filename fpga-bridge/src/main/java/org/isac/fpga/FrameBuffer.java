package org.isac.fpga;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Grow-only byte buffer holding one encoded frame: bytes {@code [0, length())} of
 * {@link #array()}. Capacity only grows (to at least double), so encoding frames of a recurring
 * size allocates nothing after the first.
 */
public final class FrameBuffer {
    private byte[] buf;
    private int length;
    private ByteBuffer view;

    public FrameBuffer(int initialCapacity) {
        buf = new byte[Math.max(0, initialCapacity)];
    }

    public FrameBuffer() {
        this(256);
    }

    /** Backing array; valid bytes are {@code [0, length())}. May change after {@link #ensureCapacity}. */
    public byte[] array() {
        return buf;
    }

    /** Length of the frame held. */
    public int length() {
        return length;
    }

    /** Current capacity. */
    public int capacity() {
        return buf.length;
    }

    /** Grows the array (contents kept) so it holds at least {@code n} bytes. */
    public byte[] ensureCapacity(int n) {
        if (buf.length < n) {
            buf = Arrays.copyOf(buf, Math.max(n, buf.length * 2));
        }
        return buf;
    }

    /** Sets the valid length (at most the capacity). */
    public void setLength(int n) {
        if (n < 0 || n > buf.length) {
            throw new IndexOutOfBoundsException("length " + n + " outside capacity " + buf.length);
        }
        length = n;
    }

    /** Copies the frame into {@code dst} at its position (relative put). */
    public void writeTo(ByteBuffer dst) {
        dst.put(buf, 0, length);
    }

    /**
     * The frame as a little-endian heap buffer over the backing array, position 0, limit
     * {@link #length()}. The same buffer object is returned each time (re-created only when the
     * array grows), so taking the view does not allocate; it is valid until the next encode into
     * this buffer, and moving its position or limit does not change the frame.
     */
    public ByteBuffer byteBuffer() {
        if (view == null || view.array() != buf) {
            view = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        }
        view.clear().limit(length);
        return view;
    }

    /** A fresh copy of the frame bytes (allocates). */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, length);
    }
}
