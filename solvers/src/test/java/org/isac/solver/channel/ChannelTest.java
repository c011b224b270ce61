package org.isac.solver.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.SolverRegistry;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.metric.Metrics;
import org.junit.jupiter.api.Test;

class ChannelTest {

    @Test
    void salehValenzuelaHasPowerN() {
        SplittableRandom rng = new SplittableRandom(21);
        SalehValenzuela sv = new SalehValenzuela(64, 4);
        CMatrix h = new CMatrix();
        double sum = 0;
        int draws = 2000;
        for (int i = 0; i < draws; i++) {
            sv.draw(rng, h);
            sum += h.frobeniusNorm2() / 4;
        }
        assertEquals(64, sum / draws, 64 * 0.05, "E‖h_k‖² = N");
    }

    @Test
    void planarArraysKeepThePowerAndLinearArraysTheDraws() {
        ArrayShape upa = new ArrayShape(4, 4);
        SalehValenzuela sv = new SalehValenzuela(upa, 4, 10);
        Rayleigh rayleigh = new Rayleigh(16, 4);
        SplittableRandom rng = new SplittableRandom(24);
        CMatrix h = new CMatrix();
        double sv2 = 0, ray2 = 0;
        int draws = 2000;
        for (int i = 0; i < draws; i++) {
            sv.draw(rng, h);
            sv2 += h.frobeniusNorm2() / 4;
            rayleigh.draw(rng, h);
            ray2 += h.frobeniusNorm2() / 4;
        }
        assertEquals(16, sv2 / draws, 16 * 0.05, "UPA: E‖h_k‖² = N");
        assertEquals(16, ray2 / draws, 16 * 0.05, "Rayleigh: E‖h_k‖² = N");
        // paths have elevations on a UPA: the elements of one column (h fixed, v varying) differ
        sv.draw(rng, h);
        assertTrue(Math.abs(h.re[0] - h.re[4]) + Math.abs(h.im[0] - h.im[4]) > 1e-6, "vertical phase progression");

        // a ULA given as a shape draws exactly what the size constructor draws
        CMatrix a = new CMatrix(), b = new CMatrix();
        new SalehValenzuela(16, 4, 10).draw(new SplittableRandom(5), a);
        new SalehValenzuela(ArrayShape.ula(16), 4, 10).draw(new SplittableRandom(5), b);
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.re[i], b.re[i], 0.0);
            assertEquals(a.im[i], b.im[i], 0.0);
        }
        // Rician line of sight on a UPA (users on the horizon): every element of a column h sees the same phase
        RicianPathLoss los = new RicianPathLoss(upa, 2, 1e24, 28e9, 1, 2, 0, 30, 40, Math.PI / 3, 1);
        los.draw(new SplittableRandom(6), h);
        for (int col = 0; col < 4; col++) {
            for (int v = 1; v < 4; v++) {
                int i0 = (col * 4) * 2, iv = (col * 4 + v) * 2;
                assertEquals(h.re[i0], h.re[iv], 1e-9 * Math.abs(h.re[i0]) + 1e-12);
                assertEquals(h.im[i0], h.im[iv], 1e-9 * Math.abs(h.im[i0]) + 1e-12);
            }
        }
    }

    /** docs/REFERENCE-SETUPS.md: ZF with N = 64, K = 4, σ² = 1 gives ≈ 15 bits/s/Hz at 0 dB and ≈ 30 at 12 dB. */
    @Test
    void zfRatesMatchTheAuthorsScale() {
        SplittableRandom rng = new SplittableRandom(22);
        SalehValenzuela sv = new SalehValenzuela(64, 4);
        Problem p = new Problem();
        Precoder out = new Precoder();
        double[] s = new double[4];
        double r0 = 0, r12 = 0;
        int draws = 200;
        for (int i = 0; i < draws; i++) {
            sv.draw(rng, p.channel);
            p.setNoise(4, 1.0);
            p.powerBudgetW = 1.0;
            SolverRegistry.create("zf").solve(p, out);
            r0 += Metrics.sumRateBits(p.channel, out.baseband, p.noise, s);
            p.powerBudgetW = Math.pow(10, 1.2);
            SolverRegistry.create("zf").solve(p, out);
            r12 += Metrics.sumRateBits(p.channel, out.baseband, p.noise, s);
        }
        assertEquals(15, r0 / draws, 2.0, "0 dB");
        assertEquals(30, r12 / draws, 2.5, "12 dB");
    }

    @Test
    void besselJ0KnownValues() {
        assertEquals(1.0, Fading.besselJ0(0), 1e-15);
        assertEquals(0.7651976865579666, Fading.besselJ0(1), 1e-12);
        assertEquals(0.0, Fading.besselJ0(2.404825557695773), 1e-12);
        assertEquals(0.2663396578803772, Fading.besselJ0(7.5), 1e-11);
        assertEquals(-0.2459357644513483, Fading.besselJ0(10), 1e-7);
        assertEquals(0.0, Fading.besselJ0(8.653727912911013), 1e-7);
        assertEquals(Fading.besselJ0(3.3), Fading.besselJ0(-3.3), 0);
    }

    @Test
    void gaussMarkovStepHasTheRequestedCorrelation() {
        SplittableRandom rng = new SplittableRandom(23);
        SalehValenzuela sv = new SalehValenzuela(32, 4);
        CMatrix h = new CMatrix(), prev = new CMatrix(), scratch = new CMatrix();
        double rho = Fading.gaussMarkovRho(Fading.dopplerHz(3, 28e9), 1e-3);
        assertTrue(rho > 0 && rho < 1, "ρ = " + rho);
        double cross = 0, p0 = 0, p1 = 0;
        for (int t = 0; t < 3000; t++) {
            sv.draw(rng, h);
            prev.copyFrom(h);
            sv.evolve(rng, rho, h, scratch);
            for (int i = 0; i < h.size(); i++) {
                cross += prev.re[i] * h.re[i] + prev.im[i] * h.im[i];
                p0 += prev.re[i] * prev.re[i] + prev.im[i] * prev.im[i];
                p1 += h.re[i] * h.re[i] + h.im[i] * h.im[i];
            }
        }
        assertEquals(rho, cross / Math.sqrt(p0 * p1), 0.02);
        assertEquals(1.0, p1 / p0, 0.03, "power is preserved");
        sv.draw(rng, h);
        prev.copyFrom(h);
        sv.evolve(rng, 1.0, h, scratch);
        for (int i = 0; i < h.size(); i++) {
            assertEquals(prev.re[i], h.re[i], 0);
        }
    }

    @Test
    void ricianPathLossFollowsEquationFour() {
        RicianPathLoss ch = RicianPathLoss.seed003(10, 10, 2.0, 1.0);
        // free-space term at 5 GHz, d0 = 1 m: 20·log10(4π·5e9/c0) ≈ 46.42 dB; plus 29·log10(d)
        assertEquals(46.42 + 29 * 2, ch.pathLossDb(100), 0.01);
        SplittableRandom rng = new SplittableRandom(24);
        CMatrix h = new CMatrix();
        ch.relocate(rng);
        double[] power = new double[10];
        int draws = 4000;
        for (int t = 0; t < draws; t++) {
            ch.draw(rng, h);
            for (int u = 0; u < 10; u++) {
                for (int i = 0; i < 10; i++) {
                    power[u] += (h.re(i, u) * h.re(i, u) + h.im(i, u) * h.im(i, u)) / draws / 10;
                }
            }
        }
        for (int u = 0; u < 10; u++) {
            assertTrue(ch.distance(u) >= 30 && ch.distance(u) <= 400);
            assertEquals(1.0, power[u] / ch.powerGain(u), 0.06, "mean entry power = β_k for user " + u);
        }
        CMatrix prev = new CMatrix().copyFrom(h);
        ch.evolve(rng, 1.0, h, new CMatrix());
        assertEquals(0.0, prev.re[7] - h.re[7], 1e-15, "ρ = 1 keeps the channel");
    }

    @Test
    void csiEstimateKeepsPowerAndExactAtZeroError() {
        SplittableRandom rng = new SplittableRandom(25);
        CMatrix h = new CMatrix(), est = new CMatrix();
        new SalehValenzuela(64, 4).draw(rng, h);
        Fading.estimate(rng, 0, h, est);
        for (int i = 0; i < h.size(); i++) {
            assertEquals(h.re[i], est.re[i], 0);
        }
        Fading.estimate(rng, 0.3, h, est);
        assertEquals(1.0, est.frobeniusNorm2() / h.frobeniusNorm2(), 0.1);
        assertThrows(IllegalArgumentException.class, () -> Fading.estimate(rng, 1.5, h, est));
    }
}
