package org.isac.tools.study;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.isac.solver.IsacParams;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.digital.MaxMinModel;
import org.isac.solver.digital.MaxMinSolver;
import org.isac.solver.digital.Seed002Scenario;
import org.isac.solver.digital.Seed004Scenario;

/**
 * Reproduction study of the digital ISAC papers, as data (tables and curves; a CLI draws
 * them): seed 004 Table I for the 4×4, 4×8 and 4×16 transmit UPAs, the Fig. 3 trade-off
 * (δ_c sweep at δ_s = 1), run time vs N_t (Fig. 5); seed 002 objective vs layers (Fig. 2a,
 * unfolded vs fixed vs backtracking), min-SINR and min-SCNR vs K (Fig. 3a) and run time per
 * solve (Table I). Sum rates and objectives are in nats, SINR/SCNR in dB (mean of the dB
 * values over channels, as the authors average), times in ms per solve on this JVM.
 *
 * <p>Run time needs a clock, which the solvers module does not read: callers pass one
 * ({@code System::nanoTime}). Every experiment is seeded; channel sets do not overlap the
 * shipped model's training (seed 2024) and validation (2025) sets.
 */
public final class DigitalStudy {
    /** Seed 004 Table I (Algorithm 1 N_s = 3M, N_s = 0, LD N_s = 3M) per column as (sum rate, CRLB). */
    private static final double[][][] PAPER_TABLE_ONE = {
        {{10.95, 2.46}, {10.93, 2.46}, {10.95, 2.46}}, // 4×4 (printed "N_t = 8")
        {{15.07, 1.13}, {15.07, 1.13}, {15.04, 1.14}}, // 4×8 (printed "N_t = 16")
        {{18.25, 0.85}, {18.27, 0.85}, {18.12, 0.87}}, // 4×16 (printed "N_t = 32")
    };
    private static final String[] TABLE_ONE_ALGORITHMS = {"Algorithm 1, N_s = 3M", "Algorithm 1, N_s = 0", "LD Algorithm 1, N_s = 3M"};
    /** Seed 002 Table I run time (s, Python): K = 6, 8, 10, 12. */
    private static final int[] PAPER_RUNTIME_USERS = {6, 8, 10, 12};
    private static final double[][] PAPER_RUNTIME_S = {
        {0.1730, 0.1704, 0.1774, 0.1719}, // Algorithm 1 (I_w = 4), unfolded
        {0.4482, 0.9897, 1.420, 1.736}, // Fixed β
        {0.1985, 0.2892, 0.3540, 0.2775}, // Dynamic β (backtracking)
    };
    /** The seed 002 solvers compared, with display labels. */
    public static final String[] SEED002_SOLVERS = {"maxmin-uao", "maxmin-ao", "maxmin-ao-bt"};

    private DigitalStudy() {
    }

    /** Sizes of the experiments; {@link #full()} is the report, {@link #quick()} a smoke run. */
    public record Config(int tableChannels, int tradeOffChannels, double[] deltaC, int[] runtimeVerticals, int runtimeChannels,
            int layerChannels, int[] users, int fairnessChannels, long seed) {
        public static Config full() {
            return new Config(100, 20, logSweep(-7, 5), new int[] {2, 4, 8, 16, 32}, 5, 100, new int[] {2, 4, 6, 8, 10, 12}, 50, 99);
        }

        public static Config quick() {
            return new Config(4, 2, new double[] {1e-3, 0.25, 100}, new int[] {2, 4}, 1, 4, new int[] {2, 6}, 3, 99);
        }
    }

    /** Progress: a line per finished experiment part. */
    public interface Progress {
        void step(String what);
    }

    // ------------------------------------------------------------------ seed 004

