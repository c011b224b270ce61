package org.isac.fpga;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import org.isac.fpga.baseband.BlockFloatCodec;
import org.isac.fpga.baseband.CodecId;
import org.isac.fpga.frame.DecodedFrame;
import org.isac.fpga.frame.FrameRejectedException;
import org.isac.fpga.frame.RadioIdHash;
import org.isac.fpga.frame.RejectReason;
import org.isac.fpga.frame.WeightFrameParser;
import org.isac.fpga.guard.GuardOutcome;
import org.isac.fpga.guard.PowerGuard;
import org.isac.fpga.guard.Replacement;
import org.isac.fpga.phase.PhaseCodec;
import org.isac.proto.v1.FrontEndHello;
import org.isac.solver.Precoder;
import org.isac.solver.linalg.CMatrix;
import org.junit.jupiter.api.Test;

/** The API the controller's Encode stage and the simulated radio call. */
class WiringTest {

    private static FrontEndHello hello(String id, int phaseBits, int basebandBits, boolean perAntenna) {
        return FrontEndHello.newBuilder().setRadioId(id).setPhaseBits(phaseBits).setBasebandBits(basebandBits)
                .setPerAntennaPower(perAntenna).setMaxPowerW(1).build();
    }

    private static void fill(CMatrix a, int rows, int cols, SplittableRandom rnd, boolean unitModulus) {
        a.reshape(rows, cols);
        for (int i = 0; i < rows * cols; i++) {
            if (unitModulus) {
                double ph = rnd.nextDouble() * 2 * Math.PI;
                a.re[i] = Math.cos(ph);
                a.im[i] = Math.sin(ph);
            } else {
                a.re[i] = TestData.gauss(rnd);
                a.im[i] = TestData.gauss(rnd);
            }
        }
    }

    /** Hybrid precoder with ||F W||_F^2 = power. */
    private static Precoder hybrid(SplittableRandom rnd, int n, int m, int k, double power) {
        Precoder p = new Precoder();
        fill(p.analog, n, m, rnd, true);
        fill(p.baseband, m, k, rnd, false);
        double norm = p.effective(new CMatrix()).frobeniusNorm2();
        p.baseband.scale(Math.sqrt(power / norm));
        return p;
    }

    private static Precoder digital(SplittableRandom rnd, int n, int k, double power) {
        Precoder p = new Precoder();
        fill(p.baseband, n, k, rnd, false);
        p.baseband.scale(Math.sqrt(power / p.baseband.frobeniusNorm2()));
        return p;
    }

    @Test
    void helloWidthsMapToEncoderSettings() {
        EncoderConfig c = EncoderConfig.forHello(hello("a", 5, 9, true));
        assertEquals(5, c.phaseBits());
        assertEquals(CodecId.BFP, c.codec());
        assertEquals(9, c.basebandBits());
        assertTrue(c.perAntenna());
        assertEquals(0, c.gainBits());
        EncoderConfig cont = EncoderConfig.forHello(hello("a", 0, 0, false), CodecId.BFP);
        assertEquals(EncoderConfig.CONTINUOUS_PHASE_BITS, cont.phaseBits());
        assertEquals(CodecId.FIXED, cont.codec(), "float baseband gets the finest fixed-point words");
        assertEquals(16, cont.basebandBits());
        assertFalse(cont.perAntenna());
        assertEquals(12, EncoderConfig.forHello(hello("a", 6, 12, false), CodecId.FIXED).basebandBits());
        assertThrows(IllegalArgumentException.class, () -> EncoderConfig.forHello(hello("a", 9, 9, false)));
        assertThrows(IllegalArgumentException.class, () -> EncoderConfig.forHello(hello("a", 6, 17, false)));
        assertThrows(IllegalArgumentException.class, () -> EncoderConfig.forHello(hello("a", 6, 1, false), CodecId.FIXED));
    }

