package org.isac.tools.study;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.channel.WidebandSalehValenzuela;
import org.isac.solver.digital.LinearPrecoder;
import org.isac.solver.hybrid.HybridUpgaCentreSolver;
import org.isac.solver.hybrid.HybridUpgaModel;
import org.isac.solver.hybrid.HybridUpgaSolver;
import org.isac.solver.hybrid.HybridUpgaWbSolver;
import org.isac.solver.hybrid.PsiCache;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;
import org.isac.solver.metric.Metrics;
import org.isac.solver.train.WidebandUpgaTraining;

/**
 * The wideband hybrid JCAS study behind {@code reports/wideband/}: on held-out wideband
 * Saleh–Valenzuela channels (the training scenario's C, L, f_c and τ_max; seeds far from the
 * training's), each method solves the same problems and is scored by one independent scorer:
 * the mean sum rate (1/S)·Σ_s R_s (seed 000 eq. (4) per subband, {@link Metrics#sumRateBits}),
 * τ_avg = ‖(1/S)·Σ_s X_sX_sᴴ − Ψ‖²_F with the N × N covariance formed explicitly (Ψ of eq. (6)
 * at P_t, carrier steering), and J = rate − ω·τ_avg; and the wall time of each solve.
 *
 * <p>Methods: {@code hybrid-upga-wb} (trained wideband), {@code wb-narrowband-steps} (the same
 * wideband engine with the narrowband model's steps: what the wideband training adds),
 * {@code hybrid-upga-centre} (F from narrowband hybrid-upga on the centre subband, W_s by the
 * trained W steps with F fixed) and {@code zf} (fully digital zero forcing per subband,
 * ‖X_s‖²_F = P_t: an N-RF-chain upper reference for the rate, not a hybrid design).
 */
public final class WidebandStudy {
    public static final String WB = "hybrid-upga-wb";
    public static final String WB_NARROW = "wb-narrowband-steps";
    public static final String CENTRE = "hybrid-upga-centre";
    public static final String ZF = "zf";
    public static final String[] METHODS = {WB, WB_NARROW, CENTRE, ZF};
    public static final int N = 64;
    public static final int K = 4;
    public static final double OMEGA = 0.3;

    private WidebandStudy() {
    }

    /** One method at one scenario: means over the channels (and the standard error of J). */
    public record Point(String sweep, int subbands, double bandwidthHz, boolean squint, String method, int channels,
            double objective, double objectiveSe, double rateBits, double tau, double latencyMinUs, double latencyMedianUs,
            double latencyP90Us) {
    }

    /** A beampattern a(θ, f_s)ᴴ X_s X_sᴴ a(θ, f_s) of one method on one subband (a(θ, f_s) unnormalised). */
    public record Beam(String scenario, String method, int subband, double frequencyRatio, double[] anglesDeg, double[] power) {
    }

    /** Everything the report shows. */
    public record Result(List<Point> points, List<Beam> beams, double[] anglesDeg, double[] desired, boolean oneSubbandIdentical,
            int oneSubbandChecked, double seconds) {
    }

    /** The scenario of one channel set. */
    private record Scenario(String sweep, int subbands, double bandwidthHz, boolean squint) {
    }

