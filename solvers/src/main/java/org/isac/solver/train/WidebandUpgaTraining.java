package org.isac.solver.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.isac.solver.channel.WidebandSalehValenzuela;
import org.isac.solver.hybrid.HybridInitializer;
import org.isac.solver.hybrid.HybridUpgaModel;
import org.isac.solver.hybrid.PgaSteps;
import org.isac.solver.hybrid.WidebandPga;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.radar.BenchmarkCovariance;
import org.isac.solver.radar.DesiredBeampattern;

/**
 * Training of the wideband deep-unfolded hybrid JCAS precoder ({@code hybrid-upga-wb}): the
 * recipe of {@link HybridUpgaTraining} (seed 000 Sec. III-C: unsupervised, Adam on the loss,
 * log-steps, reverse mode through the unrolled layers) applied to the wideband objective
 * (1/S)·Σ_s R_s − ω·τ_avg of {@link UnfoldedWidebandPgaGraph}, one shared F and one W_s per
 * subband.
 *
 * <p>Data: seeded wideband Saleh–Valenzuela channels ({@link WidebandSalehValenzuela}, C = 5
 * clusters of L = 2 rays, so Q = 10 paths as in seed 000 eq. (2)) on S subbands of a band B
 * around f_c with maximum delay spread τ_max and no beam squint, σ² = 1 on every subband and
 * P_t = 10^(SNR/10) per subband with SNR uniform in dB (as {@link HybridUpgaTraining}), Ψ of
 * eq. (6) at P_t, and the eq. (26) start on the centre subband for every W_s
 * ({@link WidebandPga#initialize}).
 *
 * <p>Start: the steps of the shipped narrowband model for the same N, K, M and ω (the wideband
 * PGA scales its W step by S, so λ keeps its narrowband meaning and the narrowband steps are a
 * working wideband schedule); training then adapts them to the band. The epoch with the best
 * validation objective (evaluated with the double engine {@link WidebandPga}) is kept,
 * including epoch 0 (the start).
 *
 * <p>Reproducible: the same {@link Config} gives the same model bit for bit on the same JVM.
 */
public final class WidebandUpgaTraining {
    /** Carrier of the shipped models' scenario, Hz. */
    public static final double CARRIER_HZ = 28e9;
    /** Band B of the shipped models' scenario, Hz. */
    public static final double BANDWIDTH_HZ = 800e6;
    /** Maximum delay spread τ_max of the shipped models' scenario, s. */
    public static final double DELAY_SPREAD_S = 20e-9;
    /** Clusters C and rays per cluster L (Q = C·L = 10 paths, seed 000's Q). */
    public static final int CLUSTERS = 5;
    public static final int RAYS = 2;

    private WidebandUpgaTraining() {
    }

    /**
     * What to train.
     *
     * @param subbands S of the training channels
     * @param startModel shipped narrowband model whose steps start the training (null: the
     *     schedule μ(i, j) = 0.3·0.75^i, λ(i) = 3e-4·0.7^i)
     */
    public record Config(String name, int antennas, int users, int rfChains, double omega, double eta, long seed, int epochs,
            int batch, int outer, int inner, int subbands, int trainSamples, int validationSamples, double snrMinDb,
            double snrMaxDb, double learningRate, double bandwidthHz, double carrierHz, double delaySpreadS,
            double[] targetsDeg, double halfWidthDeg, String startModel) {
        public Config {
            if (users < 1 || rfChains < users || antennas < rfChains) {
                throw new IllegalArgumentException("need 1 <= K <= M <= N, got N=" + antennas + " K=" + users + " M=" + rfChains);
            }
            if (epochs < 1 || batch < 1 || outer < 1 || inner < 1 || subbands < 1 || trainSamples < 1
                    || validationSamples < 1) {
                throw new IllegalArgumentException("need epochs, batch, outer, inner, subbands, samples >= 1");
            }
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("learning rate must be > 0");
            }
            targetsDeg = targetsDeg.clone();
        }

