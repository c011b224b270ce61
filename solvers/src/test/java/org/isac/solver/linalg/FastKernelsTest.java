package org.isac.solver.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.isac.solver.ChildJvm;
import org.isac.solver.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every {@link FastKernels} operation of both implementations against the plain
 * {@link Kernels} oracle, on odd shapes, offsets and leading dimensions.
 */
@Tag("vector-width")
class FastKernelsTest {
    /** Componentwise relative tolerance: |C − C_ref| ≤ TOL·(|α|·(|A|·|B|) + |β|·|C₀|). */
    private static final double TOL = 1e-12;
    private static final int[] SIZES = {1, 3, 17, 64, 65};

    enum Op { N, CONJ_A, CONJ_B }

    static List<FastKernels> implementations() {
        List<FastKernels> list = new ArrayList<>();
        list.add(FastKernels.scalar());
        if (KernelLoader.VECTOR != null) {
            list.add(FastKernels.vector());
        }
        return list;
    }

    @Test
    void buildRunsTheVectorKernels() {
        // the parent pom passes --add-modules jdk.incubator.vector to the test JVM
        assertTrue(FastKernels.usingVectorApi(), FastKernels.status());
        assertEquals("vector", FastKernels.get().name());
        assertTrue(FastKernels.status().startsWith("vector: DoubleVector"), FastKernels.status());
        assertSame(ScalarKernels.INSTANCE, FastKernels.scalar());
    }

    @Test
    void productsMatchTheOracleOnOddShapes() {
        SplittableRandom rng = new SplittableRandom(21);
        for (FastKernels fk : implementations()) {
            for (Op op : Op.values()) {
                for (int m : SIZES) {
                    for (int k : SIZES) {
                        for (int n = 1; n <= 8; n++) {
                            double alpha = 1, beta = 0;
                            switch (rng.nextInt(3)) {
                                case 1 -> beta = 1;
                                case 2 -> {
                                    alpha = rng.nextDouble(-2, 2);
                                    beta = rng.nextDouble(-2, 2);
                                }
                                default -> { }
                            }
                            checkProduct(fk, op, m, n, k, alpha, beta, rng, false);
                        }
                    }
                }
                for (int n : new int[] {12, 16}) {
                    checkProduct(fk, op, 64, n, 64, 1, 0, rng, false);
                    checkProduct(fk, op, 65, n, 17, 0.5, -1, rng, true);
                }
            }
        }
    }

    @Test
    void offsetsAndLeadingDimensionsLeaveTheRestAlone() {
        SplittableRandom rng = new SplittableRandom(22);
        for (FastKernels fk : implementations()) {
            for (Op op : Op.values()) {
                for (int[] s : new int[][] {{5, 3, 7}, {17, 6, 3}, {64, 4, 64}, {3, 9, 2}, {8, 5, 1}}) {
                    checkProduct(fk, op, s[0], s[1], s[2], 1.5, 0.25, rng, true);
                    checkProduct(fk, op, s[0], s[1], s[2], 1, 0, rng, true);
                }
            }
        }
    }

    @Test
    void zeroInnerSizeScalesC() {
        for (FastKernels fk : implementations()) {
            double[] cr = {1, 2, 3, 4}, ci = {-1, -2, -3, -4};
            fk.gemm(2, 2, 0, 1, new double[0], new double[0], 0, 0, new double[0], new double[0], 0, 2, 0.5, cr, ci, 0, 2);
            assertEquals(2.0, cr[3], 0);
            assertEquals(-0.5, ci[0], 0);
            fk.gemmConjTransA(2, 2, 0, 1, new double[0], new double[0], 0, 2, new double[0], new double[0], 0, 2, 0, cr, ci, 0, 2);
            assertEquals(0.0, cr[1], 0);
        }
    }

