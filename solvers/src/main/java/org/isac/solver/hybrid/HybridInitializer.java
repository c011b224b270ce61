package org.isac.solver.hybrid;

import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;

/**
 * Initial hybrid precoders (F₀, W₀) for the PGA of seed 000 (Section III-D and Fig. 5),
 * always returned feasible: |[F₀]_nm| = 1 and ‖F₀W₀‖²_F = P_t.
 * <ul>
 *   <li>{@link #COHERENT} — seed 000 eq. (26) / seed 001 eqs. (12)–(13): [F₀]_nm = e^{+j·arg G_nm}
 *       with G = [h_1 … h_K, a(θ_1) … a(θ_{M−K})] (the sign follows y_k = h_kᴴFw_k, see
 *       docs/REFERENCE-SETUPS.md; the paper prints e^{−jϑ}), and W₀ = pinv(F₀)·X_ZF scaled to power
 *       P_t, with X_ZF = H(HᴴH)⁻¹ the N × K zero-forcing precoder for the users (for M = K
 *       this is the paper's G†; for M > K we keep the users' ZF so that W₀ is M × K).</li>
 *   <li>{@link #RANDOM} — the "Random init" of Fig. 5 ([63]): i.i.d. uniform phases for F₀
 *       (a SplitMix64 stream from a seed, so reproducible) and W₀ = (HᴴF₀)† = (HᴴF₀)ᴴ((HᴴF₀)(HᴴF₀)ᴴ)⁻¹,
 *       the ZF solution on the effective channel, scaled to power P_t.</li>
 *   <li>{@link #SVD} — the "SVD-based init" of Fig. 5: F₀ = e^{j·arg U} with U the
 *       min(M, K) principal left singular vectors of H (N × K), padded with target steering
 *       vectors when M > K (H has only K non-zero singular values); W₀ as in eq. (26).
 *       EJML has no complex SVD, so U = H·Q·Λ^{−1/2} with (Q, Λ) the dominant eigenpairs of
 *       the K × K Gram matrix HᴴH from orthogonal (subspace) iteration with Gram–Schmidt, up
 *       to 2000 sweeps or until ‖AQ − QΛ‖_F ≤ 1e−12·‖A‖_F. The arbitrary phase of each
 *       singular vector is harmless: it rotates one column of F₀, which pinv(F₀) undoes.</li>
 * </ul>
 * Shapes: H is N × K, F₀ is N × M, W₀ is M × K, with K ≤ M ≤ N (and M ≤ K + L for the
 * steering-vector columns). A workspace: nothing allocates after the first call at a size.
 * Not thread-safe.
 */
public final class HybridInitializer {
    /** Eq. (26): coherent analog precoder + least-squares ZF baseband. */
    public static final int COHERENT = 0;
    /** Random phases + ZF on the effective channel. */
    public static final int RANDOM = 1;
    /** Principal singular vectors of H (phases) + eq. (26) baseband. */
    public static final int SVD = 2;

    private static final int SUBSPACE_MAX_SWEEPS = 2000;
    private static final double SUBSPACE_TOL = 1e-12;

    private final CMatrix gram = new CMatrix();
    private final CMatrix inv = new CMatrix();
    private final CMatrix xzf = new CMatrix();
    private final CMatrix ffh = new CMatrix();
    private final CMatrix x = new CMatrix();
    private final CMatrix a = new CMatrix();
    private final CMatrix q = new CMatrix();
    private final CMatrix aq = new CMatrix();
    private final CMatrix u = new CMatrix();
    private long rng;
    private int lastSweeps;

    /**
     * Writes (F₀, W₀) of kind {@code kind} into {@code f} (N × M) and {@code w} (M × K).
     *
     * @param targetsRad azimuths of the targets for columns K+1…M of G (radians); only the
     *     first {@code targetCount} are used
     * @param seed seed of the random phases ({@link #RANDOM} only)
     * @throws IllegalArgumentException when sizes do not fit or a Gram matrix is singular
     */
    public void initialize(int kind, CMatrix h, double pt, int m, double[] targetsRad, int targetCount, long seed,
            CMatrix f, CMatrix w) {
        int n = h.rows(), k = h.cols();
        if (m < k || m > n) {
            throw new IllegalArgumentException("hybrid precoder needs K <= M <= N, got K=" + k + " M=" + m + " N=" + n);
        }
        if (!(pt > 0)) {
            throw new IllegalArgumentException("power budget must be > 0, got " + pt);
        }
        switch (kind) {
            case COHERENT -> coherent(h, pt, m, targetsRad, targetCount, f, w);
            case RANDOM -> random(h, pt, m, seed, f, w);
            case SVD -> svd(h, pt, m, targetsRad, targetCount, f, w);
            default -> throw new IllegalArgumentException("unknown init " + kind + " (0 = eq. 26, 1 = random, 2 = SVD)");
        }
    }

