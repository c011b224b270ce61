package org.isac.tools.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import io.netty.channel.EventLoopGroup;
import org.isac.controller.Controller;
import org.isac.controller.ControllerConfig;
import org.isac.sim.Scenario;
import org.isac.sim.SimRadio;
import org.isac.sim.SimReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Controller and simulated radios on loopback in one JVM. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Close the loop on this machine: a controller and simulated radios on loopback in one JVM",
                "(default: N = 64, K = 4, M = " + DemoCommand.DEMO_RF_CHAINS + " RF chains, the trained "
                        + DemoCommand.DEMO_SOLVER + " JCAS precoder, 1 kHz, 10 s).",
                "Prints what every report became, capture->applied latency and the achieved sum rate",
                "against the genie (same solver, zero latency) and the digital ZF rate."})
public final class DemoCommand implements Callable<Integer> {
    /** The demo's solver until an option names another: the trained hybrid JCAS precoder. */
    static final String DEMO_SOLVER = "hybrid-upga";
    /** The demo's solver for a wideband run ({@code --subbands} &gt; 1): one F for the band, a W_s per subband. */
    static final String WIDEBAND_DEMO_SOLVER = "hybrid-upga-wb";
    /** Report period and deadline budget of a wideband demo unless options set them, µs. */
    static final long WIDEBAND_PERIOD_US = 4000;
    /** RF chains of the demo's front end when the solver is hybrid and no option sets them. */
    static final int DEMO_RF_CHAINS = 4;

    @Option(names = "--seconds", defaultValue = "10", description = "how long the radios send reports (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--radios", defaultValue = "1", description = "simulated radios, each its own seed and id (default: ${DEFAULT-VALUE})")
    int radios;

    @Option(names = "--warmup-seconds", defaultValue = "2", paramLabel = "S",
            description = {"before the measured run, a throwaway controller and radio run the same scenario for S s in",
                    "this JVM, so that the JIT has compiled the whole loop (radio side included) and the run shows",
                    "the steady state; 0 = start cold (default: ${DEFAULT-VALUE})"})
    double warmupSeconds;

    @Option(names = "--tls", arity = "0..1", paramLabel = "DIR", fallbackValue = "",
            description = {"run the loop over mutual TLS: with DIR, its certificates (isac certs, with the demo's radio ids);",
                    "without, a throwaway lab CA and certificates made for this run"})
    String tls;

    @Option(names = "--metrics-port", paramLabel = "P",
            description = "serve the controller's metrics on http://127.0.0.1:P/metrics while the demo runs")
    Integer metricsPort;

    @Option(names = "--http-port", paramLabel = "P",
            description = "serve the live web view on http://127.0.0.1:P/ while the demo runs (0 = any free port; docs/LIVE.md)")
    Integer httpPort;

    @Option(names = "--http-period-ms", paramLabel = "MS", defaultValue = "500",
            description = "time between the live view's snapshots (default: ${DEFAULT-VALUE})")
    long httpPeriodMs;

    @Option(names = "--report", paramLabel = "FILE", description = "write the JSON report here")
    Path report;

    @Option(names = "--plots", paramLabel = "DIR", description = "write latency CDF PNG plots into DIR")
    Path plots;

    @Mixin
    ScenarioOptions scenario;

    @Mixin
    ControllerOptions controller = new ControllerOptions(DEMO_SOLVER);

