package org.isac.controller.live;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * What the live view keeps of one connection: the latest hello, CSI report and weight update
 * as the envelopes' bytes, the latest acknowledged sequence, and two latency recorders fed from
 * the acks (event loop writes, the sampler reads).
 */
final class LiveConnection {
    /** Largest latency recorded; longer ones are clamped. */
    static final long MAX_LATENCY_NS = 60_000_000_000L;
    /** Sent updates remembered for their acks, slot = sequence mod this. */
    static final int SENT_SLOTS = 64;

    final long number;
    final String peer;
    final long openedNs;
    final LiveSlot hello = new LiveSlot();
    /** The two latest CSI reports, written alternately, so that the one the latest update answers is usually still here. */
    final LiveSlot[] reports = {new LiveSlot(), new LiveSlot()};
    private int nextReport;
    final LiveSlot update = new LiveSlot();
    /** Sequence of the latest WeightApplied; 0 = none yet. */
    volatile long appliedSequence;
    volatile long acks;
    /** Rejects sent on this connection by {@code Reject.Reason} number (event loop writes, sampler reads). */
    final java.util.concurrent.atomic.AtomicLongArray rejects =
            new java.util.concurrent.atomic.AtomicLongArray(org.isac.proto.v1.Reject.Reason.values().length);
    /** Capture → applied (front-end clock of both; meaningful with a shared clock). */
    final SingleWriterRecorder captureToApplied = new SingleWriterRecorder(MAX_LATENCY_NS, 3);
    /** Solve end (controller clock) → applied (front-end clock); meaningful with a shared clock. */
    final SingleWriterRecorder solveEndToApplied = new SingleWriterRecorder(MAX_LATENCY_NS, 3);
    /** (sequence, capture, solve end) of recent updates; event loop only. */
    final long[] sent = new long[3 * SENT_SLOTS];

    /** Sampler side: the recorders' totals since the connection opened. */
    final Histogram captureToAppliedTotal = new Histogram(MAX_LATENCY_NS, 3);
    final Histogram solveEndToAppliedTotal = new Histogram(MAX_LATENCY_NS, 3);
    private Histogram captureInterval, solveEndInterval;

    LiveConnection(long number, String peer, long openedNs) {
        this.number = number;
        this.peer = peer;
        this.openedNs = openedNs;
    }

    /** Event loop: copies a CSI report envelope into the older of the two report slots. */
    void putReport(io.netty.buffer.ByteBuf b, int offset, int len) {
        reports[nextReport].put(b, offset, len);
        nextReport ^= 1;
    }

    /** Event loop: an update answering {@code sequence} was written. */
    void noteSent(long sequence, long captureNs, long solveEndNs) {
        int i = (int) Math.floorMod(sequence, (long) SENT_SLOTS) * 3;
        sent[i] = sequence;
        sent[i + 1] = captureNs;
        sent[i + 2] = solveEndNs;
    }

    /** Event loop: a Reject with reason number {@code reason} was written. */
    void noteReject(long reason) {
        if (reason >= 0 && reason < rejects.length()) {
            rejects.lazySet((int) reason, rejects.get((int) reason) + 1); // one writer
        }
    }

    /** Event loop: an ack of {@code sequence} applied at {@code applyNs} (front-end clock). */
    void noteApplied(long sequence, long applyNs) {
        appliedSequence = sequence;
        acks++;
        int i = (int) Math.floorMod(sequence, (long) SENT_SLOTS) * 3;
        if (sequence == 0 || sent[i] != sequence) {
            return;
        }
        record(captureToApplied, applyNs - sent[i + 1]);
        if (sent[i + 2] != 0) {
            record(solveEndToApplied, applyNs - sent[i + 2]);
        }
    }

    private static void record(SingleWriterRecorder r, long ns) {
        if (ns > 0) {
            r.recordValue(Math.min(ns, MAX_LATENCY_NS));
        }
    }

    /** Sampler: moves what the recorders collected into the totals. */
    synchronized void drainLatencies() {
        captureInterval = captureToApplied.getIntervalHistogram(captureInterval);
        captureToAppliedTotal.add(captureInterval);
        solveEndInterval = solveEndToApplied.getIntervalHistogram(solveEndInterval);
        solveEndToAppliedTotal.add(solveEndInterval);
    }
}
