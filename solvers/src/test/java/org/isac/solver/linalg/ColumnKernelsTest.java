package org.isac.solver.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.isac.solver.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Both {@link ColumnKernels} implementations against direct double-precision sums of the
 * same float inputs, on row counts that do and do not fill a vector, with offsets; and the
 * vector kernels against the scalar reference bit for bit. The build runs this class at the
 * CPU's preferred vector width and again at 256 and 512 bits ({@code -Disac.vector.bits}).
 */
@Tag("vector-width")
class ColumnKernelsTest {
    /** Relative to Σ|a||b| of each element: float rounding over ≤ 70 terms stays far below. */
    private static final double TOL = 2e-6;
    private static final int[] ROWS = {1, 5, 8, 13, 64, 67};

    static List<ColumnKernels> implementations() {
        List<ColumnKernels> list = new ArrayList<>();
        list.add(ColumnKernels.scalar());
        if (KernelLoader.VECTOR_COLUMNS != null) {
            list.add(ColumnKernels.vector());
        }
        return list;
    }

    private static float[] random(SplittableRandom rng, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return a;
    }

    @Test
    void buildRunsTheVectorColumnKernels() {
        assertEquals("vector", ColumnKernels.get().name(), FastKernels.status());
        assertSame(ScalarColumnKernels.INSTANCE, ColumnKernels.scalar());
        assertTrue(FastKernels.status().contains("FloatVector"), FastKernels.status());
    }

    @Test
    void squareTimesMatchesDirectSums() {
        SplittableRandom rng = new SplittableRandom(1);
        for (ColumnKernels ck : implementations()) {
            for (int n : ROWS) {
                for (int k = 1; k <= 9; k += 2) {
                    float[] pr = random(rng, n * n), pi = random(rng, n * n);
                    int xOff = 3, cOff = 5 + k * n; // X and C in one array, disjoint, as in FloatPga's stack
                    float[] sr = random(rng, cOff + k * n + 2), si = random(rng, cOff + k * n + 2);
                    float[] before = sr.clone();
                    ck.squareTimes(n, k, pr, pi, sr, si, xOff, sr, si, cOff);
                    for (int c = 0; c < k; c++) {
                        for (int r = 0; r < n; r++) {
                            double er = 0, ei = 0, scale = 0;
                            for (int j = 0; j < n; j++) {
                                double ar = pr[j * n + r], ai = pi[j * n + r], br = sr[xOff + c * n + j], bi = si[xOff + c * n + j];
                                er += ar * br - ai * bi;
                                ei += ar * bi + ai * br;
                                scale += Math.hypot(ar, ai) * Math.hypot(br, bi);
                            }
                            String at = ck.name() + " n=" + n + " k=" + k + " (" + r + "," + c + ")";
                            assertEquals(er, sr[cOff + c * n + r], TOL * scale, at);
                            assertEquals(ei, si[cOff + c * n + r], TOL * scale, at);
                        }
                    }
                    for (int i = 0; i < xOff + k * n; i++) {
                        assertEquals(before[i], sr[i], 0, "X must not change");
                    }
                    assertEquals(before[cOff + k * n], sr[cOff + k * n], 0, "written past C");
                }
            }
        }
    }

