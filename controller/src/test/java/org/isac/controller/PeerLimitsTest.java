package org.isac.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.isac.controller.metrics.ControllerMetrics;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.Reject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No peer can hold the controller's connections or memory: connections beyond the limit are
 * refused, silent ones (no hello, or nothing sent) are closed, a frame that stalls is closed
 * after the frame timeout, and frames being received share one buffer budget. A healthy radio
 * connected throughout keeps being served.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerLimitsTest {
    private static final int N = 8;

    private static ControllerConfig config(Limits limits) {
        return ControllerConfig.builder().port(0).defaultSolver("mrt").limits(limits).build();
    }

    private static void assertServed(TestClient healthy, String id, long seq) throws Exception {
        healthy.send(TestData.wrap(TestData.report(id, seq, N, 2).build()));
        ControllerMessage m = healthy.read();
        assertTrue(m.hasUpdate(), m.toString());
        assertEquals(seq, m.getUpdate().getSequence());
    }

    private static TestClient helloed(int port, String id) throws Exception {
        TestClient c = new TestClient(port);
        c.send(TestData.wrap(TestData.hello(id, N)));
        assertTrue(c.read().hasHelloAck());
        return c;
    }

    @Test
    void connectionsBeyondTheLimitAreRefusedAndSilentOnesClosed() throws Exception {
        // The hello timeout must outlast the time from the idle connections' connect to the extra
        // one's on a slow, loaded machine (a first solve's warm-up can take hundreds of ms), or
        // the idle ones are gone before the extra arrives and it is (rightly) admitted.
        Limits limits = Limits.DEFAULT.withMaxConnections(6).withTimeouts(2_500, 60_000, 5_000);
        try (Controller c = new Controller(config(limits)).start(); TestClient healthy = helloed(c.port(), "healthy")) {
            List<TestClient> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    idle.add(new TestClient(c.port()));
                }
                // the seventh connection is refused with a reason
                try (TestClient extra = new TestClient(c.port())) {
                    Reject r = extra.read().getReject();
                    assertEquals(Reject.Reason.OVERLOADED, r.getReason());
                    assertTrue(r.getDetail().contains("at most 6 connections"), r.getDetail());
                    assertTrue(extra.closedByPeer());
                }
                // the healthy radio is served while the five idle ones hold their slots
                assertServed(healthy, "healthy", 1);
                // the five that never said hello are told so and closed after the hello timeout
                for (TestClient t : idle) {
                    ControllerMessage m = t.read();
                    assertEquals(Reject.Reason.BAD_HELLO, m.getReject().getReason(), m.toString());
                    assertTrue(m.getReject().getDetail().contains("no hello"), m.getReject().getDetail());
                    assertTrue(t.closedByPeer());
                }
            } finally {
                for (TestClient t : idle) {
                    t.close();
                }
            }
            assertServed(healthy, "healthy", 2);
            // their slots are free again
            long end = System.nanoTime() + 5_000_000_000L;
            while (c.metrics().count(ControllerMetrics.Counter.CONNECTIONS_TIMED_OUT) < 5 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            try (TestClient again = helloed(c.port(), "later")) {
                assertServed(again, "later", 1);
            }
            assertEquals(1, c.metrics().count(ControllerMetrics.Counter.CONNECTIONS_REFUSED));
            assertEquals(5, c.metrics().count(ControllerMetrics.Counter.CONNECTIONS_TIMED_OUT));
        }
    }

    @Test
    void aRadioThatFallsSilentGetsAGoodbye() throws Exception {
        Limits limits = Limits.DEFAULT.withTimeouts(10_000, 400, 5_000);
        try (Controller c = new Controller(config(limits)).start(); TestClient quiet = new TestClient(c.port())) {
            quiet.send(TestData.wrap(TestData.hello("quiet", N)));
            ControllerMessage m = quiet.read();
            if (m.hasHelloAck()) { // the ack waits for the solver's warm-up, which may outlast 400 ms
                m = quiet.read();
            }
            assertTrue(m.hasGoodbye(), m.toString());
            assertTrue(m.getGoodbye().getReason().contains("nothing received"), m.toString());
            assertTrue(quiet.closedByPeer());
        }
    }

    /** The varint prefix of a frame of {@code length} bytes and {@code body} of its bytes. */
    private static byte[] partialFrame(int length, int body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int v = length;
        while ((v & ~0x7F) != 0) {
            b.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b.write(v);
        b.write(new byte[body], 0, body);
        return b.toByteArray();
    }

    @Test
    void stalledFramesAreClosedAndShareOneBufferBudget() throws Exception {
        // the frame timeout must outlast the 100 ms pause below on a slow, loaded machine
        Limits limits = Limits.DEFAULT.withTimeouts(10_000, 60_000, 2_000).withFrameBufferBytes(2_500_000);
        try (Controller c = new Controller(config(limits)).start(); TestClient healthy = helloed(c.port(), "healthy");
             TestClient a = helloed(c.port(), "stall-a"); TestClient b = helloed(c.port(), "stall-b");
             TestClient third = helloed(c.port(), "stall-c")) {
            a.sendRaw(partialFrame(1 << 20, 100));
            b.sendRaw(partialFrame(1 << 20, 100));
            Thread.sleep(100);
            // a third megabyte-frame would pass the 2.5 MB budget: refused at once
            third.sendRaw(partialFrame(1 << 20, 100));
            Reject r = third.read().getReject();
            assertEquals(Reject.Reason.FRAME_TOO_LONG, r.getReason());
            assertTrue(r.getDetail().contains("incomplete frames"), r.getDetail());
            assertTrue(third.closedByPeer());
            assertServed(healthy, "healthy", 1);
            // the two stalled ones are closed after the frame timeout
            for (TestClient t : new TestClient[] {a, b}) {
                Reject s = t.read().getReject();
                assertEquals(Reject.Reason.MALFORMED, s.getReason());
                assertTrue(s.getDetail().contains("not complete after 2000 ms"), s.getDetail());
                assertTrue(t.closedByPeer());
            }
            // and their reservations are back: a whole 2 MB frame fits again
            try (TestClient big = helloed(c.port(), "big")) {
                big.sendRaw(partialFrame(2_000_000, 10));
                Thread.sleep(100);
                assertServed(healthy, "healthy", 2);
            }
        }
    }
}
