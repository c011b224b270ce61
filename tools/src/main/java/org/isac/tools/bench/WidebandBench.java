package org.isac.tools.bench;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.channel.SalehValenzuela;

/**
 * Wideband rows: a solver that handles S subbands itself ({@link Solver#wideband()}) against the
 * per-subband loop it replaces, on the same problems. Each subband is an independent
 * Saleh–Valenzuela draw at SNR 12 dB, P_t = 1 W per subband. The batched side times one
 * wideband solve; the loop side times S narrowband solves (one solver instance, the subbands
 * already split into narrowband problems, so copying them out costs the loop nothing). The two
 * sides alternate in short slices, so both see the same load on a shared machine; each slice's
 * solves are timed with {@link System#nanoTime()} into an HdrHistogram. The batched side is
 * warmed until it has solved {@link #WARM_SUBBANDS} subbands: its Vector API kernels are not
 * the narrowband path's, and they run boxed until C2 compiles them.
 */
public final class WidebandBench {
    /** Columns of {@code wideband.csv}. */
    public static final String CSV_HEADER =
            "solver,n,k,subbands,p50_ns,p99_ns,p50_per_subband_ns,loop_p50_ns,loop_p50_per_subband_ns,batched_over_loop,bytes_per_solve";

    /** One (solver, S) measurement. */
    public record Row(String solver, int n, int k, int subbands, long samples, long p50Ns, long p99Ns, long loopSamples,
                      long loopP50Ns, long loopP99Ns, double bytesPerSolve) {
        /** Batched p50 per subband (ns). */
        public double perSubbandNs() {
            return (double) p50Ns / subbands;
        }

        /** Loop p50 per subband (ns). */
        public double loopPerSubbandNs() {
            return (double) loopP50Ns / subbands;
        }

        /** Batched p50 over the loop's p50 (below 1: the batch is cheaper). */
        public double ratio() {
            return (double) p50Ns / loopP50Ns;
        }
    }

    /** Timing settings: warm-up and measurement seconds per side, slices per side, pool size, seed. */
    public record Settings(double warmupSeconds, double measureSeconds, int slices, int poolSize, long seed) {
        public static Settings quick() {
            return new Settings(1.0, 0.4, 8, 4, 17);
        }

        public static Settings full() {
            return new Settings(1.0, 2.0, 20, 8, 17);
        }
    }

    /** Subbands the batched side solves at least while warming up (unless that takes 3 × the warm-up time). */
    public static final long WARM_SUBBANDS = 100_000;

    private final Settings settings;

    public WidebandBench(Settings settings) {
        this.settings = settings;
    }

