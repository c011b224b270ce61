package org.isac.tools.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.isac.tools.report.Plot;
import org.isac.solver.Problem;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.nn.DnnConfig;
import org.isac.solver.nn.DnnIsacSolver;
import org.isac.solver.nn.Seed003Dataset;
import org.isac.solver.train.nn.ShippedModels;

/**
 * Latency at seed 003's sizes: M = 10 and M = 20 transmit antennas, K = 10 users, T = 2
 * targets at −10° and 25°, R = 10 radar antennas, the Rician path-loss channels the
 * {@value DnnIsacSolver#NAME} models were trained on ({@link Seed003Dataset}, SNR 20 dB).
 * {@code dnn-isac} is served only at these sizes, so the main sweep cannot time it; here it
 * runs full and compressed (Q = 7, J = 10 %, Table 3's row) next to the baselines on the
 * same problems: RZF and WMMSE (the paper's comparison), the unfolded {@code maxmin-uao}
 * and the SCA designs. The SCA designs need a planar array to identify the targets (on a
 * ULA the elevation derivative vanishes and the FIM is singular), so they are timed on a
 * planar array with the same element counts (horizontal × vertical: M = 10: 5 × 2, M = 20: 5 × 4; radar 5 × 2) and
 * targets raised to 30° elevation — the channel matrices are the same.
 */
public final class Seed003Bench {
    /** One solver configuration of the section. */
    public record Variant(String label, String solver, Map<String, Double> params, boolean planar) {
    }

    /** The rows measured and the problems' description, for {@link #markdown}. */
    public record Result(List<SolverSweep.Row> rows, List<String> notes) {
    }

    /** Elevation given to the targets for the planar-array rows. */
    public static final double PLANAR_ELEVATION_DEG = 30;

    private Seed003Bench() {
    }

    /** The variants timed: every one whose solver is in {@code solvers}. */
    public static List<Variant> variants(List<String> solvers) {
        List<Variant> all = List.of(
                new Variant("dnn-isac ρ=0.5", DnnIsacSolver.NAME, Map.of("rho", 0.5), false),
                new Variant("dnn-isac ρ=0.5 Q=7 J=10%", DnnIsacSolver.NAME, Map.of("rho", 0.5, "q_bits", 7.0, "prune", 0.1), false),
                new Variant("dnn-isac ρ=1", DnnIsacSolver.NAME, Map.of("rho", 1.0), false),
                new Variant("rzf", "rzf", Map.of(), false),
                new Variant("wmmse", "wmmse", Map.of(), false),
                new Variant("maxmin-uao", "maxmin-uao", Map.of(), false),
                new Variant("sca-crlb-ld (planar)", "sca-crlb-ld", Map.of(), true),
                new Variant("sca-crlb (planar)", "sca-crlb", Map.of(), true));
        List<Variant> out = new ArrayList<>();
        for (Variant v : all) {
            if (solvers.contains(v.solver())) {
                out.add(v);
            }
        }
        return out;
    }

    /**
     * A pool of {@code size} held-out seed 003 problems for M = {@code antennas} (drawn with
     * {@code seed}), carrying {@code v}'s parameters and array geometry.
     */
    public static Problem[] pool(int antennas, int size, long seed, Variant v) {
        DnnConfig c = ShippedModels.config(antennas, 0.5);
        Seed003Dataset d = Seed003Dataset.generate(c, size, seed, false);
        Problem[] pool = new Problem[size];
        for (int s = 0; s < size; s++) {
            Problem p = new Problem();
            d.channel(s, p.channel);
            p.powerBudgetW = c.powerW();
            p.setNoise(c.users(), c.noiseW());
            if (v.planar()) {
                p.tx = planar(antennas);
                p.rx = planar(c.rxAntennas());
            } else {
                p.tx = ArrayShape.ula(antennas);
                p.rx = ArrayShape.ula(c.rxAntennas());
            }
            p.targets.clear();
            double el = v.planar() ? Math.toRadians(PLANAR_ELEVATION_DEG) : 0;
            for (double a : d.angles[s]) {
                p.targets.add(a, el, 1, 0);
            }
            for (Map.Entry<String, Double> e : v.params().entrySet()) {
                p.params.put(e.getKey(), e.getValue());
            }
            pool[s] = p;
        }
        return pool;
    }

