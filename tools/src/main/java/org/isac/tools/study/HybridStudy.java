package org.isac.tools.study;

import java.util.List;
import java.util.SplittableRandom;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.digital.LinearPrecoder;
import org.isac.solver.hybrid.HybridPga;
import org.isac.solver.hybrid.HybridUpgaModel;
import org.isac.solver.hybrid.PgaSteps;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.HermitianEigen;
import org.isac.solver.linalg.Kernels;
import org.isac.solver.metric.Metrics;
import org.isac.solver.radar.BenchmarkCovariance;
import org.isac.solver.radar.DesiredBeampattern;
import org.isac.solver.train.HybridUpgaTraining;
import org.isac.solver.train.UnfoldedPgaGraph;

/**
 * Reproduction study of seed 000 Section IV for one trained model, as data (no plotting):
 * <ul>
 *   <li>mean R − ωτ versus layers on held-out channels at one SNR for the trained unfolded PGA
 *       (Figs. 5–7) and for untrained PGA with constant steps tuned by a small grid search on
 *       separate (training-like) channels, once per iteration budget (e.g. I and 3·I);</li>
 *   <li>per SNR and method: mean sum rate R (bits/s/Hz), τ = ‖XXᴴ − Ψ‖²_F (eq. (5)), R − ωτ and
 *       the beampattern MSE of Fig. 8, for the trained model, the tuned untrained PGA, the
 *       init of eq. (26), the radar-only benchmark (the best rank-K approximation of Ψ, a
 *       fully digital N × K precoder) and fully digital zero forcing (the communications bound).</li>
 * </ul>
 * The beampattern MSE is (1/T)·Σ_t (āᴴXXᴴā/α − P_d(θ_t))² on the pattern's grid, with α the
 * fitted scale of Ψ at that P_t (eq. (6)), so the benchmark Ψ itself scores its residual and
 * the MSE is comparable across SNRs. The same channels are used at every SNR (σ² = 1, P_t =
 * 10^(SNR/10)). Deterministic for given options. Cost: dominated by the grid searches
 * (|grid| × tune channels × budget PGA runs per SNR).
 */
public final class HybridStudy {
    /** Method names, in the order of {@link Result#methods()}. */
    public static final String TRAINED = "hybrid-upga (trained)";
    public static final String INIT = "init eq. (26)";
    public static final String RADAR_ONLY = "radar-only benchmark (rank-K Ψ, digital)";
    public static final String ZF = "ZF (digital, comm. only)";

    private HybridStudy() {
    }

    /**
     * @param testChannels held-out channels (seed {@code seed})
     * @param tuneChannels channels for the untrained PGA's grid search (seed {@code seed + 1})
     * @param snrDb SNRs of the per-method table
     * @param curveSnrDb SNR of the layer curves
     * @param untrainedBudgets iteration counts of the tuned untrained PGA (each tuned for its budget)
     */
    public record Options(int testChannels, int tuneChannels, long seed, double[] snrDb, double curveSnrDb,
            int[] untrainedBudgets) {
        public Options {
            if (testChannels < 1 || tuneChannels < 1 || snrDb.length < 1 || untrainedBudgets.length < 1) {
                throw new IllegalArgumentException("study needs channels, SNRs and budgets");
            }
            snrDb = snrDb.clone();
            untrainedBudgets = untrainedBudgets.clone();
        }

        /** 200 test and 48 tuning channels, SNR 0:3:12 dB, curves at 12 dB, budgets I and 3·I. */
        public static Options defaults(HybridUpgaModel m) {
            return new Options(200, 48, 20_240_601L, new double[] {0, 3, 6, 9, 12}, 12,
                    new int[] {m.outer(), 3 * m.outer()});
        }
    }

