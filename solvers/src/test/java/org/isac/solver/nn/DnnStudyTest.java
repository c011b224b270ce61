package org.isac.solver.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.isac.solver.SolverRegistry;
import org.junit.jupiter.api.Test;

class DnnStudyTest {

    @Test
    void tradeoffComparesWithANamedBaselineOnTheSameChannels() {
        DnnIsacSolverTest.FakeSource src = new DnnIsacSolverTest.FakeSource();
        List<DnnStudy.TradeoffPoint> pts = DnnStudy.tradeoff(src, 10, new double[] {0.2, 0.5}, "rzf", 30, 71);
        assertEquals(2, pts.size());
        assertEquals(0.2, pts.get(0).rho());
        assertEquals("rzf", pts.get(0).baselineSolver());
        // the baseline row is the same solver on the same channels: recompute it independently
        DnnModel m = src.models.get(DnnIsacSolver.resourceName(10, 10, 2, 0.2));
        DnnStudy.Metrics3 rzf = DnnStudy.evaluateSolver(m.config(), SolverRegistry.create("rzf"),
                DnnStudy.testSet(m.config(), 30, 71), 0, 71);
        assertEquals(rzf.sumRate(), pts.get(1).baseline().sumRate(), 1e-9);
        assertTrue(rzf.sumRate() > pts.get(0).dnn().sumRate(), "RZF beats an untrained network");
        assertTrue(Double.isFinite(pts.get(0).dnn().sumCrlbDb()) && Double.isFinite(pts.get(0).dnn().sumCrlbApproxDb()));
        assertThrows(IllegalArgumentException.class, () -> DnnStudy.tradeoff(src, 10, new double[] {0.9}, "rzf", 5, 1));
        assertThrows(IllegalArgumentException.class, () -> DnnStudy.tradeoff(src, 10, new double[] {0.5}, "nope", 5, 1));
    }

    @Test
    void table3ListsThePaperColumnsBesideOurs() {
        DnnModel full = DnnModelTest.randomModel(10, 0.5, 72);
        List<DnnStudy.CompressionRow> rows = DnnStudy.table3(full, 20, 73);
        assertEquals(DnnStudy.PAPER_TABLE3.length, rows.size());
        DnnStudy.CompressionRow r0 = rows.get(0), r1 = rows.get(1);
        assertEquals(1.0, r0.fraction(), 0.0);
        assertEquals(1.0, r0.paperComplexity(), 1e-12);
        assertEquals(36.1, r0.paperSumRate());
        assertEquals(7, r1.qBits());
        assertEquals(0.978, r1.paperFraction());
        assertEquals(0.196875, r1.paperComplexity(), 1e-12);
        assertEquals(r1.sumRate() / r0.sumRate(), r1.fraction(), 1e-12);
        for (DnnStudy.CompressionRow r : rows) {
            assertEquals(r.qBits() * (1 - r.prune()) / 32, r.paperComplexity(), 1e-12);
            assertTrue(r.macFraction() <= 1 - r.prune() + 1e-9, r.toString());
        }
    }

    @Test
    void csiErrorHurtsTheBaselineAndLatencyIsMeasuredWithTheCallersClock() {
        DnnModel m = DnnModelTest.randomModel(10, 1.0, 74);
        List<DnnStudy.CsiPoint> pts = DnnStudy.csiRobustness(m, new double[] {0, 0.5, 1}, "rzf", 30, 75);
        assertEquals(3, pts.size());
        assertTrue(pts.get(0).baselineSumRate() > pts.get(1).baselineSumRate()
                && pts.get(1).baselineSumRate() > pts.get(2).baselineSumRate(), pts.toString());
        assertThrows(IllegalArgumentException.class, () -> DnnStudy.csiRobustness(m, new double[] {1.5}, null, 5, 1));
        long[] ticks = {0};
        DnnStudy.Latency lat = DnnStudy.latency(m, 100, () -> ticks[0] += 3);
        assertEquals(3, lat.p50Ns());
        assertEquals(3, lat.p99Ns());
        assertEquals(m.net().nonZeroWeights(), lat.macs());
        assertEquals(4 * m.net().parameterCount(), lat.weightBytes());
        double[] bp = DnnStudy.beampattern(m, new double[] {-10, 25}, 10, 76);
        assertEquals(2, bp.length);
        assertTrue(Double.isFinite(bp[0]));
    }
}
