package org.isac.sim;

import java.util.Locale;
import java.util.function.Predicate;
import org.isac.solver.array.ArrayShape;

/**
 * The keys of a {@link Scenario}, declared once: canonical name, type (which parses the
 * {@code key=value} text and prints it back), default, check (the allowed range, read by
 * {@link Scenario.Builder#build()} and quoted in its message) and a one-line doc. The order is
 * the order {@link Scenario#toProperties()} and {@link Scenario#keyHelp()} print them in.
 *
 * <p>A check sees the whole scenario being built, so a range may name other keys (users ≤
 * antennas); the rules that tie several keys together symmetrically (the distances, the
 * transmit array against {@code antennas}) are checked in {@link Scenario.Builder#build()}.
 */
enum ScenarioKey {
    RADIO_ID("radioId", Type.TEXT, "sim-0", "radio id, sent in the hello, every report and every answer",
            check("must not be empty", v -> !((String) v).isBlank())),
    ANTENNAS("antennas", Type.INT, 64, "N, transmit antennas (a ULA of N unless txArray is set; then it must agree)",
            range(1, 4096, "")),
    USERS("users", Type.INT, 4, "K, single-antenna users",
            (v, s) -> i(v) >= 1 && i(v) <= Math.max(1, i(ANTENNAS.in(s))) ? null
                    : "must be in [1, antennas=" + ANTENNAS.in(s) + "]"),
    RF_CHAINS("rfChains", Type.INT, 0, "M, RF chains; 0 = fully digital",
            (v, s) -> i(v) == 0 || (i(v) >= i(USERS.in(s)) && i(v) <= i(ANTENNAS.in(s))) ? null
                    : "must be 0 (digital) or in [users=" + USERS.in(s) + ", antennas=" + ANTENNAS.in(s) + "]"),
    TARGETS_DEG("targetsDeg", Type.DOUBLES, new double[] {-60, 0, 60}, "radar target azimuths in degrees, comma separated",
            check("entries must lie in [-90, 90] degrees", v -> all(v, t -> t >= -90 && t <= 90))),
    SNR_DB("snrDb", Type.DOUBLE, 12.0, "per-user SNR in dB: noise σ² = P_t / 10^(snrDb/10)",
            check("must be finite and within +-200 dB", v -> Math.abs(d(v)) <= 200)),
    POWER_W("powerW", Type.DOUBLE, 1.0, "P_t, total transmit power budget in W",
            positive(" W")),
    CHANNEL("channel", Type.LOWER, "sv", "channel model: sv (Saleh-Valenzuela), rician (path loss), rayleigh (i.i.d. CN(0, 1))"
            + " or trace (the channels a recording holds: trace, traceRadio)",
            check("must be 'sv', 'rician', 'rayleigh' or 'trace'",
                    v -> v.equals("sv") || v.equals("rician") || v.equals("rayleigh") || v.equals("trace"))),
    TRACE("trace", Type.WORD, "", "channel=trace: the recording (serve --record DIR) whose reported channels are played as the"
            + " true channel, at their recorded rhythm, looping",
            (v, s) -> ((String) v).isEmpty() ? (CHANNEL.in(s).equals("trace") ? "must name a recording directory when channel=trace" : null)
                    : java.nio.file.Files.isDirectory(java.nio.file.Path.of((String) v)) ? null : "must be a recording directory that exists"),
    TRACE_RADIO("traceRadio", Type.WORD, "", "channel=trace: the radio whose channels are played (default: the first with reports)",
            check("must not contain whitespace", v -> !((String) v).matches(".*\\s.*"))),
    SV_PATHS("svPaths", Type.INT, 10, "Q, paths of the Saleh-Valenzuela channel",
            atLeast(1, "")),
    K_FACTOR("kFactor", Type.DOUBLE, 10.0, "κ, Rician K-factor (linear)",
            nonNegative(" (linear)")),
    GAIN_SCALE("gainScale", Type.DOUBLE, 1.0, "factor on the Rician path gain",
            positive("")),
    PATH_LOSS_EXPONENT("pathLossExponent", Type.DOUBLE, 2.9, "path-loss exponent of the Rician channel",
            nonNegative("")),
    SHADOW_SIGMA_DB("shadowSigmaDb", Type.DOUBLE, 5.7, "log-normal shadowing of the Rician channel, dB",
            nonNegative(" dB")),
    MIN_DISTANCE_M("minDistanceM", Type.DOUBLE, 30.0, "nearest user distance of the Rician channel, m", null),
    MAX_DISTANCE_M("maxDistanceM", Type.DOUBLE, 400.0, "farthest user distance of the Rician channel, m", null),
    REFERENCE_DISTANCE_M("referenceDistanceM", Type.DOUBLE, 1.0, "reference distance of the path loss, m", null),
    MAX_USER_ANGLE_DEG("maxUserAngleDeg", Type.DOUBLE, 90.0, "users are placed within ± this azimuth, degrees",
            lies(0, 90)),
    SEED("seed", Type.LONG, 1L, "seed of the channel process and the CSI error", null),
    REPORT_PERIOD_US("reportPeriodUs", Type.LONG, 1000L, "time between CSI reports, µs (1000 = 1 kHz)",
            range(10, 60_000_000L, " us")),
    DEADLINE_BUDGET_US("deadlineBudgetUs", Type.LONG, 1000L, "deadline_ns − capture_ns of every report, µs",
            range(1, 60_000_000L, " us")),
    CHANNEL_STEP_US("channelStepUs", Type.LONG, 100L, "step of the true channel process, µs (one Gauss-Markov step each)",
            range(1, 1_000_000L, " us")),
    SPEED_MPS("speedMps", Type.DOUBLE, 3.0, "user speed, m/s (sets the Doppler and ρ)",
            nonNegative(" m/s")),
    CARRIER_HZ("carrierHz", Type.DOUBLE, 28e9, "carrier frequency, Hz",
            positive(" Hz")),
    SUBBANDS("subbands", Type.INT, 1, "S, subbands of a wideband report (S > 1: frequency-selective Saleh-Valenzuela"
            + " channel over bandwidthHz, per-subband CSI and weights); 1 = narrowband",
            (v, s) -> i(v) < 1 || i(v) > 1024 ? "must be in [1, 1024]"
                    : i(v) > 1 && !CHANNEL.in(s).equals("sv") ? "must be 1 unless channel=sv (the wideband channel is Saleh-Valenzuela)"
                    : null),
    BANDWIDTH_HZ("bandwidthHz", Type.DOUBLE, 400e6, "B, bandwidth the S subbands split evenly around the carrier, Hz",
            (v, s) -> d(v) >= 0 && d(v) < 2 * d(CARRIER_HZ.in(s)) ? null : "must be in [0, 2 x carrierHz)"),
    DELAY_SPREAD_NS("delaySpreadNs", Type.DOUBLE, 50.0, "maximum path delay of the wideband channel, ns (delays uniform"
            + " in [0, this))", check("must be in [0, 1e6] ns", v -> d(v) >= 0 && d(v) <= 1e6)),
    SQUINT("squint", Type.BOOLEAN, false, "wideband: steering vectors follow each subband's frequency (beam squint)", null),
    CSI_ERROR_MU("csiErrorMu", Type.DOUBLE, 0.0, "CSI error μ of Fading.estimate; 0 = perfect estimate",
            lies(0, 1)),
    SOLVER("solver", Type.WORD, "", "solver named in every report; empty = the controller's default",
            check("must be a name without spaces (empty = controller default)",
                    v -> ((String) v).chars().noneMatch(Character::isWhitespace))),
    GENIE_EVERY("genieEvery", Type.INT, 1, "score the genie and ZF bound every this many applied updates; 0 = never",
            atLeast(0, " (0 = never)")),
    SCORE_SHARE("scoreShare", Type.DOUBLE, 0.25, "share of one core the radio's scorer may use; 1 = no limit",
            check("must be in (0, 1]", v -> d(v) > 0 && d(v) <= 1)),
    SHARED_CLOCK("sharedClock", Type.BOOLEAN, true, "tell the controller the clocks are shared (same host)", null),
    MAX_FRAME_BYTES("maxFrameBytes", Type.INT, 4 << 20, "largest downstream frame accepted, bytes",
            atLeast(1024, "")),
    REPORT_LIMIT("reportLimit", Type.LONG, 0L, "stop after this many reports; 0 = send for the whole run",
            atLeast(0, " (0 = no limit)")),
    PHASE_BITS("phaseBits", Type.INT, 6, "phase-shifter resolution announced in the hello, bits; 0 = continuous",
            range(0, 8, " (0 = continuous)")),
    BASEBAND_BITS("basebandBits", Type.INT, 9, "baseband IQ word width announced in the hello, bits; 0 = float weights",
            range(0, 16, " (0 = float)")),
    TX_ARRAY("txArray", Type.SHAPE, null, "transmit array HxV (a UPA, N = H·V) or N (a ULA); empty = ULA of antennas",
            null),
    RX_ARRAY("rxArray", Type.SHAPE, null, "radar receive array, same syntax; empty = the transmit array",
            check("must have at most 4096 elements", v -> ((ArrayShape) v).size() <= 4096)),
    TARGETS_ELEVATION_DEG("targetsElevationDeg", Type.DOUBLES, new double[0], "target elevations in degrees; empty = all 0",
            perTarget("each in [-180, 180] degrees", t -> t >= -180 && t <= 180)),
    TARGETS_GAIN_RE("targetsGainRe", Type.DOUBLES, new double[0], "real parts of the targets' complex gains α; empty = all 1",
            perTarget("each finite", Double::isFinite)),
    TARGETS_GAIN_IM("targetsGainIm", Type.DOUBLES, new double[0], "imaginary parts of the targets' gains α; empty = all 0",
            perTarget("each finite", Double::isFinite));

