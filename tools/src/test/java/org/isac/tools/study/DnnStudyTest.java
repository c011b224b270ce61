package org.isac.tools.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.isac.solver.SolverRegistry;
import org.isac.solver.nn.DnnConfig;
import org.isac.solver.nn.DnnFixtures;
import org.isac.solver.nn.DnnIsacSolver;
import org.isac.solver.nn.DnnModel;
import org.isac.solver.nn.Mlp;
import org.isac.solver.nn.Seed003Dataset;
import org.junit.jupiter.api.Test;

class DnnStudyTest {

    @Test
    void tradeoffComparesWithANamedBaselineOnTheSameChannels() {
        DnnFixtures.FakeSource src = new DnnFixtures.FakeSource();
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
        DnnModel full = DnnFixtures.randomModel(10, 0.5, 72);
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
        DnnModel m = DnnFixtures.randomModel(10, 1.0, 74);
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

    @Test
    void shippedModelsLearnedAndTradeRateForSensing() throws Exception {
        DnnModel rate = DnnIsacSolver.SHIPPED.load(10, 10, 2, 1.0);
        DnnModel sense = DnnIsacSolver.SHIPPED.load(10, 10, 2, 0.0);
        Seed003Dataset test = DnnStudy.testSet(rate.config(), 200, 81);
        DnnConfig c = rate.config();
        Mlp init = Mlp.create(c.inputs(), c.hidden(), c.hiddenLayers(), c.outputs(), new SplittableRandom(c.seed() ^ 0x5DEECE66DL));
        init.roundToFloat();
        DnnModel untrained = new DnnModel(c, init, rate.beta(), rate.gamma(), 32, 0, null, rate.provenance());
        DnnStudy.Metrics3 r = DnnStudy.evaluateModel(rate, test, 0, 81);
        DnnStudy.Metrics3 u = DnnStudy.evaluateModel(untrained, test, 0, 81);
        DnnStudy.Metrics3 s = DnnStudy.evaluateModel(sense, test, 0, 81);
        assertTrue(r.sumRate() > u.sumRate() + 0.5, "trained ρ=1 " + r.sumRate() + " vs untrained " + u.sumRate());
        assertTrue(r.sumRate() > s.sumRate(), "ρ=1 rate " + r.sumRate() + " > ρ=0 rate " + s.sumRate());
        assertTrue(s.sumCrlbApproxDb() < r.sumCrlbApproxDb(), "ρ=0 Σψ̃ " + s.sumCrlbApproxDb() + " dB < ρ=1 " + r.sumCrlbApproxDb());
    }
}
