package org.isac.controller;

import static org.isac.controller.live.MiniJson.array;
import static org.isac.controller.live.MiniJson.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.isac.controller.live.LiveTaps;
import org.isac.controller.live.LiveView;
import org.isac.controller.live.MiniJson;
import org.isac.proto.v1.ArrayGeometry;
import org.isac.proto.v1.ComplexMatrix;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.FrontEndMessage;
import org.isac.proto.v1.Target;
import org.isac.proto.v1.WeightApplied;
import org.isac.solver.array.ArrayShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The live view's feed, event stream and page, for a controller with one radio sending reports. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveViewTest {
    private static final int N = 16;
    private static final double USER_DEG = 30, TARGET_DEG = -20, GAIN = 0.8, NOISE_W = 0.1, BUDGET_W = 2.0;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A single-user channel h = g·a(θ) toward {@code USER_DEG} on a ULA of N. */
    private static ComplexMatrix.Builder lineOfSight() {
        double[] re = new double[N], im = new double[N];
        ArrayShape.ula(N).steering(Math.toRadians(USER_DEG), 0, re, im, 0);
        ComplexMatrix.Builder b = ComplexMatrix.newBuilder().setRows(N).setCols(1);
        for (int i = 0; i < N; i++) {
            b.addRe((float) (GAIN * re[i]));
        }
        for (int i = 0; i < N; i++) {
            b.addIm((float) (GAIN * im[i]));
        }
        return b;
    }

    private static CsiReport report(long seq) {
        return CsiReport.newBuilder().setRadioId("watched").setSequence(seq).setCaptureNs(System.nanoTime())
                .setChannel(lineOfSight()).addNoisePowerW(NOISE_W).setPowerBudgetW(BUDGET_W)
                .addTargets(Target.newBuilder().setAzimuthRad(Math.toRadians(TARGET_DEG))).build();
    }

    private static HttpResponse<String> get(LiveView v, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + v.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a report, reads its update and acknowledges it (shared clock: apply time on our clock). */
    private static void roundTrip(TestClient client, long seq) throws Exception {
        client.send(TestData.wrap(report(seq)));
        ControllerMessage m = client.read();
        assertTrue(m.hasUpdate(), m.toString());
        client.send(FrontEndMessage.newBuilder().setApplied(WeightApplied.newBuilder().setRadioId("watched").setSequence(seq)
                .setApplyNs(System.nanoTime()).setFrameCrc32C(0)).build());
    }

    private static Map<String, Object> radio(Map<String, Object> state) {
        List<Object> radios = array(state.get("radios"));
        return radios.isEmpty() ? null : object(radios.get(0));
    }

    private static double num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    @Test
    void theFeedShowsTheRadioItsBeampatternTargetsUsersAndHistory() throws Exception {
        LiveTaps taps = new LiveTaps(System::nanoTime);
        try (Controller c = new Controller(ControllerConfig.builder().port(0).defaultSolver("mrt").build()).live(taps).start();
             LiveView view = LiveView.start(taps, c::metrics, c::openConnections, "mrt", "127.0.0.1", 0, 20);
             TestClient client = new TestClient(c.port())) {
            FrontEndHello hello = TestData.hello("watched", N).toBuilder().setSharedClock(true)
                    .setTxArray(ArrayGeometry.newBuilder().setHorizontal(N).setVertical(1)).build();
            client.send(TestData.wrap(hello));
            assertTrue(client.read().hasHelloAck());
            long seq = 1;
            roundTrip(client, seq++);
            client.send(TestData.wrap(report(1))); // out of order: answered with a Reject
            assertTrue(client.read().hasReject());
            Map<String, Object> r = null;
            int historyBefore = -1;
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (System.nanoTime() < deadline) {
                roundTrip(client, seq++);
                Thread.sleep(30);
                r = radio(object(MiniJson.parse(get(view, "/api/state").body())));
                if (r != null && r.get("update") != null) {
                    int h = array(object(r.get("history")).get("t_s")).size();
                    if (historyBefore < 0) {
                        historyBefore = h;
                    } else if (h > historyBefore && num(object(r.get("latency")), "acks") >= 2) {
                        break;
                    }
                }
            }
            assertNotNull(r, "radio listed");
            assertEquals("watched", r.get("radio_id"));
            assertEquals("digital", r.get("mode"));
            assertEquals(true, r.get("shared_clock"));
            Map<String, Object> update = object(r.get("update"));
            assertEquals("mrt", update.get("solver"));
            Map<String, Object> beam = object(r.get("beampattern"));
            List<Object> power = array(beam.get("power_w"));
            assertEquals(181, power.size());
            assertEquals(-90.0, num(beam, "azimuth_from_deg"));
            int peak = 0;
            for (int t = 1; t < power.size(); t++) {
                if (((Number) power.get(t)).doubleValue() > ((Number) power.get(peak)).doubleValue()) {
                    peak = t;
                }
            }
            assertEquals(USER_DEG, -90 + peak, 1.0, "MRT beam peaks toward its user");
            assertEquals(USER_DEG, num(beam, "peak_deg"), 1.0);
            // MRT radiates the whole budget along a(θ_u): P(θ_u) = P_t·|a(θ_u)ᴴa(θ_u)|² = P_t
            assertEquals(BUDGET_W, ((Number) power.get(peak)).doubleValue(), 1e-3 * BUDGET_W);
            List<Object> targets = array(r.get("targets"));
            assertEquals(1, targets.size());
            assertEquals(TARGET_DEG, num(object(targets.get(0)), "azimuth_deg"), 1e-9);
            List<Object> users = array(r.get("users"));
            assertEquals(1, users.size());
            assertEquals(USER_DEG, num(object(users.get(0)), "azimuth_deg"), 1.0);
            // one user, MRT at full power: SINR = P_t·‖h‖²/σ² with ‖h‖ = g
            double expected = Math.log(1 + BUDGET_W * GAIN * GAIN / NOISE_W) / Math.log(2);
            assertEquals(expected, num(r, "sum_rate_bits"), 1e-4);
            Map<String, Object> history = object(r.get("history"));
            int points = array(history.get("t_s")).size();
            assertTrue(points > historyBefore && points >= 2, "history grows: " + historyBefore + " -> " + points);
            assertEquals(points, array(history.get("sum_rate_bits")).size());
            assertEquals(expected, ((Number) array(history.get("sum_rate_bits")).get(points - 1)).doubleValue(), 1e-4);
            assertEquals(Map.of("OUT_OF_ORDER", 1.0), object(r.get("rejects")));
            assertEquals(points, array(history.get("layers")).size());
            Map<String, Object> counts = object(r.get("counts"));
            assertTrue(num(counts, "updates") >= 2 && num(counts, "applied") >= 1, counts.toString());
            Map<String, Object> lat = object(object(r.get("latency")).get("capture_to_applied"));
            assertTrue(num(lat, "n") >= 1 && num(lat, "p50_us") > 0, lat.toString());
            // the page itself carries the latest snapshot, rendered before its load event
            String page = get(view, "/").body();
            int at = page.indexOf("<script id=\"initial-state\" type=\"application/json\">");
            assertTrue(at >= 0, "the page has the inline snapshot");
            String inline = page.substring(page.indexOf('>', at) + 1, page.indexOf("</script>", at));
            assertEquals("watched", radio(object(MiniJson.parse(inline))).get("radio_id"));
            Map<String, Object> controller = object(object(MiniJson.parse(view.state())).get("controller"));
            assertEquals("mrt", controller.get("default_solver"));
            assertTrue(num(object(controller.get("counters")), "received") >= 2);
            Map<String, Object> latency = object(controller.get("latency"));
            assertTrue(num(object(latency.get("received_to_written")), "n") >= 2);
            assertTrue(num(object(latency.get("hand_off")), "n") >= 2);
        }
    }

    @Test
    void theEventStreamDeliversSnapshots() throws Exception {
        LiveTaps taps = new LiveTaps(System::nanoTime);
        try (Controller c = new Controller(ControllerConfig.builder().port(0).defaultSolver("mrt").build()).live(taps).start();
             LiveView view = LiveView.start(taps, c::metrics, c::openConnections, "mrt", "127.0.0.1", 0, 50)) {
            HttpResponse<Stream<String>> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + view.port()
                    + "/api/events")).build(), HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            int events = 0;
            double lastUptime = -1;
            try (Stream<String> lines = r.body()) {
                Iterator<String> it = lines.iterator();
                String event = null;
                while (events < 3 && it.hasNext()) {
                    String line = it.next();
                    if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        assertEquals("state", event);
                        Map<String, Object> s = object(MiniJson.parse(line.substring(6)));
                        assertEquals((double) LiveView.SCHEMA, num(s, "schema"));
                        double up = num(s, "uptime_s");
                        assertTrue(up > lastUptime, "each event is a new snapshot");
                        lastUptime = up;
                        events++;
                    }
                }
            }
            assertEquals(3, events);
        }
    }

    @Test
    void thePageAndItsScriptAreServedFromTheJarAndFetchNothingElsewhere() throws Exception {
        LiveTaps taps = new LiveTaps(System::nanoTime);
        try (LiveView view = LiveView.start(taps, () -> new org.isac.controller.metrics.ControllerMetrics().snapshot(), () -> 0,
                "rzf", "127.0.0.1", 0, 100)) {
            HttpResponse<String> page = get(view, "/");
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertTrue(page.body().contains("<script src=\"app.js\">"), page.body());
            HttpResponse<String> js = get(view, "/app.js");
            assertEquals(200, js.statusCode());
            assertTrue(js.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
            assertTrue(js.body().contains("new EventSource(\"api/events\")"));
            for (String body : List.of(page.body(), js.body())) {
                assertFalse(body.matches("(?s).*https?://.*"), "nothing is fetched from another host");
                assertFalse(body.contains("//cdn") || body.contains("@import"), "no external resources");
            }
            HttpResponse<String> state = get(view, "/api/state");
            assertTrue(state.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            assertEquals(List.of(), array(object(MiniJson.parse(state.body())).get("radios")));
            assertEquals(404, get(view, "/nothing-here").statusCode());
        }
    }
}