    /** The allowed range of a key: null when {@code value} is allowed, else the rule it breaks ("must be ..."). */
    @FunctionalInterface
    interface Check {
        /**
         * @param value this key's value (not null)
         * @param scenario every key's value, indexed by {@link #ordinal()}
         */
        String problem(Object value, Object[] scenario);
    }

    /** Canonical spelling, e.g. {@code reportPeriodUs}. */
    final String key;
    final Type type;
    private final Object dflt;
    /** One line for help texts. */
    final String doc;
    private final Check check;

    ScenarioKey(String key, Type type, Object dflt, String doc, Check check) {
        this.key = key;
        this.type = type;
        this.dflt = dflt;
        this.doc = doc;
        this.check = check;
    }

    /** This key's value in {@code scenario} (values indexed by {@link #ordinal()}). */
    Object in(Object[] scenario) {
        return scenario[ordinal()];
    }

    /** The default value (arrays are copies). */
    Object defaultValue() {
        return type.copy(dflt);
    }

    /** Null when {@code value} (of this key in {@code scenario}) is allowed, else the message naming key, value and range. */
    String validate(Object value, Object[] scenario) {
        if (value == null) {
            return type == Type.SHAPE ? null : key + " must be set, got null";
        }
        String problem = check == null ? null : check.problem(value, scenario);
        return problem == null ? null : key + " " + problem + ", got " + type.quoted(value);
    }

