package org.isac.solver.linalg;

/**
 * The plain-Java {@link ColumnKernels}: the fallback without the Vector API and the oracle
 * the vector kernels are tested against. It does the reference arithmetic of
 * {@link ColumnKernels} operation for operation ({@link Math#fma} where a vector lane fuses,
 * the reductions on {@link #V} virtual lanes), so {@link VectorColumnKernels} at any width
 * returns the same bits. Its row-range and finishing methods also do the rows that do not
 * fill a vector in {@link VectorColumnKernels}.
 */
final class ScalarColumnKernels implements ColumnKernels {
    static final ScalarColumnKernels INSTANCE = new ScalarColumnKernels();

    /**
     * Virtual lanes of the reductions ({@link #conjGram}, {@link #sumSquares}): the float lanes
     * of the widest vector the kernels use (512 bits), so that every width (4, 8 or 16 lanes)
     * adds the same partial sums in the same order.
     */
    static final int V = 16;

    /** Per-thread room for two sets of virtual lanes. */
    private final ThreadLocal<float[]> lanes = ThreadLocal.withInitial(() -> new float[2 * V]);

    private ScalarColumnKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void squareTimes(int n, int k, float[] pr, float[] pi,
                            float[] xr, float[] xi, int xOff, float[] cr, float[] ci, int cOff) {
        squareTimesRows(0, n, n, k, pr, pi, xr, xi, xOff, cr, ci, cOff);
    }

    /** {@link #squareTimes} for rows r0 … r1−1 of C only. */
    static void squareTimesRows(int r0, int r1, int n, int k, float[] pr, float[] pi,
                                float[] xr, float[] xi, int xOff, float[] cr, float[] ci, int cOff) {
        for (int c = 0; c < k; c++) {
            int x = xOff + c * n, o = cOff + c * n;
            for (int r = r0; r < r1; r++) {
                float sr = 0, si = 0;
                for (int j = 0, p = r; j < n; j++, p += n) {
                    float ar = pr[p], ai = pi[p], br = xr[x + j], bi = xi[x + j];
                    sr = Math.fma(ar, br, sr);
                    si = Math.fma(ai, br, si);
                    sr = Math.fma(-ai, bi, sr);
                    si = Math.fma(ar, bi, si);
                }
                cr[o + r] = sr;
                ci[o + r] = si;
            }
        }
    }

    @Override
    public void combine(int n, int p, int q, float[] ar, float[] ai, int aOff,
                        float[] br, float[] bi, boolean accumulate, float[] cr, float[] ci, int cOff) {
        combineRows(0, n, n, p, q, ar, ai, aOff, br, bi, accumulate, cr, ci, cOff);
    }

    /** {@link #combine} for rows r0 … r1−1 of C only. */
    static void combineRows(int r0, int r1, int n, int p, int q, float[] ar, float[] ai, int aOff,
                            float[] br, float[] bi, boolean accumulate, float[] cr, float[] ci, int cOff) {
        for (int c = 0; c < q; c++) {
            int o = cOff + c * n;
            for (int r = r0; r < r1; r++) {
                float sr = accumulate ? cr[o + r] : 0, si = accumulate ? ci[o + r] : 0;
                for (int a = 0; a < p; a++) {
                    float xr = ar[aOff + a * n + r], xi = ai[aOff + a * n + r];
                    float yr = br[a * q + c], yi = bi[a * q + c];
                    sr = Math.fma(xr, yr, sr);
                    si = Math.fma(xi, yr, si);
                    sr = Math.fma(xi, -yi, sr);
                    si = Math.fma(xr, yi, si);
                }
                cr[o + r] = sr;
                ci[o + r] = si;
            }
        }
    }

    @Override
    public void conjGram(int n, int p, int q, float[] ar, float[] ai, int aOff,
                         float[] br, float[] bi, int bOff, double[] gr, double[] gi) {
        int n16 = n - n % V;
        float[] room = lanes.get();
        boolean gram = isGram(p, q, ar, ai, aOff, br, bi, bOff);
        for (int a = 0; a < p; a++) {
            for (int c = gram ? a : 0; c < q; c++) {
                int x = aOff + a * n, y = bOff + c * n;
                for (int v = 0; v < V; v++) {
                    float lr = 0, li = 0;
                    for (int r = v; r < n16; r += V) {
                        float xr = ar[x + r], xi = ai[x + r], yr = br[y + r], yi = bi[y + r];
                        lr = Math.fma(xr, yr, lr);
                        lr = Math.fma(xi, yi, lr);
                        li = Math.fma(xr, yi, li);
                        li = Math.fma(-xi, yr, li);
                    }
                    room[v] = lr;
                    room[V + v] = li;
                }
                finishConjDot(n16, n, ar, ai, x, br, bi, y, fold(room, 0), fold(room, V), gr, gi, a * q + c);
            }
        }
        if (gram) {
            mirror(p, gr, gi);
        }
    }

