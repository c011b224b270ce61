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
    private static final Duration SEND = Duration.ofMillis(800);
    private static final Duration DRAIN = Duration.ofSeconds(10);

    private record Applied(long seq, CMatrix csi, CMatrix h, CMatrix x, double noise, double rate) {
    }

    /** 400 Hz for 0.8 s: about 320 reports; a generous deadline so a loaded CI machine drops few. */
    private static Scenario scenario(String id, long seed) {
        return Scenario.builder().set("radioId", id).set("seed", Long.toString(seed))
                .set("antennas", "64").set("users", "4").set("reportPeriodUs", "2500")
                .set("deadlineBudgetUs", "200000").set("speedMps", "3").build();
    }

    @Test
    void everyReportIsAccountedForAndAppliedRzfMatchesTheOfflineSolve() throws Exception {
        List<Applied> seen = Collections.synchronizedList(new ArrayList<>());
        SimReport r;
        MetricsSnapshot m;
        try (Controller c = new Controller(ControllerConfig.builder().port(0).defaultSolver("rzf").build()).start();
                SimRadio radio = new SimRadio(scenario("e2e-0", 11), "127.0.0.1", c.port())) {
            radio.listener((seq, csi, h, x, noise, rate) -> seen.add(new Applied(seq, new CMatrix().copyFrom(csi),
                    new CMatrix().copyFrom(h), new CMatrix().copyFrom(x), noise, rate)));
            r = radio.run(SEND, DRAIN);
            m = awaitBalanced(c);
        }
        long sent = r.reportsSent();
        assertTrue(sent >= 200, "a few hundred reports expected, got " + sent);
        assertEquals("completed", r.termination());
        // radio side: every report applied or dropped with a reason
        assertEquals(0, r.unaccounted(), r.summary());
        assertEquals(sent, r.reportsApplied() + r.droppedTotal(), r.summary());
        assertEquals(0, r.duplicateAnswers());
        assertEquals(0, r.unknownAnswers());
        assertEquals(0, r.powerViolations());
        // how many are superseded or stale depends on the machine's load; the books must balance either way
        assertTrue(r.reportsApplied() >= 20, "too few reports applied to compare: " + r.summary());
        // controller side: every received report ended solved, superseded, stale or rejected
        assertEquals(sent, m.received(), m.summary());
        assertTrue(m.balanced(), m.summary());
        assertEquals(m.received(), m.solved() + m.superseded() + m.stale() + m.rejected(), m.summary());
        assertEquals(0, m.rejected(), m.summary());
        assertEquals(m.solved(), m.sent(), m.summary());
        assertEquals(r.reportsApplied(), m.sent(), "every update sent was applied");
        assertEquals(r.reportsApplied(), m.applied(), "every WeightApplied reached the controller");
        // both sides agree on the drops
        long droppedController = m.superseded() + m.stale();
        assertEquals(droppedController, r.droppedTotal(), r.summary() + m.summary());

        // applied weights = the offline rzf solve of the same reported CSI (float32 on the wire)
        assertEquals(r.reportsApplied(), seen.size());
        Solver rzf = SolverRegistry.create("rzf");
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
            CMatrix off = x.baseband;
            assertEquals(off.rows(), a.x().rows());
            assertEquals(off.cols(), a.x().cols());
            double diff = 0;
            for (int i = 0; i < off.size(); i++) {
                double dr = off.re[i] - a.x().re[i];
                double di = off.im[i] - a.x().im[i];
                diff += dr * dr + di * di;
            }
            worstRel = Math.max(worstRel, Math.sqrt(diff / off.frobeniusNorm2()));
            double offlineRate = Metrics.sumRateBits(a.h(), off, noiseVector(a), scratch);
            assertEquals(offlineRate, a.rate(), 1e-4 * Math.max(1, offlineRate),
                    "sequence " + a.seq() + ": applied rate vs offline rate on the same true channel");
            sumApplied += a.rate();
            sumOffline += offlineRate;
        }
        assertTrue(worstRel < 1e-5, "applied weights differ from the offline solve by " + worstRel + " (relative)");
        assertEquals(sumOffline / seen.size(), r.achievedSumRateBits(), 1e-4 * Math.abs(sumOffline / seen.size()));
        assertEquals(sumApplied / seen.size(), r.achievedSumRateBits(), 1e-9 * Math.abs(sumApplied / seen.size()) + 1e-12);
        assertTrue(r.achievedSumRateBits() > 5, "rzf at 12 dB, N=64, K=4 should give well over 5 bit/s/Hz: " + r.summary());
        assertTrue(r.zfSumRateBits() > 0 && r.genieSumRateBits() > 0, r.summary());
    }

    @Test
    void aMisbehavingClientDoesNotDisturbAHealthyRadio() throws Exception {
        SimReport r;
        MetricsSnapshot m;
        try (Controller c = new Controller(ControllerConfig.builder().port(0).defaultSolver("rzf")
                .maxFrameBytes(64 * 1024).build()).start();
                SimRadio radio = new SimRadio(scenario("good", 5), "127.0.0.1", c.port())) {
            Thread bad = Thread.ofPlatform().daemon().start(() -> misbehave(c.port()));
            r = radio.run(Duration.ofMillis(500), DRAIN);
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