    /** The value as {@code key=value} text, which {@link Type#parse} reads back to an equal value. */
    String text(Object value) {
        return type.format(value);
    }

    /** The key whose canonical name matches {@code name} ignoring case, '-' and '_'; null if none. */
    static ScenarioKey of(String name) {
        String n = normalise(name.trim());
        for (ScenarioKey k : values()) {
            if (normalise(k.key).equals(n)) {
                return k;
            }
        }
        return null;
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

    private static Check check(String rule, Predicate<Object> ok) {
        return (v, s) -> ok.test(v) ? null : rule;
    }

    /** An integer key in [lo, hi]; {@code note} follows the range in the message (a unit, a special value). */
    private static Check range(long lo, long hi, String note) {
        return check("must be in [" + lo + ", " + hi + "]" + note, v -> l(v) >= lo && l(v) <= hi);
    }

    /** An integer key ≥ lo. */
    private static Check atLeast(long lo, String note) {
        return check("must be >= " + lo + note, v -> l(v) >= lo);
    }

    /** A real key in [lo, hi] (NaN is not). */
    private static Check lies(double lo, double hi) {
        return check("must lie in [" + Scenario.num(lo) + ", " + Scenario.num(hi) + "]", v -> d(v) >= lo && d(v) <= hi);
    }

    /** A finite real key > 0, in {@code unit}. */
    private static Check positive(String unit) {
        return check("must be finite and > 0" + unit, v -> d(v) > 0 && Double.isFinite(d(v)));
    }

    /** A finite real key ≥ 0, in {@code unit}. */
    private static Check nonNegative(String unit) {
        return check("must be finite and >= 0" + unit, v -> d(v) >= 0 && Double.isFinite(d(v)));
    }

    /** One entry per target of {@code targetsDeg} or none, each entry passing {@code ok}. */
    private static Check perTarget(String entries, java.util.function.DoublePredicate ok) {
        return (v, s) -> {
            double[] a = (double[]) v;
            int targets = TARGETS_DEG.in(s) instanceof double[] t ? t.length : 0;
            return (a.length == 0 || a.length == targets) && all(a, ok) ? null
                    : "needs one entry per target (" + targets + ") or none, " + entries;
        };
    }

    private static boolean all(Object v, java.util.function.DoublePredicate ok) {
        for (double x : (double[]) v) {
            if (!ok.test(x)) {
                return false;
            }
        }
        return true;
    }

    private static int i(Object v) {
        return (Integer) v;
    }

    /** An int or long value. */
    private static long l(Object v) {
        return ((Number) v).longValue();
    }

    private static double d(Object v) {
        return (Double) v;
    }

    /** How a key's value is stored, parsed from text and printed. */
    enum Type {
        /** Text as given. */
        TEXT,
        /** Text, trimmed. */
        WORD,
        /** Text, trimmed and in lower case. */
        LOWER,
        INT,
        LONG,
        DOUBLE,
        /** true/yes/1 or false/no/0. */
        BOOLEAN,
        /** Comma-separated numbers; empty = none. */
        DOUBLES,
        /** {@code HxV} (e.g. {@code 4x4}) or {@code N} (a ULA); empty = null (the default). */
        SHAPE;

        /**
         * The value of trimmed text {@code v} for key {@code key} (as the user spelled it).
         *
         * @throws IllegalArgumentException naming the key and the text when it does not parse
         */
        Object parse(String key, String v) {
            return switch (this) {
                case TEXT, WORD -> v;
                case LOWER -> v.toLowerCase(Locale.ROOT);
                case INT -> parseInt(key, v);
                case LONG -> {
                    try {
                        yield Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        throw notA(key, v, "an integer");
                    }
                }
                case DOUBLE -> parseDouble(key, v);
                case BOOLEAN -> {
                    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes") || v.equals("1")) {
                        yield true;
                    }
                    if (v.equalsIgnoreCase("false") || v.equalsIgnoreCase("no") || v.equals("0")) {
                        yield false;
                    }
                    throw notA(key, v, "a boolean (true/false)");
                }
                case DOUBLES -> {
                    if (v.isEmpty()) {
                        yield new double[0];
                    }
                    String[] parts = v.split(",");
                    double[] out = new double[parts.length];
                    for (int i = 0; i < parts.length; i++) {
                        out[i] = parseDouble(key, parts[i].trim());
                    }
                    yield out;
                }
                case SHAPE -> parseShape(key, v);
            };
        }

        /** What a typed builder setter stores for {@code v}: trimmed / lower-cased text, a copy of an array. */
        Object normalise(Object v) {
            if (v == null) {
                return null;
            }
            return switch (this) {
                case WORD -> ((String) v).trim();
                case LOWER -> ((String) v).trim().toLowerCase(Locale.ROOT);
                default -> copy(v);
            };
        }

        /** {@code v}, or a copy of it when it is an array. */
        Object copy(Object v) {
            return v instanceof double[] a ? a.clone() : v;
        }

        String format(Object v) {
            return switch (this) {
                case DOUBLE -> Scenario.num((Double) v);
                case DOUBLES -> Scenario.joinDoubles((double[]) v);
                case SHAPE -> v == null ? "" : ((ArrayShape) v).horizontal() + "x" + ((ArrayShape) v).vertical();
                default -> String.valueOf(v);
            };
        }

        /** {@link #format}, in quotes for text. */
        String quoted(Object v) {
            return this == TEXT || this == WORD || this == LOWER ? "'" + v + "'" : format(v);
        }

        private static int parseInt(String key, String v) {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw notA(key, v, "an integer");
            }
        }

        private static double parseDouble(String key, String v) {
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw notA(key, v, "a number");
            }
        }

        private static ArrayShape parseShape(String key, String v) {
            if (v.isEmpty()) {
                return null;
            }
            String[] parts = v.toLowerCase(Locale.ROOT).split("[x×*]", -1);
            if (parts.length > 2) {
                throw notA(key, v, "an array shape (HxV or N)");
            }
            int h = parseInt(key, parts[0].trim());
            int vert = parts.length == 2 ? parseInt(key, parts[1].trim()) : 1;
            if (h < 1 || vert < 1) {
                throw new IllegalArgumentException("scenario key '" + key + "': '" + v + "' needs at least one element per axis");
            }
            return new ArrayShape(h, vert);
        }

        private static IllegalArgumentException notA(String key, String v, String what) {
            return new IllegalArgumentException("scenario key '" + key + "': '" + v + "' is not " + what);
        }
    }
}
