package org.isac.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.isac.proto.v1.FrontEndHello;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.SolverRegistry;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.metric.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SimRadioLoopbackTest {
    /** Relative tolerance for rates computed from float32 weights vs double weights. */
    private static final double FLOAT_RATE_TOL = 1e-4;
    private static final Duration SEND = Duration.ofMillis(400);
    private static final Duration DRAIN = Duration.ofSeconds(5);

    private static Scenario.Builder staticScenario() {
        return Scenario.builder().antennas(16).users(4).speedMps(0).csiErrorMu(0).seed(7);
    }

    private record Applied(long seq, CMatrix csi, CMatrix h, CMatrix x, double noise, double rate) {
    }

    @Test
    void staticChannelAccountsForEveryReportAndMatchesTheGenie() throws Exception {
        Scenario s = staticScenario().build();
        List<Applied> seen = new ArrayList<>();
        SimReport r;
        try (FakeController c = new FakeController().start();
                SimRadio radio = new SimRadio(s, "127.0.0.1", c.port())) {
            radio.listener((seq, csi, h, x, noise, rate) ->
                    seen.add(new Applied(seq, new CMatrix().copyFrom(csi), new CMatrix().copyFrom(h),
                            new CMatrix().copyFrom(x), noise, rate)));
            r = radio.run(SEND, DRAIN);
            c.awaitClosed(1);
            assertEquals(List.of("completed"), c.goodbyes);
            assertEquals(1, c.hellos.size());
            FrontEndHello hello = c.hellos.get(0);
            assertEquals("sim-0", hello.getRadioId());
            assertEquals(16, hello.getTxArray().getHorizontal());
            assertEquals(4, hello.getMaxUsers());
            assertTrue(hello.getSharedClock());
            assertEquals(0, c.outOfOrder.get(), "sequences must strictly increase");
            assertEquals(r.reportsSent(), c.reports.get(), "controller saw every report");
            assertEquals(r.reportsApplied(), c.appliedAcks.get(), "one WeightApplied per applied update");
        }
        long sent = r.reportsSent();
        assertTrue(sent >= 50, "a few hundred reports expected, got " + sent);
        assertEquals("completed", r.termination());
        assertEquals(0, r.unaccounted());
        assertEquals(sent, r.reportsApplied() + r.droppedTotal());
        assertEquals(Map.of("SUPERSEDED", sent / 5), r.reportsDropped());
        assertEquals(sent - sent / 5, r.reportsApplied());
        assertEquals(0, r.duplicateAnswers());
        assertEquals(0, r.unknownAnswers());
        assertEquals(0, r.powerViolations());
        // every applied update is sampled (genieEvery 1): scored off the I/O path, or skipped while the scorer was busy
        assertEquals(r.reportsApplied(), r.genieSamples() + r.count(Extra.SCORING_SKIPPED));
        assertTrue(r.genieSamples() > 0);
        assertEquals(0, r.genieFailures());
        assertEquals(java.util.Set.of("rzf"), r.solvers());

        double achieved = r.achievedSumRateBits(), genie = r.genieSumRateBits();
        assertTrue(achieved > 1, "rate should be substantial at 12 dB, got " + achieved);
        assertEquals(genie, achieved, FLOAT_RATE_TOL * genie, "static channel, perfect CSI: achieved = genie");
        assertEquals(r.achievedAtGenieSumRateBits(), achieved, 1e-12);
        assertTrue(r.zfSumRateBits() > 0 && r.zfSumRateBits() <= genie * (1 + FLOAT_RATE_TOL),
                "rzf is at least as good as zf here: zf " + r.zfSumRateBits() + " rzf " + genie);

        // the listener saw every applied update; recompute each rate offline
        assertEquals(r.reportsApplied(), seen.size());
        double[] scratch = new double[4];
        double[] noise = {s.noisePowerW(), s.noisePowerW(), s.noisePowerW(), s.noisePowerW()};
        CMatrix h0 = seen.get(0).h();
        Problem p = new Problem();
        Precoder out = new Precoder();
        var rzf = SolverRegistry.create("rzf");
        for (Applied a : seen) {
            assertTrue(a.seq() % 5 != 0, "rejected sequences are never applied");
            assertEquals(a.rate(), Metrics.sumRateBits(a.h(), a.x(), noise, scratch), 1e-9);
            assertEquals(s.noisePowerW(), a.noise());
            for (int i = 0; i < 64; i++) {
                assertEquals(h0.re[i], a.h().re[i], 0.0, "static channel must not change");
                assertEquals((float) a.h().re[i], a.csi().re[i], 0.0, "mu = 0: CSI is the float-rounded true channel");
            }
            p.channel.copyFrom(a.h());
            p.setNoise(4, s.noisePowerW());
            p.powerBudgetW = s.powerW();
            rzf.solve(p, out);
            double offline = Metrics.sumRateBits(a.h(), out.baseband, noise, scratch);
            assertEquals(offline, a.rate(), FLOAT_RATE_TOL * offline);
        }

        JsonObject j = JsonParser.parseString(r.toJson()).getAsJsonObject();
        for (String key : List.of("reports_sent", "reports_applied", "reports_dropped", "unaccounted", "latency_ns",
                "sum_rate_bits", "deadline_misses", "scenario")) {
            assertTrue(j.has(key), "JSON lacks " + key + ":\n" + r.toJson());
        }
        assertEquals(sent, j.get("reports_sent").getAsLong());
        assertEquals(r.reportsApplied(), j.get("reports_applied").getAsLong());
        assertEquals(sent / 5, j.getAsJsonObject("reports_dropped").get("SUPERSEDED").getAsLong());
        assertEquals(0, j.get("unaccounted").getAsLong());
        JsonObject lat = j.getAsJsonObject("latency_ns");
        long p50 = lat.get("p50").getAsLong(), p99 = lat.get("p99").getAsLong(), p999 = lat.get("p999").getAsLong();
        assertTrue(p50 > 0 && p50 <= p99 && p99 <= p999 && p999 <= lat.get("max").getAsLong(), lat.toString());
        JsonObject rates = j.getAsJsonObject("sum_rate_bits");
        assertEquals(achieved, rates.get("achieved").getAsDouble(), 1e-9);
        assertEquals(genie, rates.get("genie").getAsDouble(), 1e-9);
        assertTrue(rates.get("zf").getAsDouble() > 0);
        assertEquals(16, j.getAsJsonObject("scenario").get("antennas").getAsInt());

        String text = r.summary();
        assertTrue(text.contains("sent " + sent), text);
        assertTrue(text.contains("SUPERSEDED"), text);
        assertTrue(text.contains("p99.9"), text);
        assertTrue(text.contains("genie"), text);
    }

    @Test
    void widebandReportsCarryEverySubbandAndEverySubbandIsScored() throws Exception {
        int subbands = 4;
        Scenario s = staticScenario().subbands(subbands).bandwidthHz(400e6).build();
        SimReport r;
        org.isac.proto.v1.CsiReport first;
        try (FakeController c = new FakeController().start();
                SimRadio radio = new SimRadio(s, "127.0.0.1", c.port())) {
            r = radio.run(SEND, DRAIN);
            c.awaitClosed(1);
            first = c.firstReport;
            assertEquals(r.reportsApplied(), c.appliedAcks.get(), "one WeightApplied per applied update");
        }
        // the report: S subbands of N x K, their offsets around the carrier, nothing at the top level
        assertEquals(subbands, first.getSubbandsCount());
        assertFalse(first.hasChannel(), "a wideband report carries its channels in subbands only");
        assertEquals(0, first.getNoisePowerWCount());
        assertEquals(s.carrierHz(), first.getCarrierHz());
        for (int b = 0; b < subbands; b++) {
            var sb = first.getSubbands(b);
            assertEquals(16, sb.getChannel().getRows());
            assertEquals(4, sb.getChannel().getCols());
            assertEquals(s.noisePowerW(), sb.getNoisePowerW(0), 0.0);
            assertEquals((b - 1.5) * 100e6, sb.getFrequencyOffsetHz(), 1e-3);
        }
        // the channel is frequency selective: subbands differ
        assertTrue(first.getSubbands(0).getChannel().getRe(0) != first.getSubbands(3).getChannel().getRe(0));
        assertEquals(0, r.unaccounted());
        assertTrue(r.reportsApplied() > 20, "applied " + r.reportsApplied());
        assertEquals(0, r.powerViolations());
        assertEquals(0, r.count(Extra.CRLB));
        double[] perBand = r.subbandSumRateBits();
        assertEquals(subbands, perBand.length);
        double mean = 0;
        for (double v : perBand) {
            assertTrue(v > 1, "every subband carries rate: " + java.util.Arrays.toString(perBand));
            mean += v / subbands;
        }
        assertEquals(r.achievedSumRateBits(), mean, 1e-9, "the achieved rate is the band mean");
        // static channel, perfect CSI, rzf per subband on both sides: achieved = genie (per-subband loop)
        assertTrue(r.genieSamples() > 0);
        assertEquals(0, r.genieFailures());
        assertEquals(r.genieSumRateBits(), r.achievedAtGenieSumRateBits(), FLOAT_RATE_TOL * r.genieSumRateBits());
        JsonObject j = JsonParser.parseString(r.toJson()).getAsJsonObject();
        assertEquals(subbands, j.getAsJsonArray("subband_sum_rate_bits").size());
        assertTrue(r.summary().contains("per subband"), r.summary());
    }

    @Test
    void movingChannelWithSlowAnswersMissesDeadlinesAndLosesRate() throws Exception {
        // 30 m/s at 28 GHz: f_D = 2.8 kHz; answers 3 ms late decorrelate the channel (J0 ~ 0.1 at 3 ms).
        // Reports 10 ms apart, so the channel moves between capture and apply only if the radio
        // evolves it at apply time.
        Scenario s = staticScenario().speedMps(30).deadlineBudgetUs(1000).reportPeriodUs(10_000).build();
        SimReport r;
        try (FakeController c = new FakeController().start();
                SimRadio radio = new SimRadio(s, "127.0.0.1", c.port())) {
            c.rejectEvery = 0;
            c.delayNs = TimeUnit.MILLISECONDS.toNanos(3);
            r = radio.run(SEND, DRAIN);
        }
        assertTrue(r.reportsApplied() >= 20, "applied " + r.reportsApplied());
        assertEquals(0, r.unaccounted());
        assertEquals(r.reportsApplied(), r.deadlineMisses(), "every answer came after the 1 ms budget");
        // each late update says where its time went: the legs add up to capture → applied, and
        // the 3 ms the controller held the answer after encoding is the downlink's
        assertEquals(SimReport.FIRST_MISSES, r.firstMisses().size());
        for (SimReport.Miss m : r.firstMisses()) {
            assertNotNull(m.stages(), "shared clock and stage times: " + m);
            long[] legs = m.stages().legNs();
            long sum = 0;
            for (long l : legs) {
                assertTrue(l >= 0, java.util.Arrays.toString(legs));
                sum += l;
            }
            assertEquals(m.lateNs() + TimeUnit.MICROSECONDS.toNanos(1000), sum, "capture → applied = budget + late");
            // (a lower bound only: how long the other legs take is up to the machine; a CI run
            // once saw a 3.5 ms uplink)
            assertTrue(legs[4] >= TimeUnit.MILLISECONDS.toNanos(3), "downlink holds the delay: " + java.util.Arrays.toString(legs));
            long[] usual = m.stages().usualNs();
            assertTrue(usual[4] >= TimeUnit.MILLISECONDS.toNanos(3), "every update so far had the delay: " + java.util.Arrays.toString(usual));
        }
        assertTrue(r.summary().contains("where their time went"), r.summary());
        assertTrue(r.summary().matches("(?s).*downlink ([3-9]\\d{3}|\\d{5,}) \\(([3-9]\\d{3}|\\d{5,})\\).*"), r.summary());
        JsonObject miss = JsonParser.parseString(r.toJson()).getAsJsonObject().getAsJsonArray("first_misses").get(0).getAsJsonObject();
        for (String leg : SimReport.LEGS) {
            assertTrue(miss.getAsJsonObject("stages_ns").has(leg), miss.toString());
            assertTrue(miss.getAsJsonObject("usual_ns").has(leg), miss.toString());
        }
        assertEquals(0, miss.get("layers_planned").getAsInt(), "rzf has no layers");
        assertTrue(r.latencyPercentileNs(50) >= TimeUnit.MILLISECONDS.toNanos(3), "latency includes the delay");
        assertTrue(r.achievedSumRateBits() < 0.8 * r.genieSumRateBits(),
                "stale weights must lose rate: achieved " + r.achievedSumRateBits() + " genie " + r.genieSumRateBits());
    }

    @Test
    void duplicateUnknownAndMalformedAnswersAreCountedNotApplied() throws Exception {
        Scenario s = staticScenario().genieEvery(0).build();
        SimReport r;
        long acks;
        try (FakeController c = new FakeController().start();
                SimRadio radio = new SimRadio(s, "127.0.0.1", c.port())) {
            c.duplicateEveryAnswer = true;
            c.unknownSequenceAfterEach = true;
            c.malformedEvery = 7;
            r = radio.run(Duration.ofMillis(200), DRAIN);
            c.awaitClosed(1);
            acks = c.appliedAcks.get();
        }
        long sent = r.reportsSent();
        assertTrue(sent >= 20);
        assertEquals(0, r.unaccounted());
        // the run ends as soon as the last report is answered, so the copies that follow the
        // last answer may arrive after the radio stopped listening
        assertTrue(r.duplicateAnswers() >= sent - 1 && r.duplicateAnswers() <= sent, "each answer came twice: " + r.duplicateAnswers());
        assertTrue(r.unknownAnswers() >= sent - 1 && r.unknownAnswers() <= sent, "one unknown per report: " + r.unknownAnswers());
        long malformed = sent / 7 - sent / 35; // multiples of 7 that were not rejected as multiples of 5
        assertEquals(malformed, r.reportsDropped().getOrDefault(SimReport.INVALID_UPDATE, 0L));
        assertEquals(sent / 5, r.reportsDropped().get("SUPERSEDED"));
        assertEquals(sent - sent / 5 - malformed, r.reportsApplied());
        assertEquals(r.reportsApplied(), acks, "duplicates are not acknowledged twice");
        assertEquals(0, r.genieSamples(), "genieEvery = 0 disables the genie");
        assertTrue(Double.isNaN(r.genieSumRateBits()));
        assertTrue(r.toJson().contains("\"genie\": null"));
    }

    @Test
    void radiosShareAnEventLoopGroupAndReportsMerge() throws Exception {
        EventLoopGroup group = SimRadio.newEventLoopGroup(1);
        try (FakeController c = new FakeController().start()) {
            Scenario a = staticScenario().radioId("sim-a").build();
            Scenario b = staticScenario().radioId("sim-b").seed(8).csiErrorMu(0.2).build();
            SimRadio ra = new SimRadio(a, "127.0.0.1", c.port(), group);
            SimRadio rb = new SimRadio(b, "127.0.0.1", c.port(), group);
            SimReport[] out = new SimReport[2];
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    out[1] = rb.run(Duration.ofMillis(200), DRAIN);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            out[0] = ra.run(Duration.ofMillis(200), DRAIN);
            t.join();
            ra.close();
            rb.close();
            assertFalse(group.isShuttingDown(), "a shared group is not the radio's to shut down");
            assertNotNull(out[1]);
            SimReport m = SimReport.merge(List.of(out[0], out[1]));
            assertEquals(out[0].reportsSent() + out[1].reportsSent(), m.reportsSent());
            assertEquals(out[0].reportsApplied() + out[1].reportsApplied(), m.reportsApplied());
            assertEquals(0, m.unaccounted());
            assertEquals(2, m.scenarios().size());
            assertEquals(m.reportsApplied(), m.latencyNs().getTotalCount());
            double mean = (out[0].achievedSumRateBits() * out[0].reportsApplied()
                    + out[1].achievedSumRateBits() * out[1].reportsApplied()) / m.reportsApplied();
            assertEquals(mean, m.achievedSumRateBits(), 1e-9);
            assertTrue(out[1].achievedSumRateBits() < out[1].genieSumRateBits(), "CSI error mu = 0.2 costs rate");
            JsonObject j = JsonParser.parseString(m.toJson()).getAsJsonObject();
            assertEquals(2, j.getAsJsonArray("scenarios").size());
            assertEquals(2, j.get("radios").getAsInt());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    @Test
    void rejectedHelloAndRefusedConnectionAreErrors() throws Exception {
        try (FakeController c = new FakeController().start();
                SimRadio radio = new SimRadio(Scenario.defaults(), "127.0.0.1", c.port())) {
            c.rejectHello = true;
            IOException e = assertThrows(IOException.class, () -> radio.run(Duration.ofMillis(100)));
            assertTrue(e.getMessage().contains("BAD_HELLO"), e.getMessage());
        }
        int freePort;
        try (ServerSocket ss = new ServerSocket(0)) {
            freePort = ss.getLocalPort();
        }
        try (SimRadio radio = new SimRadio(Scenario.defaults(), "127.0.0.1", freePort)) {
            IOException e = assertThrows(IOException.class, () -> radio.run(Duration.ofMillis(100)));
            assertTrue(e.getMessage().contains("cannot connect"), e.getMessage());
        }
    }
}
