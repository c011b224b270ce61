package org.isac.solver.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.isac.solver.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("vector-width")
class MulEachTest {
    /** mulEach gives mul's bits one product at a time, for the 4 × 4 fast case and any other shape. */
    @Test
    void sameBitsAsOneMulAtATime() {
        SplittableRandom rng = new SplittableRandom(9);
        FastKernels[] all = FastKernels.usingVectorApi()
                ? new FastKernels[] {FastKernels.get(), FastKernels.scalar()} : new FastKernels[] {FastKernels.scalar()};
        int[][] shapes = {{64, 4, 4}, {1, 4, 4}, {7, 4, 4}, {64, 3, 3}, {16, 4, 8}, {16, 8, 4}, {5, 2, 6}};
        for (FastKernels fk : all) {
            CMatrix[] a = new CMatrix[shapes.length], b = new CMatrix[shapes.length], c = new CMatrix[shapes.length];
            for (int s = 0; s < shapes.length; s++) {
                a[s] = TestData.gaussian(rng, shapes[s][0], shapes[s][1]);
                b[s] = TestData.gaussian(rng, shapes[s][1], shapes[s][2]);
                c[s] = new CMatrix(2, 2);
                Arrays.fill(c[s].re, Double.NaN);
            }
            a[0].re[5] = -0.0; // signed zeros and exact zeros keep their bits
            b[0].im[3] = 0.0;
            fk.mulEach(shapes.length, a, b, c);
            for (int s = 0; s < shapes.length; s++) {
                CMatrix ref = new CMatrix();
                fk.mul(a[s], b[s], ref);
                assertEquals(ref.rows(), c[s].rows());
                assertEquals(ref.cols(), c[s].cols());
                int n = ref.size();
                assertArrayEquals(Arrays.copyOf(ref.re, n), Arrays.copyOf(c[s].re, n), fk.name() + " product " + s);
                assertArrayEquals(Arrays.copyOf(ref.im, n), Arrays.copyOf(c[s].im, n), fk.name() + " product " + s);
            }
        }
    }

    @Test
    @Tag("allocation") // also run without type profiles: see pom.xml
    void allocatesNothingAfterWarmUp() {
        if (FastKernels.vectorWidthEmulated()) {
            return;
        }
        SplittableRandom rng = new SplittableRandom(10);
        CMatrix[] a = {TestData.gaussian(rng, 64, 4), TestData.gaussian(rng, 64, 4)};
        CMatrix[] b = {TestData.gaussian(rng, 4, 4), TestData.gaussian(rng, 4, 4)};
        CMatrix[] c = {new CMatrix(), new CMatrix()};
        FastKernels fk = FastKernels.get();
        for (int i = 0; i < 50_000; i++) {
            fk.mulEach(2, a, b, c);
        }
        long before = TestData.allocatedBytes();
        for (int i = 0; i < 20_000; i++) {
            fk.mulEach(2, a, b, c);
        }
        long allocated = TestData.allocatedBytes() - before;
        assertTrue(allocated < 1024, "allocated " + allocated);
    }
}
