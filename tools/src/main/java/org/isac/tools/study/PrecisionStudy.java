package org.isac.tools.study;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.channel.SalehValenzuela;
import org.isac.solver.hybrid.FloatPga;
import org.isac.solver.hybrid.HybridInitializer;
import org.isac.solver.hybrid.HybridPga;
import org.isac.solver.hybrid.HybridUpgaModel;
import org.isac.solver.hybrid.HybridUpgaSolver;
import org.isac.solver.hybrid.PgaSteps;
import org.isac.solver.hybrid.PsiCache;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.FastKernels;

/**
 * What single precision costs {@code hybrid-upga}, and how sensitive its trained iteration is,
 * as data (no plotting). On held-out Saleh–Valenzuela channels (seed 000 eq. (2), σ² = 1,
 * P_t = 10^(SNR/10)) it solves every channel three ways from the same eq. (26) start:
 * <ul>
 *   <li>the served solver with its default float engine ({@link FloatPga});</li>
 *   <li>the same solver with {@code single_precision=0} (the double engine, {@link HybridPga});</li>
 *   <li>the double engine from the start point with every phase of F₀ turned by a random
 *       ±{@code perturbRad} (Gaussian): how far rounding-sized noise alone moves the result.</li>
 * </ul>
 * It also measures, layer by layer, the geometric-mean growth of that perturbation's RMS
 * distance in F (the trained steps' amplification), and a SHA-256 digest of all float
 * weights, which is the same on every machine and vector width where the kernels keep
 * their reference arithmetic ({@link org.isac.solver.linalg.ColumnKernels}).
 * Deterministic for given arguments.
 */
public final class PrecisionStudy {
    private PrecisionStudy() {
    }

    /** One channel: R − ωτ of the float engine, the double engine and the perturbed double engine. */
    public record Channel(long seed, double floatObjective, double doubleObjective, double perturbedObjective) {
    }

    /** The study's outcome. */
    public record Result(String model, double snrDb, double perturbRad, List<Channel> channels, double[] growthPerLayer,
            String floatDigest, String kernels, double seconds) {

        /** Mean of a column (0 float, 1 double, 2 perturbed double). */
        public double mean(int column) {
            return channels.stream().mapToDouble(c -> value(c, column)).average().orElse(Double.NaN);
        }

        /** Mean of (column − double) over channels, and its standard error. */
        public double[] meanDifference(int column) {
            double[] d = differences(column);
            double m = Arrays.stream(d).average().orElse(Double.NaN), v = 0;
            for (double x : d) {
                v += (x - m) * (x - m);
            }
            return new double[] {m, d.length > 1 ? Math.sqrt(v / (d.length - 1) / d.length) : Double.NaN};
        }

        /** column − double per channel, sorted ascending. */
        public double[] differences(int column) {
            return channels.stream().mapToDouble(c -> value(c, column) - c.doubleObjective()).sorted().toArray();
        }

        /** Median of |column − double| / |double|. */
        public double medianRelative(int column) {
            double[] r = channels.stream().mapToDouble(c -> Math.abs(value(c, column) - c.doubleObjective())
                    / Math.abs(c.doubleObjective())).sorted().toArray();
            return r.length == 0 ? Double.NaN : r[r.length / 2];
        }

        /** Fraction of channels where |column − double| > {@code absolute}. */
        public double fractionMoved(int column, double absolute) {
            return channels.stream().filter(c -> Math.abs(value(c, column) - c.doubleObjective()) > absolute).count()
                    / (double) channels.size();
        }

        /** Fraction of channels where |column − double| / |double| > {@code relative}. */
        public double fractionMovedRelative(int column, double relative) {
            return channels.stream().filter(c -> Math.abs(value(c, column) - c.doubleObjective())
                    > relative * Math.abs(c.doubleObjective())).count() / (double) channels.size();
        }

        private static double value(Channel c, int column) {
            return switch (column) {
                case 0 -> c.floatObjective();
                case 1 -> c.doubleObjective();
                case 2 -> c.perturbedObjective();
                default -> throw new IllegalArgumentException("column " + column);
            };
        }
    }

    /**
     * {@code model} with every step μ(i, j) capped at {@code cap} (λ unchanged), named
     * {@code <name>-mu-cap-<cap>}: smaller first steps expand rounding less, at a price in R − ωτ
     * that the study measures.
     */
    public static HybridUpgaModel capSteps(HybridUpgaModel model, double cap) {
        if (!(cap > 0)) {
            throw new IllegalArgumentException("the step cap must be > 0, got " + cap);
        }
        PgaSteps steps = model.steps(new PgaSteps());
        double[][] mu = new double[steps.outer()][steps.inner()];
        double[] lambda = new double[steps.outer()];
        for (int i = 0; i < steps.outer(); i++) {
            for (int j = 0; j < steps.inner(); j++) {
                mu[i][j] = Math.min(steps.mu(i, j), cap);
            }
            lambda[i] = steps.lambda(i);
        }
        return new HybridUpgaModel(model.name() + "-mu-cap-" + cap, model.antennas(), model.users(), model.rfChains(),
                model.omega(), model.eta(), model.rescaleInner(), model.targetsDeg(), model.halfWidthDeg(), mu, lambda,
                java.util.Map.of());
    }

