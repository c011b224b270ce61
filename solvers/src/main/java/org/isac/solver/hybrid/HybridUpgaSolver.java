package org.isac.solver.hybrid;

import org.isac.solver.Params;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.linalg.CMatrix;

/**
 * {@code hybrid-upga}: the deep-unfolded PGA of seed 000 (Algorithm 1) with trained step
 * sizes {μ(i, j), λ(i)} from a {@link HybridUpgaModel}: init eq. (26), then I outer layers of
 * J inner F steps (eq. (23b)), unit-modulus projection (10), one W step (24) and the power
 * projection (12) (with √P_t). Same engine and hot path as {@code hybrid-pga}
 * ({@link HybridPga}); only the steps differ.
 *
 * <p>Which model: a solver built with {@link #HybridUpgaSolver(HybridUpgaModel)} or
 * {@link #load(String)} (shipped name or file path) serves that model and refuses problems
 * of other sizes with a clear error; the registry's instance ({@link #HybridUpgaSolver()})
 * picks the shipped model for the problem's N, K, M and ω ({@link HybridUpgaModel#shippedFor}).
 *
 * <p>Parameters ({@link Problem#params}):
 * <ul>
 *   <li>{@code layers}: run only the first L ≤ I outer layers (default I; each layer's output
 *       is feasible);</li>
 *   <li>{@code omega}: selects the shipped model (default {@value HybridPgaSolver#DEFAULT_OMEGA});
 *       with a fixed model it must equal the model's ω (the steps were trained for it);</li>
 *   <li>{@code rf_chains}: M (default {@link Problem#rfChains}, or K when that is 0);</li>
 *   <li>{@code single_precision}: 1 (default) iterates in float with fused column kernels
 *       ({@link FloatPga}; the weights are made feasible again in double before they leave),
 *       0 in double ({@link HybridPga}, the oracle). The {@code hybrid-upga} report gives the
 *       objective of both on the held-out channels.</li>
 * </ul>
 * Ψ is the benchmark covariance (seed 000 eq. (6)) for the problem's targets, or the model's
 * when the problem names none, with the model's beampattern half-width.
 *
 * <p>Scale: the steps were trained at the authors' scale, σ² = 1 and P_t = SNR
 * (docs/REFERENCE-SETUPS.md), and they do not transfer to other scales: R is unchanged when
 * P_t and σ² scale together, but τ scales with P_t² and the gradients with it, so at P_t = 1 W
 * and σ² = P_t/SNR the layers lower R − ωτ below the eq. (26) start. The solver therefore
 * works at unit noise: with s the users' mean σ², it solves for noise σ²/s and budget P_t/s
 * (Ψ at P_t/s), and returns W·√s, which has the same SINRs and meets P_t. The predicted
 * {@code tau} is at the problem's scale (τ·s²); {@code objective} is R − ωτ at unit noise,
 * the objective the model was trained for, which does not change when P_t and σ² scale
 * together. At σ² = 1 (s = 1) nothing is rescaled.
 *
 * <p>Anytime: under a bounded {@link Problem#budget} it stops between layers when the next
 * would not fit ({@link AnytimePga}: the answer is the iterate after the last layer run, or
 * the eq. (26) start when that scores higher; {@code earlyStop}, {@code layersPlanned}), and
 * marks the output {@code outOfTime} when not even one layer fits.
 *
 * <p>Output as {@code hybrid-pga}: F (N × M), W (M × K), predicted {@code sum_rate_bits},
 * {@code tau}, {@code objective}; {@code iterations} = layers run. After warm-up at a size,
 * solve() allocates nothing. Flops: ≈ I·(J·172 + 180) kflop at N = 64, M = K = 4.
 */
public final class HybridUpgaSolver implements Solver {
    public static final String NAME = "hybrid-upga";

    private final HybridUpgaModel fixed;
    private HybridUpgaModel model;
    private final HybridPga pga = new HybridPga();
    private final FloatPga single = new FloatPga();
    private final PgaSteps steps = new PgaSteps();
    private final PsiCache psiCache = new PsiCache();
    private final AnytimePga anytime = new AnytimePga();
    private final double[] modelTargetsRad = new double[16];
    private double[] unitNoise = new double[4];
    private int modelTargetCount;

    /** Picks the shipped model that fits each problem (N, K, M, ω). */
    public HybridUpgaSolver() {
        this.fixed = null;
    }

    /** Serves {@code model} only. */
    public HybridUpgaSolver(HybridUpgaModel model) {
        this.fixed = model;
        use(model);
    }

