package org.isac.solver.hybrid;

import org.isac.solver.Params;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.radar.BenchmarkCovariance;
import org.isac.solver.radar.DesiredBeampattern;

/**
 * {@code hybrid-pga}: the (untrained) modified PGA of seed 000 for the JCAS hybrid precoder,
 * max R − ω·τ s.t. |[F]_nm| = 1, ‖FW‖²_F = P_t (see {@link HybridPga}). ω = 0 is seed 001's
 * sum-rate design.
 *
 * <p>Parameters ({@link Problem#params}):
 * <ul>
 *   <li>{@code outer} I (default {@value #DEFAULT_OUTER}), {@code inner} J (default
 *       {@value #DEFAULT_INNER});</li>
 *   <li>{@code mu} μ (default {@value #DEFAULT_MU}), {@code lambda} λ (default
 *       {@value #DEFAULT_LAMBDA}): constant step sizes. The paper's 0.01 is not safe at the
 *       authors' channel scale E‖h‖² = N (λ = 0.01 makes the objective fall); the defaults
 *       are the best pair of a grid search (μ ∈ {0.01 … 1}, λ ∈ {3e-6 … 1e-2}) for I = 100,
 *       J = 10 on 30 Saleh–Valenzuela channels at N = 64, K = M = 4, 12 dB, ω = 0.3
 *       ({@code PgaDefaultStepsTest}: mean R − ωτ from −1.6 at eq. (26) to 10.6, never below the start);</li>
 *   <li>{@code omega} ω (default {@value #DEFAULT_OMEGA}), {@code eta} η (default 1/N);</li>
 *   <li>{@code rf_chains} M (default {@link Problem#rfChains}, or K when that is 0);</li>
 *   <li>{@code init}: 0 = eq. (26) (default), 1 = random, 2 = SVD-based;</li>
 *   <li>{@code rescale_inner}: 1 = rescale F after every inner step (authors' code), 0 = paper
 *       (default);</li>
 *   <li>{@code seed}: seed of the random init (default 1);</li>
 *   <li>{@code half_width_deg}: δθ of the desired beampattern (default 2°, the authors'
 *       setup; the paper says 5°).</li>
 * </ul>
 * Ψ comes from {@link PsiCache} ({@link BenchmarkCovariance#cached}) for the problem's target azimuths
 * ({@link Problem#targets}; −60°, 0°, 60° when there are none) and is solved once per
 * configuration; the first solve with new targets is slow (seconds at N = 64).
 *
 * <p>Output: {@link Precoder#analog} F (N × M), {@link Precoder#baseband} W (M × K),
 * {@code predicted}: {@code sum_rate_bits}, {@code tau}, {@code objective} (R − ω·τ),
 * {@code iterations} = I. After warm-up at a size and target set, solve() allocates nothing.
 */
public final class HybridPgaSolver implements Solver {
    public static final String NAME = "hybrid-pga";
    public static final int DEFAULT_OUTER = 100;
    public static final int DEFAULT_INNER = 10;
    public static final double DEFAULT_MU = 0.1;
    public static final double DEFAULT_LAMBDA = 1e-5;
    public static final double DEFAULT_OMEGA = 0.3;
    public static final double DEFAULT_HALF_WIDTH_DEG = DesiredBeampattern.AUTHORS_HALF_WIDTH_DEG;

    private final HybridPga pga = new HybridPga();
    private final PgaSteps steps = new PgaSteps();
    private final PsiCache psiCache = new PsiCache();
    private final AnytimePga anytime = new AnytimePga();

    @Override
    public String name() {
        return NAME;
    }

    /** The engine (for callers that set trained per-layer steps via {@link #steps()}). */
    public HybridPga engine() {
        return pga;
    }

    /** The step schedule used by the next solve; {@code solve} refills it from {@code mu}/{@code lambda}. */
    public PgaSteps steps() {
        return steps;
    }

    private static int intParam(Params p, String name, int dflt, int min) {
        return intParam(NAME, p, name, dflt, min);
    }

    static int intParam(String solver, Params p, String name, int dflt, int min) {
        double v = p.get(name, dflt);
        if (v != Math.rint(v) || v < min || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(solver + ": " + name + " must be an integer >= " + min + ", got " + v);
        }
        return (int) v;
    }

    private static double positiveParam(Params p, String name, double dflt, boolean allowZero) {
        return positiveParam(NAME, p, name, dflt, allowZero);
    }

