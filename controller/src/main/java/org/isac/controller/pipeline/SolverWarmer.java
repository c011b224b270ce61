package org.isac.controller.pipeline;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.isac.controller.CsiMapping;
import org.isac.proto.v1.ComplexMatrix;
import org.isac.solver.TimeBudget;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.SubbandLoop;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;

/**
 * Warms the solver a radio will use as soon as it says hello, so that its first report is
 * answered like its hundredth: on one background thread (never an event loop or a solve
 * shard) it builds that solver and runs it on random channels of the hello's shape (N from the
 * transmit array, M = its RF chains, K = M, or 4 for a digital radio; the hello's {@code subbands}
 * S, wideband reports of S subbands through the solve stage's {@link SubbandLoop}) for up to
 * {@value #WARM_MILLIS} ms or {@value #WARM_SOLVES} solves. That loads models and classes and
 * lets the JIT compile the kernels; a shard's own instance then only sets up its workspace
 * and Ψ on the first report (≈ 8 ms instead of ≈ 3 s cold for {@code hybrid-upga} at N = 64).
 * Every other warm-up solve runs under a deadline, so the anytime paths compile too, and every
 * answer goes through the encode path a live update takes (the hardware form at the radio's
 * widths, the guard on the float weights, the {@link UpdateWriter}). Then it waits, up to {@value #QUIET_WAIT_MILLIS} ms,
 * until the JIT has compiled nothing for {@value #QUIET_MILLIS} ms: compiling is work on the
 * same cores as the first reports.
 * The session answers the hello when the warm-up is done.
 * Each (solver, N, K, M, S) is warmed once per controller, and not again by a later controller
 * in the same JVM once one has finished a whole warm-up of it (what it warms — compiled code,
 * loaded models — belongs to the JVM; a demo's throwaway warm-up controllers would otherwise spend
 * seconds each on it; the later one still waits for a quiet JIT); a shape the solver refuses (no shipped model, say) just ends its warm-up.
 */
final class SolverWarmer implements AutoCloseable {
    static final long WARM_MILLIS = 1500;
    static final int WARM_SOLVES = 3000;
    /** Longest wait for a quiet JIT after the solves. */
    static final long QUIET_WAIT_MILLIS = 1500;
    /** A JIT that compiled nothing for this long is quiet. */
    static final long QUIET_MILLIS = 100;
    /**
     * Past {@value #WARM_MILLIS} ms or {@value #WARM_SOLVES} solves the warm-up goes on while the
     * solves still allocate, until {@value #ALLOCATION_FREE_RUN} in a row allocated nothing, up to
     * {@value #MAX_WARM_MILLIS} ms or {@value #MAX_WARM_SOLVES} solves: a kernel on the Vector API
     * allocates its vectors until C2 compiles it, which for the batched wideband kernels (called
     * once per solve) takes some 15 000 solves, rzf at S = 4, N = 16 then running 20× slower
     * (30 µs against 1.7 µs) and allocating 24 KB per solve.
     */
    static final int ALLOCATION_FREE_RUN = 500;
    /** Random channels the warm-up cycles through (made once: building reports is not what needs warming). */
    static final int WARM_CHANNELS = 16;
    static final long MAX_WARM_MILLIS = 4000;
    static final int MAX_WARM_SOLVES = 60_000;
    /** Deadline of the bounded warm-up solves. */
    static final long WARM_BUDGET_NS = 400_000;

    private final WeightEncoder encoder;

    /**
     * One fair-class thread: the first hello starts it, on an event loop that may run in real time
     * ({@link org.isac.proto.sched.SchedPolicy#detached}); in real time, its warm-up solves for one
     * radio's hello would preempt the solves of the radios already served.
     */
    private final ExecutorService exec = Executors.newSingleThreadExecutor(org.isac.proto.sched.SchedPolicy.detached(r -> {
        Thread t = new Thread(r, "isac-warm");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    }));
    private final Map<String, CompletableFuture<Integer>> warmed = new ConcurrentHashMap<>();
    /** Shapes some controller of this JVM warmed to the end, with their solves. */
    private static final Map<String, Integer> WARM_IN_THIS_JVM = new ConcurrentHashMap<>();
    /** Warm-ups that solved (for tests). */
    static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();

    /** @param encoder the live path's hardware encoder (a warm-up instance is made from it) */
    SolverWarmer(WeightEncoder encoder) {
        this.encoder = encoder;
    }

    /** The shape a hello announces: N from the transmit array, M its RF chains, K = M (or 4 for a digital radio), S subbands. */
    private record Shape(int n, int k, int m, int subbands) {
        static Shape of(FrontEndHello hello) {
            int n = Math.max(1, CsiMapping.txElements(hello));
            int m = hello.getRfChains();
            return new Shape(n, m > 0 ? m : Math.min(4, n), m, Math.max(1, hello.getSubbands()));
        }
    }

