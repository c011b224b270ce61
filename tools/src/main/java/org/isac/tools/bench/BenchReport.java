package org.isac.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.isac.tools.report.Plot;

/** Writes a sweep as {@code latency.csv}, {@code summary.md} and PNG plots. */
public final class BenchReport {
    /** Columns of {@code latency.csv}. */
    public static final String CSV_HEADER = "solver,n,k,m,layers,p50_ns,p99_ns,p999_ns,gflops,peak_fraction";

    /** A loopback run's figures, or null when none ran. */
    public record Loopback(String solver, int radios, double rateHz, double seconds, long sent, long applied,
                           Map<String, Long> dropped, long unaccounted, long p50Ns, long p99Ns, long p999Ns,
                           long maxNs, long gcPauses, long gcMaxPauseMs, double achievedBits, double genieBits,
                           Histogram histogram) {
    }

    private BenchReport() {
    }

    public static String csv(List<SolverSweep.Row> rows) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (SolverSweep.Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%d,%d,%d,%s,%s%n", r.solver(), r.n(), r.k(), r.m(),
                    r.layers(), r.p50Ns(), r.p99Ns(), r.p999Ns(), num(r.gflops(), 3), num(r.peakFraction(), 4)));
        }
        return sb.toString();
    }

    /**
     * Writes everything into {@code dir}; returns the files written. {@code loopback},
     * {@code sideBySide} ({@link HybridSideBySide#markdown}) and {@code seed003}
     * ({@link Seed003Bench}) and {@code wideband} ({@link WidebandBench}, written to
     * {@code wideband.csv} as well) may each be null for none.
     */
    public static List<Path> write(Path dir, MachineInfo machine, String command, List<SolverSweep.Row> rows,
                                   List<String> notes, Loopback loopback, String sideBySide,
                                   Seed003Bench.Result seed003, List<WidebandBench.Row> wideband) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        Path csv = dir.resolve("latency.csv");
        Files.writeString(csv, csv(rows), StandardCharsets.UTF_8);
        files.add(csv);
        if (wideband != null) {
            Path wcsv = dir.resolve("wideband.csv");
            Files.writeString(wcsv, WidebandBench.csv(wideband), StandardCharsets.UTF_8);
            files.add(wcsv);
        }
        files.addAll(plots(dir, rows, loopback));
        if (seed003 != null) {
            files.addAll(Seed003Bench.plots(dir, seed003));
        }
        Path md = dir.resolve("summary.md");
        Files.writeString(md, markdown(machine, command, rows, notes, loopback, sideBySide, seed003, wideband, files),
                StandardCharsets.UTF_8);
        files.add(md);
        return files;
    }

    static String markdown(MachineInfo machine, String command, List<SolverSweep.Row> rows, List<String> notes,
                           Loopback loopback, String sideBySide, Seed003Bench.Result seed003,
                           List<WidebandBench.Row> wideband, List<Path> files) {
        StringBuilder sb = new StringBuilder("# Solver latency\n\n");
        sb.append("Machine: ").append(machine.describe()).append("\n\n");
        sb.append("Command: `").append(command).append("`\n\n");
        sb.append("One thread, each solve timed with `System.nanoTime()` into an HdrHistogram after warm-up; ")
                .append("Saleh–Valenzuela channels, SNR 12 dB, P_t = 1 W, targets at −60°, 0°, 60°. ")
                .append("GFLOP/s = the solver's counted flops / p50; peak fraction against the double-precision ")
                .append("peak above, or against the float peak (twice it) for solvers marked (float), which iterate in single precision. m = 0 for digital solvers; layers = 0 means the solver's own.\n\n");
        sb.append("| solver | N | K | M | layers | p50 µs | p99 µs | p99.9 µs | max µs | GFLOP/s | % peak | B/solve | GCs | sum rate bit/s/Hz | samples |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (SolverSweep.Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %.2f | %.2f | %.2f | %.1f | %s | %s | %.0f | %d | %.3f | %d |%n",
                    r.solver() + (r.single() ? " (float)" : ""), r.n(), r.k(), r.m(), r.layers(), r.p50Ns() / 1e3, r.p99Ns() / 1e3, r.p999Ns() / 1e3,
                    r.maxNs() / 1e3, num(r.gflops(), 2), Double.isNaN(r.peakFraction()) ? "–"
                            : String.format(Locale.ROOT, "%.1f", 100 * r.peakFraction()),
                    r.bytesPerSolve(), r.gcCount(), r.sumRateBits(), r.samples()));
        }
        if (seed003 != null) {
            sb.append("\n## dnn-isac at seed 003 sizes\n\n").append(Seed003Bench.markdown(seed003));
        }
        if (wideband != null && !wideband.isEmpty()) {
            sb.append("\n## Wideband: batched subbands vs the per-subband loop\n\n").append(WidebandBench.markdown(wideband));
        }
        if (sideBySide != null) {
            sb.append("\n## Side by side: EJML vs fast kernels\n\n").append(sideBySide);
        }
        if (loopback != null) {
            sb.append("\n## Loopback\n\n");
            sb.append(String.format(Locale.ROOT,
                    "%d simulated radio(s) × %.0f Hz for %.1f s, solver `%s`, controller and radios in one JVM over TCP loopback.%n%n",
                    loopback.radios(), loopback.rateHz(), loopback.seconds(), loopback.solver()));
            sb.append(String.format(Locale.ROOT,
                    "- reports sent %d, applied %d, dropped %s, unaccounted %d%n- capture → weights applied: p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs, max %.1f µs%n- GC pauses during the run: %d (longest %d ms)%n- mean achieved sum rate %.3f bit/s/Hz (genie %.3f)%n",
                    loopback.sent(), loopback.applied(), loopback.dropped(), loopback.unaccounted(),
                    loopback.p50Ns() / 1e3, loopback.p99Ns() / 1e3, loopback.p999Ns() / 1e3, loopback.maxNs() / 1e3,
                    loopback.gcPauses(), loopback.gcMaxPauseMs(), loopback.achievedBits(), loopback.genieBits()));
        }
        if (!notes.isEmpty()) {
            sb.append("\n## Notes\n\n");
            for (String n : notes) {
                sb.append("- ").append(n).append('\n');
            }
        }
        sb.append("\n## Files\n\n");
        for (Path f : files) {
            sb.append("- `").append(f.getFileName()).append("`\n");
        }
        return sb.toString();
    }

    private static List<Path> plots(Path dir, List<SolverSweep.Row> rows, Loopback loopback) throws IOException {
        List<Path> files = new ArrayList<>();
        // latency CCDF per (n, k, m) with the most solvers, own layer counts only
        Map<String, List<SolverSweep.Row>> bySize = new TreeMap<>();
        for (SolverSweep.Row r : rows) {
            if (r.layers() == 0) {
                bySize.computeIfAbsent(String.format(Locale.ROOT, "n%d-k%d", r.n(), r.k()), x -> new ArrayList<>()).add(r);
            }
        }
        for (Map.Entry<String, List<SolverSweep.Row>> e : bySize.entrySet()) {
            Plot p = new Plot("solve latency, " + e.getKey().replace('-', ' ').replace("n", "N=").replace(" k", ", K="),
                    "latency (us)", "P(latency > x)").logX().logY();
            for (SolverSweep.Row r : e.getValue()) {
                double[][] c = ccdf(r.histogram());
                p.line(r.solver() + (r.m() > 0 ? " M=" + r.m() : ""), c[0], c[1]);
            }
            Path f = dir.resolve("latency-ccdf-" + e.getKey() + ".png");
            p.write(f);
            files.add(f);
        }
        // p99 vs N per solver (smallest K, smallest M)
        Map<String, TreeMap<Integer, Long>> series = new LinkedHashMap<>();
        int kMin = rows.stream().mapToInt(SolverSweep.Row::k).min().orElse(0);
        for (SolverSweep.Row r : rows) {
            if (r.layers() == 0 && r.k() == kMin && (r.m() == 0 || r.m() == kMin)) {
                series.computeIfAbsent(r.solver(), x -> new TreeMap<>()).put(r.n(), r.p99Ns());
            }
        }
        if (series.values().stream().anyMatch(m -> m.size() > 1)) {
            Plot p = new Plot("p99 solve latency vs N (K=" + kMin + ")", "N antennas", "p99 (us)").logY().markers();
            for (Map.Entry<String, TreeMap<Integer, Long>> e : series.entrySet()) {
                double[] x = e.getValue().keySet().stream().mapToDouble(Integer::doubleValue).toArray();
                double[] y = e.getValue().values().stream().mapToDouble(v -> v / 1e3).toArray();
                p.line(e.getKey(), x, y);
            }
            Path f = dir.resolve("p99-vs-n.png");
            p.write(f);
            files.add(f);
        }
        // quality vs latency over layer counts
        Map<String, List<SolverSweep.Row>> layered = new LinkedHashMap<>();
        for (SolverSweep.Row r : rows) {
            if (r.layers() > 0) {
                layered.computeIfAbsent(r.solver(), x -> new ArrayList<>()).add(r);
            }
        }
        if (!layered.isEmpty()) {
            Plot p = new Plot("quality vs latency over layer counts", "p50 latency (us)", "mean sum rate (bit/s/Hz)").markers();
            for (Map.Entry<String, List<SolverSweep.Row>> e : layered.entrySet()) {
                double[] x = e.getValue().stream().mapToDouble(r -> r.p50Ns() / 1e3).toArray();
                double[] y = e.getValue().stream().mapToDouble(SolverSweep.Row::sumRateBits).toArray();
                p.line(e.getKey(), x, y);
            }
            Path f = dir.resolve("quality-vs-latency.png");
            p.write(f);
            files.add(f);
        }
        if (loopback != null && loopback.histogram().getTotalCount() > 0) {
            double[][] c = ccdf(loopback.histogram());
            Path f = dir.resolve("loopback-latency-ccdf.png");
            new Plot("loopback capture -> applied, " + loopback.radios() + " radio(s), " + loopback.solver(),
                    "latency (us)", "P(latency > x)").logX().logY().line("1 - CDF", c[0], c[1]).write(f);
            files.add(f);
        }
        return files;
    }

    /** (latency µs, P(latency > x)) points of a histogram's recorded values. */
    public static double[][] ccdf(Histogram h) {
        long total = h.getTotalCount();
        List<double[]> pts = new ArrayList<>();
        long seen = 0;
        for (HistogramIterationValue v : h.recordedValues()) {
            seen += v.getCountAtValueIteratedTo();
            pts.add(new double[] {h.highestEquivalentValue(v.getValueIteratedTo()) / 1e3,
                    Math.max(0.5 / total, 1.0 - (double) seen / total)});
        }
        double[][] out = new double[2][pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            out[0][i] = pts.get(i)[0];
            out[1][i] = pts.get(i)[1];
        }
        return out;
    }

    private static String num(double v, int digits) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }
}
