package org.isac.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.isac.solver.channel.ChannelModel;
import org.isac.solver.channel.RicianPathLoss;
import org.isac.solver.channel.SalehValenzuela;
import org.isac.solver.channel.WidebandSalehValenzuela;
import org.isac.solver.linalg.CMatrix;
import org.junit.jupiter.api.Test;

class ChannelProcessTest {
    private static final long STEP_NS = 100_000;
    /** Tolerance of an empirical correlation over a few thousand steps of N·K entries. */
    private static final double CORR_TOL = 0.02;

    @Test
    void rhoOneKeepsTheChannelFixed() {
        ChannelProcess p = new ChannelProcess(new SalehValenzuela(16, 4), 1.0, STEP_NS, 5);
        p.start(0);
        CMatrix h0 = new CMatrix().copyFrom(p.channel());
        assertTrue(h0.frobeniusNorm2() > 0);
        assertEquals(1000, p.advanceTo(1000 * STEP_NS));
        assertEquals(1000, p.steps());
        assertArrayEquals(Arrays.copyOf(h0.re, 64), Arrays.copyOf(p.channel().re, 64), 0.0);
        assertArrayEquals(Arrays.copyOf(h0.im, 64), Arrays.copyOf(p.channel().im, 64), 0.0);
    }

    @Test
    void widebandSubbandsEvolveWithOneJointDrawAndKeepTheirPower() {
        // B = 0: every subband of every draw is the same channel, so one joint innovation per step keeps them equal
        ChannelProcess same = new ChannelProcess(new WidebandSalehValenzuela(16, 4, 8, 1, 0, 28e9, 4, 50e-9, false), 0.9,
                STEP_NS, 3);
        same.start(0);
        for (int t = 1; t <= 50; t++) {
            same.advanceTo(t * STEP_NS);
            for (int b = 1; b < 4; b++) {
                assertArrayEquals(Arrays.copyOf(same.channel(0).re, 64), Arrays.copyOf(same.channel(b).re, 64), 0.0);
                assertArrayEquals(Arrays.copyOf(same.channel(0).im, 64), Arrays.copyOf(same.channel(b).im, 64), 0.0);
            }
        }
        // 400 MHz, 4 subbands, 50 ns delays: subbands differ, each keeps E||H_s||^2 = N·K under the Gauss-Markov steps
        ChannelProcess p = new ChannelProcess(new WidebandSalehValenzuela(16, 4, 8, 1, 400e6, 28e9, 4, 50e-9, false), 0.5,
                STEP_NS, 9);
        assertEquals(4, p.subbands());
        p.start(0);
        assertNotEquals(p.channel(0).re[0], p.channel(3).re[0]);
        double[] power = new double[4];
        int steps = 4000;
        for (int t = 1; t <= steps; t++) {
            p.advanceTo(t * STEP_NS);
            for (int b = 0; b < 4; b++) {
                power[b] += p.channel(b).frobeniusNorm2() / steps;
            }
        }
        for (int b = 0; b < 4; b++) {
            assertEquals(64, power[b], 64 * 0.08, "subband " + b + " mean power " + Arrays.toString(power));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> p.channel(4));
        CMatrix est = new CMatrix();
        p.estimate(2, 0, est);
        assertArrayEquals(Arrays.copyOf(p.channel(2).re, 64), Arrays.copyOf(est.re, 64), 0.0, "mu = 0: the estimate is the channel");
    }

    @Test
    void speedZeroScenarioIsStatic() {
        ChannelProcess p = ChannelProcess.of(Scenario.builder().speedMps(0).antennas(8).users(2).build());
        assertEquals(1.0, p.rho());
        p.start(0);
        double before = p.channel().re[3];
        p.advanceTo(5_000_000_000L);
        assertEquals(before, p.channel().re[3], 0.0);
    }

    @Test
    void stepCorrelationMatchesRho() {
        for (double rho : new double[] {0.9, 0.5}) {
            assertEquals(rho, lagCorrelation(new SalehValenzuela(16, 4), rho, 1, 3000), CORR_TOL, "SV rho " + rho);
            // Rician: correlation of the scattered part (LoS removed) is rho
            assertEquals(rho, lagCorrelation(new RicianPathLoss(16, 4, 0, 5e9, 1, 2.9, 0, 30, 30, 1, 1e6), rho, 1, 3000),
                    CORR_TOL, "Rician rho " + rho);
        }
    }

