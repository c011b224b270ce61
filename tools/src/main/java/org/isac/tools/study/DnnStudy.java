package org.isac.tools.study;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.metric.Metrics;
import org.isac.solver.nn.Compression;
import org.isac.solver.nn.DnnConfig;
import org.isac.solver.nn.DnnIsacSolver;
import org.isac.solver.nn.DnnModel;
import org.isac.solver.nn.DnnPrecoder;
import org.isac.solver.nn.Seed003Dataset;
import org.isac.solver.nn.Seed003Sensing;

/**
 * Data for the seed 003 reproduction report (no plotting): every method returns plain
 * records that a report module turns into tables and figures.
 *
 * <ul>
 *   <li>{@link #tradeoff}: sum rate and sum CRLB vs ρ against a baseline solver named at run
 *       time (Figs. 3–4; the paper's baselines are WMMSE and MMSE).</li>
 *   <li>{@link #table3}: quantisation × pruning at ρ = 0.5, M = K = 10 next to the paper's
 *       Table 3 (36.1 bits/s/Hz full; 97.8 % for Q = 7, J = 10 %, …).</li>
 *   <li>{@link #csiRobustness}: sum rate under the CSI error of eq. (11) (Fig. 9).</li>
 *   <li>{@link #beampattern}: mean transmit beampattern (Figs. 10–11).</li>
 *   <li>{@link #latency}: inference latency percentiles and model memory.</li>
 * </ul>
 *
 * <p>All evaluations use held-out instances from {@link Seed003Dataset} with the targets at
 * the configured fixed angles (−10°, 25°), a seed distinct from every training seed, and
 * the model's scenario (normalised channels, σ² from {@link DnnConfig#snrDb}, P_t). The sum
 * CRLB is the exact ψ of eq. (5) ({@link Seed003Sensing}), averaged over instances and
 * reported as 10·log10(mean Σ_t ψ(θ_t)), as in Figs. 3–4.
 */
public final class DnnStudy {
    /** Seed 003 Table 3: Q, J, paper sum rate (bits/s/Hz), paper fraction of the full network. */
    public static final double[][] PAPER_TABLE3 = {
        {32, 0.0, 36.1, 1.0},
        {7, 0.1, 35.3, 0.978},
        {7, 0.2, 33.5, 0.928},
        {6, 0.1, 34.7, 0.961},
        {6, 0.2, 32.5, 0.90},
        {5, 0.1, 32.7, 0.906},
        {5, 0.2, 30.75, 0.852},
        {5, 0.3, 27.44, 0.76},
        {4, 0.2, 27.66, 0.766},
    };

    private DnnStudy() {
    }

    /** Mean metrics of one precoder design over a test set. */
    public record Metrics3(double sumRate, double sumCrlbDb, double sumCrlbApproxDb) {
    }

    /** One ρ of Figs. 3–4. */
    public record TradeoffPoint(double rho, Metrics3 dnn, Metrics3 baseline, String baselineSolver, int instances) {
    }

    /** One column of Table 3, with the paper's numbers beside ours. */
    public record CompressionRow(int qBits, double prune, double paperComplexity, double storageFraction,
            double macFraction, double sumRate, double fraction, double paperSumRate, double paperFraction) {
    }

    /** One μ of Fig. 9. */
    public record CsiPoint(double mu, double sumRate, double baselineSumRate) {
    }

    /** Latency of one model's inference (channel in → precoder out), nanoseconds. */
    public record Latency(int antennas, double rho, int qBits, double prune, long p50Ns, long p99Ns, double meanNs,
            long macs, long weightBytes) {
    }

    /**
     * The model's anchor alone: a copy whose output layer is zero, so it serves W_a (with the
     * model's trained mixing angles) after the power scaling of eq. (21). For reports that
     * separate what the anchor and what the network contribute.
     */
    public static DnnModel anchorOnly(DnnModel m) {
        if (!m.config().anchored()) {
            throw new IllegalArgumentException("model has no anchor");
        }
        return new DnnModel(m.config(), m.net().zeroOutput(), m.beta(), m.gamma(), DnnModel.FULL_BITS, 0, null,
                m.anchorMix(), m.anchorMixNull(), m.provenance());
    }

    /** Held-out test instances for a configuration (fixed target angles). */
    public static Seed003Dataset testSet(DnnConfig c, int instances, long seed) {
        return Seed003Dataset.generate(c, instances, seed, false);
    }

