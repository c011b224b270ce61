package org.isac.solver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.isac.solver.model.ModelFile;

class UnfoldedPgaTrainerTest {

    @Test
    void trainingImprovesTheObjectiveOnItsData() {
        UnfoldedPgaGraph.Shape shape = new UnfoldedPgaGraph.Shape(3, 2, 0.3, 1.0 / 16, false);
        List<UnfoldedPgaGraph.Sample> data = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            data.add(UnfoldedPgaGraphTest.sample(100 + i, 16, 3, 4, 4.0));
        }
        double[][] mu = {{1e-4, 1e-4}, {1e-4, 1e-4}, {1e-4, 1e-4}};
        double[] lambda = {1e-5, 1e-5, 1e-5};
        UnfoldedPgaTrainer trainer = new UnfoldedPgaTrainer(shape, mu, lambda);
        double before = trainer.meanObjective(data);
        List<Double> validation = new ArrayList<>();
        int skipped = trainer.train(data, data, new UnfoldedPgaTrainer.Options(15, 8, 0.2, 1),
                (epoch, step, total, loss, val) -> {
                    if (!Double.isNaN(val)) {
                        validation.add(val);
                    }
                });
        double after = trainer.meanObjective(data);
        assertEquals(0, skipped);
        assertEquals(15, validation.size(), "one validation report per epoch");
        assertTrue(after > before + 0.1, "objective " + before + " → " + after);
        assertEquals(after, validation.get(validation.size() - 1), 1e-9);
    }

    @Test
    void rejectsNonPositiveSteps() {
        UnfoldedPgaGraph.Shape shape = new UnfoldedPgaGraph.Shape(1, 1, 0.3, 0.1, false);
        assertThrows(IllegalArgumentException.class, () -> new UnfoldedPgaTrainer(shape, new double[][] {{0}}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new UnfoldedPgaTrainer(shape, new double[][] {{1, 1}}, new double[] {1}));
    }

    @Test
    void modelFileRoundTripsExactly() throws Exception {
        ModelFile m = new ModelFile("hybrid-upga").put("n", 64).put("omega", 0.3).put("mu.0", new double[] {0.1 / 3, 1e-300, 7});
        StringWriter w = new StringWriter();
        m.write(w);
        ModelFile back = ModelFile.read(new StringReader(w.toString()), "test", "hybrid-upga");
        assertEquals(64, back.integer("n"));
        assertEquals(0.3, back.number("omega"), 0);
        assertArrayEquals(new double[] {0.1 / 3, 1e-300, 7}, back.numbers("mu.0", 3), 0);
        IllegalArgumentException wrongKind = assertThrows(IllegalArgumentException.class,
                () -> ModelFile.read(new StringReader(w.toString()), "test", "dnn-isac"));
        assertTrue(wrongKind.getMessage().contains("expected 'dnn-isac'"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> back.number("lambda"));
        assertTrue(missing.getMessage().contains("lambda"));
        assertThrows(IllegalArgumentException.class, () -> back.numbers("mu.0", 4));
        assertThrows(IllegalArgumentException.class,
                () -> ModelFile.read(new StringReader("format = 99\nkind = hybrid-upga\n"), "t", "hybrid-upga"));
        assertThrows(IllegalArgumentException.class,
                () -> ModelFile.read(new StringReader("format = 1\nkind = hybrid-upga\ngarbage line\n"), "t", null));
    }
}
