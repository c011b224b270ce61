package org.isac.tools.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.isac.tools.report.Plot;
import org.isac.solver.nn.DnnIsacSolver;
import org.isac.solver.nn.DnnModel;
import org.isac.tools.study.DnnStudy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Seed 003: the unsupervised DNN precoder against WMMSE / RZF, compression, CSI error, beampatterns, latency. */
@Command(name = "dnn", mixinStandardHelpOptions = true,
        description = {"Seed 003 with the shipped dnn-isac models: sum rate and sum CRLB vs rho against WMMSE and",
                "RZF (Figs. 3-4), Table 3 (quantization x pruning), robustness to CSI error (Fig. 9), beampatterns",
                "(Figs. 10-11), inference latency and memory per model."})
public final class ReproduceDnnCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "reports/dnn", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--instances", defaultValue = "500", description = "held-out channels (default: ${DEFAULT-VALUE})")
    int instances;

    @Option(names = "--seed", defaultValue = "2026", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    private static final double[] RHOS = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1};

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        List<Path> files = new ArrayList<>();
        StringBuilder md = new StringBuilder("# Unsupervised DNN ISAC precoder (seed 003)\n\n");
        List<String> atLeastWmmse = new ArrayList<>();
        StringBuilder csv = new StringBuilder("antennas,rho,dnn_rate_bits,dnn_crlb_db,baseline,baseline_rate_bits,baseline_crlb_db\n");
        for (int m : new int[] {10, 20}) {
            Plot rate = new Plot("seed 003: sum rate vs rho (M=" + m + ", K=10)", "rho", "sum rate (bit/s/Hz)").markers();
            Plot crlb = new Plot("seed 003: sum CRLB vs rho (M=" + m + ", K=10)", "rho", "sum CRLB (dB)").markers();
            md.append("## M = ").append(m).append(", K = 10, T = 2: sum rate and sum CRLB vs ρ (").append(instances)
                    .append(" held-out channels)\n\n| ρ | φ₁, φ₂ | DNN rate | DNN CRLB dB | anchor-only rate | anchor-only CRLB dB |");
            List<List<DnnStudy.TradeoffPoint>> all = new ArrayList<>();
            for (String base : List.of("wmmse", "rzf")) {
                all.add(DnnStudy.tradeoff(DnnIsacSolver.SHIPPED, m, RHOS, base, instances, seed));
                md.append(' ').append(base).append(" rate | ").append(base).append(" CRLB dB |");
            }
            md.append("\n|---|---|---|---|---|---|---|---|---|---|\n");
            List<DnnStudy.Metrics3> anchorOnly = new ArrayList<>();
            List<DnnModel> models = new ArrayList<>();
            for (double rho : RHOS) {
                DnnModel dm = DnnIsacSolver.SHIPPED.load(m, 10, 2, rho);
                models.add(dm);
                anchorOnly.add(dm.config().anchored()
                        ? DnnStudy.evaluateModel(DnnStudy.anchorOnly(dm), DnnStudy.testSet(dm.config(), instances, seed), 0, seed)
                        : new DnnStudy.Metrics3(Double.NaN, Double.NaN, Double.NaN));
            }
            List<DnnStudy.TradeoffPoint> first = all.get(0);
            rate.line("dnn-isac", RHOS, first.stream().mapToDouble(p -> p.dnn().sumRate()).toArray());
            crlb.line("dnn-isac", RHOS, first.stream().mapToDouble(p -> p.dnn().sumCrlbDb()).toArray());
            rate.line("anchor only", RHOS, anchorOnly.stream().mapToDouble(DnnStudy.Metrics3::sumRate).toArray());
            crlb.line("anchor only", RHOS, anchorOnly.stream().mapToDouble(DnnStudy.Metrics3::sumCrlbDb).toArray());
            for (List<DnnStudy.TradeoffPoint> b : all) {
                String name = b.get(0).baselineSolver();
                rate.reference(name, RHOS, b.stream().mapToDouble(p -> p.baseline().sumRate()).toArray());
                crlb.reference(name, RHOS, b.stream().mapToDouble(p -> p.baseline().sumCrlbDb()).toArray());
            }
            for (int i = 0; i < RHOS.length; i++) {
                DnnStudy.TradeoffPoint p = first.get(i);
                DnnStudy.Metrics3 an = anchorOnly.get(i);
                md.append(String.format(Locale.ROOT, "| %.1f | %.2f, %.2f | %.3f | %.2f | %.3f | %.2f |", p.rho(), models.get(i).anchorMix(),
                        models.get(i).anchorMixNull(), p.dnn().sumRate(), p.dnn().sumCrlbDb(), an.sumRate(), an.sumCrlbDb()));
                if (p.dnn().sumRate() >= p.baseline().sumRate()) {
                    atLeastWmmse.add(String.format(Locale.ROOT, "M = %d ρ = %.1f", m, p.rho()));
                }
                for (List<DnnStudy.TradeoffPoint> b : all) {
                    DnnStudy.TradeoffPoint q = b.get(i);
                    md.append(String.format(Locale.ROOT, " %.3f | %.2f |", q.baseline().sumRate(), q.baseline().sumCrlbDb()));
                    csv.append(String.format(Locale.ROOT, "%d,%.1f,%.5f,%.4f,%s,%.5f,%.4f%n", m, q.rho(), q.dnn().sumRate(),
                            q.dnn().sumCrlbDb(), q.baselineSolver(), q.baseline().sumRate(), q.baseline().sumCrlbDb()));
                }
                md.append('\n');
            }
            md.append('\n');
            files.add(plot(rate, "rate-vs-rho-m" + m + ".png"));
            files.add(plot(crlb, "crlb-vs-rho-m" + m + ".png"));
        }
        files.add(write("tradeoff.csv", csv.toString()));

        DnnModel half = DnnIsacSolver.SHIPPED.load(10, 10, 2, 0.5);
        double halfAnchor = half.config().anchored()
                ? DnnStudy.evaluateModel(DnnStudy.anchorOnly(half), DnnStudy.testSet(half.config(), instances, seed), 0, seed).sumRate()
                : Double.NaN;
        md.append("## Table 3 (ρ = 0.5, M = K = 10)\n\n| Q | J | complexity (paper) | our storage | our MACs | sum rate | fraction | paper rate | paper fraction |\n|---|---|---|---|---|---|---|---|---|\n");
        for (DnnStudy.CompressionRow r : DnnStudy.table3(half, instances, seed)) {
            md.append(String.format(Locale.ROOT, "| %d | %.0f %% | %.3f | %.3f | %.3f | %.3f | %.1f %% | %.2f | %.1f %% |%n",
                    r.qBits(), 100 * r.prune(), r.paperComplexity(), r.storageFraction(), r.macFraction(), r.sumRate(),
                    100 * r.fraction(), r.paperSumRate(), 100 * r.paperFraction()));
        }
        md.append(String.format(Locale.ROOT, "%nThe anchor alone (output layer zero) serves %.3f bits/s/Hz here; compression only "
                + "changes the network's correction on top of it.%n", halfAnchor));
        DnnModel one = DnnIsacSolver.SHIPPED.load(10, 10, 2, 1.0);
        double[] mus = {0, 0.05, 0.1, 0.2, 0.3};
        List<DnnStudy.CsiPoint> csi = DnnStudy.csiRobustness(one, mus, "rzf", instances, seed);
        md.append("\n## CSI error μ (ρ = 1, M = 10), Fig. 9\n\n| μ | DNN rate | RZF rate |\n|---|---|---|\n");
        for (DnnStudy.CsiPoint p : csi) {
            md.append(String.format(Locale.ROOT, "| %.2f | %.3f | %.3f |%n", p.mu(), p.sumRate(), p.baselineSumRate()));
        }
        files.add(plot(new Plot("seed 003: sum rate vs CSI error (rho = 1, M = 10)", "mu", "sum rate (bit/s/Hz)").markers()
                .line("dnn-isac", mus, csi.stream().mapToDouble(DnnStudy.CsiPoint::sumRate).toArray())
                .line("rzf", mus, csi.stream().mapToDouble(DnnStudy.CsiPoint::baselineSumRate).toArray()), "csi-error.png"));

        double[] angles = new double[181];
        for (int i = 0; i < angles.length; i++) {
            angles[i] = -90 + i;
        }
        Plot bp = new Plot("seed 003: mean beampattern (M = 10, targets -10 and 25 deg)", "angle (deg)", "gain (dB)");
        for (double rho : new double[] {0, 0.5, 1}) {
            bp.line("rho = " + rho, angles, DnnStudy.beampattern(DnnIsacSolver.SHIPPED.load(10, 10, 2, rho), angles,
                    Math.min(instances, 100), seed));
        }
        files.add(plot(bp, "beampattern-m10.png"));

        md.append("\n## Inference latency and memory (one thread, this machine)\n\n| M | ρ | Q | J | p50 µs | p99 µs | MACs | weight bytes |\n|---|---|---|---|---|---|---|---|\n");
        for (int m : new int[] {10, 20}) {
            DnnModel full = DnnIsacSolver.SHIPPED.load(m, 10, 2, 0.5);
            DnnStudy.Latency l = DnnStudy.latency(full, 20_000, System::nanoTime);
            md.append(String.format(Locale.ROOT, "| %d | %.1f | %d | %.0f %% | %.1f | %.1f | %d | %d |%n", l.antennas(), l.rho(),
                    l.qBits(), 100 * l.prune(), l.p50Ns() / 1e3, l.p99Ns() / 1e3, l.macs(), l.weightBytes()));
        }
        md.append("\n## How close, and why we differ\n\n")
                .append("- Departure from the paper (documented in `ShippedModels` and `PrecoderAnchor`): the network learns a "
                        + "correction on top of a deterministic anchor W_a = cos φ₁·W_c + sin φ₁·(cos φ₂·S + sin φ₂·S_⊥). "
                        + "W_c is RZF with each column normalised, water-filling over the users and dropping the users it "
                        + "leaves at zero power; S steers at the targets (phase-aligned with W_c); S_⊥ is S projected onto the "
                        + "null space of the served users' channels, so it senses without interfering. φ₁, φ₂ are trained "
                        + "with the network (column φ₁, φ₂ above). The paper's plain network did not learn in this machine's "
                        + "budget (4-7 bits/s/Hz at ρ = 1), and the earlier RZF anchor tied every model to RZF's 22 / 32 "
                        + "bits/s/Hz: the RZF solver gives most of the power to the weakest users.\n")
                .append("- Most of the result is the anchor: compare the DNN and anchor-only columns. In this budget "
                        + "(16k instances, at most 6 epochs, batch 64; the paper: 10⁶ instances, batch 500, until converged, "
                        + "on GPUs) the network's correction moves the sum rate by at most about 0.25 bits/s/Hz (up at ρ = 0.3-0.4, slightly down at ρ ≥ 0.5) and the CRLB by ≤ 0.01 dB.\n")
                .append("- The trade-off is a switch, not the paper's gradual curve: eq. (25) is linear in the normalised "
                        + "sum rate and 1/Σψ̃, and along the anchor family the ρ-weighted sum is maximised near one end or "
                        + "the other, so low ρ gives sensing-only beams (about 1 bit/s/Hz) and high ρ communication beams with "
                        + "the free null-space sensing; intermediate designs (the paper's ρ = 0.2-0.4 points) are not found.\n")
                .append("- The paper's claim, DNN ≥ WMMSE on the same channels (M = 10: ρ ≥ 0.5; M = 20: ρ ≥ 0.6), holds here at: ")
                .append(atLeastWmmse.isEmpty() ? "none of the points" : String.join(", ", atLeastWmmse)).append(".\n")
                .append("- Sum-rate scale: our channels are normalised to unit mean entry power at SNR 20 dB (`DnnConfig`), "
                        + "so absolute rates are not the paper's (36.1 bits/s/Hz at ρ = 0.5, M = 10).\n")
                .append("- Table 3: the fractions measure how much compression disturbs the network's correction; the anchor "
                        + "is computed exactly, so they stay high and say little about compressing a network that carries "
                        + "the whole precoder.\n");
        md.insert(md.indexOf("\n\n") + 2, String.format(Locale.ROOT, "Command: `isac reproduce dnn --instances %d --seed %d` (%.0f s).%n%n",
                instances, seed, (System.nanoTime() - t0) / 1e9));
        md.append("\n## Files\n\n");
        for (Path f : files) {
            md.append("- `").append(f.getFileName()).append("`\n");
        }
        files.add(write("summary.md", md.toString()));
        for (Path f : files) {
            System.err.println("wrote " + f);
        }
        return 0;
    }

    private Path write(String name, String text) throws java.io.IOException {
        return Reports.writeText(out.resolve(name), text);
    }

    private Path plot(Plot p, String name) throws java.io.IOException {
        return Reports.writePlot(out.resolve(name), p);
    }
}
