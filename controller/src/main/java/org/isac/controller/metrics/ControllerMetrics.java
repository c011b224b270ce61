package org.isac.controller.metrics;

import java.util.EnumMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.isac.proto.v1.Reject;

/**
 * The controller's counters and per-stage latency histograms. Recording is thread-safe,
 * wait-free and allocation-free (atomic counters, preallocated HdrHistogram
 * {@link Recorder}s); {@link #snapshot()} copies everything for readers.
 *
 * <p>Every CSI report ends in exactly one of: solved, superseded, stale, or rejected (a
 * report-level reject, see {@link #rejectReport(Reject.Reason)}), or is still in flight, so
 * at any quiescent moment received = solved + superseded + stale + rejected + in flight.
 */
public final class ControllerMetrics {

    /** Counted events. */
    public enum Counter {
        /** CSI reports decoded. */
        RECEIVED,
        /** Reports that passed validation and entered the ring. */
        ACCEPTED,
        /** Ring events the encode stage has finished (any outcome). */
        COMPLETED,
        /** Reports solved with weights that passed the power guard (sent or unsendable). */
        SOLVED,
        /** Reports superseded by a newer one from the same radio before solving. */
        SUPERSEDED,
        /** Reports whose deadline passed before solving. */
        STALE,
        /** Reports answered with a Reject of any other reason (validation, overload, solver, guard). */
        REPORTS_REJECTED,
        /** Weight updates handed to a writable connection. */
        SENT,
        /** Weight updates dropped because the connection's outbound buffer was full. */
        UNSENT_BACKPRESSURE,
        /** Weight updates dropped because the connection had closed. */
        UNSENT_CLOSED,
        /** WeightApplied acknowledgements received for an update this session sent. */
        APPLIED,
        /**
         * WeightApplied acknowledgements ignored: naming another radio than the session's, or a
         * sequence this session has not answered with an update.
         */
        ACKS_IGNORED,
        /** TLS connections whose handshake failed (no certificate, another CA, wrong protocol). */
        TLS_REFUSED,
        /** Connections closed at once because {@code maxConnections} were open. */
        CONNECTIONS_REFUSED,
        /** Connections closed for silence: no hello in time, or nothing received for the idle timeout. */
        CONNECTIONS_TIMED_OUT,
        /** Acknowledgements whose frame_crc32c differs from the frame sent (the front end applied other bytes). */
        ACK_CRC_MISMATCH,
        /** Solutions refused by the power / finiteness guard (also counted as rejected). */
        POWER_GUARD,
        /** Unexpected exceptions caught in the pipeline (should stay 0). */
        INTERNAL_ERRORS,
        /** Anytime solves that stopped before their last layer to meet the deadline. */
        EARLY_STOPS,
        /**
         * Acknowledgements (shared clock only) whose apply time was after the report's deadline:
         * the controller's own count of its deadline misses.
         */
        LATE_APPLIED
    }

    /** Timed stages (nanoseconds of the controller clock). */
    public enum Stage {
        /** Report decoded → solve start. */
        QUEUE_WAIT,
        /** Solver call. */
        SOLVE,
        /** Solve end → update built. */
        ENCODE,
        /** Report decoded → update passed to the socket writer. */
        RECEIVED_TO_WRITTEN,
        /**
         * Update built → passed to the socket writer: serialization, and the hand-off from the solve
         * thread to the connection's event loop (its wake-up included). The controller's part of
         * what a radio sees as the downlink.
         */
        HAND_OFF
    }

    /** Largest recordable latency; larger values are clamped. */
    public static final long MAX_TRACKABLE_NS = 60_000_000_000L;
    /** Histogram precision. */
    public static final int SIGNIFICANT_DIGITS = 3;
    /** Largest recordable layer count. */
    public static final long MAX_LAYERS = 100_000;

    private static final Counter[] COUNTERS = Counter.values();
    private static final Stage[] STAGES = Stage.values();

    private final AtomicLongArray counters = new AtomicLongArray(COUNTERS.length);
    private final AtomicLongArray rejects = new AtomicLongArray(Reject.Reason.values().length);
    private final Recorder[] recorders = new Recorder[STAGES.length];
    private final Histogram[] cumulative = new Histogram[STAGES.length];
    private final Histogram[] interval = new Histogram[STAGES.length];
    private final ConcurrentHashMap<String, AtomicLong> earlyStops = new ConcurrentHashMap<>();
    private final Recorder layers = new Recorder(MAX_LAYERS, SIGNIFICANT_DIGITS);
    private final Histogram layersCumulative = new Histogram(MAX_LAYERS, SIGNIFICANT_DIGITS);
    private Histogram layersInterval;

