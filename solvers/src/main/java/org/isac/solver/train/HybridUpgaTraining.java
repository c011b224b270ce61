package org.isac.solver.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.isac.solver.channel.SalehValenzuela;
import org.isac.solver.hybrid.HybridInitializer;
import org.isac.solver.hybrid.HybridPga;
import org.isac.solver.hybrid.HybridUpgaModel;
import org.isac.solver.hybrid.PgaSteps;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.radar.BenchmarkCovariance;
import org.isac.solver.radar.DesiredBeampattern;

/**
 * Training of the deep-unfolded hybrid JCAS precoder of seed 000 (Sec. III-C): builds seeded
 * datasets from the extended Saleh–Valenzuela channel (eq. (2), {@link SalehValenzuela}) with
 * σ² = 1 and P_t drawn uniformly in dB from an SNR range (the paper's recipe for steps that
 * serve several SNRs), Ψ from {@link BenchmarkCovariance} (eq. (6)) for the configured targets,
 * the init of eq. (26); starts from the best decaying schedule μ(i, j) = μ₀·r^i,
 * λ(i) = λ₀·s^i of a small grid on training channels (which contains the best constant steps,
 * the tuned untrained PGA); trains the per-layer steps {μ(i, j), λ(i)} with
 * {@link UnfoldedPgaTrainer} (Adam on loss (25), reverse mode through the unrolled layers);
 * keeps the steps of the epoch with the best validation objective; and returns a
 * {@link HybridUpgaModel} that records the configuration, the dataset seed and the final
 * validation metrics.
 *
 * <p>Reproducible: the same {@link Config} gives the same model bit for bit on the same JVM
 * (datasets, shuffles and the grid search depend only on {@code seed}). The clock passed to
 * {@link #train(Config, ProgressListener, LongSupplier)} feeds only the progress reports
 * (elapsed time, ETA) and the recorded training time, never the result.
 */
public final class HybridUpgaTraining {
    /** Constant-step grid of the tuned untrained PGA baseline. */
    public static final double[] MU_GRID = {0.01, 0.03, 0.1, 0.3, 1};
    public static final double[] LAMBDA_GRID = {1e-6, 3e-6, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3};
    /**
     * Grid of the starting schedule μ(i, j) = μ₀·r^i, λ(i) = λ₀·s^i (constant steps are the
     * case r = s = 1). Decaying F steps matter: at N = 64, 12 dB, I = J = 10 the best of this
     * grid reaches a far higher R − ωτ than the best constant pair. μ₀ stops at 1: at N = 64
     * and 12 dB, μ₀ = 2 and 4 let F overflow inside the first layer on some channels (the
     * cubic term of ∇_F τ grows with P_t), which a forward pass on a few grid channels does not
     * always reveal.
     */
    public static final double[] MU0_GRID = {0.03, 0.1, 0.3, 1};
    public static final double[] MU_RATIO_GRID = {0.6, 0.75, 0.85, 1};
    public static final double[] LAMBDA0_GRID = {1e-5, 1e-4, 3e-4, 1e-3};
    public static final double[] LAMBDA_RATIO_GRID = {0.7, 1, 1.4};
    /** Training samples used by the grid searches. */
    public static final int GRID_SAMPLES = 48;

    private HybridUpgaTraining() {
    }