    /**
     * Figs. 3–4: for each ρ, the model from {@code source} for (M, 10, 2, ρ) and the solver
     * {@code baselineSolver} (from {@link SolverRegistry}, e.g. {@code wmmse} or {@code rzf})
     * on the same {@code instances} held-out channels.
     */
    public static List<TradeoffPoint> tradeoff(DnnIsacSolver.ModelSource source, int antennas, double[] rhos,
            String baselineSolver, int instances, long seed) {
        List<TradeoffPoint> out = new ArrayList<>();
        Seed003Dataset test = null;
        Metrics3 base = null;
        for (double rho : rhos) {
            DnnModel m = load(source, antennas, rho);
            if (test == null) {
                test = testSet(m.config(), instances, seed);
                base = evaluateSolver(m.config(), SolverRegistry.create(baselineSolver), test, 0, seed);
            }
            out.add(new TradeoffPoint(rho, evaluateModel(m, test, 0, seed), base, baselineSolver, instances));
        }
        return out;
    }

    /**
     * Table 3: the full model and each (Q, J) of {@link #PAPER_TABLE3} compressed from it,
     * evaluated on the same held-out instances; fraction = sum rate / full sum rate.
     */
    public static List<CompressionRow> table3(DnnModel full, int instances, long seed) {
        Seed003Dataset test = testSet(full.config(), instances, seed);
        double fullRate = evaluateModel(full, test, 0, seed).sumRate();
        List<CompressionRow> rows = new ArrayList<>();
        for (double[] p : PAPER_TABLE3) {
            int q = (int) p[0];
            DnnModel m = q == DnnModel.FULL_BITS && p[1] == 0 ? full : Compression.compress(full, q, p[1]);
            Compression.Stats st = m == full ? Compression.stats(full) : Compression.stats(m);
            double rate = m == full ? fullRate : evaluateModel(m, test, 0, seed).sumRate();
            rows.add(new CompressionRow(q, p[1], st.paperComplexity(), st.storageFraction(), st.macFraction(), rate,
                    rate / fullRate, p[2], p[3]));
        }
        return rows;
    }

    /**
     * Fig. 9: sum rate when the precoders see Ĥ = μ·E + (1−μ)·H (eq. (11), E ~ CN(0, 1) per
     * entry, the channel being normalised to unit mean entry power) and are evaluated on H.
     */
    public static List<CsiPoint> csiRobustness(DnnModel model, double[] mus, String baselineSolver, int instances, long seed) {
        Seed003Dataset test = testSet(model.config(), instances, seed);
        Solver base = baselineSolver == null ? null : SolverRegistry.create(baselineSolver);
        List<CsiPoint> out = new ArrayList<>();
        for (double mu : mus) {
            if (!(mu >= 0 && mu <= 1)) {
                throw new IllegalArgumentException("μ must lie in [0, 1], got " + mu);
            }
            double r = evaluateModel(model, test, mu, seed).sumRate();
            double b = base == null ? Double.NaN : evaluateSolver(model.config(), base, test, mu, seed).sumRate();
            out.add(new CsiPoint(mu, r, b));
        }
        return out;
    }

    /**
     * Figs. 10–11: mean beampattern aᴴ(θ)WWᴴa(θ)/M (unnormalised steering of eq. (10)) over
     * the test instances, at {@code anglesDeg}, in dB.
     */
    public static double[] beampattern(DnnModel model, double[] anglesDeg, int instances, long seed) {
        DnnConfig c = model.config();
        Seed003Dataset test = testSet(c, instances, seed);
        DnnPrecoder p = new DnnPrecoder(model);
        Seed003Sensing s = new Seed003Sensing(c.antennas(), c.rxAntennas(), c.radarSnr(), c.frameLength());
        CMatrix h = new CMatrix(), x = new CMatrix();
        double[] acc = new double[anglesDeg.length];
        for (int i = 0; i < test.size(); i++) {
            test.channel(i, h);
            p.precode(h, test.angles[i], c.powerW(), x);
            for (int a = 0; a < anglesDeg.length; a++) {
                acc[a] += s.beamGain(x, Math.toRadians(anglesDeg[a])) / c.antennas();
            }
        }
        for (int a = 0; a < acc.length; a++) {
            acc[a] = 10 * Math.log10(acc[a] / test.size());
        }
        return acc;
    }