    /** The registered digital solvers that solve wideband problems themselves. */
    public static List<String> widebandDigitalSolvers(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String name : names) {
            if (!SolverRegistry.exists(name)) {
                continue;
            }
            Solver s = SolverRegistry.create(name);
            if (!s.wideband()) {
                continue;
            }
            Problem p = pool(8, 2, 1, 1, 3)[0];
            Precoder out0 = new Precoder();
            try {
                s.solve(p, out0);
            } catch (RuntimeException e) {
                continue;
            }
            if (!out0.isHybrid()) {
                out.add(name);
            }
        }
        return out;
    }

    /** {@code size} wideband problems of S subbands at N × K (P_t = 1 W per subband, SNR 12 dB, K = M). */
    public static Problem[] pool(int n, int k, int subbands, int size, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed ^ (31L * n + k) ^ ((long) subbands << 32));
        SalehValenzuela model = new SalehValenzuela(n, k);
        double noise = Math.pow(10, -1.2);
        Problem[] pool = new Problem[size];
        for (int i = 0; i < size; i++) {
            Problem p = new Problem();
            p.powerBudgetW = 1;
            p.rfChains = k;
            p.tx = org.isac.solver.array.ArrayShape.ula(n);
            p.rx = p.tx;
            p.setSubbands(subbands);
            for (int s = 0; s < subbands; s++) {
                model.draw(rnd, p.channel(s));
                java.util.Arrays.fill(p.noiseFor(s, k), 0, k, noise);
            }
            pool[i] = p;
        }
        return pool;
    }

    /** Subband s of {@code p} as a narrowband problem (what the controller's subband loop solves). */
    static Problem narrowband(Problem p, int s) {
        return org.isac.solver.SubbandLoop.narrowband(p, s, new Problem());
    }

    /** Measures every solver at every S; {@code log} gets one line per row. */
    public List<Row> measure(List<String> solvers, int n, int k, int[] subbands, Consumer<String> log) {
        List<Row> rows = new ArrayList<>();
        for (String name : solvers) {
            for (int s : subbands) {
                Row r = measure(name, n, k, s);
                rows.add(r);
                log.accept(String.format(Locale.ROOT,
                        "wideband %-8s N=%d K=%d S=%-3d p50 %9.2f us (%7.3f us/subband)  loop %9.2f us (%7.3f us/subband)  ratio %.2f",
                        name, n, k, s, r.p50Ns() / 1e3, r.perSubbandNs() / 1e3, r.loopP50Ns() / 1e3,
                        r.loopPerSubbandNs() / 1e3, r.ratio()));
            }
        }
        return rows;
    }

    /** One solver at one S. */
    public Row measure(String name, int n, int k, int subbands) {
        Problem[] wide = pool(n, k, subbands, settings.poolSize(), settings.seed());
        Problem[][] split = new Problem[wide.length][subbands];
        for (int i = 0; i < wide.length; i++) {
            for (int s = 0; s < subbands; s++) {
                split[i][s] = narrowband(wide[i], s);
            }
        }
        Solver batched = SolverRegistry.create(name);
        Solver single = SolverRegistry.create(name);
        if (!batched.wideband()) {
            throw new IllegalArgumentException(name + " does not solve wideband problems itself");
        }
        Precoder outB = new Precoder();
        Precoder outL = new Precoder();
        Histogram hb = new Histogram(3_600_000_000_000L, 3);
        Histogram hl = new Histogram(3_600_000_000_000L, 3);
        int[] cursor = {0, 0};
        // The batched path's Vector API kernels run boxed (about a hundred times slower) until C2
        // compiles them, which takes thousands of calls: warm until WARM_SUBBANDS subbands have
        // been solved as well as for the warm-up time, within three times that time.
        long warmStart = System.nanoTime();
        long solved = 0;
        do {
            long before = hb.getTotalCount();
            slice(batched, wide, outB, settings.warmupSeconds() / 4, hb, cursor);
            solved += (hb.getTotalCount() - before) * subbands;
        } while (solved < WARM_SUBBANDS && System.nanoTime() - warmStart < 3 * settings.warmupSeconds() * 1e9);
        loopSlice(single, split, outL, settings.warmupSeconds() / 2, hl, cursor);
        hb.reset();
        hl.reset();
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long bytes = 0;
        double each = settings.measureSeconds() / settings.slices();
        for (int i = 0; i < settings.slices(); i++) {
            long b0 = threads.getThreadAllocatedBytes(tid);
            slice(batched, wide, outB, each, hb, cursor);
            bytes += threads.getThreadAllocatedBytes(tid) - b0;
            loopSlice(single, split, outL, each, hl, cursor);
        }
        return new Row(name, n, k, subbands, hb.getTotalCount(), hb.getValueAtPercentile(50), hb.getValueAtPercentile(99),
                hl.getTotalCount(), hl.getValueAtPercentile(50), hl.getValueAtPercentile(99),
                (double) bytes / Math.max(1, hb.getTotalCount()));
    }

    private static void slice(Solver solver, Problem[] pool, Precoder out, double seconds, Histogram h, int[] cursor) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int idx = cursor[0];
        long count = 0;
        while (true) {
            Problem p = pool[idx];
            long t0 = System.nanoTime();
            solver.solve(p, out);
            long t1 = System.nanoTime();
            h.recordValue(t1 - t0);
            count++;
            idx = idx + 1 == pool.length ? 0 : idx + 1;
            if (t1 - end >= 0) {
                cursor[0] = idx;
                return;
            }
        }
    }

    private static void loopSlice(Solver solver, Problem[][] pool, Precoder out, double seconds, Histogram h, int[] cursor) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int idx = cursor[1];
        long count = 0;
        while (true) {
            Problem[] subbands = pool[idx];
            long t0 = System.nanoTime();
            for (Problem p : subbands) {
                solver.solve(p, out);
            }
            long t1 = System.nanoTime();
            h.recordValue(t1 - t0);
            count++;
            idx = idx + 1 == pool.length ? 0 : idx + 1;
            if (t1 - end >= 0) {
                cursor[1] = idx;
                return;
            }
        }
    }

    public static String csv(List<Row> rows) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%d,%.1f,%d,%.1f,%.4f,%.0f%n", r.solver(), r.n(), r.k(),
                    r.subbands(), r.p50Ns(), r.p99Ns(), r.perSubbandNs(), r.loopP50Ns(), r.loopPerSubbandNs(), r.ratio(),
                    r.bytesPerSolve()));
        }
        return sb.toString();
    }

    /** The section's markdown (without its heading). */
    public static String markdown(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("Digital solvers that solve every subband themselves (`Solver.wideband()`), P_t per subband, against ")
                .append("the per-subband loop of narrowband solves on the same channels (subbands already split, so the ")
                .append("loop pays no copying); the two alternate in short slices so that both see the same load, after ")
                .append("the batched side has solved at least ").append(WARM_SUBBANDS).append(" subbands (its vector kernels are ")
                .append("its own and run boxed until C2 compiles them). ")
                .append("Per subband = p50 / S; ratio = batched p50 / loop p50 (below 1: the batch is cheaper); ")
                .append("vs S = 1 = this row's batched time per subband over the S = 1 row's.\n\n");
        sb.append("| solver | N | K | S | p50 µs | p99 µs | µs / subband | loop p50 µs | loop µs / subband | batched / loop | vs S = 1 | B/solve |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            double one = Double.NaN;
            for (Row o : rows) {
                if (o.solver().equals(r.solver()) && o.n() == r.n() && o.k() == r.k() && o.subbands() == 1) {
                    one = o.perSubbandNs();
                }
            }
            sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.2f | %.2f | %.3f | %.2f | %.3f | %.2f | %s | %.0f |%n",
                    r.solver(), r.n(), r.k(), r.subbands(), r.p50Ns() / 1e3, r.p99Ns() / 1e3, r.perSubbandNs() / 1e3,
                    r.loopP50Ns() / 1e3, r.loopPerSubbandNs() / 1e3, r.ratio(),
                    Double.isNaN(one) ? "–" : String.format(Locale.ROOT, "%.2f", r.perSubbandNs() / one), r.bytesPerSolve()));
        }
        return sb.toString();
    }
}
