package org.isac.fpga.phase;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;

import org.isac.fpga.TestData;
import org.junit.jupiter.api.Test;

class PhaseCodecTest {
    private static final double EPS = 1e-12;

    @Test
    void defaultIsSixBitsOf5625Degrees() {
        PhaseCodec p = PhaseCodec.of(PhaseCodec.DEFAULT_BITS);
        assertEquals(64, p.levels());
        assertEquals(5.625, Math.toDegrees(p.stepRad()), 1e-12);
        assertEquals(1, p.code(Math.toRadians(5.625)));
        assertEquals(1, p.code(Math.toRadians(5.625 * 1.49)));
        assertEquals(2, p.code(Math.toRadians(5.625 * 1.51)));
        assertEquals(63, p.code(Math.toRadians(-5.625)));
        assertEquals(0, p.code(2 * Math.PI));
        assertEquals(32, p.code(-Math.PI));
        assertEquals(0, p.code(Double.NaN));
    }

    @Test
    void nearestCodeWithinHalfStepForAllBits() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int b = 1; b <= 8; b++) {
            PhaseCodec p = PhaseCodec.of(b);
            for (int t = 0; t < 5000; t++) {
                double ph = (rnd.nextDouble() * 2 - 1) * 20;
                int c = p.code(ph);
                assertTrue(c >= 0 && c < p.levels(), "code in range");
                double err = Math.IEEEremainder(ph - p.phaseRad(c), 2 * Math.PI);
                assertTrue(Math.abs(err) <= p.stepRad() / 2 + EPS, "bits " + b + " phase error " + err);
                double dr = Math.cos(ph) - p.cos(c);
                double di = Math.sin(ph) - p.sin(c);
                assertTrue(Math.hypot(dr, di) <= p.maxUnitError() + EPS);
            }
        }
    }

    @Test
    void codeAndInverseRoundTripExactly() {
        for (int b = 1; b <= 8; b++) {
            PhaseCodec p = PhaseCodec.of(b);
            for (int c = 0; c < p.levels(); c++) {
                assertEquals(c, p.code(p.phaseRad(c)));
                assertEquals(Math.cos(c * p.stepRad()), p.cos(c), 1e-15);
            }
        }
    }

    @Test
    void rejectsBitsOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> PhaseCodec.of(0));
        assertThrows(IllegalArgumentException.class, () -> PhaseCodec.of(9));
    }

    @Test
    void gainCodesAreDbSteps() {
        GainCodec g = new GainCodec(4, 50); // 0.5 dB steps, 0..7.5 dB
        assertEquals(15, g.maxCode());
        assertEquals(0, g.code(1.0));
        assertEquals(0, g.code(3.0));
        assertEquals(15, g.code(0));
        assertEquals(15, g.code(Double.NaN));
        assertEquals(15, g.code(1e-6));
        assertEquals(2, g.code(Math.pow(10, -1.0 / 20)));
        assertEquals(Math.pow(10, -1.0 / 20), g.amplitude(2), 1e-15);
        SplittableRandom rnd = new SplittableRandom(3);
        for (int t = 0; t < 2000; t++) {
            double a = Math.pow(10, -7.5 * rnd.nextDouble() / 20);
            double q = g.amplitude(g.code(a));
            assertTrue(Math.abs(20 * Math.log10(q / a)) <= 0.25 + 1e-9);
        }
        assertThrows(IllegalArgumentException.class, () -> new GainCodec(0, 50));
        assertThrows(IllegalArgumentException.class, () -> new GainCodec(3, 0));
    }

    @Test
    void calibrationIsCompensatedAndRealized() {
        int n = 4;
        int m = 2;
        SplittableRandom rnd = new SplittableRandom(5);
        double[] off = new double[n * m];
        double[] gain = new double[n * m];
        for (int i = 0; i < off.length; i++) {
            off[i] = rnd.nextDouble() * 6 - 3;
            gain[i] = 0.8 + 0.4 * rnd.nextDouble();
        }
        Calibration cal = Calibration.of(off, gain);
        for (int b = 1; b <= 8; b++) {
            AnalogCodec a = new AnalogCodec(b, null, cal);
            double[][] f = TestData.unitModulus(rnd, n * m);
            int[] codes = new int[n * m];
            a.quantize(f[0], f[1], n, m, codes, null);
            double[] re = new double[n * m];
            double[] im = new double[n * m];
            a.realize(codes, null, n, m, re, im);
            for (int i = 0; i < n * m; i++) {
                assertEquals(gain[i], Math.hypot(re[i], im[i]), 1e-12);
                double err = Math.IEEEremainder(Math.atan2(im[i], re[i]) - Math.atan2(f[1][i], f[0][i]), 2 * Math.PI);
                assertTrue(Math.abs(err) <= Math.PI / (1 << b) + 1e-12, "bits " + b + " err " + err);
            }
        }
    }

    @Test
    void perAntennaCalibrationAppliesToEveryShifterOfTheRow() {
        Calibration cal = Calibration.of(new double[] {0.5, -0.5}, new double[] {1, 2});
        AnalogCodec a = new AnalogCodec(8, null, cal);
        double[] re = new double[6];
        double[] im = new double[6];
        a.realize(new int[6], null, 2, 3, re, im);
        for (int c = 0; c < 3; c++) {
            assertEquals(Math.cos(0.5), re[c], 1e-12);
            assertEquals(2 * Math.cos(-0.5), re[3 + c], 1e-12);
            assertEquals(2 * Math.sin(-0.5), im[3 + c], 1e-12);
        }
        assertThrows(IllegalArgumentException.class, () -> a.realize(new int[9], null, 3, 3, re, im));
    }

    @Test
    void attenuatorsFollowMagnitude() {
        AnalogCodec a = new AnalogCodec(6, new GainCodec(5, 100), null); // 1 dB steps to 31 dB
        double[] re = {0.5, 0, 1};
        double[] im = {0, 0.25, 0};
        int[] pc = new int[3];
        int[] gc = new int[3];
        a.quantize(re, im, 1, 3, pc, gc);
        assertArrayEquals(new int[] {6, 12, 0}, gc);
        assertArrayEquals(new int[] {0, 16, 0}, pc);
        double[] qr = new double[3];
        double[] qi = new double[3];
        a.realize(pc, gc, 1, 3, qr, qi);
        assertEquals(Math.pow(10, -6 / 20.0), qr[0], 1e-12);
        assertEquals(Math.pow(10, -12 / 20.0), qi[1], 1e-12);
    }

    /** The fast angle is within 1e-7 rad of Math.atan2 in every quadrant and at every scale. */
    @Test
    void theApproximateAngleIsWithinItsBound() {
        SplittableRandom rnd = new SplittableRandom(17);
        double worst = 0;
        for (int i = 0; i < 2_000_000; i++) {
            double scale = Math.pow(10, rnd.nextDouble(-30, 30));
            double y = rnd.nextGaussian() * scale, x = rnd.nextGaussian() * scale;
            worst = Math.max(worst, Math.abs(PhaseCodec.atan2Approx(y, x) - Math.atan2(y, x)));
        }
        assertTrue(worst < 1e-7, "worst error " + worst);
        assertEquals(Math.PI / 2, PhaseCodec.atan2Approx(1, 0), 1e-15);
        assertEquals(-Math.PI / 2, PhaseCodec.atan2Approx(-3, 0), 1e-15);
        assertEquals(Math.PI, PhaseCodec.atan2Approx(0, -2), 1e-15);
    }

    /**
     * codeOf gives exactly the code of Math.atan2 for every width, with and without a calibration
     * offset: on random entries, on entries at the rounding boundaries and a hair either side of
     * them, and on zero, infinite and NaN entries.
     */
    @Test
    void theFastCodeIsTheAtan2CodeEverywhere() {
        SplittableRandom rnd = new SplittableRandom(29);
        long checked = 0;
        for (int bits = 1; bits <= 8; bits++) {
            PhaseCodec pc = PhaseCodec.of(bits);
            double step = pc.stepRad();
            for (double off : new double[] {0, 0.3, -1.7, step / 2}) {
                for (int i = 0; i < 100_000; i++) {
                    double r = Math.pow(10, rnd.nextDouble(-8, 8));
                    double y = rnd.nextGaussian() * r, x = rnd.nextGaussian() * r;
                    assertEquals(pc.code(Math.atan2(y, x) - off), pc.codeOf(y, x, off), "bits " + bits + " (" + y + ", " + x + ")");
                    checked++;
                }
                for (int k = -pc.levels() - 1; k <= pc.levels() + 1; k++) {
                    for (double eps : new double[] {0, 1e-15, -1e-15, 1e-12, -1e-12, 1e-9, -1e-9, 1e-7, -1e-7, 1e-5, -1e-5}) {
                        double theta = (k + 0.5) * step + off + eps;
                        double y = Math.sin(theta), x = Math.cos(theta);
                        assertEquals(pc.code(Math.atan2(y, x) - off), pc.codeOf(y, x, off),
                                "bits " + bits + " boundary " + k + " eps " + eps);
                        checked++;
                    }
                }
            }
            for (double[] yx : new double[][] {{0, 0}, {-0.0, 0}, {0, -0.0}, {-0.0, -1}, {1, Double.POSITIVE_INFINITY},
                    {Double.NEGATIVE_INFINITY, 1}, {Double.NaN, 1}, {1, Double.NaN}, {Double.MIN_VALUE, -Double.MIN_VALUE}}) {
                assertEquals(pc.code(Math.atan2(yx[0], yx[1])), pc.codeOf(yx[0], yx[1], 0), "bits " + bits + " " + yx[0] + ", " + yx[1]);
            }
        }
        assertTrue(checked > 3_000_000);
    }
}
