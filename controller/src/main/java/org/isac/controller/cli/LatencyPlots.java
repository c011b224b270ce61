package org.isac.controller.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.isac.controller.report.Plot;
import org.isac.sim.SimReport;

/** Latency CDF plots of a simulated-radio run. */
final class LatencyPlots {
    private LatencyPlots() {
    }

    /** Writes {@code DIR/<name>-latency-cdf.png}: capture → applied, tail on a log axis of 1 − CDF. */
    static void write(Path dir, String name, SimReport r) throws IOException {
        Files.createDirectories(dir);
        Histogram h = r.latencyNs();
        long total = h.getTotalCount();
        if (total == 0) {
            System.err.println("no latency samples; no plot written");
            return;
        }
        int n = 0;
        for (HistogramIterationValue v : h.recordedValues()) {
            n++;
        }
        double[] us = new double[n];
        double[] tail = new double[n];
        int i = 0;
        long seen = 0;
        for (HistogramIterationValue v : h.recordedValues()) {
            seen += v.getCountAtValueIteratedTo();
            us[i] = h.highestEquivalentValue(v.getValueIteratedTo()) / 1e3;
            tail[i] = Math.max(1.0 / total, 1.0 - (double) seen / total);
            i++;
        }
        Path file = dir.resolve(name + "-latency-ccdf.png");
        new Plot("capture -> weights applied (" + total + " reports)", "latency (us)", "P(latency > x)")
                .line("1 - CDF", us, tail).logY().write(file);
        System.err.println("plot written to " + file);
    }
}
