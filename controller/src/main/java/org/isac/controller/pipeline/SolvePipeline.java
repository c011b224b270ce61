package org.isac.controller.pipeline;

import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.isac.controller.ControllerConfig;
import org.isac.controller.metrics.ControllerMetrics;
import org.isac.controller.net.RadioSession;
import org.isac.proto.v1.CsiReport;

/**
 * The solve pipeline: one Disruptor ring of preallocated {@link SolveEvent}s and one
 * {@link SolveStage} per shard (in parallel, each takes its own radios), which also runs
 * the {@link EncodeStage} for its events on the same thread: a report costs one thread
 * hand-off into the ring and one onto the session's event loop, no more. Producers (Netty event loops) never block: a full ring refuses the
 * report ({@link #offer} returns false).
 */
public final class SolvePipeline implements ReportSink, AutoCloseable {
    private final ControllerConfig config;
    private final Disruptor<SolveEvent> disruptor;
    private RingBuffer<SolveEvent> ring;
    private volatile boolean closed;
    private final SolverWarmer warmer;
    private final EncodeStage[] encoders;

    public SolvePipeline(ControllerConfig config, ControllerMetrics metrics) {
        this.config = config;
        this.warmer = new SolverWarmer(config.weightEncoder());
        this.disruptor = new Disruptor<>(SolveEvent::new, config.ringSize(), new Threads(),
                ProducerType.MULTI, config.waitMode().strategy());
        SolveStage[] shards = new SolveStage[config.solveShards()];
        encoders = new EncodeStage[shards.length];
        for (int i = 0; i < shards.length; i++) {
            encoders[i] = new EncodeStage(config.clock(), metrics, config.weightEncoder().newInstance(), config.ringSize());
            shards[i] = new SolveStage(i, config.clock(), metrics, encoders[i],
                    config.encodeMarginNs(), config.limits().maxSolveMillis() * 1_000_000L);
        }
        disruptor.handleEventsWith(shards);
        disruptor.setDefaultExceptionHandler(new Counting(metrics));
    }

    /** Starts the handler threads. */
    public synchronized void start() {
        if (ring == null) {
            ring = disruptor.start();
        }
    }

    /** The shard serving {@code radioId}: hash(radioId) mod shards. */
    public static int shardOf(String radioId, int shards) {
        return Math.floorMod(radioId.hashCode(), shards);
    }

    @Override
    public boolean offer(RadioSession session, CsiReport report) {
        RingBuffer<SolveEvent> r = ring;
        if (closed || r == null) {
            return false;
        }
        return r.tryPublishEvent(SolveEvent.TRANSLATOR, session, report);
    }

    /** Warms the session's default solver for its hello's shape ({@link SolverWarmer}). */
    @Override
    public java.util.concurrent.CompletionStage<?> helloAccepted(RadioSession session) {
        if (closed) {
            return java.util.concurrent.CompletableFuture.completedFuture(0);
        }
        return warmer.warm(session.hello(), session.defaultSolver());
    }

    /** Tells the radio's shard to drop its per-radio encoder state ({@link EncodeStage#forget}). */
    @Override
    public void sessionEnded(RadioSession session) {
        String id = session.radioId();
        if (id != null) {
            encoders[shardOf(id, encoders.length)].forget(id);
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
        if (ring == null) {
            return;
        }
        try {
            disruptor.shutdown(config.shutdownTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            disruptor.halt();
        }
    }

    /** Daemon threads named isac-pipeline-N. */
    private static final class Threads implements ThreadFactory {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "isac-pipeline-" + next.getAndIncrement());
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
