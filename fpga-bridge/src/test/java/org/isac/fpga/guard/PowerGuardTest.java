package org.isac.fpga.guard;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.isac.fpga.EncodeResult;
import org.isac.fpga.EncoderConfig;
import org.isac.fpga.FrameBuffer;
import org.isac.fpga.TestData;
import org.isac.fpga.WeightFrameEncoder;
import org.isac.fpga.baseband.CodecId;
import org.isac.fpga.frame.DecodedFrame;
import org.isac.fpga.frame.FrameFormat;
import org.isac.fpga.frame.WeightFrameParser;
import org.isac.fpga.phase.Calibration;
import org.junit.jupiter.api.Test;

class PowerGuardTest {
    private static final double TOL = EncoderConfig.DEFAULT_TOLERANCE;
    private static final int N = 8;
    private static final int M = 2;
    private static final int K = 2;

    private final WeightFrameParser parser = new WeightFrameParser();

    /** Power of the quantized precoder carried by a frame, measured from the parsed frame. */
    private double[] framePower(byte[] b, int len, Calibration cal) throws Exception {
        DecodedFrame d = parser.parse(b, 0, len, new DecodedFrame());
        int rows = d.basebandRows();
        double[] wr = new double[rows * d.k()];
        double[] wi = new double[rows * d.k()];
        d.baseband(wr, wi);
        double[] fr = null;
        double[] fi = null;
        if (d.hybrid()) {
            fr = new double[d.n() * d.m()];
            fi = new double[d.n() * d.m()];
            d.analog(fr, fi, cal);
        }
        double[] row = new double[d.n()];
        double p = PowerGuard.measure(fr, fi, d.n(), d.m(), wr, wi, d.k(), row);
        return new double[] {p, PowerGuard.max(row, d.n())};
    }

    /** Hybrid request with {@code ||F W||^2 = power} exactly (up to rounding). */
    private static double[][] request(SplittableRandom rnd, double power) {
        double[][] f = TestData.unitModulus(rnd, N * M);
        double[][] w = TestData.matrix(rnd, M, K);
        double p = PowerGuard.measure(f[0], f[1], N, M, w[0], w[1], K, null);
        TestData.scale(w, Math.sqrt(power / p));
        return new double[][] {f[0], f[1], w[0], w[1]};
    }

    private static int encode(WeightFrameEncoder enc, String id, long seq, double[][] r, double budget, FrameBuffer out) {
        return enc.encodeHybrid(id, seq, r[0], r[1], r[2], r[3], N, M, K, budget, out);
    }

