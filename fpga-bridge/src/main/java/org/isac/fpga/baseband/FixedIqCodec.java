package org.isac.fpga.baseband;

import org.isac.fpga.frame.Bits;
import org.isac.fpga.frame.FrameRejectedException;
import org.isac.fpga.frame.RejectReason;

/**
 * Fixed-point IQ with one scale per frame.
 *
 * <p>Layout ({@code rows*cols = E} entries): float32 scale {@code s}, then {@code E} pairs of
 * little-endian signed 16-bit words {@code I, Q} in row-major entry order. Total
 * {@code 4 + 4E} bytes. With width {@code w} (2..16, default 16) the words are limited to
 * {@code [-Qmax, Qmax]}, {@code Qmax = 2^(w-1) - 1} (so {@code -2^(w-1)} is never produced and
 * is rejected on decode); for {@code w < 16} they are still carried in 16-bit containers.
 *
 * <p>Quantization: {@code s} is the smallest float32 {@code >= A / Qmax}, where {@code A} is the
 * largest |real or imaginary part| in W, so the largest component maps to {@code Qmax}
 * ({@code 32767} at 16 bits). Words are {@code rint(x / s)}.
 *
 * <p>Round-trip bound, per real component: {@code |x - s*rint(x/s)| <= s/2}, and
 * {@code s <= A/Qmax * (1 + 2^-23)}, i.e. error {@code <= 0.5 LSB} with
 * {@code LSB = A/Qmax} relative to the frame's largest component (plus float rounding of
 * the scale). An all-zero W encodes with {@code s = 0}.
 *
 * <p>Per-width bound {@link #relativeErrorBound(int)} {@code = 0.5 / (2^(w-1) - 1)}, the
 * largest error of one real component as a fraction of {@code A} (complex entries: times
 * {@code sqrt 2}):
 * <table>
 * <caption>Fixed-point round-trip bound per width</caption>
 * <tr><th>w</th><th>Qmax</th><th>|error| / A</th></tr>
 * <tr><td>2</td><td>1</td><td>0.5</td></tr>
 * <tr><td>3</td><td>3</td><td>0.167</td></tr>
 * <tr><td>4</td><td>7</td><td>0.0714</td></tr>
 * <tr><td>5</td><td>15</td><td>0.0333</td></tr>
 * <tr><td>6</td><td>31</td><td>0.0161</td></tr>
 * <tr><td>7</td><td>63</td><td>0.00794</td></tr>
 * <tr><td>8</td><td>127</td><td>0.00394</td></tr>
 * <tr><td>9</td><td>255</td><td>0.00196</td></tr>
 * <tr><td>10</td><td>511</td><td>0.000978</td></tr>
 * <tr><td>11</td><td>1023</td><td>0.000489</td></tr>
 * <tr><td>12</td><td>2047</td><td>0.000244</td></tr>
 * <tr><td>13</td><td>4095</td><td>0.000122</td></tr>
 * <tr><td>14</td><td>8191</td><td>6.1e-05</td></tr>
 * <tr><td>15</td><td>16383</td><td>3.05e-05</td></tr>
 * <tr><td>16</td><td>32767</td><td>1.53e-05</td></tr>
 * </table>
 */
public final class FixedIqCodec implements BasebandCodec {
    private final int bits;
    private final int qmax;

    /** @param bits IQ width, 2..16 (a 1-bit symmetric code would hold only zero) */
    public FixedIqCodec(int bits) {
        if (bits < 2 || bits > 16) {
            throw new IllegalArgumentException("fixed-point IQ width must be 2..16 bits, was " + bits);
        }
        this.bits = bits;
        this.qmax = (1 << (bits - 1)) - 1;
    }

    /** 16-bit codec. */
    public FixedIqCodec() {
        this(16);
    }

    @Override
    public CodecId id() {
        return CodecId.FIXED;
    }

    @Override
    public int bits() {
        return bits;
    }

    /** Largest word magnitude {@code 2^(bits-1) - 1}. */
    public int fullScale() {
        return qmax;
    }

    /**
     * Documented round-trip bound of width {@code bits} (2..16): every real component of the
     * decoded W is within {@code relativeErrorBound(bits) * A * (1 + 2^-23)} of the input,
     * {@code A} the largest |real or imaginary part| of the frame's W.
     */
    public static double relativeErrorBound(int bits) {
        if (bits < 2 || bits > 16) {
            throw new IllegalArgumentException("fixed-point IQ width must be 2..16 bits, was " + bits);
        }
        return 0.5 / ((1 << (bits - 1)) - 1);
    }

    @Override
    public long encodedLength(int rows, int cols) {
        return 4 + 4L * rows * cols;
    }

    @Override
    public int encode(double[] re, double[] im, int rows, int cols, byte[] dst, int off) {
        int n = rows * cols;
        float s = BasebandCodec.scaleFor(BasebandCodec.maxAbs(re, im, n), qmax);
        BasebandCodec.rewriteScale(dst, off, s);
        int pos = off + 4;
        double inv = s > 0 ? 1.0 / s : 0.0;
        for (int e = 0; e < n; e++) {
            Bits.putU16(dst, pos, word(re[e], s, inv));
            Bits.putU16(dst, pos + 2, word(im[e], s, inv));
            pos += 4;
        }
        return pos;
    }

    private int word(double x, float s, double inv) {
        double q = Math.rint(s > 0 ? x / s : x * inv);
        if (q > qmax) {
            q = qmax;
        } else if (q < -qmax) {
            q = -qmax;
        }
        return (int) q; // NaN -> 0; the guard catches non-finite input before encoding
    }

    @Override
    public float decodeRaw(byte[] src, int off, int rows, int cols, int[] iq, int[] exps) throws FrameRejectedException {
        float s = BasebandCodec.scaleAt(src, off);
        BasebandCodec.checkScale(s);
        int n = rows * cols;
        int pos = off + 4;
        for (int i = 0; i < 2 * n; i++) {
            int v = (short) Bits.u16(src, pos);
            if (v > qmax || v < -qmax) {
                throw new FrameRejectedException(RejectReason.BAD_VALUE,
                        "fixed-point word " + v + " at entry " + (i >> 1) + " outside +-" + qmax);
            }
            iq[i] = v;
            pos += 2;
        }
        for (int k = 0; k < cols; k++) {
            exps[k] = 0;
        }
        return s;
    }
}
