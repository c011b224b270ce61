package org.isac.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;

/**
 * What one simulated radio run (or several, {@link #merge}) measured. Immutable.
 *
 * <p>Accounting: every report sent is either applied, dropped (a controller Reject reason,
 * or {@code INVALID_UPDATE} when the radio could not apply the weights it got), or
 * unaccounted (no answer by the end of the drain period):
 * {@code reportsSent = reportsApplied + Σ reportsDropped + unaccounted}.
 *
 * <p>Latency is capture → weights applied, in ns of the radio's monotonic clock, over
 * applied reports. Sum rates are Σ_k log2(1 + SINR_k) in bit/s/Hz on the true channel at
 * apply time: {@code achieved} with the applied weights (mean over applied reports),
 * {@code genie} with the same solver run on the true channel at apply time (zero latency,
 * perfect CSI), {@code zf} with digital zero forcing on the true channel; genie and ZF are
 * means over the genie samples ({@link Scenario#genieEvery()}), and
 * {@code achievedAtGenie} is the achieved mean over exactly those samples (the paired
 * comparison).
 */
public final class SimReport {
    /** Drop reason used when the radio itself could not apply an update (bad shape, non-finite). */
    public static final String INVALID_UPDATE = "INVALID_UPDATE";

    private final List<Scenario> scenarios;
    private final String controller;
    private final long reportsSent;
    private final long reportsApplied;
    private final Map<String, Long> reportsDropped;
    private final long deadlineMisses;
    private final long duplicateAnswers;
    private final long unknownAnswers;
    private final long powerViolations;
    private final Histogram latencyNs;
    private final double achievedSumBits;
    private final double achievedAtGenieSumBits;
    private final double genieSumBits;
    private final double zfSumBits;
    private final long genieSamples;
    private final long zfSamples;
    private final long genieFailures;
    private final Set<String> solvers;
    private final long sendWindowNs;
    private final long elapsedNs;
    private final String termination;
    private final double[] extraSum;
    private final long[] extraCount;
    /** Wideband: Σ over applied updates of each subband's sum rate; empty for narrowband (or mixed S when merged). */
    private final double[] subbandRateSum;
    /** The first {@value #FIRST_MISSES} applied updates past their deadline, in the order met (radio by radio when merged). */
    private final List<Miss> firstMisses;
    /** Every late update's way (at most {@value #MAX_MISS_SPANS} per radio), radio by radio when merged. */
    private final List<MissSpan> missSpans;

    /** How many late updates a report names. */
    public static final int FIRST_MISSES = 16;

    /**
     * An applied update past its deadline: its radio, its report's sequence, by how much (ns), and
     * where its time went ({@code null} without a shared clock or without the controller's stage
     * times in the update).
     */
    public record Miss(String radioId, long sequence, long lateNs, Stages stages, MissSpan span) {
        public Miss(String radioId, long sequence, long lateNs, Stages stages) {
            this(radioId, sequence, lateNs, stages, null);
        }

        public Miss(String radioId, long sequence, long lateNs) {
            this(radioId, sequence, lateNs, null, null);
        }
    }

    /** How many {@link MissSpan}s a radio's report keeps (its later misses are counted only). */
    public static final int MAX_MISS_SPANS = 1 << 16;

    /**
     * A late update's way in the radio's clock: its report's capture, its apply, and by how much it
     * was late (ns). In one JVM with the controller (the demo) that clock is the controller's too,
     * so the way can be laid beside what else happened on the machine meanwhile.
     */
    public record MissSpan(long captureNs, long appliedNs, long lateNs) {
    }

    /** The legs of an update's capture → applied time, in order; their names in reports. */
    public static final List<String> LEGS = List.of("uplink", "queue", "solve", "encode", "downlink");

    /**
     * Where a late update's time went, from its report's capture (radio clock) through the
     * controller's stage times (shared clock) to its apply: capture → received ({@code uplink}),
     * → solve start ({@code queue}), → solve end ({@code solve}), → encoded ({@code encode}),
     * → applied ({@code downlink}), in ns ({@code legNs}, in the order of {@link #LEGS}); the
     * radio's median of each over the updates it had applied until then ({@code usualNs}); the
     * layers the solver ran and had planned (0 planned: not an anytime solver).
     */
    public record Stages(long[] legNs, long[] usualNs, int layers, int layersPlanned) {
        public Stages {
            if (legNs.length != LEGS.size() || usualNs.length != LEGS.size()) {
                throw new IllegalArgumentException("one value per leg: " + LEGS);
            }
            legNs = legNs.clone();
            usualNs = usualNs.clone();
        }

