package org.isac.solver.linalg;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ColumnKernels} on the Vector API ({@code FloatVector.SPECIES_PREFERRED}: 8 lanes on
 * AVX2). Loaded only reflectively by {@link KernelLoader}, so a JVM without
 * {@code jdk.incubator.vector} never links it.
 *
 * <p>Every kernel walks the rows in blocks of L = one vector; the n mod L rows that do not
 * fill a vector go through the scalar row-range methods of {@link ScalarColumnKernels}, so no
 * kernel uses masks. {@link #squareTimes} keeps 8 accumulators (re and im of four columns
 * of C) per row block and, for each column j of P, loads P's block once, negates its
 * imaginary part once and issues 16 fused multiply-adds against broadcasts of X(j, ·).
 *
 * <p>As in {@link VectorKernels}, C2 must inline every Vector API call or it boxes the
 * vectors, so each kernel is a small method with its loops written out.
 * {@code ColumnKernelsTest} checks that nothing is allocated.
 */
final class VectorColumnKernels implements ColumnKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Smallest |x|² that {@link #unitModulus} handles in float. */
    private static final float TINY = Float.MIN_NORMAL;

    VectorColumnKernels() {
        if (L < 4) {
            throw new UnsupportedOperationException("FloatVector.SPECIES_PREFERRED has " + L + " lanes");
        }
    }