    @Test
    void combineMatchesDirectSumsWithAndWithoutAccumulation() {
        SplittableRandom rng = new SplittableRandom(2);
        for (ColumnKernels ck : implementations()) {
            for (int n : ROWS) {
                for (int p = 1; p <= 12; p += 3) {
                    for (int q = 1; q <= 5; q += 2) {
                        for (boolean acc : new boolean[] {false, true}) {
                            int aOff = 2, cOff = 1;
                            float[] ar = random(rng, aOff + p * n), ai = random(rng, aOff + p * n);
                            float[] br = random(rng, p * q), bi = random(rng, p * q);
                            float[] cr = random(rng, cOff + q * n + 1), ci = random(rng, cOff + q * n + 1);
                            float[] c0r = cr.clone(), c0i = ci.clone();
                            ck.combine(n, p, q, ar, ai, aOff, br, bi, acc, cr, ci, cOff);
                            for (int c = 0; c < q; c++) {
                                for (int r = 0; r < n; r++) {
                                    int o = cOff + c * n + r;
                                    double er = acc ? c0r[o] : 0, ei = acc ? c0i[o] : 0, scale = acc ? Math.hypot(c0r[o], c0i[o]) : 0;
                                    for (int a = 0; a < p; a++) {
                                        double xr = ar[aOff + a * n + r], xi = ai[aOff + a * n + r];
                                        double yr = br[a * q + c], yi = bi[a * q + c];
                                        er += xr * yr - xi * yi;
                                        ei += xr * yi + xi * yr;
                                        scale += Math.hypot(xr, xi) * Math.hypot(yr, yi);
                                    }
                                    String at = ck.name() + " n=" + n + " p=" + p + " q=" + q + " acc=" + acc;
                                    assertEquals(er, cr[o], TOL * scale + 1e-30, at);
                                    assertEquals(ei, ci[o], TOL * scale + 1e-30, at);
                                }
                            }
                            assertEquals(c0r[0], cr[0], 0, "written before C");
                            assertEquals(c0r[cOff + q * n], cr[cOff + q * n], 0, "written past C");
                        }
                    }
                }
            }
        }
    }

    @Test
    void conjGramMatchesDirectSums() {
        SplittableRandom rng = new SplittableRandom(3);
        for (ColumnKernels ck : implementations()) {
            for (int n : ROWS) {
                for (int p = 1; p <= 5; p += 2) {
                    for (int q = 1; q <= 5; q += 2) {
                        int aOff = 4, bOff = 7;
                        float[] ar = random(rng, aOff + p * n), ai = random(rng, aOff + p * n);
                        float[] br = random(rng, bOff + q * n), bi = random(rng, bOff + q * n);
                        double[] gr = new double[p * q], gi = new double[p * q];
                        java.util.Arrays.fill(gr, Double.NaN); // overwritten, not accumulated
                        ck.conjGram(n, p, q, ar, ai, aOff, br, bi, bOff, gr, gi);
                        assertConjGram(ck.name() + " n=" + n + " p=" + p + " q=" + q, n, p, q, ar, ai, aOff, br, bi, bOff,
                                gr, gi);
                    }
                }
            }
        }
    }

    /** G = AᴴB against direct double sums of the same float inputs. */
    private static void assertConjGram(String at, int n, int p, int q, float[] ar, float[] ai, int aOff, float[] br,
                                       float[] bi, int bOff, double[] gr, double[] gi) {
        for (int a = 0; a < p; a++) {
            for (int c = 0; c < q; c++) {
                double er = 0, ei = 0, scale = 0;
                for (int r = 0; r < n; r++) {
                    double xr = ar[aOff + a * n + r], xi = ai[aOff + a * n + r];
                    double yr = br[bOff + c * n + r], yi = bi[bOff + c * n + r];
                    er += xr * yr + xi * yi;
                    ei += xr * yi - xi * yr;
                    scale += Math.hypot(xr, xi) * Math.hypot(yr, yi);
                }
                assertEquals(er, gr[a * q + c], TOL * scale, at + " (" + a + "," + c + ")");
                assertEquals(ei, gi[a * q + c], TOL * scale, at + " (" + a + "," + c + ")");
            }
        }
    }

