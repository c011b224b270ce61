package org.isac.sim;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.isac.solver.Scatterers;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.channel.Fading;
import org.isac.solver.channel.RicianPathLoss;

/**
 * Immutable description of one simulated front end: array, users, channel model, timing and
 * what is measured. Built with {@link #builder()}, loaded from a {@code key=value} properties
 * file with {@link #load(Path)} / {@link #fromProperties(Properties)}, and overridden key by
 * key with {@link Builder#set(String, String)} (which is what a CLI maps its options onto).
 *
 * <p>Keys (defaults in brackets; units in the names): {@code radioId} [sim-0],
 * {@code antennas} N [64, ULA], {@code txArray} transmit array {@code HxV} (e.g. {@code 4x4}, a
 * UPA; N becomes H·V, and {@code antennas} set after it or in the same file must agree) or
 * {@code N} [empty = ULA of {@code antennas}], {@code rxArray} radar
 * receive array, same syntax [empty = the transmit array], {@code users} K [4], {@code rfChains}
 * M [0 = fully digital], {@code targetsDeg} radar target azimuths in degrees, comma separated
 * [-60,0,60], {@code targetsElevationDeg} their elevations in degrees [empty = all 0],
 * {@code targetsGainRe} / {@code targetsGainIm} their complex gains α [empty = 1 + 0j],
 * {@code snrDb} [12], {@code powerW} P_t [1.0], {@code channel} [sv | rician | rayleigh],
 * {@code svPaths} Q [10], {@code kFactor} κ linear [10], {@code gainScale} [1],
 * {@code pathLossExponent} [2.9], {@code shadowSigmaDb} [5.7], {@code minDistanceM} [30],
 * {@code maxDistanceM} [400], {@code referenceDistanceM} [1], {@code maxUserAngleDeg} [90],
 * {@code seed} [1], {@code reportPeriodUs} [1000 = 1 kHz], {@code deadlineBudgetUs} [1000],
 * {@code channelStepUs} [100], {@code speedMps} [3], {@code carrierHz} [28e9],
 * {@code csiErrorMu} μ [0 = perfect estimate], {@code solver} ["" = controller default],
 * {@code param.NAME} solver hyper-parameter NAME, {@code genieEvery} [1; 0 = never],
 * {@code scoreShare} [0.25; the share of one core the radio's scorer may use, 1 = no limit],
 * {@code phaseBits} [6; 0 = continuous phase shifters], {@code basebandBits} [9; 0 = float
 * weights] (the hello's hardware widths: the controller quantizes to them and the radio applies
 * the decoded frame), {@code sharedClock} [true], {@code maxFrameBytes} [4194304], {@code reportLimit} [0 = send
 * for the whole run; otherwise stop after this many reports].
 *
 * <p>Key matching ignores case, {@code -} and {@code _}, so {@code report-period-us} and
 * {@code report_period_us} both set {@code reportPeriodUs}.
 *
 * <p>Noise: σ² = P_t / 10^(snrDb/10) per user (W). For the Saleh–Valenzuela channel
 * (E‖h_k‖² = N) that makes snrDb the per-antenna transmit SNR; for the Rician channel the
 * path loss (times {@code gainScale}) comes on top; the Rayleigh channel has i.i.d. CN(0, 1)
 * entries (seed 004's setup), whatever the geometry.
 *
 * <p>Geometry: the channel models, the hello's {@code tx_array} / {@code rx_array}, the targets
 * sent in every report and the sensing metrics (CRLB, SCNR) all use {@link #txShape()} and
 * {@link #rxShape()} with the convention of {@link ArrayShape} (element h·V + v).
 */
public final class Scenario {
    /** Known keys in canonical spelling, in the order {@link #describe()} prints them. */
    private static final List<String> KEYS = List.of("radioId", "antennas", "users", "rfChains", "targetsDeg",
            "snrDb", "powerW", "channel", "svPaths", "kFactor", "gainScale", "pathLossExponent", "shadowSigmaDb",
            "minDistanceM", "maxDistanceM", "referenceDistanceM", "maxUserAngleDeg", "seed", "reportPeriodUs",
            "deadlineBudgetUs", "channelStepUs", "speedMps", "carrierHz", "csiErrorMu", "solver", "genieEvery", "scoreShare",
            "sharedClock", "maxFrameBytes", "reportLimit", "phaseBits", "basebandBits", "txArray", "rxArray",
            "targetsElevationDeg", "targetsGainRe", "targetsGainIm");
    /** Prefix of solver-parameter keys: {@code param.reg=0.01}. */
    public static final String PARAM_PREFIX = "param.";

    private final String radioId;
    private final int antennas;
    private final int users;
    private final int rfChains;
    private final double[] targetsDeg;
    private final double snrDb;
    private final double powerW;
    private final String channel;
    private final int svPaths;
    private final double kFactor;
    private final double gainScale;
    private final double pathLossExponent;
    private final double shadowSigmaDb;
    private final double minDistanceM;
    private final double maxDistanceM;
    private final double referenceDistanceM;
    private final double maxUserAngleDeg;
    private final long seed;
    private final long reportPeriodUs;
    private final long deadlineBudgetUs;
    private final long channelStepUs;
    private final double speedMps;
    private final double carrierHz;
    private final double csiErrorMu;
    private final String solver;
    private final Map<String, Double> solverParams;
    private final int genieEvery;
    private final double scoreShare;
    private final boolean sharedClock;
    private final int maxFrameBytes;
    private final long reportLimit;
    private final int phaseBits;
    private final int basebandBits;
    /** Transmit array; null = ULA of {@code antennas}. */
    private final ArrayShape txArray;
    /** Radar receive array; null = the transmit array. */
    private final ArrayShape rxArray;
    private final double[] targetsElevationDeg;
    private final double[] targetsGainRe;
    private final double[] targetsGainIm;