    /**
     * Latency of {@link DnnPrecoder#precode} for {@code model} at its (M, K, T): warm-up,
     * then {@code iterations} timed calls with {@code nanoClock} (the caller's clock; the
     * solvers module reads none). Percentiles by rank on the sorted samples.
     */
    public static Latency latency(DnnModel model, int iterations, LongSupplier nanoClock) {
        if (iterations < 1) {
            throw new IllegalArgumentException("need at least one timed iteration");
        }
        DnnConfig c = model.config();
        Seed003Dataset test = testSet(c, 16, 99);
        DnnPrecoder p = new DnnPrecoder(model);
        CMatrix h = new CMatrix(), x = new CMatrix(c.antennas(), c.users());
        test.channel(0, h);
        double[] th = test.angles[0];
        for (int i = 0; i < Math.max(2000, iterations / 4); i++) {
            p.precode(h, th, c.powerW(), x);
        }
        long[] t = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = nanoClock.getAsLong();
            p.precode(h, th, c.powerW(), x);
            t[i] = nanoClock.getAsLong() - t0;
        }
        Arrays.sort(t);
        double mean = 0;
        for (long v : t) {
            mean += v;
        }
        Compression.Stats st = Compression.stats(model);
        long weightBits = st.nonZeroWeights() * (long) model.qBits() + 32L * (model.net().parameterCount() - model.net().weightCount());
        return new Latency(c.antennas(), c.rho(), model.qBits(), model.prune(), t[rank(0.5, iterations)],
                t[rank(0.99, iterations)], mean / iterations, model.net().nonZeroWeights(), (weightBits + 7) / 8);
    }

    private static int rank(double q, int n) {
        return Math.min(n - 1, Math.max(0, (int) Math.ceil(q * n) - 1));
    }

    /** Mean sum rate and CRLBs of {@code model} on {@code test} with CSI error μ (eq. (11)). */
    public static Metrics3 evaluateModel(DnnModel model, Seed003Dataset test, double mu, long seed) {
        DnnPrecoder p = new DnnPrecoder(model);
        return evaluate(model.config(), test, mu, seed, (h, angles, x) -> p.precode(h, angles, model.config().powerW(), x));
    }

    /** As {@link #evaluateModel} for a registered solver (targets and noise passed in the problem). */
    public static Metrics3 evaluateSolver(DnnConfig c, Solver solver, Seed003Dataset test, double mu, long seed) {
        Problem pr = new Problem();
        Precoder out = new Precoder();
        pr.powerBudgetW = c.powerW();
        pr.tx = ArrayShape.ula(c.antennas());
        pr.rx = ArrayShape.ula(c.rxAntennas());
        pr.setNoise(c.users(), c.noiseW());
        return evaluate(c, test, mu, seed, (h, angles, x) -> {
            pr.channel.copyFrom(h);
            pr.targets.clear();
            for (double a : angles) {
                pr.targets.add(a, 0, 1, 0);
            }
            solver.solve(pr, out);
            out.effective(x);
        });
    }

    private interface Design {
        void precode(CMatrix h, double[] anglesRad, CMatrix x);
    }

    private static Metrics3 evaluate(DnnConfig c, Seed003Dataset test, double mu, long seed, Design d) {
        SplittableRandom err = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        Seed003Sensing s = new Seed003Sensing(c.antennas(), c.rxAntennas(), c.radarSnr(), c.frameLength());
        CMatrix h = new CMatrix(), hHat = new CMatrix(), x = new CMatrix();
        double[] noise = new double[c.users()];
        Arrays.fill(noise, c.noiseW());
        double[] scratch = new double[c.users()];
        double rate = 0, crlb = 0, approx = 0;
        for (int i = 0; i < test.size(); i++) {
            test.channel(i, h);
            hHat.copyFrom(h);
            if (mu > 0) {
                double sd = Math.sqrt(0.5);
                for (int e = 0; e < h.size(); e++) {
                    hHat.re[e] = mu * sd * err.nextGaussian() + (1 - mu) * h.re[e];
                    hHat.im[e] = mu * sd * err.nextGaussian() + (1 - mu) * h.im[e];
                }
            }
            d.precode(hHat, test.angles[i], x);
            rate += Metrics.sumRateBits(h, x, noise, scratch);
            for (double a : test.angles[i]) {
                crlb += s.crlb(x, a);
                approx += s.crlbApprox(x, a);
            }
        }
        int n = test.size();
        return new Metrics3(rate / n, 10 * Math.log10(crlb / n), 10 * Math.log10(approx / n));
    }

    private static DnnModel load(DnnIsacSolver.ModelSource source, int antennas, double rho) {
        try {
            DnnModel m = source.load(antennas, 10, 2, rho);
            if (m == null) {
                throw new IllegalArgumentException("no model for M=" + antennas + ", K=10, T=2, ρ=" + rho + "; available: "
                        + source.available());
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
