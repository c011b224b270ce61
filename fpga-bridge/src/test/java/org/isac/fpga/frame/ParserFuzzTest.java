package org.isac.fpga.frame;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

import org.isac.fpga.EncoderConfig;
import org.isac.fpga.baseband.CodecId;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the parser: random bytes and mutated valid frames. Every input is parsed
 * from an array of exactly its length (a read past the end would throw
 * ArrayIndexOutOfBoundsException and fail the test) and again embedded at an offset in a larger
 * array full of noise (the outcome must be identical: nothing outside the window influences it).
 */
class ParserFuzzTest {
    private static final int CASES = 20_000;
    private final WeightFrameParser parser = new WeightFrameParser(new ParserLimits(64, 16, 16, 1 << 16));
    private final DecodedFrame out = new DecodedFrame();
    private final DecodedFrame out2 = new DecodedFrame();
    private final CRC32C crc = new CRC32C();
    private final EnumMap<RejectReason, Integer> seen = new EnumMap<>(RejectReason.class);
    private int accepted;

    private byte[][] seeds() {
        return new byte[][] {
            ParserRejectTest.validHybrid(EncoderConfig.defaults(), 8, 2, 2),
            ParserRejectTest.validHybrid(EncoderConfig.defaults().withPhaseBits(3).withGain(5, 25), 5, 3, 2),
            ParserRejectTest.validHybrid(EncoderConfig.defaults().withBaseband(CodecId.FIXED, 16), 4, 4, 3),
            ParserRejectTest.validHybrid(EncoderConfig.defaults().withPhaseBits(1).withBaseband(CodecId.BFP, 1), 7, 1, 1),
            ParserRejectTest.validDigital(EncoderConfig.defaults().withBaseband(CodecId.BFP, 13), 9, 2),
            ParserRejectTest.validDigital(EncoderConfig.defaults().withBaseband(CodecId.FIXED, 11), 3, 1),
        };
    }

    private boolean crcMatches(byte[] b) {
        if (b.length < 4) {
            return false;
        }
        crc.reset();
        crc.update(b, 0, b.length - 4);
        return (int) crc.getValue() == Bits.i32(b, b.length - 4);
    }