    @Test
    void cMatrixConveniencesMatchKernels() {
        SplittableRandom rng = new SplittableRandom(23);
        for (FastKernels fk : implementations()) {
            CMatrix a = TestData.gaussian(rng, 17, 5), b = TestData.gaussian(rng, 5, 3);
            CMatrix h = TestData.gaussian(rng, 17, 3), w = TestData.gaussian(rng, 4, 5);
            CMatrix c = new CMatrix(), ref = new CMatrix();
            fk.mul(a, b, c);
            Kernels.mul(a, b, ref);
            assertNormwise(ref, c);
            fk.mulConjTransA(a, h, c);
            Kernels.mulConjTransA(a, h, ref);
            assertNormwise(ref, c);
            fk.mulConjTransB(a, w, c); // (17×5)·(4×5)ᴴ
            Kernels.mul(a, conjTranspose(w), ref);
            assertNormwise(ref, c);
            CMatrix acc = new CMatrix().copyFrom(ref);
            fk.mulAdd(-1, a, conjTranspose(w), 1, acc);
            assertTrue(Math.sqrt(acc.frobeniusNorm2()) < 1e-12 * Math.sqrt(ref.frobeniusNorm2()));
            assertThrows(IllegalArgumentException.class, () -> fk.mul(a, a, new CMatrix()));
            assertThrows(IllegalArgumentException.class, () -> fk.mulConjTransA(a, a, a)); // output is an input
            assertEquals(17, a.rows(), "a refused output is not resized");
            assertThrows(IllegalArgumentException.class, () -> fk.mulAdd(1, a, b, 1, new CMatrix(3, 3)));
        }
    }

    @Test
    void rejectsBadArguments() {
        for (FastKernels fk : implementations()) {
            double[] x = new double[16], y = new double[16];
            // C overlapping A
            assertThrows(IllegalArgumentException.class, () -> fk.gemm(2, 2, 2, 1, x, y, 0, 2, new double[4], new double[4], 0, 2, 0, x, new double[4], 0, 2));
            // disjoint ranges of one array are fine
            fk.gemm(2, 2, 2, 1, x, y, 0, 2, new double[4], new double[4], 0, 2, 0, x, y, 8, 2);
            // too short, bad leading dimension, negative size
            assertThrows(IllegalArgumentException.class, () -> fk.gemm(4, 4, 4, 1, new double[15], new double[16], 0, 4, x, y, 0, 4, 0, new double[16], new double[16], 0, 4));
            assertThrows(IllegalArgumentException.class, () -> fk.gemmConjTransA(2, 2, 2, 1, x, y, 0, 1, x, y, 0, 2, 0, new double[4], new double[4], 0, 2));
            assertThrows(IllegalArgumentException.class, () -> fk.gemmConjTransB(-1, 2, 2, 1, x, y, 0, 2, x, y, 0, 2, 0, new double[4], new double[4], 0, 2));
        }
    }

    @Test
    void gramCholeskyAndInverseMatchKernels() {
        SplittableRandom rng = new SplittableRandom(24);
        for (FastKernels fk : implementations()) {
            for (int[] s : new int[][] {{1, 1}, {3, 1}, {3, 3}, {17, 4}, {17, 16}, {64, 4}, {64, 16}, {65, 8}}) {
                int n = s[0], k = s[1];
                double delta = n < 2 * k ? 0.5 : rng.nextBoolean() ? 0 : 0.3;
                CMatrix h = TestData.gaussian(rng, n, k);
                CMatrix g = new CMatrix(), refG = new CMatrix();
                assertTrue(fk.gramCholesky(h, delta, g));
                Kernels.mulConjTransA(h, h, refG);
                for (int i = 0; i < k; i++) {
                    refG.re[i * k + i] += delta;
                }
                CMatrix refL = new CMatrix().copyFrom(refG);
                assertTrue(Kernels.cholesky(refL));
                assertLowerClose(refL, g, k);
                // the inverse against two triangular solves on the identity
                CMatrix inv = new CMatrix(), refInv = new CMatrix(k, k);
                for (int i = 0; i < k; i++) {
                    refInv.re[i * k + i] = 1;
                }
                Kernels.choleskySolve(refL, refInv);
                fk.choleskyInverse(g, inv);
                assertNormwise(refInv, inv);
                // X = H (HᴴH + δI)⁻¹ against Kernels.mul(h, refInv)
                CMatrix x = new CMatrix(), refX = new CMatrix();
                assertTrue(fk.regularizedPinv(h, delta, x, g, inv));
                Kernels.mul(h, refInv, refX);
                assertNormwise(refX, x);
            }
            CMatrix twin = new CMatrix(4, 2); // identical columns: HᴴH singular
            twin.set(0, 0, 1, 0);
            twin.set(0, 1, 1, 0);
            assertFalse(fk.gramCholesky(twin, 0, new CMatrix()));
            assertFalse(fk.regularizedPinv(twin, 0, new CMatrix(), new CMatrix(), new CMatrix()));
            assertTrue(fk.regularizedPinv(twin, 1e-3, new CMatrix(), new CMatrix(), new CMatrix()));
        }
    }