    @Mixin
    RecordOptions record = new RecordOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (radios < 1 || radios > 256) {
            throw new IllegalArgumentException("--radios must be in 1..256, got " + radios);
        }
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("--seconds must be > 0, got " + seconds);
        }
        boolean hybrid = scenario.solver == null || scenario.solver.startsWith("hybrid");
        Map<String, String> dflt = new java.util.HashMap<>();
        if (hybrid) {
            dflt.put("rfChains", Integer.toString(DEMO_RF_CHAINS));
        }
        Scenario base = scenario.scenario(dflt);
        if (base.subbands() > 1 && base.rfChains() > 0 && scenario.rateHz == null && scenario.deadlineUs == null) {
            // one shared F over S subbands takes milliseconds (hybrid-upga-wb at N = 64, S = 16: ≈ 2.3 ms for its
            // ten layers on the 2-core Zen 3 of reports/wideband/): a hybrid wideband demo reports at 250 Hz with a 4 ms
            // budget (a digital one keeps 1 kHz: rzf solves 16 subbands in ≈ 14 µs)
            dflt.put("reportPeriodUs", Long.toString(WIDEBAND_PERIOD_US));
            dflt.put("deadlineBudgetUs", Long.toString(WIDEBAND_PERIOD_US));
            base = scenario.scenario(dflt);
        }
        // the radio's solver is the policy too, unless --default-solver names another
        boolean policyNamed = spec.commandLine().getParseResult().hasMatchedOption("--default-solver");
        if (!base.solver().isEmpty() && !policyNamed) {
            controller.defaultSolver = base.solver();
        } else if (base.subbands() > 1 && !policyNamed) {
            controller.defaultSolver = base.rfChains() > 0 ? WIDEBAND_DEMO_SOLVER : "rzf";
        }
        Path tlsDir = tls == null ? null : tls.isEmpty() ? throwawayLab(base, radios) : Path.of(tls);
        if (tls != null && tls.isEmpty()) {
            deleteOnExit(tlsDir); // its keys are this run's only
        }
        ControllerConfig cfg = controller.apply(ControllerConfig.builder().port(0))
                .tls(tlsDir == null ? null : org.isac.controller.tls.TlsFiles.server(tlsDir)).build();
        if (warmupSeconds > 0) {
            warmUp(cfg, base, Duration.ofNanos((long) (warmupSeconds * 1e9)), tlsDir);
        }
        SimReport merged;
        Map<String, String> anytime;
        org.isac.controller.live.LiveTaps taps = httpPort == null ? null : new org.isac.controller.live.LiveTaps(cfg.clock());
        try (Controller c = new Controller(cfg).record(record.open(cfg.clock())).live(taps).start();
             org.isac.controller.live.LiveView view = taps == null ? null : org.isac.controller.live.LiveView.start(taps, c::metrics,
                     c::openConnections, cfg.defaultSolver(), "127.0.0.1", httpPort, httpPeriodMs)) {
            if (view != null) {
                System.err.println("live view on " + view.url());
            }
            System.err.printf("controller on %s%s, policy %s; %d simulated radio(s) for %.1f s%n",
                    c.address(), tlsDir == null ? "" : " (mutual TLS)", cfg.defaultSolver(), radios, seconds);
            try (org.isac.controller.metrics.MetricsEndpoint endpoint = metricsPort == null ? null
                    : org.isac.controller.metrics.MetricsEndpoint.start("127.0.0.1", metricsPort, c::metrics, c::openConnections, c.recorder())) {
                if (endpoint != null) {
                    System.err.printf("metrics on http://127.0.0.1:%d/metrics%n", endpoint.port());
                }
                merged = runRadios(base, "127.0.0.1", c.port(), radios, Duration.ofNanos((long) (seconds * 1e9)), tlsDir, false,
                        null, controller.transport);
            }
            System.out.print(merged.summary());
            System.out.print(c.summary());
            anytime = anytimeFields(c.metrics());
        }
        Reports.writeJson(report, merged.toJson(anytime));
        if (plots != null) {
            LatencyPlots.write(plots, "demo", merged);
        }
        return merged.unaccounted() == 0 ? 0 : 4;
    }

    /**
     * Runs the scenario's first radio against a throwaway controller with the same
     * configuration for {@code length}, and discards both: the JIT has then compiled the loop.
     */
    static void warmUp(ControllerConfig cfg, Scenario base, Duration length, Path tlsDir) throws Exception {
        long t0 = System.nanoTime();
        ControllerConfig throwaway = cfg.toBuilder().weightEncoder(cfg.weightEncoder().uncounted()).build();
        String id = base.radioId() + "-warm-up";
        try (Controller c = new Controller(throwaway).start();
             SimRadio r = new SimRadio(base.toBuilder().set("radioId", id).build(), "127.0.0.1", c.port())) {
            if (tlsDir != null) {
                r.tls(org.isac.controller.tls.TlsFiles.radio(tlsDir, id));
            }
            SimReport w = r.run(length);
            System.err.printf("warm-up: %d reports to a throwaway controller in %.1f s, not counted%n", w.reportsSent(),
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    /**
     * The controller's anytime counts for the JSON report: {@code early_stops} (all solvers),
     * {@code early_stops_by_solver} and {@code layers_run} {p50, min, count} over anytime solves.
     */
    static Map<String, String> anytimeFields(org.isac.controller.metrics.MetricsSnapshot m) {
        StringBuilder by = new StringBuilder("{");
        m.earlyStopsBySolver().forEach((name, n) -> by.append(by.length() > 1 ? ", " : "").append('"').append(name)
                .append("\": ").append(n));
        Map<String, String> f = new java.util.LinkedHashMap<>();
        f.put("early_stops", Long.toString(m.earlyStops()));
        f.put("early_stops_by_solver", by.append('}').toString());
        f.put("layers_run", "{\"p50\": " + m.layersRunPercentile(50) + ", \"min\": " + m.layersRunMin() + ", \"count\": "
                + m.layersRunSamples() + "}");
        return f;
    }

    /** The radio ids a demo of {@code count} radios uses (and its warm-up radio). */
    static List<String> radioIds(Scenario base, int count) {
        List<String> ids = new ArrayList<>();
        if (count == 1) {
            ids.add(base.radioId());
        } else {
            for (int i = 0; i < count; i++) {
                ids.add(base.radioId() + "-" + i);
            }
        }
        ids.add(base.radioId() + "-warm-up");
        return ids;
    }

    /** Removes {@code dir} and its files when this JVM exits. */
    private static void deleteOnExit(Path dir) {
        dir.toFile().deleteOnExit(); // registered first: deleted last, once empty
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            files.forEach(f -> f.toFile().deleteOnExit());
        } catch (java.io.IOException e) {
            // left behind in the temporary directory
        }
    }

    /** A lab CA and certificates for this run's controller and radios, in a temporary directory. */
    static Path throwawayLab(Scenario base, int count) throws java.io.IOException {
        Path dir = java.nio.file.Files.createTempDirectory("isac-demo-tls-");
        org.isac.controller.tls.LabCertificates lab = org.isac.controller.tls.LabCertificates.newCa(dir, "isac demo");
        lab.controller(List.of("localhost", "127.0.0.1"));
        for (String id : radioIds(base, count)) {
            lab.radio(id);
        }
        return dir;
    }

    /**
     * Runs {@code count} radios (ids {@code <id>-i}, seeds {@code seed+i}) against a controller and
     * merges their reports; over mutual TLS with the certificates in {@code tlsDir} when not null.
     */
    static SimReport runRadios(Scenario base, String host, int port, int count, Duration sendFor, Path tlsDir) throws Exception {
        return runRadios(base, host, port, count, sendFor, tlsDir, false);
    }

    /** {@link #runRadios(Scenario, String, int, int, Duration, Path)}, radios reconnecting when {@code reconnect}. */
    static SimReport runRadios(Scenario base, String host, int port, int count, Duration sendFor, Path tlsDir, boolean reconnect)
            throws Exception {
        return runRadios(base, host, port, count, sendFor, tlsDir, reconnect, null, org.isac.proto.net.Transport.AUTO);
    }

    /** As above, every radio recording its side of the wire into {@code recorder} when not null. */
    static SimReport runRadios(Scenario base, String host, int port, int count, Duration sendFor, Path tlsDir, boolean reconnect,
            org.isac.proto.record.Recorder recorder, org.isac.proto.net.Transport transport) throws Exception {
        if (count == 1) {
            try (SimRadio r = new SimRadio(base, host, port, transport).reconnect(reconnect).record(recorder)) {
                if (tlsDir != null) {
                    r.tls(org.isac.controller.tls.TlsFiles.radio(tlsDir, base.radioId()));
                }
                return r.run(sendFor);
            }
        }
        EventLoopGroup group = SimRadio.newEventLoopGroup(Math.min(count, 2), transport);
        ExecutorService pool = Executors.newFixedThreadPool(count, Thread.ofPlatform().daemon().factory());
        List<SimRadio> sims = new ArrayList<>();
        try {
            List<Future<SimReport>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Scenario s = base.toBuilder().set("radioId", base.radioId() + "-" + i)
                        .set("seed", Long.toString(base.seed() + i)).build();
                SimRadio sim = new SimRadio(s, host, port, group).reconnect(reconnect).record(recorder);
                if (tlsDir != null) {
                    sim.tls(org.isac.controller.tls.TlsFiles.radio(tlsDir, s.radioId()));
                }
                sims.add(sim);
                futures.add(pool.submit(() -> sim.run(sendFor)));
            }
            List<SimReport> reports = new ArrayList<>();
            for (Future<SimReport> f : futures) {
                reports.add(f.get());
            }
            return SimReport.merge(reports);
        } finally {
            sims.forEach(SimRadio::close);
            pool.shutdownNow();
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly(2000);
        }
    }
}
