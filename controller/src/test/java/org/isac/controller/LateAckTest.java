package org.isac.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.isac.controller.metrics.ControllerMetrics;
import org.isac.controller.metrics.ControllerMetrics.Counter;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.FrontEndMessage;
import org.isac.proto.v1.WeightApplied;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Over a real connection with a shared clock, the controller judges each ack against the deadline
 * of the report its update answered (the encode stage hands it on with the update): an
 * {@code apply_ns} after it counts as late, at it or before does not, and an update for a report
 * without a deadline is never late.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LateAckTest {
    private static final String ID = "late-1";

    private static void ack(TestClient c, long seq, long applyNs) throws Exception {
        c.send(FrontEndMessage.newBuilder().setApplied(WeightApplied.newBuilder().setRadioId(ID).setSequence(seq)
                .setApplyNs(applyNs)).build());
    }

    @Test
    void anAckAfterItsReportsDeadlineCountsAsLate() throws Exception {
        try (Controller c = new Controller(ControllerConfig.builder().port(0).defaultSolver("rzf").build()).start();
             TestClient client = new TestClient(c.port())) {
            client.send(TestData.wrap(TestData.hello(ID, 8).toBuilder().setSharedClock(true).build()));
            assertTrue(client.read().hasHelloAck());
            long[] deadline = new long[5];
            for (int s = 1; s <= 4; s++) {
                long now = System.nanoTime();
                // 2 s apart per sequence so no two deadlines coincide; sequence 4 has none
                deadline[s] = s == 4 ? 0 : now + 2_000_000_000L * s;
                client.send(TestData.wrap(TestData.report(ID, s, 8, 2).setCaptureNs(now).setDeadlineNs(deadline[s]).build()));
                ControllerMessage m = client.read();
                assertTrue(m.hasUpdate(), m.toString());
            }
            ack(client, 1, deadline[1] + 1);        // 1 ns late
            ack(client, 2, deadline[2]);            // at the deadline: on time
            ack(client, 3, deadline[3] - 500_000);  // early
            ack(client, 4, deadline[3] + 5_000_000_000L); // no deadline to miss
            long until = System.nanoTime() + 10_000_000_000L;
            while (c.count(Counter.APPLIED) < 4 && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertEquals(4, c.count(Counter.APPLIED));
            assertEquals(1, c.count(Counter.LATE_APPLIED), c.metrics().summary());
            assertEquals(1, c.metrics().perRadio().get(ID)[ControllerMetrics.RADIO_LATE], "the radio's own count");
            assertTrue(c.metrics().summary().contains("late_applied=1"), c.metrics().summary());
        }
    }
}
