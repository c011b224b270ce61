package org.isac.fpga.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import org.isac.fpga.EncoderConfig;
import org.isac.fpga.FrameBuffer;
import org.isac.fpga.TestData;
import org.isac.fpga.WeightFrameEncoder;
import org.isac.fpga.baseband.CodecId;
import org.isac.fpga.guard.GuardOutcome;
import org.isac.fpga.guard.Replacement;
import org.isac.fpga.regfile.RegisterFileWriter;
import org.isac.fpga.regfile.RegisterMap;
import org.isac.solver.Precoder;
import org.isac.solver.linalg.CMatrix;
import org.junit.jupiter.api.Test;

/**
 * Weight frame version 2: S baseband sets behind one F. A set's section is byte for byte the
 * baseband section a version 1 frame of that set has; S = 1 stays version 1; the encoder's
 * guard checks every subband (a NaN or an over-budget set in subband 7 of 8 replaces the whole
 * frame); the parser reads v2 back and refuses S &lt; 2, S over its limit and payload lengths
 * that do not fit S, each with its reason.
 */
class WidebandFrameTest {

    private static Precoder wideband(long seed, boolean hybrid, int n, int m, int k, int subbands, double power) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Precoder p = new Precoder();
        int rows = hybrid ? m : n;
        if (hybrid) {
            double[][] f = TestData.unitModulus(rnd, n * m);
            p.analog.reshape(n, m);
            System.arraycopy(f[0], 0, p.analog.re, 0, n * m);
            System.arraycopy(f[1], 0, p.analog.im, 0, n * m);
        }
        p.setSubbands(subbands);
        CMatrix x = new CMatrix();
        for (int b = 0; b < subbands; b++) {
            double[][] w = TestData.matrix(rnd, rows, k);
            CMatrix wb = p.baseband(b);
            wb.reshape(rows, k);
            System.arraycopy(w[0], 0, wb.re, 0, rows * k);
            System.arraycopy(w[1], 0, wb.im, 0, rows * k);
            wb.scale(Math.sqrt(power / p.effective(b, x).frobeniusNorm2()));
        }
        return p;
    }

    private static byte[] encode(WeightFrameEncoder enc, String radio, long seq, Precoder p, double budget) {
        FrameBuffer buf = new FrameBuffer();
        enc.encode(radio, seq, p, budget, buf);
        return buf.toByteArray();
    }

    private static EncoderConfig config(boolean hybrid, CodecId codec) {
        EncoderConfig c = EncoderConfig.defaults().withBaseband(codec, codec == CodecId.BFP ? 9 : 12);
        return hybrid ? c.withPhaseBits(6).withGain(2, 150) : c;
    }

    @Test
    void eachSectionIsTheVersionOneSectionOfItsSet() throws Exception {
        for (boolean hybrid : new boolean[] {false, true}) {
            for (CodecId codec : CodecId.values()) {
                int n = 8, m = 3, k = 2, s = 5;
                Precoder p = wideband(17, hybrid, n, m, k, s, 0.7);
                EncoderConfig cfg = config(hybrid, codec);
                byte[] v2 = encode(new WeightFrameEncoder(cfg), "wb", 9, p, 1.0);
                assertEquals(FrameFormat.VERSION_WIDEBAND, v2[FrameFormat.OFF_VERSION]);
                assertEquals(s, Bits.u16(v2, FrameFormat.OFF_SUBBANDS));
                int rows = hybrid ? m : n;
                long section = FrameFormat.basebandBytes(codec, cfg.basebandBits(), rows, k);
                long head = FrameFormat.phaseBytes(hybrid, n, m, cfg.phaseBits())
                        + FrameFormat.gainBytes(hybrid, n, m, cfg.gainBits());
                assertEquals(head + s * section, Bits.u32(v2, FrameFormat.OFF_PAYLOAD_LENGTH));
                DecodedFrame d = new WeightFrameParser().parse(v2, 0, v2.length, new DecodedFrame());
                assertEquals(s, d.subbands());
                Precoder applied = d.toPrecoder(new Precoder(), null);
                assertEquals(s, applied.subbands());
                for (int b = 0; b < s; b++) {
                    Precoder one = new Precoder();
                    if (hybrid) {
                        one.analog.copyFrom(p.analog);
                    }
                    one.baseband.copyFrom(p.baseband(b));
                    byte[] v1 = encode(new WeightFrameEncoder(cfg), "wb", 9, one, 1.0);
                    assertEquals(FrameFormat.VERSION, v1[FrameFormat.OFF_VERSION]);
                    int at = FrameFormat.HEADER_BYTES + (int) head;
                    // phase and gain codes once, the same as each set's v1 frame has them
                    assertArrayEquals(Arrays.copyOfRange(v1, FrameFormat.HEADER_BYTES, at),
                            Arrays.copyOfRange(v2, FrameFormat.HEADER_BYTES, at));
                    assertArrayEquals(Arrays.copyOfRange(v1, at, at + (int) section),
                            Arrays.copyOfRange(v2, at + b * (int) section, at + (b + 1) * (int) section),
                            "subband " + b + " section, hybrid " + hybrid + " " + codec);
                    DecodedFrame d1 = new WeightFrameParser().parse(v1, 0, v1.length, new DecodedFrame());
                    assertEquals(d1.scale(), d.scale(b));
                    for (int e = 0; e < rows * k; e++) {
                        assertEquals(d1.iWord(e), d.iWord(b, e));
                        assertEquals(d1.qWord(e), d.qWord(b, e));
                        assertEquals(d1.basebandRe(e), applied.baseband(b).re[e]);
                        assertEquals(d1.basebandIm(e), applied.baseband(b).im[e]);
                    }
                    for (int c = 0; c < k; c++) {
                        assertEquals(d1.exponent(c), d.exponent(b, c));
                    }
                }
            }
        }
    }

    @Test
    void oneSubbandIsAVersionOneFrame() {
        Precoder p = wideband(3, true, 4, 2, 2, 1, 0.5);
        EncoderConfig cfg = config(true, CodecId.BFP);
        byte[] viaPrecoder = encode(new WeightFrameEncoder(cfg), "r", 1, p, 1.0);
        FrameBuffer buf = new FrameBuffer();
        new WeightFrameEncoder(cfg).encode("r", 1, p.analog, p.baseband, 1.0, buf);
        assertArrayEquals(buf.toByteArray(), viaPrecoder);
        assertEquals(1, viaPrecoder[FrameFormat.OFF_VERSION]);
        assertEquals(0, Bits.u16(viaPrecoder, FrameFormat.OFF_RESERVED));
    }

    @Test
    void aBadSetInSubbandSevenOfEightReplacesTheWholeFrame() throws Exception {
        for (boolean hybrid : new boolean[] {false, true}) {
            EncoderConfig cfg = config(hybrid, CodecId.BFP);
            WeightFrameEncoder enc = new WeightFrameEncoder(cfg);
            WeightFrameParser parser = new WeightFrameParser();
            Precoder good = wideband(5, hybrid, 8, 2, 2, 8, 0.9);
            byte[] first = encode(enc, "r", 1, good, 1.0);
            assertEquals(GuardOutcome.ACCEPTED, enc.lastResult().outcome());

            Precoder nan = wideband(5, hybrid, 8, 2, 2, 8, 0.9);
            nan.baseband(7).im[3] = Double.NaN;
            byte[] replaced = encode(enc, "r", 2, nan, 1.0);
            assertEquals(GuardOutcome.NON_FINITE, enc.lastResult().outcome());
            assertEquals(Replacement.LAST_GOOD, enc.lastResult().replacement());
            // the last good frame, re-stamped: same payload as the first, sequence 2
            DecodedFrame d = parser.parse(replaced, 0, replaced.length, new DecodedFrame());
            assertEquals(2, d.sequence());
            assertEquals(8, d.subbands());
            assertArrayEquals(Arrays.copyOfRange(first, 36, first.length - 4), Arrays.copyOfRange(replaced, 36, replaced.length - 4));

            Precoder over = wideband(5, hybrid, 8, 2, 2, 8, 0.9);
            over.baseband(7).scale(1.2); // 1.44 · 0.9 W > 1 W, in subband 7 only
            encode(enc, "r", 3, over, 1.0);
            assertEquals(GuardOutcome.OVER_BUDGET, enc.lastResult().outcome());
            assertEquals(Replacement.LAST_GOOD, enc.lastResult().replacement());
            assertTrue(enc.lastResult().requestedPowerW() > 1.2, "the offending subband's power is reported");

            // a fresh radio has no last good frame: the safe default, S all-zero sets
            byte[] safe = encode(enc, "other", 4, nan, 1.0);
            assertEquals(Replacement.SAFE_DEFAULT, enc.lastResult().replacement());
            DecodedFrame z = parser.parse(safe, 0, safe.length, new DecodedFrame());
            assertEquals(8, z.subbands());
            for (int b = 0; b < 8; b++) {
                assertEquals(0f, z.scale(b));
                assertEquals(0.0, z.basebandRe(b, 0));
            }
            // a last good frame of another S is not sent in its place
            Precoder four = wideband(6, hybrid, 8, 2, 2, 4, 0.9);
            four.baseband(3).re[0] = Double.POSITIVE_INFINITY;
            byte[] notLast = encode(enc, "r", 5, four, 1.0);
            assertEquals(Replacement.SAFE_DEFAULT, enc.lastResult().replacement());
            assertEquals(4, parser.parse(notLast, 0, notLast.length, new DecodedFrame()).subbands());
        }
    }

    @Test
    void perAntennaLimitPerSubband() {
        WeightFrameEncoder enc = new WeightFrameEncoder(EncoderConfig.defaults().withPerAntenna(true));
        Precoder p = new Precoder();
        p.setSubbands(3);
        for (int b = 0; b < 3; b++) {
            p.baseband(b).reshape(4, 1);
            Arrays.fill(p.baseband(b).re, 0, 4, 0.5); // 0.25 W per antenna, 1 W in all
        }
        encode(enc, "pa", 1, p, 1.0);
        assertTrue(enc.lastResult().outcome() == GuardOutcome.ACCEPTED || enc.lastResult().outcome() == GuardOutcome.ACCEPTED_SCALED);
        p.baseband(2).re[0] = 0.6;
        p.baseband(2).re[1] = 0.3; // total 0.95 W but antenna 0 has 0.36 W > 0.25 W
        encode(enc, "pa", 2, p, 1.0);
        assertEquals(GuardOutcome.OVER_PER_ANTENNA, enc.lastResult().outcome());
    }

    @Test
    void subbandsAreScaledEachOnItsOwn() throws Exception {
        // exactly at the budget: quantization may push a set over, and only that set's scale moves
        WeightFrameEncoder enc = new WeightFrameEncoder(EncoderConfig.defaults().withBaseband(CodecId.BFP, 3));
        Precoder p = wideband(99, false, 16, 0, 4, 6, 1.0);
        byte[] frame = encode(enc, "s", 1, p, 1.0);
        DecodedFrame d = new WeightFrameParser().parse(frame, 0, frame.length, new DecodedFrame());
        Precoder q = d.toPrecoder(new Precoder(), null);
        CMatrix x = new CMatrix();
        for (int b = 0; b < 6; b++) {
            double power = q.effective(b, x).frobeniusNorm2();
            assertTrue(power <= 1.0, "subband " + b + " radiates " + power);
            Precoder one = new Precoder();
            one.baseband.copyFrom(p.baseband(b));
            byte[] v1 = encode(new WeightFrameEncoder(EncoderConfig.defaults().withBaseband(CodecId.BFP, 3)), "s", 1, one, 1.0);
            DecodedFrame d1 = new WeightFrameParser().parse(v1, 0, v1.length, new DecodedFrame());
            assertEquals(d1.scale(), d.scale(b), "subband " + b + " has the scale its own v1 frame has");
        }
        assertEquals(6, enc.lastResult().frameLength() > 0 ? d.subbands() : -1);
    }

    @Test
    void tooManySetsAreAnArgumentError() {
        Precoder p = new Precoder();
        p.setSubbands(FrameFormat.MAX_SUBBANDS + 1);
        for (int b = 0; b < p.subbands(); b++) {
            p.baseband(b).reshape(1, 1);
        }
        assertThrows(IllegalArgumentException.class, () -> encode(new WeightFrameEncoder(EncoderConfig.defaults()), "x", 1, p, 1.0));
        Precoder uneven = wideband(1, false, 4, 0, 2, 3, 0.5);
        uneven.baseband(2).reshape(4, 1);
        assertThrows(IllegalArgumentException.class, () -> encode(new WeightFrameEncoder(EncoderConfig.defaults()), "x", 1, uneven, 1.0));
    }

    private static RejectReason rejectFixed(WeightFrameParser parser, byte[] valid, Consumer<byte[]> edit) {
        byte[] b = valid.clone();
        edit.accept(b);
        ParserRejectTest.fixCrc(b);
        return assertThrows(FrameRejectedException.class, () -> parser.parse(b, 0, b.length, new DecodedFrame())).reason();
    }

    @Test
    void parserRefusesWhatVersionTwoDoesNotAllow() throws Exception {
        Precoder p = wideband(8, true, 8, 2, 2, 4, 0.5);
        byte[] v2 = encode(new WeightFrameEncoder(config(true, CodecId.FIXED)), "r", 1, p, 1.0);
        WeightFrameParser parser = new WeightFrameParser();
        parser.parse(v2, 0, v2.length, new DecodedFrame());
        assertEquals(RejectReason.BAD_DIMENSIONS, rejectFixed(parser, v2, b -> Bits.putU16(b, 30, 1)));
        assertEquals(RejectReason.BAD_DIMENSIONS, rejectFixed(parser, v2, b -> Bits.putU16(b, 30, 0)));
        assertEquals(RejectReason.LENGTH_MISMATCH, rejectFixed(parser, v2, b -> Bits.putU16(b, 30, 3)));
        assertEquals(RejectReason.LENGTH_MISMATCH, rejectFixed(parser, v2, b -> Bits.putU16(b, 30, 5)));
        assertEquals(RejectReason.OVERSIZED, rejectFixed(parser, v2, b -> Bits.putU16(b, 30, FrameFormat.MAX_SUBBANDS + 1)));
        assertEquals(RejectReason.OVERSIZED, rejectFixed(new WeightFrameParser(new ParserLimits(64, 8, 8, 1 << 20, 3)), v2, b -> {
        }));
        // the same bytes read as version 1: S in the reserved field
        assertEquals(RejectReason.BAD_RESERVED, rejectFixed(parser, v2, b -> b[4] = 1));
        assertEquals(RejectReason.TRUNCATED, assertThrows(FrameRejectedException.class,
                () -> parser.parse(v2, 0, v2.length - 1, new DecodedFrame())).reason());
        // a v1 frame relabelled version 2 with S = 2 claims a second section it does not have
        Precoder one = wideband(8, true, 8, 2, 2, 1, 0.5);
        byte[] v1 = encode(new WeightFrameEncoder(config(true, CodecId.FIXED)), "r", 1, one, 1.0);
        assertEquals(RejectReason.LENGTH_MISMATCH, rejectFixed(parser, v1, b -> {
            b[4] = 2;
            Bits.putU16(b, 30, 2);
        }));
        // a bad word in the last section is found there
        assertEquals(RejectReason.BAD_VALUE, rejectFixed(parser, v2, b -> {
            int last = b.length - 4 - (int) FrameFormat.basebandBytes(CodecId.FIXED, 12, 2, 2);
            Bits.putI32(b, last, Float.floatToRawIntBits(Float.NaN));
        }));
    }

    @Test
    void registerWindowHoldsEverySubband() throws Exception {
        Precoder p = wideband(12, true, 4, 2, 2, 3, 0.5);
        byte[] v2 = encode(new WeightFrameEncoder(config(true, CodecId.BFP)), "r", 1, p, 1.0);
        DecodedFrame d = new WeightFrameParser().parse(v2, 0, v2.length, new DecodedFrame());
        RegisterMap map = RegisterMap.parse(String.join("\n", "window.size=0x1000",
                "bank0.phase.offset=0", "bank1.phase.offset=0x400", "phase.area.size=0x400",
                "bank0.baseband.offset=0x800", "bank1.baseband.offset=0xA00", "baseband.area.size=0x200",
                "bank.select.offset=0xC00", "load.strobe.offset=0xC04"), "wb");
        java.nio.ByteBuffer window = java.nio.ByteBuffer.allocate(0x1000).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        RegisterFileWriter regs = new RegisterFileWriter(map, window);
        int bank = regs.write(d);
        int block = (int) RegisterFileWriter.basebandBlockBytes(d);
        assertEquals(4 * (1 + 2 + 2 * 2), block);
        for (int b = 0; b < 3; b++) {
            int at = map.basebandOffset(bank) + b * block;
            assertEquals(Float.floatToRawIntBits(d.scale(b)), window.getInt(at));
            assertEquals(d.exponent(b, 1), window.getInt(at + 8));
            int word = window.getInt(at + 12 + 4 * 3);
            assertEquals(d.iWord(b, 3), (short) (word & 0xFFFF));
            assertEquals(d.qWord(b, 3), (short) (word >>> 16));
        }
    }
}
