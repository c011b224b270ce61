package org.isac.controller.live;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.isac.controller.metrics.ControllerMetrics;
import org.isac.controller.metrics.MetricsSnapshot;
import org.isac.proto.v1.Reject;
import org.isac.proto.v1.WeightUpdate;

/**
 * The controller's live web view: a page and a documented JSON feed ({@code docs/LIVE.md}) on
 * the JDK's HTTP server. {@code GET /} the page, {@code GET /app.js} its script (both from this
 * jar: nothing is fetched from elsewhere), {@code GET /api/state} one snapshot,
 * {@code GET /api/events} the snapshots as Server-Sent Events, one per period.
 *
 * <p>A sampler thread of its own (lowest priority) builds the snapshot once per period from the
 * {@link LiveTaps}' latest envelopes and a {@link MetricsSnapshot}; the control loop only ever
 * pays the taps' copies. Every client gets the same snapshot string, so more browsers cost
 * writes, not computation.
 */
public final class LiveView implements AutoCloseable {
    /** Default period between snapshots. */
    public static final long DEFAULT_PERIOD_MS = 500;
    /** Default history points kept per radio. */
    public static final int DEFAULT_HISTORY = 600;
    /** Most event-stream clients at once (each holds one server thread). */
    static final int MAX_STREAMS = 16;
    /** Format version of the JSON feed. */
    public static final int SCHEMA = 1;
    /** CCDF levels reported: P(latency ≥ x) = q. */
    private static final double[] CCDF_LEVELS = {1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 5e-4, 2e-4, 1e-4};

    private final LiveTaps taps;
    private final Supplier<MetricsSnapshot> metrics;
    private final IntSupplier connections;
    private final String defaultSolver;
    private final long periodMs;
    private final int historyPoints;
    private final HttpServer server;
    private final ExecutorService httpThreads;
    private final Thread sampler;
    private final long startNs = System.nanoTime();
    private final Map<Long, LiveRadio> radios = new HashMap<>();
    private final AtomicInteger streams = new AtomicInteger();
    private final Object published = new Object();
    private volatile String latest;
    private volatile long sequence;
    private volatile boolean closed;
    /** Wall time the last snapshot took to build, and the sampler's CPU time so far (ns). */
    private long lastSnapshotNs, samplerCpuNs;

    private LiveView(LiveTaps taps, Supplier<MetricsSnapshot> metrics, IntSupplier connections, String defaultSolver,
                     String host, int port, long periodMs, int historyPoints) throws IOException {
        if (periodMs < 10) {
            throw new IllegalArgumentException("live view period must be at least 10 ms, got " + periodMs);
        }
        this.taps = taps;
        this.metrics = metrics;
        this.connections = connections;
        this.defaultSolver = defaultSolver;
        this.periodMs = periodMs;
        this.historyPoints = historyPoints;
        this.latest = snapshot();
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        httpThreads = Executors.newFixedThreadPool(MAX_STREAMS + 2, r -> {
            Thread t = new Thread(r, "isac-live-http");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        });
        server.setExecutor(httpThreads);
        server.createContext("/", this::handle);
        sampler = new Thread(this::run, "isac-live-sampler");
        sampler.setDaemon(true);
        sampler.setPriority(Thread.MIN_PRIORITY);
        server.start();
        sampler.start();
    }

