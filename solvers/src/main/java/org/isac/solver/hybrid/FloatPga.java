package org.isac.solver.hybrid;

import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.ColumnKernels;
import org.isac.solver.metric.Metrics;

/**
 * The outer iterations of {@link HybridPga} (seed 000 Algorithm 1: eqs. (23a)–(23c), (10),
 * (24), (12)) in single precision on column-major arrays, with the per-step products fused
 * into a few {@link ColumnKernels} calls. The double-precision {@link HybridPga} is its
 * oracle: same iterate, same steps, same order of updates.
 *
 * <p>Layout: H, X = F·W and Ψ·X are the three K-column blocks of one N × 3K column-major
 * stack S = [H | X | ΨX], so that one F step is
 * <ol>
 *   <li>X = F·W, g = HᴴF, XᴴX and ΨX (the only N²-sized product, 8N²K flops);</li>
 *   <li>Z = g·W, T_k, U_k and D (K × K, in double; see {@link JcasObjective});</li>
 *   <li>Y = ∇_F R − ω∇_F τ before the factor Wᴴ, as one product of S by the 3K × K
 *       coefficient matrix [D/ln 2; −2ω·XᴴX; 2ω·I] (eqs. (13), (17): ∇_F τ = 2(X·XᴴX − ΨX)Wᴴ);</li>
 *   <li>F ← F + μ·Y·Wᴴ (eq. (23b)), accumulated in place.</li>
 * </ol>
 * The W step forms EX = [X | ΨX]·[XᴴX; −I] and Fᴴ·EX, and updates W (M × K, kept in double)
 * by eq. (24); the power projection (12) scales W by √(P_t / ‖FW‖²_F). Unlike
 * {@link HybridPga#outerIteration}, the F steps do not evaluate the objective (R's logarithms
 * and Re⟨X, ΨX⟩ are skipped): only the direction is needed.
 *
 * <p>Single precision keeps 7 significant digits in F, X and ΨX; {@code FloatPgaTest} and the
 * {@code hybrid-upga} report compare the objective with {@link HybridPga}'s. The caller
 * finishes in double ({@link #store}, then {@link HybridPga#restoreFeasibility()}), so the
 * weights that leave the solver meet |[F]_nm| = 1 and ‖FW‖²_F = P_t to double precision.
 *
 * <p>A workspace: after the first {@link #bind} and run at a size nothing allocates. Ψ is
 * converted to float only when its object or version changes. Not thread-safe.
 */
public final class FloatPga {
    private static final double INV_LN2 = 1 / Metrics.LN2;

    private ColumnKernels kernels = ColumnKernels.get();
    private int n, k, m;
    private double pt;
    private double omega, eta;
    private boolean rescaleInner;
    private PgaSteps steps;
    private double[] noise;

    /** S = [H | X | ΨX], N × 3K column-major. */
    private float[] sr = new float[0], si = sr;
    /** F, N × M column-major. */
    private float[] fr = sr, fi = sr;
    /** Y (F step) or EX (W step), N × K column-major. */
    private float[] yr = sr, yi = sr;
    /** Ψ, N × N column-major. */
    private float[] pr = sr, pi = sr;
    private CMatrix psiOf;
    private long psiVersion = -1;

    /** W (M × K, row-major, double) and its float copy used as coefficients. */
    private double[] wr = new double[0], wi = wr;
    private float[] wfr = sr, wfi = sr;
    /** g = HᴴF (K × M), XᴴX (K × K), Z (K × K), D (K × K), FᴴEX (M × K). */
    private double[] gr = wr, gi = wr, ar = wr, ai = wr, zr = wr, zi = wr, dr = wr, di = wr, er = wr, ei = wr;
    /** Coefficients: [D/ln2; −2ω·XᴴX; 2ω·I] (3K × K) and μ·Wᴴ (K × M). */
    private float[] cr = sr, ci = sr, vr = sr, vi = sr;

    /** The kernels used ({@link ColumnKernels#get()} by default). */
    public void useKernels(ColumnKernels kernels) {
        this.kernels = kernels;
    }

