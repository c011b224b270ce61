package org.isac.proto.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The kernel takes the requested slice, clamps it, and a factory's threads ask for it before their work. */
class ThreadSliceTest {

    /** Runs {@code r} on a fresh thread (the request changes only the calling thread). */
    private static void onFreshThread(Runnable r) throws InterruptedException {
        Thread t = new Thread(r);
        t.start();
        t.join();
    }

    private static void assumeKernelReportsSlices() throws InterruptedException {
        AtomicLong before = new AtomicLong();
        onFreshThread(() -> before.set(ThreadSlice.current()));
        assumeTrue(before.get() > 0, "the kernel does not report time slices (Linux 6.12+ does): " + before.get());
    }

    @Test
    void theKernelTakesTheSliceAndClampsIt() throws Exception {
        assumeKernelReportsSlices();
        AtomicLong granted = new AtomicLong();
        onFreshThread(() -> granted.set(ThreadSlice.request(250_000) ? ThreadSlice.current() : -2));
        assertEquals(250_000, granted.get());
        onFreshThread(() -> granted.set(ThreadSlice.request(10_000) ? ThreadSlice.current() : -2));
        assertEquals(ThreadSlice.MIN_SLICE_NS, granted.get(), "below the kernel's floor: clamped to 0.1 ms");
    }

    @Test
    void aFactorysThreadsAskBeforeTheirWork() throws Exception {
        assumeKernelReportsSlices();
        ThreadFactory f = ThreadSlice.factory(Thread::new, 300_000);
        AtomicLong seen = new AtomicLong();
        Thread t = f.newThread(() -> seen.set(ThreadSlice.current()));
        t.start();
        t.join();
        assertEquals(300_000, seen.get());
    }

    @Test
    void nothingIsAskedForANonPositiveSlice() {
        ThreadFactory base = Thread::new;
        assertSame(base, ThreadSlice.factory(base, 0));
        assertFalse(ThreadSlice.request(0));
        assertFalse(ThreadSlice.request(-1));
        assertTrue(ThreadSlice.current() >= -1);
    }
}
