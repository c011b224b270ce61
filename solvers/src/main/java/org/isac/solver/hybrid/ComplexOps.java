package org.isac.solver.hybrid;

import org.isac.solver.linalg.CMatrix;

/**
 * Small complex kernels the hybrid solvers need beyond {@link org.isac.solver.linalg.Kernels}
 * (kept here so that shared linalg code is not changed; candidates to move there). All
 * work on {@link CMatrix} (row-major, split re/im) and allocate only when an output must grow.
 */
public final class ComplexOps {
    private ComplexOps() {
    }

    /**
     * C = A·Bᴴ. A is m × p, B is n × p, C is reshaped to m × n (must not alias A or B).
     * Flops: 8·m·p·n.
     */
    public static void mulConjTransB(CMatrix a, CMatrix b, CMatrix c) {
        int m = a.rows(), p = a.cols(), n = b.rows();
        if (b.cols() != p) {
            throw new IllegalArgumentException("inner sizes differ: " + m + "x" + p + " · (" + n + "x" + b.cols() + ")ᴴ");
        }
        c.reshape(m, n);
        double[] ar = a.re, ai = a.im, br = b.re, bi = b.im, cr = c.re, ci = c.im;
        for (int i = 0; i < m; i++) {
            int ao = i * p;
            for (int j = 0; j < n; j++) {
                int bo = j * p;
                double sr = 0, si = 0;
                for (int l = 0; l < p; l++) {
                    double xr = ar[ao + l], xi = ai[ao + l], yr = br[bo + l], yi = -bi[bo + l];
                    sr += xr * yr - xi * yi;
                    si += xr * yi + xi * yr;
                }
                cr[i * n + j] = sr;
                ci[i * n + j] = si;
            }
        }
    }

    /** A ← A + s·B for real s (same shapes). Flops: 4·size. */
    public static void addScaled(CMatrix a, double s, CMatrix b) {
        int n = a.size();
        if (b.size() != n) {
            throw new IllegalArgumentException("sizes differ: " + n + " vs " + b.size());
        }
        double[] ar = a.re, ai = a.im, br = b.re, bi = b.im;
        for (int i = 0; i < n; i++) {
            ar[i] += s * br[i];
            ai[i] += s * bi[i];
        }
    }

    /**
     * Unit-modulus projection of seed 000 eq. (10): [F]_nm ← [F]_nm / |[F]_nm| in place; an
     * exact zero becomes 1. A non-finite entry (an iterate that overflowed) stays non-finite
     * (NaN), so that a diverged run is seen as such and never mistaken for a unit-modulus
     * point. Flops: ≈ 4·size plus one sqrt per entry.
     */
    public static void projectUnitModulus(CMatrix f) {
        int n = f.size();
        double[] re = f.re, im = f.im;
        for (int i = 0; i < n; i++) {
            double a = Math.sqrt(re[i] * re[i] + im[i] * im[i]); // hypot is slow: only when the square overflows
            if (a == Double.POSITIVE_INFINITY) {
                a = Math.hypot(re[i], im[i]);
            }
            if (a == 0) {
                re[i] = 1;
                im[i] = 0;
            } else {
                re[i] /= a; // NaN or ∞/∞ = NaN when the entry or its square overflowed
                im[i] /= a;
            }
        }
    }

    /** max |1 − |[F]_nm|| over the entries. */
    public static double unitModulusError(CMatrix f) {
        double e = 0;
        int n = f.size();
        for (int i = 0; i < n; i++) {
            e = Math.max(e, Math.abs(1 - Math.hypot(f.re[i], f.im[i])));
        }
        return e;
    }

    /** Re⟨A, B⟩ = Re tr(AᴴB) = Σ Re(conj(a)·b). Flops: 4·size. */
    public static double realInner(CMatrix a, CMatrix b) {
        int n = a.size();
        if (b.size() != n) {
            throw new IllegalArgumentException("sizes differ: " + n + " vs " + b.size());
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += a.re[i] * b.re[i] + a.im[i] * b.im[i];
        }
        return s;
    }
}