    @Test
    void aGapOfNStepsHasCorrelationRhoToTheN() {
        // one advanceTo over 5 steps must decorrelate like 5 single steps: 0.9^5 = 0.59
        assertEquals(Math.pow(0.9, 5), lagCorrelation(new SalehValenzuela(16, 4), 0.9, 5, 3000), CORR_TOL);
    }

    @Test
    void stationaryPowerIsKept() {
        ChannelProcess p = new ChannelProcess(new SalehValenzuela(32, 4), 0.7, STEP_NS, 11);
        p.start(0);
        double sum = 0;
        int steps = 2000;
        for (int i = 0; i < steps; i++) {
            p.step();
            sum += p.channel().frobeniusNorm2();
        }
        // E||h_k||^2 = N for SV, so E||H||_F^2 = N*K = 128
        assertEquals(128, sum / steps, 128 * 0.05);
    }

    @Test
    void partialStepsAccumulate() {
        ChannelProcess p = new ChannelProcess(new SalehValenzuela(4, 2), 0.9, STEP_NS, 1);
        p.start(1_000);
        assertEquals(2, p.advanceTo(1_000 + 250_000));
        assertEquals(0, p.advanceTo(1_000 + 299_999));
        assertEquals(1, p.advanceTo(1_000 + 300_000));
        assertEquals(1_000 + 300_000, p.timeNs());
        assertEquals(0, p.advanceTo(0), "time never runs backwards");
    }

    @Test
    void perfectCsiIsTheTrueChannelAndNoisyCsiIsNot() {
        ChannelProcess p = new ChannelProcess(new SalehValenzuela(16, 4), 0.95, STEP_NS, 3);
        p.start(0);
        p.advanceTo(7 * STEP_NS);
        CMatrix est = new CMatrix();
        p.estimate(0.0, est);
        assertEquals(16, est.rows());
        assertEquals(4, est.cols());
        assertArrayEquals(Arrays.copyOf(p.channel().re, 64), Arrays.copyOf(est.re, 64), 0.0);
        assertArrayEquals(Arrays.copyOf(p.channel().im, 64), Arrays.copyOf(est.im, 64), 0.0);
        p.estimate(0.5, est);
        assertNotEquals(p.channel().re[0], est.re[0]);
    }

    @Test
    void sameSeedSameChannelWhateverTheEstimates() {
        ChannelProcess a = new ChannelProcess(new SalehValenzuela(8, 2), 0.8, STEP_NS, 42);
        ChannelProcess b = new ChannelProcess(new SalehValenzuela(8, 2), 0.8, STEP_NS, 42);
        a.start(0);
        b.start(0);
        CMatrix est = new CMatrix();
        for (int i = 1; i <= 20; i++) {
            a.advanceTo(i * STEP_NS);
            a.estimate(0.3, est); // draws only from the estimation stream
            b.advanceTo(i * STEP_NS);
        }
        assertArrayEquals(Arrays.copyOf(a.channel().re, 16), Arrays.copyOf(b.channel().re, 16), 0.0);
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new ChannelProcess(new SalehValenzuela(4, 2), 1.5, STEP_NS, 1));
        assertThrows(IllegalArgumentException.class, () -> new ChannelProcess(new SalehValenzuela(4, 2), 0.5, 0, 1));
    }

    /**
     * Empirical Re Σ conj(g_t)·g_{t+lag} / Σ |g_t|² over time, g = h minus its mean (removes a
     * Rician line of sight), advancing {@code lag} steps per sample with one advanceTo each.
     */
    private static double lagCorrelation(ChannelModel model, double rho, int lag, int samples) {
        ChannelProcess p = new ChannelProcess(model, rho, STEP_NS, 99);
        p.start(0);
        int size = model.antennas() * model.users();
        double[][] re = new double[samples][size], im = new double[samples][size];
        double[] mr = new double[size], mi = new double[size];
        for (int t = 0; t < samples; t++) {
            p.advanceTo((long) (t + 1) * lag * STEP_NS);
            System.arraycopy(p.channel().re, 0, re[t], 0, size);
            System.arraycopy(p.channel().im, 0, im[t], 0, size);
            for (int i = 0; i < size; i++) {
                mr[i] += re[t][i] / samples;
                mi[i] += im[t][i] / samples;
            }
        }
        double num = 0, den = 0;
        for (int t = 0; t + 1 < samples; t++) {
            for (int i = 0; i < size; i++) {
                double ar = re[t][i] - mr[i], ai = im[t][i] - mi[i];
                double br = re[t + 1][i] - mr[i], bi = im[t + 1][i] - mi[i];
                num += ar * br + ai * bi;
                den += ar * ar + ai * ai;
            }
        }
        return num / den;
    }
}
