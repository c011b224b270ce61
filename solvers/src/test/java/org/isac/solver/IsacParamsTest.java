package org.isac.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.metric.CrlbFim;
import org.isac.solver.metric.IsacRates;
import org.junit.jupiter.api.Test;

class IsacParamsTest {
    private static Problem problem(SplittableRandom rng) {
        Problem p = new Problem();
        p.tx = new ArrayShape(3, 2);
        p.rx = new ArrayShape(2, 3);
        p.channel.copyFrom(TestData.gaussian(rng, 6, 2));
        p.powerBudgetW = 1;
        p.noise = new double[] {0.1, 0.3};
        p.targets.add(0.3, 0.6, 0.8, 0.2);
        p.targets.add(-0.5, 0.9, 0.5, -0.4);
        return p;
    }

    @Test
    void defaultsAndRanges() {
        Problem p = problem(new SplittableRandom(71));
        assertEquals(30, IsacParams.frameLength(p));
        assertEquals(0.25, IsacParams.deltaC(p));
        assertEquals(1, IsacParams.deltaS(p));
        assertEquals(1, IsacParams.delta(p));
        assertEquals(6, IsacParams.sensingStreams(p, 2));
        assertEquals(0.2, IsacParams.radarNoiseW(p), 1e-15);
        assertFalse(IsacParams.perAntennaPower(p, false));
        assertTrue(IsacParams.perAntennaPower(p, true));
        p.perAntennaPower = true;
        assertTrue(IsacParams.perAntennaPower(p, false));
        p.params.put(IsacParams.PER_ANTENNA_POWER, 0);
        assertFalse(IsacParams.perAntennaPower(p, true));
        String[] names = {IsacParams.FRAME_LENGTH, IsacParams.DELTA_C, IsacParams.DELTA_S, IsacParams.DELTA, IsacParams.RADAR_NOISE_W,
            IsacParams.SENSING_STREAMS, IsacParams.PER_ANTENNA_POWER};
        double[] bad = {0, -1, -0.5, Double.NaN, 0, 7, 0.5};
        for (int i = 0; i < names.length; i++) {
            Problem q = problem(new SplittableRandom(72));
            q.params.put(names[i], bad[i]);
            int idx = i;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
                switch (idx) {
                    case 0 -> IsacParams.frameLength(q);
                    case 1 -> IsacParams.deltaC(q);
                    case 2 -> IsacParams.deltaS(q);
                    case 3 -> IsacParams.delta(q);
                    case 4 -> IsacParams.radarNoiseW(q);
                    case 5 -> IsacParams.sensingStreams(q, 2);
                    default -> IsacParams.perAntennaPower(q, false);
                }
            });
            assertTrue(e.getMessage().contains(names[i]), e.getMessage());
        }
        Problem q = problem(new SplittableRandom(73));
        q.params.put(IsacParams.SENSING_STREAMS, 2.5);
        assertThrows(IllegalArgumentException.class, () -> IsacParams.sensingStreams(q, 2));
    }

    /**
     * sca-crlb takes frame_length, radar_noise_w, delta_c, delta_s, sensing_streams and
     * per_antenna_power from the report: its predicted CRLB and objective equal a
     * recomputation on its output with those values, and the output has K + N_s columns.
     */
    @Test
    void scaCrlbReadsEveryIsacParameter() {
        SplittableRandom rng = new SplittableRandom(74);
        Precoder out = new Precoder();
        Solver s = SolverRegistry.create("sca-crlb");
        CrlbFim fim = new CrlbFim();
        double[] f = new double[64], inv = new double[64], rates = new double[2];
        for (int trial = 0; trial < 3; trial++) {
            Problem p = problem(rng);
            double l = 7 + 20 * trial, s2 = 0.05 * (trial + 1), dc = 0.4 + trial, ds = 0.3 * (trial + 1);
            int ns = trial * 2;
            p.params.put(IsacParams.FRAME_LENGTH, l);
            p.params.put(IsacParams.RADAR_NOISE_W, s2);
            p.params.put(IsacParams.DELTA_C, dc);
            p.params.put(IsacParams.DELTA_S, ds);
            p.params.put(IsacParams.SENSING_STREAMS, ns);
            p.params.put(IsacParams.PER_ANTENNA_POWER, trial == 1 ? 1 : 0);
            p.params.put("max_iter", 50);
            s.solve(p, out);
            CMatrix w = out.baseband;
            assertEquals(2 + ns, w.cols());
            fim.setTargets(p.tx, p.rx, p.targets);
            fim.fim(w, l, s2, f);
            double crlb = fim.invert(f, inv);
            double rate = IsacRates.ratesNats(p.channel, w, p.noise, rates);
            assertEquals(crlb, out.predicted.get("crlb", Double.NaN), 1e-9 * crlb);
            assertEquals(dc * rate - ds * crlb, out.predicted.get("objective", Double.NaN), 1e-9 * (dc * rate + ds * crlb));
            if (trial == 1) {
                for (int i = 0; i < w.rows(); i++) {
                    double r2 = 0;
                    for (int c = 0; c < w.cols(); c++) {
                        r2 += w.re(i, c) * w.re(i, c) + w.im(i, c) * w.im(i, c);
                    }
                    assertEquals(p.powerBudgetW / w.rows(), r2, 1e-12);
                }
            }
        }
    }

    @Test
    void wmmseRejectsPerAntennaPower() {
        Problem p = problem(new SplittableRandom(75));
        p.params.put(IsacParams.PER_ANTENNA_POWER, 1);
        assertThrows(IllegalArgumentException.class, () -> SolverRegistry.create("wmmse").solve(p, new Precoder()));
        p.params.put(IsacParams.PER_ANTENNA_POWER, 0);
        SolverRegistry.create("wmmse").solve(p, new Precoder());
    }
}