    static String describe() {
        return "FloatVector " + L + " lanes (" + S.vectorBitSize() + " bits), FMA, column-major";
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public void squareTimes(int n, int k, float[] pr, float[] pi,
                            float[] xr, float[] xi, int xOff, float[] cr, float[] ci, int cOff) {
        int full = n - n % L;
        int c = 0;
        for (; c + 4 <= k; c += 4) {
            square4(n, full, pr, pi, xr, xi, xOff + c * n, cr, ci, cOff + c * n);
        }
        for (; c < k; c++) {
            square1(n, full, pr, pi, xr, xi, xOff + c * n, cr, ci, cOff + c * n);
        }
        if (full < n) {
            ScalarColumnKernels.squareTimesRows(full, n, n, k, pr, pi, xr, xi, xOff, cr, ci, cOff);
        }
    }

    /** Rows 0 … full−1 of four columns of C = P·X (X's first column at x, C's at o). */
    private static void square4(int n, int full, float[] pr, float[] pi,
                                float[] xr, float[] xi, int x, float[] cr, float[] ci, int o) {
        int x1 = x + n, x2 = x1 + n, x3 = x2 + n;
        for (int r = 0; r < full; r += L) {
            FloatVector r0 = FloatVector.zero(S), i0 = r0, r1 = r0, i1 = r0, r2 = r0, i2 = r0, r3 = r0, i3 = r0;
            for (int j = 0, p = r; j < n; j++, p += n) {
                FloatVector ar = FloatVector.fromArray(S, pr, p);
                FloatVector ai = FloatVector.fromArray(S, pi, p);
                FloatVector nai = ai.neg();
                // (ar + j·ai)(br + j·bi): re += ar·br − ai·bi, im += ar·bi + ai·br
                FloatVector b = FloatVector.broadcast(S, xr[x + j]);
                r0 = ar.fma(b, r0);
                i0 = ai.fma(b, i0);
                b = FloatVector.broadcast(S, xi[x + j]);
                r0 = nai.fma(b, r0);
                i0 = ar.fma(b, i0);
                b = FloatVector.broadcast(S, xr[x1 + j]);
                r1 = ar.fma(b, r1);
                i1 = ai.fma(b, i1);
                b = FloatVector.broadcast(S, xi[x1 + j]);
                r1 = nai.fma(b, r1);
                i1 = ar.fma(b, i1);
                b = FloatVector.broadcast(S, xr[x2 + j]);
                r2 = ar.fma(b, r2);
                i2 = ai.fma(b, i2);
                b = FloatVector.broadcast(S, xi[x2 + j]);
                r2 = nai.fma(b, r2);
                i2 = ar.fma(b, i2);
                b = FloatVector.broadcast(S, xr[x3 + j]);
                r3 = ar.fma(b, r3);
                i3 = ai.fma(b, i3);
                b = FloatVector.broadcast(S, xi[x3 + j]);
                r3 = nai.fma(b, r3);
                i3 = ar.fma(b, i3);
            }
            int o0 = o + r, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
            r0.intoArray(cr, o0);
            i0.intoArray(ci, o0);
            r1.intoArray(cr, o1);
            i1.intoArray(ci, o1);
            r2.intoArray(cr, o2);
            i2.intoArray(ci, o2);
            r3.intoArray(cr, o3);
            i3.intoArray(ci, o3);
        }
    }

    /** Rows 0 … full−1 of one column of C = P·X. */
    private static void square1(int n, int full, float[] pr, float[] pi,
                                float[] xr, float[] xi, int x, float[] cr, float[] ci, int o) {
        for (int r = 0; r < full; r += L) {
            FloatVector r0 = FloatVector.zero(S), i0 = r0;
            for (int j = 0, p = r; j < n; j++, p += n) {
                FloatVector ar = FloatVector.fromArray(S, pr, p);
                FloatVector ai = FloatVector.fromArray(S, pi, p);
                FloatVector b = FloatVector.broadcast(S, xr[x + j]);
                r0 = ar.fma(b, r0);
                i0 = ai.fma(b, i0);
                b = FloatVector.broadcast(S, xi[x + j]);
                r0 = ai.neg().fma(b, r0);
                i0 = ar.fma(b, i0);
            }
            r0.intoArray(cr, o + r);
            i0.intoArray(ci, o + r);
        }
    }

    @Override
    public void combine(int n, int p, int q, float[] ar, float[] ai, int aOff,
                        float[] br, float[] bi, boolean accumulate, float[] cr, float[] ci, int cOff) {
        int full = n - n % L;
        for (int c = 0; c < q; c++) {
            combineColumn(n, full, p, q, c, ar, ai, aOff, br, bi, accumulate, cr, ci, cOff + c * n);
        }
        if (full < n) {
            ScalarColumnKernels.combineRows(full, n, n, p, q, ar, ai, aOff, br, bi, accumulate, cr, ci, cOff);
        }
    }

    /** Rows 0 … full−1 of column c of C (at o). */
    private static void combineColumn(int n, int full, int p, int q, int c, float[] ar, float[] ai, int aOff,
                                      float[] br, float[] bi, boolean accumulate, float[] cr, float[] ci, int o) {
        for (int r = 0; r < full; r += L) {
            FloatVector sr, si;
            if (accumulate) {
                sr = FloatVector.fromArray(S, cr, o + r);
                si = FloatVector.fromArray(S, ci, o + r);
            } else {
                sr = FloatVector.zero(S);
                si = sr;
            }
            for (int a = 0, x = aOff + r, b = c; a < p; a++, x += n, b += q) {
                FloatVector xr = FloatVector.fromArray(S, ar, x);
                FloatVector xi = FloatVector.fromArray(S, ai, x);
                FloatVector yr = FloatVector.broadcast(S, br[b]);
                float yi = bi[b];
                sr = xr.fma(yr, sr);
                si = xi.fma(yr, si);
                sr = xi.fma(FloatVector.broadcast(S, -yi), sr);
                si = xr.fma(FloatVector.broadcast(S, yi), si);
            }
            sr.intoArray(cr, o + r);
            si.intoArray(ci, o + r);
        }
    }

    @Override
    public void conjGram(int n, int p, int q, float[] ar, float[] ai, int aOff,
                         float[] br, float[] bi, int bOff, double[] gr, double[] gi) {
        int full = n - n % L;
        for (int a = 0; a < p; a++) {
            for (int c = 0; c < q; c++) {
                conjDot(full, ar, ai, aOff + a * n, br, bi, bOff + c * n, gr, gi, a * q + c);
            }
        }
        if (full < n) {
            ScalarColumnKernels.conjGramRows(full, n, n, p, q, ar, ai, aOff, br, bi, bOff, gr, gi);
        }
    }

    /** g[o] = Σ_{r < full} conj(a_r)·b_r (overwrites). */
    private static void conjDot(int full, float[] ar, float[] ai, int x, float[] br, float[] bi, int y,
                                double[] gr, double[] gi, int o) {
        FloatVector sr = FloatVector.zero(S), si = sr, ti = sr;
        for (int r = 0; r < full; r += L) {
            FloatVector xr = FloatVector.fromArray(S, ar, x + r);
            FloatVector xi = FloatVector.fromArray(S, ai, x + r);
            FloatVector yr = FloatVector.fromArray(S, br, y + r);
            FloatVector yi = FloatVector.fromArray(S, bi, y + r);
            // (xr − j·xi)(yr + j·yi): re = xr·yr + xi·yi, im = xr·yi − xi·yr
            sr = xr.fma(yr, sr);
            sr = xi.fma(yi, sr);
            si = xr.fma(yi, si);
            ti = xi.fma(yr, ti);
        }
        gr[o] = sr.reduceLanes(VectorOperators.ADD);
        gi[o] = (double) si.reduceLanes(VectorOperators.ADD) - ti.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void unitModulus(int len, float[] re, float[] im, int off) {
        int full = len - len % L;
        // the float square |x|² is exact enough only in [MIN_NORMAL, MAX_VALUE]: zeros, tiny or
        // huge entries and NaN send the whole range through the scalar path (double squares)
        if (!squaresInRange(full, re, im, off)) {
            ScalarColumnKernels.INSTANCE.unitModulus(len, re, im, off);
            return;
        }
        normalize(full, re, im, off);
        ScalarColumnKernels.INSTANCE.unitModulus(len - full, re, im, off + full);
    }

    /** True when every |x|² of the first {@code full} entries is a normal float (no NaN). */
    private static boolean squaresInRange(int full, float[] re, float[] im, int off) {
        FloatVector lo = FloatVector.broadcast(S, Float.MAX_VALUE), hi = FloatVector.zero(S);
        for (int i = off, end = off + full; i < end; i += L) {
            FloatVector x = FloatVector.fromArray(S, re, i);
            FloatVector y = FloatVector.fromArray(S, im, i);
            FloatVector s = x.fma(x, y.mul(y));
            lo = lo.min(s);
            hi = hi.max(s);
        }
        float min = lo.reduceLanes(VectorOperators.MIN), max = hi.reduceLanes(VectorOperators.MAX);
        return min >= TINY && max <= Float.MAX_VALUE;
    }

    /** x ← x/|x| for the first {@code full} entries (all squares in range). */
    private static void normalize(int full, float[] re, float[] im, int off) {
        for (int i = off, end = off + full; i < end; i += L) {
            FloatVector x = FloatVector.fromArray(S, re, i);
            FloatVector y = FloatVector.fromArray(S, im, i);
            FloatVector a = x.fma(x, y.mul(y)).sqrt();
            x.div(a).intoArray(re, i);
            y.div(a).intoArray(im, i);
        }
    }

    @Override
    public double sumSquares(int len, float[] re, float[] im, int off) {
        int end = off + len, full = off + len - len % L;
        FloatVector s = FloatVector.zero(S);
        int i = off;
        for (; i < full; i += L) {
            FloatVector x = FloatVector.fromArray(S, re, i);
            FloatVector y = FloatVector.fromArray(S, im, i);
            s = x.fma(x, s);
            s = y.fma(y, s);
        }
        double t = s.reduceLanes(VectorOperators.ADD);
        for (; i < end; i++) {
            t += re[i] * re[i] + im[i] * im[i];
        }
        return t;
    }

    @Override
    public void scale(int len, float s, float[] re, float[] im, int off) {
        int end = off + len, full = off + len - len % L;
        int i = off;
        for (; i < full; i += L) {
            FloatVector.fromArray(S, re, i).mul(s).intoArray(re, i);
            FloatVector.fromArray(S, im, i).mul(s).intoArray(im, i);
        }
        for (; i < end; i++) {
            re[i] *= s;
            im[i] *= s;
        }
    }
}