    @Test
    void hybridPrecoderTravelsToTheRadioAndBackWithinTheBounds() throws Exception {
        SplittableRandom rnd = new SplittableRandom(601);
        int n = 64;
        int m = 4;
        int k = 4;
        RadioEncoders encoders = new RadioEncoders();
        WeightFrameParser parser = new WeightFrameParser();
        DecodedFrame decoded = new DecodedFrame();
        Precoder applied = new Precoder();
        CMatrix x = new CMatrix();
        CMatrix xq = new CMatrix();
        for (int pb = 3; pb <= 8; pb++) {
            FrontEndHello h = hello("fe-" + pb, pb, 9, false);
            Precoder p = hybrid(rnd, n, m, k, 0.9);
            FrameBuffer frame = encoders.encode(h, 1000 + pb, p, 1.0);
            EncodeResult r = encoders.lastResult();
            assertEquals(Replacement.NONE, r.replacement());
            ByteBuffer bytes = frame.byteBuffer();
            assertEquals(frame.length(), bytes.remaining());
            parser.parse(bytes, decoded);
            assertTrue(decoded.isFor("fe-" + pb));
            assertEquals(RadioIdHash.fnv1a("fe-" + pb), decoded.radioIdHash());
            assertEquals(1000 + pb, decoded.sequence());
            assertEquals(r.crc32c(), decoded.crc32c());
            decoded.toPrecoder(applied, null);
            assertTrue(applied.isHybrid());
            assertEquals(n, applied.analog.rows());
            assertEquals(m, applied.analog.cols());
            assertEquals(m, applied.baseband.rows());
            assertEquals(k, applied.baseband.cols());
            // phases within half a step, baseband within the BFP bound (times the guard's scale factor)
            double phaseBound = PhaseCodec.of(pb).maxUnitError();
            for (int i = 0; i < n * m; i++) {
                assertTrue(Math.hypot(applied.analog.re[i] - p.analog.re[i], applied.analog.im[i] - p.analog.im[i])
                        <= phaseBound * (1 + 1e-12));
            }
            double s = r.scaleFactor();
            for (int c = 0; c < k; c++) {
                double ak = 0;
                for (int row = 0; row < m; row++) {
                    int e = row * k + c;
                    ak = Math.max(ak, Math.max(Math.abs(p.baseband.re[e]), Math.abs(p.baseband.im[e])));
                }
                for (int row = 0; row < m; row++) {
                    int e = row * k + c;
                    double bound = BlockFloatCodec.errorBound(9, ak, decoded.scale() / (float) s) * s + ak * (1 - s);
                    assertTrue(Math.abs(applied.baseband.re[e] - p.baseband.re[e]) <= bound * (1 + 1e-9));
                    assertTrue(Math.abs(applied.baseband.im[e] - p.baseband.im[e]) <= bound * (1 + 1e-9));
                }
            }
            // what the radio applies is what the guard measured
            double sent = applied.effective(xq).frobeniusNorm2();
            assertEquals(r.sentPowerW(), sent, 1e-12);
            assertTrue(sent <= 1.0 * (1 + EncoderConfig.DEFAULT_TOLERANCE));
            double rel = Math.sqrt(subNorm2(xq, p.effective(x)) / x.frobeniusNorm2());
            assertTrue(rel < 2 * phaseBound + 0.05, "pb " + pb + " relative error of X " + rel);
        }
        assertEquals(6, encoders.counters().total());
    }

