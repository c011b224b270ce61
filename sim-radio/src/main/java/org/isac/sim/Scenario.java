package org.isac.sim;

import static org.isac.sim.ScenarioKey.*;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.isac.solver.Scatterers;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.channel.ChannelModel;
import org.isac.solver.channel.Fading;
import org.isac.solver.channel.Rayleigh;
import org.isac.solver.channel.RicianPathLoss;
import org.isac.solver.channel.SalehValenzuela;
import org.isac.solver.channel.WidebandSalehValenzuela;

/**
 * Immutable description of one simulated front end: array, users, channel model, timing and
 * what is measured. Built with {@link #builder()}, loaded from a {@code key=value} properties
 * file with {@link #load(Path)} / {@link #fromProperties(Properties)}, and overridden key by
 * key with {@link Builder#set(String, String)} (which is what a CLI maps its options onto).
 *
 * <p>Keys: the table {@link ScenarioKey} declares each one once (name, type, default, allowed
 * range, one-line doc); {@link #keyHelp()} prints it. Parsing, validation, printing, equality
 * and {@link #toBuilder()} all go through that table; each key also has an accessor and a
 * typed builder setter of the same name. {@code param.NAME} sets solver hyper-parameter NAME.
 * {@code txArray} {@code HxV} (e.g. {@code 4x4}) makes the transmit array a UPA and N = H·V;
 * {@code antennas} set after it or in the same file must agree. {@code phaseBits} and
 * {@code basebandBits} are the hello's hardware widths: the controller quantizes to them and the
 * radio applies the decoded frame.
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
    /** Prefix of solver-parameter keys: {@code param.reg=0.01}. */
    public static final String PARAM_PREFIX = "param.";

    /** Every key's value, indexed by {@link ScenarioKey#ordinal()}; arrays are never handed out. */
    private final Object[] values;
    private final Map<String, Double> solverParams;

    private Scenario(Builder b) {
        this.values = new Object[b.values.length];
        for (ScenarioKey k : ScenarioKey.values()) {
            values[k.ordinal()] = k.type.copy(k.in(b.values));
        }
        this.solverParams = Collections.unmodifiableMap(new TreeMap<>(b.solverParams));
    }

    /** A builder holding every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The default scenario. */
    public static Scenario defaults() {
        return builder().build();
    }

    /** A builder preset to this scenario, to override a few fields (the transmit array stays free to change). */
    public Builder toBuilder() {
        Builder b = new Builder();
        for (ScenarioKey k : ScenarioKey.values()) {
            b.values[k.ordinal()] = k.type.copy(k.in(values));
        }
        b.solverParams.putAll(solverParams);
        return b;
    }

    /**
     * Reads a {@code key=value} properties file (keys as in {@link ScenarioKey}) over the
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
            if (ScenarioKey.of(key) == ANTENNAS) {
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

    /** One line per key: name, default and doc, in table order, then the solver parameters. */
    public static String keyHelp() {
        Object[] d = new Builder().values;
        StringBuilder sb = new StringBuilder();
        for (ScenarioKey k : ScenarioKey.values()) {
            sb.append(k.key).append(" [").append(k.text(k.in(d))).append("]: ").append(k.doc).append('\n');
        }
        return sb.append(PARAM_PREFIX).append("NAME: solver hyper-parameter NAME, sent in every report\n").toString();
    }

    // ---- accessors: each returns the key of its name (see ScenarioKey for its doc and range) --------

    private Object get(ScenarioKey k) {
        return values[k.ordinal()];
    }

    private double[] doubles(ScenarioKey k) {
        return (double[]) values[k.ordinal()];
    }

    public String radioId() { return (String) get(RADIO_ID); }
    /** N, transmit antennas (the size of {@link #txShape()}). */
    public int antennas() { return (Integer) get(ANTENNAS); }
    public int users() { return (Integer) get(USERS); }
    /** M, RF chains; 0 = fully digital. */
    public int rfChains() { return (Integer) get(RF_CHAINS); }
    /** Radar target azimuths in degrees (a copy). */
    public double[] targetsDeg() { return doubles(TARGETS_DEG).clone(); }
    public double snrDb() { return (Double) get(SNR_DB); }
    public double powerW() { return (Double) get(POWER_W); }
    public String channel() { return (String) get(CHANNEL); }
    /** channel=trace: the recording directory; empty otherwise. */
    public String trace() { return (String) get(TRACE); }
    /** channel=trace: the radio whose channels are played; empty = the first with reports. */
    public String traceRadio() { return (String) get(TRACE_RADIO); }
    public int svPaths() { return (Integer) get(SV_PATHS); }
    public double kFactor() { return (Double) get(K_FACTOR); }
    public double gainScale() { return (Double) get(GAIN_SCALE); }
    public double pathLossExponent() { return (Double) get(PATH_LOSS_EXPONENT); }
    public double shadowSigmaDb() { return (Double) get(SHADOW_SIGMA_DB); }
    public double minDistanceM() { return (Double) get(MIN_DISTANCE_M); }
    public double maxDistanceM() { return (Double) get(MAX_DISTANCE_M); }
    public double referenceDistanceM() { return (Double) get(REFERENCE_DISTANCE_M); }
    public double maxUserAngleDeg() { return (Double) get(MAX_USER_ANGLE_DEG); }
    public long seed() { return (Long) get(SEED); }
    public long reportPeriodUs() { return (Long) get(REPORT_PERIOD_US); }
    public long deadlineBudgetUs() { return (Long) get(DEADLINE_BUDGET_US); }
    public long channelStepUs() { return (Long) get(CHANNEL_STEP_US); }
    public double speedMps() { return (Double) get(SPEED_MPS); }
    public double carrierHz() { return (Double) get(CARRIER_HZ); }
    /** S, subbands (1 = narrowband). */
    public int subbands() { return (Integer) get(SUBBANDS); }
    /** B, the band the subbands split, Hz. */
    public double bandwidthHz() { return (Double) get(BANDWIDTH_HZ); }
    /** τ_max of the wideband channel's path delays, ns. */
    public double delaySpreadNs() { return (Double) get(DELAY_SPREAD_NS); }
    /** Whether the wideband channel's steering vectors follow the subband frequency. */
    public boolean squint() { return (Boolean) get(SQUINT); }
    /** CSI error μ ∈ [0, 1] of {@link Fading#estimate}; 0 = perfect estimate. */
    public double csiErrorMu() { return (Double) get(CSI_ERROR_MU); }
    public String solver() { return (String) get(SOLVER); }
    public int genieEvery() { return (Integer) get(GENIE_EVERY); }
    public boolean sharedClock() { return (Boolean) get(SHARED_CLOCK); }
    public int maxFrameBytes() { return (Integer) get(MAX_FRAME_BYTES); }
    public long reportLimit() { return (Long) get(REPORT_LIMIT); }
    public int phaseBits() { return (Integer) get(PHASE_BITS); }
    public int basebandBits() { return (Integer) get(BASEBAND_BITS); }

    /**
     * The share of one core the radio's scorer (genie, ZF bound, τ, SCNR) may use, in (0, 1]:
     * after a score that took t it rests t·(1 − share)/share, and samples offered meanwhile are
     * skipped and counted, so the measurement never takes the core of what it measures.
     */
    public double scoreShare() {
        return (Double) get(SCORE_SHARE);
    }

    /** Solver hyper-parameters sent with every report (unmodifiable, sorted by name). */
    public Map<String, Double> solverParams() {
        return solverParams;
    }

    /** Transmit array geometry: the {@code txArray} key, else a ULA of {@link #antennas()} elements. */
    public ArrayShape txShape() {
        ArrayShape tx = (ArrayShape) get(TX_ARRAY);
        return tx != null ? tx : ArrayShape.ula(antennas());
    }

    /** Radar receive array geometry: the {@code rxArray} key, else the transmit array. */
    public ArrayShape rxShape() {
        ArrayShape rx = (ArrayShape) get(RX_ARRAY);
        return rx != null ? rx : txShape();
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
        return Arrays.copyOf(doubles(TARGETS_ELEVATION_DEG), doubles(TARGETS_DEG).length);
    }

    /**
     * The true radar targets: azimuth {@code targetsDeg}, elevation {@code targetsElevationDeg}
     * (0 when not set), complex gain {@code targetsGainRe} + j·{@code targetsGainIm} (1 when
     * not set), angles in radians. A new object.
     */
    public Scatterers targets() {
        double[] az = doubles(TARGETS_DEG), el = doubles(TARGETS_ELEVATION_DEG);
        double[] re = doubles(TARGETS_GAIN_RE), im = doubles(TARGETS_GAIN_IM);
        Scatterers out = new Scatterers();
        for (int i = 0; i < az.length; i++) {
            out.add(Math.toRadians(az[i]), i < el.length ? Math.toRadians(el[i]) : 0, i < re.length ? re[i] : 1,
                    i < im.length ? im[i] : 0);
        }
        return out;
    }

    // ---- derived --------------------------------------------------------------------------

    /** Per-user noise power σ² = P_t / 10^(snrDb/10), W. */
    public double noisePowerW() {
        return powerW() / Math.pow(10, snrDb() / 10);
    }

    /** Maximum Doppler f_D = v·f_c/c0, Hz. */
    public double dopplerHz() {
        return Fading.dopplerHz(speedMps(), carrierHz());
    }

    /** Gauss–Markov correlation of one channel step, ρ = J0(2π·f_D·Δt). */
    public double rhoPerStep() {
        return Fading.gaussMarkovRho(dopplerHz(), channelStepUs() * 1e-6);
    }

    /** Correlation of the true channel across one report period, J0(2π·f_D·T). */
    public double rhoPerReport() {
        return Fading.gaussMarkovRho(dopplerHz(), reportPeriodUs() * 1e-6);
    }

    public long reportPeriodNs() {
        return reportPeriodUs() * 1000L;
    }

    public long deadlineBudgetNs() {
        return deadlineBudgetUs() * 1000L;
    }

    public long channelStepNs() {
        return channelStepUs() * 1000L;
    }

    /** A fresh channel model instance for this scenario (one per radio: models keep state). */
    public ChannelModel newChannelModel() {
        return switch (channel()) {
            case "sv" -> new SalehValenzuela(txShape(), users(), svPaths(), true);
            case "rician" -> new RicianPathLoss(txShape(), users(), kFactor(), carrierHz(), referenceDistanceM(),
                    pathLossExponent(), shadowSigmaDb(), minDistanceM(), maxDistanceM(), Math.toRadians(maxUserAngleDeg()),
                    gainScale());
            case "rayleigh" -> new Rayleigh(antennas(), users());
            case "trace" -> throw new IllegalStateException("channel=trace plays a recording, not a model: use ChannelProcess.of");
            default -> throw new IllegalStateException("unvalidated channel " + channel());
        };
    }

    /**
     * A fresh wideband channel for {@code subbands > 1}: Saleh–Valenzuela with {@link #svPaths()}
     * single-ray clusters (delays uniform in [0, τ_max)), S subbands over {@link #bandwidthHz()}
     * around {@link #carrierHz()}, squint as set.
     */
    public WidebandSalehValenzuela newWidebandModel() {
        return new WidebandSalehValenzuela(txShape(), users(), svPaths(), 1, bandwidthHz(), carrierHz(), subbands(),
                delaySpreadNs() * 1e-9, squint());
    }

    // ---- text -----------------------------------------------------------------------------

    /** The value of {@code key} (canonical spelling) as the text {@link Builder#set} accepts. */
    public String value(String key) {
        for (ScenarioKey k : ScenarioKey.values()) {
            if (k.key.equals(key)) {
                return k.text(get(k));
            }
        }
        throw new IllegalArgumentException(unknownKey(key));
    }

    /** Every key and value, canonical spelling, in a stable order (parameters last). */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        for (ScenarioKey k : ScenarioKey.values()) {
            m.put(k.key, k.text(get(k)));
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

    /** The text of key {@code k}. */
    private String text(ScenarioKey k) {
        return k.text(get(k));
    }

    /** A few lines for reports: sizes, channel, timing, derived noise, Doppler and ρ. */
    public String describe() {
        String mode = rfChains() == 0 ? "digital" : "hybrid M=" + rfChains();
        String ch = subbands() > 1 ? String.format(Locale.ROOT, "wideband Saleh-Valenzuela Q=%d, S=%d subbands over %.4g MHz,"
                + " delays < %s ns%s", svPaths(), subbands(), bandwidthHz() / 1e6, text(DELAY_SPREAD_NS), squint() ? ", squint" : "")
                : channel().equals("sv") ? "Saleh-Valenzuela Q=" + svPaths()
                : String.format(Locale.ROOT, "Rician kappa=%s, path-loss exponent %s, %s-%s m, scale %s", text(K_FACTOR),
                        text(PATH_LOSS_EXPONENT), text(MIN_DISTANCE_M), text(MAX_DISTANCE_M), text(GAIN_SCALE));
        boolean plainTargets = doubles(TARGETS_ELEVATION_DEG).length + doubles(TARGETS_GAIN_RE).length
                + doubles(TARGETS_GAIN_IM).length == 0;
        return String.format(Locale.ROOT,
                "radio %s: %s tx, %s rx, K=%d users, %s, targets at [%s] deg%s%n"
                        + "channel %s, SNR %s dB (noise %.4g W at P_t %s W), seed %d%n"
                        + "reports every %d us, deadline budget %d us, channel step %d us%n"
                        + "speed %s m/s at %.4g GHz: Doppler %.1f Hz, rho %.6f per step, %.6f per report; CSI error mu %s%n"
                        + "solver %s%s, genie every %d applied",
                radioId(), txShape(), rxShape(), users(), mode, text(TARGETS_DEG),
                plainTargets ? "" : " (elevation [" + text(TARGETS_ELEVATION_DEG) + "] deg, gain re [" + text(TARGETS_GAIN_RE)
                        + "], im [" + text(TARGETS_GAIN_IM) + "])",
                ch, text(SNR_DB), noisePowerW(), text(POWER_W), seed(),
                reportPeriodUs(), deadlineBudgetUs(), channelStepUs(), text(SPEED_MPS), carrierHz() / 1e9, dopplerHz(),
                rhoPerStep(), rhoPerReport(), text(CSI_ERROR_MU), solverText(),
                solverParams.isEmpty() ? "" : " " + solverParams, genieEvery());
    }

    /** One line: channel, sizes, SNR, timing, speed and ρ per report, CSI error, solver. */
    public String brief() {
        return String.format(Locale.ROOT,
                "%s: %s %s K=%d %s, SNR %s dB, report every %d us (budget %d us), %s m/s (rho %.4f per report), CSI mu %s, solver %s",
                radioId(), subbands() > 1 ? channel() + " S=" + subbands() : channel(), get(TX_ARRAY) == null ? "N=" + antennas() : txShape().toString(), users(),
                rfChains() == 0 ? "digital" : "hybrid M=" + rfChains(), text(SNR_DB), reportPeriodUs(), deadlineBudgetUs(),
                text(SPEED_MPS), rhoPerReport(), text(CSI_ERROR_MU), solverText());
    }

    private String solverText() {
        return solver().isEmpty() ? "(controller default)" : solver();
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

    static String joinDoubles(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(num(v[i]));
        }
        return sb.toString();
    }

    private static String unknownKey(String key) {
        StringBuilder known = new StringBuilder();
        for (ScenarioKey k : ScenarioKey.values()) {
            known.append(k.key).append(", ");
        }
        return "unknown scenario key '" + key + "'; known: " + known + PARAM_PREFIX + "NAME";
    }

    /**
     * Mutable builder with every default; {@link #build()} validates and says which field is
     * wrong and why.
     */
    public static final class Builder {
        /** Every key's value, indexed by {@link ScenarioKey#ordinal()}. */
        private final Object[] values = new Object[ScenarioKey.values().length];
        private final Map<String, Double> solverParams = new TreeMap<>();
        /** Whether {@code antennas} was set (then it must agree with {@code txArray}). */
        private boolean antennasSet;

        private Builder() {
            for (ScenarioKey k : ScenarioKey.values()) {
                values[k.ordinal()] = k.defaultValue();
            }
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
                return param(name, (Double) ScenarioKey.Type.DOUBLE.parse(key, v));
            }
            ScenarioKey k = ScenarioKey.of(trimmed);
            if (k == null) {
                throw new IllegalArgumentException(unknownKey(key));
            }
            return put(k, k.type.parse(key, v));
        }

        /** Stores {@code v} (as its type normalises it) for {@code k}. */
        private Builder put(ScenarioKey k, Object v) {
            values[k.ordinal()] = k.type.normalise(v);
            if (k == ANTENNAS) {
                antennasSet = true;
            } else if (k == TX_ARRAY) {
                antennasSet = false;
            }
            return this;
        }

        public Builder radioId(String v) { return put(RADIO_ID, v); }
        public Builder antennas(int v) { return put(ANTENNAS, v); }
        /**
         * Transmit array geometry (null = ULA of {@code antennas}); N becomes its size, over
         * any earlier {@code antennas}; an {@code antennas} set after it must agree.
         */
        public Builder txArray(ArrayShape v) { return put(TX_ARRAY, v); }
        /** Radar receive array geometry (null = the transmit array). */
        public Builder rxArray(ArrayShape v) { return put(RX_ARRAY, v); }
        public Builder targetsElevationDeg(double... v) { return put(TARGETS_ELEVATION_DEG, v); }
        public Builder targetsGainRe(double... v) { return put(TARGETS_GAIN_RE, v); }
        public Builder targetsGainIm(double... v) { return put(TARGETS_GAIN_IM, v); }
        public Builder users(int v) { return put(USERS, v); }
        public Builder rfChains(int v) { return put(RF_CHAINS, v); }
        public Builder targetsDeg(double... v) { return put(TARGETS_DEG, v); }
        public Builder snrDb(double v) { return put(SNR_DB, v); }
        public Builder powerW(double v) { return put(POWER_W, v); }
        public Builder channel(String v) { return put(CHANNEL, v); }
        public Builder svPaths(int v) { return put(SV_PATHS, v); }
        public Builder kFactor(double v) { return put(K_FACTOR, v); }
        public Builder gainScale(double v) { return put(GAIN_SCALE, v); }
        public Builder pathLossExponent(double v) { return put(PATH_LOSS_EXPONENT, v); }
        public Builder shadowSigmaDb(double v) { return put(SHADOW_SIGMA_DB, v); }
        public Builder minDistanceM(double v) { return put(MIN_DISTANCE_M, v); }
        public Builder maxDistanceM(double v) { return put(MAX_DISTANCE_M, v); }
        public Builder referenceDistanceM(double v) { return put(REFERENCE_DISTANCE_M, v); }
        public Builder maxUserAngleDeg(double v) { return put(MAX_USER_ANGLE_DEG, v); }
        public Builder seed(long v) { return put(SEED, v); }
        public Builder reportPeriodUs(long v) { return put(REPORT_PERIOD_US, v); }
        public Builder deadlineBudgetUs(long v) { return put(DEADLINE_BUDGET_US, v); }
        public Builder channelStepUs(long v) { return put(CHANNEL_STEP_US, v); }
        public Builder speedMps(double v) { return put(SPEED_MPS, v); }
        public Builder carrierHz(double v) { return put(CARRIER_HZ, v); }
        public Builder subbands(int v) { return put(SUBBANDS, v); }
        public Builder bandwidthHz(double v) { return put(BANDWIDTH_HZ, v); }
        public Builder delaySpreadNs(double v) { return put(DELAY_SPREAD_NS, v); }
        public Builder squint(boolean v) { return put(SQUINT, v); }
        public Builder csiErrorMu(double v) { return put(CSI_ERROR_MU, v); }
        public Builder solver(String v) { return put(SOLVER, v); }
        public Builder genieEvery(int v) { return put(GENIE_EVERY, v); }
        public Builder scoreShare(double v) { return put(SCORE_SHARE, v); }
        public Builder sharedClock(boolean v) { return put(SHARED_CLOCK, v); }
        public Builder maxFrameBytes(int v) { return put(MAX_FRAME_BYTES, v); }
        public Builder reportLimit(long v) { return put(REPORT_LIMIT, v); }
        public Builder phaseBits(int v) { return put(PHASE_BITS, v); }
        public Builder basebandBits(int v) { return put(BASEBAND_BITS, v); }

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

        /**
         * Validates every field (each key against its range in {@link ScenarioKey}, then the
         * rules that tie several keys together) and returns the scenario.
         *
         * @throws IllegalArgumentException listing every field that is out of range
         */
        public Scenario build() {
            List<String> errors = new ArrayList<>();
            ArrayShape tx = (ArrayShape) TX_ARRAY.in(values);
            if (tx != null) {
                if (antennasSet && !Integer.valueOf(tx.size()).equals(ANTENNAS.in(values))) {
                    errors.add("antennas=" + ANTENNAS.in(values) + " disagrees with txArray " + TX_ARRAY.text(tx) + " ("
                            + tx.size() + " elements); set one of them");
                } else {
                    values[ANTENNAS.ordinal()] = tx.size();
                }
            }
            for (ScenarioKey k : ScenarioKey.values()) {
                String problem = k.validate(k.in(values), values);
                if (problem != null) {
                    errors.add(problem);
                }
            }
            double ref = (Double) REFERENCE_DISTANCE_M.in(values), min = (Double) MIN_DISTANCE_M.in(values);
            double max = (Double) MAX_DISTANCE_M.in(values);
            if (!(ref > 0) || !(min >= ref) || !(max >= min) || !Double.isFinite(max)) {
                errors.add("distances need 0 < referenceDistanceM <= minDistanceM <= maxDistanceM (finite), got "
                        + num(ref) + ", " + num(min) + ", " + num(max));
            }
            for (Map.Entry<String, Double> e : solverParams.entrySet()) {
                if (!Double.isFinite(e.getValue())) {
                    errors.add("solver parameter " + e.getKey() + " must be finite, got " + e.getValue());
                }
            }
            if (!errors.isEmpty()) {
                throw new IllegalArgumentException("invalid scenario: " + String.join("; ", errors));
            }
            return new Scenario(this);
        }
    }
}