    @Test
    void nonFiniteInputsAreReplacedByLastGoodFrame() throws Exception {
        SplittableRandom rnd = new SplittableRandom(41);
        WeightFrameEncoder enc = new WeightFrameEncoder(EncoderConfig.defaults());
        FrameBuffer out = new FrameBuffer();
        double[][] good = request(rnd, 0.9);
        int goodLen = encode(enc, "a", 1, good, 1.0, out);
        assertEquals(GuardOutcome.ACCEPTED, enc.lastResult().outcome());
        assertEquals(Replacement.NONE, enc.lastResult().replacement());
        byte[] goodFrame = out.toByteArray();

        int idx = 0;
        double[] poisons = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int arr = 0; arr < 4; arr++) {
            for (double poison : poisons) {
                double[][] bad = request(rnd, 0.5);
                bad[arr][rnd.nextInt(arr < 2 ? N * M : M * K)] = poison;
                long seq = 100 + idx++;
                int len = encode(enc, "a", seq, bad, 1.0, out);
                EncodeResult res = enc.lastResult();
                assertEquals(GuardOutcome.NON_FINITE, res.outcome(), "array " + arr + " poison " + poison);
                assertEquals(Replacement.LAST_GOOD, res.replacement());
                assertEquals(goodLen, len);
                byte[] sent = out.toByteArray();
                // identical to the last good frame except the sequence and the CRC
                assertArrayEquals(Arrays.copyOfRange(goodFrame, 0, FrameFormat.OFF_SEQUENCE), Arrays.copyOfRange(sent, 0, FrameFormat.OFF_SEQUENCE));
                assertArrayEquals(Arrays.copyOfRange(goodFrame, FrameFormat.OFF_N, len - 4), Arrays.copyOfRange(sent, FrameFormat.OFF_N, len - 4));
                DecodedFrame d = parser.parse(sent, 0, len, new DecodedFrame());
                assertEquals(seq, d.sequence());
                assertEquals(res.crc32c(), d.crc32c());
            }
        }
        GuardCounters c = enc.counters();
        assertEquals(12, c.count(GuardOutcome.NON_FINITE));
        assertEquals(12, c.count(Replacement.LAST_GOOD));
        assertEquals(1, c.count(GuardOutcome.ACCEPTED));
        assertEquals(12, c.rejected());
        assertEquals(13, c.total());
    }

    @Test
    void withoutLastGoodTheSafeDefaultTransmitsNothing() throws Exception {
        SplittableRandom rnd = new SplittableRandom(42);
        for (CodecId codec : CodecId.values()) {
            WeightFrameEncoder enc = new WeightFrameEncoder(EncoderConfig.defaults().withBaseband(codec, 16).withGain(2, 300));
            FrameBuffer out = new FrameBuffer();
            encode(enc, "a", 1, request(rnd, 0.5), 1.0, out); // good frame for radio a only
            double[][] bad = request(rnd, 0.5);
            bad[2][0] = Double.NaN;
            int len = encode(enc, "b", 7, bad, 1.0, out);
            assertEquals(GuardOutcome.NON_FINITE, enc.lastResult().outcome());
            assertEquals(Replacement.SAFE_DEFAULT, enc.lastResult().replacement(), "radio a's frame is not radio b's");
            DecodedFrame d = parser.parse(out.array(), 0, len, new DecodedFrame());
            assertTrue(d.isFor("b"));
            assertEquals(7, d.sequence());
            assertEquals(N, d.n());
            assertEquals(M, d.m());
            assertEquals(K, d.k());
            assertEquals(0f, d.scale());
            for (int e = 0; e < M * K; e++) {
                assertEquals(0.0, d.basebandRe(e));
                assertEquals(0.0, d.basebandIm(e));
            }
            assertEquals(0.0, framePower(out.array(), len, null)[0]);
            assertEquals(0.0, enc.lastResult().sentPowerW());
            assertEquals(1, enc.counters().count(Replacement.SAFE_DEFAULT));
        }
    }

    @Test
    void overBudgetRequestsAreRefusedNotScaled() throws Exception {
        SplittableRandom rnd = new SplittableRandom(43);
        GuardCounters shared = new GuardCounters();
        WeightFrameEncoder enc = new WeightFrameEncoder(EncoderConfig.defaults(), shared);
        FrameBuffer out = new FrameBuffer();
        encode(enc, "a", 1, request(rnd, 0.8), 1.0, out);
        byte[] good = out.toByteArray();
        encode(enc, "a", 2, request(rnd, 1.0 * (1 + 10 * TOL)), 1.0, out);
        assertEquals(GuardOutcome.OVER_BUDGET, enc.lastResult().outcome());
        assertEquals(Replacement.LAST_GOOD, enc.lastResult().replacement());
        assertArrayEquals(Arrays.copyOfRange(good, 36, good.length - 4), Arrays.copyOfRange(out.array(), 36, out.length() - 4));
        encode(enc, "a", 3, request(rnd, 50), 1.0, out);
        assertEquals(GuardOutcome.OVER_BUDGET, enc.lastResult().outcome());
        // last good (power ~0.8) exceeds a lowered budget: safe default instead
        encode(enc, "a", 4, request(rnd, 0.6), 0.5, out);
        assertEquals(GuardOutcome.OVER_BUDGET, enc.lastResult().outcome());
        assertEquals(Replacement.SAFE_DEFAULT, enc.lastResult().replacement());
        assertEquals(0.0, framePower(out.array(), out.length(), null)[0]);
        assertEquals(3, shared.count(GuardOutcome.OVER_BUDGET));
        assertEquals(2, shared.count(Replacement.LAST_GOOD));
        assertEquals(1, shared.count(Replacement.SAFE_DEFAULT));
    }

    @Test
    void invalidBudgetsGiveTheSafeDefault() throws Exception {
        SplittableRandom rnd = new SplittableRandom(44);
        WeightFrameEncoder enc = new WeightFrameEncoder(EncoderConfig.defaults());
        FrameBuffer out = new FrameBuffer();
        encode(enc, "a", 1, request(rnd, 0.5), 1.0, out);
        for (double budget : new double[] {Double.NaN, -1, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            encode(enc, "a", 2, request(rnd, 0.5), budget, out);
            assertEquals(GuardOutcome.INVALID_BUDGET, enc.lastResult().outcome(), "budget " + budget);
            assertEquals(Replacement.SAFE_DEFAULT, enc.lastResult().replacement());
            assertEquals(0.0, framePower(out.array(), out.length(), null)[0]);
        }
        assertEquals(4, enc.counters().count(GuardOutcome.INVALID_BUDGET));
    }

    @Test
    void perAntennaLimitIsEnforcedWhenRequested() throws Exception {
        double[] wr = new double[N * 1];
        double[] wi = new double[N * 1];
        wr[0] = Math.sqrt(0.3); // row 0 carries 0.3 W > 1.0/8
        for (int n = 1; n < N; n++) {
            wr[n] = Math.sqrt(0.05);
        }
        FrameBuffer out = new FrameBuffer();
        WeightFrameEncoder total = new WeightFrameEncoder(EncoderConfig.defaults());
        total.encodeDigital("a", 1, wr, wi, N, 1, 1.0, out);
        assertEquals(GuardOutcome.ACCEPTED, total.lastResult().outcome());
        WeightFrameEncoder per = new WeightFrameEncoder(EncoderConfig.defaults().withPerAntenna(true));
        per.encodeDigital("a", 1, wr, wi, N, 1, 1.0, out);
        assertEquals(GuardOutcome.OVER_PER_ANTENNA, per.lastResult().outcome());
        assertEquals(Replacement.SAFE_DEFAULT, per.lastResult().replacement());
        Arrays.fill(wr, Math.sqrt(1.0 / N));
        per.encodeDigital("a", 2, wr, wi, N, 1, 1.0, out);
        assertTrue(per.lastResult().outcome() == GuardOutcome.ACCEPTED || per.lastResult().outcome() == GuardOutcome.ACCEPTED_SCALED);
        double[] p = framePower(out.array(), out.length(), null);
        assertTrue(p[1] <= 1.0 / N * (1 + TOL));
    }

    @Test
    void quantizedPowerNeverExceedsBudgetAndOvershootIsScaledAway() throws Exception {
        SplittableRandom rnd = new SplittableRandom(45);
        FrameBuffer out = new FrameBuffer();
        int scaled = 0;
        int trials = 0;
        for (int pb = 1; pb <= 8; pb++) {
            for (CodecId codec : CodecId.values()) {
                for (int w = codec == CodecId.FIXED ? 2 : 1; w <= 16; w++) {
                    for (boolean perAntenna : new boolean[] {false, true}) {
                        WeightFrameEncoder enc = new WeightFrameEncoder(EncoderConfig.defaults()
                                .withPhaseBits(pb).withBaseband(codec, w).withPerAntenna(perAntenna).withTolerance(0));
                        for (int t = 0; t < 3; t++) {
                            double power = Math.pow(10, rnd.nextDouble() * 4 - 2);
                            double[][] r = request(rnd, power);
                            // the request sits just under the (strict, tol 0) limit, so any upward
                            // quantization error would overshoot without the guard's rescaling
                            double budget;
                            if (perAntenna) {
                                double[] row = new double[N];
                                PowerGuard.measure(r[0], r[1], N, M, r[2], r[3], K, row);
                                budget = N * PowerGuard.max(row, N) * (1 + 1e-12);
                            } else {
                                budget = power * (1 + 1e-12);
                            }
                            int len = encode(enc, "q", t, r, budget, out);
                            EncodeResult res = enc.lastResult();
                            trials++;
                            double[] p = framePower(out.array(), len, null);
                            assertTrue(p[0] <= budget, "pb " + pb + " " + codec + w + " power " + p[0] + " > " + budget);
                            if (perAntenna) {
                                assertTrue(p[1] <= budget / N, "per antenna " + p[1] + " > " + budget / N);
                            }
                            if (res.outcome() == GuardOutcome.ACCEPTED_SCALED) {
                                scaled++;
                                assertTrue(res.scaleFactor() < 1);
                                assertEquals(p[0], res.sentPowerW(), 1e-9 * budget);
                            } else {
                                assertEquals(GuardOutcome.ACCEPTED, res.outcome(), "pb " + pb + " " + codec + w);
                                assertEquals(1.0, res.scaleFactor());
                            }
                            assertEquals(Replacement.NONE, res.replacement());
                        }
                    }
                }
            }
        }
        assertTrue(scaled > trials / 10, "quantization overshoot happens and is scaled away: " + scaled + "/" + trials);
    }

    @Test
    void calibrationGainAboveOneIsPulledBackUnderBudget() throws Exception {
        double[] off = new double[N];
        double[] gain = new double[N];
        Arrays.fill(gain, 1.2);
        Calibration cal = Calibration.of(off, gain);
        WeightFrameEncoder enc = new WeightFrameEncoder(EncoderConfig.defaults().withCalibration(cal));
        FrameBuffer out = new FrameBuffer();
        int len = encode(enc, "c", 1, request(new SplittableRandom(46), 1.0), 1.0, out);
        assertEquals(GuardOutcome.ACCEPTED_SCALED, enc.lastResult().outcome());
        assertEquals(1 / 1.2, enc.lastResult().scaleFactor(), 0.02);
        double[] p = framePower(out.array(), len, cal);
        assertTrue(p[0] <= 1.0 && p[0] > 0.95, "power " + p[0]);
    }

    @Test
    void emittedFramesAreAlwaysFiniteAndWithinBudget() throws Exception {
        SplittableRandom rnd = new SplittableRandom(47);
        WeightFrameEncoder enc = new WeightFrameEncoder(EncoderConfig.defaults().withPerAntenna(true));
        FrameBuffer out = new FrameBuffer();
        for (int t = 0; t < 2000; t++) {
            double budget = rnd.nextDouble() * 2;
            double[][] r = request(rnd, budget * (0.2 + rnd.nextDouble()));
            switch (rnd.nextInt(5)) {
                case 0 -> r[rnd.nextInt(4)][0] = rnd.nextBoolean() ? Double.NaN : Double.POSITIVE_INFINITY;
                case 1 -> r[2][0] *= 1e6;
                default -> { }
            }
            String id = "r" + rnd.nextInt(3);
            int len = encode(enc, id, t, r, budget, out);
            double[] p = framePower(out.array(), len, null);
            assertTrue(Double.isFinite(p[0]));
            assertTrue(p[0] <= budget * (1 + TOL), "total");
            assertTrue(p[1] <= budget / N * (1 + TOL), "per antenna");
            assertTrue(parser.parse(out.array(), 0, len, new DecodedFrame()).isFor(id));
        }
        assertEquals(2000, enc.counters().total());
    }

    @Test
    void byteBufferOutputAndArgumentErrors() throws Exception {
        WeightFrameEncoder enc = new WeightFrameEncoder(EncoderConfig.defaults());
        double[][] r = request(new SplittableRandom(48), 0.5);
        ByteBuffer bb = ByteBuffer.allocate(1024);
        bb.put((byte) 9);
        int len = enc.encode("x", 3, r[0], r[1], N, M, r[2], r[3], K, 1.0, bb);
        assertEquals(1 + len, bb.position());
        bb.flip().position(1);
        assertEquals(3, parser.parse(bb, new DecodedFrame()).sequence());
        assertThrows(IllegalArgumentException.class, () -> enc.encodeHybrid("x", 1, r[0], r[1], r[2], r[3], N, M, 5, 1.0, new FrameBuffer()));
        assertThrows(IllegalArgumentException.class, () -> enc.encodeHybrid("x", 1, r[0], r[1], r[2], r[3], 0, M, K, 1.0, new FrameBuffer()));
        assertThrows(IllegalArgumentException.class, () -> enc.encodeDigital(null, 1, r[2], r[3], 2, 2, 1.0, new FrameBuffer()));
        WeightFrameEncoder calibrated = new WeightFrameEncoder(EncoderConfig.defaults()
                .withCalibration(Calibration.of(new double[3], new double[] {1, 1, 1})));
        assertThrows(IllegalArgumentException.class, () -> calibrated.encodeHybrid("x", 1, r[0], r[1], r[2], r[3], N, M, K, 1.0, new FrameBuffer()));
        assertEquals(0, enc.counters().count(GuardOutcome.NON_FINITE));
        assertThrows(IllegalArgumentException.class, () -> EncoderConfig.defaults().withPhaseBits(9));
        assertThrows(IllegalArgumentException.class, () -> EncoderConfig.defaults().withGain(3, 0));
        assertThrows(IllegalArgumentException.class, () -> EncoderConfig.defaults().withBaseband(CodecId.FIXED, 1));
        assertThrows(IllegalArgumentException.class, () -> EncoderConfig.defaults().withTolerance(Double.NaN));
    }
}
