package org.isac.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.isac.controller.metrics.MetricsEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The metrics endpoint shows the controller's live counters, rejects by reason, stage latencies and connections. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsEndpointTest {

    private static String scrape(int port, String accept) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/metrics")).header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    @Test
    void aScrapeShowsWhatTheControllerDid() throws Exception {
        try (Controller c = new Controller(ControllerConfig.builder().port(0).defaultSolver("mrt").build()).start();
             MetricsEndpoint m = MetricsEndpoint.start("127.0.0.1", 0, c::metrics, c::openConnections);
             TestClient client = new TestClient(c.port())) {
            client.send(TestData.wrap(TestData.hello("metered", 8)));
            assertTrue(client.read().hasHelloAck());
            for (long seq = 1; seq <= 3; seq++) {
                client.send(TestData.wrap(TestData.report("metered", seq, 8, 2).build()));
                assertTrue(client.read().hasUpdate());
            }
            client.send(TestData.wrap(TestData.report("metered", 2, 8, 2).build())); // out of order
            assertTrue(client.read().hasReject());
            String text = scrape(m.port(), "text/plain");
            assertTrue(text.contains("isac_received_total 4"), text);
            assertTrue(text.contains("isac_sent_total 3"), text);
            assertTrue(text.contains("isac_rejects_total{reason=\"OUT_OF_ORDER\"} 1"), text);
            assertTrue(text.contains("isac_stage_latency_seconds{stage=\"solve\",quantile=\"0.5\"}"), text);
            assertTrue(text.contains("isac_stage_latency_seconds_count{stage=\"solve\"} 3"), text);
            assertTrue(text.contains("isac_connections_open 1"), text);
            assertTrue(text.contains("isac_radio_received_total{radio=\"metered\"} 4"), text);
            assertTrue(text.contains("isac_radio_updates_total{radio=\"metered\"} 3"), text);
            assertTrue(text.contains("isac_radio_rejects_total{radio=\"metered\"} 1"), text);
            String open = scrape(m.port(), "application/openmetrics-text; version=1.0.0");
            assertTrue(open.contains("# TYPE isac_received counter") && open.trim().endsWith("# EOF"), open);
            // every metric the shipped Grafana dashboard queries is one the endpoint serves
            String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "grafana-dashboard.json"));
            java.util.regex.Matcher names = java.util.regex.Pattern.compile("isac_[a-z_]+").matcher(dashboard);
            int checked = 0;
            while (names.find()) {
                String name = names.group();
                if (name.equals("isac_early_stops_by_solver_total")) {
                    continue; // a labelled family with no data points yet (mrt never stops early) is not printed
                }
                assertTrue(text.contains("\n" + name + " ") || text.contains("\n" + name + "{"),
                        "the dashboard queries " + name + ", which the endpoint does not serve");
                checked++;
            }
            assertTrue(checked >= 10, "dashboard metrics checked: " + checked);
        }
    }

    /** With a recorder, a scrape shows what it wrote and dropped. */
    @Test
    void aRecordingControllerShowsItsRecorder(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        ControllerConfig cfg = ControllerConfig.builder().port(0).defaultSolver("mrt").build();
        try (Controller c = new Controller(cfg).record(org.isac.proto.record.Recorder.open(tmp.resolve("rec"),
                org.isac.proto.record.Recorder.Options.defaults(), cfg.clock())).start();
             MetricsEndpoint m = MetricsEndpoint.start("127.0.0.1", 0, c::metrics, c::openConnections, c.recorder());
             TestClient client = new TestClient(c.port())) {
            client.send(TestData.wrap(TestData.hello("recorded", 8)));
            assertTrue(client.read().hasHelloAck());
            long until = System.nanoTime() + 10_000_000_000L;
            while (c.recorder().written() < 3 && System.nanoTime() < until) { // open, hello, hello ack
                Thread.sleep(5);
            }
            String text = scrape(m.port(), "text/plain");
            assertTrue(text.contains("isac_record_written_total 3"), text);
            assertTrue(text.contains("isac_record_dropped_total 0"), text);
        }
    }
}
