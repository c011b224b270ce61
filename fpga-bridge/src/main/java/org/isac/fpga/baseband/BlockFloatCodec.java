package org.isac.fpga.baseband;

import org.isac.fpga.frame.Bits;
import org.isac.fpga.frame.FrameRejectedException;
import org.isac.fpga.frame.RejectReason;

/**
 * Block floating point in the manner of O-RAN beamforming-weight compression method 1
 * (udCompMeth = 1): each weight vector shares one 4-bit exponent and its I/Q components are
 * signed {@code w}-bit mantissas, {@code w} in 1..16 (default 9).
 *
 * <p><b>Vectors are the columns of W</b> (one vector per user stream {@code k}, length
 * {@code rows} = M for hybrid or N for digital): one stream's weights across the array share
 * a dynamic range, while different streams may differ widely in power.
 *
 * <p>Because the weights arrive as doubles rather than O-RAN's 16-bit integers, the section
 * first fixes a 16-bit reference grid with a per-frame float32 scale {@code s} (smallest float
 * {@code >= A/32767}, {@code A} = largest |component| in W); a mantissa {@code m} with exponent
 * {@code e} stands for {@code s * 2^e * m}, exactly as O-RAN's decompression {@code m << e}
 * yields a 16-bit sample. Mantissas are computed directly from the doubles (no intermediate
 * 16-bit rounding).
 *
 * <p>Layout: float32 scale; then for each column {@code k = 0..cols-1}: one byte whose low
 * nibble is the exponent {@code e_k} (high nibble reserved, zero), then {@code 2*rows}
 * mantissas ({@code I_0, Q_0, I_1, Q_1, ...} for rows {@code 0..rows-1}) bit-packed LSB-first
 * at {@code w} bits in two's complement (see {@link Bits}), zero-padded to a byte. Total
 * {@code 4 + cols*(1 + ceil(2*rows*w/8))} bytes. (O-RAN packs MSB-first; this frame uses one
 * bit order throughout.)
 *
 * <p>Exponent: with {@code P = 2^(w-1) - 1}, {@code e_k} is the smallest {@code e} in 0..15 such
 * that every component {@code y = x/s} of the column has {@code -(P+1) <= rint(y/2^e) <= P};
 * mantissa {@code m = clamp(rint(y/2^e), -(P+1), P)}. Because {@code |y| <= 32767 < 2^15}, such
 * an {@code e} always exists for {@code w >= 2}, so no clamping happens; for {@code w = 1}
 * (mantissas {-1, 0}) positive components may clamp to 0 at {@code e = 15}.
 *
 * <p>Round-trip bounds, per real component of column {@code k} with largest |component|
 * {@code A_k}:
 * <ul>
 * <li>{@code |x - s*2^e_k*m| <= 0.5 * s * 2^e_k} (half an LSB of the vector's grid) for
 * {@code w >= 2}; {@code <= s * 2^e_k} for {@code w = 1};</li>
 * <li>relative to the vector's max: {@code <= max(A_k / (2^(w-1) - 0.5), s/2)} for every
 * {@code w} (if {@code e_k > 0}, exponent {@code e_k - 1} overflowed, so
 * {@code A_k >= (P + 0.5) * s * 2^(e_k-1)}).</li>
 * </ul>
 * (Up to double rounding of {@code x/s}, a relative {@code 2^-52}.)
 *
 * <p>Per-width bound {@link #relativeErrorBound(int)} {@code = 1 / (2^(w-1) - 0.5)} relative to
 * the vector's largest |component| {@code A_k}; {@link #errorBound(int, double, float)} adds
 * the grid floor {@code s/2} (only reached by vectors more than {@code ~2^15} times weaker
 * than the strongest one):
 * <table>
 * <caption>Block-floating-point round-trip bound per width</caption>
 * <tr><th>w</th><th>mantissas</th><th>|error| / A_k</th></tr>
 * <tr><td>1</td><td>-1..0</td><td>2</td></tr>
 * <tr><td>2</td><td>-2..1</td><td>0.667</td></tr>
 * <tr><td>3</td><td>-4..3</td><td>0.286</td></tr>
 * <tr><td>4</td><td>-8..7</td><td>0.133</td></tr>
 * <tr><td>5</td><td>-16..15</td><td>0.0645</td></tr>
 * <tr><td>6</td><td>-32..31</td><td>0.0317</td></tr>
 * <tr><td>7</td><td>-64..63</td><td>0.0157</td></tr>
 * <tr><td>8</td><td>-128..127</td><td>0.00784</td></tr>
 * <tr><td>9</td><td>-256..255</td><td>0.00391</td></tr>
 * <tr><td>10</td><td>-512..511</td><td>0.00196</td></tr>
 * <tr><td>11</td><td>-1024..1023</td><td>0.000977</td></tr>
 * <tr><td>12</td><td>-2048..2047</td><td>0.000488</td></tr>
 * <tr><td>13</td><td>-4096..4095</td><td>0.000244</td></tr>
 * <tr><td>14</td><td>-8192..8191</td><td>0.000122</td></tr>
 * <tr><td>15</td><td>-16384..16383</td><td>6.1e-05</td></tr>
 * <tr><td>16</td><td>-32768..32767</td><td>3.05e-05</td></tr>
 * </table>
 * At the O-RAN default of 9 bits a component is within 0.39% of its vector's peak.
 */
public final class BlockFloatCodec implements BasebandCodec {
    /** Full scale of the 16-bit reference grid. */
    public static final int GRID_FULL_SCALE = 32767;
    /** Largest exponent a 4-bit field holds. */
    public static final int MAX_EXPONENT = 15;