        @Override
        public long[] legNs() {
            return legNs.clone();
        }

        @Override
        public long[] usualNs() {
            return usualNs.clone();
        }

        /** "uplink 41 (35), queue 12 (13), solve 702 (560) 7/10 layers, …" in µs, the usual in brackets. */
        String describe() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < LEGS.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(LEGS.get(i)).append(' ')
                        .append(String.format(Locale.ROOT, "%.0f (%.0f)", legNs[i] / 1e3, usualNs[i] / 1e3));
                if (i == 2 && layersPlanned > 0) {
                    sb.append(' ').append(layers).append('/').append(layersPlanned).append(" layers");
                }
            }
            return sb.toString();
        }

        /** {@code {"uplink": …, …}, "usual_ns": {…}, "layers_run": L, "layers_planned": P} (the stages_ns value and its neighbours). */
        String json() {
            StringBuilder sb = new StringBuilder();
            legs(sb, legNs).append(", \"usual_ns\": ");
            return legs(sb, usualNs).append(", \"layers_run\": ").append(layers).append(", \"layers_planned\": ")
                    .append(layersPlanned).toString();
        }

        private static StringBuilder legs(StringBuilder sb, long[] ns) {
            sb.append('{');
            for (int i = 0; i < LEGS.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append('"').append(LEGS.get(i)).append("\": ").append(ns[i]);
            }
            return sb.append('}');
        }
    }

    /**
     * Builds a report; {@code latencyNs} is copied. Rate arguments are sums (bit/s/Hz) over
     * their sample counts, so reports merge exactly.
     */
    SimReport(List<Scenario> scenarios, String controller, long reportsSent, long reportsApplied,
            Map<String, Long> reportsDropped, long deadlineMisses, long duplicateAnswers, long unknownAnswers,
            long powerViolations, Histogram latencyNs, double achievedSumBits, double achievedAtGenieSumBits,
            double genieSumBits, double zfSumBits, long genieSamples, long zfSamples, long genieFailures,
            Set<String> solvers, long sendWindowNs, long elapsedNs, String termination, double[] extraSum,
            long[] extraCount, double[] subbandRateSum) {
        this(scenarios, controller, reportsSent, reportsApplied, reportsDropped, deadlineMisses, duplicateAnswers,
                unknownAnswers, powerViolations, latencyNs, achievedSumBits, achievedAtGenieSumBits, genieSumBits, zfSumBits,
                genieSamples, zfSamples, genieFailures, solvers, sendWindowNs, elapsedNs, termination, extraSum, extraCount,
                subbandRateSum, List.of(), List.of());
    }

    /**
     * As above, naming the first late updates ({@code firstMisses}, at most {@value #FIRST_MISSES}
     * kept) and the ways of all of them ({@code missSpans}).
     */
    SimReport(List<Scenario> scenarios, String controller, long reportsSent, long reportsApplied,
            Map<String, Long> reportsDropped, long deadlineMisses, long duplicateAnswers, long unknownAnswers,
            long powerViolations, Histogram latencyNs, double achievedSumBits, double achievedAtGenieSumBits,
            double genieSumBits, double zfSumBits, long genieSamples, long zfSamples, long genieFailures,
            Set<String> solvers, long sendWindowNs, long elapsedNs, String termination, double[] extraSum,
            long[] extraCount, double[] subbandRateSum, List<Miss> firstMisses, List<MissSpan> missSpans) {
        this.firstMisses = List.copyOf(firstMisses.subList(0, Math.min(FIRST_MISSES, firstMisses.size())));
        this.missSpans = List.copyOf(missSpans);
        this.scenarios = List.copyOf(scenarios);
        this.controller = controller == null ? "" : controller;
        this.reportsSent = reportsSent;
        this.reportsApplied = reportsApplied;
        this.reportsDropped = Collections.unmodifiableMap(new TreeMap<>(reportsDropped));
        this.deadlineMisses = deadlineMisses;
        this.duplicateAnswers = duplicateAnswers;
        this.unknownAnswers = unknownAnswers;
        this.powerViolations = powerViolations;
        this.latencyNs = latencyNs.copy();
        this.achievedSumBits = achievedSumBits;
        this.achievedAtGenieSumBits = achievedAtGenieSumBits;
        this.genieSumBits = genieSumBits;
        this.zfSumBits = zfSumBits;
        this.genieSamples = genieSamples;
        this.zfSamples = zfSamples;
        this.genieFailures = genieFailures;
        this.solvers = Collections.unmodifiableSet(new TreeSet<>(solvers));
        this.sendWindowNs = sendWindowNs;
        this.elapsedNs = elapsedNs;
        this.termination = termination == null ? "" : termination;
        this.extraSum = java.util.Arrays.copyOf(extraSum, Extra.values().length);
        this.extraCount = java.util.Arrays.copyOf(extraCount, Extra.values().length);
        this.subbandRateSum = subbandRateSum.length > 1 ? subbandRateSum.clone() : new double[0];
    }

    /**
     * Combines the reports of several radios: counts and rate sums add, latency histograms
     * merge, scenarios and solvers are collected, the window and elapsed time are the longest.
     */
    public static SimReport merge(List<SimReport> reports) {
        if (reports.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge");
        }
        if (reports.size() == 1) {
            return reports.get(0);
        }
        List<Scenario> scenarios = new ArrayList<>();
        Set<String> controllers = new LinkedHashSet<>();
        Set<String> terminations = new LinkedHashSet<>();
        Map<String, Long> dropped = new TreeMap<>();
        Set<String> solvers = new TreeSet<>();
        Histogram latency = new Histogram(reports.get(0).latencyNs.getHighestTrackableValue(),
                reports.get(0).latencyNs.getNumberOfSignificantValueDigits());
        long sent = 0, applied = 0, misses = 0, dup = 0, unknown = 0, power = 0, gs = 0, zs = 0, gf = 0, window = 0, elapsed = 0;
        double ach = 0, achG = 0, gen = 0, zf = 0;
        double[] xs = new double[Extra.values().length];
        long[] xc = new long[Extra.values().length];
        double[] bands = new double[reports.get(0).subbandRateSum.length];
        List<Miss> late = new ArrayList<>();
        List<MissSpan> spans = new ArrayList<>();
        for (SimReport r : reports) {
            late.addAll(r.firstMisses);
            spans.addAll(r.missSpans);
            if (r.subbandRateSum.length != bands.length) {
                bands = new double[0]; // radios of different S: no per-subband means
            }
            for (int i = 0; i < bands.length; i++) {
                bands[i] += r.subbandRateSum[i];
            }
            for (int i = 0; i < xs.length; i++) {
                xs[i] += r.extraSum[i];
                xc[i] += r.extraCount[i];
            }
            scenarios.addAll(r.scenarios);
            if (!r.controller.isEmpty()) {
                controllers.add(r.controller);
            }
            terminations.add(r.termination);
            for (Map.Entry<String, Long> e : r.reportsDropped.entrySet()) {
                dropped.merge(e.getKey(), e.getValue(), Long::sum);
            }
            solvers.addAll(r.solvers);
            latency.add(r.latencyNs);
            sent += r.reportsSent;
            applied += r.reportsApplied;
            misses += r.deadlineMisses;
            dup += r.duplicateAnswers;
            unknown += r.unknownAnswers;
            power += r.powerViolations;
            gs += r.genieSamples;
            zs += r.zfSamples;
            gf += r.genieFailures;
            ach += r.achievedSumBits;
            achG += r.achievedAtGenieSumBits;
            gen += r.genieSumBits;
            zf += r.zfSumBits;
            window = Math.max(window, r.sendWindowNs);
            elapsed = Math.max(elapsed, r.elapsedNs);
        }
        return new SimReport(scenarios, String.join(", ", controllers), sent, applied, dropped, misses, dup, unknown,
                power, latency, ach, achG, gen, zf, gs, zs, gf, solvers, window, elapsed, String.join("; ", terminations),
                xs, xc, bands, late, spans);
    }

    // ---- accessors ------------------------------------------------------------------------

    /** Mean of an extra measurement over its samples (NaN when none). */
    public double mean(Extra e) {
        long c = extraCount[e.ordinal()];
        return c == 0 ? Double.NaN : extraSum[e.ordinal()] / c;
    }

    /** Samples of an extra measurement. */
    public long count(Extra e) {
        return extraCount[e.ordinal()];
    }

    /** The scenario of each radio (one entry unless merged). */
    public List<Scenario> scenarios() {
        return scenarios;
    }

    /** The first radio's scenario. */
    public Scenario scenario() {
        return scenarios.get(0);
    }

    /** The controller's self-description from its HelloAck (empty when none came). */
    public String controller() {
        return controller;
    }

    public long reportsSent() {
        return reportsSent;
    }

    /** Reports that got an answer: applied + dropped. */
    public long reportsAnswered() {
        return reportsApplied + droppedTotal();
    }

    public long reportsApplied() {
        return reportsApplied;
    }

    /** Reject reason name (or {@link #INVALID_UPDATE}) → count, sorted by name. */
    public Map<String, Long> reportsDropped() {
        return reportsDropped;
    }

    public long droppedTotal() {
        long s = 0;
        for (long v : reportsDropped.values()) {
            s += v;
        }
        return s;
    }

    /** Reports sent but neither applied nor dropped by the end of the drain period. */
    public long unaccounted() {
        return reportsSent - reportsApplied - droppedTotal();
    }

    /** Applied updates whose apply time was after the report's deadline. */
    public long deadlineMisses() {
        return deadlineMisses;
    }

    /** The first late updates (at most {@value #FIRST_MISSES}; radio by radio when merged). */
    public List<Miss> firstMisses() {
        return firstMisses;
    }

    /**
     * Every late update's way, in the order met (radio by radio when merged; at most
     * {@value #MAX_MISS_SPANS} per radio, so fewer than {@link #deadlineMisses} only past that).
     */
    public List<MissSpan> missSpans() {
        return missSpans;
    }

    /** Updates or rejects for a report that had already been answered (ignored). */
    public long duplicateAnswers() {
        return duplicateAnswers;
    }

    /** Updates or rejects for a sequence never sent (ignored). */
    public long unknownAnswers() {
        return unknownAnswers;
    }

    /** Applied precoders with ‖X‖²_F above the power budget by more than 0.1 %. */
    public long powerViolations() {
        return powerViolations;
    }

    /** Capture → applied latency in ns (a copy). */
    public Histogram latencyNs() {
        return latencyNs.copy();
    }

    /** Latency percentile in ns ({@code percentile} in [0, 100]); 0 when nothing was applied. */
    public long latencyPercentileNs(double percentile) {
        return latencyNs.getTotalCount() == 0 ? 0 : latencyNs.getValueAtPercentile(percentile);
    }

    public long latencyMaxNs() {
        return latencyNs.getTotalCount() == 0 ? 0 : latencyNs.getMaxValue();
    }

    public double latencyMeanNs() {
        return latencyNs.getTotalCount() == 0 ? 0 : latencyNs.getMean();
    }

    /** Mean achieved sum rate over applied reports, bit/s/Hz (NaN when none). */
    public double achievedSumRateBits() {
        return reportsApplied == 0 ? Double.NaN : achievedSumBits / reportsApplied;
    }

    /**
     * Wideband runs: the mean achieved sum rate of each subband over applied reports, bit/s/Hz
     * (the band mean of these is {@link #achievedSumRateBits()}); empty for narrowband runs.
     */
    public double[] subbandSumRateBits() {
        double[] m = new double[subbandRateSum.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = reportsApplied == 0 ? Double.NaN : subbandRateSum[i] / reportsApplied;
        }
        return m;
    }

    /** Mean achieved sum rate over the genie samples only, bit/s/Hz (NaN when none). */
    public double achievedAtGenieSumRateBits() {
        return genieSamples == 0 ? Double.NaN : achievedAtGenieSumBits / genieSamples;
    }

    /** Mean genie sum rate (same solver, true channel at apply time), bit/s/Hz (NaN when none). */
    public double genieSumRateBits() {
        return genieSamples == 0 ? Double.NaN : genieSumBits / genieSamples;
    }

    /** Mean digital ZF sum rate on the true channel at apply time, bit/s/Hz (NaN when none). */
    public double zfSumRateBits() {
        return zfSamples == 0 ? Double.NaN : zfSumBits / zfSamples;
    }

    public long genieSamples() {
        return genieSamples;
    }

    public long zfSamples() {
        return zfSamples;
    }

    /** Genie or ZF evaluations that failed (solver unknown locally, or threw). */
    public long genieFailures() {
        return genieFailures;
    }

    /** Solver names seen in updates, sorted. */
    public Set<String> solvers() {
        return solvers;
    }

    /** How long reports were sent, ns. */
    public long sendWindowNs() {
        return sendWindowNs;
    }

    /** From connection to the end of the drain, ns. */
    public long elapsedNs() {
        return elapsedNs;
    }

    /** Why the run ended: {@code completed}, {@code drain timeout}, {@code disconnected …}. */
    public String termination() {
        return termination;
    }

    // ---- output ---------------------------------------------------------------------------

    /**
     * JSON object with at least {@code reports_sent}, {@code reports_applied},
     * {@code reports_dropped} (reason → count), {@code unaccounted}, {@code latency_ns}
     * ({@code p50}, {@code p99}, {@code p999}, {@code max}, {@code mean}, {@code count}) and
     * {@code sum_rate_bits} ({@code achieved}, {@code genie}, {@code zf}, …); non-finite
     * numbers are written as {@code null}.
     */
    public String toJson() {
        return toJson(Map.of());
    }

    /**
     * {@link #toJson()} with more top-level fields (name → JSON value, in the map's order),
     * e.g. what the controller measured in the same run.
     */
    public String toJson(Map<String, String> more) {
        StringBuilder sb = new StringBuilder(1024);
        sb.append("{\n");
        for (Map.Entry<String, String> e : more.entrySet()) {
            field(sb, e.getKey(), e.getValue());
        }
        field(sb, "radios", Integer.toString(scenarios.size()));
        field(sb, "controller", str(controller));
        field(sb, "termination", str(termination));
        field(sb, "reports_sent", Long.toString(reportsSent));
        field(sb, "reports_answered", Long.toString(reportsAnswered()));
        field(sb, "reports_applied", Long.toString(reportsApplied));
        StringBuilder d = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, Long> e : reportsDropped.entrySet()) {
            if (!first) {
                d.append(", ");
            }
            first = false;
            d.append(str(e.getKey())).append(": ").append(e.getValue());
        }
        field(sb, "reports_dropped", d.append('}').toString());
        field(sb, "unaccounted", Long.toString(unaccounted()));
        field(sb, "deadline_misses", Long.toString(deadlineMisses));
        StringBuilder fm = new StringBuilder("[");
        for (int i = 0; i < firstMisses.size(); i++) {
            Miss m = firstMisses.get(i);
            fm.append(i == 0 ? "" : ", ").append("{\"radio\": ").append(str(m.radioId())).append(", \"sequence\": ")
                    .append(Long.toUnsignedString(m.sequence())).append(", \"late_ns\": ").append(m.lateNs());
            if (m.stages() != null) {
                fm.append(", \"stages_ns\": ").append(m.stages().json());
            }
            fm.append('}');
        }
        field(sb, "first_misses", fm.append(']').toString());
        field(sb, "duplicate_answers", Long.toString(duplicateAnswers));
        field(sb, "unknown_answers", Long.toString(unknownAnswers));
        field(sb, "power_violations", Long.toString(powerViolations));
        field(sb, "latency_ns", "{\"count\": " + latencyNs.getTotalCount()
                + ", \"p50\": " + latencyPercentileNs(50)
                + ", \"p90\": " + latencyPercentileNs(90)
                + ", \"p99\": " + latencyPercentileNs(99)
                + ", \"p999\": " + latencyPercentileNs(99.9)
                + ", \"max\": " + latencyMaxNs()
                + ", \"mean\": " + dbl(latencyMeanNs()) + "}");
        field(sb, "sum_rate_bits", "{\"achieved\": " + dbl(achievedSumRateBits())
                + ", \"genie\": " + dbl(genieSumRateBits())
                + ", \"zf\": " + dbl(zfSumRateBits())
                + ", \"achieved_unquantized\": " + dbl(mean(Extra.ACHIEVED_UNQUANTIZED_BITS))
                + ", \"achieved_at_genie\": " + dbl(achievedAtGenieSumRateBits())
                + ", \"genie_samples\": " + genieSamples
                + ", \"zf_samples\": " + zfSamples
                + ", \"genie_failures\": " + genieFailures + "}");
        if (subbandRateSum.length > 1) {
            StringBuilder b = new StringBuilder("[");
            for (double v : subbandSumRateBits()) {
                b.append(b.length() > 1 ? ", " : "").append(dbl(v));
            }
            field(sb, "subband_sum_rate_bits", b.append(']').toString());
        }
        StringBuilder ex = new StringBuilder("{");
        for (Extra e : Extra.values()) {
            if (ex.length() > 1) {
                ex.append(", ");
            }
            ex.append('"').append(e.key()).append("\": {\"mean\": ").append(dbl(mean(e))).append(", \"count\": ")
                    .append(count(e)).append('}');
        }
        field(sb, "measurements", ex.append('}').toString());
        StringBuilder s = new StringBuilder("[");
        first = true;
        for (String name : solvers) {
            if (!first) {
                s.append(", ");
            }
            first = false;
            s.append(str(name));
        }
        field(sb, "solvers", s.append(']').toString());
        field(sb, "send_window_ns", Long.toString(sendWindowNs));
        field(sb, "elapsed_ns", Long.toString(elapsedNs));
        if (scenarios.size() > 1) {
            StringBuilder all = new StringBuilder("[");
            for (int i = 0; i < scenarios.size(); i++) {
                if (i > 0) {
                    all.append(", ");
                }
                all.append(scenarioJson(scenarios.get(i)));
            }
            field(sb, "scenarios", all.append(']').toString());
        }
        sb.append("  \"scenario\": ").append(scenarioJson(scenario())).append("\n}\n");
        return sb.toString();
    }

    private static void field(StringBuilder sb, String key, String json) {
        sb.append("  ").append(str(key)).append(": ").append(json).append(",\n");
    }

    private static String scenarioJson(Scenario sc) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        Map<String, Double> params = sc.solverParams();
        for (Map.Entry<String, String> e : sc.toMap().entrySet()) {
            String key = e.getKey();
            if (key.startsWith(Scenario.PARAM_PREFIX)) {
                continue;
            }
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(str(key)).append(": ");
            String v = e.getValue();
            switch (key) {
                case "targetsDeg", "targetsElevationDeg", "targetsGainRe", "targetsGainIm" ->
                        sb.append('[').append(v.replace(",", ", ")).append(']');
                // numbers and booleans as themselves; everything else (ids, names, paths, arrays) as a string
                default -> sb.append(v.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?|true|false") ? v : str(v));
            }
        }
        if (!first) {
            sb.append(", ");
        }
        sb.append("\"params\": {");
        first = true;
        for (Map.Entry<String, Double> e : params.entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(str(e.getKey())).append(": ").append(dbl(e.getValue()));
        }
        sb.append("}, \"noise_power_w\": ").append(dbl(sc.noisePowerW()))
                .append(", \"doppler_hz\": ").append(dbl(sc.dopplerHz()))
                .append(", \"rho_per_step\": ").append(dbl(sc.rhoPerStep()))
                .append(", \"rho_per_report\": ").append(dbl(sc.rhoPerReport()));
        return sb.append('}').toString();
    }

    private static String dbl(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    /** A JSON string literal. */
    static String str(String s) {
        return org.isac.proto.JsonStrings.append(new StringBuilder(s.length() + 2), s).toString();
    }

    /**
     * A human-readable summary: accounting, latency percentiles in µs, mean sum rates in
     * bit/s/Hz (achieved vs genie vs ZF bound).
     */
    public String summary() {
        return summary(m -> "");
    }

    /**
     * As {@link #summary()}, each named late update followed by what {@code note} says of its
     * way (appended as it is; "" for nothing).
     */
    public String summary(java.util.function.Function<MissSpan, String> note) {
        StringBuilder sb = new StringBuilder();
        String ids = scenarios.size() == 1 ? scenario().radioId() : scenarios.size() + " radios";
        sb.append(String.format(Locale.ROOT, "simulated radio %s -> %s (%s, %.3f s sending)%n", ids,
                controller.isEmpty() ? "controller" : controller, termination, sendWindowNs / 1e9));
        for (Scenario sc : scenarios) {
            sb.append("scenario ").append(sc.brief()).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "reports: sent %d, answered %d, applied %d, dropped %d%s, unaccounted %d%n",
                reportsSent, reportsAnswered(), reportsApplied, droppedTotal(),
                reportsDropped.isEmpty() ? "" : " " + reportsDropped, unaccounted()));
        sb.append(String.format(Locale.ROOT,
                "deadline misses: %d of %d applied (%.2f %%); duplicate answers %d, unknown answers %d, power violations %d%n",
                deadlineMisses, reportsApplied, reportsApplied == 0 ? 0.0 : 100.0 * deadlineMisses / reportsApplied,
                duplicateAnswers, unknownAnswers, powerViolations));
        if (!firstMisses.isEmpty()) {
            StringBuilder l = new StringBuilder(deadlineMisses > firstMisses.size() ? "  the first " + firstMisses.size() + ":" : "  late:");
            String radio = null;
            for (Miss m : firstMisses) {
                l.append(m.radioId().equals(radio) ? ", " : (radio == null ? " " : "; ") + m.radioId() + " ");
                radio = m.radioId();
                l.append(String.format(Locale.ROOT, "#%s +%.0f us", Long.toUnsignedString(m.sequence()), m.lateNs() / 1e3))
                        .append(m.span() == null ? "" : note.apply(m.span()));
            }
            sb.append(l).append('\n');
            boolean header = false;
            for (Miss m : firstMisses) {
                if (m.stages() != null) {
                    if (!header) {
                        sb.append("  where their time went, us (the radio's median until then in brackets):\n");
                        header = true;
                    }
                    sb.append("    ").append(m.radioId()).append(" #").append(Long.toUnsignedString(m.sequence())).append(": ")
                            .append(m.stages().describe()).append('\n');
                }
            }
        }
        sb.append(String.format(Locale.ROOT,
                "latency capture->applied: p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us, mean %.1f us (n=%d)%n",
                latencyPercentileNs(50) / 1e3, latencyPercentileNs(99) / 1e3, latencyPercentileNs(99.9) / 1e3,
                latencyMaxNs() / 1e3, latencyMeanNs() / 1e3, latencyNs.getTotalCount()));
        sb.append(String.format(Locale.ROOT,
                "sum rate (bit/s/Hz, true channel at apply time): achieved %.3f (n=%d); on genie samples achieved %.3f vs genie %.3f vs ZF %.3f (n=%d scored off the I/O path%s%s)%n",
                achievedSumRateBits(), reportsApplied, achievedAtGenieSumRateBits(), genieSumRateBits(), zfSumRateBits(),
                genieSamples, count(Extra.SCORING_SKIPPED) == 0 ? "" : ", " + count(Extra.SCORING_SKIPPED) + " skipped while busy",
                genieFailures == 0 ? "" : ", " + genieFailures + " failed"));
        if (subbandRateSum.length > 1) {
            double[] m = subbandSumRateBits();
            StringBuilder list = new StringBuilder();
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (double v : m) {
                list.append(list.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.2f", v));
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            sb.append(String.format(Locale.ROOT, "per subband (bit/s/Hz, %d subbands, lowest %.3f, highest %.3f): %s%n",
                    m.length, lo, hi, list));
        }
        if (count(Extra.FRAMES_APPLIED) > 0) {
            sb.append(String.format(Locale.ROOT,
                    "hardware frames: %d applied as quantized; sum rate %.3f bit/s/Hz quantized vs %.3f unquantized%n",
                    count(Extra.FRAMES_APPLIED), achievedSumRateBits(), mean(Extra.ACHIEVED_UNQUANTIZED_BITS)));
        }
        if (count(Extra.MIN_SINR_DB) > 0) {
            sb.append(String.format(Locale.ROOT, "worst user's SINR: %.2f dB on average%n", mean(Extra.MIN_SINR_DB)));
        }
        if (count(Extra.MIN_SCNR_DB) > 0) {
            sb.append(String.format(Locale.ROOT, "worst target's SCNR: %.2f dB on average (n=%d)%n", mean(Extra.MIN_SCNR_DB),
                    count(Extra.MIN_SCNR_DB)));
        }
        if (count(Extra.CRLB) + count(Extra.CRLB_SINGULAR) > 0) {
            sb.append(String.format(Locale.ROOT, "sensing CRLB tr(F^-1): %.4g applied, %.4g before quantization (n=%d, singular %d)%n",
                    mean(Extra.CRLB), mean(Extra.CRLB_UNQUANTIZED), count(Extra.CRLB), count(Extra.CRLB_SINGULAR)));
        }
        if (count(Extra.TAU) > 0) {
            sb.append(String.format(Locale.ROOT, "beampattern error tau: %.4g applied, %.4g before quantization (n=%d)%n",
                    mean(Extra.TAU), mean(Extra.TAU_UNQUANTIZED), count(Extra.TAU)));
        }
        sb.append("solvers: ").append(solvers.isEmpty() ? "(none)" : String.join(", ", solvers));
        sb.append('\n');
        return sb.toString();
    }

    @Override
    public String toString() {
        return summary();
    }
}
