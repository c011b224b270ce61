package org.isac.controller.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import java.util.concurrent.TimeUnit;
import org.isac.controller.ControllerConfig;
import org.isac.controller.TestData;
import org.isac.controller.metrics.ControllerMetrics;
import org.isac.controller.metrics.MetricsSnapshot;
import org.isac.proto.v1.FrontEndHello;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A hello leaves its shard holding a solver instance already sized for the radio's shape. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SolvePipelinePrimeTest {

    @Test
    void aHelloLeavesOnlyItsShardHoldingItsSolverAndCountsNoReport() throws Exception {
        ControllerMetrics metrics = new ControllerMetrics();
        FpgaWeightEncoder encoder = new FpgaWeightEncoder(ControllerConfig.DEFAULT_BASEBAND_CODEC);
        try (SolvePipeline p = new SolvePipeline(ControllerConfig.builder().solveShards(2).weightEncoder(encoder).build(), metrics)) {
            p.start();
            Session s = new Session(TestData.hello("prime-1", 10), "zf", 1);
            assertFalse(p.shardHolds(1, "zf"));
            p.helloAccepted(s).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertTrue(p.shardHolds(1, "zf"), "the session's shard adopted the sized instance");
            assertFalse(p.shardHolds(0, "zf"), "no other shard");
            // and its encode stage made the radio's frame encoder and its frame buffers
            assertEquals(1, encoder.radiosKept());
            assertTrue(p.framesHeld(1) >= EncodeStage.PRIMED_FRAMES, "frames " + p.framesHeld(1));
            assertEquals(0, p.framesHeld(0), "no other shard");
            // a second radio on the same shard: answered as well, nothing sent twice, still nothing counted
            p.helloAccepted(new Session(TestData.hello("prime-2", 10), "zf", 1)).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertEquals(2, encoder.radiosKept(), "every hello's radio gets its encoder, not only the shard's first");
            MetricsSnapshot m = metrics.snapshot();
            assertEquals(0, m.received());
            assertEquals(0, m.accepted());
            assertEquals(0, m.count(ControllerMetrics.Counter.COMPLETED), "a primer is not a report");
            assertEquals(0, m.count(ControllerMetrics.Counter.INTERNAL_ERRORS));
        }
    }

    @Test
    void aSolverThatCannotBeMadeStillLetsTheHelloBeAnswered() throws Exception {
        try (SolvePipeline p = new SolvePipeline(ControllerConfig.builder().build(), new ControllerMetrics())) {
            p.start();
            p.helloAccepted(new Session(TestData.hello("prime-3", 10), "no-such-solver", 0)).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            assertFalse(p.shardHolds(0, "no-such-solver"));
        }
    }

    /** A session that only says hello. */
    private record Session(FrontEndHello hello, String defaultSolver, int shard) implements PipelineSession {
        @Override public String radioId() { return hello.getRadioId(); }
        @Override public long receivedNs() { return 0; }
        @Override public long latestSequence() { return 0; }
        @Override public void markLatest(long sequence) { }
        @Override public long downlinkMarginNs() { return 0; }
        @Override public boolean sharesClock() { return false; }
        @Override public Channel channel() { return null; }
        @Override public void noteSent(long sequence, long solveEndNs, long frameCrc32c, long deadlineNs) { }
        @Override public void count(int which) { }
        @Override public ControllerMetrics metrics() { return null; }
    }
}
