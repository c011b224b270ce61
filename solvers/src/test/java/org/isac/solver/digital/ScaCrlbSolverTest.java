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
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;
import org.isac.solver.metric.CrlbFim;
import org.isac.solver.metric.IsacRates;
import org.junit.jupiter.api.Test;

class ScaCrlbSolverTest {
    private static final double MONOTONE_REL_TOL = 1e-9;
    private static final double POWER_REL_TOL = 1e-12;
    private static final double GRAD_REL_TOL = 1e-6;
    private static final double LD_REL_TOL = 1e-3;

    /** A smaller random instance: UPA 3×2 transmit, 2×3 receive, random targets. */
    private static Problem smallProblem(SplittableRandom rng, int users, int targets) {
        Problem p = new Problem();
        p.tx = new ArrayShape(3, 2);
        p.rx = new ArrayShape(2, 3);
        p.channel.copyFrom(TestData.gaussian(rng, 6, users));
        p.powerBudgetW = 1;
        p.setNoise(users, 0.1);
        for (int m = 0; m < targets; m++) {
            p.targets.add(rng.nextDouble(-1, 1), rng.nextDouble(0.3, 1.2), rng.nextDouble(0.2, 1), rng.nextDouble(-1, 1));
        }
        p.params.put("frame_length", 10);
        return p;
    }

    private static double objective(Problem p, CMatrix w, double dc, double ds, double l, double s2) {
        CrlbFim fim = new CrlbFim();
        fim.setTargets(p.tx, p.rx, p.targets);
        int q = 4 * p.targets.count();
        double[] f = new double[q * q], inv = new double[q * q];
        fim.fim(w, l, s2, f);
        double rate = IsacRates.ratesNats(p.channel, w, p.noise, new double[p.users()]);
        return dc * rate - ds * fim.invert(f, inv);
    }

