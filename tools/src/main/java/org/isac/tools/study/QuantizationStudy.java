package org.isac.tools.study;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.isac.fpga.EncoderConfig;
import org.isac.fpga.FrameBuffer;
import org.isac.fpga.WeightFrameEncoder;
import org.isac.fpga.baseband.BasebandCodec;
import org.isac.fpga.baseband.CodecId;
import org.isac.fpga.frame.DecodedFrame;
import org.isac.fpga.frame.FrameRejectedException;
import org.isac.fpga.frame.WeightFrameParser;
import org.isac.fpga.guard.GuardOutcome;
import org.isac.fpga.phase.AnalogCodec;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.channel.SalehValenzuela;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.metric.Metrics;

/**
 * What quantization to hardware form costs: sum rate and beampattern error of the weights a
 * front end actually applies, against phase-shifter bits and baseband bits, for a digital and a
 * hybrid scenario.
 *
 * <h2>Method</h2>
 * For each of {@code draws} Saleh–Valenzuela channels ({@link SalehValenzuela}, N x K,
 * {@code svPaths} paths; noise {@code sigma^2 = P_t / 10^(snrDb/10)} per user, the sim-radio's
 * convention) the scenario's solver computes an unquantized precoder X (digital: registry
 * solver {@code digitalSolver}, default {@code rzf}; hybrid: registry solver
 * {@code hybridSolver} when registered, else {@link HybridStandIn}, with M = {@code rfChains}
 * and continuous phases). Each quantization setting is then applied to the same precoder:
 * <ul>
 * <li>phase bits 1..8 with a baseband codec: the precoder goes through
 * {@link WeightFrameEncoder} (quantization, power guard, frame bytes) and
 * {@link WeightFrameParser}, and the parsed frame's F, W are what is measured - exactly what the
 * simulated radio applies;</li>
 * <li>digital with a baseband codec: the same, as a digital frame;</li>
 * <li>settings a frame cannot express - continuous phases ({@code phase_bits = 0}) or float
 * baseband ({@code codec = none}, {@code baseband_bits = 0}) - quantize only the other part with
 * the same codecs ({@link AnalogCodec}, {@link BasebandCodec}) and apply the same rule as the
 * guard (scale W down if the quantized power exceeds the budget);</li>
 * <li>{@code phase_bits = 0, codec = none} is the unquantized reference (loss 0, tau 0).</li>
 * </ul>
 *
 * <h2>Output rows</h2>
 * {@code scenario,phase_bits,baseband_bits,codec,rate_bits,rate_loss_bits,tau}: mean over the
 * draws of the sum rate {@link Metrics#sumRateBits} (bits/s/Hz) of the quantized X, of the
 * paired loss (reference rate minus quantized rate, same channel), and of the beampattern error
 * {@code tau = ||X_q X_q^H - Psi||_F^2} ({@link Metrics#beampatternError}). By default
 * {@code Psi = X X^H} of the unquantized precoder, so tau measures how far quantization moves the
 * transmit covariance (and thus the beampattern) from the design; a radar benchmark covariance
 * can be supplied instead ({@link PsiSource}). Digital rows have {@code phase_bits = 0}.
 *
 * <p>Deterministic for a given {@link Config} (seeded draws, same channels for every setting).
 */
public final class QuantizationStudy {
    /** Header of {@code quantization.csv}. */
    public static final String CSV_HEADER = "scenario,phase_bits,baseband_bits,codec,rate_bits,rate_loss_bits,tau";
    /** Scenario names. */
    public static final String DIGITAL = "digital";
    public static final String HYBRID = "hybrid";
    /** Codec column value for unquantized (float) baseband weights. */
    public static final String NO_CODEC = "none";
    /**
     * Default knee tolerance: a setting is past the knee when its loss is within this many
     * bits/s/Hz of the finest setting's (further bits buy less than that in total).
     */
    public static final double DEFAULT_KNEE_TOLERANCE_BITS = 0.05;

    private QuantizationStudy() {
    }

