package org.isac.solver.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CompressionTest {
    /** Folded biases are rounded to float32: relative output change allowed for dead-neuron removal. */
    private static final double FOLD_TOL = 1e-5;

    @Test
    void quantisationFollowsEqs26And27() {
        Mlp m = Mlp.create(20, 16, 2, 10, new SplittableRandom(51));
        Mlp orig = m.copy();
        for (int q : new int[] {3, 5, 7}) {
            Mlp c = orig.copy();
            for (int l = 0; l < c.layers(); l++) {
                double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
                for (double[] row : orig.weights(l)) {
                    for (double v : row) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
                double f = Compression.quantise(c.weights(l), q);
                assertEquals((max - min) / (1 << q), f, 1e-15);
                Set<Double> distinct = new HashSet<>();
                for (int i = 0; i < c.width(l); i++) {
                    for (int j = 0; j < c.width(l + 1); j++) {
                        double v = c.weights(l)[i][j];
                        distinct.add(v);
                        assertTrue(Math.abs(v - orig.weights(l)[i][j]) <= f / 2 + 1e-15, "rounding error ≤ f/2");
                        assertEquals(Math.rint(v / f), v / f, 1e-9, "on the grid");
                    }
                }
                // the grid is anchored at zero, so [min, max] (2^Q steps wide) can touch 2^Q + 2 levels
                assertTrue(distinct.size() <= (1 << q) + 2, distinct.size() + " levels for Q=" + q);
            }
        }
    }

    @Test
    void globalPruningCutsTheWeakest() {
        Mlp m = Mlp.create(30, 20, 2, 12, new SplittableRandom(52));
        Mlp orig = m.copy();
        Compression.pruneGlobal(m, 0.3);
        long total = m.weightCount();
        assertEquals((long) Math.ceil(0.3 * total), total - m.nonZeroWeights());
        double maxCut = 0, minKept = Double.POSITIVE_INFINITY;
        for (int l = 0; l < m.layers(); l++) {
            for (int i = 0; i < m.width(l); i++) {
                for (int j = 0; j < m.width(l + 1); j++) {
                    double o = Math.abs(orig.weights(l)[i][j]);
                    if (m.weights(l)[i][j] == 0) {
                        maxCut = Math.max(maxCut, o);
                    } else {
                        minKept = Math.min(minKept, o);
                        assertEquals(orig.weights(l)[i][j], m.weights(l)[i][j]);
                    }
                }
            }
        }
        assertTrue(maxCut <= minKept, "pruned " + maxCut + " > kept " + minKept);
    }

    @Test
    void deadNeuronsAreRemovedWithoutChangingTheOutput() {
        Mlp m = Mlp.create(6, 8, 3, 4, new SplittableRandom(53));
        m.roundToFloat();
        for (int i = 0; i < 6; i++) {
            m.weights(0)[i][2] = 0; // unit 2 of hidden layer 1: no inputs (constant SiLU(b))
        }
        java.util.Arrays.fill(m.weights(1)[5], 0); // unit 5 of hidden layer 1: no outputs
        for (int i = 0; i < 8; i++) {
            m.weights(2)[i][7] = 0; // unit 7 of hidden layer 3 becomes input-less …
        }
        java.util.Arrays.fill(m.weights(3)[7], 0); // … and output-less
        Mlp slim = Compression.removeDeadNeurons(m);
        assertArrayEquals(new int[] {6, 6, 8, 7, 4}, slim.widths());
        SplittableRandom rng = new SplittableRandom(54);
        double[] u = new double[6], a = new double[4], b = new double[4];
        for (int t = 0; t < 10; t++) {
            for (int i = 0; i < 6; i++) {
                u[i] = rng.nextGaussian();
            }
            m.forward(u, a, m.newWorkspace());
            slim.forward(u, b, slim.newWorkspace());
            for (int j = 0; j < 4; j++) {
                assertEquals(a[j], b[j], FOLD_TOL * (1 + Math.abs(a[j])));
            }
        }
    }

    @Test
    void compressedModelRecordsQAndJAndRoundTrips() {
        DnnModel full = DnnFixtures.randomModel(10, 0.5, 55);
        DnnModel c = Compression.compress(full, 7, 0.1);
        assertEquals(7, c.qBits());
        assertEquals(0.1, c.prune());
        Compression.Stats st = Compression.stats(c);
        assertEquals(0.196875, st.paperComplexity(), 1e-12, "Table 3: 19.68 % for Q=7, J=10 %");
        assertTrue(st.nonZeroWeights() <= 0.9 * full.net().weightCount() + 1);
        assertTrue(st.storageFraction() < 0.21 && st.macFraction() <= 0.9 + 1e-9, st.toString());
        String text = c.toText();
        assertTrue(text.contains("q_bits = 7") && text.contains("prune = 0.1") && text.contains("layer.0.w_codes"));
        DnnModel back = DnnModel.fromText(text, "compressed");
        assertEquals(text, back.toText());
        double[] u = new double[full.config().inputs()], y1 = new double[200], y2 = new double[200], y0 = new double[200];
        SplittableRandom rng = new SplittableRandom(56);
        for (int i = 0; i < u.length; i++) {
            u[i] = rng.nextGaussian();
        }
        c.net().forward(u, y1, c.net().newWorkspace());
        back.net().forward(u, y2, back.net().newWorkspace());
        assertArrayEquals(y1, y2, 0.0);
        full.net().forward(u, y0, full.net().newWorkspace());
        double diff = 0, norm = 0;
        for (int j = 0; j < 200; j++) {
            diff += (y1[j] - y0[j]) * (y1[j] - y0[j]);
            norm += y0[j] * y0[j];
        }
        assertTrue(diff > 0 && diff < 0.05 * norm, "7-bit output close to but not equal to the full one: " + diff / norm);
        DnnModel same = Compression.compress(full, 32, 0);
        same.net().forward(u, y1, same.net().newWorkspace());
        assertArrayEquals(y0, y1, 0.0, "Q=32, J=0 is the full network");
        assertThrows(IllegalArgumentException.class, () -> Compression.compress(c, 5, 0.2));
        assertThrows(IllegalArgumentException.class, () -> Compression.compress(full, 1, 0.2));
    }
}