    /**
     * One Table I cell: mean (sum rate, CRLB) over the channels next to the paper's value.
     *
     * @param array transmit UPA, e.g. "4x8" (radar UPA 5 × the same vertical size)
     */
    public record TableOneRow(String array, int txAntennas, int rxAntennas, String algorithm, double sumRateNats, double crlb,
            double paperSumRateNats, double paperCrlb, double meanIterations, double meanSolveMs) {
        /** (ours − paper) / paper for the sum rate. */
        public double rateRelativeError() {
            return (sumRateNats - paperSumRateNats) / paperSumRateNats;
        }

        /** (ours − paper) / paper for the CRLB. */
        public double crlbRelativeError() {
            return (crlb - paperCrlb) / paperCrlb;
        }
    }

    /**
     * Seed 004 Table I columns for the 4×4, 4×8 and 4×16 transmit UPAs: Algorithm 1 with
     * N_s = 3M and 0 and the LD variant, {@code channels} Rayleigh channels each with the
     * authors' fixed targets ({@link Seed004Scenario}), L = 30, δ_c = 0.25, δ_s = 1.
     */
    public static List<TableOneRow> seed004TableOne(int channels, long seed, LongSupplier clock) {
        List<TableOneRow> rows = new ArrayList<>();
        int[] verticals = {4, 8, 16};
        String[] solvers = {"sca-crlb", "sca-crlb", "sca-crlb-ld"};
        int[] streams = {6, 0, 6};
        for (int a = 0; a < verticals.length; a++) {
            for (int v = 0; v < 3; v++) {
                double[] r = meanSeed004(solvers[v], verticals[a], streams[v], IsacParams.DEFAULT_DELTA_C, channels, seed, clock);
                rows.add(new TableOneRow("4x" + verticals[a], 4 * verticals[a], 5 * verticals[a], TABLE_ONE_ALGORITHMS[v], r[0], r[1],
                        PAPER_TABLE_ONE[a][v][0], PAPER_TABLE_ONE[a][v][1], r[2], r[3]));
            }
        }
        return rows;
    }

    /** Mean (sum rate, CRLB, iterations, ms per solve) of one seed 004 solver over a channel set. */
    static double[] meanSeed004(String solver, int vertical, int streams, double deltaC, int channels, long seed, LongSupplier clock) {
        SplittableRandom rng = new SplittableRandom(seed);
        Solver s = SolverRegistry.create(solver);
        Precoder out = new Precoder();
        Problem p = Seed004Scenario.problem(rng, vertical, 4);
        p.params.put(IsacParams.SENSING_STREAMS, streams);
        p.params.put(IsacParams.FRAME_LENGTH, 30);
        p.params.put(IsacParams.DELTA_C, deltaC);
        p.params.put(IsacParams.DELTA_S, 1);
        double rate = 0, crlb = 0, iters = 0;
        long ns = 0;
        for (int c = 0; c < channels; c++) {
            if (c > 0) {
                Seed004Scenario.redraw(rng, p, 4);
            }
            long t0 = clock.getAsLong();
            s.solve(p, out);
            ns += clock.getAsLong() - t0;
            rate += out.predicted.get("sum_rate_nats", Double.NaN);
            crlb += out.predicted.get("crlb", Double.NaN);
            iters += out.iterations;
        }
        return new double[] {rate / channels, crlb / channels, iters / channels, ns / 1e6 / channels};
    }

    /** One point of the Fig. 3 trade-off: weights and the mean achieved (sum rate, CRLB). */
    public record TradeOffPoint(double deltaC, double deltaS, double sumRateNats, double crlb) {
    }

    /**
     * Fig. 3: Algorithm 1 (N_s = 3M) on the 4×4 array with δ_s = 1 and δ_c over {@code deltaC},
     * mean over {@code channels} channels.
     */
    public static List<TradeOffPoint> seed004TradeOff(double[] deltaC, int channels, long seed, LongSupplier clock) {
        List<TradeOffPoint> out = new ArrayList<>();
        for (double dc : deltaC) {
            double[] r = meanSeed004("sca-crlb", 4, 6, dc, channels, seed, clock);
            out.add(new TradeOffPoint(dc, 1, r[0], r[1]));
        }
        return out;
    }