    /**
     * Study settings.
     *
     * @param antennas      N (ULA)
     * @param users         K
     * @param rfChains      M of the hybrid scenario
     * @param snrDb         per-antenna transmit SNR, {@code sigma^2 = P_t / 10^(snrDb/10)}
     * @param powerW        P_t
     * @param svPaths       Saleh–Valenzuela paths per user
     * @param draws         channel draws averaged per setting
     * @param seed          seed of the channel draws
     * @param phaseBits     phase widths for the hybrid scenario (each 1..8; 0 = continuous reference is always added)
     * @param basebandBits  baseband widths (each valid for every codec in {@code codecs})
     * @param codecs        baseband codecs
     * @param digitalSolver registry name of the digital solver
     * @param hybridSolver  registry name of the hybrid solver ({@link HybridStandIn} while not registered)
     * @param targetsDeg    radar target azimuths handed to the solvers, degrees
     */
    public record Config(int antennas, int users, int rfChains, double snrDb, double powerW, int svPaths, int draws,
                         long seed, int[] phaseBits, int[] basebandBits, CodecId[] codecs, String digitalSolver,
                         String hybridSolver, double[] targetsDeg) {
        public Config {
            phaseBits = phaseBits.clone();
            basebandBits = basebandBits.clone();
            codecs = codecs.clone();
            targetsDeg = targetsDeg.clone();
            if (antennas < 1 || users < 1 || users > antennas || rfChains < 1 || rfChains > antennas) {
                throw new IllegalArgumentException("need 1 <= K <= N and 1 <= M <= N, got N=" + antennas + " K=" + users
                        + " M=" + rfChains);
            }
            if (draws < 1 || svPaths < 1 || !(powerW > 0) || !Double.isFinite(snrDb)) {
                throw new IllegalArgumentException("draws, svPaths >= 1, powerW > 0, snrDb finite");
            }
            for (int b : phaseBits) {
                if (b < 1 || b > 8) {
                    throw new IllegalArgumentException("phase bits must be 1..8, got " + b);
                }
            }
            for (CodecId c : codecs) {
                for (int b : basebandBits) {
                    BasebandCodec.of(c, b); // validates
                }
            }
        }

        /**
         * The study: N = 64, K = 4, M = 4, SNR 12 dB, P_t = 1 W, 10 paths, 64 draws,
         * phase bits 3..8, baseband bits 6..16 in fixed point and BFP, {@code rzf} and
         * {@code hybrid-pga}, targets at -60, 0, 60 degrees.
         */
        public static Config defaults() {
            return new Config(64, 4, 4, 12, 1.0, 10, 64, 1, range(3, 8), range(6, 16),
                    new CodecId[] {CodecId.FIXED, CodecId.BFP}, "rzf", "hybrid-pga", new double[] {-60, 0, 60});
        }

        public Config withDraws(int d) {
            return new Config(antennas, users, rfChains, snrDb, powerW, svPaths, d, seed, phaseBits, basebandBits, codecs,
                    digitalSolver, hybridSolver, targetsDeg);
        }

        public Config withSeed(long s) {
            return new Config(antennas, users, rfChains, snrDb, powerW, svPaths, draws, s, phaseBits, basebandBits, codecs,
                    digitalSolver, hybridSolver, targetsDeg);
        }

        public Config withBits(int[] phase, int[] baseband) {
            return new Config(antennas, users, rfChains, snrDb, powerW, svPaths, draws, seed, phase, baseband, codecs,
                    digitalSolver, hybridSolver, targetsDeg);
        }

        public Config withSize(int n, int k, int m) {
            return new Config(n, k, m, snrDb, powerW, svPaths, draws, seed, phaseBits, basebandBits, codecs,
                    digitalSolver, hybridSolver, targetsDeg);
        }

        @Override
        public int[] phaseBits() {
            return phaseBits.clone();
        }

        @Override
        public int[] basebandBits() {
            return basebandBits.clone();
        }

        @Override
        public CodecId[] codecs() {
            return codecs.clone();
        }

        @Override
        public double[] targetsDeg() {
            return targetsDeg.clone();
        }
    }

    /**
     * One CSV row (means over the draws), plus the standard error of the mean loss (not in the
     * CSV; 0 with a single draw), which says how far apart two rows may be by chance.
     */
    public record Row(String scenario, int phaseBits, int basebandBits, String codec, double rateBits,
                      double rateLossBits, double tau, double rateLossStdErrBits) {
        /** A row without a standard error. */
        public Row(String scenario, int phaseBits, int basebandBits, String codec, double rateBits,
                   double rateLossBits, double tau) {
            this(scenario, phaseBits, basebandBits, codec, rateBits, rateLossBits, tau, 0);
        }

        /** The row as a {@code quantization.csv} line (no newline). */
        public String csvLine() {
            return String.format(Locale.ROOT, "%s,%d,%d,%s,%.6f,%.6g,%.6g", scenario, phaseBits, basebandBits, codec,
                    rateBits, rateLossBits, tau);
        }
    }

    /** Where the reference covariance Psi of tau comes from. */
    @FunctionalInterface
    public interface PsiSource {
        /**
         * Writes Psi (N x N) for a problem whose unquantized effective precoder is {@code x}.
         */
        void psi(Problem problem, CMatrix x, CMatrix out);