    /** True when G = AᴴB is the Gram matrix AᴴA: the same arrays and offset, p == q. */
    static boolean isGram(int p, int q, float[] ar, float[] ai, int aOff, float[] br, float[] bi, int bOff) {
        return p == q && ar == br && ai == bi && aOff == bOff;
    }

    /** Completes a Gram matrix from its upper triangle: G(c, a) = conj(G(a, c)), real diagonal. */
    static void mirror(int p, double[] gr, double[] gi) {
        for (int a = 0; a < p; a++) {
            gi[a * p + a] = 0;
            for (int c = a + 1; c < p; c++) {
                gr[c * p + a] = gr[a * p + c];
                gi[c * p + a] = -gi[a * p + c];
            }
        }
    }

    /**
     * One entry of {@link #conjGram} from the folded sums ({@link #fold}) of its virtual
     * lanes' real and imaginary chains and the rows from {@code n16} (a multiple of
     * {@link #V}) to n: Re = fr + tail, Im = fi + tail, in double.
     */
    static void finishConjDot(int n16, int n, float[] ar, float[] ai, int x, float[] br, float[] bi, int y,
                              float fr, float fi, double[] gr, double[] gi, int o) {
        float lr = 0, li = 0;
        for (int r = n16; r < n; r++) {
            float xr = ar[x + r], xi = ai[x + r], yr = br[y + r], yi = bi[y + r];
            lr = Math.fma(xr, yr, lr);
            lr = Math.fma(xi, yi, lr);
            li = Math.fma(xr, yi, li);
            li = Math.fma(-xi, yr, li);
        }
        gr[o] = (double) fr + lr;
        gi[o] = (double) fi + li;
    }

    /**
     * The sum of the {@link #V} virtual lanes at {@code s[o …]}, as a fixed tree in float:
     * lane v + lane v+8, then + v+4, + v+2, + v+1 (the pairs a vector folds in halves).
     */
    static float fold(float[] s, int o) {
        float t0 = s[o] + s[o + 8], t1 = s[o + 1] + s[o + 9], t2 = s[o + 2] + s[o + 10], t3 = s[o + 3] + s[o + 11];
        float t4 = s[o + 4] + s[o + 12], t5 = s[o + 5] + s[o + 13], t6 = s[o + 6] + s[o + 14], t7 = s[o + 7] + s[o + 15];
        float u0 = t0 + t4, u1 = t1 + t5, u2 = t2 + t6, u3 = t3 + t7;
        return (u0 + u2) + (u1 + u3);
    }

    @Override
    public void unitModulus(int len, float[] re, float[] im, int off) {
        for (int i = off, end = off + len; i < end; i++) {
            unitModulus(re, im, i);
        }
    }

    /**
     * x ← x/|x| for entry i: in float, a = √fma(x, x, y·y), when that square is a normal
     * float; otherwise an exact zero becomes 1, NaN stays NaN, and tiny or huge entries are
     * scaled in double (their float square would underflow or overflow).
     */
    static void unitModulus(float[] re, float[] im, int i) {
        float x = re[i], y = im[i];
        float s = Math.fma(x, x, y * y);
        if (s >= Float.MIN_NORMAL && s <= Float.MAX_VALUE) {
            float a = (float) Math.sqrt(s);
            re[i] = x / a;
            im[i] = y / a;
        } else if (x == 0 && y == 0) {
            re[i] = 1;
        } else {
            double a = Math.sqrt((double) x * x + (double) y * y);
            re[i] = (float) (x / a);
            im[i] = (float) (y / a);
        }
    }

    @Override
    public double sumSquares(int len, float[] re, float[] im, int off) {
        int end16 = off + len - len % V;
        float[] room = lanes.get();
        for (int v = 0; v < V; v++) {
            float s = 0;
            for (int i = off + v; i < end16; i += V) {
                s = Math.fma(re[i], re[i], s);
                s = Math.fma(im[i], im[i], s);
            }
            room[v] = s;
        }
        return finishSumSquares(fold(room, 0), end16, off + len, re, im);
    }

    /** Adds the entries from {@code from} to {@code end} of {@link #sumSquares} to the lanes' sum t (in double). */
    static double finishSumSquares(double t, int from, int end, float[] re, float[] im) {
        for (int i = from; i < end; i++) {
            t += re[i] * re[i] + im[i] * im[i];
        }
        return t;
    }

    @Override
    public void scale(int len, float s, float[] re, float[] im, int off) {
        for (int i = off, end = off + len; i < end; i++) {
            re[i] *= s;
            im[i] *= s;
        }
    }
}
