package org.isac.fpga.frame;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

import org.isac.fpga.EncoderConfig;
import org.isac.fpga.FrameBuffer;
import org.isac.fpga.TestData;
import org.isac.fpga.WeightFrameEncoder;
import org.isac.fpga.baseband.CodecId;
import org.junit.jupiter.api.Test;

/** Each check of the parser, triggered by a crafted frame whose CRC is made valid again. */
class ParserRejectTest {
    private final WeightFrameParser parser = new WeightFrameParser(new ParserLimits(64, 8, 8, 4096));

    static byte[] validHybrid(EncoderConfig cfg, int n, int m, int k) {
        SplittableRandom rnd = new SplittableRandom(n * 31 + m * 7 + k);
        double[][] f = TestData.unitModulus(rnd, n * m);
        double[][] w = TestData.matrix(rnd, m, k);
        FrameBuffer buf = new FrameBuffer();
        new WeightFrameEncoder(cfg).encodeHybrid("r", 42, f[0], f[1], w[0], w[1], n, m, k, 1e6, buf);
        return buf.toByteArray();
    }

    static byte[] validDigital(EncoderConfig cfg, int n, int k) {
        SplittableRandom rnd = new SplittableRandom(n * 13 + k);
        double[][] w = TestData.matrix(rnd, n, k);
        FrameBuffer buf = new FrameBuffer();
        new WeightFrameEncoder(cfg).encodeDigital("r", 43, w[0], w[1], n, k, 1e6, buf);
        return buf.toByteArray();
    }

