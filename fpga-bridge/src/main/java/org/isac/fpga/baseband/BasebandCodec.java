package org.isac.fpga.baseband;

import org.isac.fpga.frame.Bits;
import org.isac.fpga.frame.FrameRejectedException;

/**
 * Quantizes a baseband weight matrix W ({@code rows x cols}, row-major split complex
 * arrays, entry {@code (r, k)} at index {@code r*cols + k}) into bytes and back.
 *
 * <p>Every codec section starts with a little-endian float32 <em>frame scale</em> {@code s}
 * (finite, sign bit clear) followed by codec-specific words. The decoded value of an entry is
 * always {@code s * 2^e[k] * (I + jQ)} where {@code I, Q} are signed integers and {@code e[k]}
 * the exponent of column {@code k} (always 0 for {@link FixedIqCodec}). Because the integer
 * words do not depend on the overall magnitude of W, multiplying the decoded W by a factor
 * {@code a <= 1} is done exactly by rewriting the scale alone ({@link #rewriteScale}); the
 * encoder uses this to pull a quantized result back under the power budget.
 *
 * <p>Implementations are stateless and allocation-free.
 */
public sealed interface BasebandCodec permits FixedIqCodec, BlockFloatCodec {

    /** Codec id written to the frame header. */
    CodecId id();

    /** IQ width in bits written to the frame header. */
    int bits();

    /** Bytes of the encoded section for a {@code rows x cols} matrix. */
    long encodedLength(int rows, int cols);

    /**
     * Encodes W into {@code dst[off ..]}; {@code dst} must have room for
     * {@link #encodedLength} bytes. Inputs are not modified.
     *
     * @return offset just past the section
     */
    int encode(double[] re, double[] im, int rows, int cols, byte[] dst, int off);

    /**
     * Strictly decodes a section into raw words: {@code iq[2*(r*cols+k)]} = I,
     * {@code iq[2*(r*cols+k)+1]} = Q, {@code exps[k]} = column exponent. Reads exactly
     * {@link #encodedLength} bytes starting at {@code off}; the caller has checked they exist.
     *
     * @return the frame scale {@code s}
     * @throws FrameRejectedException when the scale is negative or not finite, a reserved bit is set,
     *         padding is not zero, or a word is out of the codec's range
     */
    float decodeRaw(byte[] src, int off, int rows, int cols, int[] iq, int[] exps) throws FrameRejectedException;

    /** Creates the codec for an id and width (validated; {@link IllegalArgumentException} when out of range). */
    static BasebandCodec of(CodecId id, int bits) {
        return switch (id) {
            case FIXED -> new FixedIqCodec(bits);
            case BFP -> new BlockFloatCodec(bits);
        };
    }

    /** Reads the frame scale at the start of a section. */
    static float scaleAt(byte[] src, int off) {
        return Float.intBitsToFloat(Bits.i32(src, off));
    }

    /** Replaces the frame scale at the start of an encoded section. */
    static void rewriteScale(byte[] dst, int off, float scale) {
        Bits.putI32(dst, off, Float.floatToRawIntBits(scale));
    }

    /**
     * Expands raw words to complex values: {@code re + j im = s * 2^exps[k] * (I + jQ)}.
     * Exact in double precision (24-bit scale times a 16-bit integer times a power of two).
     */
    static void toComplex(float scale, int[] iq, int[] exps, int rows, int cols, double[] re, double[] im) {
        for (int k = 0; k < cols; k++) {
            double f = Math.scalb((double) scale, exps[k]);
            for (int r = 0; r < rows; r++) {
                int e = r * cols + k;
                re[e] = f * iq[2 * e];
                im[e] = f * iq[2 * e + 1];
            }
        }
    }

    /**
     * Smallest float {@code s >= maxAbs / full} (rounding the quotient up to float), so that
     * {@code |x| / s <= full} for every component; 0 when {@code maxAbs == 0}.
     */
    static float scaleFor(double maxAbs, int full) {
        double t = maxAbs / full;
        float s = (float) t;
        if (s < t) {
            s = Math.nextUp(s);
        }
        return s;
    }

    /** Largest |component| over the first {@code n} entries; NaN when any component is NaN. */
    static double maxAbs(double[] re, double[] im, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) {
            double a = Math.abs(re[i]);
            double b = Math.abs(im[i]);
            if (!(a <= m)) {
                m = a;
            }
            if (!(b <= m)) {
                m = b;
            }
            if (Double.isNaN(m)) {
                return m;
            }
        }
        return m;
    }

    /** Rejects a scale that is negative (sign bit set) or not finite. */
    static void checkScale(float s) throws FrameRejectedException {
        if (Float.floatToRawIntBits(s) < 0 || !Float.isFinite(s)) {
            throw new FrameRejectedException(org.isac.fpga.frame.RejectReason.BAD_VALUE,
                    "baseband scale must be finite and non-negative, was " + s);
        }
    }
}