        /** {@code Psi = X X^H} of the unquantized precoder (the default). */
        PsiSource UNQUANTIZED_COVARIANCE = (problem, x, out) -> {
            int n = x.rows();
            int k = x.cols();
            out.reshape(n, n);
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    double sr = 0;
                    double si = 0;
                    for (int j = 0; j < k; j++) {
                        double ar = x.re[r * k + j];
                        double ai = x.im[r * k + j];
                        double br = x.re[c * k + j];
                        double bi = -x.im[c * k + j];
                        sr += ar * br - ai * bi;
                        si += ar * bi + ai * br;
                    }
                    out.re[r * n + c] = sr;
                    out.im[r * n + c] = si;
                }
            }
        };
    }

    /** {@link #run(Config, PsiSource)} with {@code Psi = X X^H}. */
    public static List<Row> run(Config cfg) {
        return run(cfg, PsiSource.UNQUANTIZED_COVARIANCE);
    }

    /** Name of the hybrid solver the study will use for {@code cfg}. */
    public static String hybridSolverName(Config cfg) {
        return SolverRegistry.exists(cfg.hybridSolver()) ? cfg.hybridSolver() : HybridStandIn.NAME;
    }

    /** Runs both scenarios; rows ordered digital then hybrid, reference first in each. */
    public static List<Row> run(Config cfg, PsiSource psiSource) {
        List<Row> rows = new ArrayList<>();
        rows.addAll(runScenario(cfg, psiSource, false));
        rows.addAll(runScenario(cfg, psiSource, true));
        return rows;
    }

    /** A quantization setting: phase bits (0 = continuous) and codec (null = float). */
    private record Setting(int phaseBits, CodecId codec, int basebandBits) {
        String codecName() {
            return codec == null ? NO_CODEC : codec.name().toLowerCase(Locale.ROOT);
        }
    }

    private static List<Row> runScenario(Config cfg, PsiSource psiSource, boolean hybrid) {
        List<Setting> settings = new ArrayList<>();
        int[] phases = hybrid ? prepend0(cfg.phaseBits) : new int[] {0};
        for (int pb : phases) {
            settings.add(new Setting(pb, null, 0));
            for (CodecId c : cfg.codecs) {
                for (int bb : cfg.basebandBits) {
                    settings.add(new Setting(pb, c, bb));
                }
            }
        }
        int s = settings.size();
        double[] rate = new double[s];
        double[] loss = new double[s];
        double[] loss2 = new double[s];
        double[] tau = new double[s];

        int n = cfg.antennas();
        int k = cfg.users();
        Solver solver = hybrid
                ? (SolverRegistry.exists(cfg.hybridSolver()) ? SolverRegistry.create(cfg.hybridSolver()) : new HybridStandIn())
                : SolverRegistry.create(cfg.digitalSolver());
        SalehValenzuela channel = new SalehValenzuela(n, k, cfg.svPaths());
        Problem problem = new Problem();
        problem.powerBudgetW = cfg.powerW();
        problem.setNoise(k, cfg.powerW() / Math.pow(10, cfg.snrDb() / 10));
        problem.rfChains = hybrid ? cfg.rfChains() : 0;
        problem.phaseBits = 0;
        problem.tx = ArrayShape.ula(n);
        problem.rx = ArrayShape.ula(n);
        for (double t : cfg.targetsDeg) {
            problem.targets.add(Math.toRadians(t), 0, 1, 0);
        }
        Precoder precoder = new Precoder();
        Precoder applied = new Precoder();
        CMatrix x = new CMatrix();
        CMatrix xq = new CMatrix();
        CMatrix psi = new CMatrix();
        double[] scratch = new double[k];
        Quantizer q = new Quantizer();
        SplittableRandom rng = new SplittableRandom(cfg.seed());
        for (int d = 0; d < cfg.draws(); d++) {
            channel.draw(rng, problem.channel);
            solver.solve(problem, precoder);
            if (precoder.isHybrid() != hybrid) {
                throw new IllegalStateException(solver.name() + " returned a " + (precoder.isHybrid() ? "hybrid" : "digital")
                        + " precoder for the " + (hybrid ? HYBRID : DIGITAL) + " scenario");
            }
            precoder.effective(x);
            double ref = Metrics.sumRateBits(problem.channel, x, problem.noise, scratch);
            psiSource.psi(problem, x, psi);
            for (int i = 0; i < s; i++) {
                Setting st = settings.get(i);
                q.apply(precoder, st, problem.powerBudgetW, d, applied);
                applied.effective(xq);
                double r = Metrics.sumRateBits(problem.channel, xq, problem.noise, scratch);
                rate[i] += r;
                loss[i] += ref - r;
                loss2[i] += (ref - r) * (ref - r);
                tau[i] += Metrics.beampatternError(xq, psi);
            }
        }
        List<Row> rows = new ArrayList<>(s);
        String name = hybrid ? HYBRID : DIGITAL;
        int draws = cfg.draws();
        for (int i = 0; i < s; i++) {
            Setting st = settings.get(i);
            double mean = loss[i] / draws;
            double var = draws > 1 ? Math.max(0, (loss2[i] - draws * mean * mean) / (draws - 1)) : 0;
            rows.add(new Row(name, st.phaseBits, st.basebandBits, st.codecName(), rate[i] / draws, mean,
                    tau[i] / draws, Math.sqrt(var / draws)));
        }
        return rows;
    }

    /** Applies one setting to a precoder, through frames where a frame can express it. */
    private static final class Quantizer {
        private final FrameBuffer frame = new FrameBuffer();
        private final WeightFrameParser parser = new WeightFrameParser();
        private final DecodedFrame decoded = new DecodedFrame();
        private final CMatrix scratch = new CMatrix();
        private int[] codes = new int[0];
        private byte[] bytes = new byte[0];
        private int[] iq = new int[0];
        private int[] exps = new int[0];

        void apply(Precoder p, Setting st, double budgetW, long sequence, Precoder out) {
            boolean hybrid = p.isHybrid();
            if (st.codec != null && (!hybrid || st.phaseBits > 0)) {
                EncoderConfig cfg = EncoderConfig.defaults().withBaseband(st.codec, st.basebandBits)
                        .withPhaseBits(hybrid ? st.phaseBits : EncoderConfig.defaults().phaseBits());
                WeightFrameEncoder enc = new WeightFrameEncoder(cfg);
                enc.encode("study", sequence, p, budgetW, frame);
                GuardOutcome o = enc.lastResult().outcome();
                if (o.replaced()) {
                    throw new IllegalStateException("power guard replaced the study's precoder: " + o);
                }
                try {
                    parser.parse(frame.array(), 0, frame.length(), decoded);
                } catch (FrameRejectedException e) {
                    throw new IllegalStateException("encoder wrote a frame its parser refuses", e);
                }
                decoded.toPrecoder(out, null);
                return;
            }
            out.reset();
            if (hybrid) {
                out.analog.copyFrom(p.analog);
                if (st.phaseBits > 0) {
                    int nm = p.analog.size();
                    if (codes.length < nm) {
                        codes = new int[nm];
                    }
                    AnalogCodec a = new AnalogCodec(st.phaseBits, null, null);
                    a.quantize(p.analog.re, p.analog.im, p.analog.rows(), p.analog.cols(), codes, null);
                    a.realize(codes, null, p.analog.rows(), p.analog.cols(), out.analog.re, out.analog.im);
                }
            }
            out.baseband.copyFrom(p.baseband);
            if (st.codec != null) {
                int rows = p.baseband.rows();
                int cols = p.baseband.cols();
                BasebandCodec c = BasebandCodec.of(st.codec, st.basebandBits);
                int len = (int) c.encodedLength(rows, cols);
                if (bytes.length < len) {
                    bytes = new byte[len];
                }
                if (iq.length < 2 * rows * cols) {
                    iq = new int[2 * rows * cols];
                }
                if (exps.length < cols) {
                    exps = new int[cols];
                }
                c.encode(p.baseband.re, p.baseband.im, rows, cols, bytes, 0);
                try {
                    float scale = c.decodeRaw(bytes, 0, rows, cols, iq, exps);
                    BasebandCodec.toComplex(scale, iq, exps, rows, cols, out.baseband.re, out.baseband.im);
                } catch (FrameRejectedException e) {
                    throw new IllegalStateException("codec refuses its own section", e);
                }
            }
            double power = out.effective(scratch).frobeniusNorm2();
            if (power > budgetW) { // the guard's rule: never above the budget
                out.baseband.scale(Math.sqrt(budgetW / power));
            }
        }
    }

    /**
     * The knee of one curve: the fewest bits from which on the loss stays within
     * {@code toleranceBits} of the loss at the finest setting of the curve.
     *
     * @param scenario   {@link #DIGITAL} or {@link #HYBRID}
     * @param axis       {@code "phase_bits"} or {@code "baseband_bits"}
     * @param codec      codec column of the curve
     * @param otherBits  the width held fixed (baseband bits on the phase axis, phase bits on the baseband axis)
     * @param bits       the knee
     * @param lossBits   loss at the knee
     * @param finestLossBits loss at the finest setting
     */
    public record Knee(String scenario, String axis, String codec, int otherBits, int bits, double lossBits,
                       double finestLossBits) {
        @Override
        public String toString() {
            String curve;
            if (axis.equals("phase_bits")) {
                curve = "phase bits with " + (codec.equals(NO_CODEC) ? "float baseband" : otherBits + "-bit " + codec + " baseband");
            } else {
                curve = codec + " baseband bits" + (scenario.equals(DIGITAL) ? ""
                        : otherBits == 0 ? " with continuous phases" : " with " + otherBits + "-bit phases");
            }
            return String.format(Locale.ROOT, "%s, %s: knee at %d bits (loss %.4f bits/s/Hz there, %.4f at the finest)",
                    scenario, curve, bits, lossBits, finestLossBits);
        }
    }

    /** Knee of the curve loss vs baseband bits for {@code codec} at fixed {@code phaseBits}. */
    public static Knee basebandKnee(List<Row> rows, String scenario, String codec, int phaseBits, double toleranceBits) {
        List<Row> curve = new ArrayList<>();
        for (Row r : rows) {
            if (r.scenario.equals(scenario) && r.codec.equals(codec) && r.phaseBits == phaseBits && r.basebandBits > 0) {
                curve.add(r);
            }
        }
        curve.sort((a, b) -> Integer.compare(a.basebandBits, b.basebandBits));
        return knee(curve, scenario, "baseband_bits", codec, phaseBits, toleranceBits, true);
    }

    /** Knee of the curve loss vs phase bits with the baseband held at {@code codec}, {@code basebandBits}. */
    public static Knee phaseKnee(List<Row> rows, String scenario, String codec, int basebandBits, double toleranceBits) {
        List<Row> curve = new ArrayList<>();
        for (Row r : rows) {
            if (r.scenario.equals(scenario) && r.codec.equals(codec) && r.basebandBits == basebandBits && r.phaseBits > 0) {
                curve.add(r);
            }
        }
        curve.sort((a, b) -> Integer.compare(a.phaseBits, b.phaseBits));
        return knee(curve, scenario, "phase_bits", codec, basebandBits, toleranceBits, false);
    }

    private static Knee knee(List<Row> curve, String scenario, String axis, String codec, int other, double tol,
                             boolean basebandAxis) {
        if (curve.isEmpty()) {
            throw new IllegalArgumentException("no rows for " + scenario + " " + axis + " " + codec + " at " + other);
        }
        Row finest = curve.get(curve.size() - 1);
        int kneeIndex = curve.size() - 1;
        for (int i = curve.size() - 1; i >= 0 && curve.get(i).rateLossBits <= finest.rateLossBits + tol; i--) {
            kneeIndex = i;
        }
        Row k = curve.get(kneeIndex);
        return new Knee(scenario, axis, codec, other, basebandAxis ? k.basebandBits : k.phaseBits, k.rateLossBits,
                finest.rateLossBits);
    }

    /**
     * The knees worth naming: digital and hybrid (continuous phases) loss vs baseband bits per
     * codec, and hybrid loss vs phase bits with float baseband.
     */
    public static List<Knee> knees(List<Row> rows, double toleranceBits) {
        List<Knee> out = new ArrayList<>();
        List<String> codecs = new ArrayList<>();
        for (Row r : rows) {
            if (!r.codec.equals(NO_CODEC) && !codecs.contains(r.codec)) {
                codecs.add(r.codec);
            }
        }
        for (String c : codecs) {
            out.add(basebandKnee(rows, DIGITAL, c, 0, toleranceBits));
        }
        if (rows.stream().anyMatch(r -> r.scenario.equals(HYBRID))) {
            for (String c : codecs) {
                out.add(basebandKnee(rows, HYBRID, c, 0, toleranceBits));
            }
            out.add(phaseKnee(rows, HYBRID, NO_CODEC, 0, toleranceBits));
        }
        return out;
    }

    /** The rows as CSV text, header first, one line per row. */
    public static String toCsv(List<Row> rows) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (Row r : rows) {
            sb.append(r.csvLine()).append('\n');
        }
        return sb.toString();
    }

    /** Writes {@code dir/quantization.csv} (creating {@code dir}); returns its path. */
    public static Path writeCsv(List<Row> rows, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve("quantization.csv");
        Files.writeString(f, toCsv(rows), StandardCharsets.UTF_8);
        return f;
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from + 1];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    private static int[] prepend0(int[] a) {
        int[] r = new int[a.length + 1];
        System.arraycopy(a, 0, r, 1, a.length);
        Arrays.sort(r, 1, r.length);
        return r;
    }
}
