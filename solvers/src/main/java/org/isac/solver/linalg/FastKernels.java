package org.isac.solver.linalg;

/**
 * Hot complex kernels on flat split (re, im) {@code double} arrays: general products in
 * the shapes of the hybrid PGA gradients (Ψ·X with Ψ N × N and X N × M, F·V, Hᴴ·F, G·Wᴴ)
 * and the Gram / Cholesky path of ZF and RZF.
 *
 * <p>Two implementations with the same contract: {@link #scalar()}, plain Java loops (the
 * test oracle's counterpart and the fallback), and {@link #vector()}, the JDK's Vector API
 * ({@code jdk.incubator.vector}, {@code DoubleVector.SPECIES_PREFERRED}, fused
 * multiply-add, 4-row register blocks). {@link #get()} is the vector one when the JVM was
 * started with {@code --add-modules jdk.incubator.vector} and the module links, the scalar
 * one otherwise (also when the system property {@code isac.kernels=scalar} is set). The
 * choice is made once, when this interface is first used.
 *
 * <h2>Layout</h2>
 * Every matrix is row-major in two arrays, as in {@link CMatrix}: element (r, c) of a
 * matrix stored at offset {@code off} with leading dimension {@code ld} (distance between
 * rows, ≥ the row length) is {@code re[off + r·ld + c] + j·im[off + r·ld + c]}. A
 * {@link CMatrix} is offset 0, {@code ld = cols()}. The vector implementation vectorizes
 * along the rows of B and C (the M ≤ 16 columns of X = F·V in Ψ·X), so A may be any
 * m × k matrix, square or not, Hermitian or not; partial vectors at the end of a row use
 * masks.
 *
 * <h2>Cost</h2>
 * A complex multiply-add counts 8 real flops: every product here costs 8·m·n·k flops.
 * Nothing allocates after warm-up (the vector {@code gemmConjTransB} keeps a per-thread
 * scratch of n·k elements for Bᴴ that only grows).
 *
 * <h2>Arguments</h2>
 * Only C (the output) is written; A and B are read. C must not overlap A or B (checked
 * for the same array object). With {@code beta == 0} C is not read, so it may hold
 * anything (NaN included). Shapes and ranges are checked and an
 * {@link IllegalArgumentException} names the problem.
 */
public interface FastKernels {

    /** The implementation in use: the vector one when available, else the scalar one. */
    static FastKernels get() {
        return KernelLoader.BEST;
    }

    /** The plain scalar implementation (always available). */
    static FastKernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /**
     * The Vector API implementation.
     *
     * @throws UnsupportedOperationException when {@code jdk.incubator.vector} is not
     *         available in this JVM (the message says why)
     */
    static FastKernels vector() {
        if (KernelLoader.VECTOR == null) {
            throw new UnsupportedOperationException("vector kernels unavailable: " + KernelLoader.STATUS);
        }
        return KernelLoader.VECTOR;
    }

    /** True when {@link #get()} is the Vector API implementation. */
    static boolean usingVectorApi() {
        return KernelLoader.BEST != ScalarKernels.INSTANCE;
    }

    /**
     * True when {@code -Disac.vector.bits} forces a vector width wider than this CPU's (512
     * bits on an AVX2 machine): the vector kernels then return the same results as at the
     * native width, but run element by element in Java and allocate. For tests that check
     * speed-related promises (no allocation), which hold only at a native width.
     */
    static boolean vectorWidthEmulated() {
        return KernelLoader.EMULATED && usingVectorApi();
    }

    /**
     * One line for logs and reports: which implementation {@link #get()} is and why, e.g.
     * {@code "vector: DoubleVector 4 lanes (256 bits), FMA"} or {@code "scalar:
     * jdk.incubator.vector is not in the boot layer (run with --add-modules
     * jdk.incubator.vector)"}.
     */
    static String status() {
        return KernelLoader.STATUS;
    }

    /** {@code "scalar"} or {@code "vector"}. */
    String name();

