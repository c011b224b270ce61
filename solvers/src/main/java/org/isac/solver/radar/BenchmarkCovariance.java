package org.isac.solver.radar;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.HermitianEigen;
import org.isac.solver.linalg.Kernels;

/**
 * Benchmark radar covariance Ψ of seed 000 eq. (6), solved in Java:
 *
 * <pre>
 *   minimise_{α, Ψ}  f = Σ_t (α·P_d(θ_t) − ā(θ_t)ᴴ Ψ ā(θ_t))²
 *   subject to       diag(Ψ) = P_t / N,  Ψ ⪰ 0 (Hermitian)
 * </pre>
 *
 * with the unnormalised ULA steering vector ā(θ)_n = e^{jπ n sin θ} (‖ā‖² = N) and the grid
 * and windows of {@link DesiredBeampattern}. f is 1-homogeneous of degree 2 in (α, Ψ) and the
 * constraint set scales with P_t, so the solution at P_t is P_t times the solution at P_t = 1:
 * this class solves at P_t = 1 and {@link #psi(double, CMatrix)} scales.
 *
 * <p><b>Method.</b> α is eliminated in closed form (α* = Σ P_d p_t / Σ P_d², p_t = āᴴΨā), and
 * Ψ is factored as Ψ = B·Bᴴ with B of size N × r whose rows lie on the sphere ‖b_n‖² = 1/N
 * (Burer–Monteiro). Riemannian gradient descent with row-normalisation retraction,
 * Barzilai–Borwein steps and non-monotone Armijo backtracking (memory 10) runs to a relative
 * stationarity of {@link #DEFAULT_TOLERANCE}. Because
 * āᴴΨā = Σ_m c_m e^{−jπ m sin θ} depends on Ψ only through its diagonal sums c_m, and the
 * gradient G = Σ_t e_t ā_t ā_tᴴ (e_t = p_t − α P_d(θ_t)) is Toeplitz, one iteration costs
 * ≈ 8·N²·r (Toeplitz product G·B) + 4·N²·r (diagonal sums) + 4·N·T flops.
 *
 * <p><b>Selection rule.</b> Eq. (6) only sees āᴴΨā on the grid and diag(Ψ), so its optimal
 * set is not a single matrix. The Ψ returned here is, by definition, the limit of this
 * deterministic descent started from the isotropic covariance Ψ₀ = I·P_t/N (B₀ = the first r
 * columns of the unitary N-point DFT, scaled to rows of norm² 1/N; with the default r = N,
 * B₀B₀ᴴ = I/N exactly). Starting from the maximum-entropy feasible point and moving only
 * along descent directions keeps Ψ as close to isotropic as the fit allows; the result is
 * reproducible bit for bit on the same JVM. Global optimality is certified (not assumed) by the
 * KKT dual matrix S = 2G − Diag(y), y_n = 2·Re⟨(GB)_n, b_n⟩/‖b_n‖²: S ⪰ 0 and S·Ψ = 0 prove Ψ
 * optimal for the convex problem (6); {@link #certificateMinEigenvalue()} reports λ_min(S)
 * relative to ‖2G‖₂.
 *
 * <p>Immutable after {@link #solve}; {@link #cached} shares instances per (N, targets,
 * half-width, grid).
 */
public final class BenchmarkCovariance {
    /** Relative Riemannian-gradient tolerance ‖grad‖_F / ‖G·B‖_F at which the descent stops. */
    public static final double DEFAULT_TOLERANCE = 1e-8;
    /** Iteration cap of the descent. */
    public static final int DEFAULT_MAX_ITERATIONS = 20000;

    private static final int CACHE_CAPACITY = 16;
    private static final int NONMONOTONE_MEMORY = 10;
    private static final Map<Object, BenchmarkCovariance> CACHE = new LinkedHashMap<>(16, 0.75f, true);

    private final int n;
    private final int rank;
    private final DesiredBeampattern pattern;
    private final CMatrix psiUnit;
    private final CMatrix factorUnit;
    private final double alphaUnit;
    private final double[] patternUnit;
    private final double residualUnit;
    private final int iterations;
    private final double relativeGradient;
    private final double certificateMinEig;

