package org.isac.solver.hybrid;

import org.isac.solver.Params;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.TimeBudget;
import org.isac.solver.linalg.CMatrix;

/**
 * {@code hybrid-upga-centre}: the "F from the centre subband" baseline for wideband hybrid
 * JCAS. The narrowband {@code hybrid-upga} solves the centre subband c alone
 * ({@link HybridUpgaWbSolver#centre}: f_c/f_c closest to 1), which gives its analog F_c; F_c is
 * then kept for the whole band, and each subband's baseband W_s is fitted to it by the W half
 * of the same modified PGA: from W_s = W_c (feasible for every s, ‖F_c W_c‖²_F = P_t), I
 * steps W_s ← W_s + λ(i)·S·∇_{W_s}J (seed 000 eq. (24) on the wideband objective J of
 * {@link WidebandJcasObjective}, the narrowband model's λ(i)) each followed by the power
 * projection (12), with F frozen ({@link WidebandPga#setFreezeAnalog}).
 *
 * <p>Why this baseline: it uses the per-subband CSI, the same objective, the same trained
 * W steps and the same number of layers as {@code hybrid-upga-wb}; only F differs (designed
 * for one subband instead of for the band), so the gap between the two measures what a
 * band-aware shared F is worth. Other baseband rules for the fixed F_c are offered by
 * {@code baseband_start} and were weaker on the report's scenario (N = 64, K = M = 4, 12 dB,
 * 800 MHz, 12 channels; mean R − ωτ at S = 4 / 16): W_c start + 10 W steps (the default, 0)
 * −1.80 / −5.25; eq. (26)'s least-squares fit pinv(F_c)·H_s(H_sᴴH_s)⁻¹ per subband + 10 steps
 * (1) −4.22 / −8.02; zero forcing on the effective channel (H_sᴴF_c)† per subband (2) + 10
 * steps −4.98 / −5.44, without steps −7.92 / −7.53 (the highest rate, but blind to τ).
 *
 * <p>S = 1: exactly {@code hybrid-upga} (the centre subband is the problem). Parameters:
 * {@code omega}, {@code rf_chains}, {@code layers} (of the narrowband solve), {@code w_steps}
 * (W steps on the band, default I), {@code baseband_start} (0, 1, 2 as above). Not anytime:
 * the budget is ignored (a study baseline).
 */
public final class HybridUpgaCentreSolver implements Solver {
    public static final String NAME = "hybrid-upga-centre";

    private final HybridUpgaSolver narrowband = new HybridUpgaSolver();
    private final Problem centre = new Problem();
    private final Precoder centreOut = new Precoder();
    private final WidebandPga pga = new WidebandPga();
    private final PgaSteps steps = new PgaSteps();
    private final PsiCache psiCache = new PsiCache();
    private CMatrix[] channels = new CMatrix[0];
    private double[][] unitNoise = new double[0][];
    private CMatrix[] starts = new CMatrix[0];
    private final CMatrix f0 = new CMatrix();
    private final HybridInitializer initializer = new HybridInitializer();
    private final double[] modelTargetsRad = new double[16];

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean wideband() {
        return true;
    }

    @Override
    public void solve(Problem problem, Precoder out) {
        if (problem.subbands() == 1) {
            narrowband.solve(problem, out);
            return;
        }
        out.reset();
        int bands = problem.subbands(), n = problem.antennas(), k = problem.users();
        int c = HybridUpgaWbSolver.centre(problem);
        centre.copyFrom(problem);
        centre.setSubbands(1);
        centre.channel.copyFrom(problem.channel(c));
        System.arraycopy(problem.noise(c), 0, centre.noiseFor(0, k), 0, k);
        centre.budget = TimeBudget.UNBOUNDED;
        narrowband.solve(centre, centreOut);
        HybridUpgaModel model = narrowband.model();
        Params p = problem.params;
        int layers = HybridPgaSolver.intParam(NAME, p, "w_steps", model.outer(), 0);
        if (layers > model.outer()) {
            throw new IllegalArgumentException(NAME + ": w_steps must be <= " + model.outer() + ", got " + layers);
        }
        int m = centreOut.analog.cols();

        if (channels.length != bands) {
            channels = new CMatrix[bands];
            unitNoise = new double[bands][];
            CMatrix[] grown = new CMatrix[bands];
            for (int s = 0; s < bands; s++) {
                grown[s] = s < starts.length ? starts[s] : new CMatrix();
            }
            starts = grown;
        }
        double sum = 0;
        for (int s = 0; s < bands; s++) {
            channels[s] = problem.channel(s);
            for (int u = 0; u < k; u++) {
                sum += problem.noise(s)[u];
            }
        }
        double mean = sum / (bands * (double) k);
        for (int s = 0; s < bands; s++) {
            if (unitNoise[s] == null || unitNoise[s].length < k) {
                unitNoise[s] = new double[k];
            }
            for (int u = 0; u < k; u++) {
                unitNoise[s][u] = problem.noise(s)[u] / mean;
            }
        }
        double power = problem.powerBudgetW / mean;
        double[] targets = problem.targets.azimuthRad;
        int targetCount = problem.targets.count();
        if (targetCount == 0) {
            double[] deg = model.targetsDeg();
            for (int i = 0; i < deg.length; i++) {
                modelTargetsRad[i] = Math.toRadians(deg[i]);
            }
            targets = modelTargetsRad;
            targetCount = deg.length;
        }
        CMatrix psi = psiCache.update(n, problem.tx.spacing(), targets, targetCount, model.halfWidthDeg(), power);
        // hybrid-upga returned W_c at the centre subband's scale; bring it to unit mean noise
        f0.copyFrom(centreOut.analog);
        int rule = HybridPgaSolver.intParam(NAME, p, "baseband_start", 0, 0);
        if (rule > 2) {
            throw new IllegalArgumentException(NAME + ": baseband_start must be 0, 1 or 2, got " + rule);
        }
        for (int s = 0; s < bands; s++) {
            if (rule == 0 || (rule == 1 && s == c)) {
                starts[s].copyFrom(centreOut.baseband);
                starts[s].scale(1 / Math.sqrt(mean));
            } else if (rule == 1) {
                initializer.leastSquaresBaseband(channels[s], power, f0, starts[s]);
            } else {
                initializer.effectiveZfBaseband(channels[s], power, f0, starts[s]);
            }
        }
        pga.prepare(channels, unitNoise, power, m, psi);
        pga.setWeights(model.omega(), model.eta());
        pga.setSteps(model.steps(steps));
        pga.setFreezeAnalog(true);
        pga.start(f0, starts);
        pga.normalizePower();
        pga.run(layers, null);

        out.analog.copyFrom(pga.analog());
        out.setSubbands(bands);
        for (int s = 0; s < bands; s++) {
            out.baseband(s).copyFrom(pga.baseband(s));
            out.baseband(s).scale(Math.sqrt(mean));
        }
        double rate = pga.sumRateBits(), tau = pga.tau();
        out.predicted.put("sum_rate_bits", rate);
        out.predicted.put("tau", tau * mean * mean);
        out.predicted.put("objective", rate - model.omega() * tau);
        out.iterations = layers;
        out.layersPlanned = layers;
    }
}
