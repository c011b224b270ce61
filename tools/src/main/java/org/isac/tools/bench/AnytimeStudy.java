package org.isac.tools.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.digital.Seed002Scenario;
import org.isac.solver.hybrid.HybridUpgaModel;
import org.isac.tools.study.PrecisionStudy;

/**
 * Quality under time pressure: an unfolded solver's objective and rate after L layers, and
 * the time a solve with L layers takes, on held-out channels (one thread; every layer count
 * is timed in each of several passes, after a first untimed pass that also warms up). With that, a budget b buys the most layers whose p50 solve time fits, and
 * the study reports the fraction of the full-layer objective that buys. For
 * {@code hybrid-upga} the anytime answer is the better of the eq. (26) start and layer L
 * (what an early stop serves), reported beside the raw layer-L value.
 */
public final class AnytimeStudy {
    private AnytimeStudy() {
    }

    /** One layer count: means over channels, and the p50 time of a solve with that many layers. */
    public record Point(int layers, double objective, double anytimeObjective, double rate, long p50Ns) {
    }

    /** The study of one solver. */
    public record Result(String solver, String objectiveName, String rateName, String setting, int channels,
            List<Point> points) {
        /** The full-layer point (the last). */
        public Point full() {
            return points.get(points.size() - 1);
        }

        /**
         * The budget from which the anytime objective keeps {@code fraction} of the full one's:
         * the solve time of the fewest layers that do, taken as the largest p50 among that and
         * every smaller layer count (more layers never take less time; single p50s are noisy);
         * -1 when none.
         */
        public long budgetFor(double fraction) {
            double target = fraction * full().anytimeObjective();
            long envelope = 0;
            for (Point p : points) {
                envelope = Math.max(envelope, p.p50Ns());
                if (p.anytimeObjective() >= target) {
                    return envelope;
                }
            }
            return -1;
        }
    }

    /** hybrid-upga with the shipped model for N, K = M, ω = 0.3, at {@code snrDb}, every layer count. */
    public static Result hybrid(int channels, long seed, double snrDb, int reps) {
        HybridUpgaModel model = HybridUpgaModel.shippedFor(64, 4, 4, 0.3);
        List<Problem> problems = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            problems.add(PrecisionStudy.problem(model, seed + c, snrDb));
        }
        int[] layers = new int[model.outer() + 1];
        for (int l = 0; l <= model.outer(); l++) {
            layers[l] = l;
        }
        List<Point> pts = run("hybrid-upga", problems, layers, "objective", "sum_rate_bits", reps, true);
        return new Result("hybrid-upga", "R − ωτ", "sum rate (bit/s/Hz)", String.format(java.util.Locale.ROOT,
                "model %s (N = 64, K = M = 4, ω = 0.3), %d Saleh–Valenzuela channels, %.0f dB", model.name(), channels, snrDb),
                channels, pts);
    }

    /** maxmin-uao (seed 002 setting, K = 4) at a ladder of layer counts up to the model's. */
    public static Result maxmin(int channels, long seed, int reps) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Problem> problems = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            problems.add(Seed002Scenario.draw(rng, 4));
        }
        int[] layers = {0, 1, 2, 3, 5, 8, 12, 20, 30, 50, 75, 100, 150};
        List<Point> pts = run("maxmin-uao", problems, layers, "objective_nats", "min_rate_nats", reps, false);
        return new Result("maxmin-uao", "h(W, F) (nats)", "min rate (nats/s/Hz)",
                "seed 002 setting (16 × 16 ULAs, K = 4, 2 targets, 2 clutter, 20 dB), " + channels + " channels", channels, pts);
    }

    private static List<Point> run(String name, List<Problem> problems, int[] layers, String objectiveKey, String rateKey,
                                   int reps, boolean keepStart) {
        Solver solver = SolverRegistry.create(name);
        Precoder out = new Precoder();
        int n = problems.size(), m = layers.length;
        double[] obj = new double[m], any = new double[m], rate = new double[m];
        double[] start = new double[n];
        for (int i = 0; i < m; i++) { // quality: deterministic, one solve per channel and layer count
            for (int c = 0; c < n; c++) {
                Problem p = problems.get(c);
                p.params.put("layers", layers[i]);
                solver.solve(p, out);
                double o = out.predicted.get(objectiveKey, Double.NaN);
                if (i == 0) {
                    start[c] = o;
                }
                obj[i] += o / n;
                any[i] += (keepStart ? Math.max(o, start[c]) : o) / n;
                rate[i] += out.predicted.get(rateKey, Double.NaN) / n;
            }
        }
        // time: every layer count in each pass, so drift and pauses spread over all of them
        long[][] times = new long[m][n * reps];
        for (int r = 0; r < reps; r++) {
            for (int i = 0; i < m; i++) {
                for (int c = 0; c < n; c++) {
                    Problem p = problems.get(c);
                    p.params.put("layers", layers[i]);
                    long t0 = System.nanoTime();
                    solver.solve(p, out);
                    times[i][r * n + c] = System.nanoTime() - t0;
                }
            }
        }
        List<Point> pts = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            Arrays.sort(times[i]);
            pts.add(new Point(layers[i], obj[i], any[i], rate[i], times[i][times[i].length / 2]));
        }
        return pts;
    }
}
