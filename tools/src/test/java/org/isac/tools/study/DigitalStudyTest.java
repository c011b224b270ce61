package org.isac.tools.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.isac.solver.digital.MaxMinSolver;
import org.junit.jupiter.api.Test;

/** The study's data on a small configuration: shapes, units and the trends the papers report. */
class DigitalStudyTest {
    @Test
    void quickStudyHasEveryPartAndThePapersTrends() {
        DigitalStudy.Config c = DigitalStudy.Config.quick();
        DigitalStudy.Report r = DigitalStudy.run(c, System::nanoTime, null);

        assertEquals(9, r.tableOne().size());
        for (DigitalStudy.TableOneRow row : r.tableOne()) {
            assertTrue(row.sumRateNats() > 0 && row.crlb() > 0 && row.meanSolveMs() > 0 && row.meanIterations() >= 1, row.toString());
            assertEquals(5 * row.txAntennas() / 4, row.rxAntennas());
        }
        // seed 004: more transmit antennas give more rate and a lower CRLB (Table I rows)
        for (int v = 0; v < 3; v++) {
            DigitalStudy.TableOneRow small = r.tableOne().get(v), large = r.tableOne().get(6 + v);
            assertTrue(large.sumRateNats() > small.sumRateNats(), small + " vs " + large);
            assertTrue(large.crlb() < small.crlb(), small + " vs " + large);
        }

        List<DigitalStudy.TradeOffPoint> t = r.tradeOff();
        assertEquals(c.deltaC().length, t.size());
        DigitalStudy.TradeOffPoint first = t.get(0), last = t.get(t.size() - 1);
        assertTrue(last.sumRateNats() > first.sumRateNats(), "rate should grow with δ_c: " + first + " -> " + last);
        assertTrue(last.crlb() > first.crlb(), "CRLB should grow with δ_c: " + first + " -> " + last);

        assertEquals(c.runtimeVerticals().length, r.runtime().size());
        for (DigitalStudy.RuntimePoint pt : r.runtime()) {
            assertTrue(pt.algorithmOneMs() > 0 && pt.lowDimensionalMs() > 0 && pt.algorithmOneNs0Ms() > 0, pt.toString());
        }

        assertEquals(4, r.layers().size());
        for (DigitalStudy.LayerCurve lc : r.layers()) {
            assertEquals(MaxMinSolver.unfolded().model().outer() + 1, lc.meanObjectiveNats().length);
            assertEquals(r.layers().get(0).meanObjectiveNats()[0], lc.meanObjectiveNats()[0], 1e-12, "all start from the same point");
        }

        assertEquals(DigitalStudy.SEED002_SOLVERS.length * c.users().length, r.fairness().size());
        for (DigitalStudy.FairnessPoint pt : r.fairness()) {
            assertTrue(Double.isFinite(pt.minSinrDb()) && Double.isFinite(pt.minScnrDb()) && pt.meanSolveMs() > 0, pt.toString());
            assertEquals(pt.objectiveNats() > 0, true, pt.toString());
        }
        // the paper's run time is listed for K = 6 and absent for K = 2
        assertTrue(Double.isNaN(r.fairness().get(0).paperSeconds()));
        assertEquals(0.1730, r.fairness().get(1).paperSeconds(), 0);
    }
}