    /** Parses {@code b}; returns null when accepted, else the reason. Fails on any other exception. */
    private RejectReason check(byte[] b, SplittableRandom rnd) {
        RejectReason r1;
        try {
            parser.parse(b, 0, b.length, out);
            r1 = null;
        } catch (FrameRejectedException e) {
            r1 = e.reason();
        } catch (RuntimeException e) {
            throw new AssertionError("parser threw " + e + " for " + Arrays.toString(b), e);
        }
        // same bytes embedded in noise
        int pre = rnd.nextInt(9);
        byte[] big = new byte[pre + b.length + 1 + rnd.nextInt(64)];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) rnd.nextInt();
        }
        System.arraycopy(b, 0, big, pre, b.length);
        RejectReason r2;
        try {
            parser.parse(big, pre, b.length, out2);
            r2 = null;
        } catch (FrameRejectedException e) {
            r2 = e.reason();
        }
        assertEquals(r1, r2, "outcome depends on bytes outside the window");
        if (r1 == null) {
            accepted++;
            assertTrue(crcMatches(b), "accepted a frame whose CRC does not match");
            assertEquals(b.length, out.frameLength());
            assertEquals(out.sequence(), out2.sequence());
            assertEquals(out.crc32c(), out2.crc32c());
            int e = out.basebandRows() * out.k();
            for (int i = 0; i < e; i++) {
                assertTrue(Double.isFinite(out.basebandRe(i)) && Double.isFinite(out.basebandIm(i)), "decoded weights finite");
                assertEquals(out.basebandRe(i), out2.basebandRe(i));
            }
        } else {
            seen.merge(r1, 1, Integer::sum);
        }
        return r1;
    }

    @Test
    void randomBytesAreRejected() {
        SplittableRandom rnd = new SplittableRandom(101);
        for (int t = 0; t < CASES; t++) {
            byte[] b = new byte[rnd.nextInt(200)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) rnd.nextInt();
            }
            if (rnd.nextInt(4) == 0 && b.length >= 8) { // often get past the magic and version checks
                Bits.putI32(b, 0, FrameFormat.MAGIC);
                b[4] = 1;
            }
            assertNotNull(check(b, rnd), "random bytes accepted");
        }
    }

    @Test
    void mutatedFramesWithStaleCrcAreRejected() {
        SplittableRandom rnd = new SplittableRandom(102);
        byte[][] seeds = seeds();
        for (int t = 0; t < CASES; t++) {
            byte[] v = seeds[rnd.nextInt(seeds.length)];
            byte[] b = mutate(v, rnd);
            RejectReason r = check(b, rnd);
            if (!Arrays.equals(b, v) && !crcMatches(b)) {
                assertNotNull(r, "mutated frame with wrong CRC accepted");
            }
            if (b.length == v.length && !Arrays.equals(b, v) && diffBits(b, v) <= 32 && r == null) {
                fail("CRC32C missed a burst of <= 32 flipped bits");
            }
        }
        assertTrue(seen.getOrDefault(RejectReason.BAD_CRC, 0) > CASES / 4, "most mutations fail the CRC: " + seen);
        assertTrue(seen.containsKey(RejectReason.TRUNCATED) && seen.containsKey(RejectReason.TRAILING_BYTES), seen.toString());
    }

    @Test
    void mutatedFramesWithValidCrcNeverEscapeTheRejectionException() {
        SplittableRandom rnd = new SplittableRandom(103);
        byte[][] seeds = seeds();
        accepted = 0;
        for (int t = 0; t < CASES; t++) {
            byte[] v = seeds[rnd.nextInt(seeds.length)];
            byte[] b = mutate(v, rnd);
            if (b.length >= FrameFormat.HEADER_BYTES + 4 && rnd.nextBoolean()) {
                Bits.putI32(b, 32, b.length - FrameFormat.HEADER_BYTES - 4); // keep the length field consistent
            }
            if (b.length >= 4) {
                ParserRejectTest.fixCrc(b);
            }
            check(b, rnd);
        }
        // the semantic checks behind the CRC are exercised
        for (RejectReason r : new RejectReason[] {RejectReason.BAD_MAGIC, RejectReason.BAD_BITS, RejectReason.LENGTH_MISMATCH,
                RejectReason.BAD_DIMENSIONS, RejectReason.BAD_PADDING, RejectReason.BAD_VALUE}) {
            assertTrue(seen.containsKey(r), r + " never seen: " + seen);
        }
        assertTrue(accepted > 0, "some payload-only mutations are legal frames");
    }

    private static int diffBits(byte[] a, byte[] b) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                if (first < 0) {
                    first = i;
                }
                last = i;
            }
        }
        return first < 0 ? 0 : (last - first + 1) * 8; // upper bound on the burst length in bits
    }

    private static byte[] mutate(byte[] v, SplittableRandom rnd) {
        byte[] b = v.clone();
        switch (rnd.nextInt(6)) {
            case 0 -> { // single bit flip
                int bit = rnd.nextInt(b.length * 8);
                b[bit >> 3] ^= (byte) (1 << (bit & 7));
            }
            case 1 -> { // several bit flips
                for (int i = 1 + rnd.nextInt(8); i > 0; i--) {
                    int bit = rnd.nextInt(b.length * 8);
                    b[bit >> 3] ^= (byte) (1 << (bit & 7));
                }
            }
            case 2 -> b = Arrays.copyOf(b, rnd.nextInt(b.length)); // truncation
            case 3 -> { // extension with random bytes
                int old = b.length;
                b = Arrays.copyOf(b, old + 1 + rnd.nextInt(16));
                for (int i = old; i < b.length; i++) {
                    b[i] = (byte) rnd.nextInt();
                }
            }
            case 4 -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(); // byte replacement
            default -> { // header field replacement
                int off = rnd.nextInt(FrameFormat.HEADER_BYTES);
                b[off] = (byte) (rnd.nextBoolean() ? rnd.nextInt(4) : rnd.nextInt());
            }
        }
        return b;
    }
}
