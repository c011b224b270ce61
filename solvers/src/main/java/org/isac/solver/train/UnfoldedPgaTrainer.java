package org.isac.solver.train;

import java.util.List;
import java.util.SplittableRandom;
import org.isac.solver.train.ad.Tape;
import org.isac.solver.train.ad.Tape.Node;

/**
 * Unsupervised training of the unfolded PGA step sizes {μ(i,j), λ(i)} (seed 000 Sec. III-C)
 * with Adam on the mean of loss (25) over mini-batches, gradients by reverse mode through
 * the unrolled layers ({@link UnfoldedPgaGraph}, or {@link UnfoldedWidebandPgaGraph} for the
 * wideband objective: the trainer only needs each sample's loss graph,
 * {@link UnfoldedPgaGraph.Unrollable}).
 *
 * <p>The steps are trained in log space (μ = e^θ), which keeps them positive and makes
 * Adam's learning rate a relative change per step; the learned values, not their logs,
 * are what a model file stores.
 */
public final class UnfoldedPgaTrainer {
    private final UnfoldedPgaGraph.Shape shape;
    private final double[] theta;

    /** Training options. {@code lr} applies to log-steps. */
    public record Options(int epochs, int batch, double lr, long seed) {
        public Options {
            if (epochs < 1 || batch < 1 || !(lr > 0)) {
                throw new IllegalArgumentException("need epochs >= 1, batch >= 1, lr > 0");
            }
        }
    }

    /** Called after every Adam step and after every epoch's validation. */
    public interface Progress {
        /**
         * @param step Adam steps done, of {@code totalSteps}
         * @param batchLoss mean loss (25) of the batch just used
         * @param validationObjective mean R − ωτ on the validation set (NaN between epochs)
         */
        void report(int epoch, int step, int totalSteps, double batchLoss, double validationObjective);
    }

    public UnfoldedPgaTrainer(UnfoldedPgaGraph.Shape shape, double[][] mu, double[] lambda) {
        this.shape = shape;
        this.theta = new double[shape.outer() * (shape.inner() + 1)];
        if (mu.length != shape.outer() || lambda.length != shape.outer()) {
            throw new IllegalArgumentException("steps must have " + shape.outer() + " outer layers");
        }
        for (int i = 0; i < shape.outer(); i++) {
            if (mu[i].length != shape.inner()) {
                throw new IllegalArgumentException("μ(" + i + ") must have " + shape.inner() + " inner steps");
            }
            for (int j = 0; j < shape.inner(); j++) {
                theta[muIndex(i, j)] = logPositive(mu[i][j], "μ");
            }
            theta[lambdaIndex(i)] = logPositive(lambda[i], "λ");
        }
    }

    private static double logPositive(double v, String what) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " steps must be finite and > 0, got " + v);
        }
        return Math.log(v);
    }

    private int muIndex(int i, int j) {
        return i * (shape.inner() + 1) + j;
    }

    private int lambdaIndex(int i) {
        return i * (shape.inner() + 1) + shape.inner();
    }

    public UnfoldedPgaGraph.Shape shape() {
        return shape;
    }

    /** Current μ(i,j). */
    public double[][] mu() {
        double[][] m = new double[shape.outer()][shape.inner()];
        for (int i = 0; i < shape.outer(); i++) {
            for (int j = 0; j < shape.inner(); j++) {
                m[i][j] = Math.exp(theta[muIndex(i, j)]);
            }
        }
        return m;
    }

    /** Current λ(i). */
    public double[] lambda() {
        double[] l = new double[shape.outer()];
        for (int i = 0; i < shape.outer(); i++) {
            l[i] = Math.exp(theta[lambdaIndex(i)]);
        }
        return l;
    }

    /**
     * Loss (25) of one sample at the current steps; adds dℒ/dθ to {@code gradTheta}
     * (length {@link #parameterCount()}) when it is not null.
     */
    public double lossAndGradient(UnfoldedPgaGraph.Unrollable s, double[] gradTheta) {
        Tape t = new Tape();
        Node[] params = new Node[theta.length];
        for (int p = 0; p < theta.length; p++) {
            params[p] = gradTheta == null ? t.constant(theta[p]) : t.variable(theta[p]);
        }
        Node[][] mu = new Node[shape.outer()][shape.inner()];
        Node[] lambda = new Node[shape.outer()];
        for (int i = 0; i < shape.outer(); i++) {
            for (int j = 0; j < shape.inner(); j++) {
                mu[i][j] = t.exp(params[muIndex(i, j)]);
            }
            lambda[i] = t.exp(params[lambdaIndex(i)]);
        }
        Node loss = s.buildLoss(t, shape, mu, lambda);
        if (gradTheta != null) {
            t.backward(loss);
            for (int p = 0; p < theta.length; p++) {
                gradTheta[p] += params[p].grad().re[0];
            }
        }
        return loss.scalar();
    }

    public int parameterCount() {
        return theta.length;
    }

    /** Mean R − ωτ (= −loss) over {@code set} at the current steps. */
    public double meanObjective(List<? extends UnfoldedPgaGraph.Unrollable> set) {
        double s = 0;
        for (UnfoldedPgaGraph.Unrollable x : set) {
            s -= lossAndGradient(x, null);
        }
        return s / set.size();
    }

    /**
     * Trains on {@code train} for {@code o.epochs()} epochs of shuffled mini-batches; after
     * each epoch reports the validation objective. A batch whose loss or gradient is not
     * finite is skipped (counted in the return value).
     *
     * @return the number of skipped batches
     */
    public int train(List<? extends UnfoldedPgaGraph.Unrollable> train, List<? extends UnfoldedPgaGraph.Unrollable> validation,
            Options o,
            Progress progress) {
        Adam adam = new Adam(theta.length, o.lr());
        SplittableRandom rng = new SplittableRandom(o.seed());
        int n = train.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int batchesPerEpoch = (n + o.batch() - 1) / o.batch();
        int total = batchesPerEpoch * o.epochs(), step = 0, skipped = 0;
        double[] grad = new double[theta.length];
        for (int epoch = 1; epoch <= o.epochs(); epoch++) {
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            for (int b = 0; b < batchesPerEpoch; b++) {
                java.util.Arrays.fill(grad, 0);
                int from = b * o.batch(), to = Math.min(n, from + o.batch());
                double loss = 0;
                for (int k = from; k < to; k++) {
                    loss += lossAndGradient(train.get(order[k]), grad);
                }
                int count = to - from;
                loss /= count;
                boolean finite = Double.isFinite(loss);
                for (int p = 0; p < grad.length; p++) {
                    grad[p] /= count;
                    finite &= Double.isFinite(grad[p]);
                }
                step++;
                if (finite) {
                    adam.step(theta, grad);
                } else {
                    skipped++;
                }
                if (progress != null) {
                    progress.report(epoch, step, total, loss, Double.NaN);
                }
            }
            if (progress != null && validation != null && !validation.isEmpty()) {
                progress.report(epoch, step, total, Double.NaN, meanObjective(validation));
            }
        }
        return skipped;
    }
}
