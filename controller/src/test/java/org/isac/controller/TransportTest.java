package org.isac.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    /** Policy and kernel prio of every thread whose Linux name starts with {@code prefix}, from /proc. */
    private static java.util.List<String> schedOf(String prefix) throws java.io.IOException {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            for (java.nio.file.Path task : tasks.toList()) {
                try {
                    String name = java.nio.file.Files.readString(task.resolve("comm")).trim();
                    if (name.startsWith(prefix)) {
                        java.util.List<String> lines = java.nio.file.Files.readAllLines(task.resolve("sched"));
                        String policy = lines.stream().filter(l -> l.startsWith("policy")).findFirst().orElseThrow();
                        String prio = lines.stream().filter(l -> l.startsWith("prio ")).findFirst().orElseThrow();
                        out.add(policy.substring(policy.indexOf(':') + 1).trim() + "/" + prio.substring(prio.indexOf(':') + 1).trim());
                    }
                } catch (java.nio.file.NoSuchFileException ended) {
                    // a thread (of an earlier test's controller) ended while listed
                }
            }
        }
        return out;
    }

    /** Says hello as radio "r" (N = 8) and sends one report: acknowledged, then answered with an update. */
    private static void answersOneReport(TestClient radio) throws Exception {
        radio.send(TestData.wrap(TestData.hello("r", 8)));
        assertTrue(radio.read().hasHelloAck());
        radio.send(TestData.wrap(TestData.report("r", 1, 8, 2).build()));
        assertTrue(radio.read().hasUpdate(), "reports are answered as before");
    }

    @Test
    void theReportPathRunsRealTimeWhenAskedAndSaysSo() throws Exception {
        assumeTrue(java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/self/task")), "Linux with /proc");
        java.util.concurrent.atomic.AtomicBoolean allowed = new java.util.concurrent.atomic.AtomicBoolean();
        Thread probe = new Thread(() -> allowed.set(org.isac.proto.sched.SchedPolicy.fifo(1)));
        probe.start();
        probe.join();
        ControllerConfig cfg = ControllerConfig.builder().port(0).defaultSolver("mrt").ioThreads(1).rtPriority(3).build();
        try (Controller c = new Controller(cfg).start(); TestClient radio = new TestClient(c.port())) {
            answersOneReport(radio);
            if (allowed.get()) {
                // the kernel shows real-time priority p as prio 99 - p: solve 3, event loop 4, safepoint thread 5
                assertEquals(java.util.List.of("1/96"), schedOf("isac-pipeline-"));
                assertEquals(java.util.List.of("1/95"), schedOf("isac-io-"));
                assertEquals(java.util.List.of("1/94"), schedOf("VM Thread"));
                // Linux starts a thread in its creator's class: the warm-up thread, started by the
                // hello on a real-time event loop, must leave it (its solves would preempt every radio's)
                assertEquals(java.util.List.of("0/120"), schedOf("isac-warm"));
                assertTrue(c.summary().contains("scheduling: SCHED_FIFO for 2 thread(s) (solve threads at priority 3, event loops at 4;"
                        + " the JVM's VM Thread at 5)"), c.summary());
            } else {
                assertEquals(java.util.List.of("0/120"), schedOf("isac-pipeline-"), "refused: the fair class");
                assertTrue(c.summary().contains("SCHED_FIFO refused for 2 thread(s)"), c.summary());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> ControllerConfig.builder().rtPriority(-1).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ControllerConfig.builder().rtPriority(ControllerConfig.MAX_RT_PRIORITY + 1).build());
        assertTrue(e.getMessage().contains("rtPriority"), e.getMessage());
    }

    /**
     * A new connection's first read takes a whole default report (N = 64, K = 4): Netty's 2 KiB
     * first guess split it into reads the frame decoder had to gather.
     */
    @Test
    void aNewConnectionsFirstReadTakesAWholeReport() {
        io.netty.channel.RecvByteBufAllocator.Handle h = org.isac.proto.net.Transport.RECEIVE_SIZES.newHandle();
        int report = TestData.wrap(TestData.report("r", 1, 64, 4).build()).getSerializedSize() + 5; // + length prefix
        assertTrue(report > 2048, "a default report is larger than Netty's first guess: " + report);
        assertTrue(h.guess() >= report, "first read " + h.guess() + " B, report " + report + " B");
        assertEquals(org.isac.proto.net.Transport.FIRST_READ_BYTES, h.guess());
    }

    /**
     * A controller asked for a CPU wake-up latency limit holds it exactly while it runs (the
     * kernel reads it back) and says so; where the device cannot be written it runs all the same
     * and says why it holds nothing; not asked, it says nothing.
     */
    @Test
    void theCpuLatencyLimitIsHeldWhileTheControllerRunsAndSaidSo() throws Exception {
        java.util.OptionalInt before = org.isac.proto.sched.CpuLatency.current();
        boolean writable = java.nio.file.Files.isWritable(org.isac.proto.sched.CpuLatency.DEVICE);
        ControllerConfig cfg = ControllerConfig.builder().port(0).defaultSolver("mrt").ioThreads(1).cpuLatencyUs(0).build();
        try (Controller c = new Controller(cfg).start(); TestClient radio = new TestClient(c.port())) {
            answersOneReport(radio);
            if (writable) {
                assertEquals(0, c.cpuLatencyHeldUs());
                assertEquals(java.util.OptionalInt.of(0), org.isac.proto.sched.CpuLatency.current());
                assertTrue(c.summary().contains("cpu idle: CPU wake-up latency held at 0 us through /dev/cpu_dma_latency"),
                        c.summary());
            } else {
                assertEquals(-1, c.cpuLatencyHeldUs());
                assertTrue(c.summary().contains("cpu idle: CPU wake-up latency not held: "), c.summary());
            }
        }
        if (writable && before.isPresent() && before.getAsInt() > 0) {
            assertEquals(before, org.isac.proto.sched.CpuLatency.current(), "given back when the controller closes");
        }
        try (Controller c = new Controller(ControllerConfig.builder().port(0).defaultSolver("mrt").build()).start()) {
            assertEquals(-1, c.cpuLatencyHeldUs());
            assertEquals("not asked for", c.cpuIdle());
            assertFalse(c.summary().contains("cpu idle:"), c.summary());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ControllerConfig.builder().cpuLatencyUs(-2).build());
        assertTrue(e.getMessage().contains("cpuLatencyUs"), e.getMessage());
    }

    /**
     * In real time, every report gets its one answer while two radios send as fast as their
     * answers come back: the event loops (one priority above the solve thread) and the solve
     * thread each wait for the other's hand-off by spinning (Netty's task queue, the ring's
     * publish), which a real-time thread may do only where the kernel can move the other one to
     * another CPU; this load found it when they were confined to one.
     */
    @Test
    void aRealTimeReportPathAnswersEveryReportUnderLoad() throws Exception {
        ControllerConfig cfg = ControllerConfig.builder().port(0).defaultSolver("mrt").ioThreads(2).rtPriority(3).build();
        int reports = 3000;
        int window = 200; // unanswered reports a radio keeps in flight: below the write buffer's high mark
        try (Controller c = new Controller(cfg).start(); TestClient a = new TestClient(c.port()); TestClient b = new TestClient(c.port())) {
            TestClient[] radios = {a, b};
            java.util.concurrent.atomic.AtomicIntegerArray answered = new java.util.concurrent.atomic.AtomicIntegerArray(2);
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
                for (int r = 0; r < 2; r++) {
                    int radio = r;
                    String id = radio == 0 ? "a" : "b";
                    radios[radio].send(TestData.wrap(TestData.hello(id, 8)));
                    assertTrue(radios[radio].read().hasHelloAck());
                    done.add(threads.submit(() -> {
                        for (int i = 0; i < reports; i++) {
                            ControllerMessage m = radios[radio].read();
                            assertTrue(m.hasUpdate() || m.hasReject(), m.toString());
                            answered.incrementAndGet(radio);
                        }
                        return null;
                    }));
                    done.add(threads.submit(() -> {
                        for (int i = 1; i <= reports; i++) {
                            while (i - answered.get(radio) > window) {
                                Thread.onSpinWait();
                            }
                            radios[radio].send(TestData.wrap(TestData.report(id, i, 8, 2).build()));
                        }
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> f : done) {
                    f.get(40, TimeUnit.SECONDS);
                }
                assertEquals(reports, answered.get(0), "one answer per report");
                assertEquals(reports, answered.get(1), "one answer per report");
            } finally {
                threads.shutdownNow();
            }
        }
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
