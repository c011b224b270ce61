package org.isac.solver.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.isac.solver.TestData;
import org.isac.solver.linalg.CMatrix;
import org.junit.jupiter.api.Test;

class DnnModelTest {
    private static final double FORWARD_TOL = 1e-12;
    private static final double POWER_TOL = 1e-12;

    /** Slow oracle: the forward pass written out with explicit sums per output unit. */
    static double[] naiveForward(Mlp m, double[] u) {
        double[] a = u.clone();
        for (int l = 0; l < m.layers(); l++) {
            double[] z = new double[m.width(l + 1)];
            for (int j = 0; j < z.length; j++) {
                double s = m.biases(l)[j];
                for (int i = 0; i < a.length; i++) {
                    s += m.weights(l)[i][j] * a[i];
                }
                z[j] = l == m.layers() - 1 ? s : s * (1 / (1 + Math.exp(-s)));
            }
            a = z;
        }
        return a;
    }

    @Test
    void paperArchitecture() {
        DnnModel md = DnnFixtures.randomModel(10, 0.5, 1);
        assertArrayEquals(new int[] {202, 128, 128, 128, 128, 200}, md.net().widths());
        assertEquals(202L * 128 + 3 * 128 * 128 + 128 * 200 + 4 * 128 + 200, md.net().parameterCount());
    }

    @Test
    void forwardMatchesOracle() {
        Mlp m = Mlp.create(13, 9, 3, 7, new SplittableRandom(2));
        SplittableRandom rng = new SplittableRandom(3);
        double[] u = new double[13];
        double[] out = new double[7];
        Mlp.Workspace ws = m.newWorkspace();
        for (int trial = 0; trial < 20; trial++) {
            for (int i = 0; i < u.length; i++) {
                u[i] = trial % 3 == 0 && i % 4 == 0 ? 0 : 2 * rng.nextGaussian();
            }
            m.forward(u, out, ws);
            assertArrayEquals(naiveForward(m, u), out, FORWARD_TOL);
        }
    }

    @Test
    void roundTripIsExact() {
        DnnModel a = DnnFixtures.randomModel(10, 0.3, 4);
        String text = a.toText();
        DnnModel b = DnnModel.fromText(text, "test");
        assertEquals(a.config(), b.config());
        assertEquals(a.provenance(), b.provenance());
        assertEquals(a.beta(), b.beta());
        assertEquals(a.gamma(), b.gamma());
        assertEquals(32, b.qBits());
        assertArrayEquals(a.net().widths(), b.net().widths());
        for (int l = 0; l < a.net().layers(); l++) {
            for (int i = 0; i < a.net().width(l); i++) {
                assertArrayEquals(a.net().weights(l)[i], b.net().weights(l)[i], 0.0);
            }
            assertArrayEquals(a.net().biases(l), b.net().biases(l), 0.0);
        }
        assertEquals(text, b.toText(), "write(read(write(m))) = write(m)");
        assertTrue(text.contains("config.rho = 0.3"));
    }

    @Test
    void unroundedWeightsAreRejectedAndBadFilesNamed() {
        DnnModel a = DnnFixtures.randomModel(10, 0.5, 5);
        a.net().weights(0)[0][0] = 0.1; // not a float32
        assertThrows(IllegalStateException.class, a::toText);
        DnnModel ok = DnnFixtures.randomModel(10, 0.5, 5);
        String text = ok.toText();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DnnModel.fromText(text.replaceAll("(?m)^config\\.seed = .*\\n", ""), "f"));
        assertTrue(e.getMessage().contains("seed"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> DnnModel.fromText(text.replaceAll("(?m)^(layer\\.2\\.b = )....", "$1"), "f"));
        assertTrue(e.getMessage().contains("layer.2.b"), e.getMessage());
    }

