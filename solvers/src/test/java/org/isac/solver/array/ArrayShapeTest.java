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

    @Test
    void rejectsEmptyArrays() {
        assertThrows(IllegalArgumentException.class, () -> new ArrayShape(0, 1));
    }
}