    static double positiveParam(String solver, Params p, String name, double dflt, boolean allowZero) {
        double v = p.get(name, dflt);
        if (!Double.isFinite(v) || v < 0 || (!allowZero && v == 0)) {
            throw new IllegalArgumentException(solver + ": " + name + " must be finite and " + (allowZero ? ">= 0" : "> 0")
                    + ", got " + v);
        }
        return v;
    }

    /** Counted flops of one {@link #solve} ({@link HybridPga#flops}); Ψ's one-off solve is not included. */
    @Override
    public double flops(Problem problem) {
        Params p = problem.params;
        int n = problem.antennas(), k = problem.users();
        int m = (int) p.get("rf_chains", problem.rfChains > 0 ? problem.rfChains : k);
        return HybridPga.flops(n, k, m, (int) p.get("outer", DEFAULT_OUTER), (int) p.get("inner", DEFAULT_INNER),
                p.get("rescale_inner", 0) == 1);
    }

    /**
     * Solves {@code problem} into {@code out}. Flops: see {@link HybridPga} (I outer
     * iterations) plus the init; plus Ψ's solve on the first call for a target set.
     */
    @Override
    public void solve(Problem problem, Precoder out) {
        out.reset();
        Params p = problem.params;
        int n = problem.antennas(), k = problem.users();
        if (n < 1 || k < 1) {
            throw new IllegalArgumentException(NAME + ": empty channel " + n + "x" + k);
        }
        int outer = intParam(p, "outer", DEFAULT_OUTER, 0);
        int inner = intParam(p, "inner", DEFAULT_INNER, 0);
        double mu = positiveParam(p, "mu", DEFAULT_MU, true);
        double lambda = positiveParam(p, "lambda", DEFAULT_LAMBDA, true);
        double omega = positiveParam(p, "omega", DEFAULT_OMEGA, true);
        double eta = positiveParam(p, "eta", 1.0 / n, true);
        int m = intParam(p, "rf_chains", problem.rfChains > 0 ? problem.rfChains : k, 1);
        int init = intParam(p, "init", HybridInitializer.COHERENT, 0);
        if (init > HybridInitializer.SVD) {
            throw new IllegalArgumentException(NAME + ": init must be 0 (eq. 26), 1 (random) or 2 (SVD), got " + init);
        }
        int rescale = intParam(p, "rescale_inner", 0, 0);
        if (rescale > 1) {
            throw new IllegalArgumentException(NAME + ": rescale_inner must be 0 or 1, got " + rescale);
        }
        long seed = (long) p.get("seed", 1);
        double halfWidth = positiveParam(p, "half_width_deg", DEFAULT_HALF_WIDTH_DEG, true);
        if (m < k || m > n) {
            throw new IllegalArgumentException(NAME + ": needs K <= M <= N, got K=" + k + " M=" + m + " N=" + n);
        }

        if (!anytime.begin(problem, AnytimePga.key(n, k, m, outer, false), out, outer)) {
            return;
        }
        double[] targets = problem.targets.azimuthRad;
        int targetCount = problem.targets.count();
        if (targetCount == 0) {
            targets = PsiCache.DEFAULT_TARGETS_RAD;
            targetCount = PsiCache.DEFAULT_TARGETS_RAD.length;
        }
        double spacing = problem.tx.spacing();
        CMatrix psi = psiCache.update(n, spacing, targets, targetCount, halfWidth, problem.powerBudgetW);

        if (!steps.isConstant(outer, inner, mu, lambda)) {
            steps.setConstant(outer, inner, mu, lambda);
        }
        pga.prepare(problem.channel, problem.noise, problem.powerBudgetW, m, psi, psiCache.version());
        pga.setWeights(omega, eta);
        pga.setSteps(steps);
        pga.setRescaleInner(rescale == 1);
        pga.setSpacing(spacing);
        pga.initialize(init, targets, targetCount, seed);
        anytime.run(pga, null, outer);

        out.analog.copyFrom(pga.analog());
        out.baseband.copyFrom(pga.baseband());
        double rate = pga.sumRateBits();
        double tau = pga.tau();
        out.predicted.put("sum_rate_bits", rate);
        out.predicted.put("tau", tau);
        out.predicted.put("objective", rate - omega * tau);
        out.iterations = anytime.layersRun;
        out.earlyStop = anytime.earlyStop;
        out.deadlineStop = anytime.earlyStop;
        anytime.finished();
    }
}
