package org.isac.fpga.frame;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;

import org.isac.fpga.EncoderConfig;
import org.isac.fpga.FrameBuffer;
import org.isac.fpga.TestData;
import org.isac.fpga.WeightFrameEncoder;
import org.isac.fpga.baseband.BlockFloatCodec;
import org.isac.fpga.baseband.CodecId;
import org.isac.fpga.baseband.FixedIqCodec;
import org.isac.fpga.guard.GuardOutcome;
import org.isac.fpga.phase.PhaseCodec;
import org.junit.jupiter.api.Test;

/**
 * The documented per-width round-trip bounds ({@link FixedIqCodec#relativeErrorBound},
 * {@link BlockFloatCodec#errorBound}, {@link PhaseCodec#maxUnitError}) hold for random weights
 * taken through the whole path (encoder, frame bytes, strict parser), and are not vacuous:
 * the worst error seen comes within a factor of the bound.
 */
class RoundTripBoundsTest {
    private static final double BIG_BUDGET = 1e12;
    private static final int TRIALS = 40;

    @Test
    void fixedPointFramesMeetTheDocumentedBoundForEveryWidth() throws Exception {
        SplittableRandom rnd = new SplittableRandom(301);
        WeightFrameParser parser = new WeightFrameParser();
        DecodedFrame d = new DecodedFrame();
        FrameBuffer buf = new FrameBuffer();
        for (int w = 2; w <= 16; w++) {
            WeightFrameEncoder enc = new WeightFrameEncoder(EncoderConfig.defaults().withBaseband(CodecId.FIXED, w));
            double bound = FixedIqCodec.relativeErrorBound(w);
            double worst = 0;
            for (int t = 0; t < TRIALS; t++) {
                int n = 1 + rnd.nextInt(64);
                int k = 1 + rnd.nextInt(8);
                double[][] x = TestData.matrix(rnd, n, k);
                TestData.scale(x, Math.pow(10, rnd.nextDouble() * 6 - 3));
                int len = enc.encodeDigital("b", t, x[0], x[1], n, k, BIG_BUDGET, buf);
                assertEquals(GuardOutcome.ACCEPTED, enc.lastResult().outcome());
                assertEquals(1.0, enc.lastResult().scaleFactor());
                parser.parse(buf.array(), 0, len, d);
                double a = 0;
                for (int e = 0; e < n * k; e++) {
                    a = Math.max(a, Math.max(Math.abs(x[0][e]), Math.abs(x[1][e])));
                }
                for (int e = 0; e < n * k; e++) {
                    double err = Math.max(Math.abs(d.basebandRe(e) - x[0][e]), Math.abs(d.basebandIm(e) - x[1][e]));
                    assertTrue(err <= bound * a * (1 + 0x1p-22), "w=" + w + " error " + err / a + " of A > bound " + bound);
                    worst = Math.max(worst, err / a);
                }
            }
            assertTrue(worst >= 0.8 * bound, "w=" + w + ": bound " + bound + " is loose, worst seen " + worst);
        }
    }

