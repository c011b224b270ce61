package org.isac.controller.pipeline;

import org.isac.proto.v1.CsiReport;

/** Where a session hands validated reports: the solve pipeline (or a test double). */
public interface ReportSink {

    /**
     * Copies a validated report into the pipeline without blocking. Called on the session's
     * event loop; the session's {@link PipelineSession#receivedNs()} is the report's receipt time.
     *
     * @return false when the report was not taken (pipeline full or closed)
     */
    boolean offer(PipelineSession session, CsiReport report);

    /**
     * The session has said hello: prepare what its reports will need (the pipeline warms its
     * solver off the event loop). Must not block; the session sends its {@code HelloAck} when
     * the returned stage completes, so a front end that waits for the ack (as it should)
     * sends its first report to a warm solver.
     */
    default java.util.concurrent.CompletionStage<?> helloAccepted(PipelineSession session) {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /** The session of a radio that said hello has ended: release what was kept for it. Must not block. */
    default void sessionEnded(PipelineSession session) {
    }
}