    /** A planar array of {@code elements} elements, 5 wide: 10 → 5 × 2, 20 → 5 × 4 (horizontal × vertical). */
    static ArrayShape planar(int elements) {
        return elements % 5 == 0 ? new ArrayShape(5, elements / 5) : ArrayShape.ula(elements);
    }

    /**
     * Times every variant at every M with {@code sweep}; a variant that cannot run at a size
     * becomes a note. Progress lines go to {@code progress}.
     */
    public static Result measure(SolverSweep sweep, List<Variant> variants, int[] antennas, int poolSize, long seed,
                                 Consumer<String> progress) {
        List<SolverSweep.Row> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int m : antennas) {
            for (Variant v : variants) {
                try {
                    SolverSweep.Row r = sweep.measure(v.label(), v.solver(), pool(m, poolSize, seed, v), 0);
                    rows.add(r);
                    progress.accept(String.format(Locale.ROOT, "%-26s M=%-2d K=10 p50 %9.2f us  p99 %9.2f us  %.0f B/solve  rate %.3f",
                            v.label(), m, r.p50Ns() / 1e3, r.p99Ns() / 1e3, r.bytesPerSolve(), r.sumRateBits()));
                } catch (RuntimeException e) {
                    notes.add(String.format(Locale.ROOT, "%s at M=%d, K=10: %s", v.label(), m, e.getMessage()));
                }
            }
        }
        return new Result(rows, notes);
    }

    /** The section's markdown (without its heading). */
    public static String markdown(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("`dnn-isac` is served at seed 003's sizes only, so it is timed here: M = 10 and 20 antennas, K = 10 users, ")
                .append("T = 2 targets at −10° and 25°, Rician channels with path loss normalised to unit mean entry power at ")
                .append("SNR 20 dB (the distribution the models were trained on), P_t = 1 W. Same timing as above. ")
                .append("Rows marked (planar) run on a planar array with the same element count (M = 10: 5 × 2, M = 20: 5 × 4, ")
                .append("radar 5 × 2) with the targets at ").append((int) PLANAR_ELEVATION_DEG)
                .append("° elevation, because the SCA designs' FIM is singular on a ULA; their sum rate is on the same channels. ")
                .append("`maxmin-uao` maximises the smallest user rate (seed 002), so its sum rate is not its aim. ")
                .append("B/solve = bytes allocated per solve after warm-up.\n\n");
        sb.append("| solver | M | K | p50 µs | p99 µs | p99.9 µs | max µs | B/solve | GCs | sum rate bit/s/Hz | samples |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (SolverSweep.Row x : r.rows()) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %.2f | %.2f | %.1f | %.0f | %d | %.3f | %d |%n",
                    x.solver(), x.n(), x.k(), x.p50Ns() / 1e3, x.p99Ns() / 1e3, x.p999Ns() / 1e3, x.maxNs() / 1e3,
                    x.bytesPerSolve(), x.gcCount(), x.sumRateBits(), x.samples()));
        }
        if (!r.notes().isEmpty()) {
            sb.append('\n');
            for (String n : r.notes()) {
                sb.append("- ").append(n).append('\n');
            }
        }
        return sb.toString();
    }

    /** One latency CCDF per M; returns the files written. */
    public static List<Path> plots(Path dir, Result r) throws IOException {
        Map<Integer, List<SolverSweep.Row>> byM = new LinkedHashMap<>();
        for (SolverSweep.Row x : r.rows()) {
            byM.computeIfAbsent(x.n(), k -> new ArrayList<>()).add(x);
        }
        List<Path> files = new ArrayList<>();
        for (Map.Entry<Integer, List<SolverSweep.Row>> e : byM.entrySet()) {
            Plot p = new Plot("solve latency, seed 003 sizes, M=" + e.getKey() + ", K=10", "latency (us)", "P(latency > x)")
                    .logX().logY();
            for (SolverSweep.Row x : e.getValue()) {
                double[][] c = BenchReport.ccdf(x.histogram());
                p.line(x.solver().replace("ρ", "rho"), c[0], c[1]);
            }
            Path f = dir.resolve("latency-ccdf-seed003-m" + e.getKey() + ".png");
            p.write(f);
            files.add(f);
        }
        return files;
    }
}
