package org.isac.solver.hybrid;

import java.util.List;
import org.isac.solver.LayerPacer;
import org.isac.solver.Params;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.linalg.CMatrix;

/**
 * {@code hybrid-upga-wb}: the wideband deep-unfolded hybrid JCAS precoder. One analog F
 * (N × M, unit modulus, shared by every subband because phase shifters are frequency-flat)
 * and one baseband W_s (M × K) per subband maximise the wideband objective of
 * {@link WidebandJcasObjective}, J = (1/S)·Σ_s R_s − ω·τ_avg: the mean over subbands of the
 * sum rate (seed 000 eq. (4)) minus ω times the beampattern error (eq. (5)) of the
 * band-averaged covariance (1/S)·Σ_s F W_s W_sᴴ Fᴴ against Ψ (eq. (6)), subject to
 * ‖F W_s‖²_F = P_t on every subband. The engine is {@link WidebandPga} (seed 000 Algorithm 1
 * with the band-averaged gradients, in double) with per-layer steps μ(i, j), λ(i) trained by
 * {@code WidebandUpgaTraining} (in the training package, {@code isac train hybrid-wb}).
 *
 * <p>Sensing term and squint: the band-averaged τ assumes the steering vector does not depend
 * on the subband frequency (no beam squint in the radar model): a radar integrating its echo
 * over the band then sees a(θ)ᴴ C a(θ), so eq. (5) on C is the wideband beampattern error.
 * The channels may still carry squint (the CSI is per subband); the solver never needs it.
 *
 * <p>S = 1: the problem is the narrowband one, and the solver hands it to {@code hybrid-upga}
 * (same model, float engine), so its answer is bit for bit {@code hybrid-upga}'s. The wideband
 * engine at S = 1 (double, with the wideband model's steps) would not be bit-identical: the
 * narrowband solver iterates in float with its own trained steps.
 *
 * <p>Parameters: {@code layers} (L ≤ I, default I), {@code omega} (selects the shipped model,
 * default 0.3), {@code rf_chains} (M, default {@link Problem#rfChains} or K). Unit noise as
 * {@code hybrid-upga}: with s̄ the mean σ²_{s,k} over subbands and users it solves at noise
 * σ²/s̄ and power P_t/s̄ and returns W_s·√s̄.
 *
 * <p>Anytime: under a bounded {@link Problem#budget}, a {@link LayerPacer} (per N, K, M, S,
 * L) decides between layers whether the next one fits; an early stop returns the current
 * iterate (feasible after every layer) or the eq. (26) start when that scores higher
 * ({@code earlyStop}, {@code deadlineStop}); when not even one layer fits, {@code outOfTime}.
 *
 * <p>Output: F (N × M), S basebands ({@link Precoder#setSubbands}), predicted
 * {@code sum_rate_bits} (mean over subbands), {@code tau} (τ_avg at the problem's scale),
 * {@code objective} (J at unit noise); {@code iterations} = layers run. After warm-up at a
 * size, solve() allocates nothing.
 */
public final class HybridUpgaWbSolver implements Solver {
    public static final String NAME = "hybrid-upga-wb";
    /** Classpath list of the shipped wideband model names (model files under /models/). */
    public static final String INDEX = HybridUpgaModel.RESOURCE_DIR + "hybrid-upga-wb.index";

    private final HybridUpgaModel fixed;
    private HybridUpgaModel model;
    private final HybridUpgaSolver narrowband = new HybridUpgaSolver();
    private final WidebandPga pga = new WidebandPga();
    private final PgaSteps steps = new PgaSteps();
    private final PsiCache psiCache = new PsiCache();
    private final LayerPacer pacer = new LayerPacer();
    private final double[] modelTargetsRad = new double[16];
    private int modelTargetCount;
    private CMatrix[] channels = new CMatrix[0];
    private double[][] unitNoise = new double[0][];
    private final CMatrix f0 = new CMatrix();
    private CMatrix[] w0 = new CMatrix[0];
    /** Layers run by the last solve (0 also when the start was kept). */
    private int layersRun;

    /** Picks the shipped wideband model for each problem's N, K, M and ω. */
    public HybridUpgaWbSolver() {
        this.fixed = null;
    }

