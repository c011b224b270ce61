package org.isac.controller.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.isac.controller.metrics.ControllerMetrics.Counter;
import org.isac.controller.metrics.ControllerMetrics.Stage;
import org.isac.proto.v1.Reject;

/**
 * The controller's counters and latencies for Prometheus (OpenMetrics or the Prometheus text
 * format, as the scraper asks) on {@code http://host:port/metrics}, through Prometheus's own
 * Java client and its HTTP server. Each scrape reads one {@link MetricsSnapshot}:
 * {@code isac_<counter>_total} for every {@link Counter}, {@code isac_rejects_total{reason}},
 * {@code isac_early_stops_by_solver_total{solver}}, {@code isac_stage_latency_seconds{stage}}
 * (a summary: p50, p90, p99, p99.9, count, sum), {@code isac_layers_run} (summary) and
 * {@code isac_radio_{received,updates,rejects,applied}_total{radio}} for each connected radio and
 * {@code isac_connections_open}. Nothing is computed on the hot path for it.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};
    private final HTTPServer server;

    private MetricsEndpoint(HTTPServer server) {
        this.server = server;
    }

    /**
     * Starts the endpoint on {@code host:port} (0 = any free port).
     *
     * @param metrics     read at each scrape
     * @param connections open front-end connections, read at each scrape
     */
    public static MetricsEndpoint start(String host, int port, Supplier<MetricsSnapshot> metrics, IntSupplier connections)
            throws IOException {
        return start(host, port, metrics, connections, null);
    }

    /** As above, with the recorder's counts ({@code isac_record_written_total}, {@code isac_record_dropped_total}) when it is not null. */
    public static MetricsEndpoint start(String host, int port, Supplier<MetricsSnapshot> metrics, IntSupplier connections,
            org.isac.proto.record.Recorder recorder) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new Collector(metrics, connections, recorder));
        return new MetricsEndpoint(HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart());
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }

    private record Collector(Supplier<MetricsSnapshot> metrics, IntSupplier connections, org.isac.proto.record.Recorder recorder)
            implements MultiCollector {
        @Override
        public MetricSnapshots collect() {
            MetricsSnapshot s = metrics.get();
            List<MetricSnapshot> out = new ArrayList<>();
            for (Counter c : Counter.values()) {
                out.add(counter("isac_" + c.name().toLowerCase(Locale.ROOT), "controller counter " + c.name(), Labels.EMPTY,
                        s.count(c)));
            }
            CounterSnapshot.Builder rejects = CounterSnapshot.builder().name("isac_rejects").help("Rejects sent, by reason");
            for (Map.Entry<Reject.Reason, Long> e : s.rejectedByReason().entrySet()) {
                rejects.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(Labels.of("reason", e.getKey().name())).value(e.getValue()).build());
            }
            out.add(rejects.build());
            CounterSnapshot.Builder stops = CounterSnapshot.builder().name("isac_early_stops_by_solver")
                    .help("Anytime solves stopped before their last layer, by solver");
            for (Map.Entry<String, Long> e : s.earlyStopsBySolver().entrySet()) {
                stops.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(Labels.of("solver", e.getKey())).value(e.getValue()).build());
            }
            out.add(stops.build());
            SummarySnapshot.Builder stages = SummarySnapshot.builder().name("isac_stage_latency_seconds")
                    .help("Controller stage latencies since start (queue_wait, solve, encode, received_to_written, hand_off)");
            for (Stage st : Stage.values()) {
                stages.dataPoint(summary(s.histogram(st), 1e-9, Labels.of("stage", st.name().toLowerCase(Locale.ROOT))));
            }
            out.add(stages.build());
            out.add(SummarySnapshot.builder().name("isac_layers_run").help("Layers run per anytime solve")
                    .dataPoint(summary(s.layersRunHistogram(), 1, Labels.EMPTY)).build());
            for (int i = 0; i < ControllerMetrics.RADIO_COUNTS.length; i++) {
                CounterSnapshot.Builder per = CounterSnapshot.builder().name("isac_radio_" + ControllerMetrics.RADIO_COUNTS[i])
                        .help("Per connected radio, since its session began: " + ControllerMetrics.RADIO_COUNTS[i]);
                for (Map.Entry<String, long[]> e : s.perRadio().entrySet()) {
                    per.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("radio", e.getKey()))
                            .value(e.getValue()[i]).build());
                }
                out.add(per.build());
            }
            out.add(GaugeSnapshot.builder().name("isac_connections_open").help("Front-end connections open")
                    .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(connections.getAsInt()).build()).build());
            if (recorder != null) {
                out.add(counter("isac_record_written", "Records the recorder wrote (serve --record)", Labels.EMPTY, recorder.written()));
                out.add(counter("isac_record_dropped", "Records the recorder dropped because the disk fell behind", Labels.EMPTY,
                        recorder.dropped()));
            }
            return new MetricSnapshots(out);
        }

        private static CounterSnapshot counter(String name, String help, Labels labels, long value) {
            return CounterSnapshot.builder().name(name).help(help)
                    .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(value).build()).build();
        }

        private static SummarySnapshot.SummaryDataPointSnapshot summary(Histogram h, double scale, Labels labels) {
            Quantiles.Builder q = Quantiles.builder();
            long n = h.getTotalCount();
            for (double p : QUANTILES) {
                q.quantile(new Quantile(p, n == 0 ? Double.NaN : h.getValueAtPercentile(100 * p) * scale));
            }
            return SummarySnapshot.SummaryDataPointSnapshot.builder().labels(labels).count(n)
                    .sum(n == 0 ? 0 : h.getMean() * n * scale).quantiles(q.build()).build();
        }
    }
}
