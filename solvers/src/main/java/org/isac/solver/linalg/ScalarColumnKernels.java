package org.isac.solver.linalg;

/**
 * The plain-Java {@link ColumnKernels}: the fallback without the Vector API and the oracle
 * the vector kernels are tested against. The row-range methods also finish the rows that
 * do not fill a vector in {@link VectorColumnKernels}.
 */
final class ScalarColumnKernels implements ColumnKernels {
    static final ScalarColumnKernels INSTANCE = new ScalarColumnKernels();

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
                    sr += ar * br - ai * bi;
                    si += ar * bi + ai * br;
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
                    sr += xr * yr - xi * yi;
                    si += xr * yi + xi * yr;
                }
                cr[o + r] = sr;
                ci[o + r] = si;
            }
        }
    }

    @Override
    public void conjGram(int n, int p, int q, float[] ar, float[] ai, int aOff,
                         float[] br, float[] bi, int bOff, double[] gr, double[] gi) {
        for (int a = 0; a < p; a++) {
            for (int c = 0; c < q; c++) {
                gr[a * q + c] = 0;
                gi[a * q + c] = 0;
            }
        }
        conjGramRows(0, n, n, p, q, ar, ai, aOff, br, bi, bOff, gr, gi);
    }

    /** Adds rows r0 … r1−1's share of {@link #conjGram} to G. */
    static void conjGramRows(int r0, int r1, int n, int p, int q, float[] ar, float[] ai, int aOff,
                             float[] br, float[] bi, int bOff, double[] gr, double[] gi) {
        for (int a = 0; a < p; a++) {
            int x = aOff + a * n;
            for (int c = 0; c < q; c++) {
                int y = bOff + c * n;
                float sr = 0, si = 0;
                for (int r = r0; r < r1; r++) {
                    float xr = ar[x + r], xi = ai[x + r], yr = br[y + r], yi = bi[y + r];
                    sr += xr * yr + xi * yi;
                    si += xr * yi - xi * yr;
                }
                gr[a * q + c] += sr;
                gi[a * q + c] += si;
            }
        }
    }

    @Override
    public void unitModulus(int len, float[] re, float[] im, int off) {
        for (int i = off, end = off + len; i < end; i++) {
            float x = re[i], y = im[i];
            if (x == 0 && y == 0) {
                re[i] = 1;
                continue;
            }
            double a = Math.sqrt((double) x * x + (double) y * y); // double: no underflow for tiny entries
            re[i] = (float) (x / a);
            im[i] = (float) (y / a);
        }
    }

    @Override
    public double sumSquares(int len, float[] re, float[] im, int off) {
        double s = 0;
        for (int i = off, end = off + len; i < end; i++) {
            s += re[i] * re[i] + im[i] * im[i];
        }
        return s;
    }

    @Override
    public void scale(int len, float s, float[] re, float[] im, int off) {
        for (int i = off, end = off + len; i < end; i++) {
            re[i] *= s;
            im[i] *= s;
        }
    }
}