        /**
         * The shipped recipe: I = J = 10, η = 1/N, targets −60°, 0°, 60° (±2°), SNR 0–12 dB,
         * S = 8 training subbands of B = 800 MHz at 28 GHz, τ_max = 20 ns, 96 training and 32
         * validation channels, Adam rate 0.02, started from {@code upga-n<N>-k<K>-m<M>-w<ω>},
         * named {@code upgawb-n<N>-k<K>-m<M>-w<ω>}.
         */
        public static Config of(int n, int k, int m, double omega, long seed, int epochs, int batch) {
            return new Config(defaultName(n, k, m, omega), n, k, m, omega, 1.0 / n, seed, epochs, batch, 10, 10, 8, 96, 32, 0, 12,
                    0.02, BANDWIDTH_HZ, CARRIER_HZ, DELAY_SPREAD_S, DesiredBeampattern.DEFAULT_TARGETS_DEG,
                    DesiredBeampattern.AUTHORS_HALF_WIDTH_DEG, HybridUpgaTraining.defaultName(n, k, m, omega));
        }

        public Config withSamples(int train, int validation) {
            return new Config(name, antennas, users, rfChains, omega, eta, seed, epochs, batch, outer, inner, subbands, train,
                    validation, snrMinDb, snrMaxDb, learningRate, bandwidthHz, carrierHz, delaySpreadS, targetsDeg, halfWidthDeg,
                    startModel);
        }

        public Config withSubbands(int s) {
            return new Config(name, antennas, users, rfChains, omega, eta, seed, epochs, batch, outer, inner, s, trainSamples,
                    validationSamples, snrMinDb, snrMaxDb, learningRate, bandwidthHz, carrierHz, delaySpreadS, targetsDeg,
                    halfWidthDeg, startModel);
        }

        public Config withLayers(int outerLayers, int innerLayers, String start) {
            return new Config(name, antennas, users, rfChains, omega, eta, seed, epochs, batch, outerLayers, innerLayers,
                    subbands, trainSamples, validationSamples, snrMinDb, snrMaxDb, learningRate, bandwidthHz, carrierHz,
                    delaySpreadS, targetsDeg, halfWidthDeg, start);
        }

        public Config withLearningRate(double lr) {
            return new Config(name, antennas, users, rfChains, omega, eta, seed, epochs, batch, outer, inner, subbands,
                    trainSamples, validationSamples, snrMinDb, snrMaxDb, lr, bandwidthHz, carrierHz, delaySpreadS, targetsDeg,
                    halfWidthDeg, startModel);
        }

        public Config withName(String modelName) {
            return new Config(modelName, antennas, users, rfChains, omega, eta, seed, epochs, batch, outer, inner, subbands,
                    trainSamples, validationSamples, snrMinDb, snrMaxDb, learningRate, bandwidthHz, carrierHz, delaySpreadS,
                    targetsDeg, halfWidthDeg, startModel);
        }

        public UnfoldedPgaGraph.Shape shape() {
            return new UnfoldedPgaGraph.Shape(outer, inner, omega, eta, false);
        }

