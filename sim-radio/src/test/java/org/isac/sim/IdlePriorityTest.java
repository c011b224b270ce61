package org.isac.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class IdlePriorityTest {

    /** The scheduling policy of the calling thread, from /proc/thread-self/sched. */
    private static int policy() throws Exception {
        return Files.readAllLines(Path.of("/proc/thread-self/sched")).stream()
                .filter(l -> l.startsWith("policy"))
                .mapToInt(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim()))
                .findFirst().orElseThrow();
    }

    @Test
    void movesOnlyTheCallingThreadToSchedIdle() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/thread-self/sched")), "Linux with /proc");
        int before = policy();
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                boolean ok = IdlePriority.applyToCurrentThread();
                seen.set(ok ? policy() : "refused");
            } catch (Exception e) {
                seen.set(e);
            }
        });
        t.join();
        assertEquals(5, seen.get(), "SCHED_IDLE is policy 5");
        assertEquals(before, policy(), "the caller's thread is untouched");
        assertTrue(before != 5);
    }
}
