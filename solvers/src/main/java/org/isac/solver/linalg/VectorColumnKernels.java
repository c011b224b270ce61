package org.isac.solver.linalg;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ColumnKernels} on the Vector API: L = 8 float lanes on AVX2, 16 on AVX-512 (the CPU's
 * preferred width, at most 512 bits, or the one {@code -Disac.vector.bits} forces). Loaded
 * only reflectively by {@link KernelLoader}, so a JVM without {@code jdk.incubator.vector}
 * never links it.
 *
 * <p>Every kernel walks the rows in blocks of L = one vector; the n mod L rows that do not
 * fill a vector go through the scalar row-range methods of {@link ScalarColumnKernels}, so no
 * kernel uses masks. {@link #squareTimes} keeps 8 accumulators (re and im of four columns
 * of C) per row block and, for each column j of P, loads P's block once, negates its
 * imaginary part once and issues 16 fused multiply-adds against broadcasts of X(j, ·).
 *
 * <p>Results are bit-identical to {@link ScalarColumnKernels} at every width: each lane does
 * the reference arithmetic of {@link ColumnKernels}, and the two reductions
 * ({@link #conjGram}, {@link #sumSquares}) run on the 16 virtual lanes of that reference as
 * 16 / L vectors folded by the reference's fixed tree (vector adds, then lane
 * rotations and adds), never with {@code reduceLanes(ADD)}: the
 * Vector API leaves the order of that sum open, C2's intrinsic takes another order than the
 * interpreter (and each width its own), so a solve would depend on JIT state and CPU.
 *
 * <p>As in {@link VectorKernels}, C2 must inline every Vector API call or it boxes the
 * vectors, so each kernel is a small method with its loops written out.
 * {@code ColumnKernelsTest} checks that nothing is allocated. As there, a vector carried
 * around a loop is the argument of the operation that updates it, never its receiver
 * ({@code s.add(t0)}, not {@code t0.add(s)}), and a loop's result is cast to the species'
 * class ({@code VT.cast}, a C2 intrinsic on a constant class) before anything is called on
 * it: stores, {@link #pair}, {@link #fold}'s chain of lane operations. Without a type
 * profile C2 otherwise resolves those calls late, one round at a time, and was seen to give
 * up on square4's eight stores (compiled out of line, boxing each vector).
 */
final class VectorColumnKernels implements ColumnKernels {
    private static final VectorSpecies<Float> S = VectorWidth.floats();
    private static final int L = S.length();
    /** The species' vector class, for the casts of loop results (see the class comment). */
    private static final Class<? extends Vector<Float>> VT = S.vectorType();
    /** The reductions' virtual lanes (a multiple of L). */
    private static final int V = ScalarColumnKernels.V;
    /** Smallest |x|² that {@link #unitModulus} handles in float. */
    private static final float TINY = Float.MIN_NORMAL;

    /** Lane i ← lane i + h (mod L), for the folds by halves (null where h ≥ L). */
    private static final VectorShuffle<Float> H8 = 8 < L ? VectorShuffle.iota(S, 8, 1, true) : null;
    private static final VectorShuffle<Float> H4 = VectorShuffle.iota(S, 4 % L, 1, true);
    private static final VectorShuffle<Float> H2 = VectorShuffle.iota(S, 2, 1, true);
    private static final VectorShuffle<Float> H1 = VectorShuffle.iota(S, 1, 1, true);

    VectorColumnKernels() {
        if (L < 4 || V % L != 0) {
            throw new UnsupportedOperationException("FloatVector " + S + " has " + L + " lanes");
        }
    }

    static String describe() {
        return "FloatVector " + L + " lanes (" + S.vectorBitSize() + " bits" + VectorWidth.note()
                + "), FMA, column-major, fixed-order lane sums";
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
            r0 = (FloatVector) VT.cast(r0); // the loop's results as the species' class (class comment)
            i0 = (FloatVector) VT.cast(i0);
            r1 = (FloatVector) VT.cast(r1);
            i1 = (FloatVector) VT.cast(i1);
            r2 = (FloatVector) VT.cast(r2);
            i2 = (FloatVector) VT.cast(i2);
            r3 = (FloatVector) VT.cast(r3);
            i3 = (FloatVector) VT.cast(i3);
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
            r0 = (FloatVector) VT.cast(r0); // the loop's results as the species' class (class comment)
            i0 = (FloatVector) VT.cast(i0);
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
            sr = (FloatVector) VT.cast(sr); // the loop's results as the species' class (class comment)
            si = (FloatVector) VT.cast(si);
            sr.intoArray(cr, o + r);
            si.intoArray(ci, o + r);
        }
    }

    @Override
    public void conjGram(int n, int p, int q, float[] ar, float[] ai, int aOff,
                         float[] br, float[] bi, int bOff, double[] gr, double[] gi) {
        int n16 = n - n % V;
        boolean gram = ScalarColumnKernels.isGram(p, q, ar, ai, aOff, br, bi, bOff);
        for (int a = 0; a < p; a++) {
            int c = gram ? a : 0;
            for (; c + 2 <= q; c += 2) {
                conjDot2(n, n16, ar, ai, aOff + a * n, br, bi, bOff + c * n, gr, gi, a * q + c);
            }
            if (c < q) {
                conjDot(n, n16, ar, ai, aOff + a * n, br, bi, bOff + c * n, gr, gi, a * q + c);
            }
        }
        if (gram) {
            ScalarColumnKernels.mirror(p, gr, gi);
        }
    }

    /**
     * g[o] = Σ_r conj(a_r)·b_r (overwrites): the {@link ScalarColumnKernels#V} virtual lanes
     * as V / L passes of one vector, pass p over rows pL, pL + V, pL + 2V, …; passes p and
     * p + V/(2L) are lanes v and v + 8 of the reference, so they are added first
     * ({@link #pair}), then {@link #fold} finishes the reference's tree; then the rows past
     * the last multiple of V.
     */
    private static void conjDot(int n, int n16, float[] ar, float[] ai, int x, float[] br, float[] bi, int y,
                                double[] gr, double[] gi, int o) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector ar0 = zero, ai0 = zero, ar1 = zero, ai1 = zero;
        for (int p = 0, q = 0; q < V; p++, q += L) {
            FloatVector sr = zero, si = zero;
            for (int r = q; r < n16; r += V) {
                FloatVector xr = FloatVector.fromArray(S, ar, x + r);
                FloatVector xi = FloatVector.fromArray(S, ai, x + r);
                FloatVector yr = FloatVector.fromArray(S, br, y + r);
                FloatVector yi = FloatVector.fromArray(S, bi, y + r);
                // (xr − j·xi)(yr + j·yi): re = xr·yr + xi·yi, im = xr·yi − xi·yr
                sr = xr.fma(yr, sr);
                sr = xi.fma(yi, sr);
                si = xr.fma(yi, si);
                si = xi.neg().fma(yr, si);
            }
            if ((p & 1) == 0) {
                ar0 = p < 2 ? sr : sr.add(ar0);
                ai0 = p < 2 ? si : si.add(ai0);
            } else {
                ar1 = p < 2 ? sr : sr.add(ar1);
                ai1 = p < 2 ? si : si.add(ai1);
            }
        }
        ScalarColumnKernels.finishConjDot(n16, n, ar, ai, x, br, bi, y, fold(pair(ar0, ar1)), fold(pair(ai0, ai1)), gr, gi, o);
    }

    /**
     * {@link #conjDot} for two adjacent columns of B (at y and y + n) into g[o], g[o + 1]:
     * A's rows are loaded once for both, and the four chains hide the FMA latency.
     */
    private static void conjDot2(int n, int n16, float[] ar, float[] ai, int x, float[] br, float[] bi, int y,
                                 double[] gr, double[] gi, int o) {
        int y1 = y + n;
        FloatVector zero = FloatVector.zero(S);
        FloatVector ar0 = zero, ai0 = zero, ar1 = zero, ai1 = zero;
        FloatVector br0 = zero, bi0 = zero, br1 = zero, bi1 = zero;
        for (int p = 0, q = 0; q < V; p++, q += L) {
            FloatVector sr = zero, si = zero, ur = zero, ui = zero;
            for (int r = q; r < n16; r += V) {
                FloatVector xr = FloatVector.fromArray(S, ar, x + r);
                FloatVector xi = FloatVector.fromArray(S, ai, x + r);
                FloatVector nxi = xi.neg();
                FloatVector yr = FloatVector.fromArray(S, br, y + r);
                FloatVector yi = FloatVector.fromArray(S, bi, y + r);
                sr = xr.fma(yr, sr);
                sr = xi.fma(yi, sr);
                si = xr.fma(yi, si);
                si = nxi.fma(yr, si);
                yr = FloatVector.fromArray(S, br, y1 + r);
                yi = FloatVector.fromArray(S, bi, y1 + r);
                ur = xr.fma(yr, ur);
                ur = xi.fma(yi, ur);
                ui = xr.fma(yi, ui);
                ui = nxi.fma(yr, ui);
            }
            if ((p & 1) == 0) {
                ar0 = p < 2 ? sr : sr.add(ar0);
                ai0 = p < 2 ? si : si.add(ai0);
                br0 = p < 2 ? ur : ur.add(br0);
                bi0 = p < 2 ? ui : ui.add(bi0);
            } else {
                ar1 = p < 2 ? sr : sr.add(ar1);
                ai1 = p < 2 ? si : si.add(ai1);
                br1 = p < 2 ? ur : ur.add(br1);
                bi1 = p < 2 ? ui : ui.add(bi1);
            }
        }
        ScalarColumnKernels.finishConjDot(n16, n, ar, ai, x, br, bi, y, fold(pair(ar0, ar1)), fold(pair(ai0, ai1)), gr, gi, o);
        ScalarColumnKernels.finishConjDot(n16, n, ar, ai, x, br, bi, y1, fold(pair(br0, br1)), fold(pair(bi0, bi1)), gr, gi,
                o + 1);
    }

    /**
     * The even passes' sum plus the odd passes' sum: with 8 lanes (2 passes) the reference's
     * first fold (lane v + lane v+8), with 4 lanes (4 passes) its first two; with 16 lanes
     * (1 pass) the even sum itself.
     */
    private static FloatVector pair(FloatVector even, FloatVector odd) {
        return L == V ? even : ((FloatVector) VT.cast(even)).add(odd); // a loop's result, as the species' class
    }

    /** The rest of {@link ScalarColumnKernels#fold}'s tree within one vector: halves of 8 (16 lanes), 4 (8 or 16), 2, 1. */
    private static float fold(FloatVector t) {
        // the class made exact (class comment): also when C2 compiles fold on its own, where t is a parameter
        t = (FloatVector) VT.cast(t);
        if (L > 8) {
            t = t.add(t.rearrange(H8));
        }
        if (L > 4) {
            t = t.add(t.rearrange(H4));
        }
        t = t.add(t.rearrange(H2));
        t = t.add(t.rearrange(H1));
        return t.lane(0);
    }

    @Override
    public void unitModulus(int len, float[] re, float[] im, int off) {
        int end = off + len, full = off + len - len % L;
        int i = off;
        for (; i < full; i += L) {
            // the float square |x|² is exact enough only in [MIN_NORMAL, MAX_VALUE]: a block
            // with a zero, tiny or huge entry or NaN goes entry by entry through the scalar rule
            if (!normalize(re, im, i)) {
                for (int e = i; e < i + L; e++) {
                    ScalarColumnKernels.unitModulus(re, im, e);
                }
            }
        }
        for (; i < end; i++) {
            ScalarColumnKernels.unitModulus(re, im, i);
        }
    }

    /** x ← x/|x| for the L entries from i when all their squares are normal floats; else false, nothing written. */
    private static boolean normalize(float[] re, float[] im, int i) {
        FloatVector x = FloatVector.fromArray(S, re, i);
        FloatVector y = FloatVector.fromArray(S, im, i);
        FloatVector s = x.fma(x, y.mul(y));
        if (!(s.reduceLanes(VectorOperators.MIN) >= TINY && s.reduceLanes(VectorOperators.MAX) <= Float.MAX_VALUE)) {
            return false;
        }
        FloatVector a = s.sqrt();
        x.div(a).intoArray(re, i);
        y.div(a).intoArray(im, i);
        return true;
    }

    @Override
    public double sumSquares(int len, float[] re, float[] im, int off) {
        int end16 = off + len - len % V;
        FloatVector zero = FloatVector.zero(S), t0 = zero, t1 = zero;
        for (int p = 0, q = 0; q < V; p++, q += L) {
            FloatVector s = zero;
            for (int i = off + q; i < end16; i += V) {
                FloatVector x = FloatVector.fromArray(S, re, i);
                FloatVector y = FloatVector.fromArray(S, im, i);
                s = x.fma(x, s);
                s = y.fma(y, s);
            }
            if ((p & 1) == 0) {
                t0 = p < 2 ? s : s.add(t0);
            } else {
                t1 = p < 2 ? s : s.add(t1);
            }
        }
        return ScalarColumnKernels.finishSumSquares(fold(pair(t0, t1)), end16, off + len, re, im);
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
