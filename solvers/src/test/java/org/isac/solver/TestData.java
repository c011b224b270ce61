package org.isac.solver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
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

    /**
     * Where {@code work} allocates on this thread, for an allocation test's failure message:
     * runs it under a flight recording of TLAB refills and outside-TLAB allocations (with
     * stack traces) and returns the most frequent sites: the class allocated, the innermost
     * frame and the first of the project's own, each with its kind ("Inlined", "JIT compiled",
     * "Interpreted"), e.g. a Vector API fallback inlined into a kernel that C2 compiled
     * without intrinsics.
     */
    public static String allocationSites(Runnable work) {
        return allocationSites(Thread.currentThread().threadId(), work);
    }

    /** As {@link #allocationSites(Runnable)}, for the allocations of thread {@code thread} while {@code work} runs. */
    public static String allocationSites(long thread, Runnable work) {
        Map<String, Integer> sites = new HashMap<>();
        try (Recording r = new Recording()) {
            r.enable("jdk.ObjectAllocationInNewTLAB").withStackTrace();
            r.enable("jdk.ObjectAllocationOutsideTLAB").withStackTrace();
            r.start();
            work.run();
            r.stop();
            Path file = Files.createTempFile("allocation", ".jfr");
            try {
                r.dump(file);
                for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                    if (e.getThread() == null || e.getThread().getJavaThreadId() != thread || e.getStackTrace() == null) {
                        continue;
                    }
                    StringBuilder site = new StringBuilder(e.getClass("objectClass").getName());
                    var frames = e.getStackTrace().getFrames();
                    // the innermost frame, then the first of the project's own (a kernel under the JDK's frames)
                    for (int i = 0, own = 0; i < frames.size() && own == 0; i++) {
                        var f = frames.get(i);
                        String type = f.getMethod().getType().getName();
                        own = type.startsWith("org.isac.") ? 1 : 0;
                        if (i == 0 || own == 1) {
                            site.append(i == 0 ? " at " : " … in ").append(type.replaceAll(".*\\.", "")).append('.')
                                    .append(f.getMethod().getName()).append(':').append(f.getLineNumber())
                                    .append(" [").append(f.getType()).append(']');
                        }
                    }
                    sites.merge(site.toString(), 1, Integer::sum);
                }
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            return "(no recording: " + e + ")";
        }
        StringBuilder out = new StringBuilder();
        sites.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(5)
                .forEach(en -> out.append("\n  ").append(en.getValue()).append("× ").append(en.getKey()));
        return out.length() == 0 ? " (no allocation sampled)" : out.toString();
    }
}
