package org.isac.fpga.baseband;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;

import org.isac.fpga.TestData;
import org.isac.fpga.frame.FrameRejectedException;
import org.isac.fpga.frame.RejectReason;
import org.junit.jupiter.api.Test;

class BasebandCodecTest {
    /** Allowance for the double rounding of x/s (relative 2^-52) in the bound checks. */
    private static final double ROUNDING = 1e-12;
    private static final int TRIALS = 60;

    private record Decoded(float scale, int[] iq, int[] exps, double[] re, double[] im) {
    }

    private static Decoded roundTrip(BasebandCodec c, double[] re, double[] im, int rows, int cols) throws FrameRejectedException {
        int len = (int) c.encodedLength(rows, cols);
        byte[] b = new byte[len + 8];
        b[len + 3] = 0x5A; // canary beyond the section
        int end = c.encode(re, im, rows, cols, b, 3);
        assertEquals(3 + len, end, "encode length");
        assertEquals(0x5A, b[len + 3], "encoder wrote past its section");
        int[] iq = new int[2 * rows * cols];
        int[] exps = new int[cols];
        float s = c.decodeRaw(b, 3, rows, cols, iq, exps);
        double[] dr = new double[rows * cols];
        double[] di = new double[rows * cols];
        BasebandCodec.toComplex(s, iq, exps, rows, cols, dr, di);
        return new Decoded(s, iq, exps, dr, di);
    }

    @Test
    void fixedPointMeetsHalfLsbBoundForEveryWidth() throws Exception {
        SplittableRandom rnd = new SplittableRandom(21);
        for (int w = 2; w <= 16; w++) {
            FixedIqCodec c = new FixedIqCodec(w);
            int qmax = (1 << (w - 1)) - 1;
            for (int t = 0; t < TRIALS; t++) {
                int rows = 1 + rnd.nextInt(24);
                int cols = 1 + rnd.nextInt(6);
                double[][] x = TestData.matrix(rnd, rows, cols);
                TestData.scale(x, Math.pow(10, rnd.nextDouble() * 8 - 4));
                Decoded d = roundTrip(c, x[0], x[1], rows, cols);
                double a = BasebandCodec.maxAbs(x[0], x[1], rows * cols);
                assertTrue(d.scale >= a / qmax && d.scale <= a / qmax * (1 + 0x1p-23), "scale choice, w=" + w);
                int maxWord = 0;
                for (int e = 0; e < rows * cols; e++) {
                    double err = Math.max(Math.abs(d.re[e] - x[0][e]), Math.abs(d.im[e] - x[1][e]));
                    assertTrue(err <= 0.5 * d.scale * (1 + ROUNDING), "w=" + w + " err " + err + " > s/2 " + d.scale / 2);
                    assertTrue(err <= 0.5 * a / qmax * (1 + 0x1p-22), "relative bound, w=" + w);
                    maxWord = Math.max(maxWord, Math.max(Math.abs(d.iq[2 * e]), Math.abs(d.iq[2 * e + 1])));
                }
                assertEquals(qmax, maxWord, "largest component maps to full scale, w=" + w);
            }
        }
    }

