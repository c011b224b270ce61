package org.isac.solver.nn;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A fully connected network with SiLU hidden layers and a linear output layer (seed 003
 * Sec. III-B, Fig. 2): widths [in, h_1, …, h_L, out]; layer l maps a_l to
 * z_{l+1} = W_lᵀ·a_l + b_l, a_{l+1} = SiLU(z_{l+1}) = z·σ(z) for hidden layers.
 *
 * <p>Storage: {@code w[l][i]} is the row of weights leaving input i of layer l (length
 * widths[l+1]), so the forward pass is a sum of contiguous row updates y += a_i·w[l][i],
 * which HotSpot vectorises (one array per row, plain indices: loops that index one array at several offsets ran at scalar speed on these machines). Flops of one
 * inference: 2·Σ_l widths[l]·widths[l+1] (plus one exp per hidden unit).
 *
 * <p>Weights are plain {@code double}s; trained models are rounded to float32 before they are
 * saved ({@link #roundToFloat}), the precision the paper calls "32-bit" (Table 3). Not
 * thread-safe; inference state lives in a {@link Workspace}.
 */
public final class Mlp {
    private final int[] widths;
    /** w[l][i][j]: weight from unit i of layer l to unit j of layer l+1. */
    public final double[][][] w;
    /** b[l][j]: bias of unit j of layer l+1. */
    public final double[][] b;

    public Mlp(int... widths) {
        if (widths.length < 2) {
            throw new IllegalArgumentException("an MLP needs at least input and output widths");
        }
        for (int x : widths) {
            if (x < 1) {
                throw new IllegalArgumentException("layer widths must be >= 1: " + Arrays.toString(widths));
            }
        }
        this.widths = widths.clone();
        int layers = widths.length - 1;
        w = new double[layers][][];
        b = new double[layers][];
        for (int l = 0; l < layers; l++) {
            w[l] = new double[widths[l]][widths[l + 1]];
            b[l] = new double[widths[l + 1]];
        }
    }

    /**
     * An MLP of {@code hiddenLayers} × {@code hidden} units, initialised as PyTorch's
     * {@code nn.Linear} does: weights and biases U(−1/√fan_in, 1/√fan_in).
     */
    public static Mlp create(int in, int hidden, int hiddenLayers, int out, RandomGenerator rng) {
        int[] widths = new int[hiddenLayers + 2];
        widths[0] = in;
        Arrays.fill(widths, 1, hiddenLayers + 1, hidden);
        widths[hiddenLayers + 1] = out;
        Mlp m = new Mlp(widths);
        for (int l = 0; l < m.layers(); l++) {
            double bound = 1 / Math.sqrt(widths[l]);
            for (double[] row : m.w[l]) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = bound * (2 * rng.nextDouble() - 1);
                }
            }
            for (int j = 0; j < m.b[l].length; j++) {
                m.b[l][j] = bound * (2 * rng.nextDouble() - 1);
            }
        }
        return m;
    }

    public int layers() {
        return widths.length - 1;
    }

    public int width(int layer) {
        return widths[layer];
    }

    public int[] widths() {
        return widths.clone();
    }

    public int inputs() {
        return widths[0];
    }

    public int outputs() {
        return widths[widths.length - 1];
    }

    /** Weight matrix of layer l as rows per input unit (live view, not a copy). */
    public double[][] weights(int l) {
        return w[l];
    }

    /** Biases of layer l (live view). */
    public double[] biases(int l) {
        return b[l];
    }

    /** Number of weights (not biases). */
    public long weightCount() {
        long n = 0;
        for (int l = 0; l < layers(); l++) {
            n += (long) widths[l] * widths[l + 1];
        }
        return n;
    }

    /** Number of weights and biases. */
    public long parameterCount() {
        long n = weightCount();
        for (int l = 0; l < layers(); l++) {
            n += widths[l + 1];
        }
        return n;
    }

    /** Number of weights that are not zero. */
    public long nonZeroWeights() {
        long n = 0;
        for (double[][] layer : w) {
            for (double[] row : layer) {
                for (double v : row) {
                    if (v != 0) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    /** Multiply-adds of one dense inference: Σ_l widths[l]·widths[l+1]. */
    public long denseMacs() {
        return weightCount();
    }

    public Mlp copy() {
        Mlp m = new Mlp(widths);
        for (int l = 0; l < layers(); l++) {
            for (int i = 0; i < widths[l]; i++) {
                System.arraycopy(w[l][i], 0, m.w[l][i], 0, widths[l + 1]);
            }
            System.arraycopy(b[l], 0, m.b[l], 0, widths[l + 1]);
        }
        return m;
    }

    /** Multiplies the output layer's weights and biases by {@code f}. */
    public void scaleOutputLayer(double f) {
        int l = layers() - 1;
        for (double[] row : w[l]) {
            for (int j = 0; j < row.length; j++) {
                row[j] *= f;
            }
        }
        for (int j = 0; j < b[l].length; j++) {
            b[l][j] *= f;
        }
    }

    /** A copy whose output layer is zero (an anchored network then serves its anchor). */
    public Mlp zeroOutput() {
        Mlp z = copy();
        z.scaleOutputLayer(0);
        return z;
    }

    /** Copies all weights and biases of {@code o} (same widths) into this network. */
    public void copyFrom(Mlp o) {
        if (!Arrays.equals(widths, o.widths)) {
            throw new IllegalArgumentException("widths differ: " + Arrays.toString(widths) + " vs " + Arrays.toString(o.widths));
        }
        for (int l = 0; l < layers(); l++) {
            for (int i = 0; i < widths[l]; i++) {
                System.arraycopy(o.w[l][i], 0, w[l][i], 0, widths[l + 1]);
            }
            System.arraycopy(o.b[l], 0, b[l], 0, widths[l + 1]);
        }
    }

    /** Rounds every parameter to the nearest float32 (the precision models are stored in). */
    public void roundToFloat() {
        for (int l = 0; l < layers(); l++) {
            for (double[] row : w[l]) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = (float) row[j];
                }
            }
            for (int j = 0; j < b[l].length; j++) {
                b[l][j] = (float) b[l][j];
            }
        }
    }

    /** SiLU(z) = z·σ(z). */
    public static double silu(double z) {
        return z / (1 + Math.exp(-z));
    }

    /** Per-thread activations for {@link #forward}. */
    public static final class Workspace {
        final double[][] act;

        public Workspace(Mlp m) {
            act = new double[m.widths.length][];
            for (int l = 0; l < m.widths.length; l++) {
                act[l] = new double[m.widths[l]];
            }
        }
    }

    public Workspace newWorkspace() {
        return new Workspace(this);
    }

    /**
     * Inference: writes the network output for input {@code in[0…inputs−1]} into
     * {@code out[0…outputs−1]} (may be the workspace's own last layer). Allocation-free.
     * Inputs that are exactly zero are skipped (pruned neurons and sparse inputs cost nothing).
     */
    public void forward(double[] in, double[] out, Workspace ws) {
        double[][] act = ws.act;
        System.arraycopy(in, 0, act[0], 0, widths[0]);
        int last = layers() - 1;
        for (int l = 0; l <= last; l++) {
            double[] x = act[l];
            double[] y = l == last ? out : act[l + 1];
            int nIn = widths[l], nOut = widths[l + 1];
            System.arraycopy(b[l], 0, y, 0, nOut);
            double[][] wl = w[l];
            for (int i = 0; i < nIn; i++) {
                double a = x[i];
                if (a == 0) {
                    continue;
                }
                double[] row = wl[i];
                for (int j = 0; j < nOut; j++) {
                    y[j] += a * row[j];
                }
            }
            if (l < last) {
                for (int j = 0; j < nOut; j++) {
                    y[j] = silu(y[j]);
                }
            }
        }
    }
}
