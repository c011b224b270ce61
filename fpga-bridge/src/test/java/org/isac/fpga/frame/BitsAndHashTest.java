package org.isac.fpga.frame;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class BitsAndHashTest {

    private static int reference(String s) {
        int h = 0x811C9DC5;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x01000193;
        }
        return h;
    }

    @Test
    void fnv1aKnownVectors() {
        assertEquals(0x811C9DC5, RadioIdHash.fnv1a(""));
        assertEquals(0xE40C292C, RadioIdHash.fnv1a("a"));
        assertEquals(0xBF9CF968, RadioIdHash.fnv1a("foobar"));
    }

    @Test
    void fnv1aMatchesUtf8BytesForAnyString() {
        String[] fixed = {"radio-7", "ä", "日本", "\uD83D\uDE00x", "\uD800", "a\uDC00b", "\uD800\uD800"};
        for (String s : fixed) {
            assertEquals(reference(s), RadioIdHash.fnv1a(s), s);
        }
        SplittableRandom rnd = new SplittableRandom(4);
        for (int t = 0; t < 2000; t++) {
            char[] c = new char[rnd.nextInt(12)];
            for (int i = 0; i < c.length; i++) {
                c[i] = (char) (rnd.nextBoolean() ? rnd.nextInt(0x80) : rnd.nextInt(0x10000));
            }
            String s = new String(c);
            assertEquals(reference(s), RadioIdHash.fnv1a(s));
        }
    }

    @Test
    void packUnpackRoundTripsAllWidths() {
        SplittableRandom rnd = new SplittableRandom(8);
        for (int bits = 1; bits <= 16; bits++) {
            for (int t = 0; t < 50; t++) {
                int count = rnd.nextInt(40);
                int[] v = new int[count];
                for (int i = 0; i < count; i++) {
                    v[i] = rnd.nextInt(1 << bits);
                }
                int len = (int) Bits.packedBytes(count, bits);
                byte[] b = new byte[len + 2];
                int end = Bits.pack(v, 0, 1, count, bits, b, 1);
                assertEquals(1 + len, end);
                int[] u = new int[count];
                assertEquals(1 + len, Bits.unpack(b, 1, count, bits, false, u, 0, 1));
                assertArrayEquals(v, u);
                int[] sgn = new int[count];
                Bits.unpack(b, 1, count, bits, true, sgn, 0, 1);
                for (int i = 0; i < count; i++) {
                    int expect = v[i] >= 1 << (bits - 1) ? v[i] - (1 << bits) : v[i];
                    assertEquals(expect, sgn[i]);
                }
                if ((count * bits) % 8 != 0) {
                    b[len] |= (byte) 0x80; // a padding bit
                    assertTrue(Bits.unpack(b, 1, count, bits, false, u, 0, 1) < 0, "padding detected");
                }
            }
        }
    }

    @Test
    void lsbFirstBitOrder() {
        byte[] b = new byte[2];
        Bits.pack(new int[] {1, 2, 3}, 0, 1, 3, 3, b, 0); // 001 010 011 -> bits 0..8
        assertEquals((byte) 0b11_010_001, b[0]);
        assertEquals(0, b[1]);
        byte[] le = new byte[8];
        Bits.putI64(le, 0, 0x0102030405060708L);
        assertEquals(8, le[0]);
        assertEquals(1, le[7]);
        assertEquals(0x0102030405060708L, Bits.i64(le, 0));
    }
}
