package org.isac.tools.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.isac.tools.bench.AnytimeStudy;
import org.isac.tools.bench.MachineInfo;
import org.isac.tools.report.Plot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Quality under time pressure: objective and rate against layers run and against the time budget. */
@Command(name = "anytime", mixinStandardHelpOptions = true,
        description = {"Objective and rate of hybrid-upga (N = 64, K = M = 4) and maxmin-uao against layers run and against",
                "the time a solve with that many layers takes on this machine, next to the full-layer result on the same",
                "channels, and the budget at which each keeps 95 % of its full-layer objective. Writes reports/anytime/."})
public final class AnytimeCommand implements Callable<Integer> {
    @Option(names = "--channels", defaultValue = "64", description = "held-out channels per solver (default: ${DEFAULT-VALUE})")
    int channels;

    @Option(names = "--reps", defaultValue = "5", description = "timed solves per channel and layer count (default: ${DEFAULT-VALUE})")
    int reps;

    @Option(names = "--seed", defaultValue = "901", description = "seed of the channels (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", defaultValue = "reports/anytime", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (channels < 1 || reps < 1) {
            throw new IllegalArgumentException("--channels and --reps must be >= 1");
        }
        long t0 = System.nanoTime();
        List<AnytimeStudy.Result> results = List.of(AnytimeStudy.hybrid(channels, seed, 12, reps),
                AnytimeStudy.maxmin(Math.max(1, channels / 2), seed, reps));
        double secs = (System.nanoTime() - t0) / 1e9;
        Files.createDirectories(out);
        List<Path> files = new ArrayList<>();
        StringBuilder csv = new StringBuilder("solver,layers,p50_ns,objective,anytime_objective,rate\n");
        StringBuilder md = new StringBuilder("# Quality under time pressure\n\n");
        md.append(String.format(Locale.ROOT, "Command: `isac anytime --channels %d --reps %d --seed %d` (%.0f s).  %n", channels,
                reps, seed, secs));
        md.append("Machine: ").append(MachineInfo.detect().describe()).append("\n\n");
        md.append("Each solver runs its first L layers (`layers` parameter) on the same held-out channels; time = p50 of a whole "
                + "solve with L layers (one thread, after warm-up). A budget b buys the most layers whose time fits. For "
                + "hybrid-upga the anytime answer is the better of the eq. (26) start and layer L, which is what an early stop "
                + "serves.\n\n");
        for (AnytimeStudy.Result r : results) {
            AnytimeStudy.Point full = r.full();
            md.append("## ").append(r.solver()).append("\n\n").append(r.setting()).append(".\n\n");
            long b95 = r.budgetFor(0.95);
            md.append(String.format(Locale.ROOT, "Full (%d layers): %s %.4f, %s %.4f, %.1f µs p50. Keeps ≥ 95 %% of the full-layer "
                    + "objective from a budget of %s.%n%n", full.layers(), r.objectiveName(), full.anytimeObjective(), r.rateName(),
                    full.rate(), full.p50Ns() / 1e3, b95 < 0 ? "— (never)" : String.format(Locale.ROOT, "%.1f µs", b95 / 1e3)));
            md.append("| layers | solve p50 (µs) | ").append(r.objectiveName()).append(" at layer L | anytime answer | % of full | ")
                    .append(r.rateName()).append(" |\n|---|---|---|---|---|---|\n");
            double[] x = new double[r.points().size()], y = new double[x.length], ya = new double[x.length],
                    t = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                AnytimeStudy.Point p = r.points().get(i);
                md.append(String.format(Locale.ROOT, "| %d | %.1f | %.4f | %.4f | %.1f | %.4f |%n", p.layers(), p.p50Ns() / 1e3,
                        p.objective(), p.anytimeObjective(), 100 * p.anytimeObjective() / full.anytimeObjective(), p.rate()));
                csv.append(String.format(Locale.ROOT, "%s,%d,%d,%.9g,%.9g,%.9g%n", r.solver(), p.layers(), p.p50Ns(), p.objective(),
                        p.anytimeObjective(), p.rate()));
                x[i] = p.layers();
                y[i] = p.objective();
                ya[i] = p.anytimeObjective();
                t[i] = p.p50Ns() / 1e3;
            }
            md.append('\n');
            Path f1 = out.resolve(r.solver() + "-vs-layers.png");
            new Plot(r.solver() + ": objective vs layers run", "layers run", r.objectiveName()).markers()
                    .line("layer L", x, y).line("anytime answer", x, ya).write(f1);
            Path f2 = out.resolve(r.solver() + "-vs-budget.png");
            new Plot(r.solver() + ": anytime objective vs time budget", "budget = solve time p50 (µs)", r.objectiveName())
                    .markers().line("anytime answer", t, ya).write(f2);
            files.add(f1);
            files.add(f2);
        }
        Path c = out.resolve("anytime.csv");
        Files.writeString(c, csv, StandardCharsets.UTF_8);
        files.add(0, c);
        md.append("## Files\n\n");
        for (Path f : files) {
            md.append("- `").append(f.getFileName()).append("`\n");
        }
        Path s = out.resolve("summary.md");
        Files.writeString(s, md, StandardCharsets.UTF_8);
        files.add(s);
        for (Path f : files) {
            System.err.println("wrote " + f);
        }
        return 0;
    }
}