    /**
     * What to train. {@link #of} fills the defaults used for the shipped models; the
     * {@code with…} methods change one aspect.
     *
     * @param outer I outer layers; @param inner J inner layers
     * @param trainSamples channels in the training set; validationSamples in the validation set
     * @param learningRate Adam's rate on the log-steps (a relative change per step)
     */
    public record Config(String name, int antennas, int users, int rfChains, double omega, double eta, long seed,
            int epochs, int batch, int outer, int inner, int trainSamples, int validationSamples, double snrMinDb,
            double snrMaxDb, double learningRate, boolean rescaleInner, double[] targetsDeg, double halfWidthDeg) {
        public Config {
            if (users < 1 || rfChains < users || antennas < rfChains) {
                throw new IllegalArgumentException("need 1 <= K <= M <= N, got N=" + antennas + " K=" + users + " M=" + rfChains);
            }
            if (rfChains - users > targetsDeg.length) {
                throw new IllegalArgumentException("init eq. (26) needs M - K <= number of targets");
            }
            if (!(omega >= 0) || !(eta >= 0) || !Double.isFinite(omega) || !Double.isFinite(eta)) {
                throw new IllegalArgumentException("need finite ω, η >= 0");
            }
            if (epochs < 1 || batch < 1 || outer < 1 || inner < 1 || trainSamples < 1 || validationSamples < 1) {
                throw new IllegalArgumentException("need epochs, batch, outer, inner, samples >= 1");
            }
            if (!(snrMinDb <= snrMaxDb) || !Double.isFinite(snrMinDb) || !Double.isFinite(snrMaxDb)) {
                throw new IllegalArgumentException("bad SNR range [" + snrMinDb + ", " + snrMaxDb + "] dB");
            }
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("learning rate must be > 0");
            }
            targetsDeg = targetsDeg.clone();
        }

        /**
         * The shipped models' recipe: I = 10 outer × J = 10 inner layers, η = 1/N, targets −60°,
         * 0°, 60° with ±2° windows, SNR 0–12 dB, 512 training and 128 validation channels, Adam
         * rate 0.02 on log-steps, named {@code upga-n<N>-k<K>-m<M>-w<ω>}.
         */
        public static Config of(int n, int k, int m, double omega, long seed, int epochs, int batch) {
            return new Config(defaultName(n, k, m, omega), n, k, m, omega, 1.0 / n, seed, epochs, batch, 10, 10, 512, 128, 0,
                    12, 0.02, false, DesiredBeampattern.DEFAULT_TARGETS_DEG, DesiredBeampattern.AUTHORS_HALF_WIDTH_DEG);
        }

        public Config withLayers(int outerLayers, int innerLayers) {
            return new Config(name, antennas, users, rfChains, omega, eta, seed, epochs, batch, outerLayers, innerLayers,
                    trainSamples, validationSamples, snrMinDb, snrMaxDb, learningRate, rescaleInner, targetsDeg, halfWidthDeg);
        }

        public Config withSamples(int train, int validation) {
            return new Config(name, antennas, users, rfChains, omega, eta, seed, epochs, batch, outer, inner, train, validation,
                    snrMinDb, snrMaxDb, learningRate, rescaleInner, targetsDeg, halfWidthDeg);
        }

        public Config withLearningRate(double lr) {
            return new Config(name, antennas, users, rfChains, omega, eta, seed, epochs, batch, outer, inner, trainSamples,
                    validationSamples, snrMinDb, snrMaxDb, lr, rescaleInner, targetsDeg, halfWidthDeg);
        }

        public Config withSnrRange(double minDb, double maxDb) {
            return new Config(name, antennas, users, rfChains, omega, eta, seed, epochs, batch, outer, inner, trainSamples,
                    validationSamples, minDb, maxDb, learningRate, rescaleInner, targetsDeg, halfWidthDeg);
        }

        public Config withName(String modelName) {
            return new Config(modelName, antennas, users, rfChains, omega, eta, seed, epochs, batch, outer, inner, trainSamples,
                    validationSamples, snrMinDb, snrMaxDb, learningRate, rescaleInner, targetsDeg, halfWidthDeg);
        }

        public Config withRescaleInner(boolean rescale) {
            return new Config(name, antennas, users, rfChains, omega, eta, seed, epochs, batch, outer, inner, trainSamples,
                    validationSamples, snrMinDb, snrMaxDb, learningRate, rescale, targetsDeg, halfWidthDeg);
        }

        /** The shape of the unrolled model. */
        public UnfoldedPgaGraph.Shape shape() {
            return new UnfoldedPgaGraph.Shape(outer, inner, omega, eta, rescaleInner);
        }

