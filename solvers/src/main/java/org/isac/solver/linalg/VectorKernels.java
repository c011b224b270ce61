package org.isac.solver.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FastKernels} on the Vector API ({@code jdk.incubator.vector}). Loaded only
 * reflectively by {@link KernelLoader}, so a JVM without the module never links it.
 *
 * <p>C is computed in panels of one vector (L = {@code SPECIES_PREFERRED.length()} columns,
 * 4 on AVX2) by blocks of 4 rows: a block keeps 8 accumulators (re and im of 4 rows), and
 * each step l loads B's row l (re, im) once, broadcasts A's 4 × 2 scalars and issues 16
 * fused multiply-adds. Every C element is accumulated in order l = 0 … k−1 per lane, like
 * the scalar implementation (up to FMA rounding). When n is not a multiple of L, the last
 * n mod L columns of B and C go through a per-thread copy padded to L columns, so no
 * kernel uses masks (an AVX-512 machine, L = 8, takes that path for n = 4).
 *
 * <p>C2 must inline every Vector API call of a kernel, or it boxes the vectors (tens of
 * kB per call): masked operations, helper methods and big method bodies each made it give
 * up here (NodeCountInliningCutoff), so the kernels are small separate methods with the
 * stores written out. {@code FastKernelsTest} checks that nothing is allocated.
 *
 * <p>A vector carried around a loop is the argument of the operation that updates it, never
 * its receiver: {@code t.add(s)} and {@code t.neg().add(s)} rather than {@code s.add(t)} and
 * {@code s.sub(t)} (the same bits: IEEE addition commutes, and s − t is s + (−t)). C2 gives
 * a loop's φ its declared class ({@code DoubleVector}), so a call on it is virtual; C2
 * resolves it from the receiver-type profile, or late, once the φ's type has been narrowed
 * from its inputs — which never happens when the input is that same call's result. A JVM
 * that compiled the kernel without a type profile (on a busy machine a method can go from
 * C1 without profiling straight to C2) then called the operation out of line and boxed the
 * vectors on every call, some 5 KB per wideband solve, for the rest of its life. For the
 * same reason a loop's result is cast to the species' class ({@code VT.cast}, a C2
 * intrinsic on a constant class) before anything is called on it: the call then binds when
 * the method is parsed instead of in a late round that C2 may give up on. The tests
 * tagged {@code allocation} also run with {@code -XX:TypeProfileWidth=0}, which compiles
 * every kernel that way.
 */
final class VectorKernels implements FastKernels {
    private static final VectorSpecies<Double> S = VectorWidth.doubles();
    private static final int L = S.length();
    /** The species' vector class, for the casts of loop results (see the class comment). */
    private static final Class<? extends Vector<Double>> VT = S.vectorType();

    /** Per-thread buffers for Bᴴ and for the padded last panel. */
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    VectorKernels() {
        if (L < 2) {
            throw new UnsupportedOperationException("DoubleVector " + S + " has " + L + " lane");
        }
    }

