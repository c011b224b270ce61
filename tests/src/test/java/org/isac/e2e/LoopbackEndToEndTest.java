package org.isac.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import com.google.protobuf.CodedOutputStream;
import org.isac.controller.Controller;
import org.isac.controller.ControllerConfig;
import org.isac.controller.metrics.MetricsSnapshot;
import org.isac.proto.v1.ArrayGeometry;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.FrontEndMessage;
import org.isac.proto.v1.Reject;
import org.isac.fpga.EncoderConfig;
import org.isac.fpga.FrameBuffer;
import org.isac.fpga.RadioEncoders;
import org.isac.fpga.baseband.CodecId;
import org.isac.fpga.frame.DecodedFrame;
import org.isac.fpga.frame.WeightFrameParser;
import org.isac.fpga.guard.GuardCounters;
import org.isac.sim.Extra;
import org.isac.sim.Scenario;
import org.isac.sim.SimRadio;
import org.isac.sim.SimReport;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.metric.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real controller and the simulated radio in one JVM over TCP loopback: every report is
 * accounted for on both sides, and the weights the radio applied are the ones an offline
 * solve of the reported CSI gives.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoopbackEndToEndTest {
    /** Reports per radio per test: the runs end by count, so a slow machine only takes longer. */
    private static final int REPORTS = 300;
    /** Upper bound on a run; {@link #REPORTS} at 400 Hz take 0.75 s. */
    private static final Duration SEND = Duration.ofSeconds(60);
    private static final Duration DRAIN = Duration.ofSeconds(10);

    private record Applied(long seq, CMatrix csi, CMatrix h, CMatrix x, double noise, double rate) {
    }

    /**
     * 400 Hz, {@link #REPORTS} reports; a generous deadline so a loaded CI machine drops
     * few; a slow walker (0.05 m/s at 28 GHz, Doppler 4.7 Hz) so milliseconds of queueing on
     * a busy machine barely age the channel.
     */
    private static Scenario scenario(String id, long seed) {
        return Scenario.builder().set("radioId", id).set("seed", Long.toString(seed))
                .set("antennas", "64").set("users", "4").set("reportPeriodUs", "2500")
                .set("deadlineBudgetUs", "200000").set("speedMps", "0.05")
                .set("reportLimit", Integer.toString(REPORTS)).build();
    }

    /** Over plain TCP and over mutual TLS (a lab CA made for the test): the same books, the same weights. */
    @org.junit.jupiter.params.ParameterizedTest(name = "tls={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void everyReportIsAccountedForAndAppliedRzfMatchesTheOfflineSolve(boolean tls,
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path lab) throws Exception {
        List<Applied> seen = Collections.synchronizedList(new ArrayList<>());
        SimReport r;
        MetricsSnapshot m;
        if (tls) {
            org.isac.controller.tls.LabCertificates certs = org.isac.controller.tls.LabCertificates.newCa(lab, "e2e");
            certs.controller(List.of("localhost", "127.0.0.1"));
            certs.radio("e2e-0");
        }
        try (Controller c = new Controller(ControllerConfig.builder().port(0).defaultSolver("rzf")
                        .tls(tls ? org.isac.controller.tls.TlsFiles.server(lab) : null).build()).start();
                SimRadio radio = new SimRadio(scenario("e2e-0", 11), "127.0.0.1", c.port())) {
            if (tls) {
                radio.tls(org.isac.controller.tls.TlsFiles.radio(lab, "e2e-0"));
            }
            radio.listener((seq, csi, h, x, noise, rate) -> seen.add(new Applied(seq, new CMatrix().copyFrom(csi),
                    new CMatrix().copyFrom(h), new CMatrix().copyFrom(x), noise, rate)));
            r = radio.run(SEND, DRAIN);
            m = awaitBalanced(c);
        }
        long sent = r.reportsSent();
        assertEquals(REPORTS, sent, r.summary());
        assertEquals("completed", r.termination());
        // radio side: every report applied or dropped with a reason
        assertEquals(0, r.unaccounted(), r.summary());
        assertEquals(sent, r.reportsApplied() + r.droppedTotal(), r.summary());
        assertEquals(0, r.duplicateAnswers());
        assertEquals(0, r.unknownAnswers());
        assertEquals(0, r.powerViolations());
        // how many are superseded or stale depends on the machine's load; the books must balance either way
        assertTrue(r.reportsApplied() >= 10, "too few reports applied to compare: " + r.summary());
        // controller side: every received report ended solved, superseded, stale or rejected
        assertEquals(sent, m.received(), m.summary());
        assertTrue(m.balanced(), m.summary());
        assertEquals(m.received(), m.solved() + m.superseded() + m.stale() + m.rejected(), m.summary());
        assertEquals(0, m.rejected(), m.summary());
        assertEquals(m.solved(), m.sent(), m.summary());
        assertEquals(r.reportsApplied(), m.sent(), "every update sent was applied");
        assertEquals(r.reportsApplied(), m.applied(), "every WeightApplied reached the controller: " + m.summary());
        // both sides agree on the drops
        long droppedController = m.superseded() + m.stale();
        assertEquals(droppedController, r.droppedTotal(), r.summary() + m.summary());

        // applied weights = the offline rzf solve of the same reported CSI, quantized into the
        // hardware frame at the hello's widths (6-bit phases, 9-bit BFP) and decoded as the radio does
        assertEquals(r.reportsApplied(), seen.size());
        Solver rzf = SolverRegistry.create("rzf");
        FrontEndHello hello = FrontEndHello.newBuilder().setRadioId("e2e-0").setMaxPowerW(1)
                .setPhaseBits(6).setBasebandBits(9)
                .setTxArray(ArrayGeometry.newBuilder().setHorizontal(64).setVertical(1).setSpacingWavelengths(0.5))
                .build();
        RadioEncoders encoders = new RadioEncoders(h -> EncoderConfig.forHello(h, CodecId.BFP), new GuardCounters());
        WeightFrameParser parser = new WeightFrameParser();
        DecodedFrame frame = new DecodedFrame();
        Precoder decoded = new Precoder();
        CMatrix offlineApplied = new CMatrix();
        Problem p = new Problem();
        Precoder x = new Precoder();
        double[] scratch = new double[4];
        double worstRel = 0;
        double sumApplied = 0;
        double sumOffline = 0;
        for (Applied a : seen) {
            p.channel.copyFrom(a.csi());
            p.setNoise(a.csi().cols(), a.noise());
            p.powerBudgetW = 1.0;
            p.tx = ArrayShape.ula(a.csi().rows());
            p.rx = p.tx;
            p.params.clear();
            rzf.solve(p, x);
            FrameBuffer fb = encoders.encode(hello, a.seq(), x, 1.0);
            parser.parse(fb.byteBuffer(), frame);
            frame.toPrecoder(decoded, null).effective(offlineApplied);
            assertEquals(offlineApplied.rows(), a.x().rows());
            assertEquals(offlineApplied.cols(), a.x().cols());
            double diff = 0;
            for (int i = 0; i < offlineApplied.size(); i++) {
                double dr = offlineApplied.re[i] - a.x().re[i];
                double di = offlineApplied.im[i] - a.x().im[i];
                diff += dr * dr + di * di;
            }
            worstRel = Math.max(worstRel, Math.sqrt(diff / offlineApplied.frobeniusNorm2()));
            double offlineRate = Metrics.sumRateBits(a.h(), offlineApplied, noiseVector(a), scratch);
            assertEquals(offlineRate, a.rate(), 1e-9 * Math.max(1, offlineRate),
                    "sequence " + a.seq() + ": applied rate vs offline rate on the same true channel");
            sumApplied += a.rate();
            sumOffline += offlineRate;
        }
        assertTrue(worstRel < 1e-12, "applied weights differ from the offline solve by " + worstRel + " (relative)");
        assertEquals(sumOffline / seen.size(), r.achievedSumRateBits(), 1e-9 * Math.abs(sumOffline / seen.size()));
        assertEquals(sumApplied / seen.size(), r.achievedSumRateBits(), 1e-9 * Math.abs(sumApplied / seen.size()) + 1e-12);
        assertEquals(r.reportsApplied(), r.count(Extra.FRAMES_APPLIED), "every update was applied from its frame");
        double loss = r.mean(Extra.ACHIEVED_UNQUANTIZED_BITS) - r.achievedSumRateBits();
        assertTrue(loss > -0.05 && loss < 0.5, "6-bit phases / 9-bit BFP should cost little rate: " + r.summary());
        assertTrue(r.achievedSumRateBits() > 5, "rzf at 12 dB, N=64, K=4 should give well over 5 bit/s/Hz: " + r.summary());
        assertTrue(r.zfSumRateBits() > 0 && r.genieSumRateBits() > 0, r.summary());
    }

    /**
     * The controller stops gracefully mid-run (goodbye) and a new one starts on the same port:
     * the radio counts what was pending as DISCONNECTED, reconnects by itself and is served
     * again; every report is accounted on the radio's side and on each controller's.
     */
    @Test
    void theRadioReconnectsToARestartedControllerAndEveryReportIsAccounted() throws Exception {
        Scenario s = Scenario.builder().set("radioId", "restart").set("antennas", "16").set("users", "2")
                .set("reportPeriodUs", "2000").set("deadlineBudgetUs", "200000").build();
        ControllerConfig cfg = ControllerConfig.builder().port(0).defaultSolver("rzf").build();
        Controller first = new Controller(cfg).start();
        int port = first.port();
        MetricsSnapshot before;
        MetricsSnapshot after;
        SimReport r;
        try (SimRadio radio = new SimRadio(s, "127.0.0.1", port).reconnect(true)) {
            java.util.concurrent.CompletableFuture<SimReport> run = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return radio.run(Duration.ofSeconds(4), Duration.ofSeconds(3));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(1500);
            first.close();
            before = first.metrics();
            Thread.sleep(300);
            try (Controller second = new Controller(cfg.toBuilder().port(port).build()).start()) {
                r = run.get(30, TimeUnit.SECONDS);
                after = awaitBalanced(second);
            }
        }
        assertEquals(0, r.unaccounted(), r.summary());
        assertEquals(r.reportsSent(), r.reportsApplied() + r.droppedTotal(), r.summary());
        assertTrue(r.termination().startsWith("completed") && r.termination().contains("reconnect"), r.termination());
        long disconnected = r.reportsDropped().getOrDefault(SimRadio.DISCONNECTED, 0L);
        // what neither controller received was sent into the dead connection and counted as such
        assertTrue(r.reportsSent() <= before.received() + after.received() + disconnected,
                r.summary() + before.summary() + after.summary());
        assertTrue(before.received() > 100 && after.applied() > 100, before.summary() + after.summary());
        assertTrue(before.balanced() && after.balanced(), before.summary() + after.summary());
    }

    @Test
    void aMisbehavingClientDoesNotDisturbAHealthyRadio() throws Exception {
        SimReport r;
        MetricsSnapshot m;
        try (Controller c = new Controller(ControllerConfig.builder().port(0).defaultSolver("rzf")
                .maxFrameBytes(64 * 1024).build()).start();
                SimRadio radio = new SimRadio(scenario("good", 5), "127.0.0.1", c.port())) {
            Thread bad = Thread.ofPlatform().daemon().start(() -> misbehave(c.port()));
            r = radio.run(SEND, DRAIN);
            bad.join(10_000);
            m = awaitBalanced(c);
        }
        assertEquals(0, r.unaccounted(), r.summary());
        assertEquals(r.reportsSent(), r.reportsApplied() + r.droppedTotal(), r.summary());
        assertEquals(Map.of(), withoutLatencyDrops(r.reportsDropped()), "the healthy radio saw only timing drops");
        assertTrue(m.rejected(Reject.Reason.MALFORMED) >= 1, m.summary());
        assertTrue(m.rejected(Reject.Reason.FRAME_TOO_LONG) >= 1, m.summary());
        assertTrue(m.balanced(), m.summary());
    }

    @Test
    void aClientThatNeverReadsDoesNotStallAHealthyRadio() throws Exception {
        SimReport r;
        MetricsSnapshot m;
        try (Controller c = new Controller(ControllerConfig.builder().port(0).defaultSolver("rzf")
                .writeBufferWaterMarks(16 * 1024, 64 * 1024).sendBufferBytes(16 * 1024).build()).start();
                SimRadio radio = new SimRadio(scenario("healthy", 9), "127.0.0.1", c.port());
                Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new java.net.InetSocketAddress("127.0.0.1", c.port()));
            OutputStream out = new java.io.BufferedOutputStream(slow.getOutputStream(), 1 << 16);
            FrontEndHello hello = FrontEndHello.newBuilder().setRadioId("slow").setMaxPowerW(1)
                    .setTxArray(ArrayGeometry.newBuilder().setHorizontal(64).setVertical(1).setSpacingWavelengths(0.5))
                    .build();
            FrontEndMessage.newBuilder().setHello(hello).build().writeDelimitedTo(out);
            org.isac.proto.v1.CsiReport.Builder rep = org.isac.proto.v1.CsiReport.newBuilder().setRadioId("slow")
                    .addNoisePowerW(0.1).setPowerBudgetW(1);
            org.isac.proto.v1.ComplexMatrix.Builder ch = rep.getChannelBuilder().setRows(64).setCols(4);
            java.util.Random rnd = new java.util.Random(1);
            for (int i = 0; i < 256; i++) {
                ch.addRe((float) rnd.nextGaussian()).addIm((float) rnd.nextGaussian());
            }
            Thread flood = Thread.ofPlatform().daemon().start(() -> {
                try {
                    for (int seq = 1; seq <= 3000; seq++) {
                        FrontEndMessage.newBuilder().setCsi(rep.setSequence(seq)).build().writeDelimitedTo(out);
                        if (seq % 50 == 0) {
                            out.flush();
                            Thread.sleep(1);
                        }
                    }
                    out.flush();
                } catch (IOException | InterruptedException e) {
                    // the controller may close a connection it cannot write to
                }
            });
            r = radio.run(SEND, DRAIN);
            flood.join(20_000);
            m = awaitBalanced(c);
        }
        assertEquals(0, r.unaccounted(), r.summary());
        assertEquals(r.reportsSent(), r.reportsApplied() + r.droppedTotal(), r.summary());
        assertEquals(REPORTS, r.reportsSent(), r.summary());
        assertTrue(r.reportsApplied() >= 10, "the healthy radio kept getting weights: " + r.summary());
        assertEquals(Map.of(), withoutLatencyDrops(r.reportsDropped()), "the healthy radio saw only timing drops");
        assertTrue(m.unsentBackpressure() > 0, "the reader that never reads hit the outbound bound: " + m.summary());
        assertEquals(m.received(), m.solved() + m.superseded() + m.stale() + m.rejected(), m.summary());
    }

    private static Map<String, Long> withoutLatencyDrops(Map<String, Long> dropped) {
        Map<String, Long> d = new java.util.TreeMap<>(dropped);
        d.remove("SUPERSEDED");
        d.remove("STALE");
        return d;
    }

    /** Hello, then garbage, then a frame over the limit; reads answers until the controller closes. */
    private static void misbehave(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            FrontEndHello hello = FrontEndHello.newBuilder().setRadioId("bad").setRfChains(0).setMaxPowerW(1)
                    .setTxArray(ArrayGeometry.newBuilder().setHorizontal(16).setVertical(1).setSpacingWavelengths(0.5))
                    .setMaxUsers(4).build();
            FrontEndMessage.newBuilder().setHello(hello).build().writeDelimitedTo(out);
            byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02};
            CodedOutputStream cos = CodedOutputStream.newInstance(out);
            cos.writeUInt32NoTag(garbage.length);
            cos.writeRawBytes(garbage);
            cos.writeUInt32NoTag(1 << 20); // announced length beyond maxFrameBytes
            cos.flush();
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            while (ControllerMessage.parseDelimitedFrom(in) != null) {
                // drain until the controller closes the connection
            }
        } catch (IOException expected) {
            // connection closed by the controller
        }
    }

    private static double[] noiseVector(Applied a) {
        double[] n = new double[a.csi().cols()];
        java.util.Arrays.fill(n, a.noise());
        return n;
    }

    /** The controller counts WeightApplied asynchronously; wait until the books balance. */
    private static MetricsSnapshot awaitBalanced(Controller c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        MetricsSnapshot m = c.metrics();
        while ((!m.balanced() || m.applied() < m.sent()) && System.nanoTime() < end) {
            Thread.sleep(20);
            m = c.metrics();
        }
        return m;
    }
}
