package org.isac.tools.bench;

import com.sun.management.ThreadMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.channel.SalehValenzuela;
import org.isac.solver.metric.Metrics;

/**
 * Latency of registered solvers on one thread: for each solver and size, a pool of seeded
 * Saleh–Valenzuela problems (SNR 12 dB, P_t = 1 W, targets at −60°, 0°, 60°), a warm-up,
 * then every solve timed with {@link System#nanoTime()} into an HdrHistogram. Also records
 * bytes allocated per solve, GC collections during the measurement, and the mean sum rate
 * of the solutions (quality, for the quality-vs-latency view of unfolded solvers).
 */
public final class SolverSweep {
    /** One measured configuration. */
    public record Row(String solver, int n, int k, int m, int layers, long samples, long p50Ns, long p99Ns,
                      long p999Ns, long maxNs, double meanNs, double flops, double gflops, double peakFraction,
                      boolean single, double bytesPerSolve, long gcCount, double sumRateBits, Histogram histogram) {
    }

    /** Sweep settings. */
    public record Settings(double warmupSeconds, double measureSeconds, int poolSize, long seed, double snrDb) {
        public static Settings quick() {
            return new Settings(1.0, 0.5, 32, 7, 12);
        }

        public static Settings full() {
            return new Settings(1.0, 2.0, 64, 7, 12);
        }
    }

    /** Fewest timed solves per configuration, however slow the solver. */
    public static final int MIN_SAMPLES = 20;

    private final Settings settings;
    private final double peakGflops;

    public SolverSweep(Settings settings, double peakGflops) {
        this.settings = settings;
        this.peakGflops = peakGflops;
    }

    /**
     * Measures one configuration.
     *
     * @param m      RF chains for hybrid solvers (digital solvers ignore it and report 0)
     * @param layers a layer count set through {@code layerParam}, or 0 for the solver's own
     */
    public Row measure(String solverName, int n, int k, int m, String layerParam, int layers) {
        Solver solver = SolverRegistry.create(solverName);
        SplittableRandom rnd = new SplittableRandom(settings.seed() ^ (31L * n + k));
        SalehValenzuela model = new SalehValenzuela(n, k);
        double noise = Math.pow(10, -settings.snrDb() / 10);
        Problem[] pool = new Problem[settings.poolSize()];
        for (int i = 0; i < pool.length; i++) {
            Problem p = new Problem();
            model.draw(rnd, p.channel);
            p.powerBudgetW = 1;
            p.setNoise(k, noise);
            p.rfChains = m;
            p.tx = org.isac.solver.array.ArrayShape.ula(n);
            p.rx = p.tx;
            p.targets.clear();
            p.targets.add(Math.toRadians(-60), 0, 1, 0);
            p.targets.add(0, 0, 1, 0);
            p.targets.add(Math.toRadians(60), 0, 1, 0);
            if (layers > 0 && layerParam != null) {
                p.params.put(layerParam, layers);
            }
            pool[i] = p;
        }
        return measure(solverName, solverName, pool, layers);
    }

    /**
     * Measures {@code solverName} on a given problem pool (the problems carry their own
     * parameters), reported under {@code label}. N, K and M of the row come from the first problem.
     */
    public Row measure(String label, String solverName, Problem[] pool, int layers) {
        Solver solver = SolverRegistry.create(solverName);
        Precoder out = new Precoder();
        int n = pool[0].antennas();
        int k = pool[0].users();
        int m = pool[0].rfChains;
        solver.solve(pool[0], out);
        boolean hybrid = out.isHybrid();
        double flops = solver.flops(pool[0]);
        // warm up through the same timed loop, so its compiled form is what gets measured
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        int[] cursor = {0};
        timedLoop(solver, pool, out, settings.warmupSeconds(), 3, h, cursor);
        h.reset();
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long gc0 = gcCount();
        long bytes0 = threads.getThreadAllocatedBytes(tid);
        long count = timedLoop(solver, pool, out, settings.measureSeconds(), MIN_SAMPLES, h, cursor);
        long bytes = threads.getThreadAllocatedBytes(tid) - bytes0;
        long gcs = gcCount() - gc0;
        double rate = 0;
        double[] scratch = new double[k];
        for (Problem p : pool) {
            solver.solve(p, out);
            rate += Metrics.sumRateBits(p.channel, out.effective(new org.isac.solver.linalg.CMatrix()), p.noise, scratch);
        }
        rate /= pool.length;
        long p50 = h.getValueAtPercentile(50);
        double gflops = Double.isNaN(flops) ? Double.NaN : flops / p50;
        boolean single = solver.singlePrecision(pool[0]);
        double peak = single ? 2 * peakGflops : peakGflops;
        return new Row(label, n, k, hybrid ? m : 0, layers, count, p50, h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue(), h.getMean(), flops, gflops,
                Double.isNaN(gflops) || !(peak > 0) ? Double.NaN : gflops / peak, single,
                (double) bytes / count, gcs, rate, h);
    }

    /** Solves round the pool for {@code seconds} (and at least {@code minSamples} times), each timed into {@code h}. */
    private static long timedLoop(Solver solver, Problem[] pool, Precoder out, double seconds, int minSamples, Histogram h,
            int[] cursor) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long count = 0;
        int idx = cursor[0];
        while (true) {
            Problem p = pool[idx];
            long t0 = System.nanoTime();
            solver.solve(p, out);
            long t1 = System.nanoTime();
            h.recordValue(t1 - t0);
            count++;
            idx = idx + 1 == pool.length ? 0 : idx + 1;
            if (t1 - end >= 0 && count >= minSamples) {
                cursor[0] = idx;
                return count;
            }
        }
    }

    private static long gcCount() {
        long c = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            c += Math.max(0, b.getCollectionCount());
        }
        return c;
    }

    /** The parameter that sets a solver's layer count, from its registry description, or null. */
    public static String layerParam(String solverName) {
        for (SolverRegistry.Entry e : SolverRegistry.entries()) {
            if (e.name().equals(solverName)) {
                String params = e.params();
                if (params.matches("(?s)(.*[^a-z_])?layers([^a-z_].*)?")) {
                    return "layers";
                }
                if (params.contains("outer:")) {
                    return "outer";
                }
                return null;
            }
        }
        throw new IllegalArgumentException("unknown solver '" + solverName + "'; known: " + SolverRegistry.names());
    }

    /** Every registered solver name. */
    public static List<String> allSolvers() {
        List<String> names = new ArrayList<>();
        for (SolverRegistry.Entry e : SolverRegistry.entries()) {
            names.add(e.name());
        }
        return names;
    }
}
