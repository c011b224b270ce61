package org.isac.solver.digital;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import java.util.SplittableRandom;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.TestData;
import org.isac.solver.metric.Metrics;
import org.isac.solver.metric.Scnr;
import org.isac.solver.train.MaxMinTrainer;
import org.isac.solver.model.ModelFile;
import org.junit.jupiter.api.Test;

class MaxMinSolverTest {
    private static final String[] NAMES = {"maxmin-uao", "maxmin-ao", "maxmin-ao-bt"};
    private static final double REL_TOL = 1e-9;
    /** Held-out channels: a seed the shipped model's training (2024) and validation (2025) sets do not use. */
    private static final long HELD_OUT_SEED = 777;

    private static double recomputedObjective(Problem p, Precoder out, double delta, double radarNoise) {
        double[] sinr = new double[p.users()], scnr = new double[p.targets.count()];
        Metrics.sinr(p.channel, out.baseband, p.noise, sinr);
        new Scnr().scnr(p.tx, p.rx, p.targets, p.clutter, out.baseband, out.receive, radarNoise, scnr);
        return Math.log1p(Metrics.min(sinr, sinr.length)) + delta * Math.log1p(Metrics.min(scnr, scnr.length));
    }

    @Test
    void outputsAreFeasibleAndPredictedMetricsMatchARecomputation() {
        SplittableRandom rng = new SplittableRandom(61);
        Precoder out = new Precoder();
        for (String name : NAMES) {
            Solver s = SolverRegistry.create(name);
            for (int trial = 0; trial < 3; trial++) {
                Problem p = Seed002Scenario.draw(rng, 2 + 2 * trial);
                double delta = 0.5 + trial;
                p.params.put("delta", delta);
                p.params.put("radar_noise_w", 0.5 + trial);
                if (!name.equals("maxmin-uao")) {
                    p.params.put("max_iter", 40);
                }
                s.solve(p, out);
                int nt = p.antennas(), k = p.users();
                assertEquals(nt, out.baseband.rows());
                assertEquals(k, out.baseband.cols());
                assertEquals(p.rx.size(), out.receive.rows());
                assertEquals(p.targets.count(), out.receive.cols());
                for (int i = 0; i < nt; i++) {
                    double r2 = 0;
                    for (int c = 0; c < k; c++) {
                        r2 += out.baseband.re(i, c) * out.baseband.re(i, c) + out.baseband.im(i, c) * out.baseband.im(i, c);
                    }
                    assertEquals(p.powerBudgetW / nt, r2, 1e-12 * p.powerBudgetW, name + " row " + i);
                }
                for (int m = 0; m < out.receive.cols(); m++) {
                    double n2 = 0;
                    for (int i = 0; i < out.receive.rows(); i++) {
                        n2 += out.receive.re(i, m) * out.receive.re(i, m) + out.receive.im(i, m) * out.receive.im(i, m);
                    }
                    assertEquals(1, n2, 1e-12);
                }
                double h = recomputedObjective(p, out, delta, 0.5 + trial);
                double predicted = out.predicted.get("objective_nats", Double.NaN);
                assertEquals(h, predicted, REL_TOL * Math.abs(h), name);
                assertEquals(predicted, out.predicted.get("min_rate_nats", 0) + delta * out.predicted.get("min_sensing_nats", 0),
                        REL_TOL * Math.abs(h));
            }
        }
    }

    @Test
    void readsPerAntennaPowerAndRejectsBadParameters() {
        SplittableRandom rng = new SplittableRandom(62);
        Precoder out = new Precoder();
        Solver s = SolverRegistry.create("maxmin-ao");
        Problem p = Seed002Scenario.draw(rng, 4);
        p.perAntennaPower = false;
        p.params.put("per_antenna_power", 0);
        p.params.put("max_iter", 30);
        s.solve(p, out);
        assertEquals(p.powerBudgetW, out.baseband.frobeniusNorm2(), 1e-12 * p.powerBudgetW);
        double minRow = Double.POSITIVE_INFINITY, maxRow = 0;
        for (int i = 0; i < out.baseband.rows(); i++) {
            double r2 = 0;
            for (int c = 0; c < out.baseband.cols(); c++) {
                r2 += out.baseband.re(i, c) * out.baseband.re(i, c) + out.baseband.im(i, c) * out.baseband.im(i, c);
            }
            minRow = Math.min(minRow, r2);
            maxRow = Math.max(maxRow, r2);
        }
        assertTrue(maxRow > 1.01 * minRow, "total-power solution should not have equal rows: " + minRow + " … " + maxRow);
        p.params.put("per_antenna_power", 2);
        assertThrows(IllegalArgumentException.class, () -> s.solve(p, out));
        p.params.put("per_antenna_power", 1);
        p.params.put("delta", -1);
        assertThrows(IllegalArgumentException.class, () -> s.solve(p, out));
        p.params.put("delta", 1);
        p.params.put("radar_noise_w", 0);
        assertThrows(IllegalArgumentException.class, () -> s.solve(p, out));
        p.params.put("radar_noise_w", 1);
        p.targets.clear();
        assertThrows(IllegalArgumentException.class, () -> s.solve(p, out));
        Problem q = Seed002Scenario.draw(rng, 4);
        q.params.put("layers", 151);
        assertThrows(IllegalArgumentException.class, () -> SolverRegistry.create("maxmin-uao").solve(q, out));
    }

