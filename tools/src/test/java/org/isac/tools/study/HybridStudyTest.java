package org.isac.tools.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.isac.solver.hybrid.HybridUpgaModel;
import org.junit.jupiter.api.Test;

class HybridStudyTest {
    private static final double SAME_REL_TOL = 1e-12;

    @Test
    void studyIsConsistentAcrossItsViews() {
        double[][] mu = {{0.3, 0.3}, {0.2, 0.2}, {0.1, 0.1}};
        double[] lambda = {1e-3, 1e-3, 1e-3};
        HybridUpgaModel m = new HybridUpgaModel("study", 16, 4, 4, 0.3, 1.0 / 16, false, new double[] {-60, 0, 60}, 2, mu,
                lambda, Map.of());
        HybridStudy.Options o = new HybridStudy.Options(12, 6, 5, new double[] {0, 12}, 12, new int[] {3, 9});
        HybridStudy.Result r = HybridStudy.run(m, o);

        assertEquals(4, r.trainedCurve().length);
        assertEquals(4, r.untrainedCurves()[0].length);
        assertEquals(10, r.untrainedCurves()[1].length);
        assertEquals(6, r.methods().length);
        int snr12 = r.snr(12), snr0 = r.snr(0);
        // the curves at 12 dB and the 12 dB column come from the same channels and steps
        assertClose(r.trainedCurve()[3], r.objective()[r.method(HybridStudy.TRAINED)][snr12]);
        assertClose(r.trainedCurve()[0], r.objective()[r.method(HybridStudy.INIT)][snr12]);
        assertClose(r.untrainedCurves()[1][9], r.objective()[r.method(HybridStudy.untrainedName(9))][snr12]);
        assertEquals(r.curveMu()[1], r.untrainedMu()[1][snr12], 0);
        // the tuned constant steps with a 3x budget do at least as well as the init
        assertTrue(r.untrainedCurves()[1][9] > r.untrainedCurves()[1][0]);
        for (int s : new int[] {snr0, snr12}) {
            int radar = r.method(HybridStudy.RADAR_ONLY), zf = r.method(HybridStudy.ZF);
            assertTrue(r.tau()[radar][s] < r.tau()[zf][s], "radar-only fits Ψ better than ZF");
            assertTrue(r.beampatternMse()[radar][s] < r.beampatternMse()[zf][s]);
            assertTrue(r.rateBits()[zf][s] > r.rateBits()[radar][s], "ZF serves the users better than radar-only");
        }
        assertTrue(r.rateBits()[r.method(HybridStudy.ZF)][snr12] > r.rateBits()[r.method(HybridStudy.ZF)][snr0]);
        int updates = HybridStudy.fUpdatesToReach(r.trainedCurve(), 2, r.trainedCurve()[3]);
        assertTrue(updates >= 0 && updates <= 6, "reaches its own final value within I·J = 6 F updates: " + updates);
        assertEquals(-1, HybridStudy.fUpdatesToReach(new double[] {0, 1}, 2, 5));
        assertEquals(2, HybridStudy.fUpdatesToReach(new double[] {0, 1}, 2, 1));
    }

    private static void assertClose(double expected, double actual) {
        assertEquals(expected, actual, SAME_REL_TOL * Math.max(1, Math.abs(expected)));
    }
}
