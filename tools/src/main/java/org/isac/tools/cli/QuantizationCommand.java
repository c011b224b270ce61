package org.isac.tools.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.isac.tools.report.Plot;
import org.isac.tools.study.QuantizationStudy;
import org.isac.tools.study.QuantizationStudy.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** What hardware quantization costs: sum-rate and beampattern loss vs phase and baseband bits. */
@Command(name = "quantization", mixinStandardHelpOptions = true,
        description = {"Quantization study: sum-rate loss and beampattern error vs phase bits (3-8) and baseband bits",
                "(6-16, fixed point and block floating point) for the default digital and hybrid scenarios.",
                "Writes quantization.csv, summary.md and PNG plots."})
public final class QuantizationCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "reports/quantization", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--draws", defaultValue = "64", description = "channel draws per setting (default: ${DEFAULT-VALUE})")
    int draws;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the channel draws (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--hybrid-solver", defaultValue = "hybrid-pga",
            description = "hybrid solver of the hybrid scenario (default: ${DEFAULT-VALUE})")
    String hybridSolver;

    @Override
    public Integer call() throws Exception {
        QuantizationStudy.Config d = QuantizationStudy.Config.defaults().withDraws(draws).withSeed(seed);
        QuantizationStudy.Config cfg = new QuantizationStudy.Config(d.antennas(), d.users(), d.rfChains(), d.snrDb(),
                d.powerW(), d.svPaths(), d.draws(), d.seed(), d.phaseBits(), d.basebandBits(), d.codecs(),
                d.digitalSolver(), hybridSolver, d.targetsDeg());
        long t0 = System.nanoTime();
        List<Row> rows = QuantizationStudy.run(cfg);
        double secs = (System.nanoTime() - t0) / 1e9;
        Path csv = QuantizationStudy.writeCsv(rows, out);
        List<Path> files = new ArrayList<>(List.of(csv));
        files.addAll(plots(rows));
        StringBuilder md = new StringBuilder("# Quantization study\n\n");
        md.append(String.format(Locale.ROOT,
                "Command: `isac quantization --draws %d --seed %d --hybrid-solver %s` (%.0f s).%n%n", draws, seed,
                hybridSolver, secs));
        md.append(String.format(Locale.ROOT,
                "N = %d, K = %d, M = %d (hybrid), SNR %.0f dB, P_t = %.0f W, Saleh–Valenzuela with %d paths, %d draws; "
                        + "digital solver `%s`, hybrid solver `%s`. Weights go through the real frame encoder, power guard "
                        + "and parser. Loss = unquantized minus quantized sum rate on the same channel (bit/s/Hz); "
                        + "τ = ‖X_q X_qᴴ − Ψ‖²_F with Ψ the unquantized design's X Xᴴ.%n%n",
                cfg.antennas(), cfg.users(), cfg.rfChains(), cfg.snrDb(), cfg.powerW(), cfg.svPaths(), cfg.draws(),
                cfg.digitalSolver(), QuantizationStudy.hybridSolverName(cfg)));
        md.append("## Knees (within ").append(QuantizationStudy.DEFAULT_KNEE_TOLERANCE_BITS)
                .append(" bit/s/Hz of the finest setting)\n\n");
        for (QuantizationStudy.Knee k : QuantizationStudy.knees(rows, QuantizationStudy.DEFAULT_KNEE_TOLERANCE_BITS)) {
            md.append("- ").append(k).append('\n');
        }
        md.append("\n## Rows\n\n| scenario | phase bits | baseband bits | codec | rate bit/s/Hz | loss bit/s/Hz | ± | τ |\n|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %.4f | %.4g | %.2g | %.4g |%n", r.scenario(),
                    r.phaseBits(), r.basebandBits(), r.codec(), r.rateBits(), r.rateLossBits(), r.rateLossStdErrBits(),
                    r.tau()));
        }
        md.append("\nPhase bits 0 = continuous phase shifters; codec `none` = float baseband weights.\n\n## Files\n\n");
        for (Path f : files) {
            md.append("- `").append(f.getFileName()).append("`\n");
        }
        Path summary = out.resolve("summary.md");
        Files.writeString(summary, md, StandardCharsets.UTF_8);
        files.add(summary);
        for (Path f : files) {
            System.err.println("wrote " + f);
        }
        return 0;
    }

    private List<Path> plots(List<Row> rows) throws Exception {
        List<Path> files = new ArrayList<>();
        Plot bb = new Plot("sum-rate loss vs baseband bits", "baseband bits", "rate loss (bit/s/Hz)").logY().markers();
        for (String scenario : List.of(QuantizationStudy.DIGITAL, QuantizationStudy.HYBRID)) {
            for (String codec : List.of("fixed", "bfp")) {
                List<Row> sel = rows.stream().filter(r -> r.scenario().equals(scenario) && r.codec().equals(codec)
                        && r.phaseBits() == 0).toList();
                if (!sel.isEmpty()) {
                    bb.line(scenario + " " + codec + (scenario.equals(QuantizationStudy.HYBRID) ? " (continuous phases)" : ""),
                            sel.stream().mapToDouble(Row::basebandBits).toArray(),
                            sel.stream().mapToDouble(r -> Math.max(1e-6, r.rateLossBits())).toArray());
                }
            }
        }
        Path f1 = out.resolve("rate-loss-vs-baseband-bits.png");
        bb.write(f1);
        files.add(f1);
        List<Row> ph = rows.stream().filter(r -> r.scenario().equals(QuantizationStudy.HYBRID)
                && r.codec().equals(QuantizationStudy.NO_CODEC) && r.phaseBits() > 0).toList();
        if (!ph.isEmpty()) {
            Path f2 = out.resolve("rate-loss-vs-phase-bits.png");
            new Plot("hybrid: sum-rate loss vs phase-shifter bits (float baseband)", "phase bits", "rate loss (bit/s/Hz)")
                    .markers().line("rate loss", ph.stream().mapToDouble(Row::phaseBits).toArray(),
                            ph.stream().mapToDouble(Row::rateLossBits).toArray())
                    .write(f2);
            files.add(f2);
            Path f3 = out.resolve("tau-vs-phase-bits.png");
            new Plot("hybrid: beampattern error vs phase-shifter bits (float baseband)", "phase bits", "tau")
                    .markers().logY().line("tau", ph.stream().mapToDouble(Row::phaseBits).toArray(),
                            ph.stream().mapToDouble(r -> Math.max(1e-12, r.tau())).toArray())
                    .write(f3);
            files.add(f3);
        }
        return files;
    }
}
