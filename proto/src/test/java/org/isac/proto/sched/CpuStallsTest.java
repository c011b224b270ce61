package org.isac.proto.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CpuStallsTest {
    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");

    private static CpuStalls.Result result(boolean safepointsVisible, CpuStalls.Stall... stalls) {
        return new CpuStalls.Result(List.of(stalls), 0, 2, true, true, safepointsVisible, 1000, 1_000_000, 200_000);
    }

    @Test
    void aStallExplainsAMissOnlyWhenItOverlappedTheWayAtLeastAsLongAsTheMissWasLate() {
        CpuStalls.Stall cpu0 = new CpuStalls.Stall(0, 1_000, 6_000, false);
        CpuStalls.Stall cpu1 = new CpuStalls.Stall(1, 6_500, 7_000, false);
        CpuStalls.Stall jvm = new CpuStalls.Stall(0, 10_000, 20_000, true);
        CpuStalls.Result r = result(true, cpu0, cpu1, jvm);
        assertSame(cpu0, r.explaining(0, 8_000, 4_000), "overlap 5000 >= late 4000");
        assertSame(cpu0, r.explaining(0, 8_000, 5_000), "overlap exactly the lateness");
        assertNull(r.explaining(0, 8_000, 5_001), "the stall held the update 5000 ns: it does not explain 5001");
        assertSame(cpu0, r.explaining(3_000, 8_000, 2_000), "overlap 3000 of the way that began mid-stall");
        assertSame(cpu0, r.explaining(5_000, 8_000, 100), "the stall that held the way most: cpu0's 1000 ns, not cpu1's 500");
        assertSame(cpu1, r.explaining(5_800, 8_000, 300), "cpu1's 500 ns, not cpu0's 200");
        assertNull(r.explaining(9_000, 21_000, 1_000), "a stall at a JVM safepoint is the JVM's: it explains nothing");
        assertNull(r.explaining(7_000, 9_000, 1), "no stall on the way");
        assertSame(cpu0, r.overlapping(0, 8_000), "overlapping, however late the update");
        assertNull(r.overlapping(7_000, 9_000));
        assertNull(r.overlapping(9_000, 21_000), "a safepoint's stall overlaps nothing that counts");
        assertNull(result(false, cpu0).overlapping(0, 8_000));
        assertNull(result(false, cpu0).explaining(0, 8_000, 1), "without visible safepoints no stall explains a miss");
        assertEquals(5_000 + 500, r.totalNs(), "safepoint stalls are not summed");
        assertSame(cpu0, r.longest(), "the longest not at a safepoint");
        assertEquals(1, r.atSafepoints());
        assertEquals(0, cpu0.overlapNs(6_000, 9_000), "touching is not overlapping");
    }

    @Test
    void theSummaryAndJsonSayWhatWasMeasuredAndWhatWasNot() {
        CpuStalls.Result r = result(true, new CpuStalls.Stall(1, 0, 5_900_000, false), new CpuStalls.Stall(0, 0, 300_000, true));
        assertTrue(r.line().startsWith("cpu stalls: 1 of >= 0.2 ms on 2 CPU(s), 5.9 ms in all, the longest 5.9 ms (CPU 1);"
                + " 1 more during JVM safepoints"), r.line());
        assertEquals("{\"count\": 1, \"total_ns\": 5900000, \"longest_ns\": 5900000, \"at_safepoints\": 1, \"cpus\": 2,"
                + " \"period_ns\": 1000000, \"threshold_ns\": 200000, \"safepoints_visible\": true}", r.json());
        CpuStalls.Result refused = new CpuStalls.Result(List.of(), 0, 2, true, false, true, 10, 1_000_000, 200_000);
        assertFalse(refused.measured());
        assertTrue(refused.line().contains("not measured (SCHED_FIFO refused"), refused.line());
        assertEquals("null", refused.json());
        assertTrue(result(false).line().contains("JVM safepoints not visible"), result(false).line());
    }

    @Test
    void periodAndThresholdOutsideTheirRangesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> CpuStalls.start(1_000, 200_000));
        assertThrows(IllegalArgumentException.class, () -> CpuStalls.start(2_000_000_000L, 200_000));
        assertThrows(IllegalArgumentException.class, () -> CpuStalls.start(1_000_000, 0));
    }

    @Test
    void aWatcherRunsOnEveryCpuThisProcessMayUseAndWakesOnTime() throws Exception {
        assumeTrue(LINUX, "affinity is Linux's");
        List<Integer> cpus = CpuStalls.allowedCpus();
        assertFalse(cpus.isEmpty());
        CpuStalls watch = CpuStalls.start(1_000_000, 200_000);
        Thread.sleep(300);
        CpuStalls.Result r = watch.stop();
        assertEquals(cpus.size(), r.cpus());
        assertTrue(r.pinned(), "each watcher pinned to its CPU and found running there");
        assertTrue(r.safepointsVisible(), "the tests' JVM exports sun.management as the launcher's does");
        // ≈ 300 wakes per CPU; a third of that even on a loaded test machine
        assertTrue(r.wakes() >= 100L * cpus.size(), "wakes " + r.wakes());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            assertFalse(t.getName().startsWith("cpu-stalls-"), "stopped watchers have ended: " + t.getName());
        }
    }

    @Test
    void aCpuHeldByAThreadAboveTheWatcherIsAStallOfThatCpuAndExplainsAMissItHeld() throws Exception {
        assumeTrue(LINUX, "affinity is Linux's");
        List<Integer> cpus = CpuStalls.allowedCpus();
        int cpu = cpus.get(cpus.size() - 1);
        // a thread pinned to one CPU, in the real-time class above the watchers, spins 6 ms: that CPU
        // cannot run its watcher meanwhile, as when the host takes a virtual CPU
        AtomicReference<Boolean> granted = new AtomicReference<>();
        AtomicLong from = new AtomicLong(), to = new AtomicLong();
        CpuStalls watch = CpuStalls.start(1_000_000, 200_000);
        Thread.sleep(50);
        Thread hog = Thread.ofPlatform().start(() -> {
            boolean ok = CpuStalls.pin(cpu) && SchedPolicy.fifo(CpuStalls.PRIORITY + 1);
            granted.set(ok);
            if (!ok) {
                return;
            }
            long t0 = System.nanoTime();
            from.set(t0);
            while (System.nanoTime() - t0 < 6_000_000L) {
                Thread.onSpinWait();
            }
            to.set(System.nanoTime());
        });
        hog.join();
        Thread.sleep(20);
        CpuStalls.Result r = watch.stop();
        assumeTrue(granted.get() && r.measured(), "pinning and SCHED_FIFO need Linux and root or CAP_SYS_NICE");
        long seenOnCpu = 0;
        boolean safepoint = false;
        for (CpuStalls.Stall st : r.stalls()) {
            if (st.cpu() == cpu) {
                seenOnCpu += st.overlapNs(from.get(), to.get());
                safepoint |= st.safepoint() && st.overlapNs(from.get(), to.get()) > 0;
            }
        }
        // the watcher misses its first tick within a period of the hold's start and wakes when it
        // ends; a safepoint (the hog is a Java thread) or the host can let it wake once in between
        assertTrue(seenOnCpu >= 3_500_000L, "seen " + seenOnCpu + " ns of the 6 ms hold on CPU " + cpu + ": " + r.stalls());
        assumeFalse(safepoint, "a JVM safepoint fell in the hold: its stall explains nothing, as it should");
        CpuStalls.Stall most = r.overlapping(from.get(), to.get());
        assertNotNull(most);
        long seen = most.overlapNs(from.get(), to.get());
        assertSame(most, r.explaining(from.get(), to.get(), seen), "an update it held as long as it was late is the machine's");
        assertNull(r.explaining(from.get(), to.get(), seen + 1), "one later than that is not explained by it");
    }
}
