package org.isac.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import java.util.concurrent.TimeUnit;
import org.isac.proto.net.Transport;
import org.isac.proto.v1.ControllerMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The controller serves radios on either socket transport, and the choice is parsed and resolved strictly. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransportTest {

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void servesARadioOnEitherTransport(Transport t) throws Exception {
        assumeTrue(t != Transport.EPOLL || Epoll.isAvailable(), "epoll unavailable here: " + Epoll.unavailabilityCause());
        ControllerConfig cfg = ControllerConfig.builder().port(0).defaultSolver("mrt").transport(t).build();
        try (Controller c = new Controller(cfg).start(); TestClient radio = new TestClient(c.port())) {
            radio.send(TestData.wrap(TestData.hello("r", 8)));
            assertTrue(radio.read().hasHelloAck());
            for (long seq = 1; seq <= 3; seq++) {
                radio.send(TestData.wrap(TestData.report("r", seq, 8, 2).build()));
                ControllerMessage m = radio.read();
                assertTrue(m.hasUpdate(), m.toString());
                assertEquals(seq, m.getUpdate().getSequence());
            }
        }
    }

    @Test
    void autoResolvesToEpollWhereItLoadsAndGroupsTellTheirTransport() {
        Transport resolved = Transport.AUTO.resolve();
        assertEquals(Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO, resolved);
        for (Transport t : new Transport[] {Transport.NIO, resolved}) {
            EventLoopGroup g = t.newGroup(1, "transport-test", true, 0);
            try {
                assertEquals(t, Transport.of(g));
            } finally {
                g.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }

    @Test
    void theIoThreadsAskForTheConfiguredSlice() throws Exception {
        java.util.concurrent.atomic.AtomicLong before = new java.util.concurrent.atomic.AtomicLong();
        Thread probe = new Thread(() -> before.set(org.isac.proto.sched.ThreadSlice.current()));
        probe.start();
        probe.join();
        assumeTrue(before.get() > 0, "the kernel does not report time slices (Linux 6.12+ does)");
        ControllerConfig cfg = ControllerConfig.builder().port(0).defaultSolver("mrt").ioThreads(1).ioSliceNs(150_000).build();
        try (Controller c = new Controller(cfg).start(); TestClient radio = new TestClient(c.port())) {
            radio.send(TestData.wrap(TestData.hello("r", 8)));
            assertTrue(radio.read().hasHelloAck());
            // the kernel's view of each isac-io thread (Linux: /proc/self/task/TID/{comm,sched})
            int seen = 0;
            try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
                for (java.nio.file.Path task : tasks.toList()) {
                    String name = java.nio.file.Files.readString(task.resolve("comm")).trim();
                    if (!name.startsWith("isac-io-")) {
                        continue;
                    }
                    String slice = java.nio.file.Files.readAllLines(task.resolve("sched")).stream()
                            .filter(l -> l.startsWith("se.slice")).findFirst().orElseThrow();
                    assertEquals(150_000L, Long.parseLong(slice.substring(slice.indexOf(':') + 1).trim()), name);
                    seen++;
                }
            }
            assertEquals(1, seen, "one I/O thread");
        }
        assertThrows(IllegalArgumentException.class, () -> ControllerConfig.builder().ioSliceNs(50_000).build());
    }

    @Test
    void parsesAnyCaseAndNamesTheChoicesOnError() {
        assertEquals(Transport.EPOLL, Transport.parse(" Epoll "));
        assertEquals(Transport.NIO, Transport.parse("nio"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Transport.parse("kqueue"));
        assertTrue(e.getMessage().contains("auto, epoll or nio"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ControllerConfig.builder().transport(null).build());
    }
}