    @Test
    void blockFloatMeetsBoundsForEveryWidth() throws Exception {
        SplittableRandom rnd = new SplittableRandom(22);
        for (int w = 1; w <= 16; w++) {
            BlockFloatCodec c = new BlockFloatCodec(w);
            double half = w == 1 ? 1.0 : 0.5;
            for (int t = 0; t < TRIALS; t++) {
                int rows = 1 + rnd.nextInt(24);
                int cols = 1 + rnd.nextInt(6);
                double[][] x = TestData.matrix(rnd, rows, cols);
                TestData.scale(x, Math.pow(10, rnd.nextDouble() * 8 - 4));
                Decoded d = roundTrip(c, x[0], x[1], rows, cols);
                double a = BasebandCodec.maxAbs(x[0], x[1], rows * cols);
                assertTrue(d.scale >= a / 32767 && d.scale <= a / 32767 * (1 + 0x1p-23), "frame scale, w=" + w);
                for (int k = 0; k < cols; k++) {
                    int e = d.exps[k];
                    assertTrue(e >= 0 && e <= 15);
                    double lsb = Math.scalb((double) d.scale, e);
                    double ak = 0;
                    for (int r = 0; r < rows; r++) {
                        ak = Math.max(ak, Math.max(Math.abs(x[0][r * cols + k]), Math.abs(x[1][r * cols + k])));
                    }
                    double relBound = Math.max(ak / ((1 << (w - 1)) - 0.5), 0.5 * d.scale);
                    for (int r = 0; r < rows; r++) {
                        int i = r * cols + k;
                        double err = Math.max(Math.abs(d.re[i] - x[0][i]), Math.abs(d.im[i] - x[1][i]));
                        assertTrue(err <= half * lsb * (1 + ROUNDING) + 1e-300,
                                "w=" + w + " err " + err + " > " + half + " LSB " + lsb + " (e=" + e + ")");
                        assertTrue(err <= relBound * (1 + ROUNDING), "w=" + w + " relative to vector max");
                        for (int q = 0; q < 2; q++) {
                            int mnt = d.iq[2 * i + q];
                            assertTrue(mnt >= -(1 << (w - 1)) && mnt <= (1 << (w - 1)) - 1, "mantissa fits w bits");
                        }
                    }
                    if (w >= 2 && e > 0) { // minimality: one exponent less would overflow
                        double y = ak / (d.scale * Math.scalb(1.0, e - 1));
                        assertTrue(y >= ((1 << (w - 1)) - 1) + 0.5 - 1e-9, "exponent is the smallest that fits");
                    }
                }
            }
        }
    }

    @Test
    void bfpExponentTracksPerVectorRange() throws Exception {
        // column 0 full range, column 1 tiny: column 1 keeps a small exponent (fine grid)
        double[] re = {1.0, 1e-3, -0.5, 2e-3};
        double[] im = {0.0, 0.0, 0.25, -1e-3};
        Decoded d = roundTrip(new BlockFloatCodec(9), re, im, 2, 2);
        // column 0: max 32767 grid units; 32767/2^7 rounds to 256 > 255, 32767/2^8 -> 128 fits
        assertEquals(8, d.exps[0]);
        // column 1: max 2e-3 * 32767 = 65.5 grid units fits 9-bit mantissas unshifted
        assertEquals(0, d.exps[1]);
        assertEquals(2e-3, d.re[3], 0.5 * d.scale * (1 + ROUNDING));
        assertEquals(-1e-3, d.im[3], 0.5 * d.scale * (1 + ROUNDING));
    }

    @Test
    void zeroMatrixEncodesWithZeroScale() throws Exception {
        for (BasebandCodec c : new BasebandCodec[] {new FixedIqCodec(), new BlockFloatCodec()}) {
            Decoded d = roundTrip(c, new double[6], new double[6], 3, 2);
            assertEquals(0f, d.scale);
            for (double v : d.re) {
                assertEquals(0.0, v);
            }
        }
    }

    @Test
    void encodedLengths() {
        assertEquals(4 + 4 * 12, new FixedIqCodec().encodedLength(4, 3));
        assertEquals(4 + 3 * (1 + (2 * 4 * 9 + 7) / 8), new BlockFloatCodec(9).encodedLength(4, 3));
        assertEquals(4 + 2 * (1 + 1), new BlockFloatCodec(1).encodedLength(3, 2));
        assertThrows(IllegalArgumentException.class, () -> new FixedIqCodec(1));
        assertThrows(IllegalArgumentException.class, () -> new FixedIqCodec(17));
        assertThrows(IllegalArgumentException.class, () -> new BlockFloatCodec(0));
        assertThrows(IllegalArgumentException.class, () -> new BlockFloatCodec(17));
    }

