package org.isac.controller.pipeline;

import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.isac.controller.ControllerConfig;
import org.isac.controller.metrics.ControllerMetrics;
import org.isac.proto.v1.CsiReport;

/**
 * The solve pipeline: per shard, one Disruptor ring of preallocated {@link SolveEvent}s and
 * one {@link SolveStage} (shards run in parallel, each serves its own radios), which also runs
 * the {@link EncodeStage} for its events on the same thread: a report costs one thread
 * hand-off into its shard's ring and one onto the session's event loop, no more. Rings are
 * separate so that a shard busy with a slow solve fills only its own ring: radios on other
 * shards are never refused for it. Producers (Netty event loops) never block: a full ring
 * refuses the report ({@link #offer} returns false, the report is answered {@code OVERLOADED}).
 */
public final class SolvePipeline implements ReportSink, AutoCloseable {
    private final ControllerConfig config;
    private final List<Disruptor<SolveEvent>> disruptors = new ArrayList<>();
    private volatile List<RingBuffer<SolveEvent>> rings;
    private volatile boolean closed;
    private final SolverWarmer warmer;
    private final EncodeStage[] encoders;
    private final SolveStage[] stages;
    /** (shard, solver) pairs a primer was sent for: one per pair and pipeline. */
    private final java.util.Set<String> primedShards = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Longest wait of a hello for its primer (a shard busy for longer answers the hello anyway). */
    static final long PRIME_TIMEOUT_MILLIS = 2000;

    public SolvePipeline(ControllerConfig config, ControllerMetrics metrics) {
        this(config, metrics, new org.isac.proto.sched.SchedPolicy.Grants());
    }

    /**
     * @param grants counts which solve threads got the real-time class when
     *               {@link ControllerConfig#rtPriority()} asks for it
     */
    public SolvePipeline(ControllerConfig config, ControllerMetrics metrics, org.isac.proto.sched.SchedPolicy.Grants grants) {
        this.config = config;
        this.warmer = new SolverWarmer(config.weightEncoder());
        java.util.concurrent.ThreadFactory threads = org.isac.proto.sched.SchedPolicy.factory(new Threads(), config.rtPriority(), 0,
                grants);
        int shards = config.solveShards();
        encoders = new EncodeStage[shards];
        stages = new SolveStage[shards];
        for (int i = 0; i < shards; i++) {
            encoders[i] = new EncodeStage(config.clock(), metrics, config.weightEncoder().newInstance());
            SolveStage stage = new SolveStage(config.clock(), metrics, encoders[i],
                    config.encodeMarginNs(), config.limits().maxSolveMillis() * 1_000_000L);
            Disruptor<SolveEvent> d = new Disruptor<>(SolveEvent::new, config.ringSize(), threads,
                    ProducerType.MULTI, config.waitMode().strategy());
            stages[i] = stage;
            d.handleEventsWith(stage);
            d.setDefaultExceptionHandler(new Counting(metrics));
            disruptors.add(d);
        }
    }

    /** Starts the handler threads. */
    public synchronized void start() {
        if (rings == null) {
            List<RingBuffer<SolveEvent>> started = new ArrayList<>();
            for (Disruptor<SolveEvent> d : disruptors) {
                started.add(d.start());
            }
            rings = List.copyOf(started);
        }
    }

    /** The shard serving {@code radioId}: hash(radioId) mod shards. */
    public static int shardOf(String radioId, int shards) {
        return Math.floorMod(radioId.hashCode(), shards);
    }

    @Override
    public boolean offer(PipelineSession session, CsiReport report) {
        List<RingBuffer<SolveEvent>> r = rings;
        if (closed || r == null) {
            return false;
        }
        return r.get(session.shard()).tryPublishEvent(SolveEvent.TRANSLATOR, session, report);
    }

    /**
     * Warms the session's default solver for its hello's shape ({@link SolverWarmer}), then sends
     * the session's shard a primer through its ring: the first time a shard serves that solver it
     * carries an instance already sized for the shape (made and solved a few times on the warm
     * thread, adopted by the shard's own thread), and every time the shard's encode stage makes
     * the session's encoder state and frame buffers ({@link EncodeStage#prepare}). Completes when
     * the shard has seen it, or after {@value #PRIME_TIMEOUT_MILLIS} ms whatever happened.
     */
    @Override
    public java.util.concurrent.CompletionStage<?> helloAccepted(PipelineSession session) {
        if (closed) {
            return java.util.concurrent.CompletableFuture.completedFuture(0);
        }
        String solver = session.defaultSolver();
        int shard = session.shard();
        return warmer.warm(session.hello(), solver).thenCompose(solves -> {
            if (closed || rings == null) {
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }
            java.util.concurrent.CompletionStage<org.isac.solver.Solver> instance = primedShards.add(shard + "/" + solver)
                    ? warmer.sized(session.hello(), solver)
                    : java.util.concurrent.CompletableFuture.completedFuture(null);
            return instance.thenCompose(sized -> {
                List<RingBuffer<SolveEvent>> r = rings;
                java.util.concurrent.CompletableFuture<Object> done = new java.util.concurrent.CompletableFuture<>();
                if (closed || r == null || !r.get(shard).tryPublishEvent(SolveEvent.PRIMER, session, sized, done)) {
                    done.complete(null);
                }
                return done.completeOnTimeout(null, PRIME_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            });
        });
    }

    /** Frame buffers shard {@code shard}'s encode stage holds (tests). */
    int framesHeld(int shard) {
        return encoders[shard].framesHeld();
    }

    /** Whether shard {@code shard} holds an instance of {@code solver} (tests: after a hello's future completed). */
    boolean shardHolds(int shard, String solver) {
        return stages[shard].holds(solver);
    }

    /** Tells the radio's shard to drop its per-radio encoder state ({@link EncodeStage#forget}). */
    @Override
    public void sessionEnded(PipelineSession session) {
        String id = session.radioId();
        if (id != null) {
            encoders[session.shard()].forget(id);
        }
    }

    /** Refuses new reports, lets queued ones finish (up to the shutdown timeout), then halts. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        warmer.close();
        if (rings == null) {
            return;
        }
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.shutdownTimeoutMillis());
        for (Disruptor<SolveEvent> d : disruptors) { // one deadline for all shards
            try {
                d.shutdown(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                d.halt();
            }
        }
    }

    /**
     * Daemon threads named isac-pipeline-N. Netty's {@code FastThreadLocalThread}: the solve
     * thread hands every update to a channel, and Netty (4.2) pools the write task it builds for
     * that only on such threads; on a plain thread it allocates one per update (80 B).
     */
    private static final class Threads implements ThreadFactory {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new io.netty.util.concurrent.FastThreadLocalThread(r, "isac-pipeline-" + next.getAndIncrement());
            t.setDaemon(true);
            return t;
        }
    }

    /** Counts handler exceptions and keeps the handler running. */
    private static final class Counting implements ExceptionHandler<SolveEvent> {
        private final ControllerMetrics metrics;

        Counting(ControllerMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void handleEventException(Throwable ex, long sequence, SolveEvent event) {
            metrics.increment(ControllerMetrics.Counter.INTERNAL_ERRORS);
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            metrics.increment(ControllerMetrics.Counter.INTERNAL_ERRORS);
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            metrics.increment(ControllerMetrics.Counter.INTERNAL_ERRORS);
        }
    }
}