    @Test
    void blockFloatFramesMeetTheDocumentedBoundForEveryWidth() throws Exception {
        SplittableRandom rnd = new SplittableRandom(302);
        WeightFrameParser parser = new WeightFrameParser();
        DecodedFrame d = new DecodedFrame();
        FrameBuffer buf = new FrameBuffer();
        for (int w = 1; w <= 16; w++) {
            WeightFrameEncoder enc = new WeightFrameEncoder(EncoderConfig.defaults().withBaseband(CodecId.BFP, w));
            double rel = BlockFloatCodec.relativeErrorBound(w);
            double worst = 0;
            for (int t = 0; t < TRIALS; t++) {
                int n = 1 + rnd.nextInt(64);
                int k = 1 + rnd.nextInt(8);
                double[][] x = TestData.matrix(rnd, n, k); // columns differ in range by up to 1e3
                TestData.scale(x, Math.pow(10, rnd.nextDouble() * 6 - 3));
                int len = enc.encodeDigital("b", t, x[0], x[1], n, k, BIG_BUDGET, buf);
                assertEquals(GuardOutcome.ACCEPTED, enc.lastResult().outcome());
                parser.parse(buf.array(), 0, len, d);
                for (int c = 0; c < k; c++) {
                    double ak = 0;
                    for (int r = 0; r < n; r++) {
                        int e = r * k + c;
                        ak = Math.max(ak, Math.max(Math.abs(x[0][e]), Math.abs(x[1][e])));
                    }
                    double bound = BlockFloatCodec.errorBound(w, ak, d.scale());
                    for (int r = 0; r < n; r++) {
                        int e = r * k + c;
                        double err = Math.max(Math.abs(d.basebandRe(e) - x[0][e]), Math.abs(d.basebandIm(e) - x[1][e]));
                        assertTrue(err <= bound * (1 + 1e-12), "w=" + w + " error " + err + " > bound " + bound);
                        worst = Math.max(worst, err / (ak * rel));
                    }
                }
            }
            // the bound allows a vector peak just above the previous exponent's range; random data
            // reaches at least 40% of it at every width
            assertTrue(worst >= 0.4, "w=" + w + ": worst error only " + worst + " of the bound");
        }
    }

    @Test
    void phaseCodesMeetTheDocumentedBoundForEveryWidth() throws Exception {
        SplittableRandom rnd = new SplittableRandom(303);
        WeightFrameParser parser = new WeightFrameParser();
        DecodedFrame d = new DecodedFrame();
        FrameBuffer buf = new FrameBuffer();
        int n = 32;
        int m = 4;
        int k = 2;
        for (int pb = 1; pb <= 8; pb++) {
            WeightFrameEncoder enc = new WeightFrameEncoder(EncoderConfig.defaults().withPhaseBits(pb));
            double bound = PhaseCodec.of(pb).maxUnitError();
            double worst = 0;
            double[] fr = new double[n * m];
            double[] fi = new double[n * m];
            for (int t = 0; t < TRIALS; t++) {
                double[][] f = TestData.unitModulus(rnd, n * m);
                double[][] x = TestData.matrix(rnd, m, k);
                int len = enc.encodeHybrid("p", t, f[0], f[1], x[0], x[1], n, m, k, BIG_BUDGET, buf);
                parser.parse(buf.array(), 0, len, d);
                d.analog(fr, fi, null);
                for (int e = 0; e < n * m; e++) {
                    double err = Math.hypot(fr[e] - f[0][e], fi[e] - f[1][e]);
                    assertTrue(err <= bound * (1 + 1e-12), "pb=" + pb + " error " + err + " > " + bound);
                    assertEquals(1.0, Math.hypot(fr[e], fi[e]), 1e-12, "shifters are unit modulus");
                    worst = Math.max(worst, err);
                }
            }
            assertTrue(worst >= 0.9 * bound, "pb=" + pb + ": worst " + worst + " vs bound " + bound);
        }
    }

    @Test
    void boundsHalveWithEachBit() {
        for (int w = 3; w <= 16; w++) {
            double rf = FixedIqCodec.relativeErrorBound(w - 1) / FixedIqCodec.relativeErrorBound(w);
            double rb = BlockFloatCodec.relativeErrorBound(w - 1) / BlockFloatCodec.relativeErrorBound(w);
            assertTrue(rf > 2 && rf <= 3, "fixed " + w + ": " + rf);
            assertTrue(rb > 2 && rb < 2.4, "bfp " + w + ": " + rb);
        }
        assertEquals(0.5 / 32767, FixedIqCodec.relativeErrorBound(16));
        assertEquals(1 / 255.5, BlockFloatCodec.relativeErrorBound(9));
        assertThrows(IllegalArgumentException.class, () -> FixedIqCodec.relativeErrorBound(1));
        assertThrows(IllegalArgumentException.class, () -> BlockFloatCodec.relativeErrorBound(17));
    }
}
