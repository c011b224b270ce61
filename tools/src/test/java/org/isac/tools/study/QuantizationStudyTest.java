package org.isac.tools.study;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.channel.SalehValenzuela;
import org.isac.solver.linalg.CMatrix;
import org.isac.tools.study.QuantizationStudy.Config;
import org.isac.tools.study.QuantizationStudy.Knee;
import org.isac.tools.study.QuantizationStudy.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quantization study at N = 64, K = 4, M = 4 (fewer draws than the report). */
class QuantizationStudyTest {
    /**
     * Allowed rise of the mean loss from one bit to the next: three standard errors of the
     * difference (treating the two means as independent, which over-states the noise of paired
     * draws) plus a floor for curves whose spread is nil.
     */
    private static double noise(Row a, Row b) {
        return 3 * Math.hypot(a.rateLossStdErrBits(), b.rateLossStdErrBits()) + 1e-3;
    }
    private static final int DRAWS = 32;

    private static Config cfg;
    private static List<Row> rows;

    @BeforeAll
    static void run() {
        cfg = Config.defaults().withDraws(DRAWS);
        rows = QuantizationStudy.run(cfg);
    }

    private static List<Row> curve(Predicate<Row> p, Comparator<Row> order) {
        List<Row> c = new ArrayList<>();
        for (Row r : rows) {
            if (p.test(r)) {
                c.add(r);
            }
        }
        c.sort(order);
        return c;
    }

    private static List<Row> basebandCurve(String scenario, String codec, int phaseBits) {
        return curve(r -> r.scenario().equals(scenario) && r.codec().equals(codec) && r.phaseBits() == phaseBits,
                Comparator.comparingInt(Row::basebandBits));
    }

    private static Row row(String scenario, int phaseBits, int basebandBits, String codec) {
        for (Row r : rows) {
            if (r.scenario().equals(scenario) && r.phaseBits() == phaseBits && r.basebandBits() == basebandBits
                    && r.codec().equals(codec)) {
                return r;
            }
        }
        throw new AssertionError("no row " + scenario + "," + phaseBits + "," + basebandBits + "," + codec);
    }

    /**
     * Loss never rises by more than the noise from one bit to the next and falls overall by
     * {@code minDrop}; tau does not rise by more than 5% per bit and falls by {@code minTauRatio}.
     */
    private static void assertFalling(List<Row> curve, double minDrop, double minTauRatio, String what) {
        assertTrue(curve.size() >= 2, what);
        for (int i = 1; i < curve.size(); i++) {
            Row a = curve.get(i - 1);
            Row b = curve.get(i);
            assertTrue(b.rateLossBits() <= a.rateLossBits() + noise(a, b),
                    what + ": loss rises from " + a.rateLossBits() + " to " + b.rateLossBits() + " (noise "
                            + noise(a, b) + ") at " + b);
            assertTrue(b.tau() <= a.tau() * 1.05 + 1e-12, what + ": tau rises from " + a.tau() + " to " + b.tau());
            assertEquals(b.rateBits(), curve.get(0).rateBits() + curve.get(0).rateLossBits() - b.rateLossBits(), 1e-9,
                    "rate and loss are paired against the same reference");
        }
        double drop = curve.get(0).rateLossBits() - curve.get(curve.size() - 1).rateLossBits();
        assertTrue(drop >= minDrop, what + ": loss falls only " + drop + " bits from the coarsest to the finest setting");
        assertTrue(curve.get(0).tau() > minTauRatio * curve.get(curve.size() - 1).tau(), what + ": tau falls with bits");
    }

    @Test
    void digitalLossFallsWithBasebandBits() {
        for (String codec : new String[] {"fixed", "bfp"}) {
            List<Row> c = basebandCurve(QuantizationStudy.DIGITAL, codec, 0);
            assertEquals(11, c.size());
            assertEquals(6, c.get(0).basebandBits());
            assertFalling(c, 0.02, 100, "digital " + codec);
        }
    }

