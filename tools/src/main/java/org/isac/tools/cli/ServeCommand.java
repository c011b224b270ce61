package org.isac.tools.cli;

import java.nio.file.Path;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.isac.controller.Controller;
import org.isac.controller.ControllerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the controller until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the controller: accept front ends, solve their CSI reports, send weights.",
                "SIGTERM or Ctrl-C stops it gracefully: no new connections, every report taken in answered,",
                "a goodbye to each front end, the final statistics, exit 0."})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = ControllerConfig.DEFAULT_BIND_HOST,
            description = "address to bind; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "" + Defaults.PORT, description = "TCP port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--stats-every", paramLabel = "SECONDS", defaultValue = "10",
            description = "print counters and latencies this often; 0 = only at exit (default: ${DEFAULT-VALUE})")
    double statsEvery;

    @Option(names = "--seconds", paramLabel = "S", description = "stop after S seconds (default: run until interrupted)")
    Double seconds;

    @Option(names = "--tls", paramLabel = "DIR",
            description = "mutual TLS with the certificates in DIR (isac certs): front ends must present a certificate of"
                    + " the lab CA, and each may claim only the radio id it names")
    Path tls;

    @Option(names = "--allow-radios", paramLabel = "ID", split = ",", description = "only these radio ids may say hello")
    java.util.Set<String> allowRadios;

    @Option(names = "--metrics-port", paramLabel = "P",
            description = "serve Prometheus / OpenMetrics metrics on http://<metrics-host>:P/metrics (0 = any free port)")
    Integer metricsPort;

    @Option(names = "--metrics-host", defaultValue = "127.0.0.1",
            description = "address of the metrics endpoint (default: ${DEFAULT-VALUE})")
    String metricsHost;

    @Option(names = "--http-port", paramLabel = "P",
            description = {"serve the live web view (beampatterns, rates, latency, counters; docs/LIVE.md) on",
                    "http://<http-host>:P/ (0 = any free port; the URL is printed)"})
    Integer httpPort;

    @Option(names = "--http-host", paramLabel = "ADDR",
            description = "address of the live web view (default: the controller's --host)")
    String httpHost;

    @Option(names = "--http-period-ms", paramLabel = "MS", defaultValue = "500",
            description = "time between the live view's snapshots (default: ${DEFAULT-VALUE})")
    long httpPeriodMs;

    @Option(names = "--insecure", description = "allow plain TCP on a non-loopback address (anyone on the network can"
            + " then claim a radio id, read CSI and weights, and alter weights in flight)")
    boolean insecure;

    @Mixin
    RecordOptions record = new RecordOptions();

    @Mixin
    ControllerOptions controller = new ControllerOptions(ControllerConfig.DEFAULT_SOLVER);

    @Override
    public Integer call() throws Exception {
        boolean loopback = java.net.InetAddress.getByName(host).isLoopbackAddress();
        if (tls == null && !loopback && !insecure) {
            throw new IllegalArgumentException("--host " + host + " is reachable from the network: use --tls DIR (make it with"
                    + " `isac certs`), or --insecure to serve plain TCP anyway");
        }
        ControllerConfig cfg = controller.apply(ControllerConfig.builder().bindHost(host).port(port))
                .tls(tls == null ? null : org.isac.controller.tls.TlsFiles.server(tls))
                .allowedRadios(allowRadios == null ? java.util.Set.of() : allowRadios).build();
        if (tls == null && !loopback) {
            System.err.println("WARNING: plain TCP on " + host + " (--insecure): no authentication, no encryption");
        }
        CountDownLatch stop = new CountDownLatch(1);
        org.isac.controller.live.LiveTaps taps = httpPort == null ? null : new org.isac.controller.live.LiveTaps(cfg.clock());
        Controller c = new Controller(cfg).record(record.open(cfg.clock())).live(taps).start();
        if (c.recorder() != null) {
            System.err.println("recording every session into " + c.recorder().dir());
        }
        // SIGTERM / SIGINT end the loop below, which closes gracefully and returns 0; the hook
        // covers any other way the JVM is asked to stop
        String stoppedBy = onSignals(stop, "TERM", "INT");
        Thread hook = new Thread(() -> {
            stop.countDown();
            c.close();
        }, "isac-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.err.printf("isac controller listening on %s%s (solver policy: %s, %d solve shard(s))%n",
                c.address(), tls == null ? "" : ", mutual TLS", cfg.defaultSolver(), cfg.solveShards());
        org.isac.controller.metrics.MetricsEndpoint endpoint = metricsPort == null ? null
                : org.isac.controller.metrics.MetricsEndpoint.start(metricsHost, metricsPort, c::metrics, c::openConnections, c.recorder());
        if (endpoint != null) {
            System.err.printf("metrics on http://%s:%d/metrics%n", metricsHost, endpoint.port());
        }
        org.isac.controller.live.LiveView view = null;
        if (taps != null) {
            String where = httpHost == null ? host : httpHost;
            view = org.isac.controller.live.LiveView.start(taps, c::metrics, c::openConnections, cfg.defaultSolver(), where,
                    httpPort, httpPeriodMs);
            System.err.println("live view on " + view.url());
            if (!java.net.InetAddress.getByName(where).isLoopbackAddress()) {
                System.err.println("WARNING: the live view on " + where + " has no authentication: anyone who reaches it sees"
                        + " every radio's CSI-derived beampattern and counters");
            }
        }
        long deadline = seconds == null ? Long.MAX_VALUE : System.nanoTime() + (long) (seconds * 1e9);
        long periodMs = statsEvery > 0 ? (long) (statsEvery * 1000) : Long.MAX_VALUE / 4;
        while (System.nanoTime() - deadline < 0) {
            long waitMs = Math.min(periodMs, Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (stop.await(waitMs, TimeUnit.MILLISECONDS)) {
                break;
            }
            if (statsEvery > 0) {
                System.out.print(c.summary());
                System.out.flush();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is already closing the controller
        }
        if (stop.getCount() == 0) {
            System.err.println("isac controller stopping: answering the reports in flight, saying goodbye" + stoppedBy);
        }
        c.close();
        if (view != null) {
            view.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
        System.out.print(c.summary());
        System.out.flush();
        return 0;
    }

    /** Counts {@code stop} down on each named signal; returns a note for the stop message ("" when handled). */
    @SuppressWarnings("removal")
    private static String onSignals(CountDownLatch stop, String... names) {
        StringBuilder unhandled = new StringBuilder();
        for (String name : names) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> stop.countDown());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                unhandled.append(unhandled.length() == 0 ? " (not handled here: " : ", ").append("SIG").append(name);
            }
        }
        return unhandled.length() == 0 ? "" : unhandled.append(')').toString();
    }
}