    private BenchmarkCovariance(int n, int rank, DesiredBeampattern pattern, CMatrix psiUnit, CMatrix factorUnit,
            double alphaUnit, double[] patternUnit, double residualUnit, int iterations, double relativeGradient,
            double certificateMinEig) {
        this.n = n;
        this.rank = rank;
        this.pattern = pattern;
        this.psiUnit = psiUnit;
        this.factorUnit = factorUnit;
        this.alphaUnit = alphaUnit;
        this.patternUnit = patternUnit;
        this.residualUnit = residualUnit;
        this.iterations = iterations;
        this.relativeGradient = relativeGradient;
        this.certificateMinEig = certificateMinEig;
    }

    private record Key(int n, double spacing, List<Double> targets, double halfWidth, double start, double step, int points) {
    }

    /**
     * The Ψ for N antennas and {@code pattern}, solved once per (N, targets, half-width, grid)
     * with r = N and kept in a small LRU cache (thread-safe). Allocates on every call (the key):
     * callers on a hot path remember the last instance themselves.
     */
    public static BenchmarkCovariance cached(int n, DesiredBeampattern pattern) {
        return cached(n, ArrayShape.HALF_WAVELENGTH, pattern);
    }

    /**
     * {@link #cached(int, DesiredBeampattern)} for a ULA of {@code spacing} wavelengths (the
     * beampattern steering vectors of eq. (5) with phase 2π·spacing·n·sin θ).
     */
    public static BenchmarkCovariance cached(int n, double spacing, DesiredBeampattern pattern) {
        Double[] t = new Double[pattern.targetsDeg().length];
        double[] td = pattern.targetsDeg();
        for (int i = 0; i < t.length; i++) {
            t[i] = td[i];
        }
        Key key = new Key(n, spacing, List.of(t), pattern.halfWidthDeg(), pattern.gridStartDeg(), pattern.gridStepDeg(),
                pattern.points());
        synchronized (CACHE) {
            BenchmarkCovariance c = CACHE.get(key);
            if (c != null) {
                return c;
            }
        }
        BenchmarkCovariance c = solve(n, spacing, pattern, n, DEFAULT_TOLERANCE, DEFAULT_MAX_ITERATIONS);
        synchronized (CACHE) {
            CACHE.put(key, c);
            if (CACHE.size() > CACHE_CAPACITY) {
                Object eldest = CACHE.keySet().iterator().next();
                CACHE.remove(eldest);
            }
        }
        return c;
    }

    /**
     * Solves eq. (6) at P_t = 1 for N = {@code n} antennas with a rank-{@code rank} factor (see
     * the class comment for the method and the selection rule). Flops: ≈ 12·N²·r per
     * iteration plus a few function evaluations (≈ 4·N²·r each) in the line search, and one
     * O((2N)³) eigen-solve for the certificate.
     *
     * @param tolerance stop when ‖grad‖_F ≤ tolerance·‖G·B‖_F
     * @param maxIterations iteration cap (the result reports whether it was reached)
     */
    public static BenchmarkCovariance solve(int n, DesiredBeampattern pattern, int rank, double tolerance,
            int maxIterations) {
        return solve(n, ArrayShape.HALF_WAVELENGTH, pattern, rank, tolerance, maxIterations);
    }

    /** {@link #solve(int, DesiredBeampattern, int, double, int)} for a ULA of {@code spacing} wavelengths. */
    public static BenchmarkCovariance solve(int n, double spacing, DesiredBeampattern pattern, int rank, double tolerance,
            int maxIterations) {
        if (n < 1 || rank < 1 || rank > n) {
            throw new IllegalArgumentException("need N >= 1 and 1 <= r <= N, got N=" + n + " r=" + rank);
        }
        return new Descent(n, rank, pattern, ArrayShape.phaseScale(spacing)).run(tolerance, maxIterations);
    }

    /** Antennas N. */
    public int antennas() {
        return n;
    }

    /** Rank r of the factor B. */
    public int rank() {
        return rank;
    }

    public DesiredBeampattern pattern() {
        return pattern;
    }

    /** Writes P_t·Ψ₁ (N × N) into {@code out} (reshaped). Flops: 2·N². */
    public void psi(double pt, CMatrix out) {
        out.copyFrom(psiUnit);
        out.scale(pt);
    }

    /** Writes the factor √P_t·B₁ (N × r, Ψ = B·Bᴴ) into {@code out} (reshaped). */
    public void factor(double pt, CMatrix out) {
        out.copyFrom(factorUnit);
        out.scale(Math.sqrt(pt));
    }

    /** Fitted scale α at power {@code pt}: α = α₁·P_t. */
    public double alpha(double pt) {
        return alphaUnit * pt;
    }

