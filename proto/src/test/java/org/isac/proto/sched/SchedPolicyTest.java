package org.isac.proto.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Each call moves only the calling thread, into the class it names, as the kernel itself reports
 * it ({@code /proc/thread-self/sched}, not our own getter); a refused real-time request leaves
 * the thread where it was and is counted as refused.
 */
class SchedPolicyTest {

    /** The calling thread's policy and priority as the kernel's /proc reports them. */
    private static String procPolicy() throws Exception {
        int policy = -1, prio = -1;
        for (String l : Files.readAllLines(Path.of("/proc/thread-self/sched"))) {
            if (l.startsWith("policy")) {
                policy = Integer.parseInt(l.substring(l.indexOf(':') + 1).trim());
            } else if (l.startsWith("prio ")) {
                prio = Integer.parseInt(l.substring(l.indexOf(':') + 1).trim());
            }
        }
        return policy + "/" + prio;
    }

    private static Object onFreshThread(java.util.concurrent.Callable<Object> c) throws InterruptedException {
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                seen.set(c.call());
            } catch (Exception e) {
                seen.set(e);
            }
        });
        t.join();
        return seen.get();
    }

    private static void assumeLinuxProc() {
        assumeTrue(Files.isReadable(Path.of("/proc/thread-self/sched")), "Linux with /proc");
    }

    /** True when this process may use the real-time class (root, CAP_SYS_NICE or an rtprio limit). */
    private static boolean fifoAllowed() throws InterruptedException {
        return (Boolean) onFreshThread(() -> SchedPolicy.fifo(1));
    }

    @Test
    void idleMovesOnlyTheCallingThread() throws Exception {
        assumeLinuxProc();
        String before = procPolicy();
        Object seen = onFreshThread(() -> SchedPolicy.idle() ? procPolicy() + " " + SchedPolicy.current() : "refused");
        assertEquals("5/120 5", seen, "SCHED_IDLE is policy 5 (kernel prio 120 is nice 0)");
        assertEquals(before, procPolicy(), "the caller's thread is untouched");
        assertNotEquals(SchedPolicy.IDLE, SchedPolicy.current());
    }

    @Test
    void fifoMovesOnlyTheCallingThreadToItsPriority() throws Exception {
        assumeLinuxProc();
        assumeTrue(fifoAllowed(), "this process may not use SCHED_FIFO (not root, no CAP_SYS_NICE, no rtprio limit)");
        String before = procPolicy();
        Object seen = onFreshThread(() -> SchedPolicy.fifo(7)
                ? procPolicy() + " " + SchedPolicy.current() + " " + SchedPolicy.priority() : "refused");
        // the kernel shows a real-time priority p as prio 99 - p
        assertEquals("1/92 1 7", seen, "SCHED_FIFO is policy 1, priority 7");
        assertEquals(before, procPolicy(), "the caller's thread is untouched");
    }

    @Test
    void aFactorysThreadsAskBeforeTheirWorkAndAreCounted() throws Exception {
        assumeLinuxProc();
        boolean allowed = fifoAllowed();
        SchedPolicy.Grants grants = new SchedPolicy.Grants();
        ThreadFactory f = SchedPolicy.factory(Thread::new, 11, ThreadSlice.MIN_SLICE_NS, grants);
        AtomicReference<String> seen = new AtomicReference<>();
        Thread t = f.newThread(() -> seen.set(SchedPolicy.current() + " " + SchedPolicy.priority()));
        t.start();
        t.join();
        if (allowed) {
            assertEquals("1 11", seen.get());
            assertEquals(1, grants.granted());
            assertEquals(0, grants.refused());
            assertEquals("SCHED_FIFO for 1 thread(s)", grants.toString());
        } else {
            assertEquals("0 0", seen.get(), "refused: the thread stays in the fair class");
            assertEquals(0, grants.granted());
            assertEquals(1, grants.refused());
            assertTrue(grants.toString().contains("refused"), grants.toString());
        }
    }

    @Test
    void priorityZeroAsksForNoRealTimeAndBadPrioritiesAreRefusedByName() throws Exception {
        SchedPolicy.Grants grants = new SchedPolicy.Grants();
        ThreadFactory f = SchedPolicy.factory(Thread::new, 0, 0, grants);
        AtomicReference<Integer> seen = new AtomicReference<>();
        Thread t = f.newThread(() -> seen.set(SchedPolicy.current()));
        t.start();
        t.join();
        assertTrue(seen.get() == SchedPolicy.OTHER || seen.get() == -1, "fair class: " + seen.get());
        assertEquals(0, grants.granted() + grants.refused());
        assertEquals("fair class (real time not asked for)", grants.toString());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SchedPolicy.fifo(0)).getMessage().contains("1..98"));
        assertThrows(IllegalArgumentException.class, () -> SchedPolicy.fifo(99));
        assertThrows(IllegalArgumentException.class, () -> SchedPolicy.factory(Thread::new, -1, 0, grants));
    }

    @Test
    void anotherThreadIsFoundByItsLinuxNameAndMoved() throws Exception {
        assumeLinuxProc();
        assumeTrue(fifoAllowed(), "this process may not use SCHED_FIFO");
        java.util.concurrent.CountDownLatch moved = new java.util.concurrent.CountDownLatch(1);
        AtomicReference<String> seen = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("sched-probe-7").start(() -> {
            try {
                moved.await();
                seen.set(SchedPolicy.current() + " " + SchedPolicy.priority());
            } catch (InterruptedException e) {
                seen.set("interrupted");
            }
        });
        try {
            int n = 0;
            for (int i = 0; i < 200 && n == 0; i++) { // until the new thread has its Linux name
                n = SchedPolicy.fifoForThreadsNamed("sched-probe-7", 9);
                if (n == 0) {
                    Thread.sleep(5);
                }
            }
            assertEquals(1, n, "one thread of that name");
        } finally {
            moved.countDown();
            t.join();
        }
        assertEquals("1 9", seen.get());
        assertEquals(0, SchedPolicy.fifoForThreadsNamed("no-such-thread-x", 9));
        assertNotEquals(SchedPolicy.FIFO, SchedPolicy.current(), "the caller's thread is untouched");
    }

    @Test
    void detachedThreadsLeaveTheirCreatorsClass() throws Exception {
        assumeLinuxProc();
        assumeTrue(fifoAllowed(), "this process may not use SCHED_FIFO (not root, no CAP_SYS_NICE, no rtprio limit)");
        ThreadFactory detached = SchedPolicy.detached(Thread.ofPlatform().factory());
        Object seen = onFreshThread(() -> {
            SchedPolicy.fifo(2);
            AtomicReference<String> child = new AtomicReference<>(), plain = new AtomicReference<>();
            Thread t = detached.newThread(() -> child.set(policyOrError()));
            t.start();
            t.join();
            Thread u = Thread.ofPlatform().start(() -> plain.set(policyOrError()));
            u.join();
            return procPolicy() + " | " + plain.get() + " | " + child.get();
        });
        assertEquals("1/97 | 1/97 | 0/120", seen, "a plain thread starts in its creator's class; a detached one leaves it");
    }

    private static String policyOrError() {
        try {
            return procPolicy();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
