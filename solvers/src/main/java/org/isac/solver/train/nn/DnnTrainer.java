package org.isac.solver.train.nn;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.array.CentredUla;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.metric.Metrics;
import org.isac.solver.nn.AnchorHeads;
import org.isac.solver.nn.DnnConfig;
import org.isac.solver.nn.DnnModel;
import org.isac.solver.nn.DnnPrecoder;
import org.isac.solver.nn.Mlp;
import org.isac.solver.nn.PrecoderAnchor;
import org.isac.solver.nn.Seed003Dataset;
import org.isac.solver.train.Adam;

/**
 * Unsupervised training of the seed 003 precoder network (Sec. III, Fig. 2): mini-batch Adam
 * on the mean of loss eq. (25) ({@link IsacLoss}) with gradients by hand-written
 * backpropagation through the loss, the output layout and the SiLU MLP; inverted dropout
 * on the hidden layers; a train/validation split; early stopping on the validation objective
 * with the best weights kept; one {@link Progress} report per epoch.
 *
 * <p><b>β and γ</b> (eqs. (18)–(19)) are fixed before training from the first
 * {@value #CALIBRATION_SIZE} training instances: β = 1 / mean sum rate (bits/s/Hz) of the
 * solver named by {@link DnnConfig#betaSolver} (the ρ = 1 reference; by default RZF, i.e.
 * MMSE, because it is closed-form and always available — WMMSE can be named instead),
 * and γ = mean Σ_t ψ̃(θ_t) of the sensing-only covariance R_s = (P_t/(T·M))·Σ_t a(θ_t)a(θ_t)ᴴ
 * that splits the power equally between beams on the targets (the ρ = 0 reference; for
 * well-separated targets it is the minimiser of Σψ̃ up to the small cross-beam terms). Both
 * are stored in the model.
 *
 * <p><b>Validation objective</b> (for early stopping and reports): eq. (25) evaluated on the
 * served precoder, i.e. after the power scaling of eq. (21), where the power penalty is zero.
 *
 * <p>Deterministic for a given configuration: data, initial weights, batch order and dropout
 * masks come from generators seeded by {@link DnnConfig#seed}; one thread.
 */
public final class DnnTrainer {
    /** Training instances used to compute β and γ. */
    public static final int CALIBRATION_SIZE = 500;

    /** Adam learning rate of the anchor mixing angle φ (rzf-wf anchor). */
    public static final double MIX_LEARNING_RATE = 1e-2;
    /** Training instances on which the initial φ is picked from a grid (rzf-wf anchor). */
    public static final int MIX_GRID_INSTANCES = 1000;
    /** Grid points for the initial φ in [0, π/2]. */
    public static final int MIX_GRID_POINTS = 11;

    /** Factor on the initial output layer of an anchored network (training starts near W_a). */
    public static final double ANCHOR_OUTPUT_INIT = 0.01;