    /**
     * Starts the view on {@code host:port} (0 = any free port).
     *
     * @param taps          installed in the controller ({@code Controller.live}) before it started
     * @param metrics       read once per period
     * @param connections   open front-end connections
     * @param defaultSolver what a report naming no solver runs
     * @param periodMs      time between snapshots (≥ 10 ms)
     */
    public static LiveView start(LiveTaps taps, Supplier<MetricsSnapshot> metrics, IntSupplier connections, String defaultSolver,
                                 String host, int port, long periodMs) throws IOException {
        return new LiveView(taps, metrics, connections, defaultSolver, host, port, periodMs, DEFAULT_HISTORY);
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The page's address. */
    public String url() {
        String host = server.getAddress().getHostString();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port() + "/";
    }

    /** The latest snapshot as JSON. */
    public String state() {
        return latest;
    }

    private void run() {
        long next = System.nanoTime();
        while (!closed) {
            next += periodMs * 1_000_000L;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                } catch (InterruptedException e) {
                    return;
                }
            } else {
                next = System.nanoTime(); // fell behind: no burst to catch up
            }
            try {
                String s = snapshot();
                synchronized (published) {
                    latest = s;
                    sequence++;
                    published.notifyAll();
                }
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger("isac.live").warn("event=live_snapshot_failed error={}", e.toString());
            }
        }
    }

    /** Builds one snapshot (sampler thread; the first one in the constructor). */
    private synchronized String snapshot() {
        long began = System.nanoTime();
        double t = (began - startNs) / 1e9;
        List<LiveConnection> open = taps.connections();
        java.util.Set<Long> alive = new java.util.HashSet<>();
        List<LiveRadio> shown = new ArrayList<>();
        for (LiveConnection c : open) {
            alive.add(c.number);
            LiveRadio r = radios.computeIfAbsent(c.number, k -> new LiveRadio(c, historyPoints));
            r.sample(t);
            if (r.hello != null) {
                shown.add(r);
            }
        }
        radios.keySet().retainAll(alive);
        MetricsSnapshot m = metrics.get();
        Json j = new Json().beginObject();
        j.field("schema", SCHEMA).field("time_ms", System.currentTimeMillis()).field("uptime_s", t)
                .field("period_ms", periodMs);
        j.name("view").beginObject().field("snapshot_us", lastSnapshotNs / 1e3).field("sampler_cpu_ms", samplerCpuNs / 1e6)
                .field("streams", streams.get()).endObject();
        j.name("controller").beginObject()
                .field("version", org.isac.proto.BuildInfo.VERSION)
                .field("default_solver", defaultSolver)
                .field("connections_open", connections.getAsInt());
        j.name("counters").beginObject();
        for (ControllerMetrics.Counter c : ControllerMetrics.Counter.values()) {
            j.field(c.name().toLowerCase(Locale.ROOT), m.count(c));
        }
        j.endObject();
        j.name("rejects").beginObject();
        for (Map.Entry<Reject.Reason, Long> e : m.rejectedByReason().entrySet()) {
            j.field(e.getKey().name(), e.getValue());
        }
        j.endObject();
        j.name("early_stops_by_solver").beginObject();
        for (Map.Entry<String, Long> e : m.earlyStopsBySolver().entrySet()) {
            j.field(e.getKey(), e.getValue());
        }
        j.endObject();
        j.name("layers_run").beginObject().field("n", m.layersRunSamples()).field("p50", m.layersRunPercentile(50))
                .field("min", m.layersRunMin()).endObject();
        j.name("latency").beginObject();
        for (ControllerMetrics.Stage s : ControllerMetrics.Stage.values()) {
            j.name(s.name().toLowerCase(Locale.ROOT));
            latency(j, m.histogram(s));
        }
        j.endObject();
        j.endObject();
        j.name("radios").beginArray();
        for (LiveRadio r : shown) {
            radio(j, r, m);
        }
        j.endArray();
        String out = j.endObject().toString();
        lastSnapshotNs = System.nanoTime() - began;
        if (Thread.currentThread() == sampler) {
            samplerCpuNs = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        }
        return out;
    }

    private static void radio(Json j, LiveRadio r, MetricsSnapshot m) {
        LiveConnection c = r.connection;
        String id = r.hello.getRadioId();
        boolean shared = r.hello.getSharedClock();
        j.beginObject().field("radio_id", id).field("connection", c.number).field("peer", c.peer)
                .field("shared_clock", shared).field("rf_chains", r.hello.getRfChains())
                .field("mode", r.hello.getRfChains() == 0 ? "digital" : "hybrid");
        j.name("tx_array").beginObject().field("horizontal", r.hello.getTxArray().getHorizontal())
                .field("vertical", r.hello.getTxArray().getVertical())
                .field("spacing_wavelengths", r.hello.getTxArray().getSpacingWavelengths() == 0 ? 0.5
                        : r.hello.getTxArray().getSpacingWavelengths()).endObject();
        long[] counts = m.perRadio().get(id);
        j.name("counts").beginObject();
        for (int i = 0; i < ControllerMetrics.RADIO_COUNTS.length; i++) {
            j.field(ControllerMetrics.RADIO_COUNTS[i], counts == null ? 0 : counts[i]);
        }
        j.endObject();
        j.name("rejects").beginObject();
        for (Reject.Reason reason : Reject.Reason.values()) {
            long n = reason == Reject.Reason.UNRECOGNIZED ? 0 : c.rejects.get(reason.getNumber());
            if (n > 0) {
                j.field(reason.name(), n);
            }
        }
        j.endObject();
        j.field("applied_sequence", r.appliedSequence);
        WeightUpdate u = r.update;
        j.name("update");
        if (u == null) {
            j.value((String) null);
        } else {
            j.beginObject().field("sequence", u.getSequence()).field("solver", u.getSolver())
                    .field("iterations", u.getIterations()).field("layers_planned", u.getLayersPlanned())
                    .field("early_stop", u.getEarlyStop()).field("solve_us", u.getSolveNs() / 1e3)
                    .field("analog_rows", u.getAnalog().getRows()).field("analog_cols", u.getAnalog().getCols())
                    .field("baseband_rows", u.getBaseband().getRows()).field("baseband_cols", u.getBaseband().getCols());
            j.name("predicted").beginObject();
            for (Map.Entry<String, Double> e : new java.util.TreeMap<>(u.getPredictedMap()).entrySet()) {
                j.field(e.getKey(), e.getValue());
            }
            j.endObject().endObject();
        }
        j.field("report_sequence", r.report == null ? 0 : r.report.getSequence());
        j.field("sum_rate_bits", r.sumRateBits);
        j.name("beampattern");
        if (!r.hasPattern) {
            j.value((String) null);
        } else {
            int peak = 0;
            for (int t = 1; t < LiveRadio.GRID_POINTS; t++) {
                if (r.beampattern[t] > r.beampattern[peak]) {
                    peak = t;
                }
            }
            j.beginObject().field("azimuth_from_deg", LiveRadio.GRID_FROM_DEG).field("azimuth_step_deg", LiveRadio.GRID_STEP_DEG)
                    .field("elevation_deg", 0).field("peak_deg", LiveRadio.GRID_FROM_DEG + peak * LiveRadio.GRID_STEP_DEG);
            j.name("power_w").beginArray();
            for (double p : r.beampattern) {
                j.value(p);
            }
            j.endArray().endObject();
        }
        j.name("targets").beginArray();
        for (int i = 0; i < r.targetsDeg.length; i++) {
            j.beginObject().field("azimuth_deg", r.targetsDeg[i]).field("elevation_deg", r.targetsElevationDeg[i]).endObject();
        }
        j.endArray();
        j.name("users").beginArray();
        for (double d : r.usersDeg) {
            j.beginObject().field("azimuth_deg", d).endObject();
        }
        j.endArray();
        j.name("history").beginObject();
        String[] series = {"t_s", "sum_rate_bits", "tau", "crlb", "layers"};
        for (int s = 0; s < series.length; s++) {
            j.name(series[s]);
            r.writeHistory(j, s);
        }
        j.endObject();
        j.name("latency").beginObject();
        j.field("acks", c.acks);
        j.name("capture_to_applied");
        latency(j, shared ? c.captureToAppliedTotal : null);
        j.name("solve_end_to_applied");
        latency(j, shared ? c.solveEndToAppliedTotal : null);
        j.endObject();
        j.field("error", r.error);
        j.endObject();
    }

    /**
     * {n, p50_us, p99_us, p999_us, max_us, ccdf: [[µs, P(latency ≥ µs)], …]}, or null. One pass
     * over the histogram's recorded values (a percentile look-up per level would scan every
     * bucket again): the value for P = q is the smallest whose cumulative count reaches
     * ⌈(1 − q)·n⌉, as {@code getValueAtPercentile} would give.
     */
    static void latency(Json j, Histogram h) {
        if (h == null) {
            j.value((String) null);
            return;
        }
        long n = h.getTotalCount();
        j.beginObject().field("n", n);
        if (n == 0) {
            j.name("ccdf").beginArray().endArray().endObject();
            return;
        }
        int levels = 0;
        while (levels < CCDF_LEVELS.length && CCDF_LEVELS[levels] * n >= 1) {
            levels++;
        }
        double[] quantiles = {0.5, 0.99, 0.999};
        long[] targets = new long[levels + quantiles.length];
        long[] values = new long[targets.length];
        for (int i = 0; i < levels; i++) {
            targets[i] = Math.max(1, (long) Math.ceil((1 - CCDF_LEVELS[i]) * n - 1e-9));
        }
        for (int i = 0; i < quantiles.length; i++) {
            targets[levels + i] = Math.max(1, (long) Math.ceil(quantiles[i] * n - 1e-9));
        }
        long cumulative = 0;
        for (org.HdrHistogram.HistogramIterationValue v : h.recordedValues()) {
            cumulative += v.getCountAddedInThisIterationStep();
            long value = h.highestEquivalentValue(v.getValueIteratedTo());
            for (int i = 0; i < targets.length; i++) {
                if (values[i] == 0 && cumulative >= targets[i]) {
                    values[i] = Math.max(1, value);
                }
            }
        }
        long max = h.getMaxValue();
        j.field("p50_us", values[levels] / 1e3).field("p99_us", values[levels + 1] / 1e3)
                .field("p999_us", values[levels + 2] / 1e3).field("max_us", max / 1e3);
        j.name("ccdf").beginArray();
        for (int i = 0; i < levels; i++) {
            j.beginArray().value(values[i] / 1e3).value(CCDF_LEVELS[i]).endArray();
        }
        j.beginArray().value(max / 1e3).value(1.0 / n).endArray();
        j.endArray().endObject();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            if (!"GET".equals(x.getRequestMethod()) && !"HEAD".equals(x.getRequestMethod())) {
                send(x, 405, "text/plain; charset=utf-8", "GET only\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            switch (x.getRequestURI().getPath()) {
                case "/", "/index.html" -> page(x);
                case "/app.js" -> resource(x, "app.js", "text/javascript; charset=utf-8");
                case "/api/state" -> send(x, 200, "application/json; charset=utf-8", latest.getBytes(StandardCharsets.UTF_8));
                case "/api/events" -> events(x);
                default -> send(x, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException gone) {
            // the client went away
        }
    }

    /**
     * The page with the latest snapshot inlined (a JSON script element its script renders before
     * the load event). Every {@code <} of the JSON is written as its JSON escape (backslash u003c),
     * the same string to a JSON parser, so nothing in it (a radio id, a solver name) can close the script element.
     */
    private void page(HttpExchange x) throws IOException {
        try (InputStream in = LiveView.class.getResourceAsStream("/live/index.html")) {
            if (in == null) {
                send(x, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String html = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("{{STATE}}", inlineJson(latest));
            send(x, 200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** {@code json} safe inside an HTML script element: every {@code <} as its JSON escape. */
    static String inlineJson(String json) {
        return json.replace("<", "\\u003c");
    }

    private static void resource(HttpExchange x, String name, String type) throws IOException {
        try (InputStream in = LiveView.class.getResourceAsStream("/live/" + name)) {
            if (in == null) {
                send(x, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            send(x, 200, type, in.readAllBytes());
        }
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = "HEAD".equals(x.getRequestMethod());
        x.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            x.getResponseBody().write(body);
        }
    }

    /** Server-Sent Events: the current snapshot at once, then each new one as it is published. */
    private void events(HttpExchange x) throws IOException {
        if (streams.incrementAndGet() > MAX_STREAMS) {
            streams.decrementAndGet();
            send(x, 503, "text/plain; charset=utf-8", ("at most " + MAX_STREAMS + " event streams\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        try {
            x.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            x.getResponseHeaders().set("Cache-Control", "no-store");
            x.sendResponseHeaders(200, 0);
            OutputStream out = x.getResponseBody();
            out.write(("retry: " + Math.max(1000, 2 * periodMs) + "\n\n").getBytes(StandardCharsets.UTF_8));
            long seen = -1;
            while (!closed) {
                String s;
                long at;
                synchronized (published) {
                    while (sequence == seen && !closed) {
                        try {
                            published.wait(4 * periodMs);
                        } catch (InterruptedException e) {
                            return;
                        }
                        if (sequence == seen) {
                            break; // no snapshot for a while: a comment keeps the stream alive
                        }
                    }
                    s = latest;
                    at = sequence;
                }
                if (at == seen) {
                    out.write(":\n\n".getBytes(StandardCharsets.UTF_8));
                } else {
                    out.write(("id: " + at + "\nevent: state\ndata: " + s + "\n\n").getBytes(StandardCharsets.UTF_8));
                    seen = at;
                }
                out.flush();
            }
        } finally {
            streams.decrementAndGet();
        }
    }

    /** Stops the sampler and the server (open event streams end). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        sampler.interrupt();
        synchronized (published) {
            published.notifyAll();
        }
        server.stop(0);
        httpThreads.shutdownNow();
    }
}