    /** Per-radio counts, in the order of {@link #RADIO_COUNTS}. */
    public static final String[] RADIO_COUNTS = {"received", "updates", "rejects", "applied", "late"};
    public static final int RADIO_RECEIVED = 0, RADIO_UPDATES = 1, RADIO_REJECTS = 2, RADIO_APPLIED = 3, RADIO_LATE = 4;
    private final ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicLongArray> radios = new ConcurrentHashMap<>();

    /** The counts of a connected radio (kept until {@link #radioGone}); one array per session. */
    public java.util.concurrent.atomic.AtomicLongArray radio(String radioId) {
        java.util.concurrent.atomic.AtomicLongArray a = new java.util.concurrent.atomic.AtomicLongArray(RADIO_COUNTS.length);
        radios.put(radioId, a);
        return a;
    }

    /** The radio's session ended: its counts go (the totals keep them). */
    public void radioGone(String radioId, java.util.concurrent.atomic.AtomicLongArray counts) {
        radios.remove(radioId, counts);
    }

    public ControllerMetrics() {
        for (int i = 0; i < STAGES.length; i++) {
            recorders[i] = new Recorder(MAX_TRACKABLE_NS, SIGNIFICANT_DIGITS);
            cumulative[i] = new Histogram(MAX_TRACKABLE_NS, SIGNIFICANT_DIGITS);
        }
    }

    public void increment(Counter c) {
        counters.incrementAndGet(c.ordinal());
    }

    public long count(Counter c) {
        return counters.get(c.ordinal());
    }

    /** Counts a Reject answering a CSI report (also counted by reason). */
    public void rejectReport(Reject.Reason reason) {
        counters.incrementAndGet(Counter.REPORTS_REJECTED.ordinal());
        rejects.incrementAndGet(reason.getNumber());
    }

    /** Counts a Reject that answers something other than a CSI report (hello, frame, bytes). */
    public void rejectOther(Reject.Reason reason) {
        rejects.incrementAndGet(reason.getNumber());
    }

    /** Records one latency sample; negative values count as 0, huge ones are clamped. */
    public void record(Stage stage, long nanos) {
        long v = nanos < 0 ? 0 : Math.min(nanos, MAX_TRACKABLE_NS);
        recorders[stage.ordinal()].recordValue(v);
    }

    /**
     * Records an anytime solve: the layers it ran, and whether it stopped early (counted per
     * solver). Allocation-free after a solver's first early stop.
     */
    public void recordLayers(String solver, int layersRun, boolean earlyStop) {
        layers.recordValue(Math.max(0, Math.min(layersRun, MAX_LAYERS)));
        if (earlyStop) {
            counters.incrementAndGet(Counter.EARLY_STOPS.ordinal());
            earlyStops.computeIfAbsent(solver, name -> new AtomicLong()).incrementAndGet();
        }
    }

    /** A consistent-enough copy: histograms exactly, counters each read once. */
    public synchronized MetricsSnapshot snapshot() {
        Map<Stage, Histogram> hs = new EnumMap<>(Stage.class);
        for (int i = 0; i < STAGES.length; i++) {
            interval[i] = recorders[i].getIntervalHistogram(interval[i]);
            cumulative[i].add(interval[i]);
            hs.put(STAGES[i], cumulative[i].copy());
        }
        Map<Counter, Long> cs = new EnumMap<>(Counter.class);
        // Outcome counters first, RECEIVED last: a report in transit then shows as in flight.
        for (int i = COUNTERS.length - 1; i >= 0; i--) {
            cs.put(COUNTERS[i], counters.get(i));
        }
        Map<Reject.Reason, Long> rs = new EnumMap<>(Reject.Reason.class);
        Reject.Reason[] reasons = Reject.Reason.values();
        for (Reject.Reason r : reasons) {
            if (r != Reject.Reason.UNRECOGNIZED) {
                long v = rejects.get(r.getNumber());
                if (v != 0) {
                    rs.put(r, v);
                }
            }
        }
        layersInterval = layers.getIntervalHistogram(layersInterval);
        layersCumulative.add(layersInterval);
        Map<String, Long> stops = new TreeMap<>();
        earlyStops.forEach((name, n) -> stops.put(name, n.get()));
        Map<String, long[]> perRadio = new TreeMap<>();
        radios.forEach((id, a) -> {
            long[] v = new long[a.length()];
            for (int i = 0; i < v.length; i++) {
                v[i] = a.get(i);
            }
            perRadio.put(id, v);
        });
        return new MetricsSnapshot(cs, rs, hs, stops, layersCumulative.copy(), perRadio);
    }

    /** {@link MetricsSnapshot#summary()} of a fresh snapshot. */
    public String summary() {
        return snapshot().summary();
    }
}
