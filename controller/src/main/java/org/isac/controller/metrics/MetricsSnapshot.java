package org.isac.controller.metrics;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.isac.controller.metrics.ControllerMetrics.Counter;
import org.isac.controller.metrics.ControllerMetrics.Stage;
import org.isac.proto.v1.Reject;

/**
 * An immutable copy of the controller's counters, rejects by reason and per-stage latency
 * histograms (cumulative since start).
 */
public final class MetricsSnapshot {
    private final Map<Counter, Long> counters;
    private final Map<Reject.Reason, Long> rejected;
    private final Map<Stage, Histogram> histograms;
    private final Map<String, Long> earlyStops;
    private final Histogram layersRun;
    private final Map<String, long[]> perRadio;
    /** Counters the summary's "updates" line shows only when they are not zero. */
    private static final Counter[] SHOWN_WHEN_NONZERO = {Counter.INTERNAL_ERRORS, Counter.ACKS_IGNORED, Counter.TLS_REFUSED,
            Counter.CONNECTIONS_REFUSED, Counter.CONNECTIONS_TIMED_OUT, Counter.ACK_CRC_MISMATCH, Counter.LATE_APPLIED};

    /**
     * Counts of each connected radio ({@link ControllerMetrics#RADIO_COUNTS}: received, updates,
     * rejects, applied, late) since its session began.
     */
    public Map<String, long[]> perRadio() {
        return perRadio;
    }

    MetricsSnapshot(Map<Counter, Long> counters, Map<Reject.Reason, Long> rejected, Map<Stage, Histogram> histograms,
                    Map<String, Long> earlyStops, Histogram layersRun, Map<String, long[]> perRadio) {
        this.perRadio = Collections.unmodifiableMap(new java.util.TreeMap<>(perRadio));
        this.earlyStops = Collections.unmodifiableMap(new java.util.TreeMap<>(earlyStops));
        this.layersRun = layersRun;
        this.counters = Collections.unmodifiableMap(new EnumMap<>(counters));
        this.rejected = Collections.unmodifiableMap(rejected.isEmpty()
                ? new EnumMap<>(Reject.Reason.class) : new EnumMap<>(rejected));
        this.histograms = new EnumMap<>(histograms);
    }

    public long count(Counter c) {
        Long v = counters.get(c);
        return v == null ? 0 : v;
    }

    public long received() { return count(Counter.RECEIVED); }
    public long accepted() { return count(Counter.ACCEPTED); }
    public long solved() { return count(Counter.SOLVED); }
    public long superseded() { return count(Counter.SUPERSEDED); }
    public long stale() { return count(Counter.STALE); }
    /** Reports answered with a Reject other than SUPERSEDED / STALE. */
    public long rejected() { return count(Counter.REPORTS_REJECTED); }
    public long sent() { return count(Counter.SENT); }
    public long unsentBackpressure() { return count(Counter.UNSENT_BACKPRESSURE); }
    public long unsentClosed() { return count(Counter.UNSENT_CLOSED); }
    public long applied() { return count(Counter.APPLIED); }
    public long powerGuard() { return count(Counter.POWER_GUARD); }

    /** Reports accepted into the ring and not yet finished by the encode stage. */
    public long inFlight() {
        return count(Counter.ACCEPTED) - count(Counter.COMPLETED);
    }

    /** Rejects sent with {@code reason} (reports and connection-level). */
    public long rejected(Reject.Reason reason) {
        Long v = rejected.get(reason);
        return v == null ? 0 : v;
    }

    /** Non-zero reject counts by reason. */
    public Map<Reject.Reason, Long> rejectedByReason() {
        return rejected;
    }

    /** True when received = solved + superseded + stale + rejected + in flight. */
    public boolean balanced() {
        return received() == solved() + superseded() + stale() + rejected() + inFlight();
    }

    /** Anytime solves that stopped early, all solvers. */
    public long earlyStops() {
        return count(Counter.EARLY_STOPS);
    }

    /** Early stops by solver name (solvers with none are absent). */
    public Map<String, Long> earlyStopsBySolver() {
        return earlyStops;
    }

    /** Anytime solves recorded (updates and stale ones whose solver ran). */
    /** Layers run per anytime solve (a copy). */
    public Histogram layersRunHistogram() {
        return layersRun.copy();
    }

    public long layersRunSamples() {
        return layersRun.getTotalCount();
    }

    /** Layers run at {@code percentile} (0–100) over anytime solves; 0 when none. */
    public long layersRunPercentile(double percentile) {
        return layersRun.getTotalCount() == 0 ? 0 : layersRun.getValueAtPercentile(percentile);
    }

    /** Fewest layers an anytime solve ran; 0 when none. */
    public long layersRunMin() {
        return layersRun.getTotalCount() == 0 ? 0 : layersRun.getMinValue();
    }

    /** A copy of the stage's histogram (ns). */
    public Histogram histogram(Stage stage) {
        return histograms.get(stage).copy();
    }

    /** The stage latency at {@code percentile} (0–100) in ns; 0 when nothing was recorded. */
    public long percentileNs(Stage stage, double percentile) {
        Histogram h = histograms.get(stage);
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile);
    }

    /** Samples recorded for the stage. */
    public long samples(Stage stage) {
        return histograms.get(stage).getTotalCount();
    }

    /** A few lines: counters, rejects by reason, p50/p99/p99.9/max per stage in µs. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("reports: received=").append(received())
                .append(" solved=").append(solved())
                .append(" superseded=").append(superseded())
                .append(" stale=").append(stale())
                .append(" rejected=").append(rejected())
                .append(" in_flight=").append(inFlight()).append('\n');
        sb.append("updates: sent=").append(sent())
                .append(" unsent_backpressure=").append(unsentBackpressure())
                .append(" unsent_closed=").append(unsentClosed())
                .append(" applied=").append(applied())
                .append(" power_guard=").append(powerGuard());
        for (Counter c : SHOWN_WHEN_NONZERO) {
            if (count(c) != 0) {
                sb.append(' ').append(c.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(count(c));
            }
        }
        sb.append('\n');
        if (!rejected.isEmpty()) {
            sb.append("rejects:");
            for (Map.Entry<Reject.Reason, Long> e : rejected.entrySet()) {
                sb.append(' ').append(e.getKey().name().toLowerCase()).append('=').append(e.getValue());
            }
            sb.append('\n');
        }
        if (layersRun.getTotalCount() > 0) {
            sb.append("anytime: early_stops=").append(earlyStops());
            if (!earlyStops.isEmpty()) {
                sb.append(' ').append(earlyStops);
            }
            sb.append(" layers_run p50=").append(layersRunPercentile(50)).append(" min=").append(layersRunMin())
                    .append(" n=").append(layersRunSamples()).append('\n');
        }
        for (Stage s : Stage.values()) {
            Histogram h = histograms.get(s);
            sb.append(String.format("%-20s n=%d p50=%.1fus p99=%.1fus p99.9=%.1fus max=%.1fus%n",
                    s.name().toLowerCase(), h.getTotalCount(),
                    us(h, 50), us(h, 99), us(h, 99.9), h.getTotalCount() == 0 ? 0.0 : h.getMaxValue() / 1e3));
        }
        return sb.toString();
    }

    private static double us(Histogram h, double p) {
        return h.getTotalCount() == 0 ? 0.0 : h.getValueAtPercentile(p) / 1e3;
    }

    @Override
    public String toString() {
        return summary();
    }
}