    static String describe() {
        return "DoubleVector " + L + " lanes (" + S.vectorBitSize() + " bits" + VectorWidth.note() + "), FMA, 4-row blocks";
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public void gemm(int m, int n, int k, double alpha,
                     double[] ar, double[] ai, int aOff, int lda,
                     double[] br, double[] bi, int bOff, int ldb,
                     double beta, double[] cr, double[] ci, int cOff, int ldc) {
        GemmArgs.check("gemm", m, n, k, ar, ai, aOff, lda, m, k, br, bi, bOff, ldb, k, n, cr, ci, cOff, ldc);
        panels(false, m, n, k, alpha, ar, ai, aOff, lda, br, bi, bOff, ldb, beta, cr, ci, cOff, ldc);
    }

    @Override
    public void gemmConjTransA(int m, int n, int k, double alpha,
                               double[] ar, double[] ai, int aOff, int lda,
                               double[] br, double[] bi, int bOff, int ldb,
                               double beta, double[] cr, double[] ci, int cOff, int ldc) {
        GemmArgs.check("gemmConjTransA", m, n, k, ar, ai, aOff, lda, k, m, br, bi, bOff, ldb, k, n, cr, ci, cOff, ldc);
        panels(true, m, n, k, alpha, ar, ai, aOff, lda, br, bi, bOff, ldb, beta, cr, ci, cOff, ldc);
    }

    /**
     * With L = 4 lanes, a 4 × 4 B_s goes through {@link #rowsTimes4x4} (B_s in registers); any
     * other shape through {@link #mul}. Same bits either way: per element, the accumulation
     * order of {@link #block4N} and {@link #row1N} (l = 0 … 3, the real part of A's entry
     * before the imaginary one, fused multiply-adds from zero), and α = 1.
     */
    @Override
    public void mulEach(int count, CMatrix[] a, CMatrix[] b, CMatrix[] c) {
        for (int s = 0; s < count; s++) {
            CMatrix as = a[s], bs = b[s], cs = c[s];
            if (L == 4 && as.cols() == 4 && bs.rows() == 4 && bs.cols() == 4 && cs != as && cs != bs) {
                int m = as.rows();
                cs.resize(m, 4);
                rowsTimes4x4(m, as.re, as.im, bs.re, bs.im, cs.re, cs.im);
            } else {
                mul(as, bs, cs);
            }
        }
    }

    /**
     * L matrices per vector (lane = matrix), the scalar operations of {@link BatchedCholesky}
     * lane by lane (mul, add, sub, div, sqrt and neg are exact per lane, and nothing is fused),
     * so the same bits; the last count mod L matrices through {@link BatchedCholesky}.
     */
    @Override
    public int choleskyInvertEach(double[] re, double[] im, int k, int count, double[] work) {
        int full = count - count % L;
        for (int s0 = 0; s0 < full; s0 += L) {
            int lane = choleskyLanes(re, im, k, count, s0);
            if (lane >= 0) {
                return s0 + lane;
            }
            invertLowerLanes(re, im, k, count, s0);
        }
        if (full < count) {
            int failed = BatchedCholesky.cholesky(re, im, k, count, full, count, work);
            if (failed >= 0) {
                return failed;
            }
            BatchedCholesky.invertLower(re, im, k, count, full, count, work);
        }
        return -1;
    }

    /** {@link BatchedCholesky#cholesky} on matrices s0 … s0 + L − 1; the failing lane or −1. */
    private static int choleskyLanes(double[] r, double[] im, int k, int sb, int s0) {
        DoubleVector maxDiag = DoubleVector.zero(S);
        for (int j = 0; j < k; j++) {
            maxDiag = DoubleVector.fromArray(S, r, (j * k + j) * sb + s0).lanewise(VectorOperators.MAX, maxDiag);
        }
        DoubleVector minPivot = DoubleVector.broadcast(S, Kernels.CHOLESKY_RELATIVE_PIVOT).mul(maxDiag);
        DoubleVector zero = DoubleVector.zero(S);
        for (int j = 0; j < k; j++) {
            int jj = (j * k + j) * sb + s0;
            DoubleVector d = DoubleVector.fromArray(S, r, jj);
            for (int q = 0; q < j; q++) {
                int jq = (j * k + q) * sb + s0;
                DoubleVector lr = DoubleVector.fromArray(S, r, jq), li = DoubleVector.fromArray(S, im, jq);
                d = lr.mul(lr).add(li.mul(li)).neg().add(d);
            }
            d = (DoubleVector) VT.cast(d); // the loop's result as the species' class (class comment)
            VectorMask<Double> ok = d.compare(VectorOperators.GT, minPivot).and(d.test(VectorOperators.IS_FINITE));
            if (!ok.allTrue()) {
                return ok.not().firstTrue();
            }
            DoubleVector ljj = d.sqrt();
            ljj.intoArray(r, jj);
            zero.intoArray(im, jj);
            for (int i = j + 1; i < k; i++) {
                int ij = (i * k + j) * sb + s0;
                DoubleVector sr = DoubleVector.fromArray(S, r, ij), si = DoubleVector.fromArray(S, im, ij);
                for (int q = 0; q < j; q++) {
                    int iq = (i * k + q) * sb + s0, jq = (j * k + q) * sb + s0;
                    DoubleVector xr = DoubleVector.fromArray(S, r, iq), xi = DoubleVector.fromArray(S, im, iq);
                    DoubleVector yr = DoubleVector.fromArray(S, r, jq), yi = DoubleVector.fromArray(S, im, jq).neg();
                    sr = xr.mul(yr).sub(xi.mul(yi)).neg().add(sr);
                    si = xr.mul(yi).add(xi.mul(yr)).neg().add(si);
                }
                sr = (DoubleVector) VT.cast(sr); // the loop's results as the species' class
                si = (DoubleVector) VT.cast(si);
                sr.div(ljj).intoArray(r, ij);
                si.div(ljj).intoArray(im, ij);
            }
        }
        return -1;
    }

    /** {@link BatchedCholesky#invertLower} on matrices s0 … s0 + L − 1. */
    private static void invertLowerLanes(double[] r, double[] im, int k, int sb, int s0) {
        DoubleVector zero = DoubleVector.zero(S);
        for (int i = 0; i < k; i++) {
            int io = i * k;
            int d = (io + i) * sb + s0;
            DoubleVector dr = DoubleVector.fromArray(S, r, d), di = DoubleVector.fromArray(S, im, d);
            DoubleVector dd = dr.mul(dr).add(di.mul(di));
            DoubleVector invR = dr.div(dd), invI = di.neg().div(dd);
            for (int j = 0; j < i; j++) {
                DoubleVector sr = zero, si = zero;
                for (int q = j; q < i; q++) {
                    int x = (io + q) * sb + s0, y = (q * k + j) * sb + s0;
                    DoubleVector xr = DoubleVector.fromArray(S, r, x), xi = DoubleVector.fromArray(S, im, x);
                    DoubleVector yr = DoubleVector.fromArray(S, r, y), yi = DoubleVector.fromArray(S, im, y);
                    sr = xr.mul(yr).sub(xi.mul(yi)).add(sr);
                    si = xr.mul(yi).add(xi.mul(yr)).add(si);
                }
                int o = (io + j) * sb + s0;
                sr = (DoubleVector) VT.cast(sr); // the loop's results as the species' class
                si = (DoubleVector) VT.cast(si);
                sr.mul(invR).sub(si.mul(invI)).neg().intoArray(r, o);
                sr.mul(invI).add(si.mul(invR)).neg().intoArray(im, o);
            }
            invR.intoArray(r, d);
            invI.intoArray(im, d);
            for (int j = i + 1; j < k; j++) {
                int o = (io + j) * sb + s0;
                zero.intoArray(r, o);
                zero.intoArray(im, o);
            }
        }
    }

    /** C (m × 4) = A (m × 4)·B (4 × 4), all row-major at offset 0; B stays in registers. */
    private static void rowsTimes4x4(int m, double[] ar, double[] ai, double[] br, double[] bi, double[] cr, double[] ci) {
        DoubleVector b0r = DoubleVector.fromArray(S, br, 0), b0i = DoubleVector.fromArray(S, bi, 0);
        DoubleVector b1r = DoubleVector.fromArray(S, br, 4), b1i = DoubleVector.fromArray(S, bi, 4);
        DoubleVector b2r = DoubleVector.fromArray(S, br, 8), b2i = DoubleVector.fromArray(S, bi, 8);
        DoubleVector b3r = DoubleVector.fromArray(S, br, 12), b3i = DoubleVector.fromArray(S, bi, 12);
        DoubleVector n0 = b0i.neg(), n1 = b1i.neg(), n2 = b2i.neg(), n3 = b3i.neg();
        DoubleVector zero = DoubleVector.zero(S);
        for (int i = 0, a = 0; i < m; i++, a += 4) {
            DoubleVector x = DoubleVector.broadcast(S, ar[a]);
            DoubleVector r = x.fma(b0r, zero);
            DoubleVector im = x.fma(b0i, zero);
            x = DoubleVector.broadcast(S, ai[a]);
            r = x.fma(n0, r);
            im = x.fma(b0r, im);
            x = DoubleVector.broadcast(S, ar[a + 1]);
            r = x.fma(b1r, r);
            im = x.fma(b1i, im);
            x = DoubleVector.broadcast(S, ai[a + 1]);
            r = x.fma(n1, r);
            im = x.fma(b1r, im);
            x = DoubleVector.broadcast(S, ar[a + 2]);
            r = x.fma(b2r, r);
            im = x.fma(b2i, im);
            x = DoubleVector.broadcast(S, ai[a + 2]);
            r = x.fma(n2, r);
            im = x.fma(b2r, im);
            x = DoubleVector.broadcast(S, ar[a + 3]);
            r = x.fma(b3r, r);
            im = x.fma(b3i, im);
            x = DoubleVector.broadcast(S, ai[a + 3]);
            r = x.fma(n3, r);
            im = x.fma(b3r, im);
            r.intoArray(cr, a);
            im.intoArray(ci, a);
        }
    }

    /** Writes Bᴴ (k × n) into a per-thread scratch, then runs the A·B panels on it. */
    @Override
    public void gemmConjTransB(int m, int n, int k, double alpha,
                               double[] ar, double[] ai, int aOff, int lda,
                               double[] br, double[] bi, int bOff, int ldb,
                               double beta, double[] cr, double[] ci, int cOff, int ldc) {
        GemmArgs.check("gemmConjTransB", m, n, k, ar, ai, aOff, lda, m, k, br, bi, bOff, ldb, n, k, cr, ci, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        Scratch s = scratch.get();
        s.transposed(k * n);
        double[] tr = s.tr, ti = s.ti;
        for (int j = 0; j < n; j++) {
            int b = bOff + j * ldb;
            for (int l = 0; l < k; l++) {
                tr[l * n + j] = br[b + l];
                ti[l * n + j] = -bi[b + l];
            }
        }
        panels(false, m, n, k, alpha, ar, ai, aOff, lda, tr, ti, 0, n, beta, cr, ci, cOff, ldc);
    }

    /**
     * Full panels of L columns straight from B and C; the last n mod L columns through a
     * per-thread copy padded to L columns (so no kernel needs masks).
     */
    private void panels(boolean conjA, int m, int n, int k, double alpha,
                        double[] ar, double[] ai, int aOff, int lda,
                        double[] br, double[] bi, int bOff, int ldb,
                        double beta, double[] cr, double[] ci, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        int full = n - n % L;
        for (int j = 0; j < full; j += L) {
            panel(conjA, m, k, alpha, ar, ai, aOff, lda, br, bi, bOff + j, ldb, beta, cr, ci, cOff + j, ldc);
        }
        if (full == n) {
            return;
        }
        int w = n - full;
        Scratch s = scratch.get();
        s.padded(k * L, m * L);
        double[] pr = s.pr, pi = s.pi, qr = s.qr, qi = s.qi;
        for (int l = 0; l < k; l++) {
            int b = bOff + l * ldb + full, p = l * L;
            for (int c = 0; c < L; c++) {
                pr[p + c] = c < w ? br[b + c] : 0;
                pi[p + c] = c < w ? bi[b + c] : 0;
            }
        }
        if (beta != 0) {
            for (int i = 0; i < m; i++) {
                System.arraycopy(cr, cOff + i * ldc + full, qr, i * L, w);
                System.arraycopy(ci, cOff + i * ldc + full, qi, i * L, w);
            }
        }
        panel(conjA, m, k, alpha, ar, ai, aOff, lda, pr, pi, 0, L, beta, qr, qi, 0, L);
        for (int i = 0; i < m; i++) {
            System.arraycopy(qr, i * L, cr, cOff + i * ldc + full, w);
            System.arraycopy(qi, i * L, ci, cOff + i * ldc + full, w);
        }
    }

    /** One panel of L columns, all m rows: 4-row blocks, then single rows. */
    private static void panel(boolean conjA, int m, int k, double alpha, double[] ar, double[] ai, int aOff, int lda,
                              double[] br, double[] bi, int bOff, int ldb,
                              double beta, double[] cr, double[] ci, int cOff, int ldc) {
        int m4 = m & ~3;
        if (conjA) {
            if (m4 > 0) {
                block4H(m4, k, alpha, ar, ai, aOff, lda, br, bi, bOff, ldb, beta, cr, ci, cOff, ldc);
            }
            for (int i = m4; i < m; i++) {
                row1H(k, alpha, ar, ai, aOff + i, lda, br, bi, bOff, ldb, beta, cr, ci, cOff + i * ldc);
            }
        } else {
            if (m4 > 0) {
                block4N(m4, k, alpha, ar, ai, aOff, lda, br, bi, bOff, ldb, beta, cr, ci, cOff, ldc);
            }
            for (int i = m4; i < m; i++) {
                row1N(k, alpha, ar, ai, aOff + i * lda, br, bi, bOff, ldb, beta, cr, ci, cOff + i * ldc);
            }
        }
    }

    /**
     * Rows 0 … m4−1 of C (m4 a multiple of 4; C's panel at cOff, stride ldc) in blocks of
     * four: A's rows start at aOff (stride lda), B's panel at bOff (stride ldb).
     */
    private static void block4N(int m4, int k, double alpha, double[] ar, double[] ai, int aOff, int lda,
                                double[] br, double[] bi, int bOff, int ldb,
                                double beta, double[] cr, double[] ci, int cOff, int ldc) {
        for (int i = 0; i < m4; i += 4) {
            DoubleVector r0 = DoubleVector.zero(S), i0 = r0, r1 = r0, i1 = r0, r2 = r0, i2 = r0, r3 = r0, i3 = r0;
            int a0 = aOff + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
            for (int l = 0, b = bOff; l < k; l++, b += ldb) {
                DoubleVector yr = DoubleVector.fromArray(S, br, b);
                DoubleVector yi = DoubleVector.fromArray(S, bi, b);
                DoubleVector nyi = yi.neg();
                // (xr + j·xi)(yr + j·yi): re += xr·yr − xi·yi, im += xr·yi + xi·yr
                DoubleVector x = DoubleVector.broadcast(S, ar[a0 + l]);
                r0 = x.fma(yr, r0);
                i0 = x.fma(yi, i0);
                x = DoubleVector.broadcast(S, ar[a1 + l]);
                r1 = x.fma(yr, r1);
                i1 = x.fma(yi, i1);
                x = DoubleVector.broadcast(S, ar[a2 + l]);
                r2 = x.fma(yr, r2);
                i2 = x.fma(yi, i2);
                x = DoubleVector.broadcast(S, ar[a3 + l]);
                r3 = x.fma(yr, r3);
                i3 = x.fma(yi, i3);
                x = DoubleVector.broadcast(S, ai[a0 + l]);
                r0 = x.fma(nyi, r0);
                i0 = x.fma(yr, i0);
                x = DoubleVector.broadcast(S, ai[a1 + l]);
                r1 = x.fma(nyi, r1);
                i1 = x.fma(yr, i1);
                x = DoubleVector.broadcast(S, ai[a2 + l]);
                r2 = x.fma(nyi, r2);
                i2 = x.fma(yr, i2);
                x = DoubleVector.broadcast(S, ai[a3 + l]);
                r3 = x.fma(nyi, r3);
                i3 = x.fma(yr, i3);
            }
            // written out rather than in a helper: C2 stops inlining plain helpers in methods this
            // big (NodeCountInliningCutoff) and would then box the accumulators
            r0 = (DoubleVector) VT.cast(r0); // the loop's results as the species' class (class comment)
            i0 = (DoubleVector) VT.cast(i0);
            r1 = (DoubleVector) VT.cast(r1);
            i1 = (DoubleVector) VT.cast(i1);
            r2 = (DoubleVector) VT.cast(r2);
            i2 = (DoubleVector) VT.cast(i2);
            r3 = (DoubleVector) VT.cast(r3);
            i3 = (DoubleVector) VT.cast(i3);
            int c = cOff + i * ldc, c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
            if (beta == 0) {
                r0.mul(alpha).intoArray(cr, c);
                i0.mul(alpha).intoArray(ci, c);
                r1.mul(alpha).intoArray(cr, c1);
                i1.mul(alpha).intoArray(ci, c1);
                r2.mul(alpha).intoArray(cr, c2);
                i2.mul(alpha).intoArray(ci, c2);
                r3.mul(alpha).intoArray(cr, c3);
                i3.mul(alpha).intoArray(ci, c3);
            } else {
                r0.mul(alpha).add(DoubleVector.fromArray(S, cr, c).mul(beta)).intoArray(cr, c);
                i0.mul(alpha).add(DoubleVector.fromArray(S, ci, c).mul(beta)).intoArray(ci, c);
                r1.mul(alpha).add(DoubleVector.fromArray(S, cr, c1).mul(beta)).intoArray(cr, c1);
                i1.mul(alpha).add(DoubleVector.fromArray(S, ci, c1).mul(beta)).intoArray(ci, c1);
                r2.mul(alpha).add(DoubleVector.fromArray(S, cr, c2).mul(beta)).intoArray(cr, c2);
                i2.mul(alpha).add(DoubleVector.fromArray(S, ci, c2).mul(beta)).intoArray(ci, c2);
                r3.mul(alpha).add(DoubleVector.fromArray(S, cr, c3).mul(beta)).intoArray(cr, c3);
                i3.mul(alpha).add(DoubleVector.fromArray(S, ci, c3).mul(beta)).intoArray(ci, c3);
            }
        }
    }

    /** One row of C at c, one panel; A's row starts at a. */
    private static void row1N(int k, double alpha, double[] ar, double[] ai, int a,
                              double[] br, double[] bi, int b, int ldb,
                              double beta, double[] cr, double[] ci, int c) {
        DoubleVector r0 = DoubleVector.zero(S), i0 = r0;
        for (int l = 0; l < k; l++, b += ldb) {
            DoubleVector yr = DoubleVector.fromArray(S, br, b);
            DoubleVector yi = DoubleVector.fromArray(S, bi, b);
            DoubleVector x = DoubleVector.broadcast(S, ar[a + l]);
            r0 = x.fma(yr, r0);
            i0 = x.fma(yi, i0);
            x = DoubleVector.broadcast(S, ai[a + l]);
            r0 = x.fma(yi.neg(), r0);
            i0 = x.fma(yr, i0);
        }
        r0 = (DoubleVector) VT.cast(r0); // the loop's results as the species' class (class comment)
        i0 = (DoubleVector) VT.cast(i0);
        if (beta == 0) {
            r0.mul(alpha).intoArray(cr, c);
            i0.mul(alpha).intoArray(ci, c);
        } else {
            r0.mul(alpha).add(DoubleVector.fromArray(S, cr, c).mul(beta)).intoArray(cr, c);
            i0.mul(alpha).add(DoubleVector.fromArray(S, ci, c).mul(beta)).intoArray(ci, c);
        }
    }

    /**
     * As {@link #block4N} with op(A)(i, l) = conj(A[aOff + l·lda + i]) (A stored k × m).
     */
    private static void block4H(int m4, int k, double alpha, double[] ar, double[] ai, int aOff, int lda,
                                double[] br, double[] bi, int bOff, int ldb,
                                double beta, double[] cr, double[] ci, int cOff, int ldc) {
        for (int i = 0; i < m4; i += 4) {
            DoubleVector r0 = DoubleVector.zero(S), i0 = r0, r1 = r0, i1 = r0, r2 = r0, i2 = r0, r3 = r0, i3 = r0;
            for (int l = 0, a = aOff + i, b = bOff; l < k; l++, a += lda, b += ldb) {
                DoubleVector yr = DoubleVector.fromArray(S, br, b);
                DoubleVector yi = DoubleVector.fromArray(S, bi, b);
                DoubleVector nyr = yr.neg();
                // (xr − j·xi)(yr + j·yi): re += xr·yr + xi·yi, im += xr·yi − xi·yr
                DoubleVector x = DoubleVector.broadcast(S, ar[a]);
                r0 = x.fma(yr, r0);
                i0 = x.fma(yi, i0);
                x = DoubleVector.broadcast(S, ar[a + 1]);
                r1 = x.fma(yr, r1);
                i1 = x.fma(yi, i1);
                x = DoubleVector.broadcast(S, ar[a + 2]);
                r2 = x.fma(yr, r2);
                i2 = x.fma(yi, i2);
                x = DoubleVector.broadcast(S, ar[a + 3]);
                r3 = x.fma(yr, r3);
                i3 = x.fma(yi, i3);
                x = DoubleVector.broadcast(S, ai[a]);
                r0 = x.fma(yi, r0);
                i0 = x.fma(nyr, i0);
                x = DoubleVector.broadcast(S, ai[a + 1]);
                r1 = x.fma(yi, r1);
                i1 = x.fma(nyr, i1);
                x = DoubleVector.broadcast(S, ai[a + 2]);
                r2 = x.fma(yi, r2);
                i2 = x.fma(nyr, i2);
                x = DoubleVector.broadcast(S, ai[a + 3]);
                r3 = x.fma(yi, r3);
                i3 = x.fma(nyr, i3);
            }
            // written out rather than in a helper: C2 stops inlining plain helpers in methods this
            // big (NodeCountInliningCutoff) and would then box the accumulators
            r0 = (DoubleVector) VT.cast(r0); // the loop's results as the species' class (class comment)
            i0 = (DoubleVector) VT.cast(i0);
            r1 = (DoubleVector) VT.cast(r1);
            i1 = (DoubleVector) VT.cast(i1);
            r2 = (DoubleVector) VT.cast(r2);
            i2 = (DoubleVector) VT.cast(i2);
            r3 = (DoubleVector) VT.cast(r3);
            i3 = (DoubleVector) VT.cast(i3);
            int c = cOff + i * ldc, c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
            if (beta == 0) {
                r0.mul(alpha).intoArray(cr, c);
                i0.mul(alpha).intoArray(ci, c);
                r1.mul(alpha).intoArray(cr, c1);
                i1.mul(alpha).intoArray(ci, c1);
                r2.mul(alpha).intoArray(cr, c2);
                i2.mul(alpha).intoArray(ci, c2);
                r3.mul(alpha).intoArray(cr, c3);
                i3.mul(alpha).intoArray(ci, c3);
            } else {
                r0.mul(alpha).add(DoubleVector.fromArray(S, cr, c).mul(beta)).intoArray(cr, c);
                i0.mul(alpha).add(DoubleVector.fromArray(S, ci, c).mul(beta)).intoArray(ci, c);
                r1.mul(alpha).add(DoubleVector.fromArray(S, cr, c1).mul(beta)).intoArray(cr, c1);
                i1.mul(alpha).add(DoubleVector.fromArray(S, ci, c1).mul(beta)).intoArray(ci, c1);
                r2.mul(alpha).add(DoubleVector.fromArray(S, cr, c2).mul(beta)).intoArray(cr, c2);
                i2.mul(alpha).add(DoubleVector.fromArray(S, ci, c2).mul(beta)).intoArray(ci, c2);
                r3.mul(alpha).add(DoubleVector.fromArray(S, cr, c3).mul(beta)).intoArray(cr, c3);
                i3.mul(alpha).add(DoubleVector.fromArray(S, ci, c3).mul(beta)).intoArray(ci, c3);
            }
        }
    }

    /** As {@link #row1N} with op(A)(i, l) = conj(A[a + l·lda]). */
    private static void row1H(int k, double alpha, double[] ar, double[] ai, int a, int lda,
                              double[] br, double[] bi, int b, int ldb,
                              double beta, double[] cr, double[] ci, int c) {
        DoubleVector r0 = DoubleVector.zero(S), i0 = r0;
        for (int l = 0; l < k; l++, a += lda, b += ldb) {
            DoubleVector yr = DoubleVector.fromArray(S, br, b);
            DoubleVector yi = DoubleVector.fromArray(S, bi, b);
            DoubleVector x = DoubleVector.broadcast(S, ar[a]);
            r0 = x.fma(yr, r0);
            i0 = x.fma(yi, i0);
            x = DoubleVector.broadcast(S, ai[a]);
            r0 = x.fma(yi, r0);
            i0 = x.fma(yr.neg(), i0);
        }
        r0 = (DoubleVector) VT.cast(r0); // the loop's results as the species' class (class comment)
        i0 = (DoubleVector) VT.cast(i0);
        if (beta == 0) {
            r0.mul(alpha).intoArray(cr, c);
            i0.mul(alpha).intoArray(ci, c);
        } else {
            r0.mul(alpha).add(DoubleVector.fromArray(S, cr, c).mul(beta)).intoArray(cr, c);
            i0.mul(alpha).add(DoubleVector.fromArray(S, ci, c).mul(beta)).intoArray(ci, c);
        }
    }

    /** Per-thread buffers; they only grow. */
    private static final class Scratch {
        double[] tr = new double[0], ti = tr; // Bᴴ for gemmConjTransB
        double[] pr = tr, pi = tr;            // B's last columns padded to L
        double[] qr = tr, qi = tr;            // C's last columns padded to L

        void transposed(int size) {
            if (tr.length < size) {
                tr = new double[size];
                ti = new double[size];
            }
        }

        void padded(int bSize, int cSize) {
            if (pr.length < bSize) {
                pr = new double[bSize];
                pi = new double[bSize];
            }
            if (qr.length < cSize) {
                qr = new double[cSize];
                qi = new double[cSize];
            }
        }
    }
}
