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
 * oracle and the fallback), and {@link #vector()}, the JDK's Vector API
 * ({@code FloatVector.SPECIES_PREFERRED}, fused multiply-add). {@link #get()} picks the vector
 * one under the same rule as {@link FastKernels#get()} ({@code --add-modules
 * jdk.incubator.vector}, {@code -Disac.kernels=scalar} to force the scalar one).
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
     * in double ({@code G(a, c) = gr[a·q + c]}), accumulated in float per lane. Flops: 8·n·p·q.
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
