package org.isac.solver.linalg;

/**
 * The plain-Java {@link FastKernels}: the fallback when the Vector API is absent and the
 * reference the vector kernels are tested against. Each C element is a dot product over
 * k accumulated in order l = 0 … k−1, in 2 × 2 blocks of C (eight scalar accumulators)
 * for instruction-level parallelism.
 */
final class ScalarKernels implements FastKernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void gemm(int m, int n, int k, double alpha,
                     double[] ar, double[] ai, int aOff, int lda,
                     double[] br, double[] bi, int bOff, int ldb,
                     double beta, double[] cr, double[] ci, int cOff, int ldc) {
        GemmArgs.check("gemm", m, n, k, ar, ai, aOff, lda, m, k, br, bi, bOff, ldb, k, n, cr, ci, cOff, ldc);
        product(m, n, k, alpha, ar, ai, aOff, lda, 1, false, br, bi, bOff, ldb, 1, false, beta, cr, ci, cOff, ldc);
    }

    @Override
    public void gemmConjTransA(int m, int n, int k, double alpha,
                               double[] ar, double[] ai, int aOff, int lda,
                               double[] br, double[] bi, int bOff, int ldb,
                               double beta, double[] cr, double[] ci, int cOff, int ldc) {
        GemmArgs.check("gemmConjTransA", m, n, k, ar, ai, aOff, lda, k, m, br, bi, bOff, ldb, k, n, cr, ci, cOff, ldc);
        product(m, n, k, alpha, ar, ai, aOff, 1, lda, true, br, bi, bOff, ldb, 1, false, beta, cr, ci, cOff, ldc);
    }

    @Override
    public void gemmConjTransB(int m, int n, int k, double alpha,
                               double[] ar, double[] ai, int aOff, int lda,
                               double[] br, double[] bi, int bOff, int ldb,
                               double beta, double[] cr, double[] ci, int cOff, int ldc) {
        GemmArgs.check("gemmConjTransB", m, n, k, ar, ai, aOff, lda, m, k, br, bi, bOff, ldb, n, k, cr, ci, cOff, ldc);
        product(m, n, k, alpha, ar, ai, aOff, lda, 1, false, br, bi, bOff, 1, ldb, true, beta, cr, ci, cOff, ldc);
    }

    /**
     * C = α·op(A)·op(B) + β·C where op(A)(i, l) = A[aOff + i·ai_ + l·al] (conjugated when
     * conjA) and op(B)(l, j) = B[bOff + l·bl + j·bj] (conjugated when conjB).
     */
    private static void product(int m, int n, int k, double alpha,
                                double[] ar, double[] ai, int aOff, int aRow, int aStep, boolean conjA,
                                double[] br, double[] bi, int bOff, int bStep, int bCol, boolean conjB,
                                double beta, double[] cr, double[] ci, int cOff, int ldc) {
        double sa = conjA ? -1 : 1, sb = conjB ? -1 : 1;
        int i = 0;
        for (; i + 2 <= m; i += 2) {
            int a0 = aOff + i * aRow, a1 = a0 + aRow;
            int j = 0;
            for (; j + 2 <= n; j += 2) {
                int b0 = bOff + j * bCol, b1 = b0 + bCol;
                double r00 = 0, i00 = 0, r01 = 0, i01 = 0, r10 = 0, i10 = 0, r11 = 0, i11 = 0;
                for (int l = 0; l < k; l++) {
                    int la = l * aStep, lb = l * bStep;
                    double x0r = ar[a0 + la], x0i = sa * ai[a0 + la];
                    double x1r = ar[a1 + la], x1i = sa * ai[a1 + la];
                    double y0r = br[b0 + lb], y0i = sb * bi[b0 + lb];
                    double y1r = br[b1 + lb], y1i = sb * bi[b1 + lb];
                    r00 += x0r * y0r - x0i * y0i;
                    i00 += x0r * y0i + x0i * y0r;
                    r01 += x0r * y1r - x0i * y1i;
                    i01 += x0r * y1i + x0i * y1r;
                    r10 += x1r * y0r - x1i * y0i;
                    i10 += x1r * y0i + x1i * y0r;
                    r11 += x1r * y1r - x1i * y1i;
                    i11 += x1r * y1i + x1i * y1r;
                }
                int c0 = cOff + i * ldc + j, c1 = c0 + ldc;
                store(alpha, beta, cr, ci, c0, r00, i00);
                store(alpha, beta, cr, ci, c0 + 1, r01, i01);
                store(alpha, beta, cr, ci, c1, r10, i10);
                store(alpha, beta, cr, ci, c1 + 1, r11, i11);
            }
            for (; j < n; j++) {
                dot(i, j, k, alpha, ar, ai, aOff, aRow, aStep, sa, br, bi, bOff, bStep, bCol, sb, beta, cr, ci, cOff, ldc);
                dot(i + 1, j, k, alpha, ar, ai, aOff, aRow, aStep, sa, br, bi, bOff, bStep, bCol, sb, beta, cr, ci, cOff, ldc);
            }
        }
        for (; i < m; i++) {
            for (int j = 0; j < n; j++) {
                dot(i, j, k, alpha, ar, ai, aOff, aRow, aStep, sa, br, bi, bOff, bStep, bCol, sb, beta, cr, ci, cOff, ldc);
            }
        }
    }

    private static void dot(int i, int j, int k, double alpha,
                            double[] ar, double[] ai, int aOff, int aRow, int aStep, double sa,
                            double[] br, double[] bi, int bOff, int bStep, int bCol, double sb,
                            double beta, double[] cr, double[] ci, int cOff, int ldc) {
        int a0 = aOff + i * aRow, b0 = bOff + j * bCol;
        double sr = 0, si = 0;
        for (int l = 0; l < k; l++) {
            double xr = ar[a0 + l * aStep], xi = sa * ai[a0 + l * aStep];
            double yr = br[b0 + l * bStep], yi = sb * bi[b0 + l * bStep];
            sr += xr * yr - xi * yi;
            si += xr * yi + xi * yr;
        }
        store(alpha, beta, cr, ci, cOff + i * ldc + j, sr, si);
    }

    private static void store(double alpha, double beta, double[] cr, double[] ci, int c, double sr, double si) {
        if (beta == 0) {
            cr[c] = alpha * sr;
            ci[c] = alpha * si;
        } else {
            cr[c] = alpha * sr + beta * cr[c];
            ci[c] = alpha * si + beta * ci[c];
        }
    }
}
