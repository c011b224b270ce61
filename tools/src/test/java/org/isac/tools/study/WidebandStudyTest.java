package org.isac.tools.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.hybrid.HybridUpgaCentreSolver;
import org.isac.solver.hybrid.HybridUpgaWbSolver;
import org.junit.jupiter.api.Test;

/** The wideband study on a tiny grid: its S = 1 identity check, its scorer against the solvers' own predictions. */
class WidebandStudyTest {
    @Test
    void scoresAgreeWithTheSolversAndOneSubbandIsHybridUpga() throws Exception {
        double pt = Math.pow(10, 1.2);
        WidebandStudy.Result r = WidebandStudy.run(2, 800, 12, new int[] {1, 4}, new double[] {200e6}, 4, null);
        assertTrue(r.oneSubbandIdentical());
        assertEquals(2, r.oneSubbandChecked());
        assertEquals((2 + 2) * WidebandStudy.METHODS.length, r.points().size());
        for (WidebandStudy.Point p : r.points()) {
            if (p.subbands() != 4 || p.squint() || !p.sweep().equals("subbands")) {
                continue;
            }
            if (p.method().equals(WidebandStudy.WB) || p.method().equals(WidebandStudy.CENTRE)) {
                double predicted = 0;
                for (long seed = 800; seed < 802; seed++) {
                    Problem q = WidebandStudy.problem(4, p.bandwidthHz(), false, seed, pt);
                    Precoder out = new Precoder();
                    (p.method().equals(WidebandStudy.WB) ? new HybridUpgaWbSolver() : new HybridUpgaCentreSolver()).solve(q, out);
                    predicted += out.predicted.get("objective", Double.NaN) / 2;
                }
                assertEquals(predicted, p.objective(), 1e-9 * Math.abs(predicted), p.method());
            }
        }
    }
}
