package org.isac.proto.sched;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Time the host of a virtual machine ran something else on its virtual CPUs — "steal" — as
 * Linux counts it in {@code /proc/stat} (the eighth value of the {@code cpu} line, summed over
 * CPUs, in units of {@code USER_HZ} = 100 per second, so in steps of 10 ms).
 *
 * <p>Why a run reports it: on a virtual machine a thread that the guest's scheduler shows running
 * can still stand still while the host has the virtual CPU. A scheduler trace of a demo on the
 * 2-core machine of reports/capacity/PROFILE.md caught the host holding both virtual CPUs for
 * 15 ms (no event on either CPU; the running solve thread's accounted CPU time grew by 0.23 ms in
 * 18 ms), and the updates of that moment went late or stale whatever the loop did. Reading the
 * counter before and after a run tells the user whether such time was taken; the 10 ms steps
 * make it a coarse gauge (a single 1 ms steal shows only when it completes a step). On bare
 * metal, or where the file is missing or unreadable, there is nothing to report.
 */
public final class HostSteal {
    /** Nanoseconds per {@code /proc/stat} tick ({@code USER_HZ} is 100 on Linux, whatever the kernel's own tick). */
    static final long NS_PER_TICK = 10_000_000L;
    private static final Path STAT = Path.of("/proc/stat");

    private HostSteal() {
    }

    /** Steal summed over all CPUs since boot, ns; empty where Linux does not say. */
    public static OptionalLong totalNs() {
        try {
            return parse(Files.readString(STAT));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** The steal of a {@code /proc/stat} text's aggregate {@code cpu} line, ns; empty without one or without the field. */
    static OptionalLong parse(String stat) {
        for (String line : stat.split("\n")) {
            if (!line.startsWith("cpu ")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            if (f.length < 9) {
                return OptionalLong.empty();
            }
            try {
                long ticks = Long.parseLong(f[8]);
                return ticks < 0 ? OptionalLong.empty() : OptionalLong.of(ticks * NS_PER_TICK);
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }

    /**
     * The steal between two readings as a summary line, e.g. "host steal: 20 ms summed over
     * 2 CPUs during the run (…)"; {@code null} when either reading is missing.
     */
    public static String describe(OptionalLong before, OptionalLong after, int cpus) {
        Long ms = deltaMs(before, after);
        if (ms == null) {
            return null;
        }
        return String.format(java.util.Locale.ROOT,
                "host steal: %d ms summed over %d CPU(s) during the run (time this virtual machine's host kept its CPUs"
                        + " from it; /proc/stat, 10 ms steps)", ms, cpus);
    }

    /**
     * The steal over a run, for a command's summary and JSON report: {@link #start} before the
     * run, {@link #stop} after it.
     */
    public static final class Interval {
        private final OptionalLong before;
        private OptionalLong after = OptionalLong.empty();

        private Interval(OptionalLong before) {
            this.before = before;
        }

        /** Reads the counter now. */
        public static Interval start() {
            return new Interval(totalNs());
        }

        /** Reads the counter again: the interval ends here. */
        public void stop() {
            after = totalNs();
        }

        /** The summary line ({@link #describe}, over this machine's CPUs), or {@code null} when Linux does not say. */
        public String line() {
            return describe(before, after, Runtime.getRuntime().availableProcessors());
        }

        /** The steal in ms as a JSON value: a number, or {@code null} when Linux does not say. */
        public String json() {
            Long ms = deltaMs(before, after);
            return ms == null ? "null" : Long.toString(ms);
        }
    }

    /** Milliseconds of steal between two readings, or {@code null} when either is missing or they run backwards. */
    public static Long deltaMs(OptionalLong before, OptionalLong after) {
        if (before.isEmpty() || after.isEmpty() || after.getAsLong() < before.getAsLong()) {
            return null;
        }
        return (after.getAsLong() - before.getAsLong()) / 1_000_000L;
    }
}