    /**
     * Runs the study: S ∈ {@code subbands} at the training band; B ∈ {@code bandwidthsHz} at
     * S = {@code bandwidthSubbands} without and with squint; {@code channels} held-out
     * channels per scenario (channel i of every scenario from seed {@code seed + i}); P_t at
     * {@code snrDb} with σ² = 1.
     */
    public static Result run(int channels, long seed, double snrDb, int[] subbands, double[] bandwidthsHz, int bandwidthSubbands,
            java.util.function.Consumer<String> log) throws Exception {
        long t0 = System.nanoTime();
        double pt = Math.pow(10, snrDb / 10);
        HybridUpgaModel narrowModel = HybridUpgaModel.load("upga-n64-k4-m4-w0.3");
        Solver[] solvers = {new HybridUpgaWbSolver(), new HybridUpgaWbSolver(narrowModel), new HybridUpgaCentreSolver(), null};
        PerSubbandZf zf = new PerSubbandZf();
        CMatrix psi = new CMatrix().copyFrom(new PsiCache().update(N, PsiCache.DEFAULT_TARGETS_RAD, 3, 2.0, pt));
        Scorer scorer = new Scorer(psi);
        List<Scenario> scenarios = new ArrayList<>();
        for (int s : subbands) {
            scenarios.add(new Scenario("subbands", s, WidebandUpgaTraining.BANDWIDTH_HZ, false));
        }
        for (boolean squint : new boolean[] {false, true}) {
            for (double b : bandwidthsHz) {
                scenarios.add(new Scenario(squint ? "bandwidth-squint" : "bandwidth", bandwidthSubbands, b, squint));
            }
        }
        // JIT warm-up before anything is timed: the float kernels of hybrid-upga need thousands of
        // solves before C2 has compiled them; the wideband engine a few hundred
        Precoder warmOut = new Precoder();
        Problem warm1 = problem(new Scenario("warm", 1, WidebandUpgaTraining.BANDWIDTH_HZ, false), seed - 1, pt);
        Problem warm4 = problem(new Scenario("warm", 4, WidebandUpgaTraining.BANDWIDTH_HZ, false), seed - 1, pt);
        for (int i = 0; i < 3000; i++) {
            solvers[0].solve(warm1, warmOut);
        }
        for (int i = 0; i < 200; i++) {
            for (int mi = 0; mi < METHODS.length; mi++) {
                solve(solvers[mi], zf, warm4, warmOut);
            }
        }
        List<Point> points = new ArrayList<>();
        boolean identical = true;
        int checked = 0;
        HybridUpgaSolver narrow = new HybridUpgaSolver();
        Precoder out = new Precoder(), ref = new Precoder();
        for (Scenario sc : scenarios) {
            Problem[] problems = new Problem[channels];
            for (int i = 0; i < channels; i++) {
                problems[i] = problem(sc, seed + i, pt);
            }
            for (int mi = 0; mi < METHODS.length; mi++) {
                double[] j = new double[channels], r = new double[channels], t = new double[channels], us = new double[channels];
                for (int warm = 0; warm < 8; warm++) { // JIT and Ψ before the timed solves
                    solve(solvers[mi], zf, problems[warm % channels], out);
                }
                for (int i = 0; i < channels; i++) {
                    long a = System.nanoTime();
                    solve(solvers[mi], zf, problems[i], out);
                    us[i] = (System.nanoTime() - a) / 1e3;
                    double[] score = scorer.score(problems[i], out);
                    r[i] = score[0];
                    t[i] = score[1];
                    j[i] = score[0] - OMEGA * score[1];
                    if (sc.subbands() == 1 && mi == 0) {
                        narrow.solve(problems[i], ref);
                        identical &= digest(ref).equals(digest(out));
                        checked++;
                    }
                }
                java.util.Arrays.sort(us);
                double mean = mean(j);
                double var = 0;
                for (double v : j) {
                    var += (v - mean) * (v - mean);
                }
                double se = channels > 1 ? Math.sqrt(var / (channels - 1) / channels) : 0;
                Point p = new Point(sc.sweep(), sc.subbands(), sc.bandwidthHz(), sc.squint(), METHODS[mi], channels, mean, se,
                        mean(r), mean(t), us[0], us[channels / 2], us[Math.min(channels - 1, (int) Math.ceil(0.9 * channels) - 1)]);
                points.add(p);
                if (log != null) {
                    log.accept(String.format(java.util.Locale.ROOT, "%s S=%d B=%.0f MHz squint=%b %-20s J %.3f R %.3f tau %.3f %.0f us",
                            sc.sweep(), sc.subbands(), sc.bandwidthHz() / 1e6, sc.squint(), METHODS[mi], mean, mean(r), mean(t),
                            us[channels / 2]));
                }
            }
        }

        // beampatterns: the training band without squint, and a wide band with squint
        double[] angles = new double[361];
        for (int a = 0; a < angles.length; a++) {
            angles[a] = -90 + 0.5 * a;
        }
        List<Beam> beams = new ArrayList<>();
        Scenario[] shown = {new Scenario("beams", 16, WidebandUpgaTraining.BANDWIDTH_HZ, false),
            new Scenario("beams-squint", 16, 3.2e9, true)};
        for (Scenario sc : shown) {
            Problem p = problem(sc, seed, pt);
            for (int mi = 0; mi < METHODS.length; mi++) {
                solve(solvers[mi], zf, p, out);
                for (int s : new int[] {0, sc.subbands() / 2, sc.subbands() - 1}) {
                    double ratio = sc.squint() ? p.frequencyRatio(s) : 1;
                    beams.add(new Beam(sc.sweep() + (sc.squint() ? String.format(java.util.Locale.ROOT, " (B = %.1f GHz, squint)",
                            sc.bandwidthHz() / 1e9) : String.format(java.util.Locale.ROOT, " (B = %.0f MHz)", sc.bandwidthHz() / 1e6)),
                            METHODS[mi], s, p.frequencyRatio(s), angles, beampattern(out, s, ratio, angles)));
                }
            }
        }
        double[] desired = new double[angles.length];
        CMatrix psiRoot = psi;
        for (int a = 0; a < angles.length; a++) {
            desired[a] = quadratic(psiRoot, Math.toRadians(angles[a]), 1);
        }
        return new Result(points, beams, angles, desired, identical, checked, (System.nanoTime() - t0) / 1e9);
    }

    private static void solve(Solver solver, PerSubbandZf zf, Problem p, Precoder out) {
        if (solver == null) {
            zf.solve(p, out);
        } else {
            solver.solve(p, out);
        }
    }

    /** The wideband problem of S subbands over B (with or without squint) from {@code seed}: σ² = 1, P_t, M = K. */
    public static Problem problem(int subbands, double bandwidthHz, boolean squint, long seed, double pt) {
        return problem(new Scenario("", subbands, bandwidthHz, squint), seed, pt);
    }

