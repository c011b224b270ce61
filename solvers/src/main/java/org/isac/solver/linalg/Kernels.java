package org.isac.solver.linalg;

/**
 * Plain complex dense kernels on {@link CMatrix} (split re/im, row-major). These are the
 * reference implementations: optimized kernels are tested against them. None allocates
 * unless an output must grow.
 */
public final class Kernels {
    /** Relative pivot threshold below which {@link #cholesky} reports a singular matrix. */
    public static final double CHOLESKY_RELATIVE_PIVOT = 1e-12;

    private Kernels() {
    }

    /**
     * C = A·B. A is m × p, B is p × n, C is reshaped to m × n (must not alias A or B).
     * Flops: 8·m·p·n.
     */
    public static void mul(CMatrix a, CMatrix b, CMatrix c) {
        int m = a.rows(), p = a.cols(), n = b.cols();
        if (b.rows() != p) {
            throw new IllegalArgumentException("inner sizes differ: " + a.rows() + "x" + p + " · " + b.rows() + "x" + n);
        }
        c.reshape(m, n);
        double[] ar = a.re, ai = a.im, br = b.re, bi = b.im, cr = c.re, ci = c.im;
        for (int i = 0; i < m; i++) {
            int co = i * n;
            for (int l = 0; l < p; l++) {
                double xr = ar[i * p + l], xi = ai[i * p + l];
                int bo = l * n;
                for (int j = 0; j < n; j++) {
                    double yr = br[bo + j], yi = bi[bo + j];
                    cr[co + j] += xr * yr - xi * yi;
                    ci[co + j] += xr * yi + xi * yr;
                }
            }
        }
    }

