package org.isac.fpga.frame;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

import org.isac.fpga.EncoderConfig;
import org.isac.fpga.FrameBuffer;
import org.isac.fpga.TestData;
import org.isac.fpga.WeightFrameEncoder;
import org.isac.fpga.baseband.CodecId;
import org.isac.fpga.guard.GuardOutcome;
import org.isac.fpga.phase.Calibration;
import org.isac.fpga.phase.PhaseCodec;
import org.junit.jupiter.api.Test;

class FrameRoundTripTest {
    private static final double BIG_BUDGET = 1e9;

    @Test
    void hybridFramesRoundTripForAllPhaseBitsAndWidths() throws Exception {
        SplittableRandom rnd = new SplittableRandom(31);
        WeightFrameParser parser = new WeightFrameParser();
        DecodedFrame d = new DecodedFrame();
        FrameBuffer buf = new FrameBuffer(16);
        CRC32C crc = new CRC32C();
        for (int pb = 1; pb <= 8; pb++) {
            for (CodecId codec : CodecId.values()) {
                for (int w = codec == CodecId.FIXED ? 2 : 1; w <= 16; w++) {
                    EncoderConfig cfg = EncoderConfig.defaults().withPhaseBits(pb).withBaseband(codec, w);
                    WeightFrameEncoder enc = new WeightFrameEncoder(cfg);
                    int n = 1 + rnd.nextInt(16);
                    int m = 1 + rnd.nextInt(4);
                    int k = 1 + rnd.nextInt(m);
                    double[][] f = TestData.unitModulus(rnd, n * m);
                    double[][] x = TestData.matrix(rnd, m, k);
                    long seq = rnd.nextLong();
                    int len = enc.encodeHybrid("radio-" + pb, seq, f[0], f[1], x[0], x[1], n, m, k, BIG_BUDGET, buf);
                    assertEquals(GuardOutcome.ACCEPTED, enc.lastResult().outcome());
                    assertEquals(len, buf.length());
                    parser.parse(buf.array(), 0, len, d);
                    assertTrue(d.hybrid());
                    assertEquals(seq, d.sequence());
                    assertTrue(d.isFor("radio-" + pb));
                    assertEquals(n, d.n());
                    assertEquals(m, d.m());
                    assertEquals(k, d.k());
                    assertEquals(pb, d.phaseBits());
                    assertEquals(w, d.basebandBits());
                    assertEquals(codec, d.codec());
                    crc.reset();
                    crc.update(buf.array(), 0, len - 4);
                    assertEquals((int) crc.getValue(), d.crc32c());
                    assertEquals(enc.lastResult().crc32c(), d.crc32c());
                    PhaseCodec p = PhaseCodec.of(pb);
                    double[] fr = new double[n * m];
                    double[] fi = new double[n * m];
                    d.analog(fr, fi, null);
                    for (int i = 0; i < n * m; i++) {
                        assertEquals(p.code(Math.atan2(f[1][i], f[0][i])), d.phaseCode(i));
                        assertTrue(Math.hypot(fr[i] - f[0][i], fi[i] - f[1][i]) <= p.maxUnitError() + 1e-12);
                    }
                    double[] wr = new double[m * k];
                    double[] wi = new double[m * k];
                    d.baseband(wr, wi);
                    double a = 0;
                    for (int e = 0; e < m * k; e++) {
                        a = Math.max(a, Math.max(Math.abs(x[0][e]), Math.abs(x[1][e])));
                    }
                    // frame-level bound: every codec is within one step of the coarsest grid, s * 2^15 <= a*(1+eps)
                    double lsbMax = codec == CodecId.FIXED ? a / ((1 << (w - 1)) - 1) : Math.scalb(a / 32767, 15);
                    for (int e = 0; e < m * k; e++) {
                        assertTrue(Math.abs(wr[e] - x[0][e]) <= lsbMax * 1.0001);
                        assertTrue(Math.abs(wi[e] - x[1][e]) <= lsbMax * 1.0001);
                    }
                }
            }
        }
    }

    @Test
    void digitalFrameRoundTripsAndHasNoAnalogPart() throws Exception {
        SplittableRandom rnd = new SplittableRandom(32);
        WeightFrameEncoder enc = new WeightFrameEncoder(EncoderConfig.defaults().withBaseband(CodecId.FIXED, 16));
        double[][] x = TestData.matrix(rnd, 8, 3);
        FrameBuffer buf = new FrameBuffer();
        int len = enc.encodeDigital("d", 5, x[0], x[1], 8, 3, BIG_BUDGET, buf);
        assertEquals(FrameFormat.HEADER_BYTES + 4 + 4 * 24 + 4, len);
        DecodedFrame d = new WeightFrameParser().parse(ByteBuffer.wrap(buf.toByteArray()), new DecodedFrame());
        assertFalse(d.hybrid());
        assertEquals(0, d.m());
        assertEquals(0, d.phaseBits());
        assertEquals(8, d.basebandRows());
        assertThrows(IllegalStateException.class, () -> d.analog(new double[1], new double[1], null));
        for (int e = 0; e < 24; e++) {
            assertEquals(x[0][e], d.basebandRe(e), 0.5 * d.scale() * 1.000001);
        }
    }