        public DesiredBeampattern pattern() {
            return DesiredBeampattern.of(targetsDeg, halfWidthDeg);
        }
    }

    /** {@code upgawb-n64-k4-m4-w0.3}. */
    public static String defaultName(int n, int k, int m, double omega) {
        return HybridUpgaTraining.defaultName(n, k, m, omega).replace("upga-", "upgawb-");
    }

    /** The subband the start and the centre-F baseline use: ⌊(S−1)/2⌋ (f_s closest below f_c for even S). */
    public static int centreSubband(int subbands) {
        return (subbands - 1) / 2;
    }

    /**
     * {@code count} wideband samples of {@code c} (S = c.subbands()): channels, SNR, Ψ, start.
     * Consumes {@code rng}.
     */
    public static List<UnfoldedWidebandPgaGraph.Sample> samples(Config c, SplittableRandom rng, int count) {
        BenchmarkCovariance cov = BenchmarkCovariance.cached(c.antennas(), c.pattern());
        WidebandSalehValenzuela sv = new WidebandSalehValenzuela(c.antennas(), c.users(), CLUSTERS, RAYS, c.bandwidthHz(),
                c.carrierHz(), c.subbands(), c.delaySpreadS(), false);
        double[] targetsRad = new double[c.targetsDeg().length];
        for (int i = 0; i < targetsRad.length; i++) {
            targetsRad[i] = Math.toRadians(c.targetsDeg()[i]);
        }
        WidebandPga pga = new WidebandPga();
        List<UnfoldedWidebandPgaGraph.Sample> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            CMatrix[] h = new CMatrix[c.subbands()];
            for (int s = 0; s < h.length; s++) {
                h[s] = new CMatrix();
            }
            sv.draw(rng, h);
            double snrDb = c.snrMinDb() + (c.snrMaxDb() - c.snrMinDb()) * rng.nextDouble();
            double pt = Math.pow(10, snrDb / 10);
            double[][] noise = new double[h.length][c.users()];
            for (double[] row : noise) {
                Arrays.fill(row, 1.0);
            }
            CMatrix psi = new CMatrix();
            cov.psi(pt, psi);
            pga.prepare(h, noise, pt, c.rfChains(), psi);
            pga.initialize(HybridInitializer.COHERENT, centreSubband(h.length), targetsRad, targetsRad.length, 0);
            CMatrix f0 = new CMatrix().copyFrom(pga.analog());
            CMatrix[] w0 = new CMatrix[h.length];
            for (int s = 0; s < h.length; s++) {
                w0[s] = new CMatrix().copyFrom(pga.baseband(s));
            }
            out.add(new UnfoldedWidebandPgaGraph.Sample(h, noise, pt, psi, f0, w0));
        }
        return out;
    }

    /** The training set: first stream split from {@code seed}. */
    public static List<UnfoldedWidebandPgaGraph.Sample> trainingSet(Config c) {
        SplittableRandom root = new SplittableRandom(c.seed());
        return samples(c, root.split(), c.trainSamples());
    }

    /** The validation set: second stream split from {@code seed}. */
    public static List<UnfoldedWidebandPgaGraph.Sample> validationSet(Config c) {
        SplittableRandom root = new SplittableRandom(c.seed());
        root.split();
        return samples(c, root.split(), c.validationSamples());
    }

    /**
     * Runs {@link WidebandPga} with {@code steps} from each sample's start and averages J
     * after every layer, the mean rate and τ_avg.
     */
    public static HybridUpgaTraining.Evaluation evaluate(List<UnfoldedWidebandPgaGraph.Sample> set, UnfoldedPgaGraph.Shape shape,
            PgaSteps steps) {
        int layers = steps.outer();
        double[] trace = new double[layers + 1];
        double[] mean = new double[layers + 1];
        double rate = 0, tau = 0;
        WidebandPga pga = new WidebandPga();
        for (UnfoldedWidebandPgaGraph.Sample s : set) {
            pga.prepare(s.channels(), s.noise(), s.powerW(), s.f0().cols(), s.psi());
            pga.setWeights(shape.omega(), shape.eta());
            pga.setSteps(steps);
            pga.start(s.f0(), s.w0());
            pga.run(trace);
            for (int i = 0; i <= layers; i++) {
                mean[i] += trace[i] / set.size();
            }
            rate += pga.sumRateBits() / set.size();
            tau += pga.tau() / set.size();
        }
        return new HybridUpgaTraining.Evaluation(mean[layers], rate, tau, mean);
    }

    /** The starting steps of {@code c} (see {@link Config}). */
    public static PgaSteps startSteps(Config c) {
        if (c.startModel() != null) {
            HybridUpgaModel m = HybridUpgaModel.load(c.startModel());
            if (!m.fits(c.antennas(), c.users(), c.rfChains()) || m.outer() != c.outer() || m.inner() != c.inner()
                    || m.omega() != c.omega()) {
                throw new IllegalArgumentException("start model " + m + " does not fit " + c);
            }
            return m.steps(new PgaSteps());
        }
        return HybridUpgaTraining.geometricSchedule(c.outer(), c.inner(), 0.3, 0.75, 3e-4, 0.7);
    }

    public static HybridUpgaModel train(Config c, HybridUpgaTraining.ProgressListener listener) {
        return train(c, listener, System::nanoTime);
    }

    /**
     * Trains a model for {@code c}. {@code nanoClock} feeds only progress and the recorded time.
     */
    public static HybridUpgaModel train(Config c, HybridUpgaTraining.ProgressListener listener, LongSupplier nanoClock) {
        long t0 = nanoClock.getAsLong();
        UnfoldedPgaGraph.Shape shape = c.shape();
        List<UnfoldedWidebandPgaGraph.Sample> train = trainingSet(c);
        List<UnfoldedWidebandPgaGraph.Sample> validation = validationSet(c);
        PgaSteps start = startSteps(c);
        HybridUpgaTraining.Evaluation startEval = evaluate(validation, shape, start);
        int batchesPerEpoch = (train.size() + c.batch() - 1) / c.batch();
        int totalSteps = batchesPerEpoch * c.epochs();
        if (listener != null) {
            listener.onProgress(new HybridUpgaTraining.Progress("start", 0, c.epochs(), 0, totalSteps, Double.NaN,
                    startEval.objective(), startEval.layerObjective(), (nanoClock.getAsLong() - t0) / 1e9, Double.NaN));
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
        HybridUpgaTraining.Evaluation[] best = {startEval};
        int[] bestEpoch = {0};
        double[][][] bestMu = {mu0};
        double[][] bestLambda = {lambda0};
        long trainStart = nanoClock.getAsLong();
        int skipped = trainer.train(train, null, new UnfoldedPgaTrainer.Options(c.epochs(), c.batch(), c.learningRate(), c.seed()),
                (epoch, step, total, loss, ignored) -> {
                    double eta = (nanoClock.getAsLong() - trainStart) / 1e9 / step * (total - step);
                    if (listener != null) {
                        listener.onProgress(new HybridUpgaTraining.Progress("train", epoch, c.epochs(), step, total, loss,
                                Double.NaN, null, (nanoClock.getAsLong() - t0) / 1e9, eta));
                    }
                    if (step % batchesPerEpoch == 0) {
                        double[][] mu = trainer.mu();
                        double[] lambda = trainer.lambda();
                        HybridUpgaTraining.Evaluation e = evaluate(validation, shape, HybridUpgaTraining.toSteps(mu, lambda));
                        if (e.objective() > best[0].objective()) {
                            best[0] = e;
                            bestEpoch[0] = epoch;
                            bestMu[0] = mu;
                            bestLambda[0] = lambda;
                        }
                        if (listener != null) {
                            listener.onProgress(new HybridUpgaTraining.Progress("validate", epoch, c.epochs(), step, total,
                                    Double.NaN, e.objective(), e.layerObjective(), (nanoClock.getAsLong() - t0) / 1e9, eta));
                        }
                    }
                });
        double seconds = (nanoClock.getAsLong() - t0) / 1e9;
        HybridUpgaTraining.Evaluation fin = best[0];
        Map<String, String> info = new LinkedHashMap<>();
        info.put("training.recipe", "seed 000 Sec. III-C on the wideband objective (1/S) sum_s R_s - omega*tau_avg: Adam on the"
                + " loss, log-steps, reverse mode through the unrolled wideband layers (UnfoldedWidebandPgaGraph)");
        info.put("training.sensing", "band-averaged: tau_avg = ||(1/S) sum_s F W_s W_s^H F^H - Psi||_F^2, no beam squint");
        info.put("training.channel", String.format(Locale.ROOT, "wideband Saleh-Valenzuela, C = %d clusters x L = %d rays, "
                + "B = %s Hz at f_c = %s Hz, tau_max = %s s, no squint, sigma^2 = 1", CLUSTERS, RAYS, c.bandwidthHz(),
                c.carrierHz(), c.delaySpreadS()));
        info.put("training.subbands", Integer.toString(c.subbands()));
        info.put("training.dataset_seed", Long.toString(c.seed()));
        info.put("training.train_samples", Integer.toString(c.trainSamples()));
        info.put("training.validation_samples", Integer.toString(c.validationSamples()));
        info.put("training.snr_min_db", Double.toString(c.snrMinDb()));
        info.put("training.snr_max_db", Double.toString(c.snrMaxDb()));
        info.put("training.epochs", Integer.toString(c.epochs()));
        info.put("training.batch", Integer.toString(c.batch()));
        info.put("training.learning_rate", Double.toString(c.learningRate()));
        info.put("training.start_steps", c.startModel() == null ? "mu(i,j) = 0.3 * 0.75^i, lambda(i) = 3e-4 * 0.7^i"
                : "shipped narrowband model " + c.startModel());
        info.put("training.best_epoch", Integer.toString(bestEpoch[0]));
        info.put("training.skipped_batches", Integer.toString(skipped));
        info.put("training.seconds", String.format(Locale.ROOT, "%.1f", seconds));
        info.put("validation.objective", Double.toString(fin.objective()));
        info.put("validation.sum_rate_bits", Double.toString(fin.rateBits()));
        info.put("validation.tau", Double.toString(fin.tau()));
        info.put("validation.start_steps_objective", Double.toString(startEval.objective()));
        info.put("validation.init_objective", Double.toString(startEval.layerObjective()[0]));
        StringBuilder layers = new StringBuilder();
        for (double v : fin.layerObjective()) {
            layers.append(layers.length() == 0 ? "" : ", ").append(v);
        }
        info.put("validation.layer_objective", layers.toString());
        return new HybridUpgaModel(c.name(), c.antennas(), c.users(), c.rfChains(), c.omega(), c.eta(), false, c.targetsDeg(),
                c.halfWidthDeg(), bestMu[0], bestLambda[0], info);
    }
}