    /**
     * C = Aᴴ·B. A is p × m, B is p × n, C is reshaped to m × n (must not alias A or B).
     * Flops: 8·m·p·n.
     */
    public static void mulConjTransA(CMatrix a, CMatrix b, CMatrix c) {
        int p = a.rows(), m = a.cols(), n = b.cols();
        if (b.rows() != p) {
            throw new IllegalArgumentException("inner sizes differ: (" + p + "x" + m + ")ᴴ · " + b.rows() + "x" + n);
        }
        c.reshape(m, n);
        double[] ar = a.re, ai = a.im, br = b.re, bi = b.im, cr = c.re, ci = c.im;
        for (int l = 0; l < p; l++) {
            int ao = l * m, bo = l * n;
            for (int i = 0; i < m; i++) {
                double xr = ar[ao + i], xi = -ai[ao + i];
                int co = i * n;
                for (int j = 0; j < n; j++) {
                    double yr = br[bo + j], yi = bi[bo + j];
                    cr[co + j] += xr * yr - xi * yi;
                    ci[co + j] += xr * yi + xi * yr;
                }
            }
        }
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
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                dotConj(a, i * p, b, j * p, p, c, i * n + j);
            }
        }
    }

    /**
     * c[at] = Σ_{l<p} a[ao + l]·conj(b[bo + l]), accumulated in order of l: one entry of A·Bᴴ
     * ({@link #mulConjTransB}, {@link #covariance}).
     */
    private static void dotConj(CMatrix a, int ao, CMatrix b, int bo, int p, CMatrix c, int at) {
        double[] ar = a.re, ai = a.im, br = b.re, bi = b.im;
        double sr = 0, si = 0;
        for (int l = 0; l < p; l++) {
            double xr = ar[ao + l], xi = ai[ao + l], yr = br[bo + l], yi = -bi[bo + l];
            sr += xr * yr - xi * yi;
            si += xr * yi + xi * yr;
        }
        c.re[at] = sr;
        c.im[at] = si;
    }

    /**
     * aᴴ·X·Xᴴ·a = ‖Xᴴa‖² = Σ_j |Σ_i conj(x_ij)·a_i|² over the columns of X (N × K): the power
     * the precoder X radiates toward the steering vector a (the beampattern a(θ)ᴴ·R_x·a(θ) of
     * seed 000 eq. (5), R_x = XXᴴ). {@code aRe/aIm} hold a in [0, N). Flops: 8·N·K.
     */
    public static double beamPower(CMatrix x, double[] aRe, double[] aIm) {
        return beamPower(x, 0, x.cols(), aRe, aIm);
    }

    /**
     * {@link #beamPower(CMatrix, double[], double[])} over the columns {@code from ≤ j < to}
     * only (one column: |x_jᴴa|²). Each column's inner product is accumulated over i in order,
     * the columns' powers in order of j. Flops: 8·N·(to − from).
     */
    public static double beamPower(CMatrix x, int from, int to, double[] aRe, double[] aIm) {
        int n = x.rows(), k = x.cols();
        if (from < 0 || to > k || from > to) {
            throw new IllegalArgumentException("columns [" + from + ", " + to + ") of a " + n + "x" + k + " matrix");
        }
        double[] re = x.re, im = x.im;
        double p = 0;
        for (int j = from; j < to; j++) {
            double sr = 0, si = 0;
            for (int i = 0; i < n; i++) {
                double xr = re[i * k + j], xi = -im[i * k + j]; // conj(x_ij)
                sr += xr * aRe[i] - xi * aIm[i];
                si += xr * aIm[i] + xi * aRe[i];
            }
            p += sr * sr + si * si;
        }
        return p;
    }

    /**
     * R = X·Xᴴ (N × N, Hermitian) for X (N × K): the transmit covariance R_x of a precoder
     * (seed 000 eq. (5)) or the Gram matrix of X's rows. R is reshaped (must not alias X).
     * Computes the upper triangle and mirrors it; every entry is bit for bit what
     * {@link #mulConjTransB}(X, X, R) writes. Flops: 4·N²·K.
     */
    public static void covariance(CMatrix x, CMatrix r) {
        int n = x.rows(), k = x.cols();
        r.reshape(n, n);
        for (int a = 0; a < n; a++) {
            for (int b = a; b < n; b++) {
                dotConj(x, a * k, x, b * k, k, r, a * n + b);
                if (b != a) {
                    r.re[b * n + a] = r.re[a * n + b];
                    r.im[b * n + a] = 0 - r.im[a * n + b]; // not −im: an exact zero stays +0, as the full product gives
                }
            }
        }
    }

    /**
     * In-place Cholesky factorisation of the Hermitian positive-definite n × n matrix
     * {@code a}: on return its lower triangle holds L with A = L·Lᴴ (real positive
     * diagonal); the strict upper triangle is left as it was. Flops: ≈ 4n³/3.
     *
     * <p>A pivot at or below {@link #CHOLESKY_RELATIVE_PIVOT} times the largest diagonal
     * entry counts as singular (condition number of A above about 1e12).
     *
     * @return false when A is not numerically positive definite (a pivot too small or not finite)
     */
    public static boolean cholesky(CMatrix a) {
        int n = a.rows();
        if (a.cols() != n) {
            throw new IllegalArgumentException("cholesky needs a square matrix, got " + n + "x" + a.cols());
        }
        double[] r = a.re, im = a.im;
        double maxDiag = 0;
        for (int j = 0; j < n; j++) {
            maxDiag = Math.max(maxDiag, r[j * n + j]);
        }
        double minPivot = CHOLESKY_RELATIVE_PIVOT * maxDiag;
        for (int j = 0; j < n; j++) {
            double d = r[j * n + j];
            for (int k = 0; k < j; k++) {
                double lr = r[j * n + k], li = im[j * n + k];
                d -= lr * lr + li * li;
            }
            if (!(d > minPivot) || !Double.isFinite(d)) {
                return false;
            }
            double ljj = Math.sqrt(d);
            r[j * n + j] = ljj;
            im[j * n + j] = 0;
            for (int i = j + 1; i < n; i++) {
                // L_ij = (A_ij - Σ_k L_ik conj(L_jk)) / L_jj
                double sr = r[i * n + j], si = im[i * n + j];
                for (int k = 0; k < j; k++) {
                    double xr = r[i * n + k], xi = im[i * n + k];
                    double yr = r[j * n + k], yi = -im[j * n + k];
                    sr -= xr * yr - xi * yi;
                    si -= xr * yi + xi * yr;
                }
                r[i * n + j] = sr / ljj;
                im[i * n + j] = si / ljj;
            }
        }
        return true;
    }

    /**
     * Inverts in place the lower-triangular n × n factor written by {@link #cholesky}: on
     * return the lower triangle holds L⁻¹ and the strict upper triangle zeros (whatever it
     * held before). The diagonal of L must be nonzero. Flops: ≈ 4n³/3.
     */
    public static void invertLower(CMatrix l) {
        int n = l.rows();
        if (l.cols() != n) {
            throw new IllegalArgumentException("invertLower needs a square matrix, got " + n + "x" + l.cols());
        }
        double[] r = l.re, im = l.im;
        // Row by row: T_ij = -(Σ_{q=j}^{i-1} L_iq T_qj) / L_ii for j < i, T_ii = 1 / L_ii.
        // Row i of L is still intact to the right of j when T_ij overwrites L_ij.
        for (int i = 0; i < n; i++) {
            int io = i * n;
            double dr = r[io + i], di = im[io + i];
            double dd = dr * dr + di * di; // 1/d = conj(d)/|d|² (d is real after cholesky)
            double invR = dr / dd, invI = -di / dd;
            for (int j = 0; j < i; j++) {
                double sr = 0, si = 0;
                for (int q = j; q < i; q++) {
                    double xr = r[io + q], xi = im[io + q];
                    double yr = r[q * n + j], yi = im[q * n + j];
                    sr += xr * yr - xi * yi;
                    si += xr * yi + xi * yr;
                }
                r[io + j] = -(sr * invR - si * invI);
                im[io + j] = -(sr * invI + si * invR);
            }
            r[io + i] = invR;
            im[io + i] = invI;
            for (int j = i + 1; j < n; j++) {
                r[io + j] = 0;
                im[io + j] = 0;
            }
        }
    }

    /**
     * Solves (L·Lᴴ)·X = B in place for the columns of B (n × c), with L the lower factor
     * written by {@link #cholesky}. Flops: ≈ 8n²·c.
     */
    public static void choleskySolve(CMatrix l, CMatrix b) {
        int n = l.rows(), c = b.cols();
        if (b.rows() != n) {
            throw new IllegalArgumentException("rhs has " + b.rows() + " rows, factor " + n);
        }
        double[] lr = l.re, li = l.im, br = b.re, bi = b.im;
        for (int col = 0; col < c; col++) {
            // forward: L y = b
            for (int i = 0; i < n; i++) {
                double sr = br[i * c + col], si = bi[i * c + col];
                for (int k = 0; k < i; k++) {
                    double xr = lr[i * n + k], xi = li[i * n + k];
                    double yr = br[k * c + col], yi = bi[k * c + col];
                    sr -= xr * yr - xi * yi;
                    si -= xr * yi + xi * yr;
                }
                double d = lr[i * n + i];
                br[i * c + col] = sr / d;
                bi[i * c + col] = si / d;
            }
            // backward: Lᴴ x = y
            for (int i = n - 1; i >= 0; i--) {
                double sr = br[i * c + col], si = bi[i * c + col];
                for (int k = i + 1; k < n; k++) {
                    // (Lᴴ)_ik = conj(L_ki)
                    double xr = lr[k * n + i], xi = -li[k * n + i];
                    double yr = br[k * c + col], yi = bi[k * c + col];
                    sr -= xr * yr - xi * yi;
                    si -= xr * yi + xi * yr;
                }
                double d = lr[i * n + i];
                br[i * c + col] = sr / d;
                bi[i * c + col] = si / d;
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