    /** Fig. 5: mean ms per solve (and iterations) vs N_t for Algorithm 1 (N_s = 3M, 0) and LD. */
    public record RuntimePoint(String array, int txAntennas, double algorithmOneMs, double algorithmOneNs0Ms, double lowDimensionalMs,
            double algorithmOneIterations, double lowDimensionalIterations) {
    }

    public static List<RuntimePoint> seed004RuntimeVsAntennas(int[] verticals, int channels, long seed, LongSupplier clock) {
        List<RuntimePoint> out = new ArrayList<>();
        // one untimed solve per solver and size first (JIT warm-up)
        for (int v : verticals) {
            double[] full = meanSeed004("sca-crlb", v, 6, IsacParams.DEFAULT_DELTA_C, 1, seed + 1, clock);
            full = meanSeed004("sca-crlb", v, 6, IsacParams.DEFAULT_DELTA_C, channels, seed, clock);
            double[] ns0 = meanSeed004("sca-crlb", v, 0, IsacParams.DEFAULT_DELTA_C, channels, seed, clock);
            double[] ld = meanSeed004("sca-crlb-ld", v, 6, IsacParams.DEFAULT_DELTA_C, 1, seed + 1, clock);
            ld = meanSeed004("sca-crlb-ld", v, 6, IsacParams.DEFAULT_DELTA_C, channels, seed, clock);
            out.add(new RuntimePoint("4x" + v, 4 * v, full[3], ns0[3], ld[3], full[2], ld[2]));
        }
        return out;
    }

    // ------------------------------------------------------------------ seed 002

    /** Mean h (nats) after each outer layer (index 0 = start point) for one solver. */
    public record LayerCurve(String solver, String description, double[] meanObjectiveNats) {
    }

    /**
     * Fig. 2a: mean objective vs outer layer on held-out seed 002 channels (K = 4, δ = 1)
     * for the unfolded model and the fixed-step (the paper's β) and backtracking AO with the
     * same number of outer iterations and W steps per iteration, plus the fixed-step AO with a
     * 10× larger β as a tuned reference.
     */
    public static List<LayerCurve> seed002ObjectiveVsLayers(int channels, long seed) {
        MaxMinSolver unfolded = MaxMinSolver.unfolded();
        MaxMinModel model = unfolded.model();
        int layers = model.outer(), steps = model.inner() * model.repeats();
        List<Problem> set = Seed002Scenario.dataset(channels, 4, 1, seed);
        Solver[] solvers = {unfolded, new MaxMinSolver(MaxMinSolver.Kind.FIXED), new MaxMinSolver(MaxMinSolver.Kind.BACKTRACKING),
            new MaxMinSolver(MaxMinSolver.Kind.FIXED)};
        String[] names = {"maxmin-uao", "maxmin-ao", "maxmin-ao-bt", "maxmin-ao (step 0.01)"};
        String[] what = {"unfolded AO, learned steps and smoothing (shipped model)",
            "fixed step β = 0.001·√P_t (the paper's 0.01 at P_t = 100), μ = 10",
            "Armijo backtracking from β₀ = 0.1·√P_t, μ = 10",
            "fixed step β = 0.01·√P_t (10× the paper's), μ = 10"};
        List<LayerCurve> out = new ArrayList<>();
        Precoder pre = new Precoder();
        double[] trace = new double[layers + 1];
        for (int v = 0; v < solvers.length; v++) {
            MaxMinSolver s = (MaxMinSolver) solvers[v];
            s.core().traceObjective(trace);
            double[] mean = new double[layers + 1];
            for (Problem p : set) {
                p.params.put("max_iter", layers);
                p.params.put("inner_steps", steps);
                p.params.put("step", v == 3 ? 0.01 : v == 2 ? 0.1 : 0.001);
                s.solve(p, pre);
                for (int l = 0; l <= layers; l++) {
                    mean[l] += trace[l] / channels;
                }
            }
            s.core().traceObjective(null);
            out.add(new LayerCurve(names[v], what[v], mean));
        }
        return out;
    }