    /**
     * Seed 000 eq. (26). Flops: 8·N·K² (Gram) + 8·N·K² (X_ZF) + 8·N·M² (F₀ᴴF₀) + 8·N·M·K +
     * O(M³ + K³), plus N·M atan-free normalisations.
     */
    public void coherent(CMatrix h, double pt, int m, double[] targetsRad, int targetCount, CMatrix f, CMatrix w) {
        int n = h.rows(), k = h.cols();
        f.reshape(n, m);
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < k; c++) {
                f.set(r, c, h.re(r, c), h.im(r, c));
            }
        }
        steeringColumns(f, k, targetsRad, targetCount);
        Kernels.projectUnitModulus(f);
        leastSquaresZf(h, pt, f, w);
    }

    /**
     * Eq. (26)'s baseband for a given analog F (|F_nm| = 1): W = pinv(F)·H(HᴴH)⁻¹ scaled to
     * ‖FW‖²_F = P_t (the least-squares fit of F·W to the users' zero-forcing precoder). The
     * centre-subband baseline uses it to fit each subband's W_s to the one F. Not allocating
     * after the first call at a size.
     */
    public void leastSquaresBaseband(CMatrix h, double pt, CMatrix f, CMatrix w) {
        leastSquaresZf(h, pt, f, w);
    }

    /**
     * Zero forcing on the effective channel for a given F: W = (HᴴF)† = (HᴴF)ᴴ((HᴴF)(HᴴF)ᴴ)⁻¹
     * scaled to ‖FW‖²_F = P_t (the random init's baseband rule).
     */
    public void effectiveZfBaseband(CMatrix h, double pt, CMatrix f, CMatrix w) {
        Kernels.mulConjTransA(h, f, a);
        Kernels.mulConjTransB(a, a, gram);
        if (!Kernels.cholesky(gram)) {
            throw new IllegalArgumentException("init: effective channel HᴴF is rank deficient");
        }
        identity(inv, h.cols());
        Kernels.choleskySolve(gram, inv);
        Kernels.mulConjTransA(a, inv, w);
        normalise(pt, f, w);
    }

    /** Random init of Fig. 5. Flops: 8·N·M·K + 8·M·K² + O(K³) + N·M sin/cos. */
    public void random(CMatrix h, double pt, int m, long seed, CMatrix f, CMatrix w) {
        int n = h.rows(), k = h.cols();
        rng = seed;
        f.reshape(n, m);
        for (int i = 0; i < n * m; i++) {
            double ph = 2 * Math.PI * nextDouble();
            f.re[i] = Math.cos(ph);
            f.im[i] = Math.sin(ph);
        }
        Kernels.mulConjTransA(h, f, a); // K × M effective channel
        Kernels.mulConjTransB(a, a, gram); // K × K
        if (!Kernels.cholesky(gram)) {
            throw new IllegalArgumentException("random init: effective channel HᴴF₀ is rank deficient");
        }
        identity(inv, k);
        Kernels.choleskySolve(gram, inv);
        Kernels.mulConjTransA(a, inv, w); // M × K
        normalise(pt, f, w);
    }

    /** SVD-based init of Fig. 5. Flops: 8·N·K² + sweeps·(8K³ + 8K²·q) + 8·N·K·q + those of eq. (26)'s baseband. */
    public void svd(CMatrix h, double pt, int m, double[] targetsRad, int targetCount, CMatrix f, CMatrix w) {
        int n = h.rows(), k = h.cols();
        int qCount = Math.min(m, k);
        Kernels.mulConjTransA(h, h, gram);
        dominantEigenvectors(gram, qCount);
        Kernels.mul(h, q, u); // N × q, columns ∝ principal left singular vectors
        f.reshape(n, m);
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < qCount; c++) {
                f.set(r, c, u.re(r, c), u.im(r, c));
            }
        }
        steeringColumns(f, qCount, targetsRad, targetCount);
        Kernels.projectUnitModulus(f);
        leastSquaresZf(h, pt, f, w);
    }

    /** Sweeps used by the last SVD-based init's subspace iteration. */
    public int lastSubspaceSweeps() {
        return lastSweeps;
    }

    /**
     * Orthogonal iteration for the {@code count} dominant eigenvectors of the Hermitian PSD
     * K × K matrix {@code a0}, written to the columns of {@link #q} (K × count), in descending
     * eigenvalue order. Package-private for tests ({@link #eigenvectors()}).
     */
    void dominantEigenvectors(CMatrix a0, int count) {
        int k = a0.rows();
        identity(q, k);
        if (count < k) {
            // keep the first count columns of I
            CMatrix tmp = aq;
            tmp.reshape(k, count);
            for (int i = 0; i < count; i++) {
                tmp.set(i, i, 1, 0);
            }
            q.copyFrom(tmp);
        }
        double an = Math.sqrt(a0.frobeniusNorm2());
        int sweep = 0;
        for (; sweep < SUBSPACE_MAX_SWEEPS; sweep++) {
            Kernels.mul(a0, q, aq);
            // residual ‖AQ − Q·diag(qᴴAq)‖ of the current Q
            double res = 0;
            for (int c = 0; c < count; c++) {
                double rr = 0, ri = 0;
                for (int i = 0; i < k; i++) {
                    double xr = q.re(i, c), xi = -q.im(i, c), yr = aq.re(i, c), yi = aq.im(i, c);
                    rr += xr * yr - xi * yi;
                    ri += xr * yi + xi * yr;
                }
                for (int i = 0; i < k; i++) {
                    double dr = aq.re(i, c) - (rr * q.re(i, c) - ri * q.im(i, c));
                    double di = aq.im(i, c) - (rr * q.im(i, c) + ri * q.re(i, c));
                    res += dr * dr + di * di;
                }
            }
            if (Math.sqrt(res) <= SUBSPACE_TOL * an) {
                break;
            }
            q.copyFrom(aq);
            gramSchmidt(q);
        }
        lastSweeps = sweep;
    }

    /** The last eigenvectors from {@link #dominantEigenvectors} (package-private, for tests). */
    CMatrix eigenvectors() {
        return q;
    }

    private static void gramSchmidt(CMatrix m) {
        int rows = m.rows(), cols = m.cols();
        for (int c = 0; c < cols; c++) {
            for (int p = 0; p < c; p++) {
                double dr = 0, di = 0;
                for (int i = 0; i < rows; i++) {
                    double xr = m.re(i, p), xi = -m.im(i, p), yr = m.re(i, c), yi = m.im(i, c);
                    dr += xr * yr - xi * yi;
                    di += xr * yi + xi * yr;
                }
                for (int i = 0; i < rows; i++) {
                    double pr = m.re(i, p), pi = m.im(i, p);
                    m.set(i, c, m.re(i, c) - (dr * pr - di * pi), m.im(i, c) - (dr * pi + di * pr));
                }
            }
            double nrm = 0;
            for (int i = 0; i < rows; i++) {
                nrm += m.re(i, c) * m.re(i, c) + m.im(i, c) * m.im(i, c);
            }
            double s = nrm > 0 ? 1 / Math.sqrt(nrm) : 0;
            for (int i = 0; i < rows; i++) {
                m.set(i, c, m.re(i, c) * s, m.im(i, c) * s);
            }
        }
    }

    /** Phase per element and unit of sin θ of the transmit ULA, 2π·spacing (π at half a wavelength). */
    private double phaseScale = Math.PI;

    /** The transmit ULA's element spacing in wavelengths (default half a wavelength). */
    public void setSpacing(double wavelengths) {
        phaseScale = org.isac.solver.array.ArrayShape.phaseScale(wavelengths);
    }

    /** Columns from..M−1 of F become steering vectors of the targets (unit-modulus phases k·n·sin θ, k = 2π·spacing). */
    private void steeringColumns(CMatrix f, int from, double[] targetsRad, int targetCount) {
        int n = f.rows(), m = f.cols();
        if (m - from > targetCount) {
            throw new IllegalArgumentException("init needs M - K = " + (m - from) + " target steering vectors, have "
                    + targetCount + " targets");
        }
        for (int c = from; c < m; c++) {
            double s = phaseScale * Math.sin(targetsRad[c - from]);
            for (int r = 0; r < n; r++) {
                f.set(r, c, Math.cos(s * r), Math.sin(s * r));
            }
        }
    }

    /** W = pinv(F)·X_ZF with X_ZF = H(HᴴH)⁻¹, then scaled to ‖FW‖²_F = P_t. */
    private void leastSquaresZf(CMatrix h, double pt, CMatrix f, CMatrix w) {
        int k = h.cols();
        Kernels.mulConjTransA(h, h, gram);
        if (!Kernels.cholesky(gram)) {
            throw new IllegalArgumentException("init: channel Gram matrix HᴴH is singular");
        }
        identity(inv, k);
        Kernels.choleskySolve(gram, inv);
        Kernels.mul(h, inv, xzf); // N × K
        Kernels.mulConjTransA(f, f, ffh); // M × M
        if (!Kernels.cholesky(ffh)) {
            throw new IllegalArgumentException("init: analog precoder F₀ is rank deficient (repeated columns?)");
        }
        Kernels.mulConjTransA(f, xzf, w); // M × K
        Kernels.choleskySolve(ffh, w);
        normalise(pt, f, w);
    }

    private void normalise(double pt, CMatrix f, CMatrix w) {
        Kernels.mul(f, w, x);
        double p = x.frobeniusNorm2();
        if (!(p > 0) || !Double.isFinite(p)) {
            throw new IllegalArgumentException("init: precoder has no finite power");
        }
        w.scale(Math.sqrt(pt / p));
    }

    private static void identity(CMatrix m, int k) {
        m.reshape(k, k);
        for (int i = 0; i < k; i++) {
            m.re[i * k + i] = 1;
        }
    }

    /** SplitMix64 uniform in [0, 1). */
    private double nextDouble() {
        long z = (rng += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }
}
