package org.isac.proto.sched;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Watches every CPU this process may run on for times it could not run its most urgent thread:
 * one thread per CPU, pinned to it ({@code sched_setaffinity}), in the real-time class above
 * every thread of the loop, wakes every {@code periodNs} and notes how late it woke. A wake later
 * than {@code thresholdNs} is a <em>stall</em>: from when it should have woken until it did, the
 * CPU ran nothing of this process's choosing — the host of a virtual machine had the virtual CPU
 * ("steal"), or the kernel did not give it up.
 *
 * <p>Why: a deadline miss in the loop is either the loop's own doing or the machine's. On the
 * 2-core virtual machine of docs/DESIGN.md ("CPU stalls") a scheduler trace of a demo showed a
 * virtual CPU with no event at all for 5.9 ms while an update and the controller's event loop
 * waited for it, and the other CPU idle; {@link HostSteal}'s {@code /proc/stat} counter moves in
 * 10 ms steps and cannot say which update such a stall delayed. With the stalls as windows in the
 * loop's own clock ({@link System#nanoTime}), a miss whose way from capture to apply overlapped a
 * stall at least as long as it was late ({@link Result#explaining}) is the machine's.
 *
 * <p>The watchers are Java threads, so a JVM safepoint (all Java threads stopped, the loop's
 * too) delays their wakes like a stall; a stall during which the JVM's safepoint count moved is
 * marked {@link Stall#safepoint} and never explains a miss — the loop's own JVM stood still.
 * The count is read from HotSpot's runtime counters ({@code sun.management}, exported to this
 * code by {@code --add-exports java.management/sun.management=ALL-UNNAMED}); without them no
 * stall explains a miss ({@link Result#safepointsVisible}).
 *
 * <p>Cost: each watcher runs ≈ 2 µs per wake on its CPU. Pinning and the real-time class need
 * Linux and, for {@code SCHED_FIFO}, root or {@code CAP_SYS_NICE}; without the real-time class a
 * watcher waits behind other threads too and its lateness is not a stall of the CPU, so then it
 * records nothing ({@link Result#realTime} false, said in {@link Result#line}).
 */
public final class CpuStalls {
    /** How often each watcher wakes unless told otherwise. */
    public static final long DEFAULT_PERIOD_NS = 1_000_000L;
    /** A wake later than this is a stall unless told otherwise. */
    public static final long DEFAULT_THRESHOLD_NS = 200_000L;
    /** The watchers' real-time priority: above the loop's threads (solve 10, event loops 11, the JVM's VM Thread 12). */
    public static final int PRIORITY = 20;
    /** Stalls kept per CPU; more are counted, not kept. */
    static final int MAX_KEPT = 1 << 14;
    /** {@code cpu_set_t} of glibc: 1024 CPUs. */
    private static final int CPU_SET_BYTES = 128;

    private static final MethodHandle SET_AFFINITY = SchedPolicy.lookup("sched_setaffinity",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
    private static final MethodHandle GET_AFFINITY = SchedPolicy.lookup("sched_getaffinity",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
    private static final MethodHandle GET_CPU = SchedPolicy.lookup("sched_getcpu", FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final LongSupplier SAFEPOINTS = safepointCounter();

    /**
     * A stall: CPU {@code cpu} ran nothing of this process's choosing from {@code startNs} to
     * {@code endNs} ({@link System#nanoTime}), at least; {@code safepoint} when the JVM's safepoint
     * count moved meanwhile.
     */
    public record Stall(int cpu, long startNs, long endNs, boolean safepoint) {
        public long ns() {
            return endNs - startNs;
        }

        /** How long it overlapped {@code [fromNs, toNs]}, ns (0 when apart). */
        public long overlapNs(long fromNs, long toNs) {
            return Math.max(0, Math.min(endNs, toNs) - Math.max(startNs, fromNs));
        }
    }

    private final long periodNs;
    private final long thresholdNs;
    private final LongSupplier safepoints;
    private final List<Watcher> watchers = new ArrayList<>();
    private volatile boolean running = true;

    private CpuStalls(long periodNs, long thresholdNs, LongSupplier safepoints) {
        this.periodNs = periodNs;
        this.thresholdNs = thresholdNs;
        this.safepoints = safepoints;
    }

    /** Starts a watcher on each CPU this process may run on, waking every {@link #DEFAULT_PERIOD_NS}. */
    public static CpuStalls start() {
        return start(DEFAULT_PERIOD_NS, DEFAULT_THRESHOLD_NS);
    }

    /**
     * Starts a watcher on each CPU this process may run on.
     *
     * @throws IllegalArgumentException unless 0 &lt; thresholdNs and 10 µs ≤ periodNs ≤ 1 s
     */
    public static CpuStalls start(long periodNs, long thresholdNs) {
        if (periodNs < 10_000 || periodNs > 1_000_000_000L || thresholdNs <= 0) {
            throw new IllegalArgumentException("period must be in [10 us, 1 s] and threshold > 0, got period " + periodNs
                    + " ns, threshold " + thresholdNs + " ns");
        }
        CpuStalls s = new CpuStalls(periodNs, thresholdNs, SAFEPOINTS);
        List<Integer> cpus = allowedCpus();
        for (int cpu : cpus) {
            Watcher w = s.new Watcher(cpu);
            s.watchers.add(w);
            Thread t = Thread.ofPlatform().daemon().name("cpu-stalls-" + cpu).unstarted(w);
            w.thread = t;
            t.start();
        }
        for (Watcher w : s.watchers) {
            w.awaitStarted();
        }
        return s;
    }

    /** Stops the watchers and returns what they saw. */
    public Result stop() {
        running = false;
        for (Watcher w : watchers) {
            LockSupport.unpark(w.thread);
        }
        List<Stall> all = new ArrayList<>();
        long wakes = 0, dropped = 0;
        boolean rt = !watchers.isEmpty(), pinned = !watchers.isEmpty();
        for (Watcher w : watchers) {
            try {
                w.thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int i = 0; i < Math.min(w.count, MAX_KEPT); i++) {
                all.add(new Stall(w.cpu, w.start[i], w.end[i], w.atSafepoint[i]));
            }
            dropped += Math.max(0, w.count - MAX_KEPT);
            wakes += w.wakes;
            rt &= w.realTime;
            pinned &= w.pinned;
        }
        all.sort(Comparator.comparingLong(Stall::startNs));
        return new Result(all, dropped, watchers.size(), pinned, rt, safepoints != null, wakes, periodNs, thresholdNs);
    }

    /** One CPU's watcher; its arrays are written by its thread only and read after it has ended. */
    private final class Watcher implements Runnable {
        final int cpu;
        final long[] start = new long[MAX_KEPT];
        final long[] end = new long[MAX_KEPT];
        final boolean[] atSafepoint = new boolean[MAX_KEPT];
        int count;
        long wakes;
        boolean pinned;
        boolean realTime;
        Thread thread;
        private final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);

        Watcher(int cpu) {
            this.cpu = cpu;
        }

        void awaitStarted() {
            try {
                started.await(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void run() {
            pinned = pin(cpu) && currentCpu() == cpu;
            realTime = SchedPolicy.fifo(PRIORITY);
            started.countDown();
            boolean record = pinned && realTime;
            long sp = safepoints == null ? 0 : safepoints.getAsLong();
            long next = System.nanoTime() + periodNs;
            while (running) {
                long now;
                while ((now = System.nanoTime()) - next < 0 && running) {
                    LockSupport.parkNanos(next - now);
                }
                if (!running) {
                    return;
                }
                long sp2 = safepoints == null ? 0 : safepoints.getAsLong();
                if (record && now - next > thresholdNs) {
                    if (count < MAX_KEPT) {
                        start[count] = next;
                        end[count] = now;
                        atSafepoint[count] = sp2 != sp;
                    }
                    count++;
                }
                sp = sp2;
                wakes++;
                next = now + periodNs;
            }
        }
    }

    /**
     * What the watchers saw: the stalls in order of start ({@code dropped} more not kept), over
     * {@code cpus} watched CPUs, whether every watcher was pinned and real time, whether the
     * JVM's safepoints were visible, the wakes in all, the period and the threshold.
     */
    public record Result(List<Stall> stalls, long dropped, int cpus, boolean pinned, boolean realTime,
            boolean safepointsVisible, long wakes, long periodNs, long thresholdNs) {
        public Result {
            stalls = List.copyOf(stalls);
        }

        /** Whether the stalls are the CPUs' (pinned, real-time watchers): otherwise none are recorded. */
        public boolean measured() {
            return pinned && realTime && cpus > 0;
        }

        /** The longest stall that is not at a safepoint, or {@code null}. */
        public Stall longest() {
            Stall best = null;
            for (Stall s : stalls) {
                if (!s.safepoint() && (best == null || s.ns() > best.ns())) {
                    best = s;
                }
            }
            return best;
        }

        /** Summed length of the stalls not at a safepoint, ns. */
        public long totalNs() {
            long t = 0;
            for (Stall s : stalls) {
                t += s.safepoint() ? 0 : s.ns();
            }
            return t;
        }

        /** How many stalls had a safepoint in them. */
        public long atSafepoints() {
            return stalls.stream().filter(Stall::safepoint).count();
        }

        /**
         * The stall that explains an update late by {@code lateNs} whose way ran from
         * {@code fromNs} to {@code toNs}: the {@linkplain #overlapping most overlapping} one, when
         * it overlapped that way at least {@code lateNs} (without it, the update would have been on
         * time); {@code null} when none does or safepoints were not visible.
         */
        public Stall explaining(long fromNs, long toNs, long lateNs) {
            Stall s = overlapping(fromNs, toNs);
            return s != null && s.overlapNs(fromNs, toNs) >= lateNs ? s : null;
        }

        /**
         * The stall not at a safepoint that overlapped {@code [fromNs, toNs]} the most, or
         * {@code null} when none did or safepoints were not visible. A stall shorter than an
         * update's lateness can still have made it late (the reports queued behind it take time
         * to clear), and a stall began up to a period before its watcher saw it.
         */
        public Stall overlapping(long fromNs, long toNs) {
            if (!safepointsVisible) {
                return null;
            }
            Stall best = null;
            long bestOverlap = 0;
            for (Stall s : stalls) {
                long o = s.safepoint() ? 0 : s.overlapNs(fromNs, toNs);
                if (o > bestOverlap) {
                    best = s;
                    bestOverlap = o;
                }
            }
            return best;
        }

        /** "cpu stalls: 7 of ≥ 0.2 ms on 2 CPU(s), 9.1 ms in all, the longest 5.9 ms (CPU 0); …" */
        public String line() {
            if (!measured()) {
                return String.format(Locale.ROOT, "cpu stalls: not measured (%s)",
                        cpus == 0 ? "no CPU to watch" : !pinned ? "a watcher could not be pinned to its CPU (not Linux?)"
                                : "SCHED_FIFO refused: needs root, CAP_SYS_NICE or an rtprio limit");
            }
            Stall l = longest();
            long n = stalls.size() + dropped;
            return String.format(Locale.ROOT,
                    "cpu stalls: %d of >= %.1f ms on %d CPU(s)%s%s%s (times a CPU could not run this process's most urgent"
                            + " thread: the host or the kernel had it; a real-time thread per CPU woken every %.1f ms)",
                    n - atSafepoints(), thresholdNs / 1e6, cpus,
                    l == null ? "" : String.format(Locale.ROOT, ", %.1f ms in all, the longest %.1f ms (CPU %d)",
                            totalNs() / 1e6, l.ns() / 1e6, l.cpu()),
                    atSafepoints() == 0 ? "" : String.format(Locale.ROOT, "; %d more during JVM safepoints", atSafepoints()),
                    safepointsVisible ? "" : "; JVM safepoints not visible, so none explains a miss",
                    periodNs / 1e6);
        }

        /** {@code {"count": …, "total_ns": …, "longest_ns": …, …}} for a JSON report; {@code null} when not measured. */
        public String json() {
            if (!measured()) {
                return "null";
            }
            Stall l = longest();
            return "{\"count\": " + (stalls.size() + dropped - atSafepoints()) + ", \"total_ns\": " + totalNs()
                    + ", \"longest_ns\": " + (l == null ? 0 : l.ns()) + ", \"at_safepoints\": " + atSafepoints()
                    + ", \"cpus\": " + cpus + ", \"period_ns\": " + periodNs + ", \"threshold_ns\": " + thresholdNs
                    + ", \"safepoints_visible\": " + safepointsVisible + "}";
        }
    }

    /** The CPUs this process may run on ({@code sched_getaffinity}); 0 … n−1 where that cannot be read. */
    public static List<Integer> allowedCpus() {
        List<Integer> cpus = new ArrayList<>();
        if (GET_AFFINITY != null) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment mask = arena.allocate(CPU_SET_BYTES, 8);
                if ((int) GET_AFFINITY.invokeExact(0, (long) CPU_SET_BYTES, mask) == 0) {
                    for (int i = 0; i < CPU_SET_BYTES * 8; i++) {
                        if ((mask.get(ValueLayout.JAVA_BYTE, i / 8) & (1 << (i % 8))) != 0) {
                            cpus.add(i);
                        }
                    }
                }
            } catch (Throwable e) {
                cpus.clear();
            }
        }
        if (cpus.isEmpty()) {
            for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
                cpus.add(i);
            }
        }
        return cpus;
    }

    /** Pins the calling thread to {@code cpu}; true when the kernel took it. */
    static boolean pin(int cpu) {
        if (SET_AFFINITY == null || cpu < 0 || cpu >= CPU_SET_BYTES * 8) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(CPU_SET_BYTES, 8);
            mask.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            return (int) SET_AFFINITY.invokeExact(0, (long) CPU_SET_BYTES, mask) == 0;
        } catch (Throwable e) {
            return false;
        }
    }

    /** The CPU the calling thread runs on now, or -1 where that cannot be read. */
    static int currentCpu() {
        if (GET_CPU == null) {
            return -1;
        }
        try {
            return (int) GET_CPU.invokeExact();
        } catch (Throwable e) {
            return -1;
        }
    }

    /**
     * The JVM's safepoint count ({@code sun.management.HotspotRuntimeMBean.getSafepointCount},
     * a read of HotSpot's performance counters), or {@code null} where it is not exported to us.
     */
    private static LongSupplier safepointCounter() {
        try {
            Class<?> helper = Class.forName("sun.management.ManagementFactoryHelper");
            Class<?> mbean = Class.forName("sun.management.HotspotRuntimeMBean");
            MethodHandles.Lookup lookup = MethodHandles.lookup(); // exported to this module by --add-exports, not to all
            Object runtime = lookup.findStatic(helper, "getHotspotRuntimeMBean", MethodType.methodType(mbean)).invoke();
            MethodHandle count = lookup.findVirtual(mbean, "getSafepointCount", MethodType.methodType(long.class)).bindTo(runtime);
            long first = (long) count.invokeExact();
            if (first < 0) {
                return null;
            }
            return () -> {
                try {
                    return (long) count.invokeExact();
                } catch (Throwable e) {
                    return -1;
                }
            };
        } catch (Throwable e) {
            return null;
        }
    }
}