    /** The wideband problem of {@code sc} from seed {@code seed}: σ² = 1, P_t, M = K, frequency ratios set. */
    static Problem problem(Scenario sc, long seed, double pt) {
        WidebandSalehValenzuela sv = new WidebandSalehValenzuela(N, K, WidebandUpgaTraining.CLUSTERS, WidebandUpgaTraining.RAYS,
                sc.bandwidthHz(), WidebandUpgaTraining.CARRIER_HZ, sc.subbands(), WidebandUpgaTraining.DELAY_SPREAD_S, sc.squint());
        CMatrix[] h = new CMatrix[sc.subbands()];
        for (int s = 0; s < h.length; s++) {
            h[s] = new CMatrix();
        }
        sv.draw(new SplittableRandom(seed), h);
        Problem p = new Problem();
        p.setSubbands(h.length);
        for (int s = 0; s < h.length; s++) {
            p.channel(s).copyFrom(h[s]);
            java.util.Arrays.fill(p.noiseFor(s, K), 0, K, 1.0);
            p.setFrequencyRatio(s, sv.subbandFrequency(s) / WidebandUpgaTraining.CARRIER_HZ);
        }
        p.powerBudgetW = pt;
        p.rfChains = K;
        p.tx = ArrayShape.ula(N);
        return p;
    }

    /** Fully digital ZF on every subband ({@link LinearPrecoder}, ‖X_s‖²_F = P_t); F empty. */
    static final class PerSubbandZf {
        private final LinearPrecoder zf = new LinearPrecoder(LinearPrecoder.Kind.ZF);
        private final Problem one = new Problem();
        private final Precoder oneOut = new Precoder();

        void solve(Problem p, Precoder out) {
            out.reset();
            out.setSubbands(p.subbands());
            one.powerBudgetW = p.powerBudgetW;
            one.tx = p.tx;
            for (int s = 0; s < p.subbands(); s++) {
                one.channel.copyFrom(p.channel(s));
                System.arraycopy(p.noise(s), 0, one.noiseFor(0, p.users()), 0, p.users());
                zf.solve(one, oneOut);
                out.baseband(s).copyFrom(oneOut.baseband);
            }
        }
    }

    /** Mean rate and τ_avg of a wideband precoder, from the plain metrics. */
    static final class Scorer {
        private final CMatrix psi;
        private final CMatrix x = new CMatrix(), xx = new CMatrix(), c = new CMatrix();

        Scorer(CMatrix psi) {
            this.psi = psi;
        }

        double[] score(Problem p, Precoder out) {
            int bands = p.subbands();
            if (out.subbands() != bands) {
                throw new IllegalStateException("precoder has " + out.subbands() + " basebands for " + bands + " subbands");
            }
            double rate = 0;
            c.reshape(N, N);
            c.zero();
            for (int s = 0; s < bands; s++) {
                out.effective(s, x);
                rate += Metrics.sumRateBits(p.channel(s), x, p.noise(s), new double[p.users()]) / bands;
                Kernels.mulConjTransB(x, x, xx);
                Kernels.addScaled(c, 1.0 / bands, xx);
            }
            Kernels.addScaled(c, -1, psi);
            return new double[] {rate, c.frobeniusNorm2()};
        }
    }

    /** a(θ, f_s)ᴴ X_s X_sᴴ a(θ, f_s) on the grid, a_n = e^{jπ·n·r·sin θ} (r = f_s/f_c with squint, else 1). */
    static double[] beampattern(Precoder out, int s, double ratio, double[] anglesDeg) {
        CMatrix x = out.effective(s, new CMatrix());
        double[] p = new double[anglesDeg.length];
        for (int a = 0; a < anglesDeg.length; a++) {
            double u = Math.PI * ratio * Math.sin(Math.toRadians(anglesDeg[a]));
            double total = 0;
            for (int k = 0; k < x.cols(); k++) {
                double re = 0, im = 0;
                for (int n = 0; n < x.rows(); n++) {
                    double cr = Math.cos(u * n), ci = Math.sin(u * n);
                    double xr = x.re(n, k), xi = x.im(n, k);
                    re += xr * cr + xi * ci; // conj(x)·a
                    im += xr * ci - xi * cr;
                }
                total += re * re + im * im;
            }
            p[a] = total;
        }
        return p;
    }

    /** āᴴ Ψ ā at θ (ā_n = e^{jπ·n·r·sin θ}). */
    static double quadratic(CMatrix psi, double thetaRad, double ratio) {
        int n = psi.rows();
        double u = Math.PI * ratio * Math.sin(thetaRad);
        double total = 0;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                double ph = u * (c - r);
                total += psi.re(r, c) * Math.cos(ph) - psi.im(r, c) * Math.sin(ph);
            }
        }
        return total;
    }

    static String digest(Precoder out) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        out.digestInto(md);
        return HexFormat.of().formatHex(md.digest());
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
