package org.isac.solver.digital;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.TestData;
import org.isac.solver.metric.Metrics;
import org.junit.jupiter.api.Test;

class WmmseSolverTest {
    private static final double MONOTONE_REL_TOL = 1e-9;
    private static final double POWER_REL_TOL = 1e-12;

    private static Problem rayleigh(SplittableRandom rng, int n, int k, double snrDb) {
        Problem p = new Problem();
        p.channel.copyFrom(TestData.gaussian(rng, n, k));
        p.powerBudgetW = 1;
        p.setNoise(k, Math.pow(10, -snrDb / 10));
        return p;
    }

    @Test
    void sumRateNeverDecreasesAndPowerIsFull() {
        SplittableRandom rng = new SplittableRandom(31);
        WmmseSolver s = (WmmseSolver) SolverRegistry.create("wmmse");
        double[] trace = new double[200];
        s.traceSumRate(trace);
        Precoder out = new Precoder();
        double[] scratch = new double[16];
        for (int trial = 0; trial < 30; trial++) {
            int n = 4 + trial % 5 * 3, k = 2 + trial % 7;
            Problem p = rayleigh(rng, n, k, -5 + trial % 6 * 5);
            p.params.put("init", trial % 2);
            p.params.put("tol", 0);
            p.params.put("max_iter", 60);
            s.solve(p, out);
            int len = s.traceLength();
            assertEquals(out.iterations + 1, len);
            for (int i = 1; i < len; i++) {
                assertTrue(trace[i] >= trace[i - 1] - MONOTONE_REL_TOL * Math.abs(trace[i - 1]),
                        "trial " + trial + " (N=" + n + ", K=" + k + "): rate dropped at " + i + ": " + trace[i - 1] + " -> " + trace[i]);
            }
            assertEquals(n, out.baseband.rows());
            assertEquals(k, out.baseband.cols());
            assertEquals(p.powerBudgetW, out.baseband.frobeniusNorm2(), POWER_REL_TOL * p.powerBudgetW);
            double r = Metrics.sumRateNats(p.channel, out.baseband, p.noise, scratch);
            assertEquals(r, out.predicted.get("sum_rate_nats", Double.NaN), 1e-9 * r);
        }
    }

    /**
     * At moderate and high SNR, WMMSE started from RZF (init = 0) never ends below RZF on any
     * channel (its sum rate is non-decreasing from that start), and beats ZF and RZF on average.
     */
    @Test
    void beatsOrMatchesZeroForcingAndRegularisedZeroForcing() {
        SplittableRandom rng = new SplittableRandom(32);
        Solver w = SolverRegistry.create("wmmse"), zf = SolverRegistry.create("zf"), rzf = SolverRegistry.create("rzf");
        Precoder a = new Precoder(), b = new Precoder(), c = new Precoder();
        double[] scratch = new double[8];
        int channels = 50;
        for (double snrDb : new double[] {0, 10, 20, 30}) {
            double sw = 0, sz = 0, sr = 0;
            for (int trial = 0; trial < channels; trial++) {
                Problem p = rayleigh(rng, 8, 4 + trial % 3, snrDb);
                w.solve(p, a);
                zf.solve(p, b);
                rzf.solve(p, c);
                double rw = Metrics.sumRateNats(p.channel, a.baseband, p.noise, scratch);
                double rz = Metrics.sumRateNats(p.channel, b.baseband, p.noise, scratch);
                double rr = Metrics.sumRateNats(p.channel, c.baseband, p.noise, scratch);
                assertTrue(rw >= rr - MONOTONE_REL_TOL * rr, "SNR " + snrDb + " dB, channel " + trial + ": WMMSE " + rw + " < RZF " + rr);
                sw += rw;
                sz += rz;
                sr += rr;
            }
            assertTrue(sw > sz, "SNR " + snrDb + " dB: WMMSE " + sw / channels + " <= ZF " + sz / channels);
            assertTrue(sw > sr, "SNR " + snrDb + " dB: WMMSE " + sw / channels + " <= RZF " + sr / channels);
        }
    }

    @Test
    void handlesMoreUsersThanAntennas() {
        SplittableRandom rng = new SplittableRandom(33);
        Problem p = rayleigh(rng, 3, 6, 10);
        Precoder out = new Precoder();
        new WmmseSolver().solve(p, out);
        assertEquals(p.powerBudgetW, out.baseband.frobeniusNorm2(), POWER_REL_TOL);
        assertTrue(out.predicted.get("sum_rate_nats", 0) > 0);
    }

    @Test
    void singleUserReachesMatchedFilterCapacity() {
        SplittableRandom rng = new SplittableRandom(34);
        Problem p = rayleigh(rng, 6, 1, 5);
        Precoder out = new Precoder();
        new WmmseSolver().solve(p, out);
        double h2 = p.channel.frobeniusNorm2();
        assertEquals(Math.log1p(p.powerBudgetW * h2 / p.noise[0]), out.predicted.get("sum_rate_nats", 0), 1e-12);
    }

    @Test
    void allocationFreeAfterWarmUpAndRejectsPerAntenna() {
        SplittableRandom rng = new SplittableRandom(35);
        Solver s = SolverRegistry.create("wmmse");
        Problem p = rayleigh(rng, 16, 4, 10);
        Precoder out = new Precoder();
        for (int i = 0; i < 50; i++) {
            s.solve(p, out);
        }
        TestData.allocatedBytes();
        long before = TestData.allocatedBytes();
        for (int i = 0; i < 200; i++) {
            s.solve(p, out);
        }
        long allocated = TestData.allocatedBytes() - before;
        assertTrue(allocated < 2048, "wmmse allocated " + allocated + " bytes in 200 solves");
        p.perAntennaPower = true;
        assertThrows(IllegalArgumentException.class, () -> s.solve(p, out));
    }
}
