package org.isac.solver.linalg;

/**
 * Cholesky factorisation and triangular inversion of S small Hermitian K × K matrices at once
 * (one per subband of a wideband problem), stored entry-major and matrix-minor: entry (i, j) of
 * matrix s is {@code re[(i·K + j)·S + s] + j·im[(i·K + j)·S + s]}, so the S copies of one entry
 * are contiguous and a vector holds one entry of L consecutive matrices. The plain scalar
 * formulas of {@link Kernels#cholesky} and {@link Kernels#invertLower}, per matrix in the same
 * order, so every matrix gets the same bits as those one-matrix kernels; this class is the
 * scalar implementation and the vector one's tail (see {@link FastKernels#choleskyInvertEach}).
 */
public final class BatchedCholesky {
    private BatchedCholesky() {
    }

    /**
     * {@link Kernels#cholesky} of matrices {@code from} … {@code to − 1} of S Hermitian K × K
     * matrices in the layout of the class comment: per matrix the same operations in the same
     * order, so the same bits; the matrix index is the innermost loop. {@code work} holds ≥ 4·S
     * doubles. Returns the first matrix (of the first column to fail) that is not numerically
     * positive definite (same test as {@link Kernels#cholesky}), or −1.
     */
    public static int cholesky(double[] r, double[] im, int k, int sb, int from, int to, double[] work) {
        // work: [0, sb) min pivot, [sb, 2sb) d / l_jj, [2sb, 3sb) sr, [3sb, 4sb) si
        int piv = 0, dd = sb, sro = 2 * sb, sio = 3 * sb;
        for (int s = from; s < to; s++) {
            work[piv + s] = 0;
        }
        for (int j = 0; j < k; j++) {
            int o = (j * k + j) * sb;
            for (int s = from; s < to; s++) {
                work[piv + s] = Math.max(work[piv + s], r[o + s]);
            }
        }
        for (int s = from; s < to; s++) {
            work[piv + s] = Kernels.CHOLESKY_RELATIVE_PIVOT * work[piv + s];
        }
        int failed = -1;
        for (int j = 0; j < k; j++) {
            int jj = (j * k + j) * sb;
            for (int s = from; s < to; s++) {
                work[dd + s] = r[jj + s];
            }
            for (int q = 0; q < j; q++) {
                int jq = (j * k + q) * sb;
                for (int s = from; s < to; s++) {
                    double lr = r[jq + s], li = im[jq + s];
                    work[dd + s] -= lr * lr + li * li;
                }
            }
            for (int s = from; s < to; s++) {
                double d = work[dd + s];
                if ((!(d > work[piv + s]) || !Double.isFinite(d)) && failed < 0) {
                    failed = s;
                }
            }
            if (failed >= 0) {
                return failed;
            }
            for (int s = from; s < to; s++) {
                double ljj = Math.sqrt(work[dd + s]);
                work[dd + s] = ljj;
                r[jj + s] = ljj;
                im[jj + s] = 0;
            }
            for (int i = j + 1; i < k; i++) {
                int ij = (i * k + j) * sb;
                for (int s = from; s < to; s++) {
                    work[sro + s] = r[ij + s];
                    work[sio + s] = im[ij + s];
                }
                for (int q = 0; q < j; q++) {
                    int iq = (i * k + q) * sb, jq = (j * k + q) * sb;
                    for (int s = from; s < to; s++) {
                        double xr = r[iq + s], xi = im[iq + s];
                        double yr = r[jq + s], yi = -im[jq + s];
                        work[sro + s] -= xr * yr - xi * yi;
                        work[sio + s] -= xr * yi + xi * yr;
                    }
                }
                for (int s = from; s < to; s++) {
                    double ljj = work[dd + s];
                    r[ij + s] = work[sro + s] / ljj;
                    im[ij + s] = work[sio + s] / ljj;
                }
            }
        }
        return -1;
    }

    /**
     * {@link Kernels#invertLower} of factors {@code from} … {@code to − 1} in the layout of the
     * class comment (same operations per matrix, so the same bits). {@code work} holds ≥ 4·S
     * doubles.
     */
    public static void invertLower(double[] r, double[] im, int k, int sb, int from, int to, double[] work) {
        int ir = 0, ii = sb, sro = 2 * sb, sio = 3 * sb;
        for (int i = 0; i < k; i++) {
            int io = i * k;
            int d = (io + i) * sb;
            for (int s = from; s < to; s++) {
                double dr = r[d + s], di = im[d + s];
                double dd = dr * dr + di * di;
                work[ir + s] = dr / dd;
                work[ii + s] = -di / dd;
            }
            for (int j = 0; j < i; j++) {
                for (int s = from; s < to; s++) {
                    work[sro + s] = 0;
                    work[sio + s] = 0;
                }
                for (int q = j; q < i; q++) {
                    int x = (io + q) * sb, y = (q * k + j) * sb;
                    for (int s = from; s < to; s++) {
                        double xr = r[x + s], xi = im[x + s];
                        double yr = r[y + s], yi = im[y + s];
                        work[sro + s] += xr * yr - xi * yi;
                        work[sio + s] += xr * yi + xi * yr;
                    }
                }
                int o = (io + j) * sb;
                for (int s = from; s < to; s++) {
                    double sr = work[sro + s], si = work[sio + s], invR = work[ir + s], invI = work[ii + s];
                    r[o + s] = -(sr * invR - si * invI);
                    im[o + s] = -(sr * invI + si * invR);
                }
            }
            for (int s = from; s < to; s++) {
                r[d + s] = work[ir + s];
                im[d + s] = work[ii + s];
            }
            for (int j = i + 1; j < k; j++) {
                int o = (io + j) * sb;
                for (int s = from; s < to; s++) {
                    r[o + s] = 0;
                    im[o + s] = 0;
                }
            }
        }
    }
}
