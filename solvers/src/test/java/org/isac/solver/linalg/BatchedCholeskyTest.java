package org.isac.solver.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.isac.solver.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("vector-width")
class BatchedCholeskyTest {
    private static FastKernels[] kernels() {
        return FastKernels.usingVectorApi()
                ? new FastKernels[] {FastKernels.get(), FastKernels.scalar()} : new FastKernels[] {FastKernels.scalar()};
    }

    /** count random Hermitian positive definite k × k matrices AᴴA + δI, one per slot. */
    private static CMatrix[] matrices(SplittableRandom rng, int k, int count) {
        CMatrix[] g = new CMatrix[count];
        for (int s = 0; s < count; s++) {
            CMatrix a = TestData.gaussian(rng, k + 3, k);
            g[s] = new CMatrix();
            Kernels.mulConjTransA(a, a, g[s]);
            for (int i = 0; i < k; i++) {
                g[s].re[i * k + i] += 0.01 * s;
                g[s].im[i * k + i] = 0;
            }
        }
        return g;
    }

    private static void pack(CMatrix[] g, int k, double[] re, double[] im) {
        int count = g.length;
        for (int s = 0; s < count; s++) {
            for (int e = 0; e < k * k; e++) {
                re[e * count + s] = g[s].re[e];
                im[e * count + s] = g[s].im[e];
            }
        }
    }

    @Test
    void everyMatrixGetsTheOneMatrixKernelsBits() {
        SplittableRandom rng = new SplittableRandom(4);
        for (FastKernels fk : kernels()) {
            for (int k = 1; k <= 6; k++) {
                for (int count : new int[] {1, 3, 4, 5, 8, 9, 16, 17}) {
                    CMatrix[] g = matrices(rng, k, count);
                    double[] re = new double[k * k * count], im = new double[k * k * count];
                    pack(g, k, re, im);
                    assertEquals(-1, fk.choleskyInvertEach(re, im, k, count, new double[4 * count]));
                    for (int s = 0; s < count; s++) {
                        CMatrix ref = new CMatrix().copyFrom(g[s]);
                        assertTrue(Kernels.cholesky(ref));
                        Kernels.invertLower(ref);
                        for (int e = 0; e < k * k; e++) {
                            String where = fk.name() + " k=" + k + " count=" + count + " matrix " + s + " entry " + e;
                            assertEquals(Double.doubleToRawLongBits(ref.re[e]), Double.doubleToRawLongBits(re[e * count + s]), where);
                            assertEquals(Double.doubleToRawLongBits(ref.im[e]), Double.doubleToRawLongBits(im[e * count + s]), where);
                        }
                    }
                }
            }
        }
    }

    @Test
    void namesAMatrixThatIsNotPositiveDefinite() {
        SplittableRandom rng = new SplittableRandom(5);
        for (FastKernels fk : kernels()) {
            for (int bad : new int[] {0, 2, 5, 8}) {
                CMatrix[] g = matrices(rng, 4, 9);
                g[bad].re[2 * 4 + 2] = -1; // a negative diagonal entry
                double[] re = new double[16 * 9], im = new double[16 * 9];
                pack(g, 4, re, im);
                assertEquals(bad, fk.choleskyInvertEach(re, im, 4, 9, new double[36]), fk.name());
            }
            CMatrix[] g = matrices(rng, 3, 6);
            g[4].re[1 * 3 + 1] = Double.NaN;
            double[] re = new double[9 * 6], im = new double[9 * 6];
            pack(g, 3, re, im);
            assertEquals(4, fk.choleskyInvertEach(re, im, 3, 6, new double[24]), fk.name());
        }
    }

    @Test
    @Tag("allocation") // also run without type profiles: see pom.xml
    void allocatesNothingAfterWarmUp() {
        if (FastKernels.vectorWidthEmulated()) {
            return;
        }
        CMatrix[] g = matrices(new SplittableRandom(6), 4, 16);
        double[] re = new double[16 * 16], im = new double[16 * 16], src = new double[16 * 16], srcIm = new double[16 * 16];
        double[] work = new double[64];
        pack(g, 4, src, srcIm);
        FastKernels fk = FastKernels.get();
        for (int i = 0; i < 30_000; i++) {
            System.arraycopy(src, 0, re, 0, re.length);
            System.arraycopy(srcIm, 0, im, 0, im.length);
            fk.choleskyInvertEach(re, im, 4, 16, work);
        }
        long before = TestData.allocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            System.arraycopy(src, 0, re, 0, re.length);
            System.arraycopy(srcIm, 0, im, 0, im.length);
            fk.choleskyInvertEach(re, im, 4, 16, work);
        }
        long allocated = TestData.allocatedBytes() - before;
        assertTrue(allocated < 1024, "allocated " + allocated);
    }
}