    /** AᴴA (B the same block as A): the direct sums, and exactly Hermitian with a real diagonal. */
    @Test
    void gramMatrixIsExactlyHermitian() {
        SplittableRandom rng = new SplittableRandom(7);
        for (ColumnKernels ck : implementations()) {
            for (int n : ROWS) {
                for (int p = 1; p <= 5; p += 2) {
                    int off = 2;
                    float[] ar = random(rng, off + p * n), ai = random(rng, off + p * n);
                    double[] gr = new double[p * p], gi = new double[p * p];
                    java.util.Arrays.fill(gr, Double.NaN);
                    java.util.Arrays.fill(gi, Double.NaN);
                    ck.conjGram(n, p, p, ar, ai, off, ar, ai, off, gr, gi);
                    String at = ck.name() + " n=" + n + " p=" + p;
                    assertConjGram(at, n, p, p, ar, ai, off, ar, ai, off, gr, gi);
                    for (int a = 0; a < p; a++) {
                        for (int c = 0; c < p; c++) {
                            assertEquals(gr[c * p + a], gr[a * p + c], 0, at);
                            assertEquals(-gi[c * p + a], gi[a * p + c], 0, at);
                        }
                        assertEquals(0, gi[a * p + a], 0, "real diagonal");
                    }
                }
            }
        }
    }

    @Test
    void elementwiseKernels() {
        SplittableRandom rng = new SplittableRandom(4);
        for (ColumnKernels ck : implementations()) {
            for (int len : ROWS) {
                int off = 3;
                float[] re = random(rng, off + len + 1), im = random(rng, off + len + 1);
                re[off] = 0;
                im[off] = 0;                       // exact zero → 1
                if (len > 3) {
                    re[off + 1] = 3e-21f;          // far below float's squared range
                    im[off + 1] = -4e-21f;
                    re[off + 2] = Float.NaN;       // NaN stays NaN
                    re[off + 3] = 3e30f;           // its square overflows float
                    im[off + 3] = -1e30f;
                }
                float[] r0 = re.clone(), i0 = im.clone();
                ck.unitModulus(len, re, im, off);
                for (int i = off; i < off + len; i++) {
                    String at = ck.name() + " len=" + len + " i=" + i;
                    if (Float.isNaN(r0[i])) {
                        assertTrue(Float.isNaN(re[i]), at);
                        continue;
                    }
                    if (r0[i] == 0 && i0[i] == 0) {
                        assertEquals(1f, re[i], 0, at);
                        assertEquals(0f, im[i], 0, at);
                        continue;
                    }
                    double a = Math.hypot(r0[i], i0[i]);
                    assertEquals(r0[i] / a, re[i], 2e-7, at);
                    assertEquals(i0[i] / a, im[i], 2e-7, at);
                }
                // entries that are all in float's squared range take the vector path
                float[] vr = random(rng, len), vi = random(rng, len);
                for (int i = 0; i < len; i++) {
                    vr[i] += vr[i] < 0 ? -0.1f : 0.1f;
                }
                float[] v0r = vr.clone(), v0i = vi.clone();
                ck.unitModulus(len, vr, vi, 0);
                for (int i = 0; i < len; i++) {
                    double a = Math.hypot(v0r[i], v0i[i]);
                    assertEquals(v0r[i] / a, vr[i], 2e-7, ck.name());
                    assertEquals(v0i[i] / a, vi[i], 2e-7, ck.name());
                }
                assertEquals(r0[off + len], re[off + len], 0, "written past the range");
                assertEquals(r0[off - 1], re[off - 1], 0, "written before the range");

                float[] xr = random(rng, len + off), xi = random(rng, len + off);
                double sum = 0;
                for (int i = off; i < off + len; i++) {
                    sum += (double) xr[i] * xr[i] + (double) xi[i] * xi[i];
                }
                assertEquals(sum, ck.sumSquares(len, xr, xi, off), 1e-6 * sum, ck.name());
                float[] yr = xr.clone();
                ck.scale(len, -2.5f, xr, xi, off);
                for (int i = 0; i < off + len; i++) {
                    assertEquals(i < off ? yr[i] : -2.5f * yr[i], xr[i], 0, ck.name());
                }
            }
        }
    }