    /**
     * Study output. Curves have length L + 1 (the init, then after each layer / iteration).
     * Per-method tables are indexed [method][snr]; {@code untrainedMu/Lambda} are indexed
     * [budget][snr] (and {@code curveMu/Lambda} [budget] for the curves).
     */
    public record Result(String model, int antennas, int users, int rfChains, double omega, int inner, int testChannels,
            double curveSnrDb, double[] trainedCurve, int[] untrainedBudgets, double[][] untrainedCurves, double[] curveMu,
            double[] curveLambda, double[] snrDb, String[] methods, double[][] rateBits, double[][] tau,
            double[][] objective, double[][] beampatternMse, double[][] untrainedMu, double[][] untrainedLambda) {

        /** Index of {@code method} in {@link #methods()}, or −1. */
        public int method(String name) {
            for (int i = 0; i < methods.length; i++) {
                if (methods[i].equals(name)) {
                    return i;
                }
            }
            return -1;
        }

        /** Index of {@code snr} in {@link #snrDb()}, or −1. */
        public int snr(double db) {
            for (int i = 0; i < snrDb.length; i++) {
                if (snrDb[i] == db) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** Name of the untrained method with budget L. */
    public static String untrainedName(int budget) {
        return "hybrid-pga (I=" + budget + ", tuned constant steps)";
    }

    /**
     * F updates (I·J) needed for a curve to first reach {@code target} (seed 000 Table II), or
     * −1 when it never does.
     */
    public static int fUpdatesToReach(double[] curve, int inner, double target) {
        for (int i = 0; i < curve.length; i++) {
            if (curve[i] >= target) {
                return i * inner;
            }
        }
        return -1;
    }

    /** Runs the study for {@code model} (see the class comment). */
    public static Result run(HybridUpgaModel model, Options o) {
        HybridUpgaTraining.Config base = new HybridUpgaTraining.Config(model.name(), model.antennas(), model.users(),
                model.rfChains(), model.omega(), model.eta(), o.seed(), 1, 1, model.outer(), model.inner(), 1, 1,
                o.curveSnrDb(), o.curveSnrDb(), 0.01, model.rescaleInner(), model.targetsDeg(), model.halfWidthDeg());
        UnfoldedPgaGraph.Shape shape = base.shape();
        PgaSteps trained = model.steps(new PgaSteps());
        int budgets = o.untrainedBudgets().length;

        List<UnfoldedPgaGraph.Sample> curveTest = set(base, o.curveSnrDb(), o.seed(), o.testChannels());
        List<UnfoldedPgaGraph.Sample> curveTune = set(base, o.curveSnrDb(), o.seed() + 1, o.tuneChannels());
        double[] trainedCurve = HybridUpgaTraining.evaluate(curveTest, shape, trained).layerObjective();
        double[][] untrainedCurves = new double[budgets][];
        double[] curveMu = new double[budgets], curveLambda = new double[budgets];
        for (int b = 0; b < budgets; b++) {
            UnfoldedPgaGraph.Shape s = withOuter(shape, o.untrainedBudgets()[b]);
            double[] t = HybridUpgaTraining.tuneConstantSteps(curveTune, s, HybridUpgaTraining.MU_GRID,
                    HybridUpgaTraining.LAMBDA_GRID);
            curveMu[b] = t[0];
            curveLambda[b] = t[1];
            untrainedCurves[b] = HybridUpgaTraining.evaluate(curveTest, s,
                    new PgaSteps().setConstant(s.outer(), s.inner(), t[0], t[1])).layerObjective();
        }

        String[] methods = new String[budgets + 4];
        methods[0] = TRAINED;
        for (int b = 0; b < budgets; b++) {
            methods[1 + b] = untrainedName(o.untrainedBudgets()[b]);
        }
        methods[budgets + 1] = INIT;
        methods[budgets + 2] = RADAR_ONLY;
        methods[budgets + 3] = ZF;
        int snrs = o.snrDb().length;
        double[][] rate = new double[methods.length][snrs], tau = new double[methods.length][snrs];
        double[][] obj = new double[methods.length][snrs], mse = new double[methods.length][snrs];
        double[][] uMu = new double[budgets][snrs], uLambda = new double[budgets][snrs];

        DesiredBeampattern pattern = DesiredBeampattern.of(model.targetsDeg(), model.halfWidthDeg());
        BenchmarkCovariance cov = BenchmarkCovariance.cached(model.antennas(), pattern);
        Scorer scorer = new Scorer(model, pattern);
        HybridPga pga = new HybridPga();
        for (int si = 0; si < snrs; si++) {
            double snr = o.snrDb()[si];
            List<UnfoldedPgaGraph.Sample> test = set(base, snr, o.seed(), o.testChannels());
            List<UnfoldedPgaGraph.Sample> tune = set(base, snr, o.seed() + 1, o.tuneChannels());
            PgaSteps[] untrained = new PgaSteps[budgets];
            for (int b = 0; b < budgets; b++) {
                UnfoldedPgaGraph.Shape s = withOuter(shape, o.untrainedBudgets()[b]);
                double[] t = HybridUpgaTraining.tuneConstantSteps(tune, s, HybridUpgaTraining.MU_GRID,
                        HybridUpgaTraining.LAMBDA_GRID);
                uMu[b][si] = t[0];
                uLambda[b][si] = t[1];
                untrained[b] = new PgaSteps().setConstant(s.outer(), s.inner(), t[0], t[1]);
            }
            double alpha = cov.alpha(Math.pow(10, snr / 10));
            for (UnfoldedPgaGraph.Sample smp : test) {
                pga.prepare(smp.channel(), smp.noise(), smp.powerW(), model.rfChains(), smp.psi());
                pga.setWeights(model.omega(), model.eta());
                pga.setRescaleInner(model.rescaleInner());
                pga.setSteps(trained);
                pga.start(smp.f0(), smp.w0());
                scorer.score(smp, smp.f0(), smp.w0(), alpha, methods.length - 3, si, rate, tau, obj, mse);
                pga.run(null);
                scorer.score(smp, pga.analog(), pga.baseband(), alpha, 0, si, rate, tau, obj, mse);
                for (int b = 0; b < budgets; b++) {
                    pga.setSteps(untrained[b]);
                    pga.start(smp.f0(), smp.w0());
                    pga.run(null);
                    scorer.score(smp, pga.analog(), pga.baseband(), alpha, 1 + b, si, rate, tau, obj, mse);
                }
                scorer.radarOnly(smp);
                scorer.scoreDigital(smp, alpha, methods.length - 2, si, rate, tau, obj, mse);
                scorer.zf(smp);
                scorer.scoreDigital(smp, alpha, methods.length - 1, si, rate, tau, obj, mse);
            }
            for (int mth = 0; mth < methods.length; mth++) {
                rate[mth][si] /= test.size();
                tau[mth][si] /= test.size();
                obj[mth][si] /= test.size();
                mse[mth][si] /= test.size();
            }
        }
        return new Result(model.name(), model.antennas(), model.users(), model.rfChains(), model.omega(), model.inner(),
                o.testChannels(), o.curveSnrDb(), trainedCurve, o.untrainedBudgets(), untrainedCurves, curveMu, curveLambda,
                o.snrDb(), methods, rate, tau, obj, mse, uMu, uLambda);
    }

    /** Plain-text tables of a result (units named). */
    public static String format(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(java.util.Locale.ROOT, "model %s: N=%d K=%d M=%d ω=%s J=%d, %d held-out channels%n", r.model(),
                r.antennas(), r.users(), r.rfChains(), r.omega(), r.inner(), r.testChannels()));
        sb.append(String.format(java.util.Locale.ROOT, "mean R − ωτ vs layers at %.1f dB%n", r.curveSnrDb()));
        sb.append("  trained:").append(row(r.trainedCurve())).append('\n');
        for (int b = 0; b < r.untrainedBudgets().length; b++) {
            sb.append(String.format(java.util.Locale.ROOT, "  PGA I=%d (μ=%s, λ=%s):", r.untrainedBudgets()[b], r.curveMu()[b],
                    r.curveLambda()[b])).append(row(r.untrainedCurves()[b])).append('\n');
        }
        for (int si = 0; si < r.snrDb().length; si++) {
            sb.append(String.format(java.util.Locale.ROOT, "SNR %.1f dB: method | R (bits/s/Hz) | τ | R − ωτ | beampattern MSE%n",
                    r.snrDb()[si]));
            for (int m = 0; m < r.methods().length; m++) {
                sb.append(String.format(java.util.Locale.ROOT, "  %-45s %8.3f %10.3f %10.3f %10.5f%n", r.methods()[m],
                        r.rateBits()[m][si], r.tau()[m][si], r.objective()[m][si], r.beampatternMse()[m][si]));
            }
        }
        return sb.toString();
    }

    private static String row(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (double x : v) {
            sb.append(String.format(java.util.Locale.ROOT, " %.3f", x));
        }
        return sb.toString();
    }

    private static UnfoldedPgaGraph.Shape withOuter(UnfoldedPgaGraph.Shape s, int outer) {
        return new UnfoldedPgaGraph.Shape(outer, s.inner(), s.omega(), s.eta(), s.rescaleInner());
    }

    private static List<UnfoldedPgaGraph.Sample> set(HybridUpgaTraining.Config base, double snrDb, long seed, int count) {
        return HybridUpgaTraining.samples(base.withSnrRange(snrDb, snrDb), new SplittableRandom(seed), count);
    }

    /** Metric evaluation of one precoder; reusable scratch. */
    private static final class Scorer {
        private final HybridUpgaModel model;
        private final DesiredBeampattern pattern;
        private final org.isac.solver.array.ArrayShape array;
        private final double[] angles;
        private final double[] beam;
        private final double[] aRe;
        private final double[] aIm;
        private final double[] scratch;
        private final CMatrix x = new CMatrix();
        private final CMatrix vectors = new CMatrix();
        private final double[] values;
        private final LinearPrecoder zf = new LinearPrecoder(LinearPrecoder.Kind.ZF);
        private final Problem problem = new Problem();
        private final Precoder out = new Precoder();

        Scorer(HybridUpgaModel model, DesiredBeampattern pattern) {
            this.model = model;
            this.pattern = pattern;
            int n = model.antennas();
            this.array = org.isac.solver.array.ArrayShape.ula(n);
            this.angles = new double[pattern.points()];
            for (int t = 0; t < angles.length; t++) {
                angles[t] = pattern.angleRad(t);
            }
            this.beam = new double[angles.length];
            this.aRe = new double[n];
            this.aIm = new double[n];
            this.scratch = new double[model.users()];
            this.values = new double[model.users()];
        }

        void score(UnfoldedPgaGraph.Sample s, CMatrix f, CMatrix w, double alpha, int method, int snr, double[][] rate,
                double[][] tau, double[][] obj, double[][] mse) {
            Kernels.mul(f, w, x);
            scoreDigital(s, alpha, method, snr, rate, tau, obj, mse);
        }

        /** Scores the digital precoder in {@link #x}. */
        void scoreDigital(UnfoldedPgaGraph.Sample s, double alpha, int method, int snr, double[][] rate, double[][] tau,
                double[][] obj, double[][] mse) {
            double r = Metrics.sumRateBits(s.channel(), x, s.noise(), scratch);
            double t = Metrics.beampatternError(x, s.psi());
            rate[method][snr] += r;
            tau[method][snr] += t;
            obj[method][snr] += r - model.omega() * t;
            Metrics.beampattern(array, x, angles, 0, beam, aRe, aIm);
            double e = 0;
            int n = model.antennas();
            for (int i = 0; i < beam.length; i++) {
                double d = n * beam[i] / alpha - pattern.desired(i);
                e += d * d;
            }
            mse[method][snr] += e / beam.length;
        }

        /** X = best rank-K approximation of Ψ (top-K eigenpairs), scaled to ‖X‖²_F = P_t. */
        void radarOnly(UnfoldedPgaGraph.Sample s) {
            int k = model.users();
            new HermitianEigen().dominant(s.psi(), k, values, vectors);
            x.copyFrom(vectors);
            for (int r = 0; r < x.rows(); r++) {
                for (int c = 0; c < k; c++) {
                    double g = Math.sqrt(Math.max(values[c], 0));
                    x.set(r, c, x.re(r, c) * g, x.im(r, c) * g);
                }
            }
            x.scale(Math.sqrt(s.powerW() / x.frobeniusNorm2()));
        }

        /** Fully digital zero forcing X = H(HᴴH)⁻¹ scaled to P_t. */
        void zf(UnfoldedPgaGraph.Sample s) {
            problem.channel.copyFrom(s.channel());
            problem.setNoise(model.users(), 1);
            problem.powerBudgetW = s.powerW();
            zf.solve(problem, out);
            x.copyFrom(out.baseband);
        }
    }
}