    @Test
    void headerBytesFollowTheDocumentedLayout() throws Exception {
        EncoderConfig cfg = EncoderConfig.defaults().withPhaseBits(6).withGain(4, 50).withBaseband(CodecId.BFP, 9);
        WeightFrameEncoder enc = new WeightFrameEncoder(cfg);
        FrameBuffer buf = new FrameBuffer();
        double[] f = {1, 0, 0, 1, -1, 0};
        double[] fi = {0, 1, 0, 0, 0, -1};
        double[] w = {0.1, 0.2};
        double[] wi = {0, 0};
        int len = enc.encodeHybrid("r1", 0x1122334455667788L, f, fi, w, wi, 3, 2, 1, 10, buf);
        byte[] b = buf.array();
        assertArrayEquals(new byte[] {'I', 'S', 'W', 'F'}, java.util.Arrays.copyOf(b, 4));
        assertEquals(1, b[4]);
        assertEquals(1, b[5]); // hybrid
        assertEquals(2, b[6]); // BFP
        assertEquals(6, b[7]);
        assertEquals(9, b[8]);
        assertEquals(4, b[9]);
        assertEquals(50, Bits.u16(b, 10));
        assertEquals(RadioIdHash.fnv1a("r1"), Bits.i32(b, 12));
        assertEquals((byte) 0x88, b[16]);
        assertEquals(0x1122334455667788L, Bits.i64(b, 16));
        assertEquals(3, Bits.u16(b, 24));
        assertEquals(2, Bits.u16(b, 26));
        assertEquals(1, Bits.u16(b, 28));
        assertEquals(0, Bits.u16(b, 30));
        int phase = (6 * 6 + 7) / 8; // 5
        int gain = (6 * 4 + 7) / 8; // 3
        int bb = 4 + (1 + (2 * 2 * 9 + 7) / 8); // 4 + 6
        assertEquals(phase + gain + bb, Bits.i32(b, 32));
        assertEquals(36 + phase + gain + bb + 4, len);
        // phase codes: entries 0..5 at 6 bits: 0, 16 (j), 0 (0 -> atan2 0), 0, 32 (-1), 48 (-j)
        int[] codes = new int[6];
        Bits.unpack(b, 36, 6, 6, false, codes, 0, 1);
        assertArrayEquals(new int[] {0, 16, 0, 0, 32, 48}, codes);
        int[] g = new int[6];
        Bits.unpack(b, 36 + phase, 6, 4, false, g, 0, 1);
        assertArrayEquals(new int[] {0, 0, 15, 0, 0, 0}, g); // zero entry -> full attenuation
    }

    @Test
    void calibratedFramesDecodeToTheCalibratedValues() throws Exception {
        SplittableRandom rnd = new SplittableRandom(33);
        int n = 6;
        int m = 2;
        double[] off = new double[n];
        double[] gain = new double[n];
        for (int i = 0; i < n; i++) {
            off[i] = rnd.nextDouble() - 0.5;
            gain[i] = 0.9 + 0.2 * rnd.nextDouble();
        }
        Calibration cal = Calibration.of(off, gain);
        WeightFrameEncoder enc = new WeightFrameEncoder(EncoderConfig.defaults().withPhaseBits(8).withCalibration(cal));
        double[][] f = TestData.unitModulus(rnd, n * m);
        double[][] w = TestData.matrix(rnd, m, 2);
        FrameBuffer buf = new FrameBuffer();
        int len = enc.encodeHybrid("c", 1, f[0], f[1], w[0], w[1], n, m, 2, BIG_BUDGET, buf);
        DecodedFrame d = new WeightFrameParser().parse(buf.array(), 0, len, new DecodedFrame());
        double[] re = new double[n * m];
        double[] im = new double[n * m];
        d.analog(re, im, cal);
        for (int i = 0; i < n * m; i++) {
            double g = gain[i / m];
            assertEquals(g, Math.hypot(re[i], im[i]), 1e-12);
            double err = Math.IEEEremainder(Math.atan2(im[i], re[i]) - Math.atan2(f[1][i], f[0][i]), 2 * Math.PI);
            assertTrue(Math.abs(err) <= Math.PI / 256 + 1e-12);
        }
    }
}
