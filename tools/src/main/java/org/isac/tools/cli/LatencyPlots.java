package org.isac.tools.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.isac.tools.bench.BenchReport;
import org.isac.tools.report.Plot;
import org.isac.sim.SimReport;

/** Latency plots of a simulated-radio run. */
final class LatencyPlots {
    private LatencyPlots() {
    }

    /** Writes {@code DIR/<name>-latency-ccdf.png}: capture → applied, P(latency > x) on log axes. */
    static void write(Path dir, String name, SimReport r) throws IOException {
        Files.createDirectories(dir);
        Histogram h = r.latencyNs();
        if (h.getTotalCount() == 0) {
            System.err.println("no latency samples; no plot written");
            return;
        }
        double[][] c = BenchReport.ccdf(h);
        Path file = dir.resolve(name + "-latency-ccdf.png");
        new Plot("capture -> weights applied (" + h.getTotalCount() + " reports)", "latency (us)", "P(latency > x)")
                .line("1 - CDF", c[0], c[1]).logX().logY().write(file);
        System.err.println("plot written to " + file);
    }
}