    /**
     * Binds a problem as {@link HybridPga#prepare}: channel H (N × K), noise σ²_k, power P_t,
     * M RF chains and Ψ (N × N) with its version ({@link PsiCache#version()}; −1 converts it
     * every time). Copies H into the float stack; keeps a reference to the noise.
     */
    public void bind(CMatrix channel, double[] noise, double powerW, int rfChains, CMatrix psi, long psiVersion) {
        int nn = channel.rows(), kk = channel.cols();
        if (rfChains < kk || rfChains > nn) {
            throw new IllegalArgumentException("hybrid PGA needs K <= M <= N, got K=" + kk + " M=" + rfChains + " N=" + nn);
        }
        if (psi.rows() != nn || psi.cols() != nn) {
            throw new IllegalArgumentException("Ψ is " + psi.rows() + "x" + psi.cols() + ", channel has N=" + nn);
        }
        boolean grew = size(nn, kk, rfChains);
        this.pt = powerW;
        this.noise = noise;
        for (int c = 0; c < kk; c++) {
            for (int r = 0; r < nn; r++) {
                sr[c * nn + r] = (float) channel.re[r * kk + c];
                si[c * nn + r] = (float) channel.im[r * kk + c];
            }
        }
        if (grew || psiVersion < 0 || psi != psiOf || psiVersion != this.psiVersion) {
            for (int j = 0; j < nn; j++) {
                for (int r = 0; r < nn; r++) {
                    pr[j * nn + r] = (float) psi.re[r * nn + j];
                    pi[j * nn + r] = (float) psi.im[r * nn + j];
                }
            }
            psiOf = psiVersion < 0 ? null : psi;
            this.psiVersion = psiVersion;
        }
    }

    /** Sets the sizes; returns true when the buffers were reallocated. */
    private boolean size(int nn, int kk, int mm) {
        boolean grew = false;
        if (sr.length < 3 * kk * nn || fr.length < mm * nn || pr.length < nn * nn || wr.length < mm * kk
                || gr.length < Math.max(kk, mm) * Math.max(kk, mm)) {
            int big = Math.max(kk, mm);
            sr = new float[3 * kk * nn];
            si = new float[3 * kk * nn];
            fr = new float[mm * nn];
            fi = new float[mm * nn];
            yr = new float[kk * nn];
            yi = new float[kk * nn];
            pr = new float[nn * nn];
            pi = new float[nn * nn];
            wr = new double[mm * kk];
            wi = new double[mm * kk];
            wfr = new float[mm * kk];
            wfi = new float[mm * kk];
            gr = new double[big * big];
            gi = new double[big * big];
            ar = new double[kk * kk];
            ai = new double[kk * kk];
            zr = new double[kk * kk];
            zi = new double[kk * kk];
            dr = new double[kk * kk];
            di = new double[kk * kk];
            er = new double[mm * kk];
            ei = new double[mm * kk];
            cr = new float[3 * kk * kk];
            ci = new float[3 * kk * kk];
            vr = new float[kk * mm];
            vi = new float[kk * mm];
            grew = true;
        }
        if (nn != n) {
            grew = true; // Ψ's column stride changed
        }
        n = nn;
        k = kk;
        m = mm;
        return grew;
    }

    /** Sets ω and η (as {@link HybridPga#setWeights}). */
    public void setWeights(double omega, double eta) {
        this.omega = omega;
        this.eta = eta;
    }

    /** The step sizes (referenced). */
    public void setSteps(PgaSteps steps) {
        this.steps = steps;
    }

    /** Authors' variant: rescale F to ‖FW‖²_F = P_t after every inner step. */
    public void setRescaleInner(boolean rescaleInner) {
        this.rescaleInner = rescaleInner;
    }

    /** Starts from (F₀ N × M, W₀ M × K), e.g. {@link HybridPga}'s initial point. */
    public void start(CMatrix f0, CMatrix w0) {
        if (f0.rows() != n || f0.cols() != m || w0.rows() != m || w0.cols() != k) {
            throw new IllegalArgumentException("start point is " + f0.rows() + "x" + f0.cols() + " and " + w0.rows() + "x"
                    + w0.cols() + ", bound problem has N=" + n + " M=" + m + " K=" + k);
        }
        for (int c = 0; c < m; c++) {
            for (int r = 0; r < n; r++) {
                fr[c * n + r] = (float) f0.re[r * m + c];
                fi[c * n + r] = (float) f0.im[r * m + c];
            }
        }
        System.arraycopy(w0.re, 0, wr, 0, m * k);
        System.arraycopy(w0.im, 0, wi, 0, m * k);
    }

    /** Runs the first {@code layers} outer iterations (0 ≤ layers ≤ steps.outer()). */
    public void run(int layers) {
        if (layers < 0 || layers > steps.outer()) {
            throw new IllegalArgumentException("layers " + layers + " outside 0.." + steps.outer());
        }
        for (int i = 0; i < layers; i++) {
            outerIteration(i);
        }
    }

    /** Outer iteration i: J F steps, eq. (10), the W step (24) and eq. (12). */
    public void outerIteration(int i) {
        int inner = steps.inner();
        for (int j = 0; j < inner; j++) {
            stepF(steps.mu(i, j));
            if (rescaleInner) {
                double s = power();
                kernels.scale(m * n, (float) Math.sqrt(pt / s), fr, fi, 0);
            }
        }
        kernels.unitModulus(m * n, fr, fi, 0);
        stepW(steps.lambda(i));
        double s = power();
        double c = Math.sqrt(pt / s);
        for (int e = 0; e < m * k; e++) {
            wr[e] *= c;
            wi[e] *= c;
        }
    }