    /** Serves {@code model} only, at every S (also S = 1, with the wideband engine). */
    public HybridUpgaWbSolver(HybridUpgaModel model) {
        this.fixed = model;
        use(model);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean wideband() {
        return true;
    }

    /** S = 1: {@code hybrid-upga}'s count; wideband: not counted (NaN). */
    @Override
    public double flops(Problem problem) {
        return problem.subbands() == 1 && fixed == null ? narrowband.flops(problem) : Double.NaN;
    }

    /** S = 1: {@code hybrid-upga}'s engine choice; wideband: double. */
    @Override
    public boolean singlePrecision(Problem problem) {
        return problem.subbands() == 1 && fixed == null && narrowband.singlePrecision(problem);
    }

    /** The model used by the last wideband solve (or the fixed one); null before it. */
    public HybridUpgaModel model() {
        return model;
    }

    /** The shipped wideband model for N, K, M and ω (ω compared to 1e-12). */
    public static HybridUpgaModel shippedFor(int n, int k, int m, double omega) {
        List<HybridUpgaModel> models = new java.util.ArrayList<>();
        for (String name : shippedNames()) {
            models.add(LOADED.computeIfAbsent(name, HybridUpgaModel::load));
        }
        return HybridUpgaModel.fitting(models, n, k, m, omega, NAME, "isac train hybrid-wb");
    }

    private static final java.util.Map<String, HybridUpgaModel> LOADED = new java.util.concurrent.ConcurrentHashMap<>();

    /** Names in {@value #INDEX}. */
    public static List<String> shippedNames() {
        return HybridUpgaModel.namesIn(INDEX);
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
     * The subband whose channel the eq. (26) start uses: the one with f_s/f_c closest to 1 (of
     * two within 1e-12, the lower), or ⌊(S−1)/2⌋ when the problem gives no frequencies (all
     * ratios equal); both give ⌊(S−1)/2⌋ for S evenly spaced subbands around f_c.
     */
    public static int centre(Problem p) {
        int s = p.subbands();
        boolean allEqual = true;
        int best = 0;
        for (int b = 0; b < s; b++) {
            allEqual &= p.frequencyRatio(b) == p.frequencyRatio(0);
            if (Math.abs(p.frequencyRatio(b) - 1) < Math.abs(p.frequencyRatio(best) - 1) - 1e-12) {
                best = b;
            }
        }
        return allEqual ? (s - 1) / 2 : best;
    }

    @Override
    public void solve(Problem problem, Precoder out) {
        if (problem.subbands() == 1 && fixed == null) {
            narrowband.solve(problem, out);
            return;
        }
        out.reset();
        Params p = problem.params;
        int n = problem.antennas(), k = problem.users(), bands = problem.subbands();
        if (n < 1 || k < 1) {
            throw new IllegalArgumentException(NAME + ": empty channel " + n + "x" + k);
        }
        int m = HybridPgaSolver.intParam(NAME, p, "rf_chains", problem.rfChains > 0 ? problem.rfChains : k, 1);
        if (fixed == null) {
            double omega = HybridPgaSolver.positiveParam(NAME, p, "omega", HybridPgaSolver.DEFAULT_OMEGA, true);
            if (model == null || !model.fits(n, k, m) || model.omega() != omega) {
                use(shippedFor(n, k, m, omega));
            }
        } else if (!fixed.fits(n, k, m)) {
            throw new IllegalArgumentException(NAME + ": model '" + fixed.name() + "' was trained for " + fixed.describeShape()
                    + "; this problem has N=" + n + ", K=" + k + ", M=" + m);
        } else if (p.has("omega") && p.get("omega", 0) != fixed.omega()) {
            throw new IllegalArgumentException(NAME + ": model '" + fixed.name() + "' was trained for ω=" + fixed.omega()
                    + ", problem asks for ω=" + p.get("omega", 0));
        }
        int layers = HybridPgaSolver.intParam(NAME, p, "layers", model.outer(), 0);
        if (layers > model.outer()) {
            throw new IllegalArgumentException(NAME + ": layers must be <= " + model.outer() + " (model '" + model.name()
                    + "'), got " + layers);
        }
        long key = LayerPacer.shapeKey(n, (Math.min(k, 255) << 8) | Math.min(m, 255), layers, bands);
        if (!pacer.begin(problem, key, out, layers)) {
            return;
        }
        double meanNoise = bindProblem(problem, n, k, bands);
        double power = problem.powerBudgetW / meanNoise;
        double[] targets = problem.targets.azimuthRad;
        int targetCount = problem.targets.count();
        if (targetCount == 0) {
            targets = modelTargetsRad;
            targetCount = modelTargetCount;
        }
        double spacing = problem.tx.spacing();
        CMatrix psi = psiCache.update(n, spacing, targets, targetCount, model.halfWidthDeg(), power);
        pga.prepare(channels, unitNoise, power, m, psi);
        pga.setFreezeAnalog(false);
        pga.setWeights(model.omega(), model.eta());
        pga.setSteps(steps);
        pga.setSpacing(spacing);
        pga.initialize(HybridInitializer.COHERENT, centre(problem), targets, targetCount, 0);
        run(layers);
        boolean finite = pga.analog().allFinite();
        for (int s = 0; s < bands; s++) {
            finite &= pga.baseband(s).allFinite();
        }
        if (!finite) {
            throw new IllegalStateException(NAME + ": the iterate of model '" + model.name() + "' overflowed after " + layersRun
                    + " layers (non-finite F or W_s; P_t = " + problem.powerBudgetW + " W)");
        }
        out.analog.copyFrom(pga.analog());
        out.setSubbands(bands);
        double scale = Math.sqrt(meanNoise);
        for (int s = 0; s < bands; s++) {
            CMatrix w = out.baseband(s);
            w.copyFrom(pga.baseband(s));
            if (meanNoise != 1) {
                w.scale(scale);
            }
        }
        double rate = pga.sumRateBits();
        double tau = pga.tau();
        out.predicted.put("sum_rate_bits", rate);
        out.predicted.put("tau", tau * meanNoise * meanNoise);
        out.predicted.put("objective", rate - model.omega() * tau);
        out.iterations = layersRun;
        out.earlyStop = stoppedEarly;
        out.deadlineStop = stoppedEarly;
        pacer.finished();
    }

    /** Runs up to {@code layers} layers under the pacer; keeps the start when an early stop scores lower. */
    private void run(int layers) {
        boolean bounded = pacer.bounded();
        double startObjective = Double.NaN;
        if (bounded && layers > 0) {
            f0.copyFrom(pga.analog());
            for (int s = 0; s < pga.subbands(); s++) {
                w0[s].copyFrom(pga.baseband(s));
            }
            startObjective = pga.objective();
        }
        pacer.setUpDone();
        int ran = 0;
        while (ran < layers) {
            pga.outerIteration(ran);
            ran++;
            if (!pacer.layerDone(ran, layers)) {
                break;
            }
        }
        layersRun = ran;
        boolean early = ran < layers;
        if (early && !Double.isNaN(startObjective) && !(pga.objective() >= startObjective)) {
            pga.start(f0, w0);
            layersRun = 0;
        }
        stoppedEarly = early;
    }

    /** The last {@link #run} stopped before its layers were all run (the deadline). */
    private boolean stoppedEarly;

    /** References the subband channels, fills the unit noise; returns s̄. Grows arrays only. */
    private double bindProblem(Problem problem, int n, int k, int bands) {
        if (channels.length != bands) {
            channels = new CMatrix[bands];
            double[][] grown = new double[bands][];
            CMatrix[] starts = new CMatrix[bands];
            for (int s = 0; s < bands; s++) {
                grown[s] = s < unitNoise.length && unitNoise[s].length >= k ? unitNoise[s] : new double[Math.max(k, 4)];
                starts[s] = s < w0.length ? w0[s] : new CMatrix();
            }
            unitNoise = grown;
            w0 = starts;
        }
        double sum = 0;
        for (int s = 0; s < bands; s++) {
            CMatrix h = problem.channel(s);
            if (h.rows() != n || h.cols() != k) {
                throw new IllegalArgumentException(NAME + ": subband " + s + " channel is " + h.rows() + "x" + h.cols()
                        + ", subband 0 is " + n + "x" + k);
            }
            channels[s] = h;
            double[] noise = problem.noise(s);
            for (int u = 0; u < k; u++) {
                sum += noise[u];
            }
        }
        double mean = sum / (bands * (double) k);
        if (!(mean > 0) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException(NAME + ": noise power must be finite and > 0, mean σ² = " + mean);
        }
        for (int s = 0; s < bands; s++) {
            if (unitNoise[s].length < k) {
                unitNoise[s] = new double[k];
            }
            double[] noise = problem.noise(s);
            for (int u = 0; u < k; u++) {
                unitNoise[s][u] = noise[u] / mean;
            }
        }
        return mean;
    }
}
