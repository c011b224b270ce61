package org.isac.solver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.isac.solver.model.ModelFile;
import org.isac.solver.digital.MaxMinModel;
import org.junit.jupiter.api.Test;

class MaxMinTrainerTest {
    /** A short run: 10 outer layers, 2 inner steps, 24 training and 12 validation channels. */
    private static MaxMinTrainer.Config small() {
        return new MaxMinTrainer.Config(10, 2, 1, 4, 24, 12, 4, 8, 0.2, 0.02, 0.001, 10, 1, 5);
    }

    @Test
    void trainingRaisesTheValidationObjectiveAndRecordsProvenance() {
        List<Double> batchLosses = new ArrayList<>();
        MaxMinTrainer.Result r = MaxMinTrainer.train(small(), (epoch, step, total, loss, val) -> {
            if (!Double.isNaN(loss)) {
                batchLosses.add(loss);
            }
        });
        assertEquals(12, batchLosses.size());
        assertEquals(0, r.skippedBatches());
        double[] v = r.validationByEpoch();
        assertEquals(5, v.length);
        assertTrue(r.bestEpoch() > 0, "no epoch improved on the untrained start " + v[0]);
        assertTrue(v[r.bestEpoch()] > v[0] + 0.05, "validation h " + v[0] + " -> " + v[r.bestEpoch()]);
        // the selected parameters reproduce the recorded validation objective
        MaxMinModel m = r.model();
        double again = MaxMinTrainer.meanObjective(m, MaxMinTrainer.dataset(12, 4, 1, 6), 1);
        assertEquals(v[r.bestEpoch()], again, 1e-12 * Math.abs(again));
        ModelFile f = m.file();
        assertEquals(24, f.integer("train_size"));
        assertEquals(12, f.integer("validation_size"));
        assertEquals(4, f.integer("epochs"));
        assertEquals(r.bestEpoch(), f.integer("selected_epoch"));
        assertEquals(10, m.outer());
        assertEquals(2, m.inner());
    }

    @Test
    void deterministicForAConfig() {
        MaxMinTrainer.Config c = small().withSizes(8, 4, 2);
        MaxMinTrainer.Result a = MaxMinTrainer.train(c, null), b = MaxMinTrainer.train(c, null);
        assertArrayEquals(a.validationByEpoch(), b.validationByEpoch(), 0);
        assertTrue(a.validationByEpoch()[1] != a.validationByEpoch()[0], "an epoch must change the model");
        assertArrayEquals(a.model().steps(), b.model().steps(), 0);
        assertThrows(IllegalArgumentException.class, () -> small().withSizes(0, 4, 1));
    }
}