    private static RejectReason reject(BasebandCodec c, byte[] b, int rows, int cols) {
        FrameRejectedException e = assertThrows(FrameRejectedException.class,
                () -> c.decodeRaw(b, 0, rows, cols, new int[2 * rows * cols], new int[cols]));
        return e.reason();
    }

    @Test
    void strictDecodeRejectsBadFields() {
        SplittableRandom rnd = new SplittableRandom(1);
        double[][] x = TestData.matrix(rnd, 3, 2);
        BlockFloatCodec bfp = new BlockFloatCodec(5); // 30 bits per vector -> 2 padding bits
        byte[] b = new byte[(int) bfp.encodedLength(3, 2)];
        bfp.encode(x[0], x[1], 3, 2, b, 0);
        byte[] nan = b.clone();
        BasebandCodec.rewriteScale(nan, 0, Float.NaN);
        assertEquals(RejectReason.BAD_VALUE, reject(bfp, nan, 3, 2));
        byte[] neg = b.clone();
        BasebandCodec.rewriteScale(neg, 0, -1f);
        assertEquals(RejectReason.BAD_VALUE, reject(bfp, neg, 3, 2));
        byte[] inf = b.clone();
        BasebandCodec.rewriteScale(inf, 0, Float.POSITIVE_INFINITY);
        assertEquals(RejectReason.BAD_VALUE, reject(bfp, inf, 3, 2));
        byte[] nib = b.clone();
        nib[4] |= 0x10;
        assertEquals(RejectReason.BAD_RESERVED, reject(bfp, nib, 3, 2));
        byte[] pad = b.clone();
        pad[4 + bfp.vectorBytes(3) - 1] |= (byte) 0x80;
        assertEquals(RejectReason.BAD_PADDING, reject(bfp, pad, 3, 2));

        FixedIqCodec fx = new FixedIqCodec(12);
        byte[] f = new byte[(int) fx.encodedLength(3, 2)];
        fx.encode(x[0], x[1], 3, 2, f, 0);
        byte[] big = f.clone();
        big[4] = (byte) 0x00;
        big[5] = (byte) 0x08; // 2048 > 2047
        assertEquals(RejectReason.BAD_VALUE, reject(fx, big, 3, 2));
        FixedIqCodec f16 = new FixedIqCodec();
        byte[] g = new byte[(int) f16.encodedLength(3, 2)];
        f16.encode(x[0], x[1], 3, 2, g, 0);
        g[6] = 0;
        g[7] = (byte) 0x80; // -32768 is never produced
        assertEquals(RejectReason.BAD_VALUE, reject(f16, g, 3, 2));
    }

    @Test
    void rewritingScaleScalesDecodedValuesExactly() throws Exception {
        SplittableRandom rnd = new SplittableRandom(9);
        double[][] x = TestData.matrix(rnd, 4, 3);
        BlockFloatCodec c = new BlockFloatCodec(7);
        byte[] b = new byte[(int) c.encodedLength(4, 3)];
        c.encode(x[0], x[1], 4, 3, b, 0);
        int[] iq = new int[24];
        int[] ex = new int[3];
        float s = c.decodeRaw(b, 0, 4, 3, iq, ex);
        double[] r1 = new double[12];
        double[] i1 = new double[12];
        BasebandCodec.toComplex(s, iq, ex, 4, 3, r1, i1);
        BasebandCodec.rewriteScale(b, 0, s / 4);
        float s2 = c.decodeRaw(b, 0, 4, 3, iq, ex);
        double[] r2 = new double[12];
        double[] i2 = new double[12];
        BasebandCodec.toComplex(s2, iq, ex, 4, 3, r2, i2);
        for (int e = 0; e < 12; e++) {
            assertEquals(r1[e] / 4, r2[e]);
            assertEquals(i1[e] / 4, i2[e]);
        }
    }
}
