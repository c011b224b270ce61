package org.isac.controller.pipeline;

import io.netty.channel.Channel;
import org.isac.proto.v1.FrontEndHello;

/**
 * What the pipeline needs of a front end's session: the seam between the network side (which
 * implements it) and the solve and encode stages (which own it), so that the pipeline never
 * depends on the network package. Called from the session's event loop (offer side) and from
 * its shard's thread (solve and encode side), as each method says.
 */
public interface PipelineSession {
    /** The radio id of the accepted hello. */
    String radioId();

    /** The accepted hello. */
    FrontEndHello hello();

    /** The solver a report naming none runs. */
    String defaultSolver();

    /** Controller-clock receipt time of the report being offered (event loop, during {@link ReportSink#offer}). */
    long receivedNs();

    /** The solve shard serving this radio. */
    int shard();

    /** Sequence of the newest report that entered the pipeline (read by the solve stage: older ones are superseded). */
    long latestSequence();

    /** Called while a report is copied into the ring, before it is published. */
    void markLatest(long sequence);

    /** Solve end → applied at p99 from this radio's acks; 0 until measured or without a shared clock. */
    long downlinkMarginNs();

    /** True when the radio's hello says it shares the controller's clock. */
    boolean sharesClock();

    /** The connection updates and rejects are written to. */
    Channel channel();

    /**
     * Encode stage: an update for {@code sequence} (solve end, frame CRC32C or −1, the report's
     * deadline on the controller clock or 0 for none) was handed to the channel.
     */
    void noteSent(long sequence, long solveEndNs, long frameCrc32c, long deadlineNs);

    /** Adds one to this radio's count {@code which} (see {@code ControllerMetrics.RADIO_COUNTS}). */
    void count(int which);

    /** The controller's metrics (the offer side counts accepted reports there before publishing). */
    org.isac.controller.metrics.ControllerMetrics metrics();
}