    static void fixCrc(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b, 0, b.length - 4);
        Bits.putI32(b, b.length - 4, (int) c.getValue());
    }

    private RejectReason rejectAfter(byte[] valid, Consumer<byte[]> edit, boolean fix) {
        byte[] b = valid.clone();
        edit.accept(b);
        if (fix) {
            fixCrc(b);
        }
        FrameRejectedException e = assertThrows(FrameRejectedException.class,
                () -> parser.parse(b, 0, b.length, new DecodedFrame()));
        assertNotNull(e.getMessage());
        return e.reason();
    }

    private RejectReason rejectFixed(byte[] valid, Consumer<byte[]> edit) {
        return rejectAfter(valid, edit, true);
    }

    private RejectReason reject(byte[] b) {
        return assertThrows(FrameRejectedException.class, () -> parser.parse(b, 0, b.length, new DecodedFrame())).reason();
    }

    @Test
    void validFramesParse() throws Exception {
        byte[] h = validHybrid(EncoderConfig.defaults(), 8, 2, 2);
        parser.parse(h, 0, h.length, new DecodedFrame());
        byte[] d = validDigital(EncoderConfig.defaults(), 8, 3);
        parser.parse(d, 0, d.length, new DecodedFrame());
    }

    @Test
    void lengthChecks() {
        byte[] v = validHybrid(EncoderConfig.defaults(), 8, 2, 2);
        assertEquals(RejectReason.TRUNCATED, reject(new byte[0]));
        assertEquals(RejectReason.TRUNCATED, reject(Arrays.copyOf(v, 39)));
        assertEquals(RejectReason.TRUNCATED, reject(Arrays.copyOf(v, v.length - 1)));
        assertEquals(RejectReason.TRAILING_BYTES, reject(Arrays.copyOf(v, v.length + 1)));
        assertEquals(RejectReason.OVERSIZED, rejectAfter(v, b -> Bits.putI32(b, 32, 5000), false));
        assertEquals(RejectReason.OVERSIZED, rejectAfter(v, b -> Bits.putI32(b, 32, -1), false));
    }

    @Test
    void headerChecks() {
        byte[] v = validHybrid(EncoderConfig.defaults().withGain(3, 100), 8, 2, 2);
        assertEquals(RejectReason.BAD_MAGIC, rejectFixed(v, b -> b[0] = 'X'));
        assertEquals(RejectReason.BAD_VERSION, rejectFixed(v, b -> b[4] = 3));
        assertEquals(RejectReason.BAD_VERSION, rejectFixed(v, b -> b[4] = 0));
        assertEquals(RejectReason.BAD_DIMENSIONS, rejectFixed(v, b -> b[4] = 2)); // version 2 with S = 0 in the old reserved field
        assertEquals(RejectReason.BAD_CRC, rejectAfter(v, b -> b[40] ^= 1, false));
        assertEquals(RejectReason.BAD_CRC, rejectAfter(v, b -> b[b.length - 1] ^= (byte) 0x80, false));
        assertEquals(RejectReason.BAD_MODE, rejectFixed(v, b -> b[5] = 2));
        assertEquals(RejectReason.BAD_CODEC, rejectFixed(v, b -> b[6] = 0));
        assertEquals(RejectReason.BAD_CODEC, rejectFixed(v, b -> b[6] = 3));
        assertEquals(RejectReason.BAD_BITS, rejectFixed(v, b -> b[7] = 0));
        assertEquals(RejectReason.BAD_BITS, rejectFixed(v, b -> b[7] = 9));
        assertEquals(RejectReason.BAD_BITS, rejectFixed(v, b -> b[8] = 0));
        assertEquals(RejectReason.BAD_BITS, rejectFixed(v, b -> b[8] = 17));
        assertEquals(RejectReason.BAD_BITS, rejectFixed(v, b -> b[9] = 9));
        assertEquals(RejectReason.BAD_BITS, rejectFixed(v, b -> Bits.putU16(b, 10, 0)));
        assertEquals(RejectReason.BAD_RESERVED, rejectFixed(v, b -> b[30] = 1));
        assertEquals(RejectReason.BAD_DIMENSIONS, rejectFixed(v, b -> Bits.putU16(b, 24, 0)));
        assertEquals(RejectReason.BAD_DIMENSIONS, rejectFixed(v, b -> Bits.putU16(b, 26, 0)));
        assertEquals(RejectReason.BAD_DIMENSIONS, rejectFixed(v, b -> Bits.putU16(b, 28, 0)));
        assertEquals(RejectReason.OVERSIZED, rejectFixed(v, b -> Bits.putU16(b, 24, 65)));
        assertEquals(RejectReason.OVERSIZED, rejectFixed(v, b -> Bits.putU16(b, 26, 9)));
        assertEquals(RejectReason.LENGTH_MISMATCH, rejectFixed(v, b -> Bits.putU16(b, 24, 7)));
        assertEquals(RejectReason.LENGTH_MISMATCH, rejectFixed(v, b -> b[7] = 5));
        assertEquals(RejectReason.BAD_BITS, rejectFixed(v, b -> b[9] = 0)); // step must then be 0 too
        assertEquals(RejectReason.LENGTH_MISMATCH, rejectFixed(v, b -> {
            b[9] = 0;
            Bits.putU16(b, 10, 0);
        }));
    }

    @Test
    void digitalHeaderChecks() {
        byte[] v = validDigital(EncoderConfig.defaults().withBaseband(CodecId.FIXED, 16), 8, 2);
        assertEquals(RejectReason.BAD_BITS, rejectFixed(v, b -> b[7] = 6));
        assertEquals(RejectReason.BAD_BITS, rejectFixed(v, b -> b[8] = 1));
        assertEquals(RejectReason.BAD_BITS, rejectFixed(v, b -> {
            b[9] = 1;
            Bits.putU16(b, 10, 100);
        }));
        assertEquals(RejectReason.BAD_DIMENSIONS, rejectFixed(v, b -> Bits.putU16(b, 26, 1)));
        assertEquals(RejectReason.BAD_BITS, rejectFixed(v, b -> b[5] = 1)); // hybrid without phase bits
        // fixed-point words are 16-bit containers, so a narrower width keeps the size; the words no longer fit
        assertEquals(RejectReason.BAD_VALUE, rejectFixed(v, b -> b[8] = 12));
    }

    @Test
    void payloadChecks() {
        // 3x1 shifters at 5 bits = 15 bits: one padding bit in the phase section
        EncoderConfig cfg = EncoderConfig.defaults().withPhaseBits(5).withGain(3, 100).withBaseband(CodecId.BFP, 5);
        byte[] v = validHybrid(cfg, 3, 1, 1);
        int phaseEnd = 36 + 2;
        int gainEnd = phaseEnd + 2; // 9 bits
        assertEquals(RejectReason.BAD_PADDING, rejectFixed(v, b -> b[phaseEnd - 1] |= (byte) 0x80));
        assertEquals(RejectReason.BAD_PADDING, rejectFixed(v, b -> b[gainEnd - 1] |= (byte) 0x80));
        assertEquals(RejectReason.BAD_VALUE, rejectFixed(v, b -> Bits.putI32(b, gainEnd, Float.floatToRawIntBits(Float.NaN))));
        assertEquals(RejectReason.BAD_VALUE, rejectFixed(v, b -> Bits.putI32(b, gainEnd, Float.floatToRawIntBits(-0.0f))));
        assertEquals(RejectReason.BAD_RESERVED, rejectFixed(v, b -> b[gainEnd + 4] |= 0x20));
        // BFP 1 vector of 2 mantissas at 5 bits = 10 bits -> 6 padding bits in the last byte
        assertEquals(RejectReason.BAD_PADDING, rejectFixed(v, b -> b[b.length - 5] |= (byte) 0x40));
    }
}