    /** Every kernel, every row count from 1 to 70 (full vectors, partial ones, fewer than 16), offsets: the same bits. */
    @Test
    void vectorKernelsReturnTheScalarReferenceBitForBit() {
        ColumnKernels v = ColumnKernels.vector(), s = ColumnKernels.scalar();
        String width = FastKernels.status();
        SplittableRandom rng = new SplittableRandom(6);
        for (int n = 1; n <= 70; n++) {
            int k = 1 + n % 5, p = 1 + n % 7, q = 1 + n % 4, off = n % 3;
            String at = "n=" + n + " (" + width + ")";
            float[] pr = random(rng, n * n), pi = random(rng, n * n);
            float[] xr = random(rng, off + k * n), xi = random(rng, off + k * n);
            float[] c1r = new float[k * n], c1i = new float[k * n], c2r = new float[k * n], c2i = new float[k * n];
            v.squareTimes(n, k, pr, pi, xr, xi, off, c1r, c1i, 0);
            s.squareTimes(n, k, pr, pi, xr, xi, off, c2r, c2i, 0);
            assertArrayEquals(c2r, c1r, "squareTimes re " + at);
            assertArrayEquals(c2i, c1i, "squareTimes im " + at);

            float[] ar = random(rng, off + p * n), ai = random(rng, off + p * n);
            float[] br = random(rng, p * q), bi = random(rng, p * q);
            for (boolean acc : new boolean[] {false, true}) {
                float[] d1r = random(rng, q * n), d1i = random(rng, q * n);
                float[] d2r = d1r.clone(), d2i = d1i.clone();
                v.combine(n, p, q, ar, ai, off, br, bi, acc, d1r, d1i, 0);
                s.combine(n, p, q, ar, ai, off, br, bi, acc, d2r, d2i, 0);
                assertArrayEquals(d2r, d1r, "combine re acc=" + acc + " " + at);
                assertArrayEquals(d2i, d1i, "combine im acc=" + acc + " " + at);
            }

            float[] yr = random(rng, q * n + 1), yi = random(rng, q * n + 1);
            double[] g1r = new double[p * q], g1i = new double[p * q], g2r = new double[p * q], g2i = new double[p * q];
            v.conjGram(n, p, q, ar, ai, off, yr, yi, 1, g1r, g1i);
            s.conjGram(n, p, q, ar, ai, off, yr, yi, 1, g2r, g2i);
            assertArrayEquals(g2r, g1r, "conjGram re " + at);
            assertArrayEquals(g2i, g1i, "conjGram im " + at);

            double[] h1r = new double[p * p], h1i = new double[p * p], h2r = new double[p * p], h2i = new double[p * p];
            v.conjGram(n, p, p, ar, ai, off, ar, ai, off, h1r, h1i);
            s.conjGram(n, p, p, ar, ai, off, ar, ai, off, h2r, h2i);
            assertArrayEquals(h2r, h1r, "Gram re " + at);
            assertArrayEquals(h2i, h1i, "Gram im " + at);

            assertEquals(s.sumSquares(n, ar, ai, off), v.sumSquares(n, ar, ai, off), 0, "sumSquares " + at);

            float[] u1r = random(rng, n + off), u1i = random(rng, n + off);
            if (n > 20) { // special entries in some blocks: those blocks take the scalar rule
                u1r[off + 3] = 0;
                u1i[off + 3] = 0;
                u1r[off + 17] = 3e-21f;
                u1i[off + 19] = Float.NaN;
                u1r[off + n - 1] = 3e30f;
            }
            float[] u2r = u1r.clone(), u2i = u1i.clone();
            v.unitModulus(n, u1r, u1i, off);
            s.unitModulus(n, u2r, u2i, off);
            assertArrayEquals(u2r, u1r, "unitModulus re " + at);
            assertArrayEquals(u2i, u1i, "unitModulus im " + at);
        }
    }

    /** A width forced with -Disac.vector.bits is the one that runs (and says so when it is emulated). */
    @Test
    void runsTheRequestedVectorWidth() {
        int bits = KernelLoader.requestedVectorBits();
        String status = FastKernels.status();
        if (bits != 0) {
            assertTrue(status.contains("FloatVector " + bits / 32 + " lanes (" + bits + " bits"), status);
            assertTrue(status.contains("DoubleVector " + bits / 64 + " lanes (" + bits + " bits"), status);
        }
        assertEquals(status.contains("emulated"), FastKernels.vectorWidthEmulated(), status);
    }