    /** One epoch's report. Times are from the clock passed to {@link #train(DnnConfig, ProgressListener, LongSupplier)}. */
    public record Progress(int epoch, int epochs, long steps, double trainLoss, double valObjective,
            double valSumRate, double valSumPsiApprox, double valFairness, boolean improved,
            long elapsedNs, long etaNs) {

        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "epoch %d/%d  loss %.5f  val %.5f  rate %.3f b/s/Hz  Σψ̃ %.3e  F %.3f%s  %.1fs (eta %.1fs)",
                    epoch, epochs, trainLoss, valObjective, valSumRate, valSumPsiApprox, valFairness,
                    improved ? " *" : "", elapsedNs / 1e9, etaNs / 1e9);
        }
    }

    /** Receives one {@link Progress} per epoch. */
    @FunctionalInterface
    public interface ProgressListener {
        void onEpoch(Progress p);
    }

    /** Mean metrics of a network over part of a data set, on the served (eq. (21)) precoder. */
    public record Evaluation(double objective, double sumRate, double sumPsiApprox, double fairness) {
    }

    private final DnnConfig config;
    private final double beta;
    private final double gamma;
    private final Mlp net;
    private final Seed003Dataset data;
    private final IsacLoss loss;
    private final int outMk;
    // batch state: z[l][s] pre-activation, a[l][s] activation (a[0] rows point into data), keep[l][s] dropout scale
    private final double[][][] z;
    private final double[][][] a;
    private final double[][][] keep;
    private final double[][][] delta;
    private final double[][][] wT;
    final double[][][] gw;
    final double[][] gb;
    private final double[] dRe;
    private final double[] dIm;
    private final double[] xRe;
    private final double[] xIm;
    /** Anchor precoder per data set instance (null without an anchor); for rzf-wf its communications part W_c. */
    private final double[][] anchors;
    /** Sensing parts S and S_⊥ of the rzf-wf anchor per instance (null otherwise). */
    private final double[][] sensing;
    private final double[][] nullSensing;
    /** Trained anchor mixing angles φ₁, φ₂ ({@link PrecoderAnchor#mix(double, double, double[], double[], double[], double[])}). */
    final double[] phi = new double[2];
    /** ∂(mean loss)/∂φ of the last {@link #batchGradient} (0 without a sensing anchor). */
    final double[] gPhi = new double[2];
    private final double[] mixed;
    /** The anchor heads (null unless {@link DnnConfig#heads()}). */
    private final AnchorHeads heads;

    DnnTrainer(DnnConfig config, Mlp net, Seed003Dataset data, double beta, double gamma) {
        this.config = config;
        this.beta = beta;
        this.gamma = gamma;
        this.net = net;
        this.data = data;
        this.loss = new IsacLoss(config, beta, gamma);
        this.outMk = config.antennas() * config.users();
        int layers = net.layers();
        int batch = config.batch();
        z = new double[layers + 1][][];
        a = new double[layers + 1][][];
        keep = new double[layers + 1][][];
        delta = new double[layers + 1][][];
        a[0] = new double[batch][];
        for (int l = 1; l <= layers; l++) {
            z[l] = new double[batch][net.width(l)];
            a[l] = new double[batch][net.width(l)];
            keep[l] = new double[batch][net.width(l)];
            delta[l] = new double[batch][net.width(l)];
        }
        wT = new double[layers][][];
        gw = new double[layers][][];
        gb = new double[layers][];
        for (int l = 0; l < layers; l++) {
            wT[l] = new double[net.width(l + 1)][net.width(l)];
            gw[l] = new double[net.width(l)][net.width(l + 1)];
            gb[l] = new double[net.width(l + 1)];
        }
        dRe = new double[outMk];
        dIm = new double[outMk];
        xRe = new double[outMk];
        xIm = new double[outMk];
        double[][][] parts = anchorParts(config, data, 0, data.size());
        anchors = parts[0];
        sensing = parts[1];
        nullSensing = parts[2];
        mixed = new double[outMk * 2];
        heads = config.heads() ? new AnchorHeads(config.antennas(), config.users()) : null;
        refreshTranspose();
    }

    /** W_a of instances [from, to) of {@code d} (null when {@code c} has no anchor). */
    static double[][] anchors(DnnConfig c, Seed003Dataset d, int from, int to) {
        if (!c.anchored()) {
            return null;
        }
        PrecoderAnchor pa = new PrecoderAnchor(c);
        double[][] r = new double[d.size()][];
        for (int s = from; s < to; s++) {
            r[s] = new double[c.precoderOutputs()];
            pa.compute(d.inputs[s], r[s]);
        }
        return r;
    }

    /**
     * {W_c, S, S_⊥} of the rzf-wf anchor for instances [from, to) ({@link PrecoderAnchor});
     * for the other anchors {W_a, null, null}; all null without an anchor.
     */
    static double[][][] anchorParts(DnnConfig c, Seed003Dataset d, int from, int to) {
        if (!c.sensingAnchor()) {
            return new double[][][] {anchors(c, d, from, to), null, null};
        }
        PrecoderAnchor pa = new PrecoderAnchor(c);
        double[][] wc = new double[d.size()][], ws = new double[d.size()][], wp = new double[d.size()][];
        for (int s = from; s < to; s++) {
            wc[s] = new double[c.precoderOutputs()];
            ws[s] = new double[c.precoderOutputs()];
            wp[s] = new double[c.precoderOutputs()];
            pa.compute(d.inputs[s], wc[s]);
            pa.sensing(d.inputs[s], wc[s], ws[s], wp[s]);
        }
        return new double[][][] {wc, ws, wp};
    }

    /** Adds the constant anchor (if any) to the precoder split from the output. */
    private static void addAnchor(double[][] anchors, int id, int mk, double[] xr, double[] xi) {
        if (anchors == null) {
            return;
        }
        double[] w = anchors[id];
        for (int i = 0; i < mk; i++) {
            xr[i] += w[i];
            xi[i] += w[mk + i];
        }
    }

    /**
     * Sets {@link #phi} to the (φ₁, φ₂) of a {@value #MIX_GRID_POINTS}² grid on [0, π/2]²
     * that minimises the mean served objective (eq. (25) after eq. (21)) of the anchor alone
     * (network output taken as zero) over training instances [0, count).
     */
    void initialMix(int count) {
        DnnConfig served = config.withLoss(config.alpha(), config.fairnessWeight(), config.betaSolver(), true);
        IsacLoss l = new IsacLoss(served, beta, gamma);
        double bestObj = Double.POSITIVE_INFINITY;
        for (int g = 0; g < MIX_GRID_POINTS; g++) {
            double p1 = g * (Math.PI / 2) / (MIX_GRID_POINTS - 1);
            for (int g2 = 0; g2 < (g == 0 ? 1 : MIX_GRID_POINTS); g2++) {
                double p2 = g2 * (Math.PI / 2) / (MIX_GRID_POINTS - 1);
                double obj = 0;
                for (int s = 0; s < count; s++) {
                    PrecoderAnchor.mix(p1, p2, anchors[s], sensing[s], nullSensing[s], mixed);
                    DnnPrecoder.outputToPrecoder(mixed, outMk, xRe, xIm);
                    obj += l.evaluate(data.re[s], data.im[s], data.angles[s], xRe, xIm, null, null, 1, null);
                }
                if (obj < bestObj) {
                    bestObj = obj;
                    phi[0] = p1;
                    phi[1] = p2;
                }
            }
        }
    }

    private void refreshTranspose() {
        for (int l = 0; l < net.layers(); l++) {
            double[][] w = net.w[l];
            for (int i = 0; i < w.length; i++) {
                double[] row = w[i];
                for (int j = 0; j < row.length; j++) {
                    wT[l][j][i] = row[j];
                }
            }
        }
    }

    /**
     * Mean loss (25) over instances {@code idx[from … from+count)} and its gradient with
     * respect to every weight and bias, written into {@link #gw} / {@link #gb}. Dropout masks
     * are drawn from a generator seeded with {@code maskSeed}, so a call is repeatable
     * (used by the finite-difference checks). Flops: ≈ 6·B·(weights of the network).
     */
    double batchGradient(int[] idx, int from, int count, long maskSeed) {
        int layers = net.layers();
        double p = config.dropout();
        double keepScale = 1 / (1 - p);
        SplittableRandom maskRng = new SplittableRandom(maskSeed);
        // forward
        for (int s = 0; s < count; s++) {
            a[0][s] = data.inputs[idx[from + s]];
        }
        for (int l = 0; l < layers; l++) {
            int nIn = net.width(l), nOut = net.width(l + 1);
            double[][] w = net.w[l];
            double[] b = net.b[l];
            boolean hiddenOut = l + 1 < layers;
            for (int s = 0; s < count; s++) {
                double[] x = a[l][s];
                double[] y = z[l + 1][s];
                System.arraycopy(b, 0, y, 0, nOut);
                for (int i = 0; i < nIn; i++) {
                    double v = x[i];
                    if (v == 0) {
                        continue;
                    }
                    double[] row = w[i];
                    for (int j = 0; j < nOut; j++) {
                        y[j] += v * row[j];
                    }
                }
                double[] act = a[l + 1][s];
                if (hiddenOut) {
                    double[] kp = keep[l + 1][s];
                    for (int j = 0; j < nOut; j++) {
                        kp[j] = p > 0 && maskRng.nextDouble() < p ? 0 : keepScale;
                        act[j] = kp[j] * Mlp.silu(y[j]);
                    }
                } else {
                    System.arraycopy(y, 0, act, 0, nOut);
                }
            }
        }
        // loss and its gradient at the output
        double total = 0;
        double inv = 1.0 / count;
        double c1 = Math.cos(phi[0]), s1 = Math.sin(phi[0]), c2 = Math.cos(phi[1]), s2 = Math.sin(phi[1]);
        gPhi[0] = 0;
        gPhi[1] = 0;
        for (int s = 0; s < count; s++) {
            int id = idx[from + s];
            double[] out = a[layers][s];
            DnnPrecoder.outputToPrecoder(out, outMk, xRe, xIm);
            if (sensing != null) {
                if (heads != null) {
                    heads.forward(phi[0], phi[1], out, anchors[id], sensing[id], nullSensing[id], mixed);
                } else {
                    PrecoderAnchor.mix(phi[0], phi[1], anchors[id], sensing[id], nullSensing[id], mixed);
                }
                for (int i = 0; i < outMk; i++) {
                    xRe[i] += mixed[i];
                    xIm[i] += mixed[outMk + i];
                }
            } else {
                addAnchor(anchors, id, outMk, xRe, xIm);
            }
            total += loss.evaluate(data.re[id], data.im[id], data.angles[id], xRe, xIm, dRe, dIm, inv, null);
            double[] d = delta[layers][s];
            System.arraycopy(dRe, 0, d, 0, outMk);
            System.arraycopy(dIm, 0, d, outMk, outMk);
            if (heads != null) {
                heads.backward(d, out, sensing[id], nullSensing[id], d, gPhi);
            } else if (sensing != null) {
                // ∂W_a/∂φ₁ = −sin φ₁·W_c + cos φ₁·(cos φ₂·S + sin φ₂·S_⊥), ∂W_a/∂φ₂ = sin φ₁·(−sin φ₂·S + cos φ₂·S_⊥)
                double[] wc = anchors[id], ws = sensing[id], wp = nullSensing[id];
                double g1 = 0, g2 = 0;
                for (int i = 0; i < 2 * outMk; i++) {
                    double sp = c2 * ws[i] + s2 * wp[i];
                    g1 += d[i] * (c1 * sp - s1 * wc[i]);
                    g2 += d[i] * s1 * (c2 * wp[i] - s2 * ws[i]);
                }
                gPhi[0] += g1;
                gPhi[1] += g2;
            }
        }
        // backward
        for (int l = 0; l < layers; l++) {
            for (double[] row : gw[l]) {
                java.util.Arrays.fill(row, 0);
            }
            java.util.Arrays.fill(gb[l], 0);
        }
        for (int l = layers - 1; l >= 0; l--) {
            int nIn = net.width(l), nOut = net.width(l + 1);
            double[][] g = gw[l];
            double[] gbl = gb[l];
            for (int s = 0; s < count; s++) {
                double[] d = delta[l + 1][s];
                double[] x = a[l][s];
                for (int j = 0; j < nOut; j++) {
                    gbl[j] += d[j];
                }
                for (int i = 0; i < nIn; i++) {
                    double v = x[i];
                    if (v == 0) {
                        continue;
                    }
                    double[] row = g[i];
                    for (int j = 0; j < nOut; j++) {
                        row[j] += v * d[j];
                    }
                }
            }
            if (l == 0) {
                break;
            }
            double[][] wt = wT[l];
            for (int s = 0; s < count; s++) {
                double[] d = delta[l + 1][s];
                double[] dPrev = delta[l][s];
                java.util.Arrays.fill(dPrev, 0, nIn, 0);
                for (int j = 0; j < nOut; j++) {
                    double v = d[j];
                    if (v == 0) {
                        continue;
                    }
                    double[] col = wt[j];
                    for (int i = 0; i < nIn; i++) {
                        dPrev[i] += v * col[i];
                    }
                }
                double[] zz = z[l][s];
                double[] kp = keep[l][s];
                for (int i = 0; i < nIn; i++) {
                    double sg = 1 / (1 + Math.exp(-zz[i]));
                    dPrev[i] *= kp[i] * sg * (1 + zz[i] * (1 - sg));
                }
            }
        }
        return total * inv;
    }

    /** Mean validation metrics of {@code m} on instances [from, to) of {@code d}, on the eq. (21) precoder. */
    public static Evaluation evaluate(DnnConfig c, Mlp m, Seed003Dataset d, int from, int to, double beta, double gamma) {
        return evaluate(c, m, 0, 0, d, from, to, beta, gamma);
    }

    /** As {@link #evaluate(DnnConfig, Mlp, Seed003Dataset, int, int, double, double)} with anchor mixing angles φ₁, φ₂. */
    public static Evaluation evaluate(DnnConfig c, Mlp m, double phi1, double phi2, Seed003Dataset d, int from, int to,
            double beta, double gamma) {
        DnnConfig served = c.withLoss(c.alpha(), c.fairnessWeight(), c.betaSolver(), true);
        IsacLoss l = new IsacLoss(served, beta, gamma);
        IsacLoss.Stats st = new IsacLoss.Stats();
        // served exactly as the solver serves it: network, anchor (and heads), eq. (21)
        DnnPrecoder p = new DnnPrecoder(new DnnModel(c, m, beta, gamma, DnnModel.FULL_BITS, 0, null, phi1, phi2, Map.of()));
        CMatrix h = new CMatrix(), x = new CMatrix();
        double obj = 0, rate = 0, psi = 0, fair = 0;
        for (int s = from; s < to; s++) {
            d.channel(s, h);
            p.precode(h, d.angles[s], c.powerW(), x);
            obj += l.evaluate(d.re[s], d.im[s], d.angles[s], x.re, x.im, null, null, 1, st);
            rate += st.sumRate;
            psi += st.sumPsiApprox;
            fair += st.fairness;
        }
        int n = Math.max(1, to - from);
        return new Evaluation(obj / n, rate / n, psi / n, fair / n);
    }

    /**
     * β and γ of eqs. (18)–(19) from instances [0, count) of {@code d} (class comment):
     * returns {β, γ, reference sum rate}.
     */
    public static double[] calibrate(DnnConfig c, Seed003Dataset d, int count) {
        Solver ref = SolverRegistry.create(c.betaSolver());
        Problem p = new Problem();
        Precoder out = new Precoder();
        p.powerBudgetW = c.powerW();
        p.tx = ArrayShape.ula(c.antennas());
        p.rx = ArrayShape.ula(c.rxAntennas());
        p.setNoise(c.users(), c.noiseW());
        double[] scratch = new double[c.users()];
        CMatrix x = new CMatrix();
        int n = c.antennas(), t = c.targets();
        double[][] ar = new double[t][n], ai = new double[t][n];
        double psiScale = 1.0 / (2 * c.radarSnr() * c.frameLength());
        double rate = 0, gamma = 0;
        for (int s = 0; s < count; s++) {
            d.channel(s, p.channel);
            p.targets.clear();
            for (int j = 0; j < t; j++) {
                p.targets.add(d.angles[s][j], 0, 1, 0);
            }
            ref.solve(p, out);
            rate += Metrics.sumRateBits(p.channel, out.effective(x), p.noise, scratch);
            for (int j = 0; j < t; j++) {
                CentredUla.steering(n, d.angles[s][j], ar[j], ai[j]);
            }
            double sum = 0;
            for (int j = 0; j < t; j++) {
                double q = 0;
                for (int jj = 0; jj < t; jj++) {
                    double dr = 0, di = 0; // a_jᴴ a_jj
                    for (int m = 0; m < n; m++) {
                        dr += ar[j][m] * ar[jj][m] + ai[j][m] * ai[jj][m];
                        di += ar[j][m] * ai[jj][m] - ai[j][m] * ar[jj][m];
                    }
                    q += dr * dr + di * di;
                }
                q *= c.powerW() / (t * (double) n);
                sum += psiScale / q;
            }
            gamma += sum;
        }
        rate /= count;
        if (!(rate > 0)) {
            throw new IllegalStateException("reference solver " + c.betaSolver() + " has zero sum rate; cannot set β");
        }
        return new double[] {1 / rate, gamma / count, rate};
    }

    /** {@link #train(DnnConfig, ProgressListener, LongSupplier)} timed with {@link System#nanoTime}. */
    public static DnnModel train(DnnConfig c, ProgressListener listener) {
        return train(c, listener, System::nanoTime);
    }

    /**
     * Generates {@link DnnConfig#trainSize} instances (seeded), splits off the last
     * {@link DnnConfig#validationFraction} for validation, computes β and γ, trains and
     * returns the best network (lowest validation objective) rounded to float32, with
     * provenance. {@code nanoClock} only feeds the elapsed/ETA fields of the reports.
     */
    public static DnnModel train(DnnConfig c, ProgressListener listener, LongSupplier nanoClock) {
        Seed003Dataset d = Seed003Dataset.generate(c, c.trainSize(), c.seed(), c.randomAngles());
        return train(c, d, listener, nanoClock);
    }

    /** As {@link #train(DnnConfig, ProgressListener, LongSupplier)} on a given data set. */
    public static DnnModel train(DnnConfig c, Seed003Dataset d, ProgressListener listener, LongSupplier nanoClock) {
        long t0 = nanoClock.getAsLong();
        int nVal = Math.max(1, (int) Math.round(d.size() * c.validationFraction()));
        int nTrain = d.size() - nVal;
        if (nTrain < 1) {
            throw new IllegalArgumentException("data set of " + d.size() + " leaves no training instances");
        }
        double[] cal = calibrate(c, d, Math.min(CALIBRATION_SIZE, nTrain));
        double beta = cal[0], gamma = cal[1];
        SplittableRandom rng = new SplittableRandom(c.seed() ^ 0x5DEECE66DL);
        Mlp net = Mlp.create(c.inputs(), c.hidden(), c.hiddenLayers(), c.outputs(), rng);
        if (c.anchored()) {
            net.scaleOutputLayer(ANCHOR_OUTPUT_INIT);
        }
        DnnTrainer tr = new DnnTrainer(c, net, d, beta, gamma);
        Adam adamPhi = new Adam(2, MIX_LEARNING_RATE);
        if (tr.sensing != null) {
            tr.initialMix(Math.min(MIX_GRID_INSTANCES, nTrain));
        }
        double[] phi0 = tr.phi.clone();
        Adam[][] adamW = new Adam[net.layers()][];
        Adam[] adamB = new Adam[net.layers()];
        for (int l = 0; l < net.layers(); l++) {
            adamW[l] = new Adam[net.width(l)];
            for (int i = 0; i < net.width(l); i++) {
                adamW[l][i] = new Adam(net.width(l + 1), c.learningRate());
            }
            adamB[l] = new Adam(net.width(l + 1), c.learningRate());
        }
        int[] perm = new int[nTrain];
        for (int i = 0; i < nTrain; i++) {
            perm[i] = i;
        }
        Mlp best = net.copy();
        double[] bestPhi = tr.phi.clone();
        Evaluation bestEval = evaluate(c, net, bestPhi[0], bestPhi[1], d, nTrain, d.size(), beta, gamma);
        int bestEpoch = 0, stale = 0, epoch = 0;
        long steps = 0;
        double lastLoss = Double.NaN;
        for (epoch = 1; epoch <= c.epochs(); epoch++) {
            for (int i = nTrain - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int tmp = perm[i];
                perm[i] = perm[j];
                perm[j] = tmp;
            }
            double sum = 0;
            int batches = 0;
            for (int from = 0; from < nTrain; from += c.batch()) {
                int count = Math.min(c.batch(), nTrain - from);
                sum += tr.batchGradient(perm, from, count, rng.nextLong());
                for (int l = 0; l < net.layers(); l++) {
                    for (int i = 0; i < net.width(l); i++) {
                        adamW[l][i].step(net.w[l][i], tr.gw[l][i]);
                    }
                    adamB[l].step(net.b[l], tr.gb[l]);
                }
                if (tr.sensing != null) {
                    adamPhi.step(tr.phi, tr.gPhi);
                    tr.phi[0] = Math.min(Math.PI / 2, Math.max(0, tr.phi[0]));
                    tr.phi[1] = Math.min(Math.PI / 2, Math.max(0, tr.phi[1]));
                }
                tr.refreshTranspose();
                steps++;
                batches++;
            }
            lastLoss = sum / batches;
            Evaluation ev = evaluate(c, net, tr.phi[0], tr.phi[1], d, nTrain, d.size(), beta, gamma);
            boolean improved = ev.objective() < bestEval.objective();
            if (improved) {
                best.copyFrom(net);
                bestPhi = tr.phi.clone();
                bestEval = ev;
                bestEpoch = epoch;
                stale = 0;
            } else {
                stale++;
            }
            long el = nanoClock.getAsLong() - t0;
            long eta = (long) ((double) el / epoch * (c.epochs() - epoch));
            if (listener != null) {
                listener.onEpoch(new Progress(epoch, c.epochs(), steps, lastLoss, ev.objective(), ev.sumRate(),
                        ev.sumPsiApprox(), ev.fairness(), improved, el, stale >= c.patience() ? 0 : eta));
            }
            if (stale >= c.patience()) {
                break;
            }
        }
        best.roundToFloat();
        Evaluation fin = evaluate(c, best, bestPhi[0], bestPhi[1], d, nTrain, d.size(), beta, gamma);
        Map<String, String> prov = new LinkedHashMap<>();
        prov.put("trainer", DnnTrainer.class.getName());
        prov.put("train_instances", Integer.toString(nTrain));
        prov.put("validation_instances", Integer.toString(nVal));
        prov.put("epochs_run", Integer.toString(Math.min(epoch, c.epochs())));
        prov.put("best_epoch", Integer.toString(bestEpoch));
        prov.put("adam_steps", Long.toString(steps));
        prov.put("final_train_loss", Double.toString(lastLoss));
        prov.put("beta_reference_sum_rate", Double.toString(cal[2]));
        prov.put("calibration_instances", Integer.toString(Math.min(CALIBRATION_SIZE, nTrain)));
        prov.put("val_objective", Double.toString(fin.objective()));
        prov.put("val_sum_rate", Double.toString(fin.sumRate()));
        prov.put("val_sum_psi_approx", Double.toString(fin.sumPsiApprox()));
        prov.put("val_fairness", Double.toString(fin.fairness()));
        if (tr.sensing != null) {
            prov.put("anchor_mix_initial", phi0[0] + ", " + phi0[1]);
            Evaluation anchorOnly = evaluate(c, best.zeroOutput(), bestPhi[0], bestPhi[1], d, nTrain, d.size(), beta, gamma);
            prov.put("val_anchor_only_sum_rate", Double.toString(anchorOnly.sumRate()));
            prov.put("val_anchor_only_sum_psi_approx", Double.toString(anchorOnly.sumPsiApprox()));
        }
        prov.put("paper_training", "1e6 instances (95/5 split), batch 500, Adam 1e-3, dropout 0.1, until converged, V100 GPUs");
        return new DnnModel(c, best, beta, gamma, DnnModel.FULL_BITS, 0, null, bestPhi[0], bestPhi[1], prov);
    }
}
