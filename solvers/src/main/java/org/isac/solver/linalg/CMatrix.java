package org.isac.solver.linalg;

import java.util.Arrays;

/**
 * Dense complex matrix stored row-major in two flat arrays (split re / im): element
 * (r, c) is {@code re[r*cols + c] + j·im[r*cols + c]}.
 *
 * <p>Buffers only grow: {@link #reshape(int, int)} to a shape that fits the capacity
 * reuses them, so a matrix held in a workspace allocates nothing after warm-up. Not
 * thread-safe.
 */
public final class CMatrix {
    private int rows;
    private int cols;
    /** Real parts, row-major; length is the capacity, at least rows·cols. */
    public double[] re;
    /** Imaginary parts, row-major; length is the capacity, at least rows·cols. */
    public double[] im;

    public CMatrix(int rows, int cols) {
        checkShape(rows, cols);
        this.rows = rows;
        this.cols = cols;
        this.re = new double[rows * cols];
        this.im = new double[rows * cols];
    }

    /** An empty 0×0 matrix (for optional parts such as a digital precoder's analog stage). */
    public CMatrix() {
        this(0, 0);
    }

    private static void checkShape(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative shape " + rows + "x" + cols);
        }
        if ((long) rows * cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape too large " + rows + "x" + cols);
        }
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int size() {
        return rows * cols;
    }

    public boolean isEmpty() {
        return rows == 0 || cols == 0;
    }

    /**
     * Sets the shape, growing the buffers only when the capacity is too small. The
     * contents are zeroed.
     */
    public CMatrix reshape(int rows, int cols) {
        checkShape(rows, cols);
        int n = rows * cols;
        if (re.length < n) {
            re = new double[n];
            im = new double[n];
        } else {
            Arrays.fill(re, 0, n, 0.0);
            Arrays.fill(im, 0, n, 0.0);
        }
        this.rows = rows;
        this.cols = cols;
        return this;
    }

    /** Entries the buffers can hold without growing. */
    public int capacity() {
        return re.length;
    }

    /**
     * Gives back buffers larger than {@code maxEntries} (after an outsized problem); the matrix
     * is then empty (0 × 0). A matrix within the bound is left as it is.
     */
    public void trim(int maxEntries) {
        if (re.length > maxEntries) {
            re = new double[0];
            im = new double[0];
            rows = 0;
            cols = 0;
        }
    }

    /**
     * Sets the shape like {@link #reshape(int, int)} but leaves the contents unspecified
     * (no clearing): for outputs that a kernel overwrites completely.
     */
    public CMatrix resize(int rows, int cols) {
        checkShape(rows, cols);
        int n = rows * cols;
        if (re.length < n) {
            re = new double[n];
            im = new double[n];
        }
        this.rows = rows;
        this.cols = cols;
        return this;
    }

    public double re(int r, int c) {
        return re[r * cols + c];
    }

    public double im(int r, int c) {
        return im[r * cols + c];
    }

    public void set(int r, int c, double vre, double vim) {
        int i = r * cols + c;
        re[i] = vre;
        im[i] = vim;
    }

    /** Copies shape and contents of {@code o} into this matrix. */
    public CMatrix copyFrom(CMatrix o) {
        reshape(o.rows, o.cols);
        int n = o.rows * o.cols;
        System.arraycopy(o.re, 0, re, 0, n);
        System.arraycopy(o.im, 0, im, 0, n);
        return this;
    }

    public void zero() {
        int n = rows * cols;
        Arrays.fill(re, 0, n, 0.0);
        Arrays.fill(im, 0, n, 0.0);
    }

    /** ‖A‖²_F = Σ |a_ij|². */
    public double frobeniusNorm2() {
        double s = 0;
        int n = rows * cols;
        for (int i = 0; i < n; i++) {
            s += re[i] * re[i] + im[i] * im[i];
        }
        return s;
    }

    /** Multiplies every element by the real {@code s}. */
    public void scale(double s) {
        int n = rows * cols;
        for (int i = 0; i < n; i++) {
            re[i] *= s;
            im[i] *= s;
        }
    }

    /** True when every element is finite. */
    public boolean allFinite() {
        int n = rows * cols;
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(re[i]) || !Double.isFinite(im[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("CMatrix ").append(rows).append('x').append(cols).append('\n');
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                sb.append(String.format(" %+.4f%+.4fj", re(r, c), im(r, c)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
