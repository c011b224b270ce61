package org.isac.solver.linalg;

/**
 * Single-precision complex kernels on column-major split (re, im) {@code float} arrays, for
 * solvers whose iterate is a tall N × p matrix with few columns (the hybrid PGA's F, X = FW,
 * Ψ·X at N = 64, p = 4). Column c of an n-row matrix stored at offset {@code off} is
 * {@code re[off + c·n … off + c·n + n − 1]} (and the same in {@code im}): every column is
 * one contiguous run, so the kernels vectorize along the rows and a product by a small
 * p × q coefficient matrix is a few fused multiply-adds per row block.
 *
 * <p>Two implementations with the same contract: {@link #scalar()}, plain loops (the test
 * oracle and the fallback), and {@link #vector()}, the JDK's Vector API (the CPU's preferred
 * width up to 512 bits, or {@code -Disac.vector.bits=128|256|512}; fused multiply-add).
 * {@link #get()} picks the vector one under the same rule as {@link FastKernels#get()}
 * ({@code --add-modules jdk.incubator.vector}, {@code -Disac.kernels=scalar} to force the
 * scalar one).
 *
 * <h2>Reference arithmetic: the same bits everywhere</h2>
 * Every output is defined by one sequence of float operations, which both implementations
 * and every vector width perform exactly, so a result does not depend on the CPU's vector
 * width, on the JIT's state or on the implementation:
 * <ul>
 *   <li>products ({@link #squareTimes}, {@link #combine}): per output element, fused
 *       multiply-adds over the inner index in increasing order, four per complex term
 *       (re += ar·br, im += ai·br, re += −ai·bi, im += ar·bi);</li>
 *   <li>reductions ({@link #conjGram}, {@link #sumSquares}): 16 virtual lanes, lane v
 *       accumulating rows v, v + 16, v + 32, … below the last multiple of 16 by fused
 *       multiply-adds in float (conjGram: re += xr·yr, re += xi·yi, im += xr·yi,
 *       im += −xi·yr); the 16 lanes folded in float by one fixed tree (v + v+8, then + v+4,
 *       + v+2, + v+1); then the remaining rows, added in double;</li>
 *   <li>{@link #unitModulus}: x/√fma(x, x, y·y) in float where that square is a normal
 *       float, otherwise in double.</li>
 * </ul>
 * No {@code reduceLanes(ADD)} is used: the Vector API leaves the order of that sum open, and
 * it differs between the interpreter, C2 and vector widths.
 *
 * <p>Arrays are read and written without shape checks beyond what the JVM's bounds checks
 * give: these are inner-loop kernels whose callers own the layout. Nothing allocates.
 * A complex multiply-add counts 8 real flops.
 */
public interface ColumnKernels {

    /** The implementation in use: the vector one when available, else the scalar one. */
    static ColumnKernels get() {
        return KernelLoader.BEST_COLUMNS;
    }

    /** The plain scalar implementation (always available). */
    static ColumnKernels scalar() {
        return ScalarColumnKernels.INSTANCE;
    }

    /**
     * The Vector API implementation.
     *
     * @throws UnsupportedOperationException when {@code jdk.incubator.vector} is not
     *         available in this JVM (the message says why)
     */
    static ColumnKernels vector() {
        if (KernelLoader.VECTOR_COLUMNS == null) {
            throw new UnsupportedOperationException("vector column kernels unavailable: " + KernelLoader.STATUS);
        }
        return KernelLoader.VECTOR_COLUMNS;
    }

    /** {@code "scalar"} or {@code "vector"}. */
    String name();

    /**
     * C = P·X: P is n × n column-major ({@code P(r, j) = pr[j·n + r]}), X is n × k at
     * {@code xOff}, C is n × k at {@code cOff}. C may live in the same arrays as X but must
     * not overlap it. Flops: 8·n²·k.
     */
    void squareTimes(int n, int k, float[] pr, float[] pi,
                     float[] xr, float[] xi, int xOff, float[] cr, float[] ci, int cOff);

    /**
     * C = A·B, or C += A·B when {@code accumulate}: A is n × p at {@code aOff}, B is a small
     * p × q coefficient matrix stored row-major ({@code B(a, c) = br[a·q + c]}), C is n × q at
     * {@code cOff} and must not overlap A. Flops: 8·n·p·q.
     */
    void combine(int n, int p, int q, float[] ar, float[] ai, int aOff,
                 float[] br, float[] bi, boolean accumulate, float[] cr, float[] ci, int cOff);

    /**
     * G = Aᴴ·B: A is n × p at {@code aOff}, B is n × q at {@code bOff}; G is p × q row-major
     * in double ({@code G(a, c) = gr[a·q + c]}), accumulated in float on 16 virtual lanes
     * (see the class comment). When B is A (same arrays and offset, p = q), only the upper
     * triangle is computed and G is made exactly Hermitian (real diagonal). Flops: 8·n·p·q.
     */
    void conjGram(int n, int p, int q, float[] ar, float[] ai, int aOff,
                  float[] br, float[] bi, int bOff, double[] gr, double[] gi);

    /**
     * Unit-modulus projection x ← x/|x| of {@code len} entries from {@code off}; an exact zero
     * becomes 1, a NaN stays NaN. Flops: ≈ 5 per entry plus a square root.
     */
    void unitModulus(int len, float[] re, float[] im, int off);

    /** Σ |x|² over {@code len} entries from {@code off}, returned in double. Flops: 4·len. */
    double sumSquares(int len, float[] re, float[] im, int off);

    /** x ← s·x over {@code len} entries from {@code off}. Flops: 2·len. */
    void scale(int len, float s, float[] re, float[] im, int off);
}