    @Test
    void hybridLossFallsWithBasebandBitsAndWithPhaseBits() {
        for (String codec : new String[] {"fixed", "bfp"}) {
            assertFalling(basebandCurve(QuantizationStudy.HYBRID, codec, 0), 0.05, 100, "hybrid " + codec + ", continuous phases");
            // with 6-bit phases the phase error sets a floor under tau
            assertFalling(basebandCurve(QuantizationStudy.HYBRID, codec, 6), 0.05, 1.5, "hybrid " + codec + ", 6-bit phases");
        }
        List<Row> phases = curve(r -> r.scenario().equals(QuantizationStudy.HYBRID) && r.codec().equals("none")
                && r.phaseBits() > 0, Comparator.comparingInt(Row::phaseBits));
        assertEquals(6, phases.size());
        assertEquals(3, phases.get(0).phaseBits());
        assertFalling(phases, 0.5, 100, "hybrid phase bits, float baseband");
        // and with 9-bit BFP baseband (the O-RAN default) across phase bits
        List<Row> phasesBfp = curve(r -> r.scenario().equals(QuantizationStudy.HYBRID) && r.codec().equals("bfp")
                && r.basebandBits() == 9 && r.phaseBits() > 0, Comparator.comparingInt(Row::phaseBits));
        assertFalling(phasesBfp, 0.5, 10, "hybrid phase bits, 9-bit BFP");
    }

    @Test
    void sixteenBitBasebandCostsLessThanOneHundredthOfABit() {
        for (String codec : new String[] {"fixed", "bfp"}) {
            Row d = row(QuantizationStudy.DIGITAL, 0, 16, codec);
            assertTrue(Math.abs(d.rateLossBits()) < 0.01, "digital 16-bit " + codec + ": " + d.rateLossBits());
            for (int pb : new int[] {0, 3, 4, 5, 6, 7, 8}) {
                double withPhasesOnly = row(QuantizationStudy.HYBRID, pb, 0, "none").rateLossBits();
                Row h = row(QuantizationStudy.HYBRID, pb, 16, codec);
                assertTrue(Math.abs(h.rateLossBits() - withPhasesOnly) < 0.01,
                        "hybrid 16-bit " + codec + " at " + pb + " phase bits adds " + (h.rateLossBits() - withPhasesOnly));
            }
        }
        // while coarse widths do cost something measurable
        assertTrue(row(QuantizationStudy.DIGITAL, 0, 6, "bfp").rateLossBits() > 0.01);
        assertTrue(row(QuantizationStudy.HYBRID, 3, 0, "none").rateLossBits() > 0.1);
    }

    @Test
    void referenceRowsAndCsv(@TempDir Path dir) throws Exception {
        Row digitalRef = row(QuantizationStudy.DIGITAL, 0, 0, "none");
        Row hybridRef = row(QuantizationStudy.HYBRID, 0, 0, "none");
        assertEquals(0.0, digitalRef.rateLossBits(), 1e-12);
        assertEquals(0.0, hybridRef.tau(), 1e-20);
        assertTrue(digitalRef.rateBits() > 10, "rzf at N=64, K=4, 12 dB: " + digitalRef.rateBits());
        assertTrue(hybridRef.rateBits() > 10 && hybridRef.rateBits() <= digitalRef.rateBits() + 1e-9,
                "the hybrid stand-in is a constrained version of rzf: " + hybridRef.rateBits());
        int perPhase = 1 + 2 * 11;
        assertEquals(perPhase + 7 * perPhase, rows.size());

        Path f = QuantizationStudy.writeCsv(rows, dir.resolve("reports/quantization"));
        List<String> lines = Files.readAllLines(f);
        assertEquals("scenario,phase_bits,baseband_bits,codec,rate_bits,rate_loss_bits,tau", lines.get(0));
        assertEquals(rows.size() + 1, lines.size());
        for (int i = 1; i < lines.size(); i++) {
            String[] c = lines.get(i).split(",");
            assertEquals(7, c.length, lines.get(i));
            Row r = rows.get(i - 1);
            assertEquals(r.scenario(), c[0]);
            assertEquals(r.phaseBits(), Integer.parseInt(c[1]));
            assertEquals(r.basebandBits(), Integer.parseInt(c[2]));
            assertEquals(r.codec(), c[3]);
            assertEquals(r.rateBits(), Double.parseDouble(c[4]), 1e-6);
            assertEquals(r.rateLossBits(), Double.parseDouble(c[5]), 1e-5 * Math.abs(r.rateLossBits()) + 1e-300);
            assertEquals(r.tau(), Double.parseDouble(c[6]), 1e-5 * r.tau() + 1e-300);
        }
    }

    @Test
    void deterministicForASeed() {
        Config small = cfg.withSize(16, 2, 2).withDraws(3).withBits(new int[] {4, 6}, new int[] {8, 12});
        assertEquals(QuantizationStudy.run(small), QuantizationStudy.run(small));
        assertTrue(QuantizationStudy.run(small).stream().anyMatch(r -> r.rateLossStdErrBits() > 0));
        assertNotEquals(QuantizationStudy.run(small), QuantizationStudy.run(small.withSeed(small.seed() + 1)));
    }

