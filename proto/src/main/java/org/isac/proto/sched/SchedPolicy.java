package org.isac.proto.sched;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Moves the calling thread between Linux's scheduling classes: the real-time class
 * {@code SCHED_FIFO} for the threads on a report's path (event loops, solve threads), the idle
 * class {@code SCHED_IDLE} for measurement threads that must never delay them.
 *
 * <p>Why real time: on a machine whose cores are all busy, a woken thread in the fair class waits
 * until the scheduler decides to preempt the running one. On a kernel built with
 * {@code PREEMPT_NONE} and a 250 Hz tick that can take a whole tick (4 ms) behind a JIT compiler
 * thread or a kernel worker — four times a 1 ms deadline budget. A {@code SCHED_FIFO} thread
 * preempts every fair-class thread at once when it wakes; among real-time threads the higher
 * priority preempts. Java thread priorities do not reach the Linux scheduler, so this calls
 * {@code sched_setscheduler(0, policy, {priority})} through the foreign-function API.
 *
 * <p>Privilege: lowering a thread to {@code SCHED_IDLE} needs none; {@code SCHED_FIFO} needs
 * root, {@code CAP_SYS_NICE} or an {@code rtprio} resource limit of at least the priority
 * ({@code ulimit -r}, {@code /etc/security/limits.conf}). When the kernel refuses, the thread
 * stays where it was and the call says so. The kernel keeps a share of each CPU for the fair
 * class ({@code /proc/sys/kernel/sched_rt_runtime_us}), so a real-time thread that never sleeps
 * cannot take a core entirely. Elsewhere (not Linux) nothing is called.
 */
public final class SchedPolicy {
    /** {@code SCHED_OTHER}: the fair class, every thread's default. */
    public static final int OTHER = 0;
    /** {@code SCHED_FIFO}: real time, first in first out within a priority. */
    public static final int FIFO = 1;
    /** {@code SCHED_IDLE}: runs only on CPU time no other thread wants. */
    public static final int IDLE = 5;
    /** Highest priority handed out here: 99 is left to the kernel's own watchdog threads. */
    public static final int MAX_PRIORITY = 98;