    @Test
    void precoderMeetsPowerAndDependsOnInput() {
        DnnModel md = DnnFixtures.randomModel(10, 0.5, 6);
        DnnPrecoder p = new DnnPrecoder(md);
        SplittableRandom rng = new SplittableRandom(7);
        CMatrix h = TestData.gaussian(rng, 10, 10);
        CMatrix x1 = new CMatrix(), x2 = new CMatrix(), x3 = new CMatrix();
        double[] th = {Math.toRadians(-10), Math.toRadians(25)};
        p.precode(h, th, 1.0, x1);
        assertEquals(1.0, x1.frobeniusNorm2(), POWER_TOL);
        h.scale(1e-5); // the input is normalised per instance: same precoder
        p.precode(h, th, 2.0, x2);
        assertEquals(2.0, x2.frobeniusNorm2(), 2 * POWER_TOL);
        for (int i = 0; i < 100; i++) {
            assertEquals(x1.re[i] * Math.sqrt(2), x2.re[i], 1e-9);
        }
        p.precode(h, new double[] {0.3, -0.4}, 1.0, x3);
        assertNotEquals(x1.re[0], x3.re[0], "angles are an input");
    }

    @Test
    void waterFilledAnchorModelRoundTripsItsMixingAnglesAndInfersWithoutAllocating() {
        for (String anchor : new String[] {DnnConfig.ANCHOR_RZF_WF, DnnConfig.ANCHOR_RZF_WF_HEADS}) {
        for (int m : new int[] {10, 20}) {
            DnnConfig c = DnnConfig.paper(m, 0.5).withNetwork(16, 2, 0.1).withAnchor(anchor);
            Mlp net = Mlp.create(c.inputs(), c.hidden(), c.hiddenLayers(), c.outputs(), new SplittableRandom(61));
            net.scaleOutputLayer(0.01);
            net.roundToFloat();
            DnnModel md = new DnnModel(c, net, 1 / 30.0, 1e-3, 32, 0, null, 0.37, 1.21, Map.of("note", "test"));
            DnnModel back = DnnModel.fromText(md.toText(), "test");
            assertEquals(0.37, back.anchorMix());
            assertEquals(1.21, back.anchorMixNull());
            assertEquals(md.toText(), back.toText());
            DnnModel q = Compression.compress(md, 7, 0.1);
            assertEquals(0.37, DnnModel.fromText(q.toText(), "q").anchorMix());
            // channels with path loss, so water-filling drops users and the active set changes between calls
            Seed003Dataset d = Seed003Dataset.generate(c, 8, 62, false);
            DnnPrecoder p = new DnnPrecoder(back);
            CMatrix h = new CMatrix(), x = new CMatrix(m, 10);
            for (int i = 0; i < 3000; i++) {
                d.channel(i % 8, h);
                p.precode(h, d.angles[i % 8], 1.0, x);
            }
            assertEquals(1.0, x.frobeniusNorm2(), 1e-12);
            TestData.allocatedBytes(); // the first call may allocate itself
            // a loaded machine can leave the vector kernels uncompiled (boxing) for a while: measure
            // rounds of 2000 until one is clean, and fail only when none of ten is
            long allocated = Long.MAX_VALUE;
            for (int round = 0; round < 10 && allocated >= 2048; round++) {
                long before = TestData.allocatedBytes();
                for (int i = 0; i < 2000; i++) {
                    d.channel(i % 8, h);
                    p.precode(h, d.angles[i % 8], 1.0, x);
                }
                allocated = TestData.allocatedBytes() - before;
            }
            assertTrue(allocated < 2048, "M=" + m + ": allocated " + allocated + " bytes in 2000 inferences");
        }
        }
    }

    @Test
    void inferenceAllocatesNothingAtM20() {
        DnnModel md = DnnFixtures.randomModel(20, 0.5, 8);
        DnnPrecoder p = new DnnPrecoder(md);
        CMatrix h = TestData.gaussian(new SplittableRandom(9), 20, 10);
        CMatrix x = new CMatrix(20, 10);
        double[] th = {Math.toRadians(-10), Math.toRadians(25)};
        for (int i = 0; i < 3000; i++) {
            p.precode(h, th, 1.0, x);
        }
        TestData.allocatedBytes(); // the first call may allocate itself
        long before = TestData.allocatedBytes();
        for (int i = 0; i < 2000; i++) {
            p.precode(h, th, 1.0, x);
        }
        long allocated = TestData.allocatedBytes() - before;
        assertTrue(allocated < 2048, "allocated " + allocated + " bytes in 2000 inferences");
    }
}
