package org.isac.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.solver.Scatterers;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.metric.CrlbFim;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The CRLB the simulated radio reports is seed 004's tr(F⁻¹) of the precoder it applied, for
 * the scenario's true targets and geometry: checked against {@link CrlbFim} evaluated
 * directly on the same (float32-rounded, as on the wire) precoder.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SimRadioCrlbTest {
    /** Relative tolerance: the radio averages identical per-update values. */
    private static final double REL_TOL = 1e-9;
    private static final Duration SEND = Duration.ofMillis(300);
    private static final Duration DRAIN = Duration.ofSeconds(5);
    private static final double FRAME_LENGTH = 20;
    private static final double RADAR_NOISE_W = 0.5;

    /** Seed 004's two targets as the authors' Table I runs keep them (drawn once, fixed for every channel), elevation ε = π/2 − φ. */
    private static Scenario.Builder seed004Scenario() {
        double[] theta = {-0.7398327, -0.8538041};
        double[] phi = {-0.6570951, -0.3234569};
        return Scenario.builder().set("txArray", "4x4").set("rxArray", "5x4").users(4).speedMps(0).seed(7)
                .targetsDeg(Math.toDegrees(theta[0]), Math.toDegrees(theta[1]))
                .targetsElevationDeg(90 - Math.toDegrees(phi[0]), 90 - Math.toDegrees(phi[1]))
                .targetsGainRe(0.0870197, -0.0399207).targetsGainIm(0.0000625, 0.1170003)
                .param("frame_length", FRAME_LENGTH).param("radar_noise_w", RADAR_NOISE_W)
                .reportPeriodUs(2000);
    }

    @Test
    void reportedCrlbIsTheFimOfTheAppliedPrecoderForTheTrueTargets() throws Exception {
        Scenario s = seed004Scenario().build();
        assertEquals(16, s.antennas());
        // a known precoder N × (K + 3M), total power P_t, as float32 (the wire's precision)
        SplittableRandom rng = new SplittableRandom(11);
        CMatrix w = new CMatrix(16, 10);
        for (int i = 0; i < w.size(); i++) {
            w.re[i] = rng.nextGaussian();
            w.im[i] = rng.nextGaussian();
        }
        w.scale(Math.sqrt(s.powerW() / w.frobeniusNorm2()));
        for (int i = 0; i < w.size(); i++) {
            w.re[i] = (float) w.re[i];
            w.im[i] = (float) w.im[i];
        }
        Scatterers truth = new Scatterers();
        truth.add(-0.7398327, Math.PI / 2 + 0.6570951, 0.0870197, 0.0000625);
        truth.add(-0.8538041, Math.PI / 2 + 0.3234569, -0.0399207, 0.1170003);
        CrlbFim direct = new CrlbFim();
        direct.setTargets(new ArrayShape(4, 4), new ArrayShape(5, 4), truth);
        double[] fim = new double[64];
        direct.fim(w, FRAME_LENGTH, RADAR_NOISE_W, fim);
        double expected = direct.crlb(fim, new double[64]);
        assertTrue(Double.isFinite(expected) && expected > 0, "test precoder must give a finite CRLB, got " + expected);

        SimReport r;
        FrontEndHello hello;
        CsiReport first;
        try (FakeController c = new FakeController().start();
                SimRadio radio = new SimRadio(s, "127.0.0.1", c.port())) {
            c.rejectEvery = 0;
            c.fixedBaseband = w;
            r = radio.run(SEND, DRAIN);
            c.awaitClosed(1);
            hello = c.hellos.get(0);
            first = c.firstReport;
        }
        assertEquals(4, hello.getTxArray().getHorizontal());
        assertEquals(4, hello.getTxArray().getVertical());
        assertEquals(5, hello.getRxArray().getHorizontal());
        assertEquals(4, hello.getRxArray().getVertical());
        assertEquals(16, first.getChannel().getRows());
        assertEquals(2, first.getTargetsCount());
        assertEquals(Math.PI / 2 + 0.6570951, first.getTargets(0).getElevationRad(), 1e-12);
        assertEquals(-0.0399207, first.getTargets(1).getGainRe(), 1e-12);
        assertEquals(0.1170003, first.getTargets(1).getGainIm(), 1e-12);

        assertEquals(0, r.unaccounted());
        assertTrue(r.reportsApplied() > 10, "applied " + r.reportsApplied());
        assertEquals(r.reportsApplied(), r.count(Extra.CRLB), "one CRLB per applied update");
        assertEquals(0, r.count(Extra.CRLB_SINGULAR));
        assertEquals(expected, r.mean(Extra.CRLB), REL_TOL * expected);
        assertEquals(expected, r.mean(Extra.CRLB_UNQUANTIZED), REL_TOL * expected, "float weights: nothing quantized");
        assertEquals(0, r.count(Extra.TAU), "tau (ULA beampattern) is not evaluated on a UPA");
        JsonObject m = JsonParser.parseString(r.toJson()).getAsJsonObject().getAsJsonObject("measurements");
        assertEquals(expected, m.getAsJsonObject("crlb").get("mean").getAsDouble(), REL_TOL * expected);
        assertTrue(r.summary().contains("sensing CRLB"), r.summary());
    }

    @Test
    void aPrecoderThatIlluminatesNothingCountsAsSingular() throws Exception {
        Scenario s = seed004Scenario().build();
        SimReport r;
        try (FakeController c = new FakeController().start();
                SimRadio radio = new SimRadio(s, "127.0.0.1", c.port())) {
            c.rejectEvery = 0;
            c.fixedBaseband = new CMatrix(16, 4); // all zero: F = 0
            r = radio.run(SEND, DRAIN);
            c.awaitClosed(1);
        }
        assertEquals(0, r.unaccounted());
        assertTrue(r.reportsApplied() > 0);
        assertEquals(r.reportsApplied(), r.count(Extra.CRLB_SINGULAR));
        assertEquals(0, r.count(Extra.CRLB));
        assertEquals(0, r.count(Extra.CRLB_UNQUANTIZED));
    }

    @Test
    void lineArraysReportNoCrlb() throws Exception {
        // on a ULA azimuth and elevation are not separately identifiable: F is singular, nothing is recorded
        Scenario s = Scenario.builder().antennas(16).users(4).speedMps(0).seed(7).build();
        assertTrue(!s.planarArray());
        SimReport r;
        try (FakeController c = new FakeController().start();
                SimRadio radio = new SimRadio(s, "127.0.0.1", c.port())) {
            r = radio.run(SEND, DRAIN);
            c.awaitClosed(1);
            assertEquals(1, c.hellos.get(0).getTxArray().getVertical());
        }
        assertEquals(0, r.unaccounted());
        assertEquals(0, r.count(Extra.CRLB));
        assertEquals(0, r.count(Extra.CRLB_SINGULAR));
        assertTrue(r.count(Extra.TAU) > 0, "tau still evaluated on a ULA");
    }
}
