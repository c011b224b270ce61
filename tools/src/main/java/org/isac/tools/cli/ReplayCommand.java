package org.isac.tools.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import org.isac.controller.ControllerConfig;
import org.isac.tools.bench.BenchReport;
import org.isac.tools.record.Replay;
import org.isac.tools.report.Plot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A recorded afternoon solved again, side by side with what was answered then. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Stream a recording's CSI into a fresh controller as its front ends did and compare the answers:",
                "latency, early stops, layers, sum rate on the reported channel, τ / CRLB where predicted, weight difference.",
                "Writes OUT/replay.csv, OUT/summary.md, OUT/latency-ccdf.png and the replay's own recording OUT/recording."})
public final class ReplayCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "the recording directory")
    Path dir;

    @Option(names = "--out", paramLabel = "DIR", description = "where to write (default: DIR/replay-N, the first free N)")
    Path out;

    @Option(names = "--pace", description = "keep the recorded inter-arrival times (default: lock-step, as fast as answers come)")
    boolean pace;

    @Option(names = "--solver", paramLabel = "NAME", description = "solve every report with this solver (default: the one that answered it)")
    String solver;

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "add a solver parameter to every report (repeatable)")
    Map<String, Double> params = new LinkedHashMap<>();

    @Mixin
    ControllerOptions controller = new ControllerOptions(ControllerConfig.DEFAULT_SOLVER);

    @Override
    public Integer call() throws Exception {
        Path to = out;
        for (int n = 1; to == null; n++) {
            Path c = dir.resolve("replay-" + n);
            to = Files.exists(c) ? null : c;
        }
        Files.createDirectories(to);
        ControllerConfig cfg = controller.apply(ControllerConfig.builder().port(0)).build();
        Replay.Result r = Replay.run(dir, new Replay.Options(pace, solver, params, cfg), to);
        Replay.writeCsv(r, to);
        String summary = Replay.summary(r);
        Files.writeString(to.resolve("summary.md"), "# Replay of " + dir + "\n\n" + (pace ? "At the recorded pace" : "Lock-step")
                + (solver == null ? ", each report with the solver that answered it" : ", every report with " + solver)
                + (params.isEmpty() ? "" : ", parameters " + params) + ".\n\n" + summary);
        System.out.print(summary);
        Histogram old = new Histogram(3), now = new Histogram(3);
        for (Replay.Row w : r.rows()) {
            if (w.oldLatencyNs() > 0) {
                old.recordValue(w.oldLatencyNs());
            }
            if (w.newLatencyNs() > 0) {
                now.recordValue(w.newLatencyNs());
            }
        }
        if (old.getTotalCount() > 0 && now.getTotalCount() > 0) {
            double[][] a = BenchReport.ccdf(old), b = BenchReport.ccdf(now);
            new Plot("received -> sent, recorded vs replayed", "latency (us)", "P(latency > x)")
                    .line("recorded (" + old.getTotalCount() + ")", a[0], a[1]).line("replayed (" + now.getTotalCount() + ")", b[0], b[1])
                    .logX().logY().write(to.resolve("latency-ccdf.png"));
        }
        System.out.println("wrote " + to.resolve("replay.csv") + ", " + to.resolve("summary.md") + ", " + to.resolve("recording"));
        return 0;
    }
}
