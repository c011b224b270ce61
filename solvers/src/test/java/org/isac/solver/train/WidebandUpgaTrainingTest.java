package org.isac.solver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.hybrid.HybridUpgaModel;
import org.isac.solver.hybrid.HybridUpgaWbSolver;
import org.isac.solver.linalg.CMatrix;
import org.junit.jupiter.api.Test;

/** The wideband training recipe on a small problem: it improves its validation objective, repeats bit for bit, and serves. */
class WidebandUpgaTrainingTest {
    private static WidebandUpgaTraining.Config small() {
        return WidebandUpgaTraining.Config.of(16, 2, 2, 0.3, 7, 3, 8).withSubbands(3).withSamples(16, 8)
                .withLayers(3, 2, null).withLearningRate(0.1).withName("wb-test");
    }

    @Test
    void trainingImprovesTheValidationObjectiveAndRepeats() {
        HybridUpgaModel a = WidebandUpgaTraining.train(small(), null, () -> 0L);
        double start = Double.parseDouble(a.info().get("validation.start_steps_objective"));
        double end = Double.parseDouble(a.info().get("validation.objective"));
        assertTrue(end > start, "validation R - ωτ " + start + " -> " + end);
        assertTrue(Integer.parseInt(a.info().get("training.best_epoch")) > 0);
        HybridUpgaModel b = WidebandUpgaTraining.train(small(), null, () -> 0L);
        assertEquals(a.toModelFile().entries(), b.toModelFile().entries(), "same config, same model");

        // the model serves: a fixed-model solver on a 3-subband problem of its size
        WidebandUpgaTraining.Config c = small();
        UnfoldedWidebandPgaGraph.Sample s = WidebandUpgaTraining.validationSet(c).get(0);
        Problem p = new Problem();
        p.setSubbands(3);
        for (int i = 0; i < 3; i++) {
            p.channel(i).copyFrom(s.channels()[i]);
            System.arraycopy(s.noise()[i], 0, p.noiseFor(i, 2), 0, 2);
        }
        p.powerBudgetW = s.powerW();
        p.rfChains = 2;
        p.tx = ArrayShape.ula(16);
        Precoder out = new Precoder();
        new HybridUpgaWbSolver(a).solve(p, out);
        assertEquals(3, out.subbands());
        CMatrix x = new CMatrix();
        for (int i = 0; i < 3; i++) {
            assertEquals(s.powerW(), out.effective(i, x).frobeniusNorm2(), 1e-9 * s.powerW());
        }
    }
}