    private static final MethodHandle SET = lookup("sched_setscheduler",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle GET = lookup("sched_getscheduler",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle GET_PARAM = lookup("sched_getparam",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

    private SchedPolicy() {
    }

    /** libc's {@code name} as a downcall of {@code fd}; {@code null} off Linux or where it is missing. */
    static MethodHandle lookup(String name, FunctionDescriptor fd) {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find(name).map(f -> linker.downcallHandle(f, fd)).orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static boolean set(int policy, int priority) {
        return set(0, policy, priority);
    }

    /** {@code sched_setscheduler(tid, policy, {priority})}; tid 0 is the calling thread. */
    private static boolean set(int tid, int policy, int priority) {
        if (SET == null) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment param = arena.allocate(ValueLayout.JAVA_INT); // struct sched_param { int sched_priority; }
            param.set(ValueLayout.JAVA_INT, 0, priority);
            return (int) SET.invokeExact(tid, policy, param) == 0;
        } catch (Throwable e) {
            return false;
        }
    }

    /**
     * Moves the calling thread to {@code SCHED_FIFO} at {@code priority}.
     *
     * @return true when the kernel took it; false when it refused (no privilege) or this is not Linux
     * @throws IllegalArgumentException when {@code priority} is outside 1..{@value #MAX_PRIORITY}
     */
    public static boolean fifo(int priority) {
        if (priority < 1 || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("real-time priority must be in 1.." + MAX_PRIORITY + ", got " + priority);
        }
        return set(FIFO, priority);
    }

    /**
     * Moves the threads of this process whose Linux name ({@code /proc/self/task/TID/comm}) is
     * {@code name} to {@code SCHED_FIFO} at {@code priority} — for the JVM's own threads, which
     * Java code cannot reach otherwise. The one that matters is HotSpot's {@code "VM Thread"}: it
     * stops and restarts all Java threads at a safepoint (GC phases, deoptimization), and if it
     * stays in the fair class while real-time threads take the cores, it is preempted by each
     * thread it wakes and a safepoint that takes 0.1 ms grows to tens of milliseconds with every
     * Java thread stopped (measured in reports/capacity/PROFILE.md). Above the application's
     * real-time threads, it finishes first.
     *
     * @return how many threads were moved (0 where refused, not found or not Linux)
     */
    public static int fifoForThreadsNamed(String name, int priority) {
        if (priority < 1 || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("real-time priority must be in 1.." + MAX_PRIORITY + ", got " + priority);
        }
        java.nio.file.Path tasks = java.nio.file.Path.of("/proc/self/task");
        if (SET == null || !java.nio.file.Files.isDirectory(tasks)) {
            return 0;
        }
        int moved = 0;
        try (java.util.stream.Stream<java.nio.file.Path> all = java.nio.file.Files.list(tasks)) {
            for (java.nio.file.Path t : (Iterable<java.nio.file.Path>) all::iterator) {
                try {
                    String comm = java.nio.file.Files.readString(t.resolve("comm")).strip();
                    if (comm.equals(name) && set(Integer.parseInt(t.getFileName().toString()), FIFO, priority)) {
                        moved++;
                    }
                } catch (java.io.IOException | NumberFormatException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            return moved;
        }
        return moved;
    }

    /**
     * Threads of {@code base} that first leave the scheduling class their creator may have passed
     * on: Linux starts a thread in its creator's class, so a helper thread that a real-time report
     * thread happens to start would otherwise run its work in real time too, above the solve
     * threads. Each moves itself to the fair class (nice 0) when it is not there.
     */
    public static ThreadFactory detached(ThreadFactory base) {
        return r -> base.newThread(() -> {
            if (current() != OTHER) {
                set(OTHER, 0);
            }
            r.run();
        });
    }

    /** Moves the calling thread to {@code SCHED_IDLE}; true when the scheduler took it. */
    public static boolean idle() {
        return set(IDLE, 0);
    }

    /** The calling thread's policy ({@link #OTHER}, {@link #FIFO}, {@link #IDLE}, …), or -1 where it cannot be read. */
    public static int current() {
        if (GET == null) {
            return -1;
        }
        try {
            return (int) GET.invokeExact(0);
        } catch (Throwable e) {
            return -1;
        }
    }

    /** The calling thread's real-time priority (0 in the fair and idle classes), or -1 where it cannot be read. */
    public static int priority() {
        if (GET_PARAM == null) {
            return -1;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment param = arena.allocate(ValueLayout.JAVA_INT);
            return (int) GET_PARAM.invokeExact(0, param) == 0 ? param.get(ValueLayout.JAVA_INT, 0) : -1;
        } catch (Throwable e) {
            return -1;
        }
    }

    /**
     * {@code base}'s threads, each first asking for {@code SCHED_FIFO} at {@code priority} when it
     * is above 0, else (or when refused) for a fair-class slice of {@code sliceNs} ({@link ThreadSlice};
     * 0 = the kernel's default); the outcome is counted in {@code grants}.
     */
    public static ThreadFactory factory(ThreadFactory base, int priority, long sliceNs, Grants grants) {
        if (priority < 0 || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("real-time priority must be 0 (off) or in 1.." + MAX_PRIORITY + ", got " + priority);
        }
        if (priority == 0) {
            return ThreadSlice.factory(base, sliceNs);
        }
        return r -> base.newThread(() -> {
            if (fifo(priority)) {
                grants.granted.incrementAndGet();
            } else {
                grants.refused.incrementAndGet();
                ThreadSlice.request(sliceNs);
            }
            r.run();
        });
    }

    /** How many threads asked for the real-time class got it, for a summary line. */
    public static final class Grants {
        private final AtomicInteger granted = new AtomicInteger();
        private final AtomicInteger refused = new AtomicInteger();

        public int granted() {
            return granted.get();
        }

        public int refused() {
            return refused.get();
        }

        /** Counts one thread's outcome (for threads that ask by themselves rather than through {@link #factory}). */
        public void count(boolean grantedIt) {
            (grantedIt ? granted : refused).incrementAndGet();
        }

        @Override
        public String toString() {
            int g = granted(), r = refused();
            if (g == 0 && r == 0) {
                return "fair class (real time not asked for)";
            }
            return r == 0 ? "SCHED_FIFO for " + g + " thread(s)"
                    : g == 0 ? "fair class: SCHED_FIFO refused for " + r + " thread(s) (needs root, CAP_SYS_NICE or an rtprio limit)"
                    : "SCHED_FIFO for " + g + " thread(s), refused for " + r;
        }
    }
}
