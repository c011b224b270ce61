package org.isac.solver.array;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ArrayShapeTest {

    @Test
    void steeringHasUnitNormAndTheDocumentedPhases() {
        ArrayShape upa = new ArrayShape(4, 3);
        double[] re = new double[12], im = new double[12];
        double az = 0.4, el = 0.3;
        upa.steering(az, el, re, im, 0);
        double norm = 0;
        for (int i = 0; i < 12; i++) {
            norm += re[i] * re[i] + im[i] * im[i];
        }
        assertEquals(1.0, norm, 1e-12);
        // element (h, v) = index h·V + v has phase π(h·sinθ·cosε + v·sinε)
        int h = 3, v = 2;
        double phase = Math.PI * (h * Math.sin(az) * Math.cos(el) + v * Math.sin(el));
        double s = 1 / Math.sqrt(12);
        assertEquals(s * Math.cos(phase), re[h * 3 + v], 1e-12);
        assertEquals(s * Math.sin(phase), im[h * 3 + v], 1e-12);
    }

    @Test
    void ulaIsTheKroneckerFactor() {
        double[] ure = new double[5], uim = new double[5];
        ArrayShape.ula(5).steering(0.7, 0, ure, uim, 0);
        assertEquals(Math.cos(Math.PI * 2 * Math.sin(0.7)) / Math.sqrt(5), ure[2], 1e-12);
    }

    @Test
    void rotationMatchesTheDirectSteeringOnLargeArrays() {
        java.util.Random rng = new java.util.Random(7);
        for (ArrayShape shape : new ArrayShape[] {ArrayShape.ula(64), ArrayShape.ula(4096), new ArrayShape(32, 16), new ArrayShape(1, 9)}) {
            int n = shape.size();
            double[] re = new double[n + 3], im = new double[n + 3], rre = new double[n + 3], rim = new double[n + 3];
            for (int t = 0; t < 20; t++) {
                double az = rng.nextDouble() * 2 * Math.PI, el = (rng.nextDouble() - 0.5) * Math.PI;
                shape.steering(az, el, re, im, 3);
                shape.steeringByRotation(az, el, rre, rim, 3);
                double worst = 0;
                for (int i = 3; i < n + 3; i++) {
                    worst = Math.max(worst, Math.hypot(re[i] - rre[i], im[i] - rim[i]));
                }
                // relative to the entries' magnitude 1/√N: drift of a few ulps per rotation
                assertEquals(0, worst * Math.sqrt(n), 1e-15 * (shape.horizontal() + shape.vertical()) * 50, shape + " az " + az);
                assertEquals(0, rre[0] + rre[1] + rre[2], 0, "writes only from the offset");
            }
        }
    }

    /** At 0.4 λ every element has the phase of the direct formula 2π·0.4·(h·sin θ·cos ε + v·sin ε), also by rotation. */
    @Test
    void otherSpacingsFollowTheDirectFormula() {
        ArrayShape upa = new ArrayShape(6, 3, 0.4);
        double[] re = new double[18], im = new double[18], rre = new double[18], rim = new double[18];
        double az = -0.7, el = 0.25;
        upa.steering(az, el, re, im, 0);
        upa.steeringByRotation(az, el, rre, rim, 0);
        double s = 1 / Math.sqrt(18);
        for (int h = 0; h < 6; h++) {
            for (int v = 0; v < 3; v++) {
                double phase = 2 * Math.PI * 0.4 * (h * Math.sin(az) * Math.cos(el) + v * Math.sin(el));
                assertEquals(s * Math.cos(phase), re[h * 3 + v], 1e-12);
                assertEquals(s * Math.sin(phase), im[h * 3 + v], 1e-12);
                assertEquals(re[h * 3 + v], rre[h * 3 + v], 1e-14);
                assertEquals(im[h * 3 + v], rim[h * 3 + v], 1e-14);
            }
        }
        assertEquals(Math.PI, ArrayShape.ula(4).phaseScale(), 0, "half a wavelength is exactly π");
        assertEquals(ArrayShape.ula(4), new ArrayShape(4, 1, 0.5));
        assertEquals("ULA(8, 0.4 λ)", ArrayShape.ula(8).withSpacing(0.4).toString());
        assertThrows(IllegalArgumentException.class, () -> new ArrayShape(4, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ArrayShape(4, 1, Double.NaN));
    }

    @Test
    void rejectsEmptyArrays() {
        assertThrows(IllegalArgumentException.class, () -> new ArrayShape(0, 1));
    }
}
