package org.isac.proto.sched;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request reaches the kernel in the form its device takes (one native-order s32), holds
 * exactly while open, and a refusal is reported, never thrown. Where this machine lets the test
 * write the real device, the kernel's own read-back and its idle-state counters show the effect.
 */
class CpuLatencyTest {

    @Test
    void writesOneNativeOrderIntAndHoldsUntilClosed(@TempDir Path dir) throws Exception {
        Path fake = Files.createFile(dir.resolve("cpu_dma_latency"));
        CpuLatency hold = CpuLatency.request(fake, 7);
        assertTrue(hold.held());
        assertEquals(7, hold.microseconds());
        byte[] expected = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, 7).array();
        assertArrayEquals(expected, Files.readAllBytes(fake), "the device takes a binary s32; text would be parsed as hex");
        assertEquals(OptionalInt.of(7), CpuLatency.current(fake));
        assertTrue(hold.describe().contains("held at 7 us"), hold.describe());
        hold.close();
        assertFalse(hold.held());
        hold.close(); // idempotent
        assertEquals("CPU wake-up latency released", hold.describe());
    }

    @Test
    void zeroSaysTheIdleCpusPoll(@TempDir Path dir) throws Exception {
        try (CpuLatency hold = CpuLatency.request(Files.createFile(dir.resolve("d")), 0)) {
            assertTrue(hold.describe().contains("poll instead of halting"), hold.describe());
        }
    }

    @Test
    void aMissingDeviceIsReportedNotThrown(@TempDir Path dir) {
        CpuLatency hold = CpuLatency.request(dir.resolve("no-such-device"), 0);
        assertFalse(hold.held());
        assertTrue(hold.describe().startsWith("CPU wake-up latency not held: "), hold.describe());
        assertTrue(hold.describe().contains("does not exist"), hold.describe());
        hold.close();
        assertEquals(OptionalInt.empty(), CpuLatency.current(dir.resolve("no-such-device")));
    }

    @Test
    void anUnwritableDeviceIsReportedNotThrown(@TempDir Path dir) throws Exception {
        Path ro = Files.createFile(dir.resolve("d"));
        assumeTrue(ro.toFile().setWritable(false, false) && !Files.isWritable(ro), "a user the file mode binds (not root)");
        CpuLatency hold = CpuLatency.request(ro, 0);
        assertFalse(hold.held());
        assertTrue(hold.describe().contains("permission denied"), hold.describe());
    }

    @Test
    void aNegativeLimitIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuLatency.request(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }

    /** A read-back of any length but four bytes is not a limit. */
    @Test
    void aReadBackOfAnotherLengthIsEmpty(@TempDir Path dir) throws Exception {
        Path d = Files.writeString(dir.resolve("d"), "0x00\n");
        assertEquals(OptionalInt.empty(), CpuLatency.current(d));
    }

    /**
     * On the real device (root on Linux): the kernel reads back 0 while held and its previous
     * value after, and no CPU enters an idle state deeper than polling while the limit is 0
     * (the kernel wakes every idle CPU when a request changes, so each re-enters idle under it).
     */
    @Test
    void theKernelAppliesTheLimitWhileHeldOnly() throws Exception {
        assumeTrue(Files.isWritable(CpuLatency.DEVICE), CpuLatency.DEVICE + " writable here");
        OptionalInt before = CpuLatency.current();
        assumeTrue(before.isPresent() && before.getAsInt() > 0, "no other process holds the limit at 0");
        List<Path> deeper = deeperIdleStates();
        try (CpuLatency hold = CpuLatency.request(0)) {
            assertTrue(hold.held(), hold.describe());
            assertEquals(OptionalInt.of(0), CpuLatency.current());
            if (!deeper.isEmpty()) {
                Thread.sleep(50);
                long[] u0 = usage(deeper);
                Thread.sleep(300);
                long[] u1 = usage(deeper);
                assertArrayEquals(u0, u1, "idle entries into states deeper than POLL while held at 0: " + deeper);
            }
        }
        assertEquals(before, CpuLatency.current(), "the limit in force once the request is given back");
    }

    /** Every CPU's idle states other than the polling one (state0), where cpuidle lists a POLL state. */
    private static List<Path> deeperIdleStates() throws Exception {
        List<Path> out = new ArrayList<>();
        Path cpus = Path.of("/sys/devices/system/cpu");
        if (!Files.isDirectory(cpus)) {
            return out;
        }
        try (var dirs = Files.newDirectoryStream(cpus, "cpu[0-9]*")) {
            for (Path cpu : dirs) {
                Path idle = cpu.resolve("cpuidle");
                Path s0 = idle.resolve("state0/name");
                if (!Files.isReadable(s0) || !Files.readString(s0).trim().equals("POLL")) {
                    continue;
                }
                try (var states = Files.newDirectoryStream(idle, "state[1-9]*")) {
                    for (Path s : states) {
                        out.add(s.resolve("usage"));
                    }
                }
            }
        }
        return out;
    }

    private static long[] usage(List<Path> files) throws Exception {
        long[] u = new long[files.size()];
        for (int i = 0; i < u.length; i++) {
            u[i] = Long.parseLong(Files.readString(files.get(i)).trim());
        }
        return u;
    }
}
