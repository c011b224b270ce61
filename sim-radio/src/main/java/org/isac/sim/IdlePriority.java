package org.isac.sim;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * Puts the calling thread in Linux's {@code SCHED_IDLE} class: it runs only on CPU time that
 * no other thread wants and is preempted at once when one does. For measurement threads of a
 * test harness (the simulated radio's scorer) that share cores with what they measure: on
 * a 2-core machine a scorer at normal priority holds a core for a whole genie solve, and a
 * waking event loop waits up to the scheduler's wake-up granularity (≈ 1 ms) behind it. Java
 * thread priorities do not reach the Linux scheduler, so this calls
 * {@code sched_setscheduler(0, SCHED_IDLE, {0})} (no privilege is needed to lower a thread's
 * class) through the foreign-function API. Elsewhere, or when the call fails, it does nothing.
 */
public final class IdlePriority {
    private static final int SCHED_IDLE = 5;
    private static final MethodHandle SET_SCHEDULER = lookup();

    private IdlePriority() {
    }

    private static MethodHandle lookup() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("sched_setscheduler")
                    .map(f -> linker.downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.ADDRESS)))
                    .orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Moves the calling thread to {@code SCHED_IDLE}; true when the scheduler took it. */
    public static boolean applyToCurrentThread() {
        if (SET_SCHEDULER == null) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment param = arena.allocate(ValueLayout.JAVA_INT);
            return (int) SET_SCHEDULER.invokeExact(0, SCHED_IDLE, param) == 0;
        } catch (Throwable e) {
            return false;
        }
    }
}