    /** Writes the iterate: F (N × M) and W (M × K), row-major double. */
    public void store(CMatrix f, CMatrix w) {
        f.resize(n, m);
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < m; c++) {
                f.re[r * m + c] = fr[c * n + r];
                f.im[r * m + c] = fi[c * n + r];
            }
        }
        w.resize(m, k);
        System.arraycopy(wr, 0, w.re, 0, m * k);
        System.arraycopy(wi, 0, w.im, 0, m * k);
    }

    /** ‖FW‖²_F of the iterate (X = FW into the stack). Flops: 8NMK + 4NK. */
    public double power() {
        products(false);
        return kernels.sumSquares(k * n, sr, si, k * n);
    }

    /** W's float copy, then X = F·W into the stack; with {@code all} also g, XᴴX and ΨX. */
    private void products(boolean all) {
        int mk = m * k;
        for (int e = 0; e < mk; e++) {
            wfr[e] = (float) wr[e];
            wfi[e] = (float) wi[e];
        }
        kernels.combine(n, m, k, fr, fi, 0, wfr, wfi, false, sr, si, k * n);
        if (all) {
            kernels.conjGram(n, k, m, sr, si, 0, fr, fi, 0, gr, gi);
            kernels.conjGram(n, k, k, sr, si, k * n, sr, si, k * n, ar, ai);
            kernels.squareTimes(n, k, pr, pi, sr, si, k * n, sr, si, 2 * k * n);
        }
    }

    /** Z = g·W (double), then D by {@link JcasObjective#rateDirection}. */
    private void rateTerms() {
        for (int a = 0; a < k; a++) {
            for (int l = 0; l < k; l++) {
                double sre = 0, sim = 0;
                for (int b = 0; b < m; b++) {
                    double xr = gr[a * m + b], xi = gi[a * m + b], yr = wr[b * k + l], yi = wi[b * k + l];
                    sre += xr * yr - xi * yi;
                    sim += xr * yi + xi * yr;
                }
                zr[a * k + l] = sre;
                zi[a * k + l] = sim;
            }
        }
        JcasObjective.rateDirection(k, zr, zi, noise, dr, di);
    }

    /** One F step of eq. (23b) with step μ. */
    private void stepF(double mu) {
        products(true);
        rateTerms();
        int kk = k * k;
        double b = -2 * omega;
        for (int e = 0; e < kk; e++) {
            cr[e] = (float) (INV_LN2 * dr[e]);
            ci[e] = (float) (INV_LN2 * di[e]);
            cr[kk + e] = (float) (b * ar[e]);
            ci[kk + e] = (float) (b * ai[e]);
            cr[2 * kk + e] = 0;
            ci[2 * kk + e] = 0;
        }
        for (int l = 0; l < k; l++) {
            cr[2 * kk + l * k + l] = (float) (-b);
        }
        kernels.combine(n, 3 * k, k, sr, si, 0, cr, ci, false, yr, yi, 0);
        // F += μ·Y·Wᴴ: coefficient (l, c) = μ·conj(W(c, l))
        for (int l = 0; l < k; l++) {
            for (int c = 0; c < m; c++) {
                vr[l * m + c] = (float) (mu * wr[c * k + l]);
                vi[l * m + c] = (float) (-mu * wi[c * k + l]);
            }
        }
        kernels.combine(n, k, m, yr, yi, 0, vr, vi, true, fr, fi, 0);
    }

    /** The W step of eq. (24) with step λ: W += λ·(gᴴD/ln 2 − 2ωη·Fᴴ·EX). */
    private void stepW(double lambda) {
        products(true);
        rateTerms();
        int kk = k * k;
        for (int e = 0; e < kk; e++) {
            cr[e] = (float) ar[e];
            ci[e] = (float) ai[e];
            cr[kk + e] = 0;
            ci[kk + e] = 0;
        }
        for (int l = 0; l < k; l++) {
            cr[kk + l * k + l] = -1;
        }
        kernels.combine(n, 2 * k, k, sr, si, k * n, cr, ci, false, yr, yi, 0);
        kernels.conjGram(n, m, k, fr, fi, 0, yr, yi, 0, er, ei);
        double b = -2 * omega * eta;
        for (int c = 0; c < m; c++) {
            for (int l = 0; l < k; l++) {
                double sre = 0, sim = 0;
                for (int a = 0; a < k; a++) {
                    // conj(g(a, c))·D(a, l)
                    double xr = gr[a * m + c], xi = -gi[a * m + c], yr0 = dr[a * k + l], yi0 = di[a * k + l];
                    sre += xr * yr0 - xi * yi0;
                    sim += xr * yi0 + xi * yr0;
                }
                wr[c * k + l] += lambda * (INV_LN2 * sre + b * er[c * k + l]);
                wi[c * k + l] += lambda * (INV_LN2 * sim + b * ei[c * k + l]);
            }
        }
    }
}