        public DesiredBeampattern pattern() {
            return DesiredBeampattern.of(targetsDeg, halfWidthDeg);
        }
    }

    /** {@code upga-n64-k4-m4-w0.3}. */
    public static String defaultName(int n, int k, int m, double omega) {
        String w = omega == Math.rint(omega) ? Long.toString((long) omega) : Double.toString(omega);
        return "upga-n" + n + "-k" + k + "-m" + m + "-w" + w;
    }

    /**
     * One progress report.
     *
     * @param phase {@code "grid"} (constant-step search), {@code "train"} (after an Adam step) or
     *     {@code "validate"} (after an epoch)
     * @param batchLoss mean loss (25) of the last batch (NaN outside {@code train})
     * @param validationObjective mean R − ωτ on the validation set (NaN outside {@code validate})
     * @param layerObjective mean R − ωτ on the validation set at the init and after each outer
     *     layer (length I + 1; null outside {@code validate})
     * @param etaSeconds estimated seconds left (NaN until there is a rate to go by)
     */
    public record Progress(String phase, int epoch, int epochs, int step, int totalSteps, double batchLoss,
            double validationObjective, double[] layerObjective, double elapsedSeconds, double etaSeconds) {
        /** One line for a terminal. */
        public String line() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "[%s] epoch %d/%d step %d/%d", phase, epoch, epochs, step, totalSteps));
            if (!Double.isNaN(batchLoss)) {
                sb.append(String.format(Locale.ROOT, " loss %.4f", batchLoss));
            }
            if (!Double.isNaN(validationObjective)) {
                sb.append(String.format(Locale.ROOT, " val R-ωτ %.4f", validationObjective));
            }
            if (layerObjective != null) {
                sb.append(" layers");
                for (double v : layerObjective) {
                    sb.append(String.format(Locale.ROOT, " %.2f", v));
                }
            }
            sb.append(String.format(Locale.ROOT, " elapsed %.0fs", elapsedSeconds));
            if (!Double.isNaN(etaSeconds)) {
                sb.append(String.format(Locale.ROOT, " ETA %.0fs", etaSeconds));
            }
            return sb.toString();
        }
    }

    /** Receives progress reports (on the training thread). */
    @FunctionalInterface
    public interface ProgressListener {
        void onProgress(Progress p);
    }

    /** Mean metrics of a step schedule on a set: R − ωτ after the last layer, R, τ and the per-layer objective. */
    public record Evaluation(double objective, double rateBits, double tau, double[] layerObjective) {
    }

    /**
     * {@code count} samples: SV channel (N × K), SNR uniform in [min, max] dB so P_t =
     * 10^(SNR/10) with σ² = 1, Ψ = P_t·Ψ₁ for the pattern, and (F₀, W₀) of eq. (26).
     * Consumes {@code rng}.
     */
    public static List<UnfoldedPgaGraph.Sample> samples(Config c, SplittableRandom rng, int count) {
        BenchmarkCovariance cov = BenchmarkCovariance.cached(c.antennas(), c.pattern());
        SalehValenzuela sv = new SalehValenzuela(c.antennas(), c.users());
        HybridInitializer init = new HybridInitializer();
        double[] targetsRad = new double[c.targetsDeg().length];
        for (int i = 0; i < targetsRad.length; i++) {
            targetsRad[i] = Math.toRadians(c.targetsDeg()[i]);
        }
        List<UnfoldedPgaGraph.Sample> out = new ArrayList<>(count);
        for (int s = 0; s < count; s++) {
            CMatrix h = new CMatrix();
            sv.draw(rng, h);
            double snrDb = c.snrMinDb() + (c.snrMaxDb() - c.snrMinDb()) * rng.nextDouble();
            double pt = Math.pow(10, snrDb / 10);
            double[] noise = new double[c.users()];
            Arrays.fill(noise, 1.0);
            CMatrix psi = new CMatrix();
            cov.psi(pt, psi);
            CMatrix f0 = new CMatrix(), w0 = new CMatrix();
            init.initialize(HybridInitializer.COHERENT, h, pt, c.rfChains(), targetsRad, targetsRad.length, 0, f0, w0);
            out.add(new UnfoldedPgaGraph.Sample(h, noise, pt, psi, f0, w0));
        }
        return out;
    }

    /** The training set of {@code c}: first stream split from {@code seed}. */
    public static List<UnfoldedPgaGraph.Sample> trainingSet(Config c) {
        SplittableRandom root = new SplittableRandom(c.seed());
        return samples(c, root.split(), c.trainSamples());
    }

    /** The validation set of {@code c}: second stream split from {@code seed} (disjoint from training). */
    public static List<UnfoldedPgaGraph.Sample> validationSet(Config c) {
        SplittableRandom root = new SplittableRandom(c.seed());
        root.split();
        return samples(c, root.split(), c.validationSamples());
    }

    /**
     * Runs the fast engine ({@link HybridPga}) with {@code steps} from each sample's (F₀, W₀) and
     * averages R − ωτ (after every layer), R and τ. Cost: one PGA solve per sample.
     */
    public static Evaluation evaluate(List<UnfoldedPgaGraph.Sample> set, UnfoldedPgaGraph.Shape shape, PgaSteps steps) {
        int layers = steps.outer();
        double[] trace = new double[layers + 1];
        double[] mean = new double[layers + 1];
        double rate = 0, tau = 0;
        HybridPga pga = new HybridPga();
        for (UnfoldedPgaGraph.Sample s : set) {
            pga.prepare(s.channel(), s.noise(), s.powerW(), s.f0().cols(), s.psi());
            pga.setWeights(shape.omega(), shape.eta());
            pga.setSteps(steps);
            pga.setRescaleInner(shape.rescaleInner());
            pga.start(s.f0(), s.w0());
            pga.run(trace);
            for (int i = 0; i <= layers; i++) {
                mean[i] += trace[i] / set.size();
            }
            rate += pga.sumRateBits() / set.size();
            tau += pga.tau() / set.size();
        }
        return new Evaluation(mean[layers], rate, tau, mean);
    }

    /**
     * The constant pair (μ, λ) from {@code muGrid} × {@code lambdaGrid} with the highest mean
     * R − ωτ after I outer layers on {@code set} (the "small grid search on training channels"
     * for untrained PGA; ties keep the first). Returns {μ, λ, objective}.
     */
    public static double[] tuneConstantSteps(List<UnfoldedPgaGraph.Sample> set, UnfoldedPgaGraph.Shape shape,
            double[] muGrid, double[] lambdaGrid) {
        double[] best = {Double.NaN, Double.NaN, Double.NEGATIVE_INFINITY};
        PgaSteps steps = new PgaSteps();
        for (double mu : muGrid) {
            for (double lambda : lambdaGrid) {
                steps.setConstant(shape.outer(), shape.inner(), mu, lambda);
                double obj = evaluate(set, shape, steps).objective();
                if (obj > best[2]) {
                    best = new double[] {mu, lambda, obj};
                }
            }
        }
        return best;
    }

    /** μ(i, j) = μ₀·r^i, λ(i) = λ₀·s^i for I × J layers. */
    public static PgaSteps geometricSchedule(int outer, int inner, double mu0, double muRatio, double lambda0,
            double lambdaRatio) {
        PgaSteps steps = new PgaSteps().resize(outer, inner);
        for (int i = 0; i < outer; i++) {
            for (int j = 0; j < inner; j++) {
                steps.setMu(i, j, mu0 * Math.pow(muRatio, i));
            }
            steps.setLambda(i, lambda0 * Math.pow(lambdaRatio, i));
        }
        return steps;
    }

    /**
     * The geometric schedule ({@link #geometricSchedule}) from the grids with the highest mean
     * R − ωτ after I layers on {@code set}. Returns {μ₀, r, λ₀, s, objective}.
     */
    public static double[] tuneSchedule(List<UnfoldedPgaGraph.Sample> set, UnfoldedPgaGraph.Shape shape, double[] mu0Grid,
            double[] muRatioGrid, double[] lambda0Grid, double[] lambdaRatioGrid) {
        double[] best = {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NEGATIVE_INFINITY};
        for (double mu0 : mu0Grid) {
            for (double r : muRatioGrid) {
                for (double lambda0 : lambda0Grid) {
                    for (double q : lambdaRatioGrid) {
                        PgaSteps steps = geometricSchedule(shape.outer(), shape.inner(), mu0, r, lambda0, q);
                        double obj = evaluate(set, shape, steps).objective();
                        if (obj > best[4]) {
                            best = new double[] {mu0, r, lambda0, q, obj};
                        }
                    }
                }
            }
        }
        return best;
    }

    /** {@link #train(Config, ProgressListener, LongSupplier)} timed with {@link System#nanoTime}. */
    public static HybridUpgaModel train(Config c, ProgressListener listener) {
        return train(c, listener, System::nanoTime);
    }

    /**
     * Trains a model for {@code c} (see the class comment). {@code listener} may be null.
     *
     * @param nanoClock monotonic nanoseconds, for progress and the recorded training time only
     */
    public static HybridUpgaModel train(Config c, ProgressListener listener, LongSupplier nanoClock) {
        long t0 = nanoClock.getAsLong();
        UnfoldedPgaGraph.Shape shape = c.shape();
        List<UnfoldedPgaGraph.Sample> train = trainingSet(c);
        List<UnfoldedPgaGraph.Sample> validation = validationSet(c);

        List<UnfoldedPgaGraph.Sample> gridSet = train.subList(0, Math.min(GRID_SAMPLES, train.size()));
        double[] tuned = tuneConstantSteps(gridSet, shape, MU_GRID, LAMBDA_GRID);
        Evaluation constantEval = evaluate(validation, shape,
                new PgaSteps().setConstant(c.outer(), c.inner(), tuned[0], tuned[1]));
        double[] schedule = tuneSchedule(gridSet, shape, MU0_GRID, MU_RATIO_GRID, LAMBDA0_GRID, LAMBDA_RATIO_GRID);
        PgaSteps start = geometricSchedule(c.outer(), c.inner(), schedule[0], schedule[1], schedule[2], schedule[3]);
        Evaluation initEval = evaluate(validation, shape, start);
        int batchesPerEpoch = (train.size() + c.batch() - 1) / c.batch();
        int totalSteps = batchesPerEpoch * c.epochs();
        if (listener != null) {
            listener.onProgress(new Progress("grid", 0, c.epochs(), 0, totalSteps, Double.NaN, initEval.objective(),
                    initEval.layerObjective(), seconds(nanoClock.getAsLong() - t0), Double.NaN));
        }

        double[][] mu0 = new double[c.outer()][c.inner()];
        double[] lambda0 = new double[c.outer()];
        for (int i = 0; i < c.outer(); i++) {
            for (int j = 0; j < c.inner(); j++) {
                mu0[i][j] = start.mu(i, j);
            }
            lambda0[i] = start.lambda(i);
        }
        UnfoldedPgaTrainer trainer = new UnfoldedPgaTrainer(shape, mu0, lambda0);

        Evaluation[] best = {initEval};
        int[] bestEpoch = {0};
        double[][][] bestMuBox = {mu0};
        double[][] bestLambdaBox = {lambda0};
        long trainStart = nanoClock.getAsLong();
        int skipped = trainer.train(train, null, new UnfoldedPgaTrainer.Options(c.epochs(), c.batch(), c.learningRate(),
                c.seed()), (epoch, step, total, loss, ignored) -> {
                    double elapsed = seconds(nanoClock.getAsLong() - t0);
                    double perStep = seconds(nanoClock.getAsLong() - trainStart) / step;
                    double eta = perStep * (total - step);
                    if (listener != null) {
                        listener.onProgress(new Progress("train", epoch, c.epochs(), step, total, loss, Double.NaN, null,
                                elapsed, eta));
                    }
                    if (step % batchesPerEpoch == 0) {
                        double[][] mu = trainer.mu();
                        double[] lambda = trainer.lambda();
                        Evaluation e = evaluate(validation, shape, toSteps(mu, lambda));
                        if (e.objective() > best[0].objective()) {
                            best[0] = e;
                            bestEpoch[0] = epoch;
                            bestMuBox[0] = mu;
                            bestLambdaBox[0] = lambda;
                        }
                        if (listener != null) {
                            listener.onProgress(new Progress("validate", epoch, c.epochs(), step, total, Double.NaN,
                                    e.objective(), e.layerObjective(), seconds(nanoClock.getAsLong() - t0), eta));
                        }
                    }
                });
        double trainingSeconds = seconds(nanoClock.getAsLong() - t0);
        Evaluation fin = best[0];

        Map<String, String> info = new LinkedHashMap<>();
        info.put("training.recipe", "seed 000 Sec. III-C: Adam on loss (25), log-steps, reverse mode through the unrolled layers");
        info.put("training.channel", "extended Saleh-Valenzuela (seed 000 eq. 2), Q = 10, E|h|^2 = N, sigma^2 = 1");
        info.put("training.dataset_seed", Long.toString(c.seed()));
        info.put("training.train_samples", Integer.toString(c.trainSamples()));
        info.put("training.validation_samples", Integer.toString(c.validationSamples()));
        info.put("training.snr_min_db", Double.toString(c.snrMinDb()));
        info.put("training.snr_max_db", Double.toString(c.snrMaxDb()));
        info.put("training.epochs", Integer.toString(c.epochs()));
        info.put("training.batch", Integer.toString(c.batch()));
        info.put("training.learning_rate", Double.toString(c.learningRate()));
        info.put("training.initial_schedule", String.format(Locale.ROOT,
                "mu(i,j) = %s * %s^i, lambda(i) = %s * %s^i", schedule[0], schedule[1], schedule[2], schedule[3]));
        info.put("training.tuned_constant_mu", Double.toString(tuned[0]));
        info.put("training.tuned_constant_lambda", Double.toString(tuned[1]));
        info.put("training.grid_samples", Integer.toString(gridSet.size()));
        info.put("training.best_epoch", Integer.toString(bestEpoch[0]));
        info.put("training.skipped_batches", Integer.toString(skipped));
        info.put("training.seconds", String.format(Locale.ROOT, "%.1f", trainingSeconds));
        info.put("validation.objective", Double.toString(fin.objective()));
        info.put("validation.sum_rate_bits", Double.toString(fin.rateBits()));
        info.put("validation.tau", Double.toString(fin.tau()));
        info.put("validation.tuned_constant_objective", Double.toString(constantEval.objective()));
        info.put("validation.initial_schedule_objective", Double.toString(initEval.objective()));
        info.put("validation.init_objective", Double.toString(initEval.layerObjective()[0]));
        info.put("validation.layer_objective", join(fin.layerObjective()));
        return new HybridUpgaModel(c.name(), c.antennas(), c.users(), c.rfChains(), c.omega(), c.eta(), c.rescaleInner(),
                c.targetsDeg(), c.halfWidthDeg(), bestMuBox[0], bestLambdaBox[0], info);
    }

    /**
     * The single entry point a {@code train} command calls: trains N, K, M, ω with the shipped
     * recipe ({@link Config#of}) and writes the model file to {@code out}.
     */
    public static HybridUpgaModel train(int n, int k, int m, double omega, long seed, int epochs, int batch, Path out,
            ProgressListener listener) throws IOException {
        HybridUpgaModel model = train(Config.of(n, k, m, omega, seed, epochs, batch), listener);
        model = model.withInfo(Map.of("training.command", String.format(Locale.ROOT,
                "HybridUpgaTraining.train(n=%d, k=%d, m=%d, omega=%s, seed=%d, epochs=%d, batch=%d, out)", n, k, m, omega,
                seed, epochs, batch)));
        model.write(out);
        return model;
    }

    static PgaSteps toSteps(double[][] mu, double[] lambda) {
        PgaSteps s = new PgaSteps().resize(mu.length, mu[0].length);
        for (int i = 0; i < mu.length; i++) {
            for (int j = 0; j < mu[i].length; j++) {
                s.setMu(i, j, mu[i][j]);
            }
            s.setLambda(i, lambda[i]);
        }
        return s;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static String join(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return sb.toString();
    }
}
