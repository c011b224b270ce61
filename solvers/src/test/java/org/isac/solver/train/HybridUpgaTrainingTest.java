package org.isac.solver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.isac.solver.hybrid.HybridPga;
import org.isac.solver.hybrid.HybridUpgaModel;
import org.isac.solver.hybrid.HybridUpgaSolver;
import org.isac.solver.hybrid.PgaSteps;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.train.ad.Tape;
import org.isac.solver.train.ad.Tape.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HybridUpgaTrainingTest {
    /** Agreement of the tape's forward pass with the solver engine (same arithmetic, different order). */
    private static final double FORWARD_REL_TOL = 1e-9;

    private static HybridUpgaTraining.Config small(long seed) {
        return HybridUpgaTraining.Config.of(16, 4, 4, 0.3, seed, 3, 8).withLayers(3, 2).withSamples(24, 12)
                .withName("test-small");
    }

    /** The training graph ({@link UnfoldedPgaGraph}) and the serving engine ({@link HybridPga}) compute the same F, W. */
    @Test
    void tapeForwardPassMatchesEngine() {
        for (boolean rescale : new boolean[] {false, true}) {
            HybridUpgaTraining.Config c = HybridUpgaTraining.Config.of(32, 4, 4, 0.3, 5, 1, 1).withLayers(4, 3)
                    .withSamples(3, 1).withRescaleInner(rescale);
            UnfoldedPgaGraph.Shape shape = c.shape();
            double[][] mu = new double[4][3];
            double[] lambda = new double[4];
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 3; j++) {
                    mu[i][j] = 0.02 * (1 + i + 0.5 * j);
                }
                lambda[i] = 2e-5 * (4 - i);
            }
            for (UnfoldedPgaGraph.Sample s : HybridUpgaTraining.trainingSet(c)) {
                Tape t = new Tape();
                Node[][] muN = new Node[4][3];
                Node[] laN = new Node[4];
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 3; j++) {
                        muN[i][j] = t.constant(mu[i][j]);
                    }
                    laN[i] = t.constant(lambda[i]);
                }
                UnfoldedPgaGraph.Result r = UnfoldedPgaGraph.build(t, shape, s, muN, laN);
                HybridPga pga = new HybridPga();
                pga.prepare(s.channel(), s.noise(), s.powerW(), 4, s.psi());
                pga.setWeights(shape.omega(), shape.eta());
                pga.setRescaleInner(rescale);
                pga.setSteps(HybridUpgaTraining.toSteps(mu, lambda));
                pga.start(s.f0(), s.w0());
                pga.run(null);
                assertClose("F (rescale " + rescale + ")", r.f().value(), pga.analog());
                assertClose("W (rescale " + rescale + ")", r.w().value(), pga.baseband());
                assertEquals(r.loss().scalar(), -pga.objective(), FORWARD_REL_TOL * Math.abs(r.loss().scalar()));
            }
        }
    }

    private static void assertClose(String what, CMatrix expected, CMatrix actual) {
        assertEquals(expected.rows(), actual.rows());
        assertEquals(expected.cols(), actual.cols());
        double scale = 0, diff = 0;
        for (int i = 0; i < expected.size(); i++) {
            scale = Math.max(scale, Math.hypot(expected.re[i], expected.im[i]));
            diff = Math.max(diff, Math.hypot(expected.re[i] - actual.re[i], expected.im[i] - actual.im[i]));
        }
        assertTrue(diff <= FORWARD_REL_TOL * scale, what + ": max deviation " + diff + " of " + scale);
    }

    /** Datasets: seeded, SNR within range, training and validation disjoint, Ψ scaled to each sample's P_t. */
    @Test
    void datasetsAreSeededAndWithinTheSnrRange() {
        HybridUpgaTraining.Config c = small(3);
        List<UnfoldedPgaGraph.Sample> a = HybridUpgaTraining.trainingSet(c);
        List<UnfoldedPgaGraph.Sample> b = HybridUpgaTraining.trainingSet(c);
        List<UnfoldedPgaGraph.Sample> v = HybridUpgaTraining.validationSet(c);
        assertEquals(24, a.size());
        assertEquals(12, v.size());
        double minP = Double.POSITIVE_INFINITY, maxP = 0;
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).powerW(), b.get(i).powerW(), 0);
            assertEquals(a.get(i).channel().re[5], b.get(i).channel().re[5], 0);
            assertTrue(a.get(i).channel().re[5] != v.get(i % v.size()).channel().re[5]);
            double p = a.get(i).powerW();
            minP = Math.min(minP, p);
            maxP = Math.max(maxP, p);
            assertEquals(16 * 16, a.get(i).psi().size());
            double diag = a.get(i).psi().re[0];
            assertEquals(p / 16, diag, 1e-9 * p, "diag(Ψ) = P_t/N");
        }
        assertTrue(minP >= 1 - 1e-12 && maxP <= Math.pow(10, 1.2) + 1e-9, minP + " .. " + maxP);
        assertTrue(maxP / minP > 3, "SNRs spread over the range");
    }

    /** A short training run: progress is reported, the model beats its starting point, and training is reproducible. */
    @Test
    void trainingReportsProgressKeepsTheBestStepsAndIsReproducible(@TempDir Path dir) throws Exception {
        HybridUpgaTraining.Config c = small(11);
        List<HybridUpgaTraining.Progress> reports = new ArrayList<>();
        long[] fakeNanos = {0};
        HybridUpgaModel m = HybridUpgaTraining.train(c, reports::add, () -> fakeNanos[0] += 1_000_000);
        long validations = reports.stream().filter(r -> r.phase().equals("validate")).count();
        assertEquals(3, validations);
        HybridUpgaTraining.Progress last = reports.get(reports.size() - 1);
        assertEquals(c.outer() + 1, last.layerObjective().length);
        assertTrue(reports.stream().filter(r -> r.phase().equals("train")).allMatch(r -> Double.isFinite(r.etaSeconds())
                && Double.isFinite(r.batchLoss())));
        assertEquals(0, reports.get(reports.size() - 2).etaSeconds(), 1e-9, "no time left after the last step");

        double start = Double.parseDouble(m.info().get("validation.initial_schedule_objective"));
        double init = Double.parseDouble(m.info().get("validation.init_objective"));
        double trained = Double.parseDouble(m.info().get("validation.objective"));
        assertTrue(trained >= start, "kept the best epoch: " + start + " -> " + trained);
        assertTrue(trained > init + 1, "layers improve on eq. (26): " + init + " -> " + trained);
        PgaSteps steps = m.steps(new PgaSteps());
        HybridUpgaTraining.Evaluation e = HybridUpgaTraining.evaluate(HybridUpgaTraining.validationSet(c), c.shape(), steps);
        assertEquals(trained, e.objective(), 1e-12 * Math.abs(trained), "recorded metric is the model's");

        HybridUpgaModel again = HybridUpgaTraining.train(c, null, () -> 0L);
        for (int i = 0; i < m.outer(); i++) {
            for (int j = 0; j < m.inner(); j++) {
                assertEquals(m.mu(i, j), again.mu(i, j), 0);
            }
            assertEquals(m.lambda(i), again.lambda(i), 0);
        }

        Path file = dir.resolve("small.model");
        m.write(file);
        HybridUpgaModel back = HybridUpgaModel.read(file);
        assertEquals(m.info(), back.info());
        assertEquals("11", back.info().get("training.dataset_seed"));
        assertEquals("test-small", HybridUpgaSolver.load(file.toString()).model().name());
    }
}
