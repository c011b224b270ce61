package org.isac.tools.study;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.hybrid.HybridUpgaModel;
import org.isac.solver.hybrid.HybridUpgaSolver;
import org.isac.solver.hybrid.PgaSteps;
import org.junit.jupiter.api.Test;

class PrecisionStudyTest {
    private static final HybridUpgaModel MODEL = HybridUpgaModel.shippedFor(32, 4, 4, 0.3);

    /** Its columns are the served solver's two engines; with no perturbation the third is the double engine's, bit for bit. */
    @Test
    void columnsAreTheServedEnginesAndAZeroPerturbationChangesNothing() {
        PrecisionStudy.Result r = PrecisionStudy.run(MODEL, 3, 40, 12, 0);
        assertEquals(3, r.channels().size());
        HybridUpgaSolver solver = new HybridUpgaSolver(MODEL);
        Precoder out = new Precoder();
        for (PrecisionStudy.Channel c : r.channels()) {
            Problem p = PrecisionStudy.problem(MODEL, c.seed(), 12);
            solver.solve(p, out);
            assertEquals(out.predicted.get("objective", Double.NaN), c.floatObjective(), 0, "float engine, seed " + c.seed());
            p.params.put("single_precision", 0);
            solver.solve(p, out);
            assertEquals(out.predicted.get("objective", Double.NaN), c.doubleObjective(), 0, "double engine, seed " + c.seed());
            assertEquals(c.doubleObjective(), c.perturbedObjective(), 0, "unperturbed start, seed " + c.seed());
        }
        for (double g : r.growthPerLayer()) {
            assertEquals(1, g, 0, "no perturbation, no growth");
        }
        assertEquals(MODEL.outer(), r.growthPerLayer().length);
        assertEquals(r.floatDigest(), PrecisionStudy.run(MODEL, 3, 40, 12, 0).floatDigest(), "deterministic");
        assertTrue(!r.floatDigest().equals(PrecisionStudy.run(MODEL, 3, 41, 12, 0).floatDigest()), "other channels");
    }

    /** A rounding-sized perturbation grows through the trained layers (the first ones expand it). */
    @Test
    void aSmallPerturbationGrowsThroughTheLayers() {
        PrecisionStudy.Result r = PrecisionStudy.run(MODEL, 4, 50, 12, 1e-7);
        double total = 1;
        for (double g : r.growthPerLayer()) {
            assertTrue(g > 0 && Double.isFinite(g), "growth " + g);
            total *= g;
        }
        assertTrue(total > 1, "the trained steps expand a perturbation overall: " + total);
    }

    @Test
    void capsTheStepsOnly() {
        HybridUpgaModel capped = PrecisionStudy.capSteps(MODEL, 0.05);
        PgaSteps a = MODEL.steps(new PgaSteps()), b = capped.steps(new PgaSteps());
        for (int i = 0; i < a.outer(); i++) {
            for (int j = 0; j < a.inner(); j++) {
                assertEquals(Math.min(a.mu(i, j), 0.05), b.mu(i, j), 0);
            }
            assertEquals(a.lambda(i), b.lambda(i), 0);
        }
        assertEquals(MODEL.name() + "-mu-cap-0.05", capped.name());
        assertEquals(MODEL.omega(), capped.omega(), 0);
        assertThrows(IllegalArgumentException.class, () -> PrecisionStudy.capSteps(MODEL, 0));
    }

    @Test
    void statistics() {
        List<PrecisionStudy.Channel> rows = List.of(new PrecisionStudy.Channel(1, 9, 10, 10.5),
                new PrecisionStudy.Channel(2, 20, 20, 19), new PrecisionStudy.Channel(3, 33, 30, 30));
        PrecisionStudy.Result r = new PrecisionStudy.Result("m", 12, 1e-7, rows, new double[] {1}, "d", "k", 0);
        assertEquals((9 + 20 + 33) / 3.0, r.mean(0), 1e-12);
        assertEquals(20, r.mean(1), 1e-12);
        assertArrayEquals(new double[] {-1, 0, 3}, r.differences(0), 0);
        double[] md = r.meanDifference(0);
        assertEquals(2.0 / 3, md[0], 1e-12);
        double var = ((-1 - 2.0 / 3) * (-1 - 2.0 / 3) + (2.0 / 3) * (2.0 / 3) + (3 - 2.0 / 3) * (3 - 2.0 / 3)) / 2;
        assertEquals(Math.sqrt(var / 3), md[1], 1e-12);
        assertEquals(0.1, r.medianRelative(0), 1e-12); // 0.1, 0, 0.1 → sorted 0, 0.1, 0.1
        assertEquals(2.0 / 3, r.fractionMoved(0, 0.5), 1e-12);
        assertEquals(2.0 / 3, r.fractionMoved(2, 0.4), 1e-12);
        assertEquals(2.0 / 3, r.fractionMovedRelative(2, 0.04), 1e-12);
        assertEquals(0, r.fractionMovedRelative(2, 0.06), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> PrecisionStudy.run(MODEL, 0, 1, 12, 0));
    }
}
