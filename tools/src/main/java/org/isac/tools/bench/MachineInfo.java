package org.isac.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What the benchmark ran on: CPU model, SIMD flags, cores, clock, JVM, and the core's
 * double-precision peak = clock × flops/cycle (AVX-512: 32, AVX2 + FMA: 16 — two 256-bit
 * FMA pipes × 4 doubles × 2 —, AVX: 8, else 4).
 */
public record MachineInfo(String cpuModel, String simd, int cores, double clockGhz, double flopsPerCycle,
                          String jvm, String os) {

    /** Reads /proc/cpuinfo where it exists; otherwise conservative defaults. */
    public static MachineInfo detect() {
        String model = "unknown";
        String flags = "";
        double mhz = 0;
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String l : lines) {
                int colon = l.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = l.substring(0, colon).trim();
                String value = l.substring(colon + 1).trim();
                if (key.equals("model name") && model.equals("unknown")) {
                    model = value;
                } else if (key.equals("flags") && flags.isEmpty()) {
                    flags = " " + value + " ";
                } else if (key.equals("cpu MHz") && mhz == 0) {
                    mhz = Double.parseDouble(value);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: keep the defaults
        }
        String simd;
        double perCycle;
        if (flags.contains(" avx512f ")) {
            simd = "AVX-512F + FMA";
            perCycle = 32;
        } else if (flags.contains(" avx2 ") && flags.contains(" fma ")) {
            simd = "AVX2 + FMA";
            perCycle = 16;
        } else if (flags.contains(" avx ")) {
            simd = "AVX";
            perCycle = 8;
        } else {
            simd = flags.isEmpty() ? "unknown" : "SSE2";
            perCycle = 4;
        }
        String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
        return new MachineInfo(model, simd, Runtime.getRuntime().availableProcessors(), mhz / 1000, perCycle, jvm, os);
    }

    /** Double-precision peak of one core, GFLOP/s. */
    public double peakGflops() {
        return clockGhz * flopsPerCycle;
    }

    /** Same machine with another clock (e.g. the sustained one when /proc reports nominal). */
    public MachineInfo withClockGhz(double ghz) {
        return new MachineInfo(cpuModel, simd, cores, ghz, flopsPerCycle, jvm, os);
    }

    public String describe() {
        return String.format(Locale.ROOT, "%s, %d core(s), %s, %.2f GHz, peak %.1f GFLOP/s per core (double, %.0f flops/cycle); %s; %s",
                cpuModel, cores, simd, clockGhz, peakGflops(), flopsPerCycle, jvm, os);
    }
}