    /** ∇f of eq. (32) against central differences of f = δ_c ΣR_k − δ_s tr(F⁻¹) (direct evaluation). */
    @Test
    void gradientMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(21);
        ScaCrlbSolver solver = new ScaCrlbSolver(false);
        for (int trial = 0; trial < 6; trial++) {
            Problem p = smallProblem(rng, 2 + trial % 2, 1 + trial % 2);
            p.params.put("delta_c", 0.7);
            p.params.put("delta_s", 0.05);
            int s = p.users() + 2;
            CMatrix w = TestData.gaussian(rng, 6, s);
            CMatrix g = new CMatrix();
            double f0 = solver.objectiveAndGradient(p, w, g);
            assertEquals(objective(p, w, 0.7, 0.05, 10, 0.1), f0, 1e-10 * Math.abs(f0));
            for (int dir = 0; dir < 4; dir++) {
                CMatrix d = TestData.gaussian(rng, 6, s);
                double h = 1e-6;
                CMatrix wp = new CMatrix(), wm = new CMatrix();
                wp.copyFrom(w);
                wm.copyFrom(w);
                for (int i = 0; i < w.size(); i++) {
                    wp.re[i] += h * d.re[i];
                    wp.im[i] += h * d.im[i];
                    wm.re[i] -= h * d.re[i];
                    wm.im[i] -= h * d.im[i];
                }
                double fd = (objective(p, wp, 0.7, 0.05, 10, 0.1) - objective(p, wm, 0.7, 0.05, 10, 0.1)) / (2 * h);
                double an = 0; // Re tr(∇ᴴ D)
                for (int i = 0; i < w.size(); i++) {
                    an += g.re[i] * d.re[i] + g.im[i] * d.im[i];
                }
                double scale = 0;
                for (int i = 0; i < w.size(); i++) {
                    scale += Math.hypot(g.re[i], g.im[i]) * Math.hypot(d.re[i], d.im[i]);
                }
                assertEquals(fd, an, GRAD_REL_TOL * scale, "directional derivative, trial " + trial);
            }
        }
    }

    @Test
    void objectiveNeverDecreasesAndMeetsPower() {
        SplittableRandom rng = new SplittableRandom(22);
        double[] trace = new double[400];
        Precoder out = new Precoder();
        for (String name : new String[] {"sca-crlb", "sca-crlb-ld"}) {
            ScaCrlbSolver solver = (ScaCrlbSolver) SolverRegistry.create(name);
            solver.traceObjective(trace);
            for (int trial = 0; trial < 6; trial++) {
                Problem p = trial % 2 == 0 ? smallProblem(rng, 3, 2) : Seed004Scenario.problem(rng, 4, 4);
                p.params.put("max_iter", 300);
                p.params.put("sensing_streams", trial % 3 == 0 ? 0 : 3 * p.targets.count());
                p.params.put("seed", trial);
                solver.solve(p, out);
                int n = solver.traceLength();
                assertEquals(out.iterations + 1, n);
                for (int i = 1; i < n; i++) {
                    assertTrue(trace[i] >= trace[i - 1] - MONOTONE_REL_TOL * Math.abs(trace[i - 1]),
                            name + " trial " + trial + ": f dropped at iteration " + i + ": " + trace[i - 1] + " -> " + trace[i]);
                }
                assertTrue(trace[n - 1] > trace[0]);
                CMatrix w = out.baseband;
                assertEquals(p.antennas(), w.rows());
                assertEquals(p.users() + (int) p.params.get("sensing_streams", 0), w.cols());
                assertEquals(p.powerBudgetW, w.frobeniusNorm2(), POWER_REL_TOL * p.powerBudgetW * 100);
                // predictions agree with an independent evaluation of W
                double f = objective(p, w, 0.25, 1, p.params.get("frame_length", 30), p.noise[0]);
                assertEquals(f, out.predicted.get("objective", Double.NaN), 1e-9 * Math.abs(f) + 1e-12);
            }
        }
    }

    @Test
    void perAntennaPowerHoldsEveryRow() {
        SplittableRandom rng = new SplittableRandom(23);
        ScaCrlbSolver solver = new ScaCrlbSolver(false);
        double[] trace = new double[300];
        solver.traceObjective(trace);
        Precoder out = new Precoder();
        for (int trial = 0; trial < 3; trial++) {
            Problem p = Seed004Scenario.problem(rng, 4, 4);
            p.perAntennaPower = true;
            p.params.put("max_iter", 200);
            solver.solve(p, out);
            CMatrix w = out.baseband;
            int s = w.cols();
            for (int i = 0; i < w.rows(); i++) {
                double r2 = 0;
                for (int j = 0; j < s; j++) {
                    r2 += w.re[i * s + j] * w.re[i * s + j] + w.im[i * s + j] * w.im[i * s + j];
                }
                assertEquals(p.powerBudgetW / p.antennas(), r2, POWER_REL_TOL * 100 * p.powerBudgetW);
            }
            for (int i = 1; i < solver.traceLength(); i++) {
                assertTrue(trace[i] >= trace[i - 1] - MONOTONE_REL_TOL * Math.abs(trace[i - 1]));
            }
        }
        Problem p = Seed004Scenario.problem(rng, 4, 4);
        p.perAntennaPower = true;
        assertThrows(IllegalArgumentException.class, () -> new ScaCrlbSolver(true).solve(p, new Precoder()));
    }

    /** Proposition 5: the LD reformulation reaches the full algorithm's objective. */
    @Test
    void lowDimensionalVariantReachesSameObjective() {
        SplittableRandom rng = new SplittableRandom(24);
        Solver full = SolverRegistry.create("sca-crlb"), ld = SolverRegistry.create("sca-crlb-ld");
        Precoder a = new Precoder(), b = new Precoder();
        for (int trial = 0; trial < 4; trial++) {
            Problem p = Seed004Scenario.problem(rng, trial < 2 ? 4 : 8, 4);
            p.params.put("tol", 1e-7);
            p.params.put("max_iter", 4000);
            full.solve(p, a);
            ld.solve(p, b);
            double fa = a.predicted.get("objective", Double.NaN), fb = b.predicted.get("objective", Double.NaN);
            double scale = Math.abs(0.25 * a.predicted.get("sum_rate_nats", 0)) + a.predicted.get("crlb", 0);
            assertEquals(fa, fb, LD_REL_TOL * scale, "trial " + trial);
            // the LD output is a genuine W = N·P with the full power
            assertEquals(p.powerBudgetW, b.baseband.frobeniusNorm2(), 1e-10 * p.powerBudgetW);
            assertEquals(a.baseband.cols(), b.baseband.cols());
        }
    }

    @Test
    void secondSolveAllocatesNothing() {
        SplittableRandom rng = new SplittableRandom(25);
        for (String name : new String[] {"sca-crlb", "sca-crlb-ld"}) {
            Solver s = SolverRegistry.create(name);
            Problem p = Seed004Scenario.problem(rng, 4, 4);
            p.params.put("max_iter", 50);
            Precoder out = new Precoder();
            s.solve(p, out);
            Seed004Scenario.redraw(rng, p, 4);
            s.solve(p, out);
            TestData.allocatedBytes();
            long before = TestData.allocatedBytes();
            for (int i = 0; i < 20; i++) {
                s.solve(p, out);
            }
            long allocated = TestData.allocatedBytes() - before;
            assertTrue(allocated < 2048, name + " allocated " + allocated + " bytes in 20 solves");
        }
    }

    @Test
    void rejectsBadParameters() {
        SplittableRandom rng = new SplittableRandom(26);
        Problem p = Seed004Scenario.problem(rng, 4, 4);
        p.params.put("sensing_streams", 7);
        assertThrows(IllegalArgumentException.class, () -> new ScaCrlbSolver(false).solve(p, new Precoder()));
        Problem q = Seed004Scenario.problem(rng, 4, 4);
        q.targets.clear();
        assertThrows(IllegalArgumentException.class, () -> new ScaCrlbSolver(false).solve(q, new Precoder()));
    }

    /** Equal-power check helper kept for the Kernels import (HᴴW shape). */
    @Test
    void outputFeedsRateMetric() {
        SplittableRandom rng = new SplittableRandom(27);
        Problem p = Seed004Scenario.problem(rng, 4, 4);
        p.params.put("max_iter", 100);
        Precoder out = new Precoder();
        SolverRegistry.create("sca-crlb").solve(p, out);
        CMatrix g = new CMatrix();
        Kernels.mulConjTransA(p.channel, out.baseband, g);
        double r = IsacRates.ratesFromProducts(g, p.noise, new double[4]);
        assertEquals(r, out.predicted.get("sum_rate_nats", Double.NaN), 1e-10 * r);
    }

    @Test
    void allocationFreeAfterWarmUp() {
        SplittableRandom rng = new SplittableRandom(29);
        Precoder out = new Precoder();
        for (String name : new String[] {"sca-crlb", "sca-crlb-ld"}) {
            Solver s = SolverRegistry.create(name);
            Problem p = smallProblem(rng, 3, 2);
            p.params.put("max_iter", 40);
            for (int i = 0; i < 20; i++) {
                s.solve(p, out);
            }
            long before = TestData.allocatedBytes();
            for (int i = 0; i < 50; i++) {
                s.solve(p, out);
            }
            long allocated = TestData.allocatedBytes() - before;
            assertTrue(allocated < 2048, name + " allocated " + allocated + " bytes in 50 solves");
        }
    }
}
