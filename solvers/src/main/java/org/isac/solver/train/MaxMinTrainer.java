package org.isac.solver.train;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.isac.solver.model.ModelFile;
import org.isac.solver.IsacParams;
import org.isac.solver.Problem;
import org.isac.solver.digital.MaxMinAo;
import org.isac.solver.digital.MaxMinModel;
import org.isac.solver.digital.Seed002Scenario;

/**
 * Unsupervised training of the unfolded max-min AO of seed 002 (Sec. III, "Training"):
 * the step sizes β_{ℓ,i} and the smoothing factors μ_c, μ_s minimise loss (19),
 * −(1/B)·Σ_b Σ_ℓ (1/ℓ)·h(W_ℓ, F_ℓ), with Adam over mini-batches of random
 * {@link Seed002Scenario} instances. Gradients come from the hand-written adjoints of
 * {@link MaxMinAoReverse#backward}. Every parameter is trained in log space (β = e^θ), so it stays
 * positive and Adam's learning rate is a relative change per step.
 *
 * <p>Single-threaded and deterministic for a given {@link Config} (training and validation
 * sets are drawn from {@code seed} and {@code seed + 1}). No clocks: callers time it.
 */
public final class MaxMinTrainer {
    private MaxMinTrainer() {
    }

    /**
     * Training set-up. Paper values ({@link #paper()}): L_out = 150, L_in = 3, I_w = 2, K = 4,
     * 500 training and 100 validation channels, 30 epochs, batch 32, initial β = 0.01 at
     * P_t = 100 (0.001 relative), μ = 10, δ = 1.
     *
     * @param lr Adam learning rate on the log step sizes
     * @param muLr Adam learning rate on ln μ_c, ln μ_s (smaller: the paper's rate 3e-4 on μ = 10
     *     itself barely moves μ, and large moves of μ trade the last layers for the first ones)
     */
    public record Config(int outer, int inner, int repeats, int users, int trainSize, int validationSize, int epochs, int batch,
            double lr, double muLr, double initStep, double initMu, double delta, long seed) {
        public Config {
            if (outer < 1 || inner < 1 || repeats < 1 || users < 1 || trainSize < 1 || validationSize < 0 || epochs < 1 || batch < 1
                    || !(lr > 0) || !(muLr > 0) || !(initStep > 0) || !(initMu > 0) || !(delta >= 0)) {
                throw new IllegalArgumentException("maxmin training: sizes must be >= 1, lr, initial step and mu > 0, delta >= 0");
            }
        }

        public static Config paper() {
            return new Config(150, 3, 2, 4, 500, 100, 30, 32, 0.05, 0.005, 0.001, 10, 1, 2024);
        }

        public Config withSizes(int trainSize, int validationSize, int epochs) {
            return new Config(outer, inner, repeats, users, trainSize, validationSize, epochs, batch, lr, muLr, initStep, initMu, delta,
                    seed);
        }

        public Config withRates(double lr, double muLr) {
            return new Config(outer, inner, repeats, users, trainSize, validationSize, epochs, batch, lr, muLr, initStep, initMu, delta,
                    seed);
        }

        public Config withLayers(int outer) {
            return new Config(outer, inner, repeats, users, trainSize, validationSize, epochs, batch, lr, muLr, initStep, initMu, delta,
                    seed);
        }
    }

    /** Called after every Adam step (validation NaN) and after each epoch's validation (batch loss NaN). */
    public interface Progress {
        void report(int epoch, int step, int totalSteps, double batchLoss, double validationObjective);
    }

    /**
     * @param model the trained model: the parameters after the epoch with the best validation
     *     objective (its {@link MaxMinModel#file()} carries the provenance keys)
     * @param validationByEpoch mean h at the last layer on the validation set before training
     *     (index 0) and after each epoch
     * @param bestEpoch the epoch whose parameters {@code model} holds (0 = untrained)
     * @param skippedBatches batches whose loss or gradient was not finite (not applied)
     */
    public record Result(MaxMinModel model, double[] validationByEpoch, int bestEpoch, int skippedBatches) {
    }

    /** The {@code count} problems of a data set drawn from {@code seed} ({@link Seed002Scenario#dataset}). */
    public static List<Problem> dataset(int count, int users, double delta, long seed) {
        return Seed002Scenario.dataset(count, users, delta, seed);
    }

    /** Mean h (nats) at the last layer of {@code model} over {@code set}. */
    public static double meanObjective(MaxMinModel model, List<Problem> set, double delta) {
        MaxMinAo ao = new MaxMinAo();
        double[] steps = model.steps();
        double s = 0;
        for (Problem p : set) {
            ao.setUp(p, delta, IsacParams.radarNoiseW(p), true);
            ao.initialize();
            ao.run(MaxMinAo.StepRule.SCHEDULE, model.outer(), model.inner(), model.repeats(), steps, model.muC(), model.muS(), 0);
            s += ao.objective();
        }
        return s / set.size();
    }

