package org.isac.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.isac.controller.metrics.ControllerMetrics;
import org.isac.controller.metrics.MetricsSnapshot;
import org.isac.controller.pipeline.WeightEncoder;
import org.isac.controller.pipeline.WeightGuard;
import org.isac.proto.v1.ComplexMatrix;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.Reject;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The controller's promises under failure: every report gets exactly one answer whatever a
 * stage throws ({@code Error}s included) and the controller keeps serving; nothing
 * non-finite or over budget leaves, checked on the float values that are sent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InvariantsTest {
    static {
        TestSolvers.init();
    }

    private static final int N = 8;

    private static void helloAndAck(TestClient client, String id) throws Exception {
        FrontEndHello h = TestData.hello(id, N);
        client.send(TestData.wrap(h));
        assertTrue(client.read().hasHelloAck());
    }

    /** A solver that throws an Error every third solve: each report answered once, the rest solved. */
    @Test
    void aSolverErrorIsAnsweredAndTheShardKeepsServing() throws Exception {
        ControllerConfig cfg = ControllerConfig.builder().port(0).defaultSolver(TestSolvers.ERROR).build();
        try (Controller c = new Controller(cfg).start(); TestClient client = new TestClient(c.port())) {
            helloAndAck(client, "err-1");
            int updates = 0, failed = 0;
            for (long seq = 1; seq <= 30; seq++) {
                client.send(TestData.wrap(TestData.report("err-1", seq, N, 2).build()));
                ControllerMessage m = client.read();
                if (m.hasUpdate()) {
                    assertEquals(seq, m.getUpdate().getSequence());
                    updates++;
                } else {
                    assertEquals(Reject.Reason.SOLVER_FAILED, m.getReject().getReason(), m.toString());
                    assertEquals(seq, m.getReject().getSequence());
                    assertTrue(m.getReject().getDetail().contains("OutOfMemoryError"), m.getReject().getDetail());
                    failed++;
                }
            }
            assertEquals(20, updates);
            assertEquals(10, failed);
            MetricsSnapshot s = TestData.settled(c);
            assertTrue(s.balanced(), s.summary());
        }
    }

    /** An encoder that throws an Error: the report gets SOLVER_FAILED, the next one its update. */
    @Test
    void anEncodeErrorIsAnsweredAndTheNextReportIsServed() throws Exception {
        WeightEncoder failing = new WeightEncoder() {
            @Override
            public void encode(FrontEndHello hello, Problem problem, Precoder precoder, WeightUpdate.Builder update) {
                if (update.getSequence() == 2) {
                    throw new StackOverflowError("test: the encoder blew its stack");
                }
            }
        };
        ControllerConfig cfg = ControllerConfig.builder().port(0).defaultSolver("mrt").weightEncoder(failing).build();
        try (Controller c = new Controller(cfg).start(); TestClient client = new TestClient(c.port())) {
            helloAndAck(client, "enc-1");
            for (long seq = 1; seq <= 3; seq++) {
                client.send(TestData.wrap(TestData.report("enc-1", seq, N, 2).build()));
                ControllerMessage m = client.read();
                if (seq == 2) {
                    assertTrue(m.hasReject(), m.toString());
                    assertEquals(Reject.Reason.SOLVER_FAILED, m.getReject().getReason());
                    assertEquals(2, m.getReject().getSequence());
                } else {
                    assertTrue(m.hasUpdate(), m.toString());
                    assertEquals(seq, m.getUpdate().getSequence());
                }
            }
            MetricsSnapshot s = TestData.settled(c);
            assertEquals(1, s.count(ControllerMetrics.Counter.INTERNAL_ERRORS), s.summary());
            assertTrue(s.balanced(), s.summary());
        }
    }

    /** Radios that come and go leave nothing behind: the encoder forgets each when its session ends. */
    @Test
    void perRadioStateIsReleasedWhenItsSessionEnds() throws Exception {
        org.isac.controller.pipeline.FpgaWeightEncoder enc = new org.isac.controller.pipeline.FpgaWeightEncoder(
                org.isac.fpga.baseband.CodecId.BFP);
        ControllerConfig cfg = ControllerConfig.builder().port(0).defaultSolver("mrt").weightEncoder(enc).build();
        try (Controller c = new Controller(cfg).start()) {
            for (int i = 0; i < 50; i++) {
                try (TestClient client = new TestClient(c.port())) {
                    helloAndAck(client, "passing-" + i);
                    client.send(TestData.wrap(TestData.report("passing-" + i, 1, N, 2).build()));
                    assertTrue(client.read().hasUpdate());
                }
            }
            try (TestClient client = new TestClient(c.port())) {
                long deadline = System.nanoTime() + 10_000_000_000L;
                helloAndAck(client, "staying");
                // the sessions' ends reach the encode stage with its next event; at least one report
                // from "staying" first, so that the one encoder left is its own (the last passing
                // radio's session may end after "staying" said hello)
                long seq = 0;
                do {
                    client.send(TestData.wrap(TestData.report("staying", ++seq, N, 2).build()));
                    assertTrue(client.read().hasUpdate());
                } while ((enc.radiosKept() > 1 || !c.metrics().perRadio().keySet().equals(java.util.Set.of("staying")))
                        && System.nanoTime() < deadline);
                assertEquals(1, enc.radiosKept(), "only the connected radio's encoder is kept");
                assertEquals(java.util.Set.of("staying"), c.metrics().perRadio().keySet(), "and only its counts");
            }
        }
    }

    /** Closing the controller answers what it took in and says goodbye to every front end. */
    @Test
    void closingSaysGoodbyeAfterEveryReportIsAnswered() throws Exception {
        ControllerConfig cfg = ControllerConfig.builder().port(0).defaultSolver("mrt").build();
        Controller c = new Controller(cfg).start();
        try (TestClient a = new TestClient(c.port()); TestClient b = new TestClient(c.port())) {
            helloAndAck(a, "bye-a");
            helloAndAck(b, "bye-b");
            for (long seq = 1; seq <= 20; seq++) {
                a.send(TestData.wrap(TestData.report("bye-a", seq, N, 2).build()));
            }
            long end = System.nanoTime() + 10_000_000_000L;
            while (c.metrics().received() < 20 && System.nanoTime() < end) { // all taken in (some may be in flight)
                Thread.sleep(1);
            }
            c.close();
            int answers = 0;
            ControllerMessage m;
            while (!(m = a.read()).hasGoodbye()) {
                assertTrue(m.hasUpdate() || m.hasReject(), m.toString());
                answers++;
            }
            assertEquals(20, answers, "every report answered before the goodbye");
            assertTrue(m.getGoodbye().getReason().contains("shutting down"));
            assertTrue(b.read().hasGoodbye());
            assertTrue(a.closedByPeer() && b.closedByPeer());
            assertTrue(c.metrics().balanced(), c.metrics().summary());
        } finally {
            c.close();
        }
    }

    private static ComplexMatrix.Builder matrix(int rows, int cols, float value) {
        ComplexMatrix.Builder m = ComplexMatrix.newBuilder().setRows(rows).setCols(cols);
        for (int i = 0; i < rows * cols; i++) {
            m.addRe(value).addIm(0f);
        }
        return m;
    }

    /** The guard reads the float weights of the built update: overflow or float rounding over budget are refused. */
    @Test
    void theSentFloatWeightsAreGuarded() {
        Problem p = new Problem();
        p.channel.reshape(4, 2);
        p.powerBudgetW = 8;
        WeightGuard g = new WeightGuard();
        // digital 4 x 2 of 1.0: 8 W, exactly the budget
        assertTrue(g.checkSent("t", p, WeightUpdate.newBuilder().setBaseband(matrix(4, 2, 1f))));
        assertFalse(g.checkSent("t", p, WeightUpdate.newBuilder().setBaseband(matrix(4, 2, 1.001f))));
        assertEquals(Reject.Reason.POWER_GUARD, g.reason());
        ComplexMatrix.Builder inf = matrix(4, 2, 1f).setRe(3, Float.POSITIVE_INFINITY);
        assertFalse(g.checkSent("t", p, WeightUpdate.newBuilder().setBaseband(inf)));
        assertTrue(g.detail().contains("not finite"), g.detail());
        // hybrid: F (4 x 2, unit modulus) · W (2 x 2); X = F·W has power 4·|w|²·... checked on the product
        WeightUpdate.Builder hybrid = WeightUpdate.newBuilder().setAnalog(matrix(4, 2, 1f)).setBaseband(matrix(2, 2, 0.5f));
        // each entry of F·W is 1·0.5 + 1·0.5 = 1, so X is 4 x 2 of 1: 8 W
        assertTrue(g.checkSent("t", p, hybrid));
        hybrid.setBaseband(matrix(2, 2, 0.6f));
        assertFalse(g.checkSent("t", p, hybrid));
    }
}
