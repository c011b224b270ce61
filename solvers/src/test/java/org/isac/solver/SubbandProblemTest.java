package org.isac.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.isac.solver.linalg.CMatrix;
import org.junit.jupiter.api.Test;

class SubbandProblemTest {

    @Test
    void subbandZeroIsTheNarrowbandChannelAndOutputs() {
        Problem p = new Problem();
        assertEquals(1, p.subbands());
        assertSame(p.channel, p.channel(0));
        assertSame(p.noise, p.noise(0));
        assertThrows(IndexOutOfBoundsException.class, () -> p.channel(1));
        Precoder out = new Precoder();
        assertSame(out.baseband, out.baseband(0));
        out.setSubbands(3);
        out.baseband(2).reshape(2, 2);
        out.reset();
        assertEquals(1, out.subbands());
    }

    @Test
    void copyCarriesEverySubbandAndGrowsNoFurtherOnReuse() {
        Problem a = new Problem();
        a.setSubbands(3);
        for (int s = 0; s < 3; s++) {
            CMatrix h = a.channel(s);
            h.reshape(2, 1);
            h.re[0] = s + 1;
            h.im[1] = -s;
            a.noiseFor(s, 1)[0] = 0.1 * (s + 1);
            a.setFrequencyRatio(s, 1 + 0.01 * (s - 1));
        }
        Problem b = new Problem();
        b.copyFrom(a);
        assertEquals(3, b.subbands());
        for (int s = 0; s < 3; s++) {
            assertArrayEquals(new double[] {s + 1, 0}, java.util.Arrays.copyOf(b.channel(s).re, 2));
            assertEquals(-s, b.channel(s).im[1]);
            assertEquals(0.1 * (s + 1), b.noise(s)[0]);
            assertEquals(1 + 0.01 * (s - 1), b.frequencyRatio(s));
        }
        CMatrix kept = b.channel(2);
        a.setSubbands(1);
        b.copyFrom(a);
        assertEquals(1, b.subbands());
        b.setSubbands(3);
        assertSame(kept, b.channel(2));
        assertThrows(IllegalArgumentException.class, () -> b.setSubbands(0));
    }
}