    private Scenario(Builder b) {
        this.radioId = b.radioId;
        this.antennas = b.antennas;
        this.users = b.users;
        this.rfChains = b.rfChains;
        this.targetsDeg = b.targetsDeg.clone();
        this.snrDb = b.snrDb;
        this.powerW = b.powerW;
        this.channel = b.channel;
        this.svPaths = b.svPaths;
        this.kFactor = b.kFactor;
        this.gainScale = b.gainScale;
        this.pathLossExponent = b.pathLossExponent;
        this.shadowSigmaDb = b.shadowSigmaDb;
        this.minDistanceM = b.minDistanceM;
        this.maxDistanceM = b.maxDistanceM;
        this.referenceDistanceM = b.referenceDistanceM;
        this.maxUserAngleDeg = b.maxUserAngleDeg;
        this.seed = b.seed;
        this.reportPeriodUs = b.reportPeriodUs;
        this.deadlineBudgetUs = b.deadlineBudgetUs;
        this.channelStepUs = b.channelStepUs;
        this.speedMps = b.speedMps;
        this.carrierHz = b.carrierHz;
        this.csiErrorMu = b.csiErrorMu;
        this.solver = b.solver;
        this.solverParams = Collections.unmodifiableMap(new TreeMap<>(b.solverParams));
        this.genieEvery = b.genieEvery;
        this.scoreShare = b.scoreShare;
        this.sharedClock = b.sharedClock;
        this.maxFrameBytes = b.maxFrameBytes;
        this.reportLimit = b.reportLimit;
        this.phaseBits = b.phaseBits;
        this.basebandBits = b.basebandBits;
        this.txArray = b.txArray;
        this.rxArray = b.rxArray;
        this.targetsElevationDeg = b.targetsElevationDeg.clone();
        this.targetsGainRe = b.targetsGainRe.clone();
        this.targetsGainIm = b.targetsGainIm.clone();
    }

    /** A builder holding every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The default scenario. */
    public static Scenario defaults() {
        return builder().build();
    }

    /** A builder preset to this scenario, to override a few fields. */
    public Builder toBuilder() {
        Builder b = new Builder();
        for (String key : KEYS) {
            b.set(key, value(key));
        }
        for (Map.Entry<String, Double> e : solverParams.entrySet()) {
            b.param(e.getKey(), e.getValue());
        }
        return b;
    }

