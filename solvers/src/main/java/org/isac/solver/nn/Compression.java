package org.isac.solver.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Post-training compression of seed 003 Sec. IV:
 * <ol>
 *   <li><b>Quantisation</b> (eqs. (26)–(27)): the weights s_i of each layer i become
 *       s_i^Q = round(s_i / f)·f with f = (max(s_i) − min(s_i)) / 2^Q; weights that round
 *       to zero are thereby pruned too. The grid is anchored at zero, not at min(s_i), so a
 *       layer can use 2^Q + 1 levels (2^Q + 2 when both ends round outwards): "Q bits" is
 *       nominal, exactly as the paper's formula defines it; codes are stored as int16.</li>
 *   <li><b>Global magnitude pruning</b> at ratio J, after quantisation: the ⌈J·U⌉ weakest
 *       of all U weights of the network (smallest |s|, ties broken by position) are set to
 *       zero.</li>
 *   <li><b>Dead neurons</b>: a hidden unit whose outgoing weights are all zero is removed;
 *       a hidden unit whose incoming weights are all zero outputs the constant SiLU(b), which
 *       is folded into the next layer's biases before the unit is removed (exact up to
 *       float32 rounding of those biases). Repeated until nothing changes.</li>
 * </ol>
 * Biases are kept in float32 and not quantised (see {@link DnnModel}). Relative complexity is
 * reported two ways ({@link Stats}): the paper's Q·(1−J)/32 (which reproduces every
 * "Complexity" entry of Table 3), and the measured storage and multiply-add counts of the
 * compressed network.
 */
public final class Compression {
    private Compression() {
    }

    /** What compression did to a network. */
    public record Stats(int qBits, double prune, long weights, long nonZeroWeights, long removedNeurons,
            double paperComplexity, double storageFraction, double macFraction) {
    }

    /**
     * Compresses a full (Q = 32, J = 0) model. Q = 32 skips quantisation; J = 0 skips
     * pruning. The returned model records Q and J and the {@link Stats} in its provenance.
     */
    public static DnnModel compress(DnnModel full, int qBits, double prune) {
        if (full.isCompressed()) {
            throw new IllegalArgumentException("compress the full model, not one already at Q=" + full.qBits() + ", J=" + full.prune());
        }
        if (qBits != DnnModel.FULL_BITS && (qBits < 2 || qBits > 15)) {
            throw new IllegalArgumentException("Q must be 2…15 bits or 32, got " + qBits);
        }
        if (!(prune >= 0 && prune < 1)) {
            throw new IllegalArgumentException("pruning ratio J must lie in [0, 1), got " + prune);
        }
        Mlp net = full.net().copy();
        int layers = net.layers();
        double[] steps = null;
        if (qBits < DnnModel.FULL_BITS) {
            steps = new double[layers];
            for (int l = 0; l < layers; l++) {
                steps[l] = quantise(net.w[l], qBits);
            }
        }
        if (prune > 0) {
            pruneGlobal(net, prune);
        }
        long before = 0;
        for (int l = 1; l < layers; l++) {
            before += net.width(l);
        }
        Mlp slim = removeDeadNeurons(net);
        long after = 0;
        for (int l = 1; l < layers; l++) {
            after += slim.width(l);
        }
        Stats st = stats(full.net(), slim, qBits, prune, before - after);
        Map<String, String> prov = new LinkedHashMap<>(full.provenance());
        prov.put("compression_weights_nonzero", Long.toString(st.nonZeroWeights()));
        prov.put("compression_removed_neurons", Long.toString(st.removedNeurons()));
        prov.put("compression_paper_complexity", Double.toString(st.paperComplexity()));
        prov.put("compression_storage_fraction", Double.toString(st.storageFraction()));
        prov.put("compression_mac_fraction", Double.toString(st.macFraction()));
        return new DnnModel(full.config(), slim, full.beta(), full.gamma(), qBits, prune, steps, full.anchorMix(), full.anchorMixNull(), prov);
    }

