package org.isac.solver.linalg;

/** Argument checks shared by the {@link FastKernels} implementations. */
final class GemmArgs {
    private GemmArgs() {
    }

    /**
     * Checks a product whose A is stored aRows × aCols, B bRows × bCols and C m × n, and
     * that C overlaps neither A nor B.
     */
    static void check(String op, int m, int n, int k,
                      double[] ar, double[] ai, int aOff, int lda, int aRows, int aCols,
                      double[] br, double[] bi, int bOff, int ldb, int bRows, int bCols,
                      double[] cr, double[] ci, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(op + ": negative size m=" + m + " n=" + n + " k=" + k);
        }
        long aEnd = range(op, "A", ar, ai, aOff, lda, aRows, aCols);
        long bEnd = range(op, "B", br, bi, bOff, ldb, bRows, bCols);
        long cEnd = range(op, "C", cr, ci, cOff, ldc, m, n);
        if (cEnd > cOff) {
            if (aEnd > aOff && overlaps(cr, ci, cOff, cEnd, ar, ai, aOff, aEnd)) {
                throw new IllegalArgumentException(op + ": C overlaps A");
            }
            if (bEnd > bOff && overlaps(cr, ci, cOff, cEnd, br, bi, bOff, bEnd)) {
                throw new IllegalArgumentException(op + ": C overlaps B");
            }
        }
    }

    /** Returns the end (exclusive) of the index range a rows × cols matrix touches. */
    private static long range(String op, String name, double[] re, double[] im, int off, int ld, int rows, int cols) {
        if (rows == 0 || cols == 0) {
            return off;
        }
        if (re == null || im == null) {
            throw new IllegalArgumentException(op + ": " + name + " arrays are null");
        }
        if (off < 0 || ld < cols) {
            throw new IllegalArgumentException(op + ": " + name + " (" + rows + "x" + cols + ") has offset " + off
                    + " and leading dimension " + ld + " (must be >= 0 and >= " + cols + ")");
        }
        long end = off + (long) (rows - 1) * ld + cols;
        if (end > re.length || end > im.length) {
            throw new IllegalArgumentException(op + ": " + name + " (" + rows + "x" + cols + ", offset " + off + ", ld " + ld
                    + ") needs " + end + " elements, arrays hold " + Math.min(re.length, im.length));
        }
        return end;
    }

    private static boolean overlaps(double[] cr, double[] ci, long c0, long c1, double[] xr, double[] xi, long x0, long x1) {
        boolean shared = cr == xr || cr == xi || ci == xr || ci == xi;
        return shared && c0 < x1 && x0 < c1;
    }
}