    @Test
    void aBadVectorWidthIsAClearError() {
        String old = System.getProperty(KernelLoader.VECTOR_BITS_PROPERTY);
        try {
            System.setProperty(KernelLoader.VECTOR_BITS_PROPERTY, "384");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, KernelLoader::requestedVectorBits);
            assertTrue(e.getMessage().contains("128, 256, 512 or preferred"), e.getMessage());
            System.setProperty(KernelLoader.VECTOR_BITS_PROPERTY, " Preferred ");
            assertEquals(0, KernelLoader.requestedVectorBits());
        } finally {
            if (old == null) {
                System.clearProperty(KernelLoader.VECTOR_BITS_PROPERTY);
            } else {
                System.setProperty(KernelLoader.VECTOR_BITS_PROPERTY, old);
            }
        }
    }

    @Test
    @Tag("allocation") // also run without type profiles: see pom.xml
    void vectorKernelsAllocateNothingAfterWarmUp() {
        assumeFalse(FastKernels.vectorWidthEmulated(), "an emulated width allocates by nature: " + FastKernels.status());
        ColumnKernels ck = ColumnKernels.get();
        SplittableRandom rng = new SplittableRandom(5);
        int n = 64, k = 4;
        float[] pr = random(rng, n * n), pi = random(rng, n * n);
        float[] sr = random(rng, 3 * k * n), si = random(rng, 3 * k * n);
        float[] br = random(rng, 3 * k * k), bi = random(rng, 3 * k * k);
        float[] yr = new float[k * n], yi = new float[k * n];
        double[] gr = new double[k * k], gi = new double[k * k];
        Runnable work = () -> {
            ck.squareTimes(n, k, pr, pi, sr, si, k * n, sr, si, 2 * k * n);
            ck.combine(n, 3 * k, k, sr, si, 0, br, bi, false, yr, yi, 0);
            ck.combine(n, k, k, yr, yi, 0, br, bi, true, sr, si, k * n);
            ck.conjGram(n, k, k, sr, si, 0, yr, yi, 0, gr, gi);
            ck.unitModulus(k * n, yr, yi, 0);
            ck.scale(k * n, 0.5f, sr, si, 0);
            ck.sumSquares(k * n, yr, yi, 0);
        };
        // warm-up: at least 20 000 rounds, then on (up to 200 000) until a block of 1000 allocated (next to)
        // nothing — a Vector API kernel allocates its vectors until C2 has compiled it, and on a
        // busy machine the compiler's queue can hold it past any fixed count
        for (int block = 0; block < 200; block++) {
            long b = TestData.allocatedBytes();
            for (int i = 0; i < 1000; i++) {
                work.run();
            }
            if (block >= 19 && TestData.allocatedBytes() - b < 64) {
                break;
            }
        }
        // measured in up to 100 windows of 2000 rounds, the least counts: the JIT may still replace
        // the code it just compiled; a kernel that allocates per call allocates in every window, and
        // so does one compiled so that it allocates (two CI runs measured 3.5 MB in every window
        // after an allocation-free warm-up block, cause not established: the message now names
        // the allocating frames)
        TestData.allocatedBytes();
        long least = Long.MAX_VALUE;
        int windows = 0;
        for (; windows < 100 && least >= 2048; windows++) {
            long before = TestData.allocatedBytes();
            for (int i = 0; i < 2000; i++) {
                work.run();
            }
            least = Math.min(least, TestData.allocatedBytes() - before);
        }
        long measured = least, tried = windows;
        assertTrue(measured < 2048, () -> ck.name() + " allocated " + measured + " bytes in 2000 rounds (the least of "
                + tried + " windows), at" + TestData.allocationSites(() -> {
                    for (int i = 0; i < 2000; i++) {
                        work.run();
                    }
                }));
    }
}