    /** Starts warming {@code solver} for {@code hello}'s shape unless it is warm or warming; returns its solves when done. */
    CompletableFuture<Integer> warm(FrontEndHello hello, String solver) {
        Shape shape = Shape.of(hello);
        int n = shape.n(), k = shape.k(), m = shape.m(), subbands = shape.subbands();
        String key = solver + "/" + n + "/" + k + "/" + m + "/" + subbands;
        return warmed.computeIfAbsent(key, x -> {
            Integer before = WARM_IN_THIS_JVM.get(key);
            CompletableFuture<Integer> done = new CompletableFuture<>();
            try {
                exec.execute(() -> {
                    try {
                        if (before != null) { // no solves, but what the last controller left compiling finishes first
                            awaitQuietJit();
                            done.complete(before);
                            return;
                        }
                        RUNS.incrementAndGet();
                        int solves = run(hello, solver, n, k, subbands, encoder);
                        if (solves > 0 && !Thread.currentThread().isInterrupted()) {
                            WARM_IN_THIS_JVM.put(key, solves);
                        }
                        done.complete(solves);
                    } catch (Throwable t) { // whatever the solver or encoder throws, the hello is answered
                        done.complete(0);
                    }
                });
            } catch (RuntimeException e) { // shut down
                done.complete(0);
            }
            return done;
        });
    }

    /** Solves a {@link #sized} instance runs on the warm thread before a shard adopts it. */
    static final int SIZING_SOLVES = 8;

    /**
     * A new instance of {@code solver}, solved {@value #SIZING_SOLVES} times on the warm thread on
     * random channels of {@code hello}'s shape (half of them under a deadline), so that its
     * workspace is sized and its models bound; null when it cannot be made or fails. The
     * instance is handed over untouched afterwards (the caller publishes it to one shard).
     */
    CompletableFuture<Solver> sized(FrontEndHello hello, String solver) {
        CompletableFuture<Solver> done = new CompletableFuture<>();
        try {
            exec.execute(() -> {
                try {
                    Shape shape = Shape.of(hello);
                    Solver s = SolverRegistry.create(solver);
                    SplittableRandom rnd = new SplittableRandom(shape.n() * 31L + shape.k() + 1);
                    Problem p = CsiMapping.toProblem(report(shape.n(), shape.k(), shape.subbands(),
                            hello.getMaxPowerW() > 0 ? hello.getMaxPowerW() : 1, rnd), hello);
                    Precoder out = new Precoder();
                    SubbandLoop loop = new SubbandLoop();
                    long[] deadline = new long[1];
                    TimeBudget bounded = () -> deadline[0] - System.nanoTime();
                    for (int i = 0; i < SIZING_SOLVES; i++) {
                        deadline[0] = System.nanoTime() + WARM_BUDGET_NS;
                        p.budget = (i & 1) == 1 ? bounded : TimeBudget.UNBOUNDED;
                        loop.solve(s, p, out);
                    }
                    done.complete(s);
                } catch (Throwable t) { // the shard makes its own on the first report, as before
                    done.complete(null);
                }
            });
        } catch (RuntimeException e) { // shut down
            done.complete(null);
        }
        return done;
    }

