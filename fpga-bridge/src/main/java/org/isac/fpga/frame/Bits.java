package org.isac.fpga.frame;

/**
 * Little-endian byte helpers and LSB-first bit packing used by every section of the frame.
 *
 * <p>Bit packing: a sequence of {@code n}-bit fields is written so that bit {@code i} of the
 * stream is bit {@code i mod 8} of byte {@code i / 8}; field {@code j} occupies stream bits
 * {@code [j*n, (j+1)*n)} with its least significant bit first. A section is padded with zero
 * bits up to the next byte boundary, so it occupies {@code ceil(count*n/8)} bytes.
 * Signed fields are stored in {@code n}-bit two's complement.
 */
public final class Bits {
    private Bits() {
    }

    /** Bytes taken by {@code count} fields of {@code bits} bits, padded to a byte. */
    public static long packedBytes(long count, int bits) {
        return (count * bits + 7) >>> 3;
    }

    public static void putU16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }

    public static void putI32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    public static void putI64(byte[] b, int off, long v) {
        putI32(b, off, (int) v);
        putI32(b, off + 4, (int) (v >>> 32));
    }

    public static int u8(byte[] b, int off) {
        return b[off] & 0xFF;
    }

    public static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    public static int i32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    public static long u32(byte[] b, int off) {
        return i32(b, off) & 0xFFFF_FFFFL;
    }

    public static long i64(byte[] b, int off) {
        return (i32(b, off) & 0xFFFF_FFFFL) | (long) i32(b, off + 4) << 32;
    }

    /**
     * Packs {@code count} values from {@code src[srcOff + j*stride]} as {@code bits}-bit fields
     * (the low {@code bits} bits of each value are taken) starting at {@code dst[off]}.
     *
     * @return offset just past the padded section
     */
    public static int pack(int[] src, int srcOff, int stride, int count, int bits, byte[] dst, int off) {
        long mask = (1L << bits) - 1;
        long acc = 0;
        int accBits = 0;
        int pos = off;
        int s = srcOff;
        for (int j = 0; j < count; j++) {
            acc |= (src[s] & mask) << accBits;
            s += stride;
            accBits += bits;
            while (accBits >= 8) {
                dst[pos++] = (byte) acc;
                acc >>>= 8;
                accBits -= 8;
            }
        }
        if (accBits > 0) {
            dst[pos++] = (byte) acc;
        }
        return pos;
    }

    /**
     * Unpacks {@code count} fields of {@code bits} bits from {@code src[off..]} into
     * {@code dst[dstOff + j*stride]}, sign-extending when {@code signed}. Never reads past
     * {@code off + packedBytes(count, bits)}.
     *
     * @return offset just past the padded section, or {@code -1 - end} (negative) when the
     *         padding bits are not zero
     */
    public static int unpack(byte[] src, int off, int count, int bits, boolean signed, int[] dst, int dstOff, int stride) {
        long mask = (1L << bits) - 1;
        int shift = 64 - bits;
        long acc = 0;
        int accBits = 0;
        int pos = off;
        int d = dstOff;
        for (int j = 0; j < count; j++) {
            while (accBits < bits) {
                acc |= (long) (src[pos++] & 0xFF) << accBits;
                accBits += 8;
            }
            long v = acc & mask;
            dst[d] = signed ? (int) ((v << shift) >> shift) : (int) v;
            d += stride;
            acc >>>= bits;
            accBits -= bits;
        }
        int end = (int) (off + packedBytes(count, bits));
        while (pos < end) { // can only happen when count == 0
            acc |= (long) (src[pos++] & 0xFF) << accBits;
            accBits += 8;
        }
        if (acc != 0) {
            return -1 - end;
        }
        return end;
    }
}
