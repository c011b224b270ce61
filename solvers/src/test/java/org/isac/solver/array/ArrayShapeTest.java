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
    void rejectsEmptyArrays() {
        assertThrows(IllegalArgumentException.class, () -> new ArrayShape(0, 1));
    }
}
