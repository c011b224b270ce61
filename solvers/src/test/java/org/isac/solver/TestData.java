package org.isac.solver;

import java.util.random.RandomGenerator;
import org.isac.solver.linalg.CMatrix;

/** Seeded random matrices for tests. */
public final class TestData {
    private TestData() {
    }

    /** An r × c matrix with i.i.d. CN(0, 1) entries. */
    public static CMatrix gaussian(RandomGenerator rng, int r, int c) {
        CMatrix m = new CMatrix(r, c);
        double s = Math.sqrt(0.5);
        for (int i = 0; i < r * c; i++) {
            m.re[i] = s * rng.nextGaussian();
            m.im[i] = s * rng.nextGaussian();
        }
        return m;
    }

    /** Bytes allocated by the current thread so far (HotSpot). */
    public static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().threadId());
    }
}
