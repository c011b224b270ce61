package org.isac.solver.radar;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.isac.solver.linalg.CMatrix;

/**
 * Eigen-decomposition of a Hermitian matrix A = X + jY through EJML's real symmetric
 * solver on the embedding [[X, −Y], [Y, X]] (2n × 2n), which has every eigenvalue of A
 * twice; EJML 0.44 has no complex eigen-solver. An eigenvector [u; v] of
 * the embedding gives the complex eigenvector u + jv. Lives here (radar/) because the Ψ
 * certificate needs it; the hybrid initialisers use it too. Allocates: not for hot paths.
 */
public final class HermitianEigen {
    private HermitianEigen() {
    }

    private static DMatrixRMaj embed(CMatrix a) {
        int n = a.rows();
        if (a.cols() != n) {
            throw new IllegalArgumentException("need a square matrix, got " + n + "x" + a.cols());
        }
        DMatrixRMaj e = new DMatrixRMaj(2 * n, 2 * n);
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                // symmetrise: use (A + Aᴴ)/2 so round-off asymmetry does not matter
                double x = 0.5 * (a.re[r * n + c] + a.re[c * n + r]);
                double y = 0.5 * (a.im[r * n + c] - a.im[c * n + r]);
                e.set(r, c, x);
                e.set(r + n, c + n, x);
                e.set(r, c + n, -y);
                e.set(r + n, c, y);
            }
        }
        return e;
    }

    /**
     * Smallest eigenvalue of the Hermitian n × n matrix {@code a} (its Hermitian part is
     * used). Flops: O((2n)³) (EJML symmetric QR algorithm). {@code a} is not modified.
     */
    public static double minEigenvalue(CMatrix a) {
        DMatrixRMaj e = embed(a);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(e.numRows, false, true);
        if (!eig.decompose(e)) {
            throw new IllegalStateException("symmetric eigen-decomposition failed");
        }
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < eig.getNumberOfEigenvalues(); i++) {
            min = Math.min(min, eig.getEigenvalue(i).getReal());
        }
        return min;
    }

    /**
     * The {@code count} dominant eigenpairs of the Hermitian n × n matrix {@code a}: writes
     * eigenvalues (descending) to {@code values[0…count−1]} and orthonormal eigenvectors to
     * the columns of {@code vectors} (reshaped to n × count). The embedding's eigenvalue pairs
     * are resolved by complex Gram–Schmidt: real eigenvectors are taken in descending order
     * and kept when they are not (numerically) a complex multiple of one already kept.
     * Flops: O((2n)³). {@code a} is not modified.
     */
    public static void dominant(CMatrix a, int count, double[] values, CMatrix vectors) {
        int n = a.rows();
        if (count < 0 || count > n) {
            throw new IllegalArgumentException("asked for " + count + " eigenpairs of a " + n + "x" + n + " matrix");
        }
        DMatrixRMaj e = embed(a);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(2 * n, true, true);
        if (!eig.decompose(e)) {
            throw new IllegalStateException("symmetric eigen-decomposition failed");
        }
        int m = eig.getNumberOfEigenvalues();
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (p, q) -> Double.compare(eig.getEigenvalue(q).getReal(),
                eig.getEigenvalue(p).getReal()));
        vectors.reshape(n, count);
        double[] ur = new double[n];
        double[] ui = new double[n];
        int kept = 0;
        for (int oi = 0; oi < m && kept < count; oi++) {
            DMatrixRMaj v = eig.getEigenVector(order[oi]);
            if (v == null) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                ur[i] = v.get(i, 0);
                ui[i] = v.get(i + n, 0);
            }
            // orthogonalise (complex) against the kept columns
            for (int c = 0; c < kept; c++) {
                double dr = 0, di = 0;
                for (int i = 0; i < n; i++) {
                    // <q_c, u> = Σ conj(q) u
                    double qr = vectors.re[i * count + c], qi = vectors.im[i * count + c];
                    dr += qr * ur[i] + qi * ui[i];
                    di += qr * ui[i] - qi * ur[i];
                }
                for (int i = 0; i < n; i++) {
                    double qr = vectors.re[i * count + c], qi = vectors.im[i * count + c];
                    ur[i] -= dr * qr - di * qi;
                    ui[i] -= dr * qi + di * qr;
                }
            }
            double norm2 = 0;
            for (int i = 0; i < n; i++) {
                norm2 += ur[i] * ur[i] + ui[i] * ui[i];
            }
            if (norm2 < 0.25) {
                continue; // the partner of an eigenvector already kept
            }
            double s = 1 / Math.sqrt(norm2);
            for (int i = 0; i < n; i++) {
                vectors.re[i * count + kept] = ur[i] * s;
                vectors.im[i * count + kept] = ui[i] * s;
            }
            values[kept] = eig.getEigenvalue(order[oi]).getReal();
            kept++;
        }
        if (kept < count) {
            throw new IllegalStateException("found only " + kept + " of " + count + " complex eigenvectors");
        }
    }
}
