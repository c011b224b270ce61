package org.isac.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.isac.controller.pipeline.SolvePipeline;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.Reject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A shard busy with slow solves fills only its own ring: a radio on another shard, flooding
 * nothing, is never refused for it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShardIsolationTest {
    static {
        TestSolvers.init();
    }

    private static final int N = 8;

    /** A radio id served by {@code shard} of 2. */
    private static String idOnShard(String prefix, int shard) {
        for (int i = 0; ; i++) {
            if (SolvePipeline.shardOf(prefix + i, 2) == shard) {
                return prefix + i;
            }
        }
    }

    @Test
    void aSlowShardDoesNotOverloadAnother() throws Exception {
        ControllerConfig cfg = ControllerConfig.builder().port(0).solveShards(2).ringSize(8).defaultSolver("rzf").build();
        String slowId = idOnShard("slow-", 0), fastId = idOnShard("fast-", 1);
        try (Controller c = new Controller(cfg).start(); TestClient slow = new TestClient(c.port());
             TestClient fast = new TestClient(c.port())) {
            slow.send(TestData.wrap(TestData.hello(slowId, N)));
            assertTrue(slow.read().hasHelloAck());
            fast.send(TestData.wrap(TestData.hello(fastId, N)));
            assertTrue(fast.read().hasHelloAck());
            int reports = 40;
            for (long seq = 1; seq <= reports; seq++) { // flood the slow shard: its ring of 8 fills
                slow.send(TestData.wrap(TestData.report(slowId, seq, N, 2).setSolver(TestSolvers.SLOW).build()));
            }
            for (long seq = 1; seq <= reports; seq++) {
                fast.send(TestData.wrap(TestData.report(fastId, seq, N, 2).build()));
                ControllerMessage m = fast.read();
                assertTrue(m.hasUpdate(), "the fast radio's report " + seq + ": " + m);
            }
            int overloaded = 0;
            for (int i = 0; i < reports; i++) {
                ControllerMessage m = slow.read();
                if (m.hasReject() && m.getReject().getReason() == Reject.Reason.OVERLOADED) {
                    overloaded++;
                }
            }
            assertTrue(overloaded > 0, "the slow shard's own ring did fill");
            assertEquals(0, c.metrics().rejected(Reject.Reason.OVERLOADED) - overloaded, "only the slow radio was refused");
        }
    }
}