    /**
     * Reads a {@code key=value} properties file (keys as in the class comment) over the
     * defaults and validates the result.
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException naming the file and the key that is wrong
     */
    public static Scenario load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        try {
            return fromProperties(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** The defaults overridden by every entry of {@code p}, validated. */
    public static Scenario fromProperties(Properties p) {
        Builder b = builder();
        String antennasKey = null;
        for (String key : new TreeMap<>(toStringMap(p)).keySet()) {
            if ("antennas".equals(canonical(key))) {
                antennasKey = key; // after txArray, so that a file giving both must agree
                continue;
            }
            b.set(key, p.getProperty(key));
        }
        if (antennasKey != null) {
            b.set(antennasKey, p.getProperty(antennasKey));
        }
        return b.build();
    }

    private static Map<String, String> toStringMap(Properties p) {
        Map<String, String> m = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            m.put(k, p.getProperty(k));
        }
        return m;
    }

    // ---- accessors ------------------------------------------------------------------------

    public String radioId() {
        return radioId;
    }

    /** N, transmit antennas (the size of {@link #txShape()}). */
    public int antennas() {
        return antennas;
    }

    /** K, single-antenna users. */
    public int users() {
        return users;
    }

    /** M, RF chains; 0 = fully digital. */
    public int rfChains() {
        return rfChains;
    }

    /** Radar target azimuths in degrees (a copy). */
    public double[] targetsDeg() {
        return targetsDeg.clone();
    }

    public double snrDb() {
        return snrDb;
    }

    /** Total transmit power budget P_t in W. */
    public double powerW() {
        return powerW;
    }

    /** Channel model name: {@code sv} or {@code rician}. */
    public String channel() {
        return channel;
    }

    public int svPaths() {
        return svPaths;
    }

    public double kFactor() {
        return kFactor;
    }

    public double gainScale() {
        return gainScale;
    }

    public double pathLossExponent() {
        return pathLossExponent;
    }

    public double shadowSigmaDb() {
        return shadowSigmaDb;
    }

    public double minDistanceM() {
        return minDistanceM;
    }

    public double maxDistanceM() {
        return maxDistanceM;
    }

    public double referenceDistanceM() {
        return referenceDistanceM;
    }

    public double maxUserAngleDeg() {
        return maxUserAngleDeg;
    }

    public long seed() {
        return seed;
    }

    /** Time between CSI reports in µs. */
    public long reportPeriodUs() {
        return reportPeriodUs;
    }

    /** deadline_ns − capture_ns of every report, in µs. */
    public long deadlineBudgetUs() {
        return deadlineBudgetUs;
    }

    /** Step of the true channel process in µs (one Gauss–Markov step each). */
    public long channelStepUs() {
        return channelStepUs;
    }

    public double speedMps() {
        return speedMps;
    }

    public double carrierHz() {
        return carrierHz;
    }

    /** CSI error μ ∈ [0, 1] of {@link Fading#estimate}; 0 = perfect estimate. */
    public double csiErrorMu() {
        return csiErrorMu;
    }

    /** Solver named in every report; empty = the controller's default. */
    public String solver() {
        return solver;
    }

    /** Solver hyper-parameters sent with every report (unmodifiable, sorted by name). */
    public Map<String, Double> solverParams() {
        return solverParams;
    }

    /** Run the genie and ZF bound every this many applied updates; 0 = never. */
    public int genieEvery() {
        return genieEvery;
    }

    /**
     * The share of one core the radio's scorer (genie, ZF bound, τ, SCNR) may use, in (0, 1]:
     * after a score that took t it rests t·(1 − share)/share, and samples offered meanwhile are
     * skipped and counted, so the measurement never takes the core of what it measures.
     */
    public double scoreShare() {
        return scoreShare;
    }

    /** Tell the controller the clocks are shared (same host, both System.nanoTime). */
    public boolean sharedClock() {
        return sharedClock;
    }

    /** Largest downstream frame accepted, bytes (without the length prefix). */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** Phase-shifter resolution announced in the hello, bits (0 = continuous). */
    public int phaseBits() {
        return phaseBits;
    }

    /** Baseband IQ word width announced in the hello, bits (0 = float weights). */
    public int basebandBits() {
        return basebandBits;
    }

    /** Reports to send before stopping early; 0 = no limit (the run's duration decides). */
    public long reportLimit() {
        return reportLimit;
    }

    /** Transmit array geometry: the {@code txArray} key, else a ULA of {@link #antennas()} elements. */
    public ArrayShape txShape() {
        return txArray != null ? txArray : ArrayShape.ula(antennas);
    }

    /** Radar receive array geometry: the {@code rxArray} key, else the transmit array. */
    public ArrayShape rxShape() {
        return rxArray != null ? rxArray : txShape();
    }

    /**
     * Whether both angles of a target are identifiable from the echo, i.e. the transmit or
     * the receive array is planar (horizontal and vertical extent): on a line array the
     * azimuth and elevation derivatives of the steering vector are parallel, the 4M × 4M
     * Fisher information of seed 004 is singular and the CRLB is not evaluated.
     */
    public boolean planarArray() {
        ArrayShape t = txShape(), r = rxShape();
        return (t.horizontal() > 1 && t.vertical() > 1) || (r.horizontal() > 1 && r.vertical() > 1);
    }

    /** Target elevations in degrees, one per entry of {@link #targetsDeg()} (a copy; 0 when not set). */
    public double[] targetsElevationDeg() {
        double[] out = new double[targetsDeg.length];
        System.arraycopy(targetsElevationDeg, 0, out, 0, targetsElevationDeg.length);
        return out;
    }

    /**
     * The true radar targets: azimuth {@code targetsDeg}, elevation {@code targetsElevationDeg}
     * (0 when not set), complex gain {@code targetsGainRe} + j·{@code targetsGainIm} (1 when
     * not set), angles in radians. A new object.
     */
    public Scatterers targets() {
        Scatterers out = new Scatterers();
        for (int i = 0; i < targetsDeg.length; i++) {
            out.add(Math.toRadians(targetsDeg[i]),
                    i < targetsElevationDeg.length ? Math.toRadians(targetsElevationDeg[i]) : 0,
                    i < targetsGainRe.length ? targetsGainRe[i] : 1,
                    i < targetsGainIm.length ? targetsGainIm[i] : 0);
        }
        return out;
    }

    // ---- derived --------------------------------------------------------------------------

    /** Per-user noise power σ² = P_t / 10^(snrDb/10), W. */
    public double noisePowerW() {
        return powerW / Math.pow(10, snrDb / 10);
    }

    /** Maximum Doppler f_D = v·f_c/c0, Hz. */
    public double dopplerHz() {
        return Fading.dopplerHz(speedMps, carrierHz);
    }

    /** Gauss–Markov correlation of one channel step, ρ = J0(2π·f_D·Δt). */
    public double rhoPerStep() {
        return Fading.gaussMarkovRho(dopplerHz(), channelStepUs * 1e-6);
    }

    /** Correlation of the true channel across one report period, J0(2π·f_D·T). */
    public double rhoPerReport() {
        return Fading.gaussMarkovRho(dopplerHz(), reportPeriodUs * 1e-6);
    }

    public long reportPeriodNs() {
        return reportPeriodUs * 1000L;
    }

    public long deadlineBudgetNs() {
        return deadlineBudgetUs * 1000L;
    }

    public long channelStepNs() {
        return channelStepUs * 1000L;
    }

    /** A fresh channel model instance for this scenario (one per radio: models keep state). */
    public org.isac.solver.channel.ChannelModel newChannelModel() {
        return switch (channel) {
            case "sv" -> new org.isac.solver.channel.SalehValenzuela(txShape(), users, svPaths, true);
            case "rician" -> new RicianPathLoss(txShape(), users, kFactor, carrierHz, referenceDistanceM,
                    pathLossExponent, shadowSigmaDb, minDistanceM, maxDistanceM, Math.toRadians(maxUserAngleDeg),
                    gainScale);
            case "rayleigh" -> new org.isac.solver.channel.Rayleigh(antennas, users);
            default -> throw new IllegalStateException("unvalidated channel " + channel);
        };
    }

    // ---- text -----------------------------------------------------------------------------

    /** The value of {@code key} (canonical spelling) as the text {@link Builder#set} accepts. */
    public String value(String key) {
        return switch (key) {
            case "radioId" -> radioId;
            case "antennas" -> Integer.toString(antennas);
            case "users" -> Integer.toString(users);
            case "rfChains" -> Integer.toString(rfChains);
            case "targetsDeg" -> joinDoubles(targetsDeg);
            case "snrDb" -> num(snrDb);
            case "powerW" -> num(powerW);
            case "channel" -> channel;
            case "svPaths" -> Integer.toString(svPaths);
            case "kFactor" -> num(kFactor);
            case "gainScale" -> num(gainScale);
            case "pathLossExponent" -> num(pathLossExponent);
            case "shadowSigmaDb" -> num(shadowSigmaDb);
            case "minDistanceM" -> num(minDistanceM);
            case "maxDistanceM" -> num(maxDistanceM);
            case "referenceDistanceM" -> num(referenceDistanceM);
            case "maxUserAngleDeg" -> num(maxUserAngleDeg);
            case "seed" -> Long.toString(seed);
            case "reportPeriodUs" -> Long.toString(reportPeriodUs);
            case "deadlineBudgetUs" -> Long.toString(deadlineBudgetUs);
            case "channelStepUs" -> Long.toString(channelStepUs);
            case "speedMps" -> num(speedMps);
            case "carrierHz" -> num(carrierHz);
            case "csiErrorMu" -> num(csiErrorMu);
            case "solver" -> solver;
            case "genieEvery" -> Integer.toString(genieEvery);
            case "scoreShare" -> num(scoreShare);
            case "sharedClock" -> Boolean.toString(sharedClock);
            case "maxFrameBytes" -> Integer.toString(maxFrameBytes);
            case "reportLimit" -> Long.toString(reportLimit);
            case "phaseBits" -> Integer.toString(phaseBits);
            case "basebandBits" -> Integer.toString(basebandBits);
            case "txArray" -> shapeText(txArray);
            case "rxArray" -> shapeText(rxArray);
            case "targetsElevationDeg" -> joinDoubles(targetsElevationDeg);
            case "targetsGainRe" -> joinDoubles(targetsGainRe);
            case "targetsGainIm" -> joinDoubles(targetsGainIm);
            default -> throw new IllegalArgumentException(unknownKey(key));
        };
    }

    /** Every key and value, canonical spelling, in a stable order (parameters last). */
    public Map<String, String> toMap() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String key : KEYS) {
            m.put(key, value(key));
        }
        for (Map.Entry<String, Double> e : solverParams.entrySet()) {
            m.put(PARAM_PREFIX + e.getKey(), num(e.getValue()));
        }
        return m;
    }

    /** The scenario as a properties file that {@link #load} reads back to an equal scenario. */
    public String toProperties() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : toMap().entrySet()) {
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        return sb.toString();
    }

    /** A few lines for reports: sizes, channel, timing, derived noise, Doppler and ρ. */
    public String describe() {
        String mode = rfChains == 0 ? "digital" : "hybrid M=" + rfChains;
        String ch = channel.equals("sv") ? "Saleh-Valenzuela Q=" + svPaths
                : String.format(Locale.ROOT, "Rician kappa=%s, path-loss exponent %s, %s-%s m, scale %s", num(kFactor),
                        num(pathLossExponent), num(minDistanceM), num(maxDistanceM), num(gainScale));
        return String.format(Locale.ROOT,
                "radio %s: %s tx, %s rx, K=%d users, %s, targets at [%s] deg%s%n"
                        + "channel %s, SNR %s dB (noise %.4g W at P_t %s W), seed %d%n"
                        + "reports every %d us, deadline budget %d us, channel step %d us%n"
                        + "speed %s m/s at %.4g GHz: Doppler %.1f Hz, rho %.6f per step, %.6f per report; CSI error mu %s%n"
                        + "solver %s%s, genie every %d applied",
                radioId, txShape(), rxShape(), users, mode, joinDoubles(targetsDeg),
                targetsElevationDeg.length + targetsGainRe.length + targetsGainIm.length == 0 ? ""
                        : " (elevation [" + joinDoubles(targetsElevationDeg) + "] deg, gain re [" + joinDoubles(targetsGainRe)
                                + "], im [" + joinDoubles(targetsGainIm) + "])",
                ch, num(snrDb), noisePowerW(), num(powerW), seed,
                reportPeriodUs, deadlineBudgetUs, channelStepUs, num(speedMps), carrierHz / 1e9, dopplerHz(),
                rhoPerStep(), rhoPerReport(), num(csiErrorMu), solver.isEmpty() ? "(controller default)" : solver,
                solverParams.isEmpty() ? "" : " " + solverParams, genieEvery);
    }

    /** One line: channel, sizes, SNR, timing, speed and ρ per report, CSI error, solver. */
    public String brief() {
        return String.format(Locale.ROOT,
                "%s: %s %s K=%d %s, SNR %s dB, report every %d us (budget %d us), %s m/s (rho %.4f per report), CSI mu %s, solver %s",
                radioId, channel, txArray == null ? "N=" + antennas : txShape().toString(), users, rfChains == 0 ? "digital" : "hybrid M=" + rfChains, num(snrDb),
                reportPeriodUs, deadlineBudgetUs, num(speedMps), rhoPerReport(), num(csiErrorMu),
                solver.isEmpty() ? "(controller default)" : solver);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Scenario{");
        boolean first = true;
        for (Map.Entry<String, String> e : toMap().entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.append('}').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scenario s && toMap().equals(s.toMap());
    }

    @Override
    public int hashCode() {
        return toMap().hashCode();
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static String shapeText(ArrayShape a) {
        return a == null ? "" : a.horizontal() + "x" + a.vertical();
    }

    private static String joinDoubles(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(num(v[i]));
        }
        return sb.toString();
    }

    private static String normalise(String key) {
        StringBuilder sb = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c != '-' && c != '_') {
                sb.append(Character.toLowerCase(c));
            }
        }
        return sb.toString();
    }

    private static String canonical(String key) {
        String n = normalise(key.trim());
        for (String k : KEYS) {
            if (normalise(k).equals(n)) {
                return k;
            }
        }
        return null;
    }

    private static String unknownKey(String key) {
        return "unknown scenario key '" + key + "'; known: " + String.join(", ", KEYS) + ", " + PARAM_PREFIX + "NAME";
    }

    /**
     * Mutable builder with every default; {@link #build()} validates and says which field is
     * wrong and why.
     */
    public static final class Builder {
        private String radioId = "sim-0";
        private int antennas = 64;
        private int users = 4;
        private int rfChains = 0;
        private double[] targetsDeg = {-60, 0, 60};
        private double snrDb = 12;
        private double powerW = 1.0;
        private String channel = "sv";
        private int svPaths = 10;
        private double kFactor = 10;
        private double gainScale = 1;
        private double pathLossExponent = 2.9;
        private double shadowSigmaDb = 5.7;
        private double minDistanceM = 30;
        private double maxDistanceM = 400;
        private double referenceDistanceM = 1;
        private double maxUserAngleDeg = 90;
        private long seed = 1;
        private long reportPeriodUs = 1000;
        private long deadlineBudgetUs = 1000;
        private long channelStepUs = 100;
        private double speedMps = 3;
        private double carrierHz = 28e9;
        private double csiErrorMu = 0;
        private String solver = "";
        private final Map<String, Double> solverParams = new TreeMap<>();
        private int genieEvery = 1;
        private double scoreShare = 0.25;
        private boolean sharedClock = true;
        private int maxFrameBytes = 4 << 20;
        private long reportLimit = 0;
        private int phaseBits = 6;
        private int basebandBits = 9;
        private ArrayShape txArray;
        private ArrayShape rxArray;
        private double[] targetsElevationDeg = {};
        private double[] targetsGainRe = {};
        private double[] targetsGainIm = {};
        /** Whether {@code antennas} was set (then it must agree with {@code txArray}). */
        private boolean antennasSet;

        private Builder() {
        }

        /**
         * Sets one field from text, as a properties file or CLI option gives it. {@code key}
         * is matched ignoring case, '-' and '_'; {@code param.NAME} sets a solver parameter.
         *
         * @throws IllegalArgumentException for an unknown key or a value that does not parse
         *     (the message names both); range checks happen in {@link #build()}
         */
        public Builder set(String key, String value) {
            if (key == null || value == null) {
                throw new IllegalArgumentException("scenario key and value must not be null (key " + key + ")");
            }
            String v = value.trim();
            String trimmed = key.trim();
            if (trimmed.regionMatches(true, 0, PARAM_PREFIX, 0, PARAM_PREFIX.length())) {
                String name = trimmed.substring(PARAM_PREFIX.length());
                if (name.isEmpty()) {
                    throw new IllegalArgumentException("solver parameter key '" + key + "' has no name after '" + PARAM_PREFIX + "'");
                }
                return param(name, parseDouble(key, v));
            }
            String k = canonical(trimmed);
            if (k == null) {
                throw new IllegalArgumentException(unknownKey(key));
            }
            switch (k) {
                case "radioId" -> radioId(v);
                case "antennas" -> antennas(parseInt(key, v));
                case "users" -> users(parseInt(key, v));
                case "rfChains" -> rfChains(parseInt(key, v));
                case "targetsDeg" -> targetsDeg(parseDoubles(key, v));
                case "snrDb" -> snrDb(parseDouble(key, v));
                case "powerW" -> powerW(parseDouble(key, v));
                case "channel" -> channel(v);
                case "svPaths" -> svPaths(parseInt(key, v));
                case "kFactor" -> kFactor(parseDouble(key, v));
                case "gainScale" -> gainScale(parseDouble(key, v));
                case "pathLossExponent" -> pathLossExponent(parseDouble(key, v));
                case "shadowSigmaDb" -> shadowSigmaDb(parseDouble(key, v));
                case "minDistanceM" -> minDistanceM(parseDouble(key, v));
                case "maxDistanceM" -> maxDistanceM(parseDouble(key, v));
                case "referenceDistanceM" -> referenceDistanceM(parseDouble(key, v));
                case "maxUserAngleDeg" -> maxUserAngleDeg(parseDouble(key, v));
                case "seed" -> seed(parseLong(key, v));
                case "reportPeriodUs" -> reportPeriodUs(parseLong(key, v));
                case "deadlineBudgetUs" -> deadlineBudgetUs(parseLong(key, v));
                case "channelStepUs" -> channelStepUs(parseLong(key, v));
                case "speedMps" -> speedMps(parseDouble(key, v));
                case "carrierHz" -> carrierHz(parseDouble(key, v));
                case "csiErrorMu" -> csiErrorMu(parseDouble(key, v));
                case "solver" -> solver(v);
                case "genieEvery" -> genieEvery(parseInt(key, v));
                case "scoreShare" -> scoreShare(parseDouble(key, v));
                case "sharedClock" -> sharedClock(parseBoolean(key, v));
                case "maxFrameBytes" -> maxFrameBytes(parseInt(key, v));
                case "reportLimit" -> reportLimit(parseLong(key, v));
                case "phaseBits" -> phaseBits(parseInt(key, v));
                case "basebandBits" -> basebandBits(parseInt(key, v));
                case "txArray" -> txArray(parseShape(key, v));
                case "rxArray" -> rxArray(parseShape(key, v));
                case "targetsElevationDeg" -> targetsElevationDeg(parseDoubles(key, v));
                case "targetsGainRe" -> targetsGainRe(parseDoubles(key, v));
                case "targetsGainIm" -> targetsGainIm(parseDoubles(key, v));
                default -> throw new IllegalStateException("key without setter: " + k);
            }
            return this;
        }

        public Builder radioId(String v) {
            this.radioId = v;
            return this;
        }

        public Builder antennas(int v) {
            this.antennas = v;
            this.antennasSet = true;
            return this;
        }

        /**
         * Transmit array geometry (null = ULA of {@code antennas}); N becomes its size, over
         * any earlier {@code antennas}; an {@code antennas} set after it must agree.
         */
        public Builder txArray(ArrayShape v) {
            this.txArray = v;
            this.antennasSet = false;
            return this;
        }

        /** Radar receive array geometry (null = the transmit array). */
        public Builder rxArray(ArrayShape v) {
            this.rxArray = v;
            return this;
        }

        /** Target elevations in degrees, one per azimuth of {@code targetsDeg} (empty = all 0). */
        public Builder targetsElevationDeg(double... v) {
            this.targetsElevationDeg = v == null ? null : v.clone();
            return this;
        }

        /** Real parts of the targets' complex gains, one per target (empty = all 1). */
        public Builder targetsGainRe(double... v) {
            this.targetsGainRe = v == null ? null : v.clone();
            return this;
        }

        /** Imaginary parts of the targets' complex gains, one per target (empty = all 0). */
        public Builder targetsGainIm(double... v) {
            this.targetsGainIm = v == null ? null : v.clone();
            return this;
        }

        public Builder users(int v) {
            this.users = v;
            return this;
        }

        public Builder rfChains(int v) {
            this.rfChains = v;
            return this;
        }

        public Builder targetsDeg(double... v) {
            this.targetsDeg = v == null ? null : v.clone();
            return this;
        }

        public Builder snrDb(double v) {
            this.snrDb = v;
            return this;
        }

        public Builder powerW(double v) {
            this.powerW = v;
            return this;
        }

        public Builder channel(String v) {
            this.channel = v == null ? null : v.trim().toLowerCase(Locale.ROOT);
            return this;
        }

        public Builder svPaths(int v) {
            this.svPaths = v;
            return this;
        }

        public Builder kFactor(double v) {
            this.kFactor = v;
            return this;
        }

        public Builder gainScale(double v) {
            this.gainScale = v;
            return this;
        }

        public Builder pathLossExponent(double v) {
            this.pathLossExponent = v;
            return this;
        }

        public Builder shadowSigmaDb(double v) {
            this.shadowSigmaDb = v;
            return this;
        }

        public Builder minDistanceM(double v) {
            this.minDistanceM = v;
            return this;
        }

        public Builder maxDistanceM(double v) {
            this.maxDistanceM = v;
            return this;
        }

        public Builder referenceDistanceM(double v) {
            this.referenceDistanceM = v;
            return this;
        }

        public Builder maxUserAngleDeg(double v) {
            this.maxUserAngleDeg = v;
            return this;
        }

        public Builder seed(long v) {
            this.seed = v;
            return this;
        }

        public Builder reportPeriodUs(long v) {
            this.reportPeriodUs = v;
            return this;
        }

        public Builder deadlineBudgetUs(long v) {
            this.deadlineBudgetUs = v;
            return this;
        }

        public Builder channelStepUs(long v) {
            this.channelStepUs = v;
            return this;
        }

        public Builder speedMps(double v) {
            this.speedMps = v;
            return this;
        }

        public Builder carrierHz(double v) {
            this.carrierHz = v;
            return this;
        }

        public Builder csiErrorMu(double v) {
            this.csiErrorMu = v;
            return this;
        }

        public Builder solver(String v) {
            this.solver = v == null ? null : v.trim();
            return this;
        }

        /** Sets solver hyper-parameter {@code name} (sent in every report's params map). */
        public Builder param(String name, double value) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("solver parameter name must not be blank");
            }
            solverParams.put(name.trim(), value);
            return this;
        }

        public Builder clearParams() {
            solverParams.clear();
            return this;
        }

        public Builder genieEvery(int v) {
            this.genieEvery = v;
            return this;
        }

        public Builder scoreShare(double v) {
            this.scoreShare = v;
            return this;
        }

        public Builder sharedClock(boolean v) {
            this.sharedClock = v;
            return this;
        }

        public Builder maxFrameBytes(int v) {
            this.maxFrameBytes = v;
            return this;
        }

        public Builder reportLimit(long v) {
            this.reportLimit = v;
            return this;
        }

        public Builder phaseBits(int v) {
            this.phaseBits = v;
            return this;
        }

        public Builder basebandBits(int v) {
            this.basebandBits = v;
            return this;
        }

        /**
         * Validates every field and returns the scenario.
         *
         * @throws IllegalArgumentException listing every field that is out of range
         */
        public Scenario build() {
            List<String> errors = new ArrayList<>();
            if (radioId == null || radioId.isBlank()) {
                errors.add("radioId must not be empty");
            }
            if (txArray != null) {
                if (antennasSet && antennas != txArray.size()) {
                    errors.add("antennas=" + antennas + " disagrees with txArray " + shapeText(txArray) + " ("
                            + txArray.size() + " elements); set one of them");
                } else {
                    antennas = txArray.size();
                }
            }
            if (antennas < 1 || antennas > 4096) {
                errors.add("antennas must be in [1, 4096], got " + antennas);
            }
            if (users < 1 || users > Math.max(1, antennas)) {
                errors.add("users must be in [1, antennas=" + antennas + "], got " + users);
            }
            if (rfChains != 0 && (rfChains < users || rfChains > antennas)) {
                errors.add("rfChains must be 0 (digital) or in [users=" + users + ", antennas=" + antennas + "], got " + rfChains);
            }
            if (targetsDeg == null) {
                errors.add("targetsDeg must not be null (use an empty list for none)");
            } else {
                for (double t : targetsDeg) {
                    if (!(t >= -90 && t <= 90)) {
                        errors.add("targetsDeg entries must lie in [-90, 90] degrees, got " + t);
                        break;
                    }
                }
            }
            if (rxArray != null && rxArray.size() > 4096) {
                errors.add("rxArray must have at most 4096 elements, got " + shapeText(rxArray));
            }
            int targetCount = targetsDeg == null ? 0 : targetsDeg.length;
            if (targetsElevationDeg == null || (targetsElevationDeg.length != 0 && targetsElevationDeg.length != targetCount)) {
                errors.add("targetsElevationDeg needs one entry per target (" + targetCount + ") or none, got "
                        + (targetsElevationDeg == null ? "null" : targetsElevationDeg.length));
            } else {
                for (double e : targetsElevationDeg) {
                    if (!(e >= -180 && e <= 180)) {
                        errors.add("targetsElevationDeg entries must lie in [-180, 180] degrees, got " + e);
                        break;
                    }
                }
            }
            for (double[] g : new double[][] {targetsGainRe, targetsGainIm}) {
                String name = g == targetsGainRe ? "targetsGainRe" : "targetsGainIm";
                if (g == null || (g.length != 0 && g.length != targetCount)) {
                    errors.add(name + " needs one entry per target (" + targetCount + ") or none, got "
                            + (g == null ? "null" : g.length));
                } else {
                    for (double v : g) {
                        if (!Double.isFinite(v)) {
                            errors.add(name + " entries must be finite, got " + v);
                            break;
                        }
                    }
                }
            }
            if (!Double.isFinite(snrDb) || Math.abs(snrDb) > 200) {
                errors.add("snrDb must be finite and within +-200 dB, got " + snrDb);
            }
            if (!(powerW > 0) || !Double.isFinite(powerW)) {
                errors.add("powerW must be finite and > 0 W, got " + powerW);
            }
            if (channel == null || !(channel.equals("sv") || channel.equals("rician") || channel.equals("rayleigh"))) {
                errors.add("channel must be 'sv', 'rician' or 'rayleigh', got '" + channel + "'");
            }
            if (svPaths < 1) {
                errors.add("svPaths must be >= 1, got " + svPaths);
            }
            if (!(kFactor >= 0) || !Double.isFinite(kFactor)) {
                errors.add("kFactor must be finite and >= 0 (linear), got " + kFactor);
            }
            if (!(gainScale > 0) || !Double.isFinite(gainScale)) {
                errors.add("gainScale must be finite and > 0, got " + gainScale);
            }
            if (!Double.isFinite(pathLossExponent) || pathLossExponent < 0) {
                errors.add("pathLossExponent must be finite and >= 0, got " + pathLossExponent);
            }
            if (!(shadowSigmaDb >= 0) || !Double.isFinite(shadowSigmaDb)) {
                errors.add("shadowSigmaDb must be finite and >= 0 dB, got " + shadowSigmaDb);
            }
            if (!(referenceDistanceM > 0) || !(minDistanceM >= referenceDistanceM) || !(maxDistanceM >= minDistanceM)
                    || !Double.isFinite(maxDistanceM)) {
                errors.add("distances need 0 < referenceDistanceM <= minDistanceM <= maxDistanceM (finite), got "
                        + referenceDistanceM + ", " + minDistanceM + ", " + maxDistanceM);
            }
            if (!(maxUserAngleDeg >= 0 && maxUserAngleDeg <= 90)) {
                errors.add("maxUserAngleDeg must lie in [0, 90], got " + maxUserAngleDeg);
            }
            if (reportPeriodUs < 10 || reportPeriodUs > 60_000_000L) {
                errors.add("reportPeriodUs must be in [10, 60000000] us, got " + reportPeriodUs);
            }
            if (deadlineBudgetUs < 1 || deadlineBudgetUs > 60_000_000L) {
                errors.add("deadlineBudgetUs must be in [1, 60000000] us, got " + deadlineBudgetUs);
            }
            if (channelStepUs < 1 || channelStepUs > 1_000_000L) {
                errors.add("channelStepUs must be in [1, 1000000] us, got " + channelStepUs);
            }
            if (!(speedMps >= 0) || !Double.isFinite(speedMps)) {
                errors.add("speedMps must be finite and >= 0 m/s, got " + speedMps);
            }
            if (!(carrierHz > 0) || !Double.isFinite(carrierHz)) {
                errors.add("carrierHz must be finite and > 0 Hz, got " + carrierHz);
            }
            if (!(csiErrorMu >= 0 && csiErrorMu <= 1)) {
                errors.add("csiErrorMu must lie in [0, 1], got " + csiErrorMu);
            }
            if (solver == null || solver.chars().anyMatch(Character::isWhitespace)) {
                errors.add("solver must be a name without spaces (empty = controller default), got '" + solver + "'");
            }
            for (Map.Entry<String, Double> e : solverParams.entrySet()) {
                if (!Double.isFinite(e.getValue())) {
                    errors.add("solver parameter " + e.getKey() + " must be finite, got " + e.getValue());
                }
            }
            if (genieEvery < 0) {
                errors.add("genieEvery must be >= 0 (0 = never), got " + genieEvery);
            }
            if (!(scoreShare > 0 && scoreShare <= 1)) {
                errors.add("scoreShare must be in (0, 1], got " + scoreShare);
            }
            if (maxFrameBytes < 1024) {
                errors.add("maxFrameBytes must be >= 1024, got " + maxFrameBytes);
            }
            if (phaseBits < 0 || phaseBits > 8) {
                errors.add("phaseBits must be in 0..8 (0 = continuous), got " + phaseBits);
            }
            if (basebandBits < 0 || basebandBits > 16) {
                errors.add("basebandBits must be in 0..16 (0 = float), got " + basebandBits);
            }
            if (reportLimit < 0) {
                errors.add("reportLimit must be >= 0 (0 = no limit), got " + reportLimit);
            }
            if (!errors.isEmpty()) {
                throw new IllegalArgumentException("invalid scenario: " + String.join("; ", errors));
            }
            return new Scenario(this);
        }

        private static int parseInt(String key, String v) {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("scenario key '" + key + "': '" + v + "' is not an integer");
            }
        }

        private static long parseLong(String key, String v) {
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("scenario key '" + key + "': '" + v + "' is not an integer");
            }
        }

        private static double parseDouble(String key, String v) {
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("scenario key '" + key + "': '" + v + "' is not a number");
            }
        }

        /** "HxV" (e.g. 4x4) or "N" (a ULA); empty = default. */
        private static ArrayShape parseShape(String key, String v) {
            if (v.isEmpty()) {
                return null;
            }
            String[] parts = v.toLowerCase(Locale.ROOT).split("[x×*]", -1);
            if (parts.length > 2) {
                throw new IllegalArgumentException("scenario key '" + key + "': '" + v + "' is not an array shape (HxV or N)");
            }
            int h = parseInt(key, parts[0].trim());
            int vert = parts.length == 2 ? parseInt(key, parts[1].trim()) : 1;
            if (h < 1 || vert < 1) {
                throw new IllegalArgumentException("scenario key '" + key + "': '" + v + "' needs at least one element per axis");
            }
            return new ArrayShape(h, vert);
        }

        private static double[] parseDoubles(String key, String v) {
            if (v.isEmpty()) {
                return new double[0];
            }
            String[] parts = v.split(",");
            double[] out = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                out[i] = parseDouble(key, parts[i].trim());
            }
            return out;
        }

        private static boolean parseBoolean(String key, String v) {
            if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes") || v.equals("1")) {
                return true;
            }
            if (v.equalsIgnoreCase("false") || v.equalsIgnoreCase("no") || v.equals("0")) {
                return false;
            }
            throw new IllegalArgumentException("scenario key '" + key + "': '" + v + "' is not a boolean (true/false)");
        }
    }
}
