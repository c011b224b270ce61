package org.isac.solver;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.isac.solver.array.ArrayShape;
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

    /**
     * A small random instance with point echoes: a ULA of {@code nt} transmit elements, the receive
     * array {@code rx}, K users, M targets, C clutter, gains of a few units.
     */
    public static Problem echoProblem(SplittableRandom rng, int nt, ArrayShape rx, int users, int targets, int clutter) {
        Problem p = new Problem();
        p.tx = ArrayShape.ula(nt);
        p.rx = rx;
        p.channel.copyFrom(TestData.gaussian(rng, nt, users));
        p.channel.scale(2);
        p.powerBudgetW = 3;
        p.setNoise(users, 0.5);
        for (int i = 0; i < targets; i++) {
            p.targets.add(rng.nextDouble(-1.2, 1.2), rng.nextDouble(0, 0.4), rng.nextDouble(0.5, 2), rng.nextDouble(-1, 1));
        }
        for (int i = 0; i < clutter; i++) {
            p.clutter.add(rng.nextDouble(-1.2, 1.2), rng.nextDouble(0, 0.4), rng.nextDouble(0.5, 2), rng.nextDouble(-1, 1));
        }
        return p;
    }

    /** Bytes allocated by the current thread so far (HotSpot). */
    public static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().threadId());
    }
}