    /** ā(θ_t)ᴴΨā(θ_t) at P_t = 1 on the pattern's grid (a copy; multiply by P_t). */
    public double[] beampatternUnit() {
        return patternUnit.clone();
    }

    /** Optimal value of (6a) at P_t = 1 (scales with P_t²). */
    public double residualUnit() {
        return residualUnit;
    }

    public int iterations() {
        return iterations;
    }

    /** ‖grad‖_F / ‖G·B‖_F at the returned point (Riemannian gradient on the row spheres). */
    public double relativeGradient() {
        return relativeGradient;
    }

    /** λ_min(2G − Diag(y)) / ‖2G‖₂: ≥ −(small) certifies global optimality. */
    public double certificateMinEigenvalue() {
        return certificateMinEig;
    }

    /**
     * The value of (6a) at P_t = 1 for a Hermitian {@code psi} (α eliminated in closed form).
     * Used by tests as an oracle. Flops: 8·N²·T.
     */
    public static double objectiveUnit(CMatrix psi, DesiredBeampattern pattern, double[] alphaOut,
            double[] patternOut) {
        return objectiveUnit(psi, ArrayShape.HALF_WAVELENGTH, pattern, alphaOut, patternOut);
    }

    /** {@link #objectiveUnit(CMatrix, DesiredBeampattern, double[], double[])} for a ULA of {@code spacing} wavelengths. */
    public static double objectiveUnit(CMatrix psi, double spacing, DesiredBeampattern pattern, double[] alphaOut,
            double[] patternOut) {
        double k = ArrayShape.phaseScale(spacing);
        int n = psi.rows();
        int tCount = pattern.points();
        double[] p = patternOut != null ? patternOut : new double[tCount];
        for (int t = 0; t < tCount; t++) {
            double s = k * Math.sin(pattern.angleRad(t));
            double acc = 0;
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    // conj(ā_a) Ψ_ab ā_b = Ψ_ab e^{-jπ(a-b)s}
                    double x = -(a - b) * s;
                    acc += psi.re[a * n + b] * Math.cos(x) - psi.im[a * n + b] * Math.sin(x);
                }
            }
            p[t] = acc;
        }
        double num = 0, den = 0;
        for (int t = 0; t < tCount; t++) {
            num += pattern.desired(t) * p[t];
            den += pattern.desired(t) * pattern.desired(t);
        }
        double alpha = num / den;
        if (alphaOut != null) {
            alphaOut[0] = alpha;
        }
        double f = 0;
        for (int t = 0; t < tCount; t++) {
            double e = p[t] - alpha * pattern.desired(t);
            f += e * e;
        }
        return f;
    }

    /** Riemannian gradient descent on the factor B (one solve). */
    private static final class Descent {
        final int n;
        final int r;
        final int tCount;
        final DesiredBeampattern pattern;
        final double[] cosT;
        final double[] sinT;
        final double[] desired;
        final double desiredNorm2;
        final CMatrix b;
        final CMatrix trial;
        final CMatrix gb;
        final CMatrix grad;
        final CMatrix prev;
        final CMatrix prevGrad;
        final double[] cRe;
        final double[] cIm;
        final double[] gRe;
        final double[] gIm;
        final double[] p;
        final double[] e;
        double alpha;

        /** @param k phase per element and unit of sin θ (π at half a wavelength) */
        Descent(int n, int r, DesiredBeampattern pattern, double k) {
            this.n = n;
            this.r = r;
            this.pattern = pattern;
            this.tCount = pattern.points();
            cosT = new double[n * tCount];
            sinT = new double[n * tCount];
            desired = new double[tCount];
            double dn = 0;
            for (int t = 0; t < tCount; t++) {
                double s = k * Math.sin(pattern.angleRad(t));
                for (int m = 0; m < n; m++) {
                    cosT[m * tCount + t] = Math.cos(m * s);
                    sinT[m * tCount + t] = Math.sin(m * s);
                }
                desired[t] = pattern.desired(t);
                dn += desired[t] * desired[t];
            }
            desiredNorm2 = dn;
            b = new CMatrix(n, r);
            trial = new CMatrix(n, r);
            gb = new CMatrix(n, r);
            grad = new CMatrix(n, r);
            prev = new CMatrix(n, r);
            prevGrad = new CMatrix(n, r);
            cRe = new double[n];
            cIm = new double[n];
            gRe = new double[n];
            gIm = new double[n];
            p = new double[tCount];
            e = new double[tCount];
        }

        /** f(B) with α eliminated; fills c, p, e and alpha. Flops ≈ 4·N²·r + 4·N·T. */
        double evaluate(CMatrix bm) {
            double[] br = bm.re, bi = bm.im;
            // c_m = Σ_a Ψ_{a+m,a} = Σ_a <b_{a+m}, b_a> with Ψ_ab = Σ_c B_ac conj(B_bc)
            for (int m = 0; m < n; m++) {
                double sr = 0, si = 0;
                for (int a = 0; a + m < n; a++) {
                    int o1 = (a + m) * r, o2 = a * r;
                    for (int c = 0; c < r; c++) {
                        double xr = br[o1 + c], xi = bi[o1 + c], yr = br[o2 + c], yi = bi[o2 + c];
                        sr += xr * yr + xi * yi;
                        si += xi * yr - xr * yi;
                    }
                }
                cRe[m] = sr;
                cIm[m] = si;
            }
            // p_t = c_0 + 2 Σ_{m≥1} Re(c_m e^{-jπ m s_t})
            for (int t = 0; t < tCount; t++) {
                p[t] = cRe[0];
            }
            for (int m = 1; m < n; m++) {
                double cr = 2 * cRe[m], ci = 2 * cIm[m];
                int o = m * tCount;
                for (int t = 0; t < tCount; t++) {
                    p[t] += cr * cosT[o + t] + ci * sinT[o + t];
                }
            }
            double num = 0;
            for (int t = 0; t < tCount; t++) {
                num += desired[t] * p[t];
            }
            alpha = num / desiredNorm2;
            double f = 0;
            for (int t = 0; t < tCount; t++) {
                e[t] = p[t] - alpha * desired[t];
                f += e[t] * e[t];
            }
            return f;
        }

        /** gb = G·B with G_ab = g_{a−b}, g_m = Σ_t e_t e^{jπ m s_t}. Flops ≈ 8·N²·r. */
        void gradient() {
            for (int m = 0; m < n; m++) {
                double sr = 0, si = 0;
                int o = m * tCount;
                for (int t = 0; t < tCount; t++) {
                    sr += e[t] * cosT[o + t];
                    si += e[t] * sinT[o + t];
                }
                gRe[m] = sr;
                gIm[m] = si;
            }
            gb.zero();
            double[] br = b.re, bi = b.im, or = gb.re, oi = gb.im;
            for (int a = 0; a < n; a++) {
                int oa = a * r;
                for (int bb = 0; bb < n; bb++) {
                    int m = a - bb;
                    double xr, xi;
                    if (m >= 0) {
                        xr = gRe[m];
                        xi = gIm[m];
                    } else {
                        xr = gRe[-m];
                        xi = -gIm[-m];
                    }
                    int ob = bb * r;
                    for (int c = 0; c < r; c++) {
                        double yr = br[ob + c], yi = bi[ob + c];
                        or[oa + c] += xr * yr - xi * yi;
                        oi[oa + c] += xr * yi + xi * yr;
                    }
                }
            }
            // project each row onto the tangent space of its sphere
            for (int a = 0; a < n; a++) {
                int oa = a * r;
                double dot = 0, nb = 0;
                for (int c = 0; c < r; c++) {
                    dot += or[oa + c] * br[oa + c] + oi[oa + c] * bi[oa + c];
                    nb += br[oa + c] * br[oa + c] + bi[oa + c] * bi[oa + c];
                }
                double s = dot / nb;
                for (int c = 0; c < r; c++) {
                    grad.re[oa + c] = or[oa + c] - s * br[oa + c];
                    grad.im[oa + c] = oi[oa + c] - s * bi[oa + c];
                }
            }
        }

        static void retract(CMatrix m, int n, int r) {
            double target = 1.0 / n;
            for (int a = 0; a < n; a++) {
                int oa = a * r;
                double nb = 0;
                for (int c = 0; c < r; c++) {
                    nb += m.re[oa + c] * m.re[oa + c] + m.im[oa + c] * m.im[oa + c];
                }
                double s = Math.sqrt(target / nb);
                for (int c = 0; c < r; c++) {
                    m.re[oa + c] *= s;
                    m.im[oa + c] *= s;
                }
            }
        }

        BenchmarkCovariance run(double tolerance, int maxIterations) {
            // B0: first r columns of the unitary DFT, rows scaled to norm² 1/N (Ψ0 = I/N for r = N)
            double s0 = 1.0 / Math.sqrt((double) n * r);
            for (int a = 0; a < n; a++) {
                for (int c = 0; c < r; c++) {
                    double ph = 2 * Math.PI * ((long) a * c % n) / n;
                    b.set(a, c, s0 * Math.cos(ph), s0 * Math.sin(ph));
                }
            }
            double f = evaluate(b);
            double step = 1e-3;
            int it = 0;
            double rel = Double.POSITIVE_INFINITY;
            int size = n * r;
            double[] history = new double[NONMONOTONE_MEMORY];
            java.util.Arrays.fill(history, f);
            for (; it < maxIterations; it++) {
                gradient();
                double g2 = grad.frobeniusNorm2();
                double gb2 = gb.frobeniusNorm2();
                rel = Math.sqrt(g2 / gb2);
                if (rel <= tolerance) {
                    break;
                }
                if (it > 0) {
                    // Barzilai–Borwein step from s = B − B_prev, y = grad − grad_prev (alternating BB1/BB2)
                    double ss = 0, sy = 0, yy = 0;
                    for (int i = 0; i < size; i++) {
                        double sr = b.re[i] - prev.re[i], si = b.im[i] - prev.im[i];
                        double yr = grad.re[i] - prevGrad.re[i], yi = grad.im[i] - prevGrad.im[i];
                        ss += sr * sr + si * si;
                        sy += sr * yr + si * yi;
                        yy += yr * yr + yi * yi;
                    }
                    if (sy > 0) {
                        step = (it % 2 == 0) ? ss / sy : sy / yy;
                    }
                }
                double fRef = history[0];
                for (int h = 1; h < NONMONOTONE_MEMORY; h++) {
                    fRef = Math.max(fRef, history[h]);
                }
                // non-monotone Armijo on f(R(B − s·grad)); df/ds at 0 = −4·‖grad‖²
                boolean accepted = false;
                for (int bt = 0; bt < 60; bt++) {
                    for (int i = 0; i < size; i++) {
                        trial.re[i] = b.re[i] - step * grad.re[i];
                        trial.im[i] = b.im[i] - step * grad.im[i];
                    }
                    retract(trial, n, r);
                    double ft = evaluate(trial);
                    if (ft <= fRef - 1e-4 * 4 * step * g2) {
                        f = ft;
                        accepted = true;
                        break;
                    }
                    step *= 0.5;
                }
                if (!accepted) {
                    evaluate(b);
                    break; // no decrease representable in floating point: stationary to round-off
                }
                prev.copyFrom(b);
                prevGrad.copyFrom(grad);
                b.copyFrom(trial);
                history[it % NONMONOTONE_MEMORY] = f;
            }
            f = evaluate(b);
            gradient();
            rel = Math.sqrt(grad.frobeniusNorm2() / gb.frobeniusNorm2());
            CMatrix psi = new CMatrix();
            Kernels.covariance(b, psi); // Ψ = B·Bᴴ
            double cert = certificate();
            return new BenchmarkCovariance(n, r, pattern, psi, new CMatrix(n, r).copyFrom(b), alpha, p.clone(), f, it,
                    rel, cert);
        }

        /** λ_min(2G − Diag(y)) / ‖2G‖₂ at the current B (gradient() must have run). */
        double certificate() {
            CMatrix s = new CMatrix(n, n);
            for (int a = 0; a < n; a++) {
                for (int c = 0; c < n; c++) {
                    int m = a - c;
                    double xr = m >= 0 ? gRe[m] : gRe[-m];
                    double xi = m >= 0 ? gIm[m] : -gIm[-m];
                    s.set(a, c, 2 * xr, 2 * xi);
                }
            }
            CMatrix g2 = new CMatrix().copyFrom(s);
            for (int a = 0; a < n; a++) {
                double dot = 0, nb = 0;
                for (int c = 0; c < r; c++) {
                    int i = a * r + c;
                    dot += gb.re[i] * b.re[i] + gb.im[i] * b.im[i];
                    nb += b.re[i] * b.re[i] + b.im[i] * b.im[i];
                }
                s.re[a * n + a] -= 2 * dot / nb;
            }
            HermitianEigen eig = new HermitianEigen();
            double lmin = eig.minEigenvalue(s);
            double lminG = eig.minEigenvalue(g2);
            g2.scale(-1);
            double lmaxG = -eig.minEigenvalue(g2);
            double norm = Math.max(Math.abs(lminG), Math.abs(lmaxG));
            return lmin / norm;
        }
    }
}
