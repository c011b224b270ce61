package org.isac.proto.sched;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;

/**
 * Asks Linux's fair scheduler (EEVDF, kernel 6.12 and later) for a short time slice for the
 * calling thread. An event loop sleeps most of the time and must run at once when woken (to
 * write an update the solve thread handed it, or to apply one that arrived); on a machine whose
 * cores are all busy it otherwise waits until the running thread's slice ends — the default is
 * 0.7 ms × (1 + log₂ CPUs), 1.4 ms on two cores, longer than a 1 ms deadline budget. A thread
 * with a shorter requested slice gets an earlier virtual deadline, so its wake-up preempts a
 * thread on the default slice. Its share of the CPU is unchanged; only how finely it is cut.
 *
 * <p>This is {@code sched_setattr(0, {SCHED_OTHER, sched_runtime = slice}, 0)} through the
 * foreign-function API; it needs no privilege. Kernels before 6.12 accept and ignore the slice;
 * elsewhere (not Linux on x86-64 or aarch64) nothing is called.
 */
public final class ThreadSlice {
    /** The kernel clamps a requested slice to [0.1, 100] ms. */
    public static final long MIN_SLICE_NS = 100_000;
    /** {@code struct sched_attr} up to {@code sched_period} (SCHED_ATTR_SIZE_VER0). */
    private static final int ATTR_SIZE = 48;
    /** Offset of {@code sched_runtime} in {@code struct sched_attr}. */
    private static final int RUNTIME_OFFSET = 24;
    /** {@code sched_setattr}; {@code sched_getattr} is the next number on both architectures. */
    private static final long SYS_SETATTR = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64" -> 314;
        case "aarch64" -> 274;
        default -> -1;
    };
    /** {@code long syscall(long number, long pid, void *attr, long flags)}. */
    private static final MethodHandle SET = syscall(3);
    /** {@code long syscall(long number, long pid, void *attr, long size, long flags)}. */
    private static final MethodHandle GET = syscall(4);

    private ThreadSlice() {
    }

    /** libc's variadic {@code syscall} with {@code args} arguments after the number (pointer second). */
    private static MethodHandle syscall(int args) {
        if (SYS_SETATTR < 0 || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return null;
        }
        ValueLayout[] params = new ValueLayout[args + 1];
        for (int i = 0; i < params.length; i++) {
            params[i] = i == 2 ? ValueLayout.ADDRESS : ValueLayout.JAVA_LONG;
        }
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("syscall")
                    .map(f -> linker.downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_LONG, params),
                            Linker.Option.firstVariadicArg(1)))
                    .orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * Requests a slice of {@code sliceNs} for the calling thread (the kernel clamps it to
     * [0.1, 100] ms), keeping its policy {@code SCHED_OTHER} and nice 0.
     *
     * @return true when the kernel accepted the request
     */
    public static boolean request(long sliceNs) {
        if (SET == null || sliceNs <= 0) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8); // zeroed: SCHED_OTHER, no flags, nice 0
            attr.set(ValueLayout.JAVA_INT, 0, ATTR_SIZE);
            attr.set(ValueLayout.JAVA_LONG, RUNTIME_OFFSET, sliceNs);
            return (long) SET.invokeExact(SYS_SETATTR, 0L, attr, 0L) == 0;
        } catch (Throwable e) {
            return false;
        }
    }

    /**
     * The calling thread's slice in ns as the kernel reports it (6.12 and later; earlier kernels
     * report 0), or -1 where it cannot be read.
     */
    public static long current() {
        if (GET == null) {
            return -1;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            long rc = (long) GET.invokeExact(SYS_SETATTR + 1, 0L, attr, (long) ATTR_SIZE, 0L);
            return rc == 0 ? attr.get(ValueLayout.JAVA_LONG, RUNTIME_OFFSET) : -1;
        } catch (Throwable e) {
            return -1;
        }
    }

    /**
     * {@code base}'s threads, each first asking for a slice of {@code sliceNs}; {@code base}
     * itself when {@code sliceNs} ≤ 0 (the kernel's default).
     */
    public static ThreadFactory factory(ThreadFactory base, long sliceNs) {
        if (sliceNs <= 0) {
            return base;
        }
        return r -> base.newThread(() -> {
            request(sliceNs);
            r.run();
        });
    }
}
