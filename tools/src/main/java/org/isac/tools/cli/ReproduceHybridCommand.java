package org.isac.tools.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.isac.tools.report.Plot;
import org.isac.solver.hybrid.HybridUpgaModel;
import org.isac.tools.study.HybridStudy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Seeds 000 and 001: the unfolded hybrid JCAS precoder against untrained PGA and the benchmarks. */
@Command(name = "hybrid", mixinStandardHelpOptions = true,
        description = {"Seed 000 / 001 reproduction for a trained hybrid-upga model: objective R - omega*tau vs layers",
                "(trained unfolded vs untrained PGA with grid-searched steps), and sum rate, tau, objective and",
                "beampattern MSE vs SNR against the eq. (26) init, the radar-only benchmark and digital ZF."})
public final class ReproduceHybridCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "upga-n64-k4-m4-w0.3",
            description = "shipped model name or model file (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--out", defaultValue = "reports/hybrid", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--quick", description = "few channels (smoke run, not a reproduction)")
    boolean quick;

    @Override
    public Integer call() throws Exception {
        HybridUpgaModel m = HybridUpgaModel.load(model);
        HybridStudy.Options d = HybridStudy.Options.defaults(m);
        HybridStudy.Options o = quick
                ? new HybridStudy.Options(8, 4, d.seed(), new double[] {0, 12}, d.curveSnrDb(), d.untrainedBudgets())
                : d;
        long t0 = System.nanoTime();
        HybridStudy.Result r = HybridStudy.run(m, o);
        double secs = (System.nanoTime() - t0) / 1e9;
        Path dir = out.resolve(m.name());
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();

        // objective vs layers
        Plot layers = new Plot(String.format(Locale.ROOT, "R - %.1f tau vs layers (N=%d, K=%d, M=%d, %.0f dB)", r.omega(),
                r.antennas(), r.users(), r.rfChains(), r.curveSnrDb()), "outer layer / iteration", "objective");
        layers.line(HybridStudy.TRAINED, index(r.trainedCurve()), r.trainedCurve());
        StringBuilder csv = new StringBuilder("method,layer,objective\n");
        append(csv, HybridStudy.TRAINED, r.trainedCurve());
        for (int b = 0; b < r.untrainedBudgets().length; b++) {
            String name = HybridStudy.untrainedName(r.untrainedBudgets()[b]);
            layers.line(name, index(r.untrainedCurves()[b]), r.untrainedCurves()[b]);
            append(csv, name, r.untrainedCurves()[b]);
        }
        files.add(plot(layers, dir.resolve("objective-vs-layers.png")));
        files.add(write(dir.resolve("objective-vs-layers.csv"), csv.toString()));

        // per-method vs SNR
        StringBuilder t = new StringBuilder("method,snr_db,rate_bits,tau,objective,beampattern_mse\n");
        Plot rate = new Plot("sum rate vs SNR", "SNR (dB)", "sum rate (bit/s/Hz)").markers();
        Plot tau = new Plot("beampattern error tau vs SNR", "SNR (dB)", "tau").markers().logY();
        Plot mse = new Plot("beampattern MSE vs SNR", "SNR (dB)", "MSE").markers().logY();
        for (int i = 0; i < r.methods().length; i++) {
            rate.line(r.methods()[i], r.snrDb(), r.rateBits()[i]);
            tau.line(r.methods()[i], r.snrDb(), positive(r.tau()[i]));
            mse.line(r.methods()[i], r.snrDb(), positive(r.beampatternMse()[i]));
            for (int s = 0; s < r.snrDb().length; s++) {
                t.append(String.format(Locale.ROOT, "%s,%.1f,%.5f,%.6g,%.6f,%.6g%n", r.methods()[i], r.snrDb()[s],
                        r.rateBits()[i][s], r.tau()[i][s], r.objective()[i][s], r.beampatternMse()[i][s]));
            }
        }
        files.add(write(dir.resolve("methods-vs-snr.csv"), t.toString()));
        files.add(plot(rate, dir.resolve("rate-vs-snr.png")));
        files.add(plot(tau, dir.resolve("tau-vs-snr.png")));
        files.add(plot(mse, dir.resolve("beampattern-mse-vs-snr.png")));

        files.addAll(beampatterns(m, dir, r.curveSnrDb(), o.seed()));

        StringBuilder md = new StringBuilder("# Hybrid JCAS precoding by unfolded PGA (seeds 000, 001)\n\n");
        md.append(String.format(Locale.ROOT, "Command: `isac reproduce hybrid --model %s%s` (%.0f s). Model `%s`: N = %d, "
                        + "K = %d, M = %d, ω = %.2f, %d outer × %d inner layers; %d held-out channels (Saleh–Valenzuela, "
                        + "σ² = 1, P_t = 10^(SNR/10)); targets and Ψ as in the model file.%n%n", model, quick ? " --quick" : "",
                secs, r.model(), r.antennas(), r.users(), r.rfChains(), r.omega(), r.trainedCurve().length - 1, r.inner(),
                r.testChannels()));
        md.append("## Objective R − ωτ after the last layer at ").append(r.curveSnrDb()).append(" dB\n\n| method | objective | F updates to reach the trained model's final objective |\n|---|---|---|\n");
        double target = r.trainedCurve()[r.trainedCurve().length - 1];
        md.append(String.format(Locale.ROOT, "| %s | %.4f | %d |%n", HybridStudy.TRAINED, target,
                HybridStudy.fUpdatesToReach(r.trainedCurve(), r.inner(), target)));
        for (int b = 0; b < r.untrainedBudgets().length; b++) {
            double[] c = r.untrainedCurves()[b];
            int f = HybridStudy.fUpdatesToReach(c, r.inner(), target);
            md.append(String.format(Locale.ROOT, "| %s (μ = %.3g, λ = %.3g) | %.4f | %s |%n",
                    HybridStudy.untrainedName(r.untrainedBudgets()[b]), r.curveMu()[b], r.curveLambda()[b], c[c.length - 1],
                    f < 0 ? "not reached" : Integer.toString(f)));
        }
        md.append("\n## Per method and SNR\n\n| method | SNR dB | sum rate bit/s/Hz | τ | R − ωτ | beampattern MSE |\n|---|---|---|---|---|---|\n");
        for (int i = 0; i < r.methods().length; i++) {
            for (int s = 0; s < r.snrDb().length; s++) {
                md.append(String.format(Locale.ROOT, "| %s | %.0f | %.3f | %.4g | %.4f | %.4g |%n", r.methods()[i], r.snrDb()[s],
                        r.rateBits()[i][s], r.tau()[i][s], r.objective()[i][s], r.beampatternMse()[i][s]));
            }
        }
        md.append("\n## How close, and why we differ\n\n")
                .append("- Ψ: eq. (6) does not pin Ψ down; ours is the deterministic rank-constrained Burer–Monteiro "
                        + "solution with a KKT certificate (radar/BenchmarkCovariance), so τ is reported against that Ψ and "
                        + "is not comparable digit for digit with the paper's CVX solution.\n")
                .append("- Channels: our seeded Saleh–Valenzuela draws with E‖h_k‖² = N (h_k = √(N/Q)·Σ_q α_qk·a(φ_qk), Q = 10 paths, as in the authors' setup); the paper's exact "
                        + "realisations are not available, so compare trends and ratios (trained vs untrained, F updates "
                        + "saved), not absolute digits.\n")
                .append("- Steps: eq. (12) with √P_t; the untrained PGA gets constant steps grid-searched per budget on "
                        + "separate tuning channels, which is a stronger baseline than the paper's fixed 0.01.\n");
        md.append("\n## Files\n\n");
        for (Path f : files) {
            md.append("- `").append(f.getFileName()).append("`\n");
        }
        files.add(write(dir.resolve("summary.md"), md.toString()));
        for (Path f : files) {
            System.err.println("wrote " + f);
        }
        return 0;
    }

    /**
     * Seed 000 Figs. 6–7 in our terms: transmit beampatterns ā(θ)ᴴXXᴴā(θ) (unnormalised ā,
     * ‖ā‖² = N) on one held-out channel at {@code snrDb}: the trained model, digital ZF and the
     * benchmark Ψ, with the targets marked by the desired pattern.
     */
    private static List<Path> beampatterns(HybridUpgaModel m, Path dir, double snrDb, long seed) throws java.io.IOException {
        int n = m.antennas();
        int k = m.users();
        double pt = Math.pow(10, snrDb / 10);
        org.isac.solver.Problem p = new org.isac.solver.Problem();
        new org.isac.solver.channel.SalehValenzuela(n, k).draw(new java.util.SplittableRandom(seed + 7), p.channel);
        p.setNoise(k, 1.0);
        p.powerBudgetW = pt;
        p.rfChains = m.rfChains();
        p.tx = org.isac.solver.array.ArrayShape.ula(n);
        p.rx = p.tx;
        for (double t : m.targetsDeg()) {
            p.targets.add(Math.toRadians(t), 0, 1, 0);
        }
        org.isac.solver.Precoder hybrid = new org.isac.solver.Precoder();
        new org.isac.solver.hybrid.HybridUpgaSolver(m).solve(p, hybrid);
        org.isac.solver.Precoder zf = new org.isac.solver.Precoder();
        org.isac.solver.SolverRegistry.create("zf").solve(p, zf);
        org.isac.solver.radar.DesiredBeampattern pattern =
                org.isac.solver.radar.DesiredBeampattern.of(m.targetsDeg(), m.halfWidthDeg());
        org.isac.solver.linalg.CMatrix factor = new org.isac.solver.linalg.CMatrix();
        org.isac.solver.radar.BenchmarkCovariance.cached(n, pattern).factor(pt, factor);
        int points = 361;
        double[] deg = new double[points];
        double[] rad = new double[points];
        for (int i = 0; i < points; i++) {
            deg[i] = -90 + 0.5 * i;
            rad[i] = Math.toRadians(deg[i]);
        }
        double[] aRe = new double[n];
        double[] aIm = new double[n];
        double[] ph = new double[points];
        double[] pz = new double[points];
        double[] pp = new double[points];
        org.isac.solver.metric.Metrics.beampattern(p.tx, hybrid.effective(new org.isac.solver.linalg.CMatrix()), rad, 0, ph, aRe, aIm);
        org.isac.solver.metric.Metrics.beampattern(p.tx, zf.baseband, rad, 0, pz, aRe, aIm);
        org.isac.solver.metric.Metrics.beampattern(p.tx, factor, rad, 0, pp, aRe, aIm);
        double alpha = org.isac.solver.radar.BenchmarkCovariance.cached(n, pattern).alpha(pt);
        double[] desired = new double[points];
        StringBuilder csv = new StringBuilder("azimuth_deg,hybrid_upga,zf,benchmark_psi,desired_scaled\n");
        for (int i = 0; i < points; i++) {
            ph[i] *= n;
            pz[i] *= n;
            pp[i] *= n;
            boolean inWindow = false;
            for (double t : m.targetsDeg()) {
                inWindow |= Math.abs(deg[i] - t) <= m.halfWidthDeg();
            }
            desired[i] = inWindow ? alpha : 0;
            csv.append(String.format(Locale.ROOT, "%.1f,%.6g,%.6g,%.6g,%.6g%n", deg[i], ph[i], pz[i], pp[i], desired[i]));
        }
        Path png = dir.resolve("beampattern.png");
        new Plot(String.format(Locale.ROOT, "transmit beampattern, one channel at %.0f dB (N=%d, K=%d, M=%d)", snrDb, n, k,
                m.rfChains()), "azimuth (deg)", "a(theta)^H X X^H a(theta)")
                .line("hybrid-upga (trained)", deg, ph).line("ZF (digital)", deg, pz).line("benchmark Psi", deg, pp)
                .reference("desired (scaled)", deg, desired).write(png);
        return List.of(png, write(dir.resolve("beampattern.csv"), csv.toString()));
    }

    private static double[] index(double[] y) {
        double[] x = new double[y.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        return x;
    }

    private static double[] positive(double[] v) {
        double[] o = v.clone();
        for (int i = 0; i < o.length; i++) {
            o[i] = Math.max(o[i], 1e-12);
        }
        return o;
    }

    private static void append(StringBuilder csv, String name, double[] curve) {
        for (int i = 0; i < curve.length; i++) {
            csv.append('"').append(name).append("\",").append(i).append(',')
                    .append(String.format(Locale.ROOT, "%.6f", curve[i])).append('\n');
        }
    }

    private static Path write(Path f, String text) throws java.io.IOException {
        return Reports.writeText(f, text);
    }

    private static Path plot(Plot p, Path f) throws java.io.IOException {
        return Reports.writePlot(f, p);
    }
}