    private static double subNorm2(CMatrix a, CMatrix b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            double dr = a.re[i] - b.re[i];
            double di = a.im[i] - b.im[i];
            s += dr * dr + di * di;
        }
        return s;
    }

    @Test
    void digitalPrecoderRoundTripsAndEncodersFollowTheHello() throws Exception {
        SplittableRandom rnd = new SplittableRandom(602);
        RadioEncoders encoders = new RadioEncoders();
        FrontEndHello h = hello("d", 0, 16, false);
        WeightFrameEncoder first = encoders.encoderFor(h);
        assertSame(first, encoders.encoderFor(h));
        assertSame(first, encoders.encoderFor(hello("d", 0, 16, false)), "same settings keep the encoder and its last good frame");
        WeightFrameEncoder changed = encoders.encoderFor(hello("d", 0, 7, false));
        assertNotSame(first, changed);
        assertEquals(7, changed.config().basebandBits());

        Precoder p = digital(rnd, 32, 3, 0.7);
        FrameBuffer frame = encoders.encode(hello("d", 0, 16, false), 9, p, 1.0);
        DecodedFrame d = new WeightFrameParser().parse(frame.byteBuffer());
        assertFalse(d.hybrid());
        assertEquals(16, d.basebandBits());
        Precoder applied = d.toPrecoder(new Precoder(), null);
        assertFalse(applied.isHybrid());
        for (int i = 0; i < 32 * 3; i++) {
            assertEquals(p.baseband.re[i], applied.baseband.re[i], 1e-4 * 0.7);
            assertEquals(p.baseband.im[i], applied.baseband.im[i], 1e-4 * 0.7);
        }
        assertThrows(IllegalStateException.class, () -> d.analog(new CMatrix(), null));

        // a frame mangled in transit is refused with a reason
        byte[] bad = frame.toByteArray();
        bad[40] ^= 4;
        FrameRejectedException e = assertThrows(FrameRejectedException.class,
                () -> new WeightFrameParser().parse(ByteBuffer.wrap(bad)));
        assertEquals(RejectReason.BAD_CRC, e.reason());
    }

    @Test
    void matrixOverloadsCheckShapes() {
        WeightFrameEncoder enc = new WeightFrameEncoder(EncoderConfig.defaults());
        CMatrix f = new CMatrix(8, 2);
        CMatrix w = new CMatrix(3, 2);
        assertThrows(IllegalArgumentException.class, () -> enc.encode("x", 1, f, w, 1.0, new FrameBuffer()));
        assertThrows(IllegalArgumentException.class, () -> PowerGuard.check(f, w, 1.0, false, 0));
        assertThrows(IllegalArgumentException.class, () -> enc.encode("x", 1, f, null, 1.0, new FrameBuffer()));
        assertEquals(0, enc.counters().total());
    }

    @Test
    void guardCheckAgreesWithTheEncodersVerdict() {
        SplittableRandom rnd = new SplittableRandom(603);
        for (boolean perAntenna : new boolean[] {false, true}) {
            WeightFrameEncoder enc = new WeightFrameEncoder(EncoderConfig.defaults().withPerAntenna(perAntenna));
            int seen = 0;
            for (int t = 0; t < 400; t++) {
                boolean hyb = rnd.nextBoolean();
                Precoder p = hyb ? hybrid(rnd, 8, 2, 2, 0.5 + rnd.nextDouble()) : digital(rnd, 8, 2, 0.5 + rnd.nextDouble());
                double budget = switch (rnd.nextInt(8)) {
                    case 0 -> Double.NaN;
                    case 1 -> -1;
                    default -> 1.0;
                };
                if (rnd.nextInt(6) == 0) {
                    p.baseband.re[rnd.nextInt(p.baseband.size())] = rnd.nextBoolean() ? Double.NaN : Double.NEGATIVE_INFINITY;
                }
                GuardOutcome verdict = PowerGuard.check(p.analog, p.baseband, budget, perAntenna, EncoderConfig.DEFAULT_TOLERANCE);
                enc.encode("g", t, p, budget, new FrameBuffer());
                GuardOutcome outcome = enc.lastResult().outcome();
                if (verdict == GuardOutcome.ACCEPTED) {
                    assertFalse(outcome.replaced(), "accepted by check, " + outcome + " by the encoder");
                } else {
                    assertEquals(verdict, outcome);
                    seen |= 1 << verdict.ordinal();
                }
            }
            int expected = 1 << GuardOutcome.INVALID_BUDGET.ordinal() | 1 << GuardOutcome.NON_FINITE.ordinal()
                    | 1 << GuardOutcome.OVER_BUDGET.ordinal() | (perAntenna ? 1 << GuardOutcome.OVER_PER_ANTENNA.ordinal() : 0);
            assertEquals(expected, seen & expected, "every verdict exercised");
        }
    }
}