    /** The channel of {@code seed} for {@code model}'s N, K, M at {@code snrDb}: SV, σ² = 1, ULA. */
    public static Problem problem(HybridUpgaModel model, long seed, double snrDb) {
        Problem p = new Problem();
        new SalehValenzuela(model.antennas(), model.users()).draw(new SplittableRandom(seed), p.channel);
        p.setNoise(model.users(), 1);
        p.powerBudgetW = Math.pow(10, snrDb / 10);
        p.rfChains = model.rfChains();
        p.tx = ArrayShape.ula(model.antennas());
        return p;
    }

    /**
     * @param channels held-out channels, seeds {@code firstSeed} … firstSeed + channels − 1
     * @param perturbRad RMS of the phase perturbation of F₀ (e.g. 1e-7, about float's rounding)
     */
    public static Result run(HybridUpgaModel model, int channels, long firstSeed, double snrDb, double perturbRad) {
        if (channels < 1) {
            throw new IllegalArgumentException("the study needs at least one channel");
        }
        long t0 = System.nanoTime();
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        HybridUpgaSolver solver = new HybridUpgaSolver(model);
        Precoder out = new Precoder();
        PgaSteps steps = model.steps(new PgaSteps());
        int layers = steps.outer();
        double[] logGrowth = new double[layers];
        double[] targets = Arrays.stream(model.targetsDeg()).map(Math::toRadians).toArray();
        PsiCache psiCache = new PsiCache();
        HybridPga a = new HybridPga(), b = new HybridPga();
        List<Channel> rows = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            long seed = firstSeed + c;
            Problem p = problem(model, seed, snrDb);
            p.params.put("single_precision", 1);
            solver.solve(p, out);
            double fl = out.predicted.get("objective", Double.NaN);
            out.digestInto(md);
            p.params.put("single_precision", 0);
            solver.solve(p, out);
            double dbl = out.predicted.get("objective", Double.NaN);

            CMatrix psi = psiCache.update(model.antennas(), targets, targets.length, model.halfWidthDeg(), p.powerBudgetW);
            for (HybridPga e : new HybridPga[] {a, b}) {
                e.prepare(p.channel, p.noise, p.powerBudgetW, model.rfChains(), psi);
                e.setWeights(model.omega(), model.eta());
                e.setSteps(steps);
                e.setRescaleInner(model.rescaleInner());
                e.initialize(HybridInitializer.COHERENT, targets, targets.length, 0);
            }
            turnPhases(b.analog(), perturbRad, new SplittableRandom(seed * 31 + 7));
            double before = distance(a.analog(), b.analog());
            for (int i = 0; i < layers; i++) {
                a.outerIteration(i);
                b.outerIteration(i);
                double after = distance(a.analog(), b.analog());
                logGrowth[i] += Math.log(Math.max(after, Double.MIN_NORMAL) / Math.max(before, Double.MIN_NORMAL));
                before = after;
            }
            rows.add(new Channel(seed, fl, dbl, b.objective()));
        }
        double[] growth = new double[layers];
        for (int i = 0; i < layers; i++) {
            growth[i] = Math.exp(logGrowth[i] / channels);
        }
        return new Result(model.name(), snrDb, perturbRad, rows, growth, HexFormat.of().formatHex(md.digest()),
                FastKernels.status(), (System.nanoTime() - t0) / 1e9);
    }

    /** Turns every entry of f by a Gaussian phase of RMS {@code rad}. */
    static void turnPhases(CMatrix f, double rad, SplittableRandom rng) {
        for (int i = 0; i < f.re.length; i++) {
            double t = rad * rng.nextGaussian(), c = Math.cos(t), s = Math.sin(t);
            double x = f.re[i], y = f.im[i];
            f.re[i] = c * x - s * y;
            f.im[i] = s * x + c * y;
        }
    }

    /** RMS entry distance of two equal-shaped matrices. */
    static double distance(CMatrix x, CMatrix y) {
        double s = 0;
        for (int i = 0; i < x.re.length; i++) {
            double dr = x.re[i] - y.re[i], di = x.im[i] - y.im[i];
            s += dr * dr + di * di;
        }
        return Math.sqrt(s / x.re.length);
    }
}