    private final int bits;
    private final int pmax;
    private final int nmin;

    /** @param bits mantissa width (udIqWidth), 1..16 */
    public BlockFloatCodec(int bits) {
        if (bits < 1 || bits > 16) {
            throw new IllegalArgumentException("BFP IQ width must be 1..16 bits, was " + bits);
        }
        this.bits = bits;
        this.pmax = (1 << (bits - 1)) - 1;
        this.nmin = -(1 << (bits - 1));
    }

    /** 9-bit mantissas. */
    public BlockFloatCodec() {
        this(9);
    }

    @Override
    public CodecId id() {
        return CodecId.BFP;
    }

    @Override
    public int bits() {
        return bits;
    }

    /**
     * Documented bound relative to the vector's largest |component|, {@code 1 / (2^(w-1) - 0.5)}
     * for width {@code bits} (1..16).
     */
    public static double relativeErrorBound(int bits) {
        if (bits < 1 || bits > 16) {
            throw new IllegalArgumentException("BFP IQ width must be 1..16 bits, was " + bits);
        }
        return 1.0 / ((1 << (bits - 1)) - 0.5);
    }

    /**
     * Documented absolute bound on the error of any real component of a vector whose largest
     * |component| is {@code vectorMax}, in a frame with scale {@code frameScale}:
     * {@code max(vectorMax * relativeErrorBound(bits), frameScale / 2)} (up to a relative
     * {@code 2^-52} from double rounding).
     */
    public static double errorBound(int bits, double vectorMax, float frameScale) {
        return Math.max(vectorMax * relativeErrorBound(bits), 0.5 * (double) frameScale);
    }

    @Override
    public long encodedLength(int rows, int cols) {
        return 4 + (long) cols * (1 + Bits.packedBytes(2L * rows, bits));
    }

    /** Bytes of one column's section (exponent byte and packed mantissas). */
    public int vectorBytes(int rows) {
        return (int) (1 + Bits.packedBytes(2L * rows, bits));
    }

    @Override
    public int encode(double[] re, double[] im, int rows, int cols, byte[] dst, int off) {
        float s = BasebandCodec.scaleFor(BasebandCodec.maxAbs(re, im, rows * cols), GRID_FULL_SCALE);
        BasebandCodec.rewriteScale(dst, off, s);
        double inv = s > 0 ? 1.0 / s : 0.0; // only used when s == 0 (all zero) to avoid 0/0
        int pos = off + 4;
        long mask = (1L << bits) - 1;
        for (int k = 0; k < cols; k++) {
            double maxPos = 0;
            double minNeg = 0;
            for (int r = 0; r < rows; r++) {
                int e = r * cols + k;
                double a = grid(re[e], s, inv);
                double b = grid(im[e], s, inv);
                maxPos = Math.max(maxPos, Math.max(a, b));
                minNeg = Math.min(minNeg, Math.min(a, b));
            }
            int ex = 0;
            while (ex < MAX_EXPONENT && (Math.rint(Math.scalb(maxPos, -ex)) > pmax || Math.rint(Math.scalb(minNeg, -ex)) < nmin)) {
                ex++;
            }
            dst[pos++] = (byte) ex;
            long acc = 0;
            int accBits = 0;
            for (int r = 0; r < rows; r++) {
                int e = r * cols + k;
                for (int c = 0; c < 2; c++) {
                    double y = grid(c == 0 ? re[e] : im[e], s, inv);
                    double q = Math.rint(Math.scalb(y, -ex));
                    if (q > pmax) {
                        q = pmax;
                    } else if (q < nmin) {
                        q = nmin;
                    }
                    acc |= ((long) (int) q & mask) << accBits;
                    accBits += bits;
                    while (accBits >= 8) {
                        dst[pos++] = (byte) acc;
                        acc >>>= 8;
                        accBits -= 8;
                    }
                }
            }
            if (accBits > 0) {
                dst[pos++] = (byte) acc;
            }
        }
        return pos;
    }

    private static double grid(double x, float s, double inv) {
        return s > 0 ? x / s : x * inv;
    }

    @Override
    public float decodeRaw(byte[] src, int off, int rows, int cols, int[] iq, int[] exps) throws FrameRejectedException {
        float s = BasebandCodec.scaleAt(src, off);
        BasebandCodec.checkScale(s);
        int pos = off + 4;
        long mask = (1L << bits) - 1;
        int shift = 64 - bits;
        for (int k = 0; k < cols; k++) {
            int eb = src[pos++] & 0xFF;
            if ((eb & 0xF0) != 0) {
                throw new FrameRejectedException(RejectReason.BAD_RESERVED,
                        "BFP exponent byte of vector " + k + " has reserved high nibble set: 0x" + Integer.toHexString(eb));
            }
            exps[k] = eb;
            long acc = 0;
            int accBits = 0;
            for (int r = 0; r < rows; r++) {
                int e = r * cols + k;
                for (int c = 0; c < 2; c++) {
                    while (accBits < bits) {
                        acc |= (long) (src[pos++] & 0xFF) << accBits;
                        accBits += 8;
                    }
                    iq[2 * e + c] = (int) (((acc & mask) << shift) >> shift);
                    acc >>>= bits;
                    accBits -= bits;
                }
            }
            if (acc != 0) {
                throw new FrameRejectedException(RejectReason.BAD_PADDING,
                        "BFP vector " + k + " has non-zero padding bits");
            }
        }
        return s;
    }
}