    @Test
    void kneesAreWhereTheLossSettles() {
        List<Knee> knees = QuantizationStudy.knees(rows, QuantizationStudy.DEFAULT_KNEE_TOLERANCE_BITS);
        assertEquals(5, knees.size());
        for (Knee k : knees) {
            assertTrue(k.lossBits() <= k.finestLossBits() + QuantizationStudy.DEFAULT_KNEE_TOLERANCE_BITS, k.toString());
            assertTrue(k.toString().contains("knee at " + k.bits() + " bits"), k.toString());
        }
        // digital fixed point: one bit below the knee is still outside the tolerance (it is a knee, not the minimum)
        Knee d = knees.get(0);
        assertEquals(QuantizationStudy.DIGITAL, d.scenario());
        if (d.bits() > 6) {
            assertTrue(row(QuantizationStudy.DIGITAL, 0, d.bits() - 1, "fixed").rateLossBits()
                    > d.finestLossBits() + QuantizationStudy.DEFAULT_KNEE_TOLERANCE_BITS);
        }
        Knee phase = knees.get(4);
        assertEquals("phase_bits", phase.axis());
        assertTrue(phase.bits() >= 4 && phase.bits() <= 8, phase.toString());
    }

    @Test
    void kneeDefinitionOnAHandMadeCurve() {
        List<Row> hand = List.of(
                new Row("digital", 0, 6, "fixed", 9.0, 1.0, 1),
                new Row("digital", 0, 7, "fixed", 9.7, 0.3, 1),
                new Row("digital", 0, 8, "fixed", 9.96, 0.04, 1),
                new Row("digital", 0, 9, "fixed", 9.95, 0.05, 1), // noise: a little worse than 8
                new Row("digital", 0, 10, "fixed", 9.99, 0.01, 1));
        Knee k = QuantizationStudy.basebandKnee(hand, "digital", "fixed", 0, 0.05);
        assertEquals(8, k.bits());
        assertEquals(0.01, k.finestLossBits());
        assertEquals(7, QuantizationStudy.basebandKnee(hand, "digital", "fixed", 0, 0.3).bits());
        assertEquals(10, QuantizationStudy.basebandKnee(hand, "digital", "fixed", 0, 0.0).bits());
        assertThrows(IllegalArgumentException.class, () -> QuantizationStudy.basebandKnee(hand, "digital", "bfp", 0, 0.05));
    }

    @Test
    void standInIsAValidHybridPrecoder() {
        int n = 32;
        int k = 4;
        int m = 6; // more RF chains than users: extra DFT beams
        Problem p = new Problem();
        new SalehValenzuela(n, k).draw(new java.util.SplittableRandom(5), p.channel);
        p.setNoise(k, 0.1);
        p.powerBudgetW = 2.0;
        p.rfChains = m;
        p.tx = ArrayShape.ula(n);
        Precoder out = new Precoder();
        new HybridStandIn().solve(p, out);
        assertTrue(out.isHybrid());
        assertEquals(n, out.analog.rows());
        assertEquals(m, out.analog.cols());
        assertEquals(m, out.baseband.rows());
        assertEquals(k, out.baseband.cols());
        for (int i = 0; i < n * m; i++) {
            assertEquals(1.0, Math.hypot(out.analog.re[i], out.analog.im[i]), 1e-12);
        }
        assertEquals(2.0, out.effective(new CMatrix()).frobeniusNorm2(), 1e-9);
        p.rfChains = 0;
        assertThrows(IllegalArgumentException.class, () -> new HybridStandIn().solve(p, out));
        assertEquals(org.isac.solver.SolverRegistry.exists(cfg.hybridSolver()) ? cfg.hybridSolver() : HybridStandIn.NAME,
                QuantizationStudy.hybridSolverName(cfg), "the registered hybrid solver, else the stand-in");
        assertEquals(HybridStandIn.NAME, QuantizationStudy.hybridSolverName(new QuantizationStudy.Config(cfg.antennas(),
                cfg.users(), cfg.rfChains(), cfg.snrDb(), cfg.powerW(), cfg.svPaths(), cfg.draws(), cfg.seed(),
                cfg.phaseBits(), cfg.basebandBits(), cfg.codecs(), cfg.digitalSolver(), "no-such-solver", cfg.targetsDeg())));
    }
}