    /** Serves the model at file path or shipped name {@code nameOrPath} ({@link HybridUpgaModel#load}). */
    public static HybridUpgaSolver load(String nameOrPath) {
        return new HybridUpgaSolver(HybridUpgaModel.load(nameOrPath));
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The model used by the last solve (or the fixed one); null before the first auto-selecting solve. */
    public HybridUpgaModel model() {
        return model;
    }

    private void use(HybridUpgaModel m) {
        double[] deg = m.targetsDeg();
        if (deg.length > modelTargetsRad.length) {
            throw new IllegalArgumentException(NAME + ": model '" + m.name() + "' has more than " + modelTargetsRad.length + " targets");
        }
        for (int i = 0; i < deg.length; i++) {
            modelTargetsRad[i] = Math.toRadians(deg[i]);
        }
        modelTargetCount = deg.length;
        m.steps(steps);
        model = m;
    }

    /**
     * Counted flops of one {@link #solve} with the model that solve would use
     * ({@link HybridPga#flops}); Ψ's one-off solve is not included.
     */
    @Override
    public double flops(Problem problem) {
        Params p = problem.params;
        int n = problem.antennas(), k = problem.users();
        int m = (int) p.get("rf_chains", problem.rfChains > 0 ? problem.rfChains : k);
        HybridUpgaModel mdl = fixed;
        if (mdl == null) {
            mdl = HybridUpgaModel.shippedFor(n, k, m, p.get("omega", HybridPgaSolver.DEFAULT_OMEGA));
        }
        int layers = (int) p.get("layers", mdl.outer());
        return HybridPga.flops(n, k, m, layers, mdl.inner(), mdl.rescaleInner());
    }

    @Override
    public boolean singlePrecision(Problem problem) {
        return singlePrecision(problem.params);
    }

    /** The {@code single_precision} parameter: 1 (default) runs {@link FloatPga}, 0 {@link HybridPga}. */
    static boolean singlePrecision(Params p) {
        double v = p.get("single_precision", 1);
        if (v != 0 && v != 1) {
            throw new IllegalArgumentException(NAME + ": single_precision must be 0 or 1, got " + v);
        }
        return v == 1;
    }

    /** The users' mean noise power σ² (W). */
    static double meanNoise(double[] noise, int k) {
        double sum = 0;
        for (int u = 0; u < k; u++) {
            sum += noise[u];
        }
        return sum / k;
    }

    @Override
    public void solve(Problem problem, Precoder out) {
        out.reset();
        Params p = problem.params;
        int n = problem.antennas(), k = problem.users();
        if (n < 1 || k < 1) {
            throw new IllegalArgumentException(NAME + ": empty channel " + n + "x" + k);
        }
        int m = HybridPgaSolver.intParam(NAME, p, "rf_chains", problem.rfChains > 0 ? problem.rfChains : k, 1);
        if (fixed == null) {
            double omega = HybridPgaSolver.positiveParam(NAME, p, "omega", HybridPgaSolver.DEFAULT_OMEGA, true);
            if (model == null || !model.fits(n, k, m) || model.omega() != omega) {
                use(HybridUpgaModel.shippedFor(n, k, m, omega));
            }
        } else {
            if (!fixed.fits(n, k, m)) {
                throw new IllegalArgumentException(NAME + ": model '" + fixed.name() + "' was trained for N="
                        + fixed.antennas() + ", K=" + fixed.users() + ", M=" + fixed.rfChains() + "; this problem has N=" + n
                        + ", K=" + k + ", M=" + m);
            }
            if (p.has("omega") && p.get("omega", 0) != fixed.omega()) {
                throw new IllegalArgumentException(NAME + ": model '" + fixed.name() + "' was trained for ω=" + fixed.omega()
                        + ", problem asks for ω=" + p.get("omega", 0));
            }
        }
        int layers = HybridPgaSolver.intParam(NAME, p, "layers", model.outer(), 0);
        if (layers > model.outer()) {
            throw new IllegalArgumentException(NAME + ": layers must be <= " + model.outer() + " (model '" + model.name()
                    + "'), got " + layers);
        }

        boolean single = singlePrecision(p);
        if (!anytime.begin(problem, AnytimePga.key(n, k, m, layers, single), out, layers)) {
            return;
        }
        double[] targets = problem.targets.azimuthRad;
        int targetCount = problem.targets.count();
        if (targetCount == 0) {
            targets = modelTargetsRad;
            targetCount = modelTargetCount;
        }
        double s = meanNoise(problem.noise, k);
        if (!(s > 0) || !Double.isFinite(s)) {
            throw new IllegalArgumentException(NAME + ": noise power must be finite and > 0, mean σ² = " + s);
        }
        double[] noise = problem.noise;
        double power = problem.powerBudgetW;
        if (s != 1) {
            if (unitNoise.length < k) {
                unitNoise = new double[k];
            }
            for (int u = 0; u < k; u++) {
                unitNoise[u] = problem.noise[u] / s;
            }
            noise = unitNoise;
            power = problem.powerBudgetW / s;
        }
        double spacing = problem.tx.spacing();
        CMatrix psi = psiCache.update(n, spacing, targets, targetCount, model.halfWidthDeg(), power);

        pga.prepare(problem.channel, noise, power, m, psi, psiCache.version());
        pga.setWeights(model.omega(), model.eta());
        pga.setSteps(steps);
        pga.setRescaleInner(model.rescaleInner());
        pga.setSpacing(spacing);
        pga.initialize(HybridInitializer.COHERENT, targets, targetCount, 0);
        if (single) {
            this.single.bind(problem.channel, noise, power, m, psi, psiCache.version());
            this.single.setWeights(model.omega(), model.eta());
            this.single.setSteps(steps);
            this.single.setRescaleInner(model.rescaleInner());
        }
        anytime.run(pga, single ? this.single : null, layers);

        if (!pga.analog().allFinite() || !pga.baseband().allFinite()) {
            throw new IllegalStateException(NAME + ": the iterate of model '" + model.name()
                    + "' overflowed (non-finite F or W after " + anytime.layersRun + " layers); its step sizes are unstable for this"
                    + " channel (P_t = " + problem.powerBudgetW + " W)");
        }
        out.analog.copyFrom(pga.analog());
        out.baseband.copyFrom(pga.baseband());
        double rate = pga.sumRateBits();
        double tau = pga.tau();
        if (s != 1) {
            out.baseband.scale(Math.sqrt(s));
        }
        out.predicted.put("sum_rate_bits", rate);
        out.predicted.put("tau", tau * s * s);
        out.predicted.put("objective", rate - model.omega() * tau);
        out.iterations = anytime.layersRun;
        out.earlyStop = anytime.earlyStop;
        out.deadlineStop = anytime.earlyStop;
        anytime.finished();
    }
}
