package org.isac.tools.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.isac.solver.hybrid.EjmlPga;
import org.isac.solver.hybrid.FloatPga;
import org.isac.solver.hybrid.HybridInitializer;
import org.isac.solver.hybrid.HybridPga;
import org.isac.solver.hybrid.HybridUpgaModel;
import org.isac.solver.hybrid.PgaSteps;
import org.isac.solver.hybrid.PsiCache;
import org.isac.solver.channel.SalehValenzuela;
import org.isac.solver.linalg.CMatrix;

/**
 * The layers of {@code hybrid-upga} three ways in one run, from the same eq. (26) start points:
 * the straightforward EJML transcription ({@link EjmlPga}), the double engine on the fast
 * kernels ({@link HybridPga}) and the single-precision fused engine ({@link FloatPga}), with
 * p50 / p99 per solve, the speed-up over EJML and how far each output is from EJML's
 * (max |ΔF| entry, relative difference of R − ωτ). Only the iterations are timed (the
 * start point and Ψ are shared and prepared beforehand).
 */
public final class HybridSideBySide {
    /** One variant's figures. */
    public record Variant(String name, long p50Ns, long p99Ns, long samples, double maxDeltaF, double objectiveRelDiff,
                          double objective) {
    }

    private HybridSideBySide() {
    }

    /** Measures the three variants with the shipped model for (n, k, m, ω), each for {@code seconds} after as long a warm-up. */
    public static List<Variant> measure(int n, int k, int m, double omega, double snrDb, double seconds, long seed) {
        HybridUpgaModel model = HybridUpgaModel.shippedFor(n, k, m, omega);
        PgaSteps steps = model.steps(new PgaSteps());
        double pt = Math.pow(10, snrDb / 10);
        double[] targets = PsiCache.DEFAULT_TARGETS_RAD;
        PsiCache cache = new PsiCache();
        CMatrix psi = cache.update(n, targets, targets.length, model.halfWidthDeg(), pt);
        int pool = 16;
        CMatrix[] h = new CMatrix[pool], f0 = new CMatrix[pool], w0 = new CMatrix[pool];
        double[] noise = new double[k];
        java.util.Arrays.fill(noise, 1);
        HybridPga dbl = new HybridPga();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < pool; i++) {
            h[i] = new CMatrix();
            new SalehValenzuela(n, k).draw(rng, h[i]);
            dbl.prepare(h[i], noise, pt, m, psi, cache.version());
            dbl.initialize(HybridInitializer.COHERENT, targets, targets.length, 0);
            f0[i] = new CMatrix().copyFrom(dbl.analog());
            w0[i] = new CMatrix().copyFrom(dbl.baseband());
        }
        dbl.setWeights(model.omega(), model.eta());
        dbl.setSteps(steps);
        EjmlPga ejml = new EjmlPga();
        FloatPga single = new FloatPga();
        single.setWeights(model.omega(), model.eta());
        single.setSteps(steps);
        int layers = steps.outer();

        CMatrix[] refF = new CMatrix[pool];
        double[] refObjective = new double[pool];
        CMatrix f = new CMatrix(), w = new CMatrix();
        List<Variant> out = new ArrayList<>();
        for (int variant = 0; variant < 3; variant++) {
            Histogram hist = new Histogram(60_000_000_000L, 3);
            long samples = 0;
            for (int phase = 0; phase < 2; phase++) {
                hist.reset();
                samples = 0;
                long end = System.nanoTime() + (long) (seconds * 1e9);
                for (int i = 0; System.nanoTime() < end || samples < 20; i = (i + 1) % pool) {
                    long t0 = System.nanoTime();
                    run(variant, ejml, dbl, single, h[i], noise, pt, m, psi, cache.version(), f0[i], w0[i], model, steps,
                            layers);
                    hist.recordValue(System.nanoTime() - t0);
                    samples++;
                }
            }
            double maxDf = 0, maxRel = 0, meanObj = 0;
            for (int i = 0; i < pool; i++) {
                run(variant, ejml, dbl, single, h[i], noise, pt, m, psi, cache.version(), f0[i], w0[i], model, steps, layers);
                switch (variant) {
                    case 0 -> ejml.store(f, w);
                    case 1 -> {
                        f.copyFrom(dbl.analog());
                        w.copyFrom(dbl.baseband());
                    }
                    default -> {
                        single.store(dbl.analog(), dbl.baseband());
                        dbl.restoreFeasibility();
                        f.copyFrom(dbl.analog());
                        w.copyFrom(dbl.baseband());
                    }
                }
                dbl.prepare(h[i], noise, pt, m, psi, cache.version());
                dbl.start(f, w);
                double obj = dbl.objective();
                meanObj += obj / pool;
                if (variant == 0) {
                    refF[i] = new CMatrix().copyFrom(f);
                    refObjective[i] = obj;
                } else {
                    for (int e = 0; e < f.size(); e++) {
                        maxDf = Math.max(maxDf, Math.hypot(f.re[e] - refF[i].re[e], f.im[e] - refF[i].im[e]));
                    }
                    maxRel = Math.max(maxRel, Math.abs(obj - refObjective[i]) / Math.abs(refObjective[i]));
                }
            }
            String name = switch (variant) {
                case 0 -> "EJML (CommonOps_ZDRM, double)";
                case 1 -> "fast kernels, double";
                default -> "fused column kernels, float";
            };
            out.add(new Variant(name, hist.getValueAtPercentile(50), hist.getValueAtPercentile(99), samples, maxDf, maxRel,
                    meanObj));
        }
        return out;
    }

    private static void run(int variant, EjmlPga ejml, HybridPga dbl, FloatPga single, CMatrix h, double[] noise, double pt,
                            int m, CMatrix psi, long psiVersion, CMatrix f0, CMatrix w0, HybridUpgaModel model,
                            PgaSteps steps, int layers) {
        switch (variant) {
            case 0 -> {
                ejml.bind(h, noise, pt, psi, f0, w0, model.omega(), model.eta(), steps);
                ejml.run(layers);
            }
            case 1 -> {
                dbl.prepare(h, noise, pt, m, psi, psiVersion);
                dbl.start(f0, w0);
                dbl.run(layers, null);
            }
            default -> {
                single.bind(h, noise, pt, m, psi, psiVersion);
                single.start(f0, w0);
                single.run(layers);
            }
        }
    }

    /** The Markdown section for the bench summary. */
    public static String markdown(List<Variant> variants, int n, int k, int m, String model) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "The layers of `hybrid-upga` (model `%s`, N = %d, K = %d, M = %d) three ways in one run, from the same "
                        + "eq. (26) start points; only the iterations are timed. Differences are against the EJML output. "
                        + "The trained steps make the iteration sensitive to rounding (two exact double implementations end "
                        + "~1e-4 apart in F), so the float engine is judged by R − ωτ, not by F entry by entry.%n%n",
                model, n, k, m));
        sb.append("| implementation | p50 µs | p99 µs | speed-up (p50) | max abs ΔF | max rel Δ(R − ωτ) | mean R − ωτ | samples |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        long base = variants.get(0).p50Ns();
        for (Variant v : variants) {
            sb.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f× | %.2e | %.2e | %.4f | %d |%n", v.name(),
                    v.p50Ns() / 1e3, v.p99Ns() / 1e3, (double) base / v.p50Ns(), v.maxDeltaF(), v.objectiveRelDiff(),
                    v.objective(), v.samples()));
        }
        return sb.toString();
    }
}
