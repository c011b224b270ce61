package org.isac.tools.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.isac.controller.Controller;
import org.isac.controller.ControllerConfig;
import org.isac.tools.bench.BenchReport;
import org.isac.tools.bench.GcPauses;
import org.isac.tools.bench.HybridSideBySide;
import org.isac.tools.bench.MachineInfo;
import org.isac.tools.bench.Seed003Bench;
import org.isac.tools.bench.SolverSweep;
import org.isac.tools.bench.WidebandBench;
import org.isac.sim.Scenario;
import org.isac.sim.SimReport;
import org.isac.solver.SolverRegistry;
import org.isac.solver.hybrid.HybridUpgaModel;
import org.isac.solver.nn.DnnIsacSolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Latency profile of the solvers and of the loop. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Profile solver latency (p50/p99/p99.9, GFLOP/s, fraction of peak, bytes per solve) over sizes,",
                "unfolded solvers over their layer counts, wideband digital solvers over subband counts, and a loopback run;",
                "writes latency.csv, wideband.csv, summary.md and PNGs."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "reports/bench", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--solvers", split = ",", paramLabel = "A,B", description = "solvers to profile (default: all registered)")
    List<String> solvers;

    @Option(names = "--quick", description = "N = 64, K = M = 4 only (plus dnn-isac at its M = 10, 20, K = 10), short runs: finishes in a few minutes")
    boolean quick;

    @Option(names = "--n", split = ",", paramLabel = "N", description = "antenna counts (default: 16,32,64,128,256; quick: 64)")
    List<Integer> sizes;

    @Option(names = "--k", split = ",", paramLabel = "K", description = "user counts (default: 4,8; quick: 4)")
    List<Integer> users;

    @Option(names = "--m", split = ",", paramLabel = "M", description = "RF chains for hybrid solvers, each >= K (default: 4,8; quick: 4)")
    List<Integer> rfChains;

    @Option(names = "--layers", split = ",", paramLabel = "L", defaultValue = "1,2,3,5,8,10",
            description = "layer counts for unfolded solvers at N=64, K=M=4 (default: ${DEFAULT-VALUE})")
    List<Integer> layers;

    @Option(names = "--subbands", split = ",", paramLabel = "S", defaultValue = "1,4,16,64",
            description = "subband counts for the wideband rows (N = 64, K = 4, digital solvers that solve every subband "
                    + "themselves, against the per-subband loop); 0 skips them (default: ${DEFAULT-VALUE})")
    List<Integer> subbands;

    @Option(names = "--clock-ghz", paramLabel = "GHZ",
            description = "sustained core clock for the peak (default: /proc/cpuinfo's)")
    Double clockGhz;

    @Option(names = "--loopback-radios", defaultValue = "8", description = "simulated radios in the loopback run; 0 skips it (default: ${DEFAULT-VALUE})")
    int loopbackRadios;

    @Option(names = "--loopback-rate-hz", defaultValue = "1000", description = "reports per second per radio (default: ${DEFAULT-VALUE})")
    double loopbackRateHz;

    @Option(names = "--loopback-seconds", description = "loopback duration (default: 10; quick: 3)")
    Double loopbackSeconds;

    @Option(names = "--loopback-solver", paramLabel = "NAME",
            description = "solver for the loopback run (default: hybrid-upga when registered, else rzf)")
    String loopbackSolver;

    @Override
    public Integer call() throws Exception {
        List<String> names = solvers == null ? SolverSweep.allSolvers() : solvers;
        for (String s : names) {
            if (!SolverRegistry.exists(s)) {
                throw new IllegalArgumentException("unknown solver '" + s + "'; known: " + SolverRegistry.names());
            }
        }
        List<Integer> ns = sizes != null ? sizes : quick ? List.of(64) : List.of(16, 32, 64, 128, 256);
        List<Integer> ks = users != null ? users : quick ? List.of(4) : List.of(4, 8);
        List<Integer> ms = rfChains != null ? rfChains : quick ? List.of(4) : List.of(4, 8);
        MachineInfo machine = MachineInfo.detect();
        if (clockGhz != null) {
            machine = machine.withClockGhz(clockGhz);
        }
        SolverSweep sweep = new SolverSweep(quick ? SolverSweep.Settings.quick() : SolverSweep.Settings.full(),
                machine.peakGflops());
        List<SolverSweep.Row> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        System.err.println("machine: " + machine.describe());
        notes.add("complex kernels: " + org.isac.solver.linalg.FastKernels.status());
        for (String s : names) {
            if (s.equals(DnnIsacSolver.NAME)) {
                continue; // served at seed 003 sizes only: its own section below
            }
            long lastP50 = 0;
            for (int n : ns) {
                if (lastP50 > 50_000_000L) {
                    notes.add(String.format(Locale.ROOT, "%s: skipped N >= %d (p50 above 50 ms at the previous size)", s, n));
                    break;
                }
                for (int k : ks) {
                    if (k > n) {
                        continue;
                    }
                    boolean digitalDone = false;
                    for (int m : ms) {
                        if (m < k || digitalDone) {
                            continue;
                        }
                        SolverSweep.Row r;
                        try {
                            r = sweep.measure(s, n, k, m, null, 0);
                        } catch (RuntimeException e) {
                            notes.add(String.format(Locale.ROOT, "%s at N=%d K=%d M=%d: %s", s, n, k, m, e.getMessage()));
                            continue;
                        }
                        rows.add(r);
                        lastP50 = Math.max(lastP50, r.p50Ns());
                        digitalDone = r.m() == 0;
                        System.err.printf(Locale.ROOT, "%-14s N=%-3d K=%d M=%d  p50 %9.2f us  p99 %9.2f us  p99.9 %9.2f us  %s B/solve%n",
                                s, n, k, r.m(), r.p50Ns() / 1e3, r.p99Ns() / 1e3, r.p999Ns() / 1e3,
                                String.format(Locale.ROOT, "%.0f", r.bytesPerSolve()));
                    }
                }
            }
            String layerParam = SolverSweep.layerParam(s);
            if (layerParam != null && ns.contains(64)) {
                for (int l : layers) {
                    try {
                        SolverSweep.Row r = sweep.measure(s, 64, 4, 4, layerParam, l);
                        rows.add(r);
                        System.err.printf(Locale.ROOT, "%-14s N=64  K=4 M=4 %s=%-3d p50 %9.2f us  rate %.3f bit/s/Hz%n",
                                s, layerParam, l, r.p50Ns() / 1e3, r.sumRateBits());
                    } catch (RuntimeException e) {
                        notes.add(String.format(Locale.ROOT, "%s with %s=%d: %s", s, layerParam, l, e.getMessage()));
                    }
                }
            }
        }
        for (SolverSweep.Row r : rows) {
            if (r.solver().equals("hybrid-upga") && r.n() == 64 && r.layers() == 0 && !Double.isNaN(r.flops())) {
                double peak = machine.peakGflops() * (r.single() ? 2 : 1);
                notes.add(String.format(Locale.ROOT,
                        "hybrid-upga at N=64, K=M=4 counts %.1f Mflop per solve; at this core's %s peak (%.1f GFLOP/s) that "
                                + "alone takes %.0f µs, so a p99 of 250 µs needs fewer layers (or more cores per solve), "
                                + "not faster kernels", r.flops() / 1e6, r.single() ? "float" : "double", peak,
                        r.flops() / peak / 1e3));
                if (loopbackRadios > 0) {
                    notes.add(String.format(Locale.ROOT,
                            "loopback demand: %d radios × %.0f Hz × %.0f µs (p50 solve) = %.2f core-seconds of solving per "
                                    + "second on %d core(s); above 1 per solve shard, most reports are superseded",
                            loopbackRadios, loopbackRateHz, r.p50Ns() / 1e3, loopbackRadios * loopbackRateHz * r.p50Ns() / 1e9,
                            Runtime.getRuntime().availableProcessors()));
                }
            }
        }
        String sideBySide = null;
        if (ns.contains(64) && names.contains("hybrid-upga")) {
            try {
                List<HybridSideBySide.Variant> v = HybridSideBySide.measure(64, 4, 4, 0.3, 12, quick ? 1 : 3, 11);
                for (HybridSideBySide.Variant x : v) {
                    System.err.printf(Locale.ROOT, "side by side: %-32s p50 %9.2f us  p99 %9.2f us%n", x.name(),
                            x.p50Ns() / 1e3, x.p99Ns() / 1e3);
                }
                sideBySide = HybridSideBySide.markdown(v, 64, 4, 4, HybridUpgaModel.shippedFor(64, 4, 4, 0.3).name());
            } catch (RuntimeException e) {
                notes.add("side by side (hybrid-upga, N=64): " + e.getMessage());
            }
        }
        Seed003Bench.Result seed003 = null;
        if (names.contains(DnnIsacSolver.NAME)) {
            seed003 = Seed003Bench.measure(sweep, Seed003Bench.variants(names), new int[] {10, 20},
                    quick ? 32 : 64, 2027, System.err::println);
        }
        List<WidebandBench.Row> wideband = null;
        List<Integer> sList = subbands.stream().filter(x -> x > 0).toList();
        if (!sList.isEmpty()) {
            List<String> wb = WidebandBench.widebandDigitalSolvers(names);
            if (wb.isEmpty()) {
                notes.add("wideband rows: none of the solvers asked for solves wideband problems itself");
            } else {
                wideband = new WidebandBench(quick ? WidebandBench.Settings.quick() : WidebandBench.Settings.full())
                        .measure(wb, 64, 4, sList.stream().mapToInt(Integer::intValue).toArray(), System.err::println);
            }
        }
        BenchReport.Loopback loop = null;
        if (loopbackRadios > 0) {
            loop = loopback(quick);
        }
        String cmd = "isac bench" + (quick ? " --quick" : "") + (solvers == null ? "" : " --solvers " + String.join(",", solvers))
                + " --out " + out;
        for (Path f : BenchReport.write(out, machine, cmd, rows, notes, loop, sideBySide, seed003, wideband)) {
            System.err.println("wrote " + f);
        }
        return loop == null || loop.unaccounted() == 0 ? 0 : 4;
    }

    private BenchReport.Loopback loopback(boolean quickRun) throws Exception {
        String solver = loopbackSolver != null ? loopbackSolver
                : SolverRegistry.exists("hybrid-upga") ? "hybrid-upga" : "rzf";
        double secs = loopbackSeconds != null ? loopbackSeconds : quickRun ? 3 : 10;
        boolean hybrid = solver.startsWith("hybrid");
        Scenario base = Scenario.builder().set("radioId", "bench").set("antennas", "64").set("users", "4")
                .set("rfChains", hybrid ? "4" : "0").set("solver", solver)
                .set("reportPeriodUs", Long.toString(Math.max(1, Math.round(1e6 / loopbackRateHz))))
                .set("genieEvery", "10").build();
        ControllerConfig cfg = ControllerConfig.builder().port(0).defaultSolver(solver)
                .solveShards(Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors() - 1))).build();
        System.err.printf(Locale.ROOT, "loopback: %d radio(s) x %.0f Hz for %.1f s, solver %s%n", loopbackRadios,
                loopbackRateHz, secs, solver);
        SimReport r;
        long gcCount;
        long gcMax;
        try (Controller c = new Controller(cfg).start(); GcPauses gc = new GcPauses()) {
            r = DemoCommand.runRadios(base, "127.0.0.1", c.port(), loopbackRadios, Duration.ofNanos((long) (secs * 1e9)), null);
            gcCount = gc.count();
            gcMax = gc.maxMs();
        }
        System.err.print(r.summary());
        return new BenchReport.Loopback(solver, loopbackRadios, loopbackRateHz, secs, r.reportsSent(), r.reportsApplied(),
                r.reportsDropped(), r.unaccounted(), r.latencyPercentileNs(50), r.latencyPercentileNs(99),
                r.latencyPercentileNs(99.9), r.latencyMaxNs(), gcCount, gcMax, r.achievedSumRateBits(),
                r.genieSumRateBits(), r.latencyNs());
    }
}
