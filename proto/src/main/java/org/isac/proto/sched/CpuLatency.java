package org.isac.proto.sched;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * A hold on Linux's CPU wake-up latency limit ({@code /dev/cpu_dma_latency}, the kernel's
 * "PM QoS" CPU latency request): while it is held, an idle CPU may only enter idle states that
 * it can leave within the limit. At 0 µs the idle loop polls instead of halting, so a thread
 * woken on an idle CPU runs at once.
 *
 * <p>Why the controller asks for it: a report crosses threads on different CPUs several times
 * (event loop → solve thread → event loop, and the radio's own loop), and each hand-off wakes a
 * thread on a CPU that is usually idle. On bare metal a halted core wakes in microseconds; in a
 * virtual machine a halted virtual CPU has given its physical CPU back to the host, and the
 * waker waits until the host runs it again. On the 2-core virtual machine (AMD EPYC Zen 3,
 * Firecracker, a nested guest whose halt-polling is off) a park/unpark ping-pong between two
 * real-time threads on different CPUs took 50 µs at the median and 340 µs at p99.9; in five
 * alternating pairs of default demos the controller's hand-off to the socket writer ran 47–60 µs
 * at the median and 143–1229 µs at p99 without the limit, 15–26 µs and 61–108 µs with it held at
 * 0 (docs/DESIGN.md, "Idle CPUs").
 *
 * <p>The request lasts as long as the file stays open: {@link #close()} (or the process's end,
 * however it ends) gives it back, and the kernel applies the smallest of all open requests.
 * The price is power: held at 0, idle CPUs spin. Writing needs root (the device is
 * {@code crw------- root}) or a rule granting it; when the open or the write fails, nothing is
 * held and {@link #describe()} says why.
 */
public final class CpuLatency implements AutoCloseable {
    /** The kernel's CPU latency request device. */
    public static final Path DEVICE = Path.of("/dev/cpu_dma_latency");
    /** The kernel's value when no request is open ({@code PM_QOS_CPU_LATENCY_DEFAULT_VALUE}, 2000 s). */
    public static final int KERNEL_DEFAULT_US = 2_000_000_000;

    private final Path device;
    private final int microseconds;
    private final String refusal;
    private FileChannel channel;

    private CpuLatency(Path device, int microseconds, FileChannel channel, String refusal) {
        this.device = device;
        this.microseconds = microseconds;
        this.channel = channel;
        this.refusal = refusal;
    }

    /**
     * Asks the kernel to keep every CPU's wake-up latency within {@code microseconds} until
     * {@link #close()}; never throws for a refusal (see {@link #held()}).
     *
     * @throws IllegalArgumentException when {@code microseconds} is negative
     */
    public static CpuLatency request(int microseconds) {
        return request(DEVICE, microseconds);
    }

    /** As {@link #request(int)}, through {@code device} (tests point it at a plain file). */
    static CpuLatency request(Path device, int microseconds) {
        if (microseconds < 0) {
            throw new IllegalArgumentException("CPU latency limit must be >= 0 us, got " + microseconds);
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(device, StandardOpenOption.WRITE);
            // the device takes one native-order s32 (a write of any other length is parsed as hex text)
            ByteBuffer value = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder()).putInt(0, microseconds);
            if (ch.write(value) != Integer.BYTES) {
                throw new IOException("short write");
            }
            return new CpuLatency(device, microseconds, ch, null);
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // nothing was held
                }
            }
            return new CpuLatency(device, microseconds, null, reason(device, e));
        }
    }

    private static String reason(Path device, Exception e) {
        if (e instanceof NoSuchFileException) {
            return device + " does not exist (not Linux, or a kernel without CPU latency requests)";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return device + ": permission denied (needs root, or write access to the device)";
        }
        return device + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    /** Whether the request is in force: the device took it and it has not been closed. */
    public synchronized boolean held() {
        return channel != null;
    }

    /** The limit asked for, µs. */
    public int microseconds() {
        return microseconds;
    }

    /**
     * One line for a summary, e.g. "CPU wake-up latency held at 0 us through /dev/cpu_dma_latency
     * (idle CPUs poll instead of halting)", or why it is not held.
     */
    public synchronized String describe() {
        if (channel != null) {
            return String.format(Locale.ROOT, "CPU wake-up latency held at %d us through %s%s", microseconds, device,
                    microseconds == 0 ? " (idle CPUs poll instead of halting)" : "");
        }
        return refusal != null ? "CPU wake-up latency not held: " + refusal : "CPU wake-up latency released";
    }

    /**
     * The limit in force now (the smallest open request, or {@link #KERNEL_DEFAULT_US}), as the
     * device reads back; empty where it cannot be read.
     */
    public static OptionalInt current() {
        return current(DEVICE);
    }

    static OptionalInt current(Path device) {
        try {
            byte[] b = Files.readAllBytes(device);
            if (b.length != Integer.BYTES) {
                return OptionalInt.empty();
            }
            return OptionalInt.of(ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getInt());
        } catch (IOException e) {
            return OptionalInt.empty();
        }
    }

    /** Gives the request back. Idempotent. */
    @Override
    public synchronized void close() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // the kernel drops the request with the file however the close ends
        }
        channel = null;
    }

    @Override
    public String toString() {
        return describe();
    }
}