    /**
     * C = α·A·B + β·C. A is m × k, B is k × n, C is m × n (see the class comment for the
     * layout). Flops: 8·m·n·k.
     */
    void gemm(int m, int n, int k, double alpha,
              double[] ar, double[] ai, int aOff, int lda,
              double[] br, double[] bi, int bOff, int ldb,
              double beta, double[] cr, double[] ci, int cOff, int ldc);

    /**
     * C = α·Aᴴ·B + β·C. A is stored k × m (so Aᴴ is m × k), B is k × n, C is m × n: the
     * Gram matrix HᴴH, HᴴF and (N × K)ᴴ(N × M) shapes. Flops: 8·m·n·k.
     */
    void gemmConjTransA(int m, int n, int k, double alpha,
                        double[] ar, double[] ai, int aOff, int lda,
                        double[] br, double[] bi, int bOff, int ldb,
                        double beta, double[] cr, double[] ci, int cOff, int ldc);

    /**
     * C = α·A·Bᴴ + β·C. A is m × k, B is stored n × k (so Bᴴ is k × n), C is m × n: the
     * G·Wᴴ and W·Wᴴ shapes. Flops: 8·m·n·k.
     */
    void gemmConjTransB(int m, int n, int k, double alpha,
                        double[] ar, double[] ai, int aOff, int lda,
                        double[] br, double[] bi, int bOff, int ldb,
                        double beta, double[] cr, double[] ci, int cOff, int ldc);

    /** C = A·B; C is resized to a.rows() × b.cols() and must not be A or B. */
    default void mul(CMatrix a, CMatrix b, CMatrix c) {
        distinct(a, b, c);
        int m = a.rows(), k = a.cols(), n = b.cols();
        if (b.rows() != k) {
            throw new IllegalArgumentException("inner sizes differ: " + m + "x" + k + " · " + b.rows() + "x" + n);
        }
        c.resize(m, n);
        gemm(m, n, k, 1, a.re, a.im, 0, k, b.re, b.im, 0, n, 0, c.re, c.im, 0, n);
    }

    /**
     * C_s = A_s·B_s for s = 0 … count−1 (A_s m_s × k_s, B_s k_s × n_s; C_s is resized and must
     * not be A_s or B_s): the same bits as {@link #mul}{@code (a[s], b[s], c[s])} one at a time.
     * For batches of small products (one per subband of a wideband problem); the vector
     * implementation keeps a 4 × 4 B_s in registers for all rows of A_s when its vector has four
     * lanes, in the operation order of its general kernel.
     */
    default void mulEach(int count, CMatrix[] a, CMatrix[] b, CMatrix[] c) {
        for (int s = 0; s < count; s++) {
            mul(a[s], b[s], c[s]);
        }
    }

    /**
     * Factors and inverts {@code count} Hermitian k × k matrices at once, in the layout of
     * {@link BatchedCholesky} (entry-major, matrix-minor): on success each holds what
     * {@link Kernels#cholesky} followed by {@link Kernels#invertLower} leave, bit for bit (L⁻¹ in
     * the lower triangle, zeros above). {@code work} holds ≥ 4·count doubles. Returns −1, or the
     * index of a matrix that is not numerically positive definite (the contents are then
     * unspecified). The vector implementation runs L matrices per vector with the same scalar
     * operations lane by lane.
     */
    default int choleskyInvertEach(double[] re, double[] im, int k, int count, double[] work) {
        int failed = BatchedCholesky.cholesky(re, im, k, count, 0, count, work);
        if (failed < 0) {
            BatchedCholesky.invertLower(re, im, k, count, 0, count, work);
        }
        return failed;
    }

    /** C = α·A·B + β·C; C must already be a.rows() × b.cols() and must not be A or B. */
    default void mulAdd(double alpha, CMatrix a, CMatrix b, double beta, CMatrix c) {
        distinct(a, b, c);
        int m = a.rows(), k = a.cols(), n = b.cols();
        if (b.rows() != k || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("shapes differ: " + m + "x" + k + " · " + b.rows() + "x" + n
                    + " into " + c.rows() + "x" + c.cols());
        }
        gemm(m, n, k, alpha, a.re, a.im, 0, k, b.re, b.im, 0, n, beta, c.re, c.im, 0, n);
    }