    /** Eqs. (26)–(27) in place on one layer's weights; returns the step f. */
    static double quantise(double[][] w, int q) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double[] row : w) {
            for (double v : row) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        double f = (max - min) / Math.pow(2, q);
        if (!(f > 0)) {
            f = Math.max(Math.abs(max), Double.MIN_NORMAL); // a constant layer: one code represents it
        }
        for (double[] row : w) {
            for (int j = 0; j < row.length; j++) {
                row[j] = Math.rint(row[j] / f) * f;
            }
        }
        return f;
    }

    /** Zeroes the ⌈J·U⌉ smallest-magnitude weights of the whole network (ties by position). */
    static void pruneGlobal(Mlp net, double ratio) {
        long total = net.weightCount();
        int cut = (int) Math.ceil(ratio * total - 1e-9);
        if (cut <= 0) {
            return;
        }
        double[] mags = new double[(int) total];
        int p = 0;
        for (double[][] layer : net.w) {
            for (double[] row : layer) {
                for (double v : row) {
                    mags[p++] = Math.abs(v);
                }
            }
        }
        double[] sorted = mags.clone();
        Arrays.sort(sorted);
        double threshold = sorted[cut - 1];
        int below = 0;
        for (double m : mags) {
            if (m < threshold) {
                below++;
            }
        }
        int tiesToCut = cut - below; // entries equal to the threshold, cut in position order
        for (double[][] layer : net.w) {
            for (double[] row : layer) {
                for (int j = 0; j < row.length; j++) {
                    double m = Math.abs(row[j]);
                    if (m < threshold) {
                        row[j] = 0;
                    } else if (m == threshold && tiesToCut > 0) {
                        row[j] = 0;
                        tiesToCut--;
                    }
                }
            }
        }
    }

    /** A copy of {@code net} without dead hidden units (class comment). */
    static Mlp removeDeadNeurons(Mlp net) {
        int layers = net.layers();
        List<double[][]> w = new ArrayList<>();
        List<double[]> b = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            double[][] rows = new double[net.width(l)][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = net.w[l][i].clone();
            }
            w.add(rows);
            b.add(net.b[l].clone());
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int l = 1; l < layers; l++) { // hidden activations a_l: incoming w[l−1], outgoing w[l]
                double[][] in = w.get(l - 1), out = w.get(l);
                int units = out.length;
                boolean[] keep = new boolean[units];
                int kept = 0;
                for (int h = 0; h < units; h++) {
                    boolean hasOut = false, hasIn = false;
                    for (double v : out[h]) {
                        hasOut |= v != 0;
                    }
                    for (double[] row : in) {
                        hasIn |= row[h] != 0;
                    }
                    if (hasOut && !hasIn) { // constant output SiLU(b_h): fold it into the next biases
                        double c = Mlp.silu(b.get(l - 1)[h]);
                        double[] nb = b.get(l);
                        for (int j = 0; j < nb.length; j++) {
                            nb[j] = (float) (nb[j] + c * out[h][j]);
                        }
                    }
                    keep[h] = hasOut && hasIn;
                    if (keep[h]) {
                        kept++;
                    }
                }
                if (kept == units || kept == 0) {
                    continue; // nothing dead, or the whole layer is dead (keep the network well-formed)
                }
                changed = true;
                double[][] nIn = new double[in.length][kept];
                double[] nbIn = new double[kept];
                double[][] nOut = new double[kept][];
                int c = 0;
                for (int h = 0; h < units; h++) {
                    if (!keep[h]) {
                        continue;
                    }
                    for (int i = 0; i < in.length; i++) {
                        nIn[i][c] = in[i][h];
                    }
                    nbIn[c] = b.get(l - 1)[h];
                    nOut[c] = out[h];
                    c++;
                }
                w.set(l - 1, nIn);
                b.set(l - 1, nbIn);
                w.set(l, nOut);
            }
        }
        int[] widths = new int[layers + 1];
        widths[0] = net.width(0);
        for (int l = 0; l < layers; l++) {
            widths[l + 1] = b.get(l).length;
        }
        Mlp m = new Mlp(widths);
        for (int l = 0; l < layers; l++) {
            for (int i = 0; i < widths[l]; i++) {
                System.arraycopy(w.get(l)[i], 0, m.w[l][i], 0, widths[l + 1]);
            }
            System.arraycopy(b.get(l), 0, m.b[l], 0, widths[l + 1]);
        }
        return m;
    }

    static Stats stats(Mlp full, Mlp slim, int qBits, double prune, long removed) {
        long nz = slim.nonZeroWeights();
        double fullBits = 32.0 * full.parameterCount();
        long biases = slim.parameterCount() - slim.weightCount();
        double storage = (nz * (double) qBits + 32.0 * biases) / fullBits;
        double macs = (double) nz / full.weightCount();
        return new Stats(qBits, prune, full.weightCount(), nz, removed, qBits * (1 - prune) / 32.0, storage, macs);
    }

    /** {@link Stats} of an already compressed model relative to its full-size architecture. */
    public static Stats stats(DnnModel m) {
        DnnConfig c = m.config();
        Mlp shape = new Mlp(fullWidths(c));
        long removed = 0;
        for (int l = 1; l < m.net().layers(); l++) {
            removed += shape.width(l) - m.net().width(l);
        }
        return stats(shape, m.net(), m.qBits(), m.prune(), removed);
    }

    static int[] fullWidths(DnnConfig c) {
        int[] w = new int[c.hiddenLayers() + 2];
        w[0] = c.inputs();
        Arrays.fill(w, 1, c.hiddenLayers() + 1, c.hidden());
        w[c.hiddenLayers() + 1] = c.outputs();
        return w;
    }
}