    /** Solves random channels until the time or count runs out; returns the solves done. */
    private static int run(FrontEndHello hello, String solverName, int n, int k, int subbands, WeightEncoder encoder) {
        Solver solver;
        try {
            solver = SolverRegistry.create(solverName);
        } catch (RuntimeException e) {
            return 0;
        }
        SplittableRandom rnd = new SplittableRandom(n * 31L + k);
        Precoder out = new Precoder();
        long start = System.nanoTime();
        com.sun.management.ThreadMXBean mx = allocationCounter();
        int allocationFree = 0;
        int solves = 0;
        WeightGuard guard = new WeightGuard();
        WeightEncoder frames = encoder.uncounted();
        HardwareForm hardware = new HardwareForm();
        UpdateWriter writer = new UpdateWriter();
        UpdateWriter.Stages stages = new UpdateWriter.Stages();
        SubbandLoop loop = new SubbandLoop();
        long[] deadline = new long[1];
        TimeBudget bounded = () -> deadline[0] - System.nanoTime();
        Problem[] problems = new Problem[WARM_CHANNELS];
        try {
            for (int i = 0; i < problems.length; i++) {
                problems[i] = CsiMapping.toProblem(report(n, k, subbands, hello.getMaxPowerW() > 0 ? hello.getMaxPowerW() : 1,
                        rnd), hello);
            }
            while (!Thread.currentThread().isInterrupted()) {
                if (!keepWarming(solves, System.nanoTime() - start, mx == null ? -1 : allocationFree)) {
                    break;
                }
                Problem p = problems[solves % problems.length];
                if ((solves & 1) == 1) {
                    deadline[0] = System.nanoTime() + WARM_BUDGET_NS;
                    p.budget = bounded;
                } else {
                    p.budget = TimeBudget.UNBOUNDED;
                }
                long allocated = mx == null ? 0 : mx.getCurrentThreadAllocatedBytes();
                loop.solve(solver, p, out); // as the solve stage does: a narrowband digital solver subband by subband
                solves++;
                if (!out.outOfTime && guard.check(solverName, p, out)) {
                    // the live encode path: hardware form, guard on the float weights, wire form
                    hardware.clear();
                    frames.encode(hello, p, out, solves, hardware);
                    if (guard.checkSent(solverName, p, out)) {
                        writer.write("warm-up", solves, solverName, guard.sent(), out, hardware, 0, 0, stages);
                    }
                }
                // solve, guard and encode allocate nothing once compiled (the live path's promise)
                allocationFree = mx != null && mx.getCurrentThreadAllocatedBytes() == allocated ? allocationFree + 1 : 0;
            }
        } catch (RuntimeException | LinkageError | StackOverflowError | OutOfMemoryError e) {
            // the solver does not serve this shape, or failed (its first report will say why)
        }
        awaitQuietJit();
        return solves;
    }

    /**
     * Whether the warm-up goes on after {@code solves} solves and {@code elapsedNs}: until
     * {@value #WARM_SOLVES} solves or {@value #WARM_MILLIS} ms, then while the last solves still
     * allocated ({@code allocationFreeRun} in a row did not; -1 = not measurable, which ends it),
     * up to {@value #MAX_WARM_SOLVES} solves or {@value #MAX_WARM_MILLIS} ms.
     */
    static boolean keepWarming(int solves, long elapsedNs, int allocationFreeRun) {
        if (solves < WARM_SOLVES && elapsedNs < TimeUnit.MILLISECONDS.toNanos(WARM_MILLIS)) {
            return true;
        }
        return allocationFreeRun >= 0 && allocationFreeRun < ALLOCATION_FREE_RUN && solves < MAX_WARM_SOLVES
                && elapsedNs < TimeUnit.MILLISECONDS.toNanos(MAX_WARM_MILLIS);
    }

    /** The JVM's per-thread allocation counter, or null where it is not available. */
    private static com.sun.management.ThreadMXBean allocationCounter() {
        try {
            if (java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                    && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled()) {
                return t;
            }
        } catch (RuntimeException | LinkageError e) {
            // no allocation counter: the fixed warm-up only
        }
        return null;
    }

    /** Waits until the JIT compiled nothing for {@value #QUIET_MILLIS} ms, at most {@value #QUIET_WAIT_MILLIS} ms. */
    private static void awaitQuietJit() {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(QUIET_WAIT_MILLIS);
        long last = jit.getTotalCompilationTime();
        while (System.nanoTime() - end < 0 && !Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(QUIET_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = jit.getTotalCompilationTime();
            if (now == last) {
                return;
            }
            last = now;
        }
    }

    /** A random report of N × K (i.i.d. CN(0, 1)); S &gt; 1 subbands make it a wideband one. */
    private static CsiReport report(int n, int k, int subbands, double powerW, SplittableRandom rnd) {
        CsiReport.Builder r = CsiReport.newBuilder().setRadioId("warm-up").setSequence(1).setPowerBudgetW(powerW);
        if (subbands == 1) {
            return r.setChannel(channel(n, k, rnd)).addNoisePowerW(powerW / 10).build();
        }
        for (int s = 0; s < subbands; s++) {
            r.addSubbands(org.isac.proto.v1.Subband.newBuilder().setChannel(channel(n, k, rnd)).addNoisePowerW(powerW / 10));
        }
        return r.build();
    }

    private static ComplexMatrix.Builder channel(int n, int k, SplittableRandom rnd) {
        ComplexMatrix.Builder h = ComplexMatrix.newBuilder().setRows(n).setCols(k);
        for (int i = 0; i < n * k; i++) {
            h.addRe((float) (rnd.nextGaussian() * Math.sqrt(0.5)));
        }
        for (int i = 0; i < n * k; i++) {
            h.addIm((float) (rnd.nextGaussian() * Math.sqrt(0.5)));
        }
        return h;
    }

    @Override
    public void close() {
        exec.shutdownNow();
    }
}