    /**
     * Fig. 3a and Table I of seed 002 for one solver and K: mean min-SINR and min-SCNR (dB),
     * mean h, and ms per solve (the paper's Python seconds where it lists K).
     */
    public record FairnessPoint(String solver, int users, double minSinrDb, double minScnrDb, double objectiveNats, double meanSolveMs,
            double meanIterations, double paperSeconds) {
    }

    /**
     * min-SINR / min-SCNR vs K (δ = 1) for the unfolded model (its 150 layers) and the
     * fixed-step and backtracking AO run to convergence (tol 1e-4 on h, at most 300 outer
     * iterations of 6 W steps).
     */
    public static List<FairnessPoint> seed002FairnessVsUsers(int[] users, int channels, long seed, LongSupplier clock) {
        List<FairnessPoint> out = new ArrayList<>();
        Precoder pre = new Precoder();
        for (int v = 0; v < SEED002_SOLVERS.length; v++) {
            Solver s = SolverRegistry.create(SEED002_SOLVERS[v]);
            for (int k : users) {
                List<Problem> set = Seed002Scenario.dataset(channels, k, 1, seed + k);
                // warm-up (untimed)
                s.solve(set.get(0), pre);
                double sinr = 0, scnr = 0, h = 0, iters = 0;
                long ns = 0;
                for (Problem p : set) {
                    p.params.put("max_iter", 300);
                    p.params.put("tol", 1e-4);
                    long t0 = clock.getAsLong();
                    s.solve(p, pre);
                    ns += clock.getAsLong() - t0;
                    sinr += pre.predicted.get("min_sinr_db", Double.NaN);
                    scnr += pre.predicted.get("min_scnr_db", Double.NaN);
                    h += pre.predicted.get("objective_nats", Double.NaN);
                    iters += pre.iterations;
                }
                double paper = Double.NaN;
                for (int i = 0; i < PAPER_RUNTIME_USERS.length; i++) {
                    if (PAPER_RUNTIME_USERS[i] == k) {
                        paper = PAPER_RUNTIME_S[v][i];
                    }
                }
                out.add(new FairnessPoint(SEED002_SOLVERS[v], k, sinr / channels, scnr / channels, h / channels, ns / 1e6 / channels,
                        iters / channels, paper));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ everything

    /** All parts of the study. */
    public record Report(List<TableOneRow> tableOne, List<TradeOffPoint> tradeOff, List<RuntimePoint> runtime, List<LayerCurve> layers,
            List<FairnessPoint> fairness, Config config) {
    }

    public static Report run(Config c, LongSupplier clock, Progress progress) {
        List<TableOneRow> t = seed004TableOne(c.tableChannels(), c.seed(), clock);
        report(progress, "seed 004 Table I");
        List<TradeOffPoint> d = seed004TradeOff(c.deltaC(), c.tradeOffChannels(), c.seed(), clock);
        report(progress, "seed 004 Fig. 3 trade-off");
        List<RuntimePoint> r = seed004RuntimeVsAntennas(c.runtimeVerticals(), c.runtimeChannels(), c.seed(), clock);
        report(progress, "seed 004 run time vs N_t");
        List<LayerCurve> l = seed002ObjectiveVsLayers(c.layerChannels(), c.seed());
        report(progress, "seed 002 objective vs layers");
        List<FairnessPoint> f = seed002FairnessVsUsers(c.users(), c.fairnessChannels(), c.seed(), clock);
        report(progress, "seed 002 min-SINR / min-SCNR vs K and run time");
        return new Report(t, d, r, l, f, c);
    }

    private static void report(Progress p, String what) {
        if (p != null) {
            p.step(what);
        }
    }

    /** 10^from … 10^to, one point per decade. */
    public static double[] logSweep(int from, int to) {
        double[] v = new double[to - from + 1];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.pow(10, from + i);
        }
        return v;
    }
}
