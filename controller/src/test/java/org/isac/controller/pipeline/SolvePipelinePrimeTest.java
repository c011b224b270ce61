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

    /**
     * A peer that says hello and leaves before its primer reaches the shard leaves no encoder
     * behind: the session's end may already have been forgotten, so a closed session gets none.
     */
    @Test
    void aSessionThatHasAlreadyClosedGetsNoEncoder() throws Exception {
        FpgaWeightEncoder encoder = new FpgaWeightEncoder(ControllerConfig.DEFAULT_BASEBAND_CODEC);
        try (SolvePipeline p = new SolvePipeline(ControllerConfig.builder().weightEncoder(encoder).build(), new ControllerMetrics())) {
            p.start();
            io.netty.channel.embedded.EmbeddedChannel gone = new io.netty.channel.embedded.EmbeddedChannel();
            gone.close();
            for (int i = 0; i < 20; i++) {
                FrontEndHello h = TestData.hello("hit-and-run-" + i, 10);
                p.sessionEnded(new Session(h, "zf", 0, gone)); // its end arrives first
                p.helloAccepted(new Session(h, "zf", 0, gone)).toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            assertEquals(0, encoder.radiosKept(), "no encoder kept for a closed session");
            io.netty.channel.embedded.EmbeddedChannel open = new io.netty.channel.embedded.EmbeddedChannel();
            p.helloAccepted(new Session(TestData.hello("stays", 10), "zf", 0, open)).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertEquals(1, encoder.radiosKept(), "an open one gets its encoder");
            open.close();
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

    /** A session that only says hello, on {@code channel} (null: none to look at). */
    private record Session(FrontEndHello hello, String defaultSolver, int shard, Channel channel) implements PipelineSession {
        Session(FrontEndHello hello, String defaultSolver, int shard) {
            this(hello, defaultSolver, shard, null);
        }

        @Override public String radioId() { return hello.getRadioId(); }
        @Override public long receivedNs() { return 0; }
        @Override public long latestSequence() { return 0; }
        @Override public void markLatest(long sequence) { }
        @Override public long downlinkMarginNs() { return 0; }
        @Override public boolean sharesClock() { return false; }
        @Override public void noteSent(long sequence, long solveEndNs, long frameCrc32c, long deadlineNs) { }
        @Override public void count(int which) { }
        @Override public ControllerMetrics metrics() { return null; }
    }
}