    /** C = Aᴴ·B (A is p × m, B is p × n); C is resized to m × n and must not be A or B. */
    default void mulConjTransA(CMatrix a, CMatrix b, CMatrix c) {
        distinct(a, b, c);
        int k = a.rows(), m = a.cols(), n = b.cols();
        if (b.rows() != k) {
            throw new IllegalArgumentException("inner sizes differ: (" + k + "x" + m + ")ᴴ · " + b.rows() + "x" + n);
        }
        c.resize(m, n);
        gemmConjTransA(m, n, k, 1, a.re, a.im, 0, m, b.re, b.im, 0, n, 0, c.re, c.im, 0, n);
    }

    /** C = A·Bᴴ (A is m × p, B is n × p); C is resized to m × n and must not be A or B. */
    default void mulConjTransB(CMatrix a, CMatrix b, CMatrix c) {
        distinct(a, b, c);
        int m = a.rows(), k = a.cols(), n = b.rows();
        if (b.cols() != k) {
            throw new IllegalArgumentException("inner sizes differ: " + m + "x" + k + " · (" + n + "x" + b.cols() + ")ᴴ");
        }
        c.resize(m, n);
        gemmConjTransB(m, n, k, 1, a.re, a.im, 0, k, b.re, b.im, 0, k, 0, c.re, c.im, 0, n);
    }

    /**
     * Writes G = AᴴA + δ·I (A is p × k, G is k × k, Hermitian) into {@code factor} and
     * factors it in place with {@link Kernels#cholesky}: on success the lower triangle of
     * {@code factor} holds L with G = L·Lᴴ and the strict upper triangle still holds G's.
     * Flops: 8·p·k² + ≈ 4k³/3.
     *
     * @return false when G is not numerically positive definite (see {@link Kernels#cholesky})
     */
    default boolean gramCholesky(CMatrix a, double delta, CMatrix factor) {
        int k = a.cols();
        mulConjTransA(a, a, factor);
        for (int i = 0; i < k; i++) {
            factor.re[i * k + i] += delta;
            factor.im[i * k + i] = 0; // Hermitian: the rounding of the products leaves ±ulp here
        }
        return Kernels.cholesky(factor);
    }

    /**
     * G⁻¹ = L⁻ᴴ·L⁻¹ from the Cholesky factor L (lower triangle of {@code factor}, k × k).
     * {@code factor} is overwritten: on return its lower triangle holds L⁻¹ and its strict
     * upper triangle zeros. {@code inverse} is resized to k × k and receives the full
     * Hermitian G⁻¹. Flops: ≈ 4k³/3 (L⁻¹) + 8k³ (L⁻ᴴ·L⁻¹ as a full product).
     */
    default void choleskyInverse(CMatrix factor, CMatrix inverse) {
        int k = factor.rows();
        if (factor.cols() != k) {
            throw new IllegalArgumentException("factor must be square, got " + k + "x" + factor.cols());
        }
        Kernels.invertLower(factor);
        mulConjTransA(factor, factor, inverse);
    }

    /**
     * X = H·(HᴴH + δ·I)⁻¹, the regularized right inverse of Hᴴ (H is n × k with k ≤ n for
     * δ = 0): zero forcing for δ = 0, RZF for δ &gt; 0. {@code x} is resized to n × k;
     * {@code factor} and {@code inverse} are k × k workspaces (overwritten; on return
     * {@code inverse} holds (HᴴH + δI)⁻¹). Flops: 16·n·k² + ≈ 8k³/3 + 8k³.
     *
     * @return false when HᴴH + δI is not numerically positive definite; x is then unspecified
     */
    default boolean regularizedPinv(CMatrix h, double delta, CMatrix x, CMatrix factor, CMatrix inverse) {
        if (!gramCholesky(h, delta, factor)) {
            return false;
        }
        choleskyInverse(factor, inverse);
        mul(h, inverse, x);
        return true;
    }

    /** Refuses an output that is one of the inputs (before it is resized). */
    private static void distinct(CMatrix a, CMatrix b, CMatrix c) {
        if (c == a || c == b) {
            throw new IllegalArgumentException("the output matrix must not be an input");
        }
    }
}
