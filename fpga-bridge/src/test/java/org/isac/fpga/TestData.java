package org.isac.fpga;

import java.util.SplittableRandom;

/** Seeded random weights for tests. */
public final class TestData {
    private TestData() {
    }

    /** Gaussian entries, each column scaled by a random factor in [1e-3, 1] (different dynamic range per stream). */
    public static double[][] matrix(SplittableRandom rnd, int rows, int cols) {
        double[] re = new double[rows * cols];
        double[] im = new double[rows * cols];
        double[] colScale = new double[cols];
        for (int c = 0; c < cols; c++) {
            colScale[c] = Math.pow(10, -3 * rnd.nextDouble());
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                re[r * cols + c] = gauss(rnd) * colScale[c];
                im[r * cols + c] = gauss(rnd) * colScale[c];
            }
        }
        return new double[][] {re, im};
    }

    /** Unit-modulus entries with uniform random phases. */
    public static double[][] unitModulus(SplittableRandom rnd, int n) {
        double[] re = new double[n];
        double[] im = new double[n];
        for (int i = 0; i < n; i++) {
            double ph = (rnd.nextDouble() * 2 - 1) * 4 * Math.PI;
            re[i] = Math.cos(ph);
            im[i] = Math.sin(ph);
        }
        return new double[][] {re, im};
    }

    public static double gauss(SplittableRandom rnd) {
        double u = rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    /** Scales the arrays in place by {@code a}. */
    public static void scale(double[][] m, double a) {
        for (double[] x : m) {
            for (int i = 0; i < x.length; i++) {
                x[i] *= a;
            }
        }
    }
}