    /** Trains from the constant start of {@code c}; see the class comment. */
    public static Result train(Config c, Progress progress) {
        List<Problem> train = dataset(c.trainSize(), c.users(), c.delta(), c.seed());
        List<Problem> validation = dataset(c.validationSize(), c.users(), c.delta(), c.seed() + 1);
        int nSteps = c.outer() * c.inner();
        double[] theta = new double[nSteps + 2];
        Arrays.fill(theta, 0, nSteps, Math.log(c.initStep()));
        theta[nSteps] = Math.log(c.initMu());
        theta[nSteps + 1] = Math.log(c.initMu());
        Adam adamSteps = new Adam(nSteps, c.lr());
        Adam adamMu = new Adam(2, c.muLr());
        double[] stepTheta = new double[nSteps], muTheta = new double[2], stepGrad = new double[nSteps], muGrad = new double[2];
        MaxMinAo ao = new MaxMinAo();
        ao.setRecording(true);
        MaxMinAoReverse reverse = new MaxMinAoReverse(ao);
        SplittableRandom rng = new SplittableRandom(c.seed() + 2);
        int n = train.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int batches = (n + c.batch() - 1) / c.batch();
        int total = batches * c.epochs(), step = 0, skipped = 0;
        double[] grad = new double[theta.length];
        double[] gradSteps = new double[nSteps];
        double[] gradMu = new double[2];
        double[] steps = new double[nSteps];
        double[] validationByEpoch = new double[c.epochs() + 1];
        validationByEpoch[0] = validation.isEmpty() ? Double.NaN : meanObjective(toModel(theta, c), validation, c.delta());
        double[] best = theta.clone();
        int bestEpoch = 0;
        if (progress != null) {
            progress.report(0, 0, total, Double.NaN, validationByEpoch[0]);
        }
        for (int epoch = 1; epoch <= c.epochs(); epoch++) {
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int b = 0; b < batches; b++) {
                Arrays.fill(grad, 0);
                for (int q = 0; q < nSteps; q++) {
                    steps[q] = Math.exp(theta[q]);
                }
                double muC = Math.exp(theta[nSteps]), muS = Math.exp(theta[nSteps + 1]);
                int from = b * c.batch(), to = Math.min(n, from + c.batch());
                double loss = 0;
                for (int q = from; q < to; q++) {
                    Problem p = train.get(order[q]);
                    ao.setUp(p, c.delta(), IsacParams.radarNoiseW(p), true);
                    ao.initialize();
                    ao.run(MaxMinAo.StepRule.SCHEDULE, c.outer(), c.inner(), c.repeats(), steps, muC, muS, 0);
                    Arrays.fill(gradSteps, 0);
                    gradMu[0] = 0;
                    gradMu[1] = 0;
                    loss += reverse.backward(gradSteps, gradMu);
                    for (int s = 0; s < nSteps; s++) {
                        grad[s] += gradSteps[s];
                    }
                    grad[nSteps] += gradMu[0];
                    grad[nSteps + 1] += gradMu[1];
                }
                int count = to - from;
                loss /= count;
                boolean finite = Double.isFinite(loss);
                for (int s = 0; s < grad.length; s++) {
                    grad[s] /= count;
                    finite &= Double.isFinite(grad[s]);
                }
                step++;
                if (finite) {
                    System.arraycopy(theta, 0, stepTheta, 0, nSteps);
                    System.arraycopy(grad, 0, stepGrad, 0, nSteps);
                    System.arraycopy(theta, nSteps, muTheta, 0, 2);
                    System.arraycopy(grad, nSteps, muGrad, 0, 2);
                    adamSteps.step(stepTheta, stepGrad);
                    adamMu.step(muTheta, muGrad);
                    System.arraycopy(stepTheta, 0, theta, 0, nSteps);
                    System.arraycopy(muTheta, 0, theta, nSteps, 2);
                } else {
                    skipped++;
                }
                if (progress != null) {
                    progress.report(epoch, step, total, loss, Double.NaN);
                }
            }
            validationByEpoch[epoch] = validation.isEmpty() ? Double.NaN : meanObjective(toModel(theta, c), validation, c.delta());
            if (validation.isEmpty() || validationByEpoch[epoch] > validationByEpoch[bestEpoch]) {
                System.arraycopy(theta, 0, best, 0, theta.length);
                bestEpoch = epoch;
            }
            if (progress != null) {
                progress.report(epoch, step, total, Double.NaN, validationByEpoch[epoch]);
            }
        }
        MaxMinModel m = toModel(best, c);
        ModelFile f = m.toModelFile();
        f.put("trained_on", "seed 002 scenario (Seed002Scenario: ULA 16/16, M=2, C=2, SNR 20 dB), K=" + c.users() + ", delta="
                + c.delta());
        f.put("train_size", c.trainSize());
        f.put("validation_size", c.validationSize());
        f.put("epochs", c.epochs());
        f.put("batch", c.batch());
        f.put("adam_lr_log_steps", c.lr());
        f.put("adam_lr_log_mu", c.muLr());
        f.put("selected_epoch", bestEpoch);
        f.put("adam_steps", step);
        f.put("skipped_batches", skipped);
        f.put("init_step", c.initStep());
        f.put("init_mu", c.initMu());
        f.put("seed", c.seed());
        f.put("loss", "(19): -sum_l h(W_l, F_l)/l, nats");
        f.put("validation_objective_untrained_nats", validationByEpoch[0]);
        f.put("validation_objective_nats", validationByEpoch[bestEpoch]);
        f.put("validation_by_epoch_nats", validationByEpoch);
        return new Result(MaxMinModel.fromModelFile(f), validationByEpoch, bestEpoch, skipped);
    }

    private static MaxMinModel toModel(double[] theta, Config c) {
        int nSteps = c.outer() * c.inner();
        double[] steps = new double[nSteps];
        for (int q = 0; q < nSteps; q++) {
            steps[q] = Math.exp(theta[q]);
        }
        return new MaxMinModel(c.inner(), c.repeats(), steps, Math.exp(theta[nSteps]), Math.exp(theta[nSteps + 1]), null);
    }
}