    private static void repeat(Runnable work, int times) {
        for (int i = 0; i < times; i++) {
            work.run();
        }
    }

    @Test
    @Tag("allocation") // also run without type profiles: see pom.xml
    void vectorKernelsAllocateNothingAfterWarmUp() {
        assumeFalse(FastKernels.vectorWidthEmulated(), "an emulated vector width allocates by nature: " + FastKernels.status());
        FastKernels fk = FastKernels.get();
        SplittableRandom rng = new SplittableRandom(25);
        CMatrix psi = TestData.gaussian(rng, 64, 64), x = TestData.gaussian(rng, 64, 4);
        CMatrix h = TestData.gaussian(rng, 64, 4), w = TestData.gaussian(rng, 4, 4);
        CMatrix x3 = TestData.gaussian(rng, 65, 3), c = new CMatrix(64, 4), small = new CMatrix(4, 4);
        CMatrix c3 = new CMatrix(), g = new CMatrix(), inv = new CMatrix(), z = new CMatrix();
        Runnable work = () -> {
            fk.mul(psi, x, c);                   // Ψ·X
            fk.mulAdd(0.5, h, w, 1, c);          // C += ½·F·V
            fk.mulConjTransA(h, x, small);       // HᴴF
            fk.mulConjTransB(h, w, c);           // G·Wᴴ
            fk.mulConjTransA(x3, x3, c3);        // masked panels (3 columns), 65 rows
            fk.regularizedPinv(h, 0.1, z, g, inv);
        };
        // steady state: a window measured while the JIT still recompiles (late in a long test run, a
        // kernel can be deoptimised and run without escape analysis for a while) is measured again
        // after more warm-up, up to three times
        long allocated = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 3 && allocated >= 2048; attempt++) {
            for (int i = 0; i < 20_000; i++) {
                work.run();
            }
            TestData.allocatedBytes();
            long before = TestData.allocatedBytes();
            for (int i = 0; i < 5_000; i++) {
                work.run();
            }
            allocated = TestData.allocatedBytes() - before;
        }
        long measured = allocated;
        assertTrue(measured < 2048, () -> fk.name() + " kernels allocated " + measured + " bytes in 5000 rounds, at"
                + TestData.allocationSites(() -> repeat(work, 5_000)));
    }

    @Test
    void withoutTheModuleTheScalarKernelsAreUsed() throws Exception {
        String out = runProbe(List.of());
        assertTrue(out.contains("vector=false"), out);
        assertTrue(out.contains("not in the boot layer"), out);
        assertTrue(out.contains("name=scalar"), out);
        String forced = runProbe(List.of("--add-modules", "jdk.incubator.vector", "-Disac.kernels=scalar"));
        assertTrue(forced.contains("vector=false") && forced.contains("name=scalar"), forced);
        String with = runProbe(List.of("--add-modules", "jdk.incubator.vector"));
        assertTrue(with.contains("vector=true") && with.contains("name=vector"), with);
        // the same product either way (to rounding)
        assertEquals(value(out, "sum="), value(with, "sum="), 1e-9);
    }

    /** Prints the loader's choice and a checksum of a product; run in a fresh JVM by the test above. */
    public static final class Probe {
        public static void main(String[] args) {
            SplittableRandom rng = new SplittableRandom(5);
            CMatrix a = TestData.gaussian(rng, 9, 7), b = TestData.gaussian(rng, 7, 3), c = new CMatrix();
            FastKernels.get().mul(a, b, c);
            double sum = 0;
            for (int i = 0; i < c.size(); i++) {
                sum += c.re[i] + 3 * c.im[i];
            }
            System.out.println("vector=" + FastKernels.usingVectorApi() + " name=" + FastKernels.get().name()
                    + " sum=" + sum + " status=" + FastKernels.status());
        }
    }

    private static String runProbe(List<String> jvmArgs) throws IOException, InterruptedException {
        return ChildJvm.run(Probe.class, jvmArgs, 60);
    }

    private static double value(String out, String key) {
        int i = out.indexOf(key) + key.length();
        return Double.parseDouble(out.substring(i, out.indexOf(' ', i)));
    }

    // ---- reference products via Kernels

    /**
     * Runs one product of {@code fk} and compares it with Kernels. With {@code padded}, the
     * operands sit at offsets inside larger arrays with leading dimensions beyond their
     * widths, and everything of C's array outside the m × n block must stay untouched.
     */
    private static void checkProduct(FastKernels fk, Op op, int m, int n, int k, double alpha, double beta,
                                     SplittableRandom rng, boolean padded) {
        // stored shapes
        int aRows = op == Op.CONJ_A ? k : m, aCols = op == Op.CONJ_A ? m : k;
        int bRows = op == Op.CONJ_B ? n : k, bCols = op == Op.CONJ_B ? k : n;
        CMatrix a = TestData.gaussian(rng, aRows, aCols), b = TestData.gaussian(rng, bRows, bCols);
        CMatrix c0 = TestData.gaussian(rng, m, n);
        Strided sa = Strided.of(a, padded, rng), sb = Strided.of(b, padded, rng), sc = Strided.of(c0, padded, rng);
        if (beta == 0) {
            sc.fillBlock(Double.NaN); // C must not be read
        }
        double[] cr = sc.re.clone(), ci = sc.im.clone();
        switch (op) {
            case N -> fk.gemm(m, n, k, alpha, sa.re, sa.im, sa.off, sa.ld, sb.re, sb.im, sb.off, sb.ld, beta, cr, ci, sc.off, sc.ld);
            case CONJ_A -> fk.gemmConjTransA(m, n, k, alpha, sa.re, sa.im, sa.off, sa.ld, sb.re, sb.im, sb.off, sb.ld, beta, cr, ci, sc.off, sc.ld);
            case CONJ_B -> fk.gemmConjTransB(m, n, k, alpha, sa.re, sa.im, sa.off, sa.ld, sb.re, sb.im, sb.off, sb.ld, beta, cr, ci, sc.off, sc.ld);
        }
        // oracle: op(A)·op(B) with Kernels, and the magnitudes |op(A)|·|op(B)| for the bound
        CMatrix opA = op == Op.CONJ_A ? conjTranspose(a) : a, opB = op == Op.CONJ_B ? conjTranspose(b) : b;
        CMatrix p = new CMatrix(), mag = new CMatrix();
        Kernels.mul(opA, opB, p);
        Kernels.mul(abs(opA), abs(opB), mag);
        String what = fk.name() + " " + op + " m=" + m + " n=" + n + " k=" + k + " α=" + alpha + " β=" + beta + (padded ? " padded" : "");
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int at = sc.off + i * sc.ld + j;
                double c0r = beta == 0 ? 0 : c0.re(i, j), c0i = beta == 0 ? 0 : c0.im(i, j);
                double er = alpha * p.re(i, j) + beta * c0r, ei = alpha * p.im(i, j) + beta * c0i;
                double bound = TOL * (Math.abs(alpha) * mag.re(i, j) + Math.abs(beta) * Math.hypot(c0r, c0i)) + Double.MIN_NORMAL;
                if (!(Math.abs(cr[at] - er) <= bound) || !(Math.abs(ci[at] - ei) <= bound)) {
                    fail(what + ": C(" + i + "," + j + ") = " + cr[at] + "+j" + ci[at] + ", expected " + er + "+j" + ei);
                }
            }
        }
        sc.assertOutsideUntouched(cr, ci, m, n, what);
    }

    /** A matrix copied into larger arrays at an offset with a leading dimension. */
    private record Strided(double[] re, double[] im, int off, int ld, int rows, int cols) {
        static Strided of(CMatrix x, boolean padded, SplittableRandom rng) {
            int rows = x.rows(), cols = x.cols();
            int off = padded ? 1 + rng.nextInt(5) : 0, ld = padded ? cols + rng.nextInt(4) : cols;
            int len = off + Math.max(0, (rows - 1) * ld + cols) + (padded ? rng.nextInt(3) : 0);
            double[] re = new double[len], im = new double[len];
            for (int i = 0; i < len; i++) { // sentinels everywhere
                re[i] = 1000 + i;
                im[i] = -1000 - i;
            }
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    re[off + r * ld + c] = x.re(r, c);
                    im[off + r * ld + c] = x.im(r, c);
                }
            }
            return new Strided(re, im, off, ld, rows, cols);
        }

        void fillBlock(double v) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    re[off + r * ld + c] = v;
                    im[off + r * ld + c] = v;
                }
            }
        }

        void assertOutsideUntouched(double[] cr, double[] ci, int m, int n, String what) {
            for (int i = 0; i < re.length; i++) {
                int r = (i - off) / ld, c = (i - off) % ld;
                boolean inside = i >= off && r < m && c < n;
                if (!inside && (Double.doubleToLongBits(cr[i]) != Double.doubleToLongBits(re[i])
                        || Double.doubleToLongBits(ci[i]) != Double.doubleToLongBits(im[i]))) {
                    fail(what + ": element " + i + " outside C changed");
                }
            }
        }
    }

    static CMatrix conjTranspose(CMatrix x) {
        CMatrix t = new CMatrix(x.cols(), x.rows());
        for (int r = 0; r < x.rows(); r++) {
            for (int c = 0; c < x.cols(); c++) {
                t.set(c, r, x.re(r, c), -x.im(r, c));
            }
        }
        return t;
    }

    /** Entrywise modulus as a real matrix. */
    static CMatrix abs(CMatrix x) {
        CMatrix t = new CMatrix(x.rows(), x.cols());
        for (int i = 0; i < x.size(); i++) {
            t.re[i] = Math.hypot(x.re[i], x.im[i]);
        }
        return t;
    }

    static void assertNormwise(CMatrix expected, CMatrix actual) {
        assertEquals(expected.rows(), actual.rows());
        assertEquals(expected.cols(), actual.cols());
        double d = 0;
        for (int i = 0; i < expected.size(); i++) {
            d += sq(expected.re[i] - actual.re[i]) + sq(expected.im[i] - actual.im[i]);
        }
        double rel = Math.sqrt(d / expected.frobeniusNorm2());
        assertTrue(rel <= TOL, "relative error " + rel);
    }

    private static void assertLowerClose(CMatrix expected, CMatrix actual, int k) {
        CMatrix e = new CMatrix(k, k), a = new CMatrix(k, k);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                e.set(i, j, expected.re(i, j), expected.im(i, j));
                a.set(i, j, actual.re(i, j), actual.im(i, j));
            }
        }
        assertNormwise(e, a);
    }

    private static double sq(double v) {
        return v * v;
    }
}