    /** A larger δ weights sensing more: the mean min-SCNR rises and the mean min-SINR falls. */
    @Test
    void deltaTradesRateForSensing() {
        List<Problem> set = MaxMinTrainer.dataset(12, 4, 1, 63);
        Solver s = SolverRegistry.create("maxmin-uao");
        Precoder out = new Precoder();
        double[] sinr = new double[2], scnr = new double[2];
        double[] deltas = {0.1, 10};
        for (int d = 0; d < 2; d++) {
            for (Problem p : set) {
                p.params.put("delta", deltas[d]);
                s.solve(p, out);
                sinr[d] += out.predicted.get("min_sinr_db", 0) / set.size();
                scnr[d] += out.predicted.get("min_scnr_db", 0) / set.size();
            }
        }
        assertTrue(scnr[1] > scnr[0], "min SCNR " + scnr[0] + " dB at δ=0.1, " + scnr[1] + " dB at δ=10");
        assertTrue(sinr[1] < sinr[0], "min SINR " + sinr[0] + " dB at δ=0.1, " + sinr[1] + " dB at δ=10");
    }

    /**
     * Seed 002's claim on held-out channels: at the model's layer count (150 outer layers, 6 W
     * steps each) the unfolded AO's mean objective beats the fixed-step AO (the paper's β)
     * and the backtracking AO run for the same number of outer iterations and W steps.
     */
    @Test
    void shippedModelBeatsFixedAndBacktrackingAtItsLayerCount() {
        MaxMinModel model = MaxMinSolver.unfolded().model();
        List<Problem> heldOut = MaxMinTrainer.dataset(40, 4, 1, HELD_OUT_SEED);
        Precoder out = new Precoder();
        double[] mean = new double[NAMES.length];
        for (int v = 0; v < NAMES.length; v++) {
            Solver s = SolverRegistry.create(NAMES[v]);
            for (Problem p : heldOut) {
                p.params.put("max_iter", model.outer());
                p.params.put("inner_steps", model.inner() * model.repeats());
                s.solve(p, out);
                mean[v] += out.predicted.get("objective_nats", Double.NaN) / heldOut.size();
            }
        }
        System.out.printf("seed 002 held-out mean h at %d layers: unfolded %.3f, fixed %.3f, backtracking %.3f nats%n", model.outer(),
                mean[0], mean[1], mean[2]);
        assertTrue(mean[0] > mean[1], "unfolded " + mean[0] + " <= fixed " + mean[1]);
        assertTrue(mean[0] > mean[2], "unfolded " + mean[0] + " <= backtracking " + mean[2]);
    }

    @Test
    void shippedModelRecordsItsTrainingAndRoundTrips() throws Exception {
        MaxMinModel m = MaxMinModel.loadDefault();
        assertEquals(150, m.outer());
        assertEquals(3, m.inner());
        assertEquals(2, m.repeats());
        ModelFile f = m.file();
        assertTrue(f.integer("train_size") > 0);
        assertTrue(f.integer("epochs") > 0);
        assertTrue(f.number("train_seconds") > 0);
        StringWriter w = new StringWriter();
        m.toModelFile().write(w);
        MaxMinModel back = MaxMinModel.read(new StringReader(w.toString()), "round trip");
        assertEquals(m.muC(), back.muC(), 0);
        assertEquals(m.muS(), back.muS(), 0);
        for (int l = 0; l < m.outer(); l++) {
            for (int i = 0; i < m.inner(); i++) {
                assertEquals(m.step(l, i), back.step(l, i), 0);
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> MaxMinModel.read(new StringReader(w.toString().replace("mu_c = ", "mu_c = -")), "negative"));
    }

    @Test
    void allocationFreeAfterWarmUp() {
        SplittableRandom rng = new SplittableRandom(64);
        Problem p = Seed002Scenario.draw(rng, 4);
        p.params.put("max_iter", 20);
        p.params.put("layers", 20);
        Precoder out = new Precoder();
        for (String name : NAMES) {
            Solver s = SolverRegistry.create(name);
            for (int i = 0; i < 30; i++) {
                s.solve(p, out);
            }
            long before = TestData.allocatedBytes();
            for (int i = 0; i < 30; i++) {
                s.solve(p, out);
            }
            long allocated = TestData.allocatedBytes() - before;
            assertTrue(allocated < 2048, name + " allocated " + allocated + " bytes in 30 solves");
        }
    }
}
